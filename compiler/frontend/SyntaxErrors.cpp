#include "frontend/SyntaxErrors.h"

#include "SchedcParser.h"
#include "ast/Builtins.h"
#include "frontend/NameHints.h"

using schedc_grammar::SchedcParser;

namespace schedc {

// How a token kind is named in a message.
static std::string tokenName(const antlr4::dfa::Vocabulary &vocab, size_t type) {
  switch (type) {
    case antlr4::Token::EOF:
      return "end of file";
    case SchedcParser::IDENT:
      return "a name";
    case SchedcParser::INT:
      return "an integer";
    case SchedcParser::DURATION:
      return "a duration";
    case SchedcParser::STRING:
      return "a string";
    default:
      return vocab.getLiteralName(type);  // "';'"
  }
}

static std::string describe(const antlr4::Token *t) {
  if (t->getType() == antlr4::Token::EOF) return "end of file";
  return "'" + t->getText() + "'";
}

// What the parser was in the middle of, for "... after the enqueue rule".
static std::string phraseFor(antlr4::RuleContext *ctx) {
  for (; ctx; ctx = ctx->parent ? dynamic_cast<antlr4::RuleContext *>(ctx->parent) : nullptr) {
    if (dynamic_cast<SchedcParser::AggregateDeclContext *>(ctx)) return "the aggregate";
    if (dynamic_cast<SchedcParser::EligibleDeclContext *>(ctx)) return "the `eligible when` rule";
    if (dynamic_cast<SchedcParser::LetStmtContext *>(ctx)) return "the let statement";
    if (dynamic_cast<SchedcParser::AssignStmtContext *>(ctx)) return "the assignment";
    if (dynamic_cast<SchedcParser::ForStmtContext *>(ctx)) return "the for loop";
    if (dynamic_cast<SchedcParser::CallExprContext *>(ctx)) return "the call";
    switch (ctx->getRuleIndex()) {
      case SchedcParser::RulePolicyDecl:
      case SchedcParser::RulePolicyName:
      case SchedcParser::RuleNameWord:
        return "the policy name";
      case SchedcParser::RuleParamDecl:
        return "the param declaration";
      case SchedcParser::RuleStateDecl:
        return "the field declaration";
      case SchedcParser::RuleCounterDecl:
        return "the counter declaration";
      case SchedcParser::RuleQueueDecl:
      case SchedcParser::RuleQueueKind:
      case SchedcParser::RuleQueueOrder:
        return "the queue declaration";
      case SchedcParser::RuleQueueBody:
        return "the queue body";
      case SchedcParser::RuleSelectCpuDecl:
        return "the select_cpu declaration";
      case SchedcParser::RuleEnqueueRule:
      case SchedcParser::RuleEnqueueTarget:
      case SchedcParser::RuleSliceValue:
        return "the enqueue rule";
      case SchedcParser::RuleDispatchDecl:
      case SchedcParser::RuleDispatchSource:
        return "the dispatch list";
      case SchedcParser::RulePreemptRule:
        return "the preempt rule";
      case SchedcParser::RuleHandler:
      case SchedcParser::RuleEventName:
        return "the handler";
      case SchedcParser::RuleIfChain:
        return "the if statement";
      case SchedcParser::RuleBlock:
        return "the block";
      case SchedcParser::RulePolicyFile:
      case SchedcParser::RuleDecl:
        return "";
      default:
        break;  // expressions: say what they are part of
    }
  }
  return "";
}

static bool has(const antlr4::misc::IntervalSet &set, const antlr4::dfa::Vocabulary &vocab,
                const char *literal) {
  for (ssize_t t : set.toList())
    if (vocab.getLiteralName(size_t(t)) == literal) return true;
  return false;
}

// "';'", "';' or ','", "an expression", ... or "" when the set is too large
// to be useful.
static std::string expectedText(const antlr4::misc::IntervalSet &set,
                                const antlr4::dfa::Vocabulary &vocab) {
  std::vector<size_t> types;
  for (ssize_t t : set.toList()) types.push_back(size_t(t));
  if (has(set, vocab, "'param'") && has(set, vocab, "'queue'")) return "a declaration";
  if (has(set, vocab, "'let'") && has(set, vocab, "'if'"))
    return has(set, vocab, "'}'") ? "a statement or '}'" : "a statement";
  // After an operand, the operators that could continue it are noise next to
  // the ';' or ')' that would end it.
  static const char *const terminators[] = {"';'", "')'", "']'", "'}'", "'{'", "','", "'..'"};
  std::vector<size_t> ends;
  for (size_t t : types)
    for (const char *term : terminators)
      if (vocab.getLiteralName(t) == term) ends.push_back(t);
  bool startsExpr = set.contains(size_t(SchedcParser::INT)) &&
                    set.contains(size_t(SchedcParser::IDENT)) && has(set, vocab, "'('");
  if (startsExpr) return "an expression";
  if (!ends.empty() && types.size() > 4) types = ends;
  if (types.empty() || types.size() > 4) return "";
  std::string out;
  for (size_t i = 0; i < types.size(); ++i) {
    if (i > 0) out += (i + 1 == types.size()) ? " or " : ", ";
    out += tokenName(vocab, types[i]);
  }
  return out;
}

// The words a declaration starts with, as the grammar spells them.
static const std::vector<std::string> &declarationWords() {
  static const std::vector<std::string> words = {
      "param",      "hint",    "task",     "percpu",  "global",  "counter", "queue",
      "select_cpu", "enqueue", "dispatch", "preempt", "balance", "on"};
  return words;
}

static bool startsDeclaration(const antlr4::Token *t) {
  if (t->getType() == antlr4::Token::EOF) return true;
  if (t->getType() == SchedcParser::IDENT) return false;
  for (const std::string &w : declarationWords())
    if (t->getText() == w || t->getText() == "policy") return true;
  return false;
}

// The innermost `{` the parser is inside of, if any.
static antlr4::Token *openBrace(antlr4::RuleContext *ctx) {
  for (; ctx; ctx = dynamic_cast<antlr4::RuleContext *>(ctx->parent)) {
    if (auto *b = dynamic_cast<SchedcParser::BlockContext *>(ctx)) return b->getStart();
    if (auto *b = dynamic_cast<SchedcParser::QueueBodyContext *>(ctx)) return b->getStart();
  }
  return nullptr;
}

void SyntaxErrorStrategy::fail(antlr4::Parser *parser, antlr4::Token *offending,
                               const antlr4::misc::IntervalSet &expected, bool knowExpected) {
  const antlr4::dfa::Vocabulary &vocab = parser->getVocabulary();
  std::string want = knowExpected ? expectedText(expected, vocab) : "";
  std::string phrase = phraseFor(parser->getContext());
  antlr4::Token *previous =
      parser->getTokenStream()->index() > 0 ? parser->getTokenStream()->LT(-1) : nullptr;

  // A block that the next declaration (or the end of the file) interrupts
  // lacks its '}': say so at the block, not where the parser noticed.
  antlr4::Token *brace = openBrace(parser->getContext());
  if (brace && knowExpected && has(expected, vocab, "'}'") && startsDeclaration(offending)) {
    std::string msg = "unclosed '{'";
    std::string hint = offending->getType() == antlr4::Token::EOF
                           ? "add '}' to close it before the end of the file"
                           : "add '}' to close it before '" + offending->getText() + "' on line " +
                                 std::to_string(offending->getLine());
    diags_.error(map_.token(brace), msg, hint);
    throw antlr4::ParseCancellationException(msg);
  }

  // `vnow[cpu] = x;`: indexing is only for reading another CPU's copy.
  if (phrase == "the assignment" && offending->getText() == "[") {
    std::string msg = "only this CPU's copy of a per-CPU field can be assigned";
    diags_.error(map_.token(offending), msg,
                 "`F[CPU]` reads another CPU's copy; each CPU writes its own as `F`");
    throw antlr4::ParseCancellationException(msg);
  }

  // `5 ms`: the unit is a separate word.
  std::string text = offending->getText();
  if (previous && previous->getType() == SchedcParser::INT &&
      (text == "ns" || text == "us" || text == "ms" || text == "s")) {
    std::string msg = "a unit goes right after its number";
    diags_.error(map_.token(offending), msg,
                 "write `" + previous->getText() + text + "`, without a space");
    throw antlr4::ParseCancellationException(msg);
  }

  // A declaration or statement is missing where a word starts: the word is
  // the mistake, not the end of the line before it.
  bool wantStart = want == "a declaration" || want.rfind("a statement", 0) == 0;

  // A token missing at the end of a line belongs after the last one there;
  // if ';' could go there, it is almost always the one that is missing.
  bool atLineEnd =
      previous && !wantStart &&
      (offending->getType() == antlr4::Token::EOF || offending->getLine() > previous->getLine());
  if (atLineEnd && knowExpected && has(expected, vocab, "';'")) want = "';'";

  std::string msg, hint;
  SourceRange where = map_.token(offending);
  if (!want.empty()) {
    bool closer = want == "';'" || want == "')'" || want == "']'" || want == "'}'";
    if (closer && !phrase.empty())
      msg = "expected " + want + " after " + phrase;
    else
      msg = "expected " + want + (phrase.empty() ? "" : " in " + phrase);
    if (atLineEnd)
      where = map_.after(previous);
    else
      msg += ", found " + describe(offending);
  } else {
    msg = "unexpected " + describe(offending) + (phrase.empty() ? "" : " in " + phrase);
  }
  if (offending->getText() == "=" && knowExpected && has(expected, vocab, "'{'"))
    hint = "to compare, write `==`";
  if (want == "a declaration") {
    hint = didYouMean(offending->getText(), declarationWords());
    if (hint.empty()) hint = "a declaration starts with " + listNames(declarationWords(), " or ");
  }
  diags_.error(where, msg, hint);
  throw antlr4::ParseCancellationException(msg);
}

void SyntaxErrorStrategy::reportError(antlr4::Parser *parser,
                                      const antlr4::RecognitionException &e) {
  antlr4::Token *offending =
      e.getOffendingToken() ? e.getOffendingToken() : parser->getCurrentToken();
  // When prediction failed a few tokens into an alternative, the expected
  // set describes its start, not the offending token: just say what is wrong.
  bool knowExpected = true;
  if (auto *nva = dynamic_cast<const antlr4::NoViableAltException *>(&e))
    knowExpected = nva->getStartToken() == offending;
  fail(parser, offending, e.getExpectedTokens(), knowExpected);
}

void SyntaxErrorStrategy::reportUnwantedToken(antlr4::Parser *parser) {
  fail(parser, parser->getCurrentToken(), getExpectedTokens(parser), true);
}

void SyntaxErrorStrategy::reportMissingToken(antlr4::Parser *parser) {
  fail(parser, parser->getCurrentToken(), getExpectedTokens(parser), true);
}

}  // namespace schedc
