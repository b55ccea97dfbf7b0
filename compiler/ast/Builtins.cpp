#include "ast/Builtins.h"

#include <cstdlib>

namespace schedc {

namespace {

template <typename Info>
const Info *findByName(const std::vector<Info> &table, const std::string &name) {
  for (const Info &row : table)
    if (name == row.name) return &row;
  return nullptr;
}

// Every id has a row: a missing one is a bug in the table, found by the
// first test that uses the id.
template <typename Info, typename Id, typename Field>
const Info &findById(const std::vector<Info> &table, Id id, Field field) {
  for (const Info &row : table)
    if (row.*field == id) return row;
  std::abort();
}

}  // namespace

const std::vector<FunctionInfo> &builtinFunctions() {
  static const std::vector<FunctionInfo> table = {
      {"min", Function::Min, 2, "min(a, b)", ResultRule::CommonType, Type::Invalid, Type::Invalid,
       true},
      {"max", Function::Max, 2, "max(a, b)", ResultRule::CommonType, Type::Invalid, Type::Invalid,
       true},
      {"clamp", Function::Clamp, 3, "clamp(x, lo, hi)", ResultRule::CommonType, Type::Invalid,
       Type::Invalid, true},
      {"abs", Function::Abs, 1, "abs(x)", ResultRule::SignedArg, Type::Invalid, Type::Invalid,
       true},
      {"comm", Function::Comm, 1, "comm(\"prefix\")", ResultRule::Prefix, Type::Bool, Type::Invalid,
       false},
      {"u64", Function::ToU64, 1, "u64(x)", ResultRule::Conversion, Type::U64, Type::Invalid, true},
      {"s64", Function::ToS64, 1, "s64(x)", ResultRule::Conversion, Type::S64, Type::Invalid, true},
      {"duration", Function::ToDuration, 1, "duration(x)", ResultRule::Conversion, Type::Duration,
       Type::Invalid, true},
      {"sduration", Function::ToSDuration, 1, "sduration(x)", ResultRule::Conversion,
       Type::SDuration, Type::Invalid, true},
      // A uniformly random number in 0 .. 2^32 - 1, new at every call.
      {"random", Function::Random, 0, "random()", ResultRule::Fixed, Type::U64, Type::Invalid,
       false},
      // The position of the highest set bit (floor of log2); log2(0) = 0.
      {"log2", Function::Log2, 1, "log2(x)", ResultRule::Fixed, Type::U64, Type::U64, true},
      // Whether the task in context may run on CPU `cpu` (its affinity).
      {"allowed", Function::Allowed, 1, "allowed(cpu)", ResultRule::Fixed, Type::Bool, Type::U64,
       false},
      // The machine's topology (dense ids; one LLC and node, a core per CPU,
      // where the loader could not read it).
      {"llc_of", Function::LlcOf, 1, "llc_of(cpu)", ResultRule::Fixed, Type::U64, Type::U64, false},
      {"node_of", Function::NodeOf, 1, "node_of(cpu)", ResultRule::Fixed, Type::U64, Type::U64,
       false},
      {"core_of", Function::CoreOf, 1, "core_of(cpu)", ResultRule::Fixed, Type::U64, Type::U64,
       false},
  };
  return table;
}

const FunctionInfo *findFunction(const std::string &name) {
  return findByName(builtinFunctions(), name);
}

const FunctionInfo &functionInfo(Function id) {
  return findById(builtinFunctions(), id, &FunctionInfo::id);
}

const std::vector<TaskAttrInfo> &taskAttributes() {
  static const std::vector<TaskAttrInfo> table = {
      {"pid", TaskAttr::Pid, Type::U64, false, false},
      {"tgid", TaskAttr::Tgid, Type::U64, false, false},
      {"weight", TaskAttr::Weight, Type::U64, true, false},
      {"nice", TaskAttr::Nice, Type::S64, false, false},
      {"cpu", TaskAttr::Cpu, Type::U64, false, false},
      {"nr_cpus_allowed", TaskAttr::NrCpusAllowed, Type::U64, true, false},
      {"is_kthread", TaskAttr::IsKthread, Type::Bool, false, false},
      {"nice_weight", TaskAttr::NiceWeight, Type::U64, true, false},
      {"group_weight", TaskAttr::GroupWeight, Type::U64, true, false},
      {"cgroup_weight", TaskAttr::CgroupWeight, Type::U64, true, false},
      {"runtime", TaskAttr::Runtime, Type::Duration, false, true},
  };
  return table;
}

const TaskAttrInfo *findTaskAttr(const std::string &name) {
  return findByName(taskAttributes(), name);
}

const TaskAttrInfo &taskAttrInfo(TaskAttr id) {
  return findById(taskAttributes(), id, &TaskAttrInfo::id);
}

const std::vector<BuiltinValueInfo> &builtinValues() {
  static const std::vector<BuiltinValueInfo> table = {
      {"this_cpu", RefKind::ThisCpu, Type::U64, ValueScope::Everywhere, false},
      {"nr_cpus", RefKind::NrCpus, Type::U64, ValueScope::Everywhere, true},
      {"nr_llcs", RefKind::NrLlcs, Type::U64, ValueScope::Everywhere, true},
      {"nr_nodes", RefKind::NrNodes, Type::U64, ValueScope::Everywhere, true},
      {"now", RefKind::Now, Type::Duration, ValueScope::Everywhere, false},
      {"runtime", RefKind::Runtime, Type::Duration, ValueScope::Stopping, false},
      {"wakeup", RefKind::Wakeup, Type::Bool, ValueScope::Wakeup, false},
      {"busiest", RefKind::Busiest, Type::U64, ValueScope::Balance, false},
  };
  return table;
}

const BuiltinValueInfo *findBuiltinValue(const std::string &name) {
  return findByName(builtinValues(), name);
}

const BuiltinValueInfo &builtinValueInfo(RefKind kind) {
  return findById(builtinValues(), kind, &BuiltinValueInfo::kind);
}

std::vector<std::string> reservedNames() {
  std::vector<std::string> names;
  for (const TaskAttrInfo &a : taskAttributes())
    if (!a.currentOnly) names.push_back(a.name);
  for (const BuiltinValueInfo &v : builtinValues()) names.push_back(v.name);
  names.push_back("current");
  return names;
}

const std::vector<AggregateInfo> &aggregateFunctions() {
  static const std::vector<AggregateInfo> table = {
      {"count", AggregateKind::Count, 0, "count()"},
      {"sum", AggregateKind::Sum, 1, "sum(EXPR)"},
      {"wavg", AggregateKind::WeightedAvg, 2, "wavg(KEY, WEIGHT)"},
      {"first", AggregateKind::First, 0, "first()"},
  };
  return table;
}

const AggregateInfo *findAggregateFunction(const std::string &name) {
  return findByName(aggregateFunctions(), name);
}

const AggregateInfo &aggregateInfo(AggregateKind kind) {
  return findById(aggregateFunctions(), kind, &AggregateInfo::kind);
}

const std::vector<BuiltinAggregateInfo> &builtinAggregates() {
  static const std::vector<BuiltinAggregateInfo> table = {
      {"count", BuiltinAggregate::Count},
      {"queued", BuiltinAggregate::Queued},
  };
  return table;
}

const BuiltinAggregateInfo *findBuiltinAggregate(const std::string &name) {
  return findByName(builtinAggregates(), name);
}

const char *builtinAggregateName(BuiltinAggregate id) {
  return findById(builtinAggregates(), id, &BuiltinAggregateInfo::id).name;
}

const std::vector<EventInfo> &events() {
  static const std::vector<EventInfo> table = {
      {"enable", Event::Enable, "in `on enable`", false, false, true, true},
      {"runnable", Event::Runnable, "in `on runnable`", true, false, true, true},
      {"enqueue", Event::Enqueue, "in `on enqueue`", true, false, true, true},
      {"running", Event::Running, "in `on running`", false, false, true, true},
      {"stopping", Event::Stopping, "in `on stopping`", false, true, true, true},
      {"quiescent", Event::Quiescent, "in `on quiescent`", false, false, true, true},
      {"exit", Event::Exit, "in `on exit`", false, false, true, true},
      {"tick", Event::Tick, "in `on tick`", false, false, true, true},
      {"reweight", Event::Reweight, "in `on reweight`", false, false, true, true},
      {"every", Event::Timer, "in `every`", false, false, false, false},
      {"every per cpu", Event::CpuTimer, "in `every ... per cpu`", false, false, false, false},
  };
  return table;
}

const EventInfo *findEvent(const std::string &name) {
  const EventInfo *found = findByName(events(), name);
  return found && found->onName ? found : nullptr;
}

const EventInfo &eventInfo(Event id) {
  return findById(events(), id, &EventInfo::id);
}

std::string listNames(const std::vector<std::string> &names, const char *lastSeparator) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? lastSeparator : ", ";
    out += names[i];
  }
  return out;
}

}  // namespace schedc
