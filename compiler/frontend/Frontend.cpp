#include "frontend/Frontend.h"

#include "SchedcLexer.h"
#include "SchedcParser.h"
#include "frontend/AstBuilder.h"
#include "frontend/InputCheck.h"
#include "frontend/Passes.h"
#include "frontend/SourceMap.h"
#include "frontend/SyntaxErrors.h"
#include "frontend/TokenCheck.h"

namespace schedc {

// Lexes the whole input, but stops at kMaxTokens: a 16 MiB file of tokens
// would take gigabytes as a parse tree, and no scheduler is that large.
static bool lexWithinLimit(antlr4::CommonTokenStream &tokens, const SourceMap &map,
                           Diagnostics &diags) {
  for (size_t n = 0; tokens.LA(1) != antlr4::Token::EOF; ++n) {
    if (n == kMaxTokens) {
      diags.error(map.token(tokens.LT(1)),
                  "the policy is too large (more than " + std::to_string(kMaxTokens) + " tokens)",
                  "a scheduling policy is a few hundred lines; is this a generated file?");
      return false;
    }
    tokens.consume();
  }
  tokens.seek(0);
  return true;
}

// ANTLR's two-stage parse: SLL prediction, which never looks at the full
// context, reads every well-formed policy of this grammar at a fraction of the
// cost of full LL. It gives up (nullptr) at the first doubt, without a word.
static schedc_grammar::SchedcParser::PolicyFileContext *parseFast(
    schedc_grammar::SchedcParser &parser) {
  parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(
      antlr4::atn::PredictionMode::SLL);
  parser.setErrorHandler(std::make_shared<antlr4::BailErrorStrategy>());
  try {
    return parser.policyFile();
  } catch (const antlr4::ParseCancellationException &) {
    return nullptr;
  }
}

std::unique_ptr<Policy> parsePolicy(const std::string &fileName, const std::string &source,
                                    Diagnostics &diags) {
  unsigned before = diags.errorCount();
  if (!checkInput(source, diags)) return nullptr;

  antlr4::ANTLRInputStream input(source);
  schedc_grammar::SchedcLexer lexer(&input);
  lexer.removeErrorListeners();  // every character lexes (ERROR_CHAR); see TokenCheck
  antlr4::CommonTokenStream tokens(&lexer);
  SourceMap map(source);
  if (!lexWithinLimit(tokens, map, diags)) return nullptr;
  if (!checkTokens(tokens, map, diags)) return nullptr;

  schedc_grammar::SchedcParser parser(&tokens);
  parser.removeErrorListeners();
  schedc_grammar::SchedcParser::PolicyFileContext *tree = parseFast(parser);
  if (!tree) {
    // Not a policy SLL can read: the full parse decides, and reports errors.
    tokens.seek(0);
    parser.reset();
    parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(
        antlr4::atn::PredictionMode::LL);
    parser.setErrorHandler(std::make_shared<SyntaxErrorStrategy>(map, diags));
    try {
      tree = parser.policyFile();
    } catch (const antlr4::ParseCancellationException &) {
      return nullptr;  // already reported
    }
  }
  if (diags.errorCount() != before) return nullptr;

  auto policy = std::make_unique<Policy>();
  policy->fileName = fileName;
  policy->source = source;
  AstBuilder builder(*policy, map, diags);
  if (!builder.build(tree)) return nullptr;
  return policy;
}

bool analyzePolicy(Policy &policy, Diagnostics &diags) {
  // Each pass relies on the one before: resolution on unique names, typing on
  // refs, safety on types. Stopping at the first failing pass avoids cascades.
  unsigned before = diags.errorCount();
  if (!checkDeclarations(policy, diags)) return false;
  if (!resolveNames(policy, diags)) return false;
  if (!checkTypes(policy, diags)) return false;
  if (!checkSafety(policy, diags)) return false;
  warnLikelyMistakes(policy, diags);
  return diags.errorCount() == before;
}

}  // namespace schedc
