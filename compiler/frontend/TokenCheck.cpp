#include "frontend/TokenCheck.h"

#include <cstdio>

#include "SchedcLexer.h"
#include "frontend/Frontend.h"

using schedc_grammar::SchedcLexer;

namespace schedc {

static std::string showChar(const std::string &text) {
  unsigned char c = text.empty() ? 0 : text[0];
  if (c >= 0x21 && c < 0x7f) return "'" + text + "'";
  char buf[16];
  std::snprintf(buf, sizeof buf, "\\x%02x", c);
  return c >= 0x80 ? "'" + text + "'" : std::string(buf);
}

static bool isOpen(const std::string &t) {
  return t == "(" || t == "[" || t == "{";
}
static bool isClose(const std::string &t) {
  return t == ")" || t == "]" || t == "}";
}
static bool isPrefixOp(const std::string &t) {
  return t == "-" || t == "!" || t == "~";
}

bool checkTokens(antlr4::CommonTokenStream &tokens, const SourceMap &map, Diagnostics &diags) {
  bool ok = true;
  const antlr4::Token *first = nullptr;
  unsigned depth = 0, prefixRun = 0;
  bool reportedDepth = false;

  for (antlr4::Token *t : tokens.getTokens()) {
    std::string text = t->getText();
    switch (t->getType()) {
      case SchedcLexer::ERROR_CHAR:
        diags.error(map.token(t), "unexpected character " + showChar(text));
        ok = false;
        continue;
      case SchedcLexer::BAD_NUMBER:
        diags.error(map.token(t), "invalid number '" + text + "'",
                    "a duration is digits and a unit (ns, us, ms, s); a hex number is 0x...");
        ok = false;
        continue;
      case SchedcLexer::UNTERMINATED_STRING:
        diags.error(map.token(t), "unterminated string", "close it with '\"' on the same line");
        ok = false;
        continue;
      case SchedcLexer::BLOCK_COMMENT:
        if (text.size() < 4 || text.compare(text.size() - 2, 2, "*/") != 0) {
          SourceRange r = map.token(t);
          r.length = 2;
          diags.error(r, "unterminated comment", "close it with '*/'");
          ok = false;
        }
        continue;
      case SchedcLexer::IDENT:
        // Names end up in the object's metadata and in schedrun's output.
        if (text.size() > kMaxIdentifier) {
          SourceRange r = map.token(t);
          r.length = 1;
          diags.error(r, "name is too long (" + std::to_string(text.size()) +
                             " characters; at most " + std::to_string(kMaxIdentifier) + ")");
          ok = false;
          continue;
        }
        break;
      default:
        break;
    }
    if (t->getChannel() != antlr4::Token::DEFAULT_CHANNEL) continue;
    if (!first) first = t;

    // Nesting: brackets, plus runs of prefix operators (`- - - x`).
    if (isOpen(text)) ++depth;
    if (isClose(text) && depth > 0) --depth;
    prefixRun = isPrefixOp(text) ? prefixRun + 1 : 0;
    if ((depth > kMaxNesting || prefixRun > kMaxNesting) && !reportedDepth) {
      diags.error(map.token(t), "nesting is too deep (more than 256 levels)",
                  "split the expression with `let`, or the code into smaller pieces");
      reportedDepth = true;
      ok = false;
    }
  }

  if (ok && (!first || first->getText() != "policy")) {
    SourceRange r = (!first || first->getType() == antlr4::Token::EOF) ? SourceRange{1, 1, 1}
                                                                       : map.token(first);
    diags.error(r, "expected `policy NAME;`",
                "a policy file starts with its name, e.g. `policy fifo;`");
    ok = false;
  }
  return ok;
}

}  // namespace schedc
