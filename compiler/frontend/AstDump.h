// A readable S-expression dump of the checked AST with refs and types, printed
// by `schedc --dump-ast`: (+ :duration (name vruntime task#0 :duration) ...).
#pragma once
#include <string>

#include "ast/Policy.h"

namespace schedc {

std::string dumpExpr(const Expr &e);
std::string dumpPolicy(const Policy &policy);

}  // namespace schedc
