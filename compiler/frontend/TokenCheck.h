// Checks on the token stream before parsing: tokens the lexer could not make
// sense of, the `policy NAME;` header, and nesting deep enough to exhaust the
// parser's stack (ANTLR recurses once per bracket and prefix operator).
#pragma once
#include "antlr4-runtime.h"
#include "diag/Diagnostics.h"
#include "frontend/SourceMap.h"

namespace schedc {

// `tokens` must be filled. Returns false after reporting errors.
bool checkTokens(antlr4::CommonTokenStream &tokens, const SourceMap &map, Diagnostics &diags);

}  // namespace schedc
