// Compiler messages for the user, clang/rustc style:
//
//   eevdf.sched:12:9: error: cannot add 'duration' and 'u64'
//       x = vruntime + 1;
//           ^~~~~~~~~~~~
//     hint: convert one side explicitly with `duration(...)` or `u64(...)`
//
// The column in `file:line:col` counts bytes from the start of the line, as
// clang's does. The caret line is drawn per character (UTF-8 code point, with
// the line's own tabs), so the caret sits under the reported byte even after
// non-ASCII text in a comment or string.
//
// Each pass reports at most one error per root cause: an expression whose type
// is Type::Invalid already has an error, so nothing is said about its users.
#pragma once
#include <ostream>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "ast/SourceRange.h"

namespace schedc {

enum class Severity { Error, Warning, Note };

class Diagnostics {
 public:
  Diagnostics(std::string fileName, const std::string &source, std::ostream &out);

  void error(SourceRange range, const std::string &msg, const std::string &hint = "");
  void warning(SourceRange range, const std::string &msg, const std::string &hint = "");
  void note(SourceRange range, const std::string &msg, const std::string &hint = "");

  // A bug in schedc rather than in the policy (e.g. codegen met an AST it
  // cannot lower). Counts as an error; `range` may be unknown (line 0).
  void internalError(SourceRange range, const std::string &msg);
  void internalError(const std::string &msg) { internalError(SourceRange{0, 0, 1}, msg); }

  bool hasErrors() const { return errors_ > 0; }
  unsigned errorCount() const { return errors_; }
  unsigned warningCount() const { return warnings_; }

  const std::string &fileName() const { return fileName_; }

 private:
  void report(Severity severity, const char *label, SourceRange range, const std::string &msg,
              const std::string &hint);

  std::string fileName_;
  std::vector<std::string> lines_;  // the source, split at '\n' (no '\r')
  std::ostream &out_;
  unsigned errors_ = 0;
  unsigned warnings_ = 0;
  // The same message at the same place is said once, however many paths reach it.
  std::set<std::tuple<uint32_t, uint32_t, std::string>> seen_;
};

}  // namespace schedc
