// Compile-time facts of the policy as constants the runtime reads: the
// `schedc_layout` struct, initial values of globals, and the struct_ops
// variable (name, and only the callbacks the policy needs).
#include <algorithm>

#include "ast/Walk.h"
#include "codegen/Lowering.h"
#include "codegen/StructInitializer.h"
#include "llvm/Transforms/Utils/ModuleUtils.h"

namespace schedc {
namespace {

// Builds a constant of `type` (a struct or array) from per-element constants,
// filling elements not given with zero.
llvm::Constant *aggregate(llvm::Type *type, std::vector<llvm::Constant *> elements) {
  if (auto *structType = llvm::dyn_cast<llvm::StructType>(type)) {
    for (unsigned i = elements.size(); i < structType->getNumElements(); ++i)
      elements.push_back(llvm::Constant::getNullValue(structType->getElementType(i)));
    return llvm::ConstantStruct::get(structType, elements);
  }
  auto *arrayType = llvm::cast<llvm::ArrayType>(type);
  for (uint64_t i = elements.size(); i < arrayType->getNumElements(); ++i)
    elements.push_back(llvm::Constant::getNullValue(arrayType->getElementType()));
  return llvm::ConstantArray::get(arrayType, elements);
}

llvm::Constant *u32(Lowering &l, uint64_t value) {
  return l.builder.getInt32(static_cast<uint32_t>(value));
}

llvm::Constant *u64Array(Lowering &l, llvm::Type *type, const std::vector<StateField> &fields) {
  std::vector<llvm::Constant *> values;
  for (const StateField &field : fields) values.push_back(l.builder.getInt64(field.initialValue));
  return aggregate(type, values);
}

bool hasHandler(const Policy &policy, Event event) {
  return std::any_of(policy.handlers.begin(), policy.handlers.end(),
                     [&](const Handler &h) { return h.event == event; });
}

bool hasPreempt(const Policy &policy, PreemptKind kind) {
  return std::any_of(policy.preempts.begin(), policy.preempts.end(),
                     [&](const PreemptRule &r) { return r.kind == kind; });
}

// Whether the runtime must track queue q's members: it has aggregates, or
// the policy reads its implicit `count`.
bool tracksMembers(const Policy &policy, size_t q) {
  if (!policy.queues[q].aggregates.empty()) return true;
  for (const BalanceRule &r : policy.balances)
    if (r.queueIndex == static_cast<int>(q) && r.by.builtinAggregate == BuiltinAggregate::Count)
      return true;
  bool countRead = false;
  walkPolicy(policy, [&](const Expr &expr) {
    if (expr.ref.kind == RefKind::Aggregate && expr.ref.index == static_cast<int>(q) &&
        expr.ref.builtinAggregate == BuiltinAggregate::Count)
      countRead = true;
  });
  return countRead;
}

// Bit per task attribute the policy reads as `current.ATTR` (currentOnly), or
// anywhere: of the task in context or as `current.ATTR`.
uint32_t attributesRead(const Policy &policy, bool currentOnly) {
  uint32_t mask = 0;
  walkPolicy(policy, [&](const Expr &expr) {
    bool read = expr.ref.kind == RefKind::CurrentAttr ||
                (!currentOnly && expr.ref.kind == RefKind::TaskAttr);
    if (read) mask |= 1u << static_cast<unsigned>(expr.ref.attr);
  });
  return mask;
}

// ops.running snapshots only these for other CPUs' wakeup preemption rules.
uint32_t currentAttributes(const Policy &policy) {
  return attributesRead(policy, /*currentOnly=*/true);
}

bool readsAttribute(const Policy &policy, TaskAttr attr) {
  return (attributesRead(policy, /*currentOnly=*/false) & (1u << static_cast<unsigned>(attr))) != 0;
}

// group_weight needs the runnable tasks' weight counted per cgroup.
bool countsGroupLoad(const Policy &policy) {
  return readsAttribute(policy, TaskAttr::GroupWeight);
}

bool usesCgroups(const Policy &policy) {
  return countsGroupLoad(policy) || readsAttribute(policy, TaskAttr::CgroupWeight);
}

bool hasAggregates(const Policy &policy) {
  for (size_t q = 0; q < policy.queues.size(); ++q)
    if (tracksMembers(policy, q)) return true;
  return false;
}

bool usesTaskStorage(const Policy &policy) {
  return !policy.taskFields.empty() || hasAggregates(policy) ||
         hasPreempt(policy, PreemptKind::Wakeup) || hasHandler(policy, Event::Stopping) ||
         usesCgroups(policy);
}

llvm::Constant *queueLayout(Lowering &l, StructInitializer &layout, llvm::StructType *type,
                            const llvm::DICompositeType *debugType, size_t q) {
  const Queue &queue = l.policy.queues[q];
  std::vector<llvm::Constant *> aggKinds;
  for (const Aggregate &aggregate : queue.aggregates)
    aggKinds.push_back(u32(l, static_cast<unsigned>(aggregate.kind)));
  // Only `count` is read: one counting pseudo-aggregate makes the runtime
  // track membership.
  size_t numAggs = queue.aggregates.size();
  if (numAggs == 0 && tracksMembers(l.policy, q)) {
    aggKinds.push_back(u32(l, static_cast<unsigned>(AggregateKind::Count)));
    numAggs = 1;
  }
  static const unsigned kinds[] = {SCHEDC_QUEUE_GLOBAL, SCHEDC_QUEUE_PERCPU, SCHEDC_QUEUE_SHARDS,
                                   SCHEDC_QUEUE_LLC, SCHEDC_QUEUE_NODE};
  unsigned kind = kinds[static_cast<int>(queue.kind)];
  StructInitializer init(l.module.getDataLayout(), type, debugType);
  llvm::Type *aggKindType = init.fieldType("agg_kind");
  if (!aggKindType) {
    layout.failWith(init);
    return nullptr;
  }
  init.set("kind", u32(l, kind));
  init.set("shards", u32(l, queue.shards));
  init.set("ordered", u32(l, queue.orderKey ? 1 : 0));
  init.set("nr_aggs", u32(l, numAggs));
  init.set("agg_kind", aggregate(aggKindType, aggKinds));
  init.set("has_eligible", u32(l, queue.eligible ? 1 : 0));
  init.set("scan", u32(l, queue.scanLimit));
  init.set("fallback_head", u32(l, queue.fallback == EligibleFallback::Head ? 1 : 0));
  // How far CPUs reach to steal from it: the widest of its steal sources.
  bool stolen = false;
  unsigned reach = 0;
  for (const DispatchSource &source : l.policy.dispatch)
    if (source.steal && source.queueIndex == static_cast<int>(q)) {
      stolen = true;
      reach = std::max(reach, static_cast<unsigned>(source.within));
    }
  init.set("stolen", u32(l, stolen));
  init.set("steal_reach", u32(l, reach));
  llvm::Constant *value = init.finish();
  if (!value) layout.failWith(init);
  return value;
}

}  // namespace

void lowerLayout(Lowering &l) {
  const Policy &p = l.policy;
  llvm::GlobalVariable *layout = l.runtimeGlobal(SCHEDC_LAYOUT_NAME);
  llvm::StructType *type = l.runtimeStruct("schedc_layout");
  if (!layout || !type) return;
  const llvm::DataLayout &dataLayout = l.module.getDataLayout();
  StructInitializer init(dataLayout, type, debugStructOf(*layout));
  auto failed = [&]() {
    if (l.error.empty()) l.error = init.error();
  };
  llvm::Type *handlersType = init.fieldType("has_handler");
  llvm::Type *taskInitType = init.fieldType("task_init");
  llvm::Type *cpuInitType = init.fieldType("cpu_init");
  llvm::Type *queuesType = init.fieldType("queues");
  llvm::StructType *queueType = init.elementStruct("queues");
  const llvm::DICompositeType *queueDebugType = init.elementDebugStruct("queues");
  llvm::Type *dispatchType = init.fieldType("dispatch");
  llvm::StructType *sourceType = init.elementStruct("dispatch");
  const llvm::DICompositeType *sourceDebugType = init.elementDebugStruct("dispatch");
  if (!init.error().empty()) return failed();

  std::vector<llvm::Constant *> handlers;
  for (unsigned e = 0; e < kNumEvents; ++e)
    handlers.push_back(u32(l, hasHandler(p, static_cast<Event>(e))));

  std::vector<llvm::Constant *> queues;
  for (size_t q = 0; q < p.queues.size(); ++q)
    queues.push_back(queueLayout(l, init, queueType, queueDebugType, q));

  std::vector<llvm::Constant *> sources;
  for (const DispatchSource &source : p.dispatch) {
    StructInitializer sourceInit(dataLayout, sourceType, sourceDebugType);
    sourceInit.set("queue", u32(l, source.queueIndex));
    sourceInit.set("steal", u32(l, source.steal));
    sourceInit.set("steal_within", u32(l, static_cast<unsigned>(source.within)));
    sources.push_back(sourceInit.finish());
    if (!sources.back()) init.failWith(sourceInit);
  }
  if (!init.error().empty()) return failed();

  init.set("nr_queues", u32(l, p.queues.size()));
  init.set("nr_dispatch", u32(l, p.dispatch.size()));
  static const unsigned selectModes[] = {SCHEDC_SELECT_DEFAULT, SCHEDC_SELECT_PREV,
                                         SCHEDC_SELECT_NEAREST};
  init.set("select_mode", u32(l, selectModes[static_cast<int>(p.selectCpu.mode)]));
  init.set("select_direct", u32(l, p.selectCpu.direct));
  init.set("select_within", u32(l, static_cast<unsigned>(p.selectCpu.within)));
  init.set("has_preempt_wakeup", u32(l, hasPreempt(p, PreemptKind::Wakeup)));
  init.set("has_preempt_tick", u32(l, hasPreempt(p, PreemptKind::Tick)));
  init.set("has_handler", aggregate(handlersType, handlers));
  init.set("uses_task_storage", u32(l, usesTaskStorage(p)));
  init.set("nr_task_fields", u32(l, p.taskFields.size()));
  init.set("nr_cpu_fields", u32(l, p.cpuFields.size()));
  init.set("task_init", u64Array(l, taskInitType, p.taskFields));
  init.set("cpu_init", u64Array(l, cpuInitType, p.cpuFields));
  init.set("queues", aggregate(queuesType, queues));
  init.set("dispatch", aggregate(dispatchType, sources));
  init.set("tracks_members", u32(l, hasAggregates(p)));
  const BalanceRule *balance = p.balances.empty() ? nullptr : &p.balances.front();
  init.set("has_balance", u32(l, balance != nullptr));
  init.set("balance_queue", u32(l, balance ? balance->queueIndex : 0));
  init.set("balance_agg", u32(l, balance ? runtimeAggregateIndex(balance->by) : 0));
  init.set("current_attrs", u32(l, currentAttributes(p)));
  init.set("uses_cgroups", u32(l, usesCgroups(p)));
  init.set("counts_group_load", u32(l, countsGroupLoad(p)));
  init.set("uses_hints", u32(l, !p.hints.empty()));
  llvm::Constant *value = init.finish();
  if (!value) return failed();
  layout->setInitializer(value);
  // A constant the optimizer can see through: every `L.x` folds away.
  layout->setConstant(true);
  layout->setLinkage(llvm::GlobalValue::InternalLinkage);

  if (!p.globalFields.empty()) {
    if (llvm::GlobalVariable *globals = l.runtimeGlobal(SCHEDC_GLOBALS_NAME))
      globals->setInitializer(u64Array(l, globals->getValueType(), p.globalFields));
  }
}

// Field order of struct sched_ext_ops in runtime/include/schedc_kernel.h.
enum OpsField {
  kSelectCpu,
  kEnqueue,
  kDequeue,
  kDispatch,
  kTick,
  kRunnable,
  kRunning,
  kStopping,
  kQuiescent,
  kInitTask,
  kExitTask,
  kEnable,
  kSetWeight,
  kCgroupInit,
  kCgroupExit,
  kCgroupMove,
  kCgroupSetWeight,
  kInit,
  kExit,
  kFlags,
  kTimeout,
  kExitDumpLen,
  kName,
  kNumOpsFields,
};

void patchOps(Lowering &l) {
  const Policy &p = l.policy;
  llvm::GlobalVariable *ops = l.runtimeGlobal(SCHEDC_OPS_NAME);
  if (!ops) return;
  auto *init = llvm::dyn_cast<llvm::ConstantStruct>(ops->getInitializer());
  if (!init || init->getNumOperands() < kNumOpsFields) {
    l.error = "struct sched_ext_ops in the runtime does not match the compiler";
    return;
  }
  bool aggregates = hasAggregates(p);
  bool wakeupPreempt = hasPreempt(p, PreemptKind::Wakeup);
  bool stoppingHandler = hasHandler(p, Event::Stopping);
  bool cgroups = usesCgroups(p);
  bool groupLoad = countsGroupLoad(p);
  // Callbacks with nothing to do are left out: the kernel then skips them.
  bool needed[kNumOpsFields] = {};
  needed[kSelectCpu] = needed[kEnqueue] = needed[kDispatch] = needed[kInit] = needed[kExit] = true;
  needed[kDequeue] = aggregates;
  needed[kTick] = hasHandler(p, Event::Tick) || hasPreempt(p, PreemptKind::Tick);
  needed[kRunnable] = hasHandler(p, Event::Runnable) || groupLoad;
  needed[kRunning] = hasHandler(p, Event::Running) || wakeupPreempt || stoppingHandler;
  needed[kStopping] = stoppingHandler || aggregates || wakeupPreempt;
  needed[kQuiescent] = hasHandler(p, Event::Quiescent) || aggregates || groupLoad;
  needed[kInitTask] = usesTaskStorage(p);
  needed[kExitTask] = hasHandler(p, Event::Exit) || aggregates || groupLoad || !p.hints.empty();
  needed[kEnable] = hasHandler(p, Event::Enable) || groupLoad;
  needed[kSetWeight] = hasHandler(p, Event::Reweight) || aggregates || groupLoad;
  needed[kCgroupInit] = needed[kCgroupExit] = needed[kCgroupMove] = cgroups;
  needed[kCgroupSetWeight] = cgroups;

  std::vector<llvm::Constant *> fields;
  std::vector<llvm::Function *> dropped;
  // The initializer may carry a trailing padding field: copied as it is.
  for (unsigned i = 0; i < init->getNumOperands(); ++i) {
    llvm::Constant *field = init->getOperand(i);
    if (i < kFlags && !needed[i]) {
      if (auto *function = llvm::dyn_cast<llvm::Function>(field->stripPointerCasts()))
        dropped.push_back(function);
      field = llvm::Constant::getNullValue(field->getType());
    }
    if (i == kName) {
      auto *nameType = llvm::cast<llvm::ArrayType>(field->getType());
      std::string name = p.name.substr(0, nameType->getNumElements() - 1);
      name.resize(nameType->getNumElements(), '\0');
      field = llvm::ConstantDataArray::getString(l.context, name, /*AddNull=*/false);
    }
    fields.push_back(field);
  }
  ops->setInitializer(llvm::ConstantStruct::get(init->getType(), fields));
  // clang lists every section function in llvm.compiler.used: unlist them.
  llvm::removeFromUsedLists(l.module, [&](llvm::Constant *c) {
    return std::find(dropped.begin(), dropped.end(), c->stripPointerCasts()) != dropped.end();
  });
  for (llvm::Function *function : dropped) {
    function->removeDeadConstantUsers();  // the old initializer
    if (function->use_empty()) function->eraseFromParent();
  }
}

}  // namespace schedc
