#include "diag/Diagnostics.h"

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

// The caret line copies the source line's tabs so the caret stays under the
// span whatever the terminal's tab width is.
static std::string caretLine(const std::string &line, uint32_t column, uint32_t length) {
  std::string out;
  uint32_t start = column - 1;
  for (uint32_t i = 0; i < start; ++i) out += (i < line.size() && line[i] == '\t') ? '\t' : ' ';
  // Underline no further than the end of the line (a span at the end of the
  // line, e.g. a missing ';', still gets its caret).
  uint32_t avail = start < line.size() ? uint32_t(line.size()) - start : 1;
  if (length > avail) length = avail;
  if (length == 0) length = 1;
  out += '^';
  for (uint32_t i = 1; i < length; ++i) out += '~';
  return out;
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
    const std::string &line = lines_[range.line - 1];
    out_ << line << '\n';
    out_ << caretLine(line, range.column ? range.column : 1, range.length) << '\n';
  }
  if (!hint.empty()) out_ << "  hint: " << hint << '\n';
  if (severity == Severity::Error && errors_ == kMaxErrors)
    out_ << fileName_ << ": note: too many errors; stopping here\n";
}

}  // namespace schedc
