#include <gtest/gtest.h>

#include <sstream>

#include "diag/Diagnostics.h"

using namespace schedc;

TEST(Diagnostics, ErrorWithSourceLineCaretAndHint) {
  std::ostringstream out;
  Diagnostics d("p.sched", "policy t;\nx = a + b;\n", out);
  d.error(SourceRange{2, 5, 5}, "cannot add 'duration' and 'u64'", "convert one side");
  EXPECT_EQ(out.str(),
            "p.sched:2:5: error: cannot add 'duration' and 'u64'\n"
            "x = a + b;\n"
            "    ^~~~~\n"
            "  hint: convert one side\n");
  EXPECT_TRUE(d.hasErrors());
  EXPECT_EQ(d.errorCount(), 1u);
}

TEST(Diagnostics, WarningAndNoteDoNotCountAsErrors) {
  std::ostringstream out;
  Diagnostics d("p.sched", "abc\n", out);
  d.warning(SourceRange{1, 2, 1}, "w");
  d.note(SourceRange{1, 1, 3}, "n");
  EXPECT_FALSE(d.hasErrors());
  EXPECT_EQ(d.warningCount(), 1u);
  EXPECT_EQ(out.str(), "p.sched:1:2: warning: w\nabc\n ^\np.sched:1:1: note: n\nabc\n^~~\n");
}

TEST(Diagnostics, TabsKeepTheCaretAligned) {
  std::ostringstream out;
  Diagnostics d("p.sched", "\t\tx = 1;\n", out);
  d.error(SourceRange{1, 3, 1}, "m");
  EXPECT_EQ(out.str(), "p.sched:1:3: error: m\n\t\tx = 1;\n\t\t^\n");
}

TEST(Diagnostics, CaretIsClippedToTheLine) {
  std::ostringstream out;
  Diagnostics d("p.sched", "ab\n", out);
  d.error(SourceRange{1, 2, 40}, "m");
  EXPECT_EQ(out.str(), "p.sched:1:2: error: m\nab\n ^\n");
}

TEST(Diagnostics, CaretJustPastTheEndOfTheLine) {
  std::ostringstream out;
  Diagnostics d("p.sched", "enqueue into main\r\n", out);
  d.error(SourceRange{1, 18, 1}, "expected ';'");
  EXPECT_EQ(out.str(),
            "p.sched:1:18: error: expected ';'\nenqueue into main\n                 ^\n");
}

// Columns count bytes; the caret counts characters. "é" is two bytes and "→"
// three, each one character wide.
TEST(Diagnostics, CaretAfterNonAsciiTextIsUnderTheReportedByte) {
  std::ostringstream out;
  Diagnostics d("p.sched", "/* \xc3\xa9 \xe2\x86\x92 */ x = 1;\n", out);
  d.error(SourceRange{1, 14, 1}, "m");
  EXPECT_EQ(out.str(),
            "p.sched:1:14: error: m\n"
            "/* \xc3\xa9 \xe2\x86\x92 */ x = 1;\n"
            "          ^\n");
}

TEST(Diagnostics, UnderlineOfNonAsciiTextHasOneMarkPerCharacter) {
  std::ostringstream out;
  Diagnostics d("p.sched", "\tg = comm(\"\xc3\xa9\xe2\x86\x92\");\n", out);
  d.error(SourceRange{1, 11, 7}, "m");  // the string literal: 2 quotes, 5 bytes between
  EXPECT_EQ(out.str(),
            "p.sched:1:11: error: m\n\tg = comm(\"\xc3\xa9\xe2\x86\x92\");\n\t         ^~~~\n");
}

TEST(Diagnostics, CaretPastTheEndOfANonAsciiLine) {
  std::ostringstream out;
  Diagnostics d("p.sched", "enqueue into \xc3\xa9\n", out);
  d.error(SourceRange{1, 16, 1}, "expected ';'");
  EXPECT_EQ(out.str(),
            "p.sched:1:16: error: expected ';'\nenqueue into \xc3\xa9\n              ^\n");
}

TEST(Diagnostics, WindowOfALongLineAfterNonAsciiText) {
  // 200 two-byte characters, then the error at byte 401: the window starts
  // 120 characters before it and the caret stays under it.
  std::string line;
  for (int i = 0; i < 200; ++i) line += "\xc3\xa9";
  line += "x" + std::string(2000, ' ');
  std::ostringstream out;
  Diagnostics d("p.sched", line + "\n", out);
  d.error(SourceRange{1, 401, 1}, "m");
  std::string shown;
  for (int i = 0; i < 120; ++i) shown += "\xc3\xa9";
  EXPECT_EQ(out.str(), "p.sched:1:401: error: m\n..." + shown + "x" + std::string(239, ' ') +
                           "...\n" + std::string(123, ' ') + "^\n");
}

TEST(Diagnostics, SameErrorTwiceIsReportedOnce) {
  std::ostringstream out;
  Diagnostics d("p.sched", "x\n", out);
  d.error(SourceRange{1, 1, 1}, "m");
  d.error(SourceRange{1, 1, 1}, "m");
  EXPECT_EQ(d.errorCount(), 1u);
}

TEST(Diagnostics, UnknownLocationHasNoSourceLine) {
  std::ostringstream out;
  Diagnostics d("p.sched", "x\n", out);
  d.error(SourceRange{0, 0, 1}, "input is larger than 16 MiB");
  EXPECT_EQ(out.str(), "p.sched: error: input is larger than 16 MiB\n");
}

TEST(Diagnostics, InternalErrorCountsAndSaysItIsABug) {
  std::ostringstream out;
  Diagnostics d("p.sched", "x\n", out);
  d.internalError("cannot lower this");
  EXPECT_TRUE(d.hasErrors());
  EXPECT_NE(out.str().find("p.sched: internal compiler error: cannot lower this"),
            std::string::npos);
  EXPECT_NE(out.str().find("bug in schedc"), std::string::npos);
}
