// The semantic passes, in the order analyzePolicy runs them. Each returns
// false if it reported an error; each assumes the earlier ones succeeded.
#pragma once
#include "ast/Policy.h"
#include "diag/Diagnostics.h"

namespace schedc {

// Declarations.cpp: the policy name, unique names, limits, param ranges,
// queue shapes, enqueue rule order, and that policy, select_cpu, dispatch,
// `eligible when`, preempt rules and handlers each appear once.
bool checkDeclarations(Policy &policy, Diagnostics &diags);

// Resolve.cpp: fills Expr::ref, Stmt::localSlot, Handler::numLocals,
// EnqueueRule::queueIndex and DispatchSource::queueIndex, enforcing which
// names exist where (docs/language.md, "Names available in expressions").
bool resolveNames(Policy &policy, Diagnostics &diags);

// TypeCheck.cpp: fills Expr::type and Aggregate::type; types and units.
bool checkTypes(Policy &policy, Diagnostics &diags);

// Safety.cpp: non-zero divisors, bounded loops, work conservation.
bool checkSafety(Policy &policy, Diagnostics &diags);

// Warnings.cpp: warnings for what compiles but is likely a mistake (params,
// fields, globals and counters nothing names; comm() in `on enable`).
void warnLikelyMistakes(const Policy &policy, Diagnostics &diags);

}  // namespace schedc
