// Turns ANTLR token positions into SourceRanges in bytes.
//
// ANTLR counts columns in code points, but SourceRange columns are bytes (so
// they index the source line directly), and a comment or string may hold
// non-ASCII text before a token on the same line.
#pragma once
#include <string>
#include <vector>

#include "antlr4-runtime.h"
#include "ast/SourceRange.h"

namespace schedc {

class SourceMap {
 public:
  explicit SourceMap(const std::string &source);

  // From the start of `first` to the end of `last`, cut at the end of
  // `first`'s line (a SourceRange covers one line).
  SourceRange span(const antlr4::Token *first, const antlr4::Token *last) const;
  SourceRange token(const antlr4::Token *t) const { return span(t, t); }
  SourceRange rule(antlr4::ParserRuleContext *ctx) const;
  // The one column just after `t`: where a missing ';' belongs.
  SourceRange after(const antlr4::Token *t) const;

 private:
  uint32_t byteOf(size_t codePoint) const;
  SourceRange fromBytes(uint32_t begin, uint32_t end) const;

  std::vector<uint32_t> byteOfCodePoint_;  // one more entry than code points
  std::vector<uint32_t> lineStart_;        // byte offset of each line
  uint32_t size_;
};

}  // namespace schedc
