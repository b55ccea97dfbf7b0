// Syntax errors in words a policy author reads ("expected ';' after the
// enqueue rule") instead of ANTLR's token lists. The first syntax error is
// reported and the parse stops: later ones are usually echoes of the first.
#pragma once
#include "antlr4-runtime.h"
#include "diag/Diagnostics.h"
#include "frontend/SourceMap.h"

namespace schedc {

class SyntaxErrorStrategy : public antlr4::DefaultErrorStrategy {
 public:
  SyntaxErrorStrategy(const SourceMap &map, Diagnostics &diags) : map_(map), diags_(diags) {}

  void reportError(antlr4::Parser *parser, const antlr4::RecognitionException &e) override;

 protected:
  void reportUnwantedToken(antlr4::Parser *parser) override;
  void reportMissingToken(antlr4::Parser *parser) override;

 private:
  // Reports and throws antlr4::ParseCancellationException.
  [[noreturn]] void fail(antlr4::Parser *parser, antlr4::Token *offending,
                         const antlr4::misc::IntervalSet &expected, bool knowExpected);

  const SourceMap &map_;
  Diagnostics &diags_;
};

}  // namespace schedc
