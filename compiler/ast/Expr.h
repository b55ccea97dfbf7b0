// Expression nodes: plain data. The parser fills the syntax fields; the
// resolver fills `ref`, the type checker fills `type`.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ast/SourceRange.h"
#include "ast/Type.h"

namespace schedc {

enum class ExprKind {
  IntLiteral,       // intValue
  DurationLiteral,  // intValue, in ns
  BoolLiteral,      // boolValue
  StringLiteral,    // text (only as comm()'s argument)
  Name,             // text
  Member,           // operands[0] . text      (current.deadline, rq.V, rq[cpu].V)
  Index,            // operands[0] [ operands[1] ]: a Member's base (rq[cpu].V), or a
                    // per-CPU field of a CPU (vnow[cpu]: ref is the CpuField)
  Unary,            // unaryOp operands[0]
  Binary,           // operands[0] binaryOp operands[1]
  Call,             // text ( operands... ), function   (min, max, clamp, abs, comm, u64, ...)
};

// The built-in functions; ast/Builtins.h has their table.
enum class Function {
  None,
  Min,
  Max,
  Clamp,
  Abs,
  Comm,
  ToU64,
  ToS64,
  ToDuration,
  ToSDuration,
  Random,
  Log2,
  Allowed,
  LlcOf,
  NodeOf,
  CoreOf
};

enum class UnaryOp { Negate, Not, BitNot };
enum class BinaryOp {
  Add,
  Sub,
  Mul,
  Div,
  Mod,
  BitAnd,
  BitOr,
  BitXor,
  Shl,
  Shr,
  Eq,
  Ne,
  Lt,
  Le,
  Gt,
  Ge,
  And,
  Or,
};

// What a Name or Member refers to, decided by name resolution.
enum class RefKind {
  Unresolved,
  Param,         // index into Policy::params
  Hint,          // index into Policy::hints (of the task in context)
  TaskField,     // index into Policy::taskFields
  CpuField,      // index into Policy::cpuFields (this CPU's copy)
  GlobalField,   // index into Policy::globalFields
  Local,         // a `let` (localSlot) or `for` variable
  TaskAttr,      // attr: a read-only attribute of the task in context
  CurrentField,  // current.F: index into taskFields, of the target CPU's running task
  CurrentAttr,   // current.attr
  Aggregate,     // queue `index`, aggregate `builtinAggregate` or `aggIndex`; instance
                 // from the Member's Index operand, or the scanned instance in `eligible`
  Counter,       // index into Policy::counters (only as += target)
  ThisCpu,
  NrCpus,
  NrLlcs,
  NrNodes,
  Now,
  Runtime,
  Wakeup,
  Busiest,  // `balance` condition: the instance being balanced from
};

// Task attributes, in the runtime's order (enum schedc_attr). Runtime exists
// only as `current.runtime`: how long the target CPU's task has been running.
enum class TaskAttr {
  Pid,
  Tgid,
  Weight,
  Nice,
  Cpu,
  NrCpusAllowed,
  IsKthread,
  NiceWeight,
  GroupWeight,
  CgroupWeight,
  Runtime,
};

// The aggregates every queue has without declaring them: `count` (members,
// the running task included) and `queued` (tasks waiting in the instance's
// DSQ). None: one the queue declares.
enum class BuiltinAggregate { None, Count, Queued };

struct Ref {
  RefKind kind = RefKind::Unresolved;
  int index = -1;
  BuiltinAggregate builtinAggregate = BuiltinAggregate::None;  // Aggregate
  int aggIndex = -1;  // Aggregate, not built in: index into the queue's aggregates
  TaskAttr attr = TaskAttr::Pid;
  int localSlot = -1;  // Local: slot in the enclosing body's locals
};

struct Expr {
  ExprKind kind;
  SourceRange range;
  uint64_t intValue = 0;
  bool boolValue = false;
  std::string text;
  UnaryOp unaryOp = UnaryOp::Negate;
  BinaryOp binaryOp = BinaryOp::Add;
  std::vector<std::unique_ptr<Expr>> operands;

  Ref ref;                             // Name, Member
  Function function = Function::None;  // Call, filled by resolution
  Type type = Type::Invalid;           // every node, after type checking (never Untyped:
                                       // literals take their context's type, u64 by default)
};

using ExprPtr = std::unique_ptr<Expr>;

// `0`, `0ns`: a literal zero.
inline bool isZeroLiteral(const Expr &e) {
  return (e.kind == ExprKind::IntLiteral || e.kind == ExprKind::DurationLiteral) && e.intValue == 0;
}

}  // namespace schedc
