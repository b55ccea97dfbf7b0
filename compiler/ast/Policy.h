// The root of the AST: one policy file, as plain data.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "ast/Expr.h"
#include "ast/Stmt.h"

namespace schedc {

struct Param {
  std::string name;
  SourceRange range;
  Type type = Type::U64;
  uint64_t defaultValue = 0;  // two's complement for signed types
  bool hasRange = false;
  uint64_t min = 0, max = 0;   // inclusive; two's complement for signed types
  bool allowInfinite = false;  // `or infinite`
  // `live`: read from a map `schedrun set` may write while the policy runs,
  // instead of folded into the verified code.
  bool live = false;
};

// `hint NAME: TYPE = DEFAULT [in MIN..MAX] [per process];`: a value per task
// (or per process) that userspace sets while the policy runs (`schedrun
// hint`); the default for tasks it has not set.
struct Hint {
  std::string name;
  SourceRange range;
  Type type = Type::U64;
  uint64_t defaultValue = 0;  // two's complement for signed types
  bool hasRange = false;
  uint64_t min = 0, max = 0;  // inclusive
  bool perProcess = false;    // keyed by tgid, not pid
};

struct StateField {  // task / percpu / global
  std::string name;
  SourceRange range;
  Type type = Type::U64;
  uint64_t initialValue = 0;
};

struct Counter {
  std::string name;
  SourceRange range;
};

// PerLlc and PerNode queues have an instance per LLC / NUMA node of the machine.
enum class QueueKind { Global, PerCpu, Shards, PerLlc, PerNode };

// The word a policy writes for the kind (`percpu`, `per_llc`, ...), and what
// one instance stands for ("CPU", "LLC", ...; "" for a global queue).
inline const char *queueKindWord(QueueKind kind) {
  static const char *const words[] = {"global", "percpu", "shards", "per_llc", "per_node"};
  return words[static_cast<int>(kind)];
}
inline const char *queueInstanceNoun(QueueKind kind) {
  static const char *const nouns[] = {"", "CPU", "shard", "LLC", "node"};
  return nouns[static_cast<int>(kind)];
}
// The index that names the instance a task's CPU serves, for hints.
inline const char *instanceIndexExample(QueueKind kind) {
  static const char *const examples[] = {"", "cpu", "cpu", "llc_of(cpu)", "node_of(cpu)"};
  return examples[static_cast<int>(kind)];
}
// The order matches the runtime's enum schedc_agg_kind. First is not kept
// over members: it reads the key of the instance's first queued task.
enum class AggregateKind { Count, Sum, WeightedAvg, First };
enum class EligibleFallback { Head, None };

struct Aggregate {
  std::string name;
  SourceRange range;
  AggregateKind kind = AggregateKind::Count;
  ExprPtr value;          // Sum: the summand; WeightedAvg: the key
  ExprPtr weight;         // WeightedAvg only
  Type type = Type::U64;  // result type (filled by the type checker)
};

struct Queue {
  std::string name;
  SourceRange range;
  QueueKind kind = QueueKind::Global;
  uint32_t shards = 1;  // Shards: N; Global: 1; others: set by the machine
  ExprPtr orderKey;     // null = fifo
  uint32_t scanLimit = 16;
  std::vector<Aggregate> aggregates;
  ExprPtr eligible;  // null = every task is eligible
  // Where each `eligible when` rule was written: `eligible` is the first
  // one's condition; the declaration pass reports the others.
  std::vector<SourceRange> eligibleRules;
  EligibleFallback fallback = EligibleFallback::Head;
};

enum class SelectCpuMode { Default, Prev, Nearest };

// How far apart two CPUs are (enum schedc_distance in the runtime): the
// farthest a steal or a CPU search may go (`within llc`, `within node`).
enum class Distance { SameLlc = 0, SameNode = 1, Remote = 2 };

struct SelectCpu {
  SourceRange range;
  SelectCpuMode mode = SelectCpuMode::Default;
  bool direct = false;
  SourceRange directRange;  // the `direct` word
  Distance within = Distance::Remote;
  SourceRange withinRange;  // `within ...`, if written
};

struct EnqueueRule {
  SourceRange range;
  ExprPtr condition;     // null = always
  bool toLocal = false;  // `into local`
  int queueIndex = -1;   // filled by resolution (from queueName)
  std::string queueName;
  SourceRange queueRange;
  ExprPtr instance;  // `into q[expr]`; null = default instance
  // `into local_on(CPU)`: CPU's local DSQ, when the task may run there
  // (else the next rule applies).
  ExprPtr localOn;
  bool infiniteSlice = false;
  ExprPtr slice;  // null and !infiniteSlice = 20ms default
};

struct DispatchSource {
  SourceRange range;
  bool steal = false;
  Distance within = Distance::Remote;
  SourceRange withinRange;  // `within ...`, if written
  std::string queueName;
  int queueIndex = -1;  // filled by resolution
};

enum class PreemptKind { Wakeup, Tick };

struct PreemptRule {
  SourceRange range;
  PreemptKind kind = PreemptKind::Wakeup;
  ExprPtr condition;
};

// `balance QUEUE by AGG every INTERVAL when CONDITION;`: from dispatch, at
// most once per interval, a CPU pulls a task from the instance of QUEUE with
// the largest AGG when CONDITION holds for that task.
struct BalanceRule {
  SourceRange range;
  std::string queueName;
  SourceRange queueRange;
  int queueIndex = -1;  // filled by resolution
  std::string byName;   // a declared count/sum aggregate, `count` or `queued`
  SourceRange byRange;
  Ref by;  // filled by resolution: the aggregate byName names

  ExprPtr interval;
  ExprPtr condition;
};

// Timer: `every PERIOD { ... }`, no task in context. CpuTimer: `every
// PERIOD per cpu { ... }` or `every PERIOD on cpu C { ... }`, on CPUs.
enum class Event {
  Enable,
  Runnable,
  Enqueue,
  Running,
  Stopping,
  Quiescent,
  Exit,
  Tick,
  Reweight,
  Timer,
  CpuTimer
};

struct Handler {
  SourceRange range;
  Event event = Event::Enable;
  ExprPtr period;         // Timer, CpuTimer: how often it runs (a duration literal or param)
  ExprPtr onCpu;          // CpuTimer `on cpu C`: C; null for `per cpu`
  SourceRange cpusRange;  // CpuTimer: the `per cpu` / `on cpu C` words
  Block body;
  int numLocals = 0;  // filled by resolution: slots used by let/for in body
};

struct Policy {
  std::string fileName;
  std::string source;  // the whole file, for diagnostics and debug info
  std::string name;
  SourceRange nameRange;
  std::vector<Param> params;
  std::vector<Hint> hints;
  std::vector<StateField> taskFields, cpuFields, globalFields;
  std::vector<Counter> counters;
  std::vector<Queue> queues;
  SelectCpu selectCpu;
  std::vector<EnqueueRule> enqueueRules;
  std::vector<DispatchSource> dispatch;
  ExprPtr dispatchWhen;  // `dispatch ... when COND;`: the CPUs that take work; null: all
  std::vector<PreemptRule> preempts;
  std::vector<BalanceRule> balances;  // at most one (the declaration pass)
  std::vector<Handler> handlers;
  // Where each declaration the language allows once was written, in order.
  // The fields above hold the first; the declaration pass reports the others.
  std::vector<SourceRange> policyDecls, selectCpuDecls, dispatchDecls;
};

}  // namespace schedc
