// The frontend's public entry points: text -> AST, and the checks that make
// an AST ready for codegen.
#pragma once
#include <memory>
#include <string>

#include "ast/Policy.h"
#include "diag/Diagnostics.h"

namespace schedc {

// Checks the raw text (size, NUL bytes, UTF-8), lexes, parses and builds the
// AST. Reports lexical and syntax errors through `diags` and returns null
// after any of them (no semantic checks on a file that did not parse).
std::unique_ptr<Policy> parsePolicy(const std::string &fileName, const std::string &source,
                                    Diagnostics &diags);

// Runs the semantic passes in order: declarations, name resolution, types and
// units, safety. Each later pass runs only if the earlier ones found no error.
// Returns true if the policy is ready for codegen: every Name/Member has its
// `ref`, every Expr its `type` (never Untyped or Invalid), every let/for its
// `localSlot`, every rule and dispatch source its `queueIndex`.
bool analyzePolicy(Policy &policy, Diagnostics &diags);

// Limits of the language (docs/language.md), shared by the passes.
constexpr size_t kMaxSourceBytes = 16u << 20;
constexpr unsigned kMaxNesting = 256;
constexpr size_t kMaxTokens = 1u << 20;
constexpr size_t kMaxIdentifier = 255;

}  // namespace schedc
