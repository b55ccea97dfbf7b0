#include "frontend/SourceMap.h"

#include <algorithm>

namespace schedc {

SourceMap::SourceMap(const std::string &source) : size_(uint32_t(source.size())) {
  lineStart_.push_back(0);
  for (uint32_t i = 0; i < size_; ++i) {
    unsigned char c = source[i];
    // A code point starts at every byte that is not a UTF-8 continuation byte.
    if ((c & 0xC0) != 0x80) byteOfCodePoint_.push_back(i);
    if (c == '\n') lineStart_.push_back(i + 1);
  }
  byteOfCodePoint_.push_back(size_);
}

uint32_t SourceMap::byteOf(size_t codePoint) const {
  if (codePoint >= byteOfCodePoint_.size()) return size_;
  return byteOfCodePoint_[codePoint];
}

SourceRange SourceMap::fromBytes(uint32_t begin, uint32_t end) const {
  auto it = std::upper_bound(lineStart_.begin(), lineStart_.end(), begin);
  uint32_t lineIndex = uint32_t(it - lineStart_.begin()) - 1;
  uint32_t lineEnd = lineIndex + 1 < lineStart_.size() ? lineStart_[lineIndex + 1] - 1 : size_;
  SourceRange r;
  r.line = lineIndex + 1;
  r.column = begin - lineStart_[lineIndex] + 1;
  uint32_t stop = std::min(end, lineEnd);
  r.length = stop > begin ? stop - begin : 1;
  return r;
}

SourceRange SourceMap::span(const antlr4::Token *first, const antlr4::Token *last) const {
  uint32_t begin = byteOf(first->getStartIndex());
  if (first->getType() == antlr4::Token::EOF) return fromBytes(begin, begin);
  uint32_t end = byteOf(last->getStopIndex() + 1);
  return fromBytes(begin, std::max(end, begin));
}

SourceRange SourceMap::rule(antlr4::ParserRuleContext *ctx) const {
  const antlr4::Token *stop = ctx->getStop();
  if (!stop || stop->getTokenIndex() < ctx->getStart()->getTokenIndex()) stop = ctx->getStart();
  return span(ctx->getStart(), stop);
}

SourceRange SourceMap::after(const antlr4::Token *t) const {
  uint32_t end = byteOf(t->getStopIndex() + 1);
  return fromBytes(end, end);
}

}  // namespace schedc
