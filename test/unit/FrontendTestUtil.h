// Helpers shared by the frontend unit tests: run the frontend on a string and
// keep what it printed.
#pragma once
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>

#include "ast/Walk.h"
#include "frontend/Frontend.h"

namespace schedc::test {

struct Result {
  std::unique_ptr<Policy> policy;  // null if parsing failed
  bool ok = false;                 // parsed and analyzed without errors
  std::string output;              // every diagnostic, as printed
};

// Parses and, if that worked, analyzes `source`, as the driver does.
inline Result compile(const std::string &source, bool analyze = true) {
  std::ostringstream out;
  Diagnostics diags("test.sched", source, out);
  Result r;
  r.policy = parsePolicy("test.sched", source, diags);
  r.ok = r.policy && (!analyze || analyzePolicy(*r.policy, diags)) && !diags.hasErrors();
  r.output = out.str();
  return r;
}

inline std::string readSource(const std::string &relative) {
  std::ifstream in(std::string(SCHEDC_SOURCE_DIR) + "/" + relative, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A small valid policy to which a test adds declarations.
inline std::string withQueue(const std::string &decls) {
  return "policy t;\nqueue main: global fifo;\nenqueue into main;\ndispatch main;\n" + decls;
}

// Visits every expression of a policy.
inline void forEachExpr(const Policy &p, const std::function<void(const Expr &)> &fn) {
  walkPolicy(p, fn);
}

}  // namespace schedc::test
