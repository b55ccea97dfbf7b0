// Compile-time facts of the policy as constants the runtime reads: the
// `schedc_layout` struct, initial values of globals, and the struct_ops
// variable (name, and only the callbacks the policy needs).
#include <algorithm>

#include "ast/Walk.h"
#include "codegen/Lowering.h"
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
  bool countRead = false;
  walkPolicy(policy, [&](const Expr &expr) {
    if (expr.ref.kind == RefKind::Aggregate && expr.ref.index == static_cast<int>(q) &&
        expr.ref.builtinAggregate == BuiltinAggregate::Count)
      countRead = true;
  });
  return countRead;
}

bool hasAggregates(const Policy &policy) {
  for (size_t q = 0; q < policy.queues.size(); ++q)
    if (tracksMembers(policy, q)) return true;
  return false;
}

bool usesTaskStorage(const Policy &policy) {
  return !policy.taskFields.empty() || hasAggregates(policy) ||
         hasPreempt(policy, PreemptKind::Wakeup) || hasHandler(policy, Event::Stopping);
}

llvm::Constant *queueLayout(Lowering &l, llvm::StructType *type, size_t q) {
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
  unsigned kind = queue.kind == QueueKind::Global ? 0 : queue.kind == QueueKind::PerCpu ? 1 : 2;
  return aggregate(type, {
                             u32(l, kind),
                             u32(l, queue.shards),
                             u32(l, queue.orderKey ? 1 : 0),
                             u32(l, numAggs),
                             aggregate(type->getElementType(4), aggKinds),
                             u32(l, queue.eligible ? 1 : 0),
                             u32(l, queue.scanLimit),
                             u32(l, queue.fallback == EligibleFallback::Head ? 1 : 0),
                         });
}

}  // namespace

void lowerLayout(Lowering &l) {
  const Policy &p = l.policy;
  llvm::GlobalVariable *layout = l.runtimeGlobal("schedc_layout");
  llvm::StructType *type = l.runtimeStruct("schedc_layout");
  if (!layout || !type) return;
  if (type->getNumElements() != 15) {
    l.error = "struct schedc_layout in the runtime does not match the compiler";
    return;
  }
  std::vector<llvm::Constant *> handlers;
  for (unsigned e = 0; e < kNumEvents; ++e)
    handlers.push_back(u32(l, hasHandler(p, static_cast<Event>(e))));

  auto *queuesType = llvm::cast<llvm::ArrayType>(type->getElementType(12));
  auto *queueType = llvm::cast<llvm::StructType>(queuesType->getElementType());
  std::vector<llvm::Constant *> queues;
  for (size_t q = 0; q < p.queues.size(); ++q) queues.push_back(queueLayout(l, queueType, q));

  auto *dispatchType = llvm::cast<llvm::ArrayType>(type->getElementType(13));
  auto *sourceType = llvm::cast<llvm::StructType>(dispatchType->getElementType());
  std::vector<llvm::Constant *> sources;
  for (const DispatchSource &source : p.dispatch)
    sources.push_back(aggregate(sourceType, {u32(l, source.queueIndex), u32(l, source.steal)}));

  layout->setInitializer(
      aggregate(type, {
                          u32(l, p.queues.size()),
                          u32(l, p.dispatch.size()),
                          u32(l, p.selectCpu.mode == SelectCpuMode::Prev ? 1 : 0),
                          u32(l, p.selectCpu.direct),
                          u32(l, hasPreempt(p, PreemptKind::Wakeup)),
                          u32(l, hasPreempt(p, PreemptKind::Tick)),
                          aggregate(type->getElementType(6), handlers),
                          u32(l, usesTaskStorage(p)),
                          u32(l, p.taskFields.size()),
                          u32(l, p.cpuFields.size()),
                          u64Array(l, type->getElementType(10), p.taskFields),
                          u64Array(l, type->getElementType(11), p.cpuFields),
                          aggregate(queuesType, queues),
                          aggregate(dispatchType, sources),
                          u32(l, hasAggregates(p)),
                      }));
  // A constant the optimizer can see through: every `L.x` folds away.
  layout->setConstant(true);
  layout->setLinkage(llvm::GlobalValue::InternalLinkage);

  if (!p.globalFields.empty()) {
    if (llvm::GlobalVariable *globals = l.runtimeGlobal("schedc_globals"))
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
  kInit,
  kExit,
  kFlags,
  kTimeout,
  kName,
  kNumOpsFields,
};

void patchOps(Lowering &l) {
  const Policy &p = l.policy;
  llvm::GlobalVariable *ops = l.runtimeGlobal("schedc_ops");
  if (!ops) return;
  auto *init = llvm::dyn_cast<llvm::ConstantStruct>(ops->getInitializer());
  if (!init || init->getNumOperands() < kNumOpsFields) {
    l.error = "struct sched_ext_ops in the runtime does not match the compiler";
    return;
  }
  bool aggregates = hasAggregates(p);
  bool wakeupPreempt = hasPreempt(p, PreemptKind::Wakeup);
  bool stoppingHandler = hasHandler(p, Event::Stopping);
  // Callbacks with nothing to do are left out: the kernel then skips them.
  bool needed[kNumOpsFields] = {};
  needed[kSelectCpu] = needed[kEnqueue] = needed[kDispatch] = needed[kInit] = needed[kExit] = true;
  needed[kDequeue] = aggregates;
  needed[kTick] = hasHandler(p, Event::Tick) || hasPreempt(p, PreemptKind::Tick);
  needed[kRunnable] = hasHandler(p, Event::Runnable);
  needed[kRunning] = hasHandler(p, Event::Running) || wakeupPreempt || stoppingHandler;
  needed[kStopping] = stoppingHandler || aggregates || wakeupPreempt;
  needed[kQuiescent] = hasHandler(p, Event::Quiescent) || aggregates;
  needed[kInitTask] = usesTaskStorage(p);
  needed[kExitTask] = hasHandler(p, Event::Exit) || aggregates;
  needed[kEnable] = hasHandler(p, Event::Enable);

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
