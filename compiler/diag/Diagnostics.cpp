#include "diag/Diagnostics.h"

#include <algorithm>

namespace schedc {

// Too many errors are noise; after this many the rest are dropped.
static const unsigned kMaxErrors = 50;

Diagnostics::Diagnostics(std::string fileName, const std::string &source, std::ostream &out)
    : fileName_(std::move(fileName)), out_(out) {
  std::string line;
  for (char c : source) {
    if (c == '\n') {
      lines_.push_back(line);
      line.clear();
    } else {
      line += c;
    }
  }
  lines_.push_back(line);
  for (std::string &l : lines_)
    if (!l.empty() && l.back() == '\r') l.pop_back();
}

void Diagnostics::error(SourceRange range, const std::string &msg, const std::string &hint) {
  report(Severity::Error, "error", range, msg, hint);
}

void Diagnostics::warning(SourceRange range, const std::string &msg, const std::string &hint) {
  report(Severity::Warning, "warning", range, msg, hint);
}

void Diagnostics::note(SourceRange range, const std::string &msg, const std::string &hint) {
  report(Severity::Note, "note", range, msg, hint);
}

void Diagnostics::internalError(SourceRange range, const std::string &msg) {
  report(Severity::Error, "internal compiler error", range, msg,
         "this is a bug in schedc, not in the policy; please report it");
}

// Lines longer than this many characters are shown as a window around the
// column, so a 10 MB one-line file does not print 10 MB twice.
static const uint32_t kMaxShownLine = 1024;
static const uint32_t kWindowBefore = 120, kWindowAfter = 240;

// The byte offset of each character (UTF-8 sequence) of `line`.
static std::vector<size_t> characterStarts(const std::string &line) {
  std::vector<size_t> starts;
  for (size_t i = 0; i < line.size(); ++i)
    if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80) starts.push_back(i);
  return starts;
}

// How many characters of the line start before byte offset `byte`. Past the
// end of the line (a missing ';') each byte counts as one character.
static uint32_t charactersBefore(const std::vector<size_t> &starts, size_t lineSize,
                                 uint32_t byte) {
  auto count = uint32_t(std::lower_bound(starts.begin(), starts.end(), byte) - starts.begin());
  return byte > lineSize ? count + uint32_t(byte - lineSize) : count;
}

// The caret line copies the source line's tabs so the caret stays under the
// span whatever the terminal's tab width is.
static std::string caretLine(const std::string &line, uint32_t column, uint32_t length) {
  std::vector<size_t> chars = characterStarts(line);
  std::string out;
  uint32_t start = column - 1;
  for (uint32_t i = 0; i < start; ++i)
    out += (i < chars.size() && line[chars[i]] == '\t') ? '\t' : ' ';
  // Underline no further than the end of the line (a span at the end of the
  // line, e.g. a missing ';', still gets its caret).
  uint32_t avail = start < chars.size() ? uint32_t(chars.size()) - start : 1;
  if (length > avail) length = avail;
  if (length == 0) length = 1;
  out += '^';
  for (uint32_t i = 1; i < length; ++i) out += '~';
  return out;
}

// Prints the source line and the caret line, windowed when the line is long.
// `byteColumn` and `byteLength` count bytes, as SourceRange does; the caret is
// drawn per character, so it stays under its token after non-ASCII text.
static void showLine(std::ostream &out, const std::string &line, uint32_t byteColumn,
                     uint32_t byteLength) {
  std::vector<size_t> chars = characterStarts(line);
  uint32_t column = charactersBefore(chars, line.size(), byteColumn - 1) + 1;
  uint32_t length =
      charactersBefore(chars, line.size(), byteColumn - 1 + byteLength) - (column - 1);
  if (chars.size() <= kMaxShownLine) {
    out << line << '\n' << caretLine(line, column, length) << '\n';
    return;
  }
  uint32_t first = column > kWindowBefore ? column - 1 - kWindowBefore : 0;
  uint32_t last = std::min<uint32_t>(uint32_t(chars.size()), column - 1 + kWindowAfter);
  if (first >= last) first = last > kWindowBefore ? last - kWindowBefore : 0;
  size_t from = chars[first], to = last < chars.size() ? chars[last] : line.size();
  std::string prefix = first > 0 ? "..." : "";
  std::string shown = prefix + line.substr(from, to - from) + (to < line.size() ? "..." : "");
  out << shown << '\n';
  uint32_t shownColumn = column - first + uint32_t(prefix.size());
  uint32_t shownLength = std::min(length, last + 1 - std::min(last, column - 1));
  out << caretLine(shown, shownColumn, shownLength) << '\n';
}

void Diagnostics::report(Severity severity, const char *label, SourceRange range,
                         const std::string &msg, const std::string &hint) {
  if (severity == Severity::Error) {
    if (!seen_.insert({range.line, range.column, msg}).second) return;
    ++errors_;
    if (errors_ > kMaxErrors) return;
  } else {
    if (!seen_.insert({range.line, range.column, std::string(label) + msg}).second) return;
    if (errors_ >= kMaxErrors) return;
    if (severity == Severity::Warning) ++warnings_;
  }

  out_ << fileName_;
  if (range.line > 0) out_ << ':' << range.line << ':' << (range.column ? range.column : 1);
  out_ << ": " << label << ": " << msg << '\n';
  if (range.line > 0 && range.line <= lines_.size()) {
    showLine(out_, lines_[range.line - 1], range.column ? range.column : 1, range.length);
  }
  if (!hint.empty()) out_ << "  hint: " << hint << '\n';
  if (severity == Severity::Error && errors_ == kMaxErrors)
    out_ << fileName_ << ": note: too many errors; stopping here\n";
}

}  // namespace schedc
