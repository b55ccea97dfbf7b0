#include "frontend/InputCheck.h"

#include "frontend/Frontend.h"

namespace schedc {

// Length of the well-formed UTF-8 sequence at s[i], or 0 if it is malformed
// (truncated, overlong, surrogate or beyond U+10FFFF).
static size_t utf8Length(const std::string &s, size_t i) {
  auto byte = [&](size_t k) -> unsigned { return k < s.size() ? (unsigned char)s[k] : 0u; };
  auto cont = [&](size_t k) { return (byte(k) & 0xC0) == 0x80; };
  unsigned c = byte(i);
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return cont(i + 1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    unsigned c1 = byte(i + 1);
    if (c == 0xE0 && c1 < 0xA0) return 0;   // overlong
    if (c == 0xED && c1 >= 0xA0) return 0;  // surrogates
    return cont(i + 1) && cont(i + 2) ? 3 : 0;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    unsigned c1 = byte(i + 1);
    if (c == 0xF0 && c1 < 0x90) return 0;   // overlong
    if (c == 0xF4 && c1 >= 0x90) return 0;  // > U+10FFFF
    return cont(i + 1) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  }
  return 0;
}

bool checkInput(const std::string &source, Diagnostics &diags) {
  if (source.size() > kMaxSourceBytes) {
    diags.error(SourceRange{0, 0, 1}, "input is larger than 16 MiB");
    return false;
  }
  uint32_t line = 1, column = 1;
  for (size_t i = 0; i < source.size();) {
    if (source[i] == '\0') {
      diags.error(SourceRange{line, column, 1}, "NUL byte in source file",
                  "a .sched file is text; is this a binary file?");
      return false;
    }
    size_t n = utf8Length(source, i);
    if (n == 0) {
      diags.error(SourceRange{line, column, 1}, "invalid UTF-8 in source file");
      return false;
    }
    if (source[i] == '\n') {
      ++line;
      column = 1;
    } else {
      column += uint32_t(n);
    }
    i += n;
  }
  return true;
}

}  // namespace schedc
