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

// `1.5ms` -> "1500us": the largest unit that spells the same duration as a
// whole number, or "" when none does (a fraction of a nanosecond, or no unit).
static std::string wholeDuration(const std::string &text) {
  size_t dot = text.find('.');
  size_t unitAt = text.find_first_not_of("0123456789_", dot + 1);
  std::string unit = unitAt == std::string::npos ? "" : text.substr(unitAt);
  static const std::pair<const char *, unsigned __int128> units[] = {
      {"s", 1000000000}, {"ms", 1000000}, {"us", 1000}, {"ns", 1}};
  unsigned __int128 scale = 0;
  for (const auto &[name, ns] : units)
    if (unit == name) scale = ns;
  if (scale == 0) return "";
  unsigned __int128 whole = 0, fraction = 0, denominator = 1;
  for (size_t i = 0; i < text.size() && i < unitAt; ++i) {
    char c = text[i];
    if (c < '0' || c > '9') continue;
    if (i < dot) {
      whole = whole * 10 + unsigned(c - '0');
    } else {
      fraction = fraction * 10 + unsigned(c - '0');
      denominator *= 10;
    }
    if (whole > UINT64_MAX || denominator > UINT64_MAX) return "";
  }
  unsigned __int128 scaled = fraction * scale;
  if (scaled % denominator != 0) return "";
  unsigned __int128 ns = whole * scale + scaled / denominator;
  if (ns > UINT64_MAX) return "";
  for (const auto &[name, size] : units)
    if (ns % size == 0) return std::to_string(uint64_t(ns / size)) + name;
  return "";
}

bool checkTokens(antlr4::CommonTokenStream &tokens, const SourceMap &map, Diagnostics &diags) {
  bool ok = true;
  const antlr4::Token *first = nullptr;
  unsigned depth = 0, prefixRun = 0;
  bool reportedDepth = false;
  bool inPolicyName = false;  // `policy v1.2;`: any words up to the ';'

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
      case SchedcLexer::FRACTION: {
        if (inPolicyName) break;
        size_t unitAt = text.find_first_not_of("0123456789_.");
        std::string unit = unitAt == std::string::npos ? "" : text.substr(unitAt);
        std::string whole = wholeDuration(text);
        if (!unit.empty() && unit != "ns" && unit != "us" && unit != "ms" && unit != "s")
          diags.error(map.token(t), "invalid number '" + text + "'",
                      "a duration is digits and a unit (ns, us, ms, s)");
        else if (unit.empty())
          diags.error(map.token(t), "fractions are not allowed: numbers are whole");
        else if (whole.empty())
          diags.error(map.token(t),
                      "fractions are not allowed: a duration is a whole number "
                      "of nanoseconds");
        else
          diags.error(map.token(t), "fractions are not allowed: write " + whole);
        ok = false;
        continue;
      }
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
    if (text == "policy") inPolicyName = true;
    if (text == ";") inPolicyName = false;

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
