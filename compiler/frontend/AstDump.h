// A readable S-expression dump of the AST with refs and types, for tests and
// `--dump-ast`-style debugging: (binary + :duration (name vruntime task#0 :duration) ...).
#pragma once
#include <string>

#include "ast/Policy.h"

namespace schedc {

std::string dumpExpr(const Expr &e);
std::string dumpPolicy(const Policy &policy);

}  // namespace schedc
