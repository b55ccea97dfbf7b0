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

std::unique_ptr<Policy> parsePolicy(const std::string &fileName, const std::string &source,
                                    Diagnostics &diags) {
  unsigned before = diags.errorCount();
  if (!checkInput(source, diags)) return nullptr;

  antlr4::ANTLRInputStream input(source);
  schedc_grammar::SchedcLexer lexer(&input);
  lexer.removeErrorListeners();  // every character lexes (ERROR_CHAR); see TokenCheck
  antlr4::CommonTokenStream tokens(&lexer);
  tokens.fill();

  SourceMap map(source);
  if (!checkTokens(tokens, map, diags)) return nullptr;

  schedc_grammar::SchedcParser parser(&tokens);
  parser.removeErrorListeners();
  parser.setErrorHandler(std::make_shared<SyntaxErrorStrategy>(map, diags));
  schedc_grammar::SchedcParser::PolicyFileContext *tree = nullptr;
  try {
    tree = parser.policyFile();
  } catch (const antlr4::ParseCancellationException &) {
    return nullptr;  // already reported
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
  return diags.errorCount() == before;
}

}  // namespace schedc
