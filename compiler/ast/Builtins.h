// The language's built-in vocabulary, in one place: functions, task
// attributes, other built-in values, aggregates and events. Each table row
// says what a name means, where it may be used and what type it has; the
// passes (resolution, types, safety) and the AST dump read these tables, and
// lowering switches on the ids. Adding a builtin means one row here and one
// case in lowering.
#pragma once
#include <string>
#include <vector>

#include "ast/Expr.h"
#include "ast/Policy.h"
#include "ast/Type.h"

namespace schedc {

// ---------------------------------------------------------------- functions

// How a function's result type follows from its arguments.
enum class ResultRule {
  CommonType,  // min, max, clamp: all arguments share one numeric type
  SignedArg,   // abs: the argument's type, which must be signed
  Prefix,      // comm: one string literal; bool
  Conversion,  // u64(x), s64(x), ...: `resultType`
  Fixed,       // log2, allowed, random: arguments of `argType`, result `resultType`
};

struct FunctionInfo {
  const char *name;
  Function id;
  unsigned arity;
  const char *form;  // for arity errors: "clamp(x, lo, hi)"
  ResultRule result;
  Type resultType;  // Conversion and Fixed
  Type argType;     // Fixed
  // Whether its value follows from its arguments' values alone, so the
  // compiler's checks may compute it (Evaluate.h); comm, random and allowed
  // depend on the task or on chance.
  bool evaluable;
};

const std::vector<FunctionInfo> &builtinFunctions();
const FunctionInfo *findFunction(const std::string &name);
const FunctionInfo &functionInfo(Function id);

// ---------------------------------------------------------------- task attributes

struct TaskAttrInfo {
  const char *name;
  TaskAttr id;
  Type type;
  bool nonZero;      // a divisor that needs no guard (weight is 1..10000, nice_weight >= 3, ...)
  bool currentOnly;  // only as `current.NAME` (runtime: how long it has run)
};

// In the runtime's order (enum schedc_attr).
const std::vector<TaskAttrInfo> &taskAttributes();
const TaskAttrInfo *findTaskAttr(const std::string &name);
const TaskAttrInfo &taskAttrInfo(TaskAttr id);

// ---------------------------------------------------------------- other values

// Where a built-in value other than a task attribute exists.
enum class ValueScope {
  Everywhere,
  Stopping,  // `on stopping`
  Wakeup,    // `on runnable`, `on enqueue`, enqueue rules, `preempt wakeup`
  Balance,   // a `balance` rule's condition
};

struct BuiltinValueInfo {
  const char *name;
  RefKind kind;
  Type type;
  ValueScope scope;
  bool nonZero;  // a divisor that needs no guard
};

const std::vector<BuiltinValueInfo> &builtinValues();
const BuiltinValueInfo *findBuiltinValue(const std::string &name);
const BuiltinValueInfo &builtinValueInfo(RefKind kind);

// Every name the language gives a meaning in expressions (attributes,
// values, `current`): none of them can be declared.
std::vector<std::string> reservedNames();

// ---------------------------------------------------------------- aggregates

struct AggregateInfo {
  const char *name;
  AggregateKind kind;
  unsigned arity;
  const char *form;  // "wavg(KEY, WEIGHT)"
};

// The aggregate functions a queue body may declare.
const std::vector<AggregateInfo> &aggregateFunctions();
const AggregateInfo *findAggregateFunction(const std::string &name);
const AggregateInfo &aggregateInfo(AggregateKind kind);

struct BuiltinAggregateInfo {
  const char *name;
  BuiltinAggregate id;
};

// The aggregates every queue has without a declaration.
const std::vector<BuiltinAggregateInfo> &builtinAggregates();
const BuiltinAggregateInfo *findBuiltinAggregate(const std::string &name);
const char *builtinAggregateName(BuiltinAggregate id);

// ---------------------------------------------------------------- events

struct EventInfo {
  const char *name;
  Event id;
  const char *where;  // for messages: "in `on tick`"
  bool wakeup;        // `wakeup` is available
  bool runtime;       // `runtime` is available
  bool task;          // a task is in context (its fields, attributes, hints)
  bool onName;        // declared as `on NAME` (the timer is `every PERIOD`)
};

// In the runtime's order (enum schedc_event).
const std::vector<EventInfo> &events();
const EventInfo *findEvent(const std::string &name);  // `on NAME` events only
const EventInfo &eventInfo(Event id);

// "a, b, c and d": for hints that list a table's names.
std::string listNames(const std::vector<std::string> &names, const char *lastSeparator);

}  // namespace schedc
