// The policy hooks the runtime calls (runtime/schedc_policy.h). Hooks taking a
// queue index switch on it; the runtime always passes a constant, so after
// inlining only one case survives.
#include "codegen/Lowering.h"

namespace schedc {
namespace {

llvm::Value *returnBool(Lowering &l, llvm::Value *condition) {
  llvm::Type *returnType = l.builder.GetInsertBlock()->getParent()->getReturnType();
  if (returnType->isIntegerTy(1)) return condition;
  return l.builder.CreateZExt(condition, returnType);
}

llvm::Argument *argument(llvm::Function *function, unsigned index) {
  return function->getArg(index);
}

// Emits `switch (queue)` with one case per queue that `hasCase` accepts; calls
// `lowerCase(q)` in each case block. Every case must end its block.
template <typename HasCase, typename LowerCase>
void switchOnQueue(Lowering &l, llvm::Value *queue, llvm::BasicBlock *defaultBlock, HasCase hasCase,
                   LowerCase lowerCase) {
  llvm::Function *function = l.builder.GetInsertBlock()->getParent();
  llvm::SwitchInst *dispatch = l.builder.CreateSwitch(queue, defaultBlock);
  for (size_t q = 0; q < l.policy.queues.size(); ++q) {
    if (!hasCase(l.policy.queues[q])) continue;
    auto *block = llvm::BasicBlock::Create(l.context, "queue." + l.policy.queues[q].name, function);
    dispatch->addCase(l.builder.getInt32(static_cast<uint32_t>(q)), block);
    l.builder.SetInsertPoint(block);
    l.beginBody();
    lowerCase(static_cast<int>(q));
  }
}

void lowerHandlerHook(Lowering &l) {
  SourceRange where = l.policy.nameRange;
  llvm::Function *function = l.beginHook("schedc_policy_handler", where);
  if (!function) return;
  llvm::Value *event = argument(function, 0);
  l.ctx = argument(function, 1);
  int numLocals = 0;
  for (const Handler &handler : l.policy.handlers)
    numLocals = std::max(numLocals, handler.numLocals);
  allocateLocals(l, numLocals);

  auto *done = llvm::BasicBlock::Create(l.context, "done", function);
  llvm::SwitchInst *dispatch = l.builder.CreateSwitch(event, done);
  for (unsigned e = 0; e < kNumEvents; ++e) {
    llvm::BasicBlock *block = nullptr;
    for (const Handler &handler : l.policy.handlers) {
      if (static_cast<unsigned>(handler.event) != e) continue;
      if (!block) {
        block = llvm::BasicBlock::Create(l.context, "on", function);
        dispatch->addCase(l.builder.getInt32(e), block);
        l.builder.SetInsertPoint(block);
        l.beginBody();
      }
      l.setLocation(handler.range);
      lowerBlock(l, handler.body);
    }
    if (block) l.builder.CreateBr(done);
  }
  l.builder.SetInsertPoint(done);
  l.builder.CreateRetVoid();
  l.finishHook();
}

// Instance of queue q a task goes to when the rule names no index: the one
// its CPU serves (its CPU's own, its LLC's, its node's, shard cpu % N).
llvm::Value *defaultInstance(Lowering &l, int q) {
  const Queue &queue = l.policy.queues[static_cast<size_t>(q)];
  if (queue.kind == QueueKind::Global) return l.builder.getInt32(0);
  return lowerInstanceOfCpu(l, q, lowerTaskAttr(l, TaskAttr::Cpu));
}

void lowerPlaceHook(Lowering &l) {
  SourceRange where =
      l.policy.enqueueRules.empty() ? l.policy.nameRange : l.policy.enqueueRules[0].range;
  llvm::Function *function = l.beginHook("schedc_policy_place", where);
  llvm::StructType *placement = l.runtimeStruct("schedc_placement");
  if (!function || !placement) return;
  l.ctx = argument(function, 0);
  llvm::Value *out = argument(function, 1);
  auto field = [&](unsigned index) { return l.builder.CreateStructGEP(placement, out, index); };
  l.beginBody();

  for (const EnqueueRule &rule : l.policy.enqueueRules) {
    l.setLocation(rule.range);
    llvm::BasicBlock *next = nullptr;
    if (rule.condition) {
      llvm::Value *condition = lowerCondition(l, *rule.condition);
      auto *take = llvm::BasicBlock::Create(l.context, "rule", function);
      next = llvm::BasicBlock::Create(l.context, "next", function);
      l.builder.CreateCondBr(condition, take, next);
      l.builder.SetInsertPoint(take);
    }
    // The rule's body ends in a return: nothing it computes reaches `next`.
    CacheScope ruleBody(l);
    llvm::Value *localOnCpu = nullptr;
    if (rule.localOn) {
      // Only a CPU the task may run on (allowed() bounds it too); else the
      // next rule places the task.
      localOnCpu = lowerStorable(l, *rule.localOn);
      llvm::Function *allowed = l.runtimeFunction("schedc_allowed");
      if (!allowed) return;
      llvm::Value *ok = l.builder.CreateICmpNE(l.builder.CreateCall(allowed, {l.ctx, localOnCpu}),
                                               l.builder.getInt64(0));
      auto *take = llvm::BasicBlock::Create(l.context, "local_on", function);
      if (!next) next = llvm::BasicBlock::Create(l.context, "next", function);
      l.builder.CreateCondBr(ok, take, next);
      l.builder.SetInsertPoint(take);
    }
    llvm::Value *slice;
    if (rule.infiniteSlice)
      slice = l.builder.getInt64(~0ULL);
    else if (rule.slice)
      slice = lowerExpr(l, *rule.slice);
    else
      slice = l.builder.getInt64(20'000'000);  // SCX_SLICE_DFL
    l.setLocation(rule.range);
    if (localOnCpu) {
      l.builder.CreateStore(l.builder.CreateTrunc(localOnCpu, l.builder.getInt32Ty()), field(1));
      l.builder.CreateStore(l.builder.getInt32(SCHEDC_PLACE_LOCAL_ON), field(2));
    } else if (rule.toLocal) {
      l.builder.CreateStore(l.builder.getInt32(SCHEDC_PLACE_LOCAL), field(2));
    } else {
      llvm::Value *instance;
      if (rule.instance) {
        instance = lowerInstance(l, rule.queueIndex, lowerExpr(l, *rule.instance));
      } else {
        instance = defaultInstance(l, rule.queueIndex);
      }
      l.builder.CreateStore(l.builder.getInt32(static_cast<uint32_t>(rule.queueIndex)), field(0));
      l.builder.CreateStore(instance, field(1));
      l.builder.CreateStore(l.builder.getInt32(0), field(2));
    }
    l.builder.CreateStore(slice, field(3));
    l.builder.CreateRetVoid();
    if (!next) break;  // an unconditional rule ends the chain
    l.builder.SetInsertPoint(next);
  }
  if (!l.builder.GetInsertBlock()->getTerminator()) l.builder.CreateRetVoid();
  l.finishHook();
}

void lowerQueueKeyHook(Lowering &l) {
  llvm::Function *function = l.beginHook("schedc_policy_queue_key", l.policy.nameRange);
  if (!function) return;
  l.ctx = argument(function, 1);
  auto *none = llvm::BasicBlock::Create(l.context, "none", function);
  switchOnQueue(
      l, argument(function, 0), none, [](const Queue &q) { return q.orderKey != nullptr; },
      [&](int q) {
        const Queue &queue = l.policy.queues[static_cast<size_t>(q)];
        l.builder.CreateRet(lowerStorable(l, *queue.orderKey));
      });
  l.builder.SetInsertPoint(none);
  l.builder.CreateRet(l.builder.getInt64(0));
  l.finishHook();
}

void lowerAggValuesHook(Lowering &l) {
  llvm::Function *function = l.beginHook("schedc_policy_agg_values", l.policy.nameRange);
  if (!function) return;
  l.ctx = argument(function, 1);
  llvm::Value *values = argument(function, 2);
  llvm::Value *weights = argument(function, 3);
  auto *done = llvm::BasicBlock::Create(l.context, "done", function);
  switchOnQueue(
      l, argument(function, 0), done, [](const Queue &q) { return !q.aggregates.empty(); },
      [&](int q) {
        const Queue &queue = l.policy.queues[static_cast<size_t>(q)];
        for (size_t a = 0; a < queue.aggregates.size(); ++a) {
          const Aggregate &aggregate = queue.aggregates[a];
          l.setLocation(aggregate.range);
          llvm::Value *value =
              aggregate.value ? lowerStorable(l, *aggregate.value) : l.builder.getInt64(0);
          llvm::Value *weight =
              aggregate.weight ? lowerStorable(l, *aggregate.weight) : l.builder.getInt64(0);
          l.builder.CreateStore(value, l.builder.CreateConstInBoundsGEP1_64(l.i64(), values, a));
          l.builder.CreateStore(weight, l.builder.CreateConstInBoundsGEP1_64(l.i64(), weights, a));
        }
        l.builder.CreateBr(done);
      });
  l.builder.SetInsertPoint(done);
  l.builder.CreateRetVoid();
  l.finishHook();
}

void lowerEligibleHook(Lowering &l) {
  llvm::Function *function = l.beginHook("schedc_policy_eligible", l.policy.nameRange);
  if (!function) return;
  l.ctx = argument(function, 1);
  auto *everyone = llvm::BasicBlock::Create(l.context, "everyone", function);
  switchOnQueue(
      l, argument(function, 0), everyone, [](const Queue &q) { return q.eligible != nullptr; },
      [&](int q) {
        l.scanQueue = q;
        const Queue &queue = l.policy.queues[static_cast<size_t>(q)];
        l.builder.CreateRet(returnBool(l, lowerCondition(l, *queue.eligible)));
        l.scanQueue = -1;
      });
  l.builder.SetInsertPoint(everyone);
  l.builder.CreateRet(returnBool(l, l.builder.getTrue()));
  l.finishHook();
}

void lowerPreemptHook(Lowering &l, const char *name, PreemptKind kind) {
  llvm::Function *function = l.beginHook(name, l.policy.nameRange);
  if (!function) return;
  l.ctx = argument(function, 0);
  l.beginBody();
  llvm::Value *any = l.builder.getFalse();
  for (const PreemptRule &rule : l.policy.preempts) {
    if (rule.kind != kind) continue;
    l.setLocation(rule.range);
    any = l.builder.CreateOr(any, lowerCondition(l, *rule.condition));
  }
  l.builder.CreateRet(returnBool(l, any));
  l.finishHook();
}

// The balance rule's interval (0: the policy does not balance) and, per
// candidate task in the busiest instance, whether to pull it.
void lowerBalanceHooks(Lowering &l) {
  const BalanceRule *rule = l.policy.balances.empty() ? nullptr : &l.policy.balances.front();
  if (llvm::Function *function =
          l.beginHook("schedc_policy_balance_interval", l.policy.nameRange)) {
    l.ctx = argument(function, 0);
    l.beginBody();
    llvm::Value *interval = l.builder.getInt64(0);
    if (rule) {
      l.setLocation(rule->interval->range);
      interval = lowerStorable(l, *rule->interval);
    }
    l.builder.CreateRet(interval);
    l.finishHook();
  }
  if (llvm::Function *function = l.beginHook("schedc_policy_balance_pull", l.policy.nameRange)) {
    l.ctx = argument(function, 0);
    l.beginBody();
    llvm::Value *pull = l.builder.getFalse();
    if (rule) {
      l.setLocation(rule->range);
      pull = lowerCondition(l, *rule->condition);
    }
    l.builder.CreateRet(returnBool(l, pull));
    l.finishHook();
  }
}

// A timer's period in ns (the global `every` or the per-CPU one); 0
// without that timer (the runtime then starts none).
void lowerTimerPeriodHook(Lowering &l, const char *name, Event event) {
  llvm::Function *function = l.beginHook(name, l.policy.nameRange);
  if (!function) return;
  l.ctx = argument(function, 0);
  l.beginBody();
  llvm::Value *period = l.builder.getInt64(0);
  for (const Handler &h : l.policy.handlers) {
    if (h.event != event) continue;
    l.setLocation(h.period->range);
    period = lowerStorable(l, *h.period);
  }
  l.builder.CreateRet(period);
  l.finishHook();
}

// Whether this CPU runs the per-CPU timer: every CPU for
// `per cpu`, CPU C for `on cpu C`.
void lowerCpuTimerHereHook(Lowering &l) {
  llvm::Function *function = l.beginHook("schedc_policy_cpu_timer_here", l.policy.nameRange);
  if (!function) return;
  l.ctx = argument(function, 0);
  l.beginBody();
  llvm::Value *here = l.builder.getFalse();
  for (const Handler &h : l.policy.handlers) {
    if (h.event != Event::CpuTimer) continue;
    here = l.builder.getTrue();
    if (h.onCpu) {
      l.setLocation(h.onCpu->range);
      llvm::Value *cpu = lowerStorable(l, *h.onCpu);
      if (llvm::Function *thisCpu = l.runtimeFunction("schedc_this_cpu"))
        here = l.builder.CreateICmpEQ(cpu, l.builder.CreateCall(thisCpu, {}));
    }
  }
  l.builder.CreateRet(returnBool(l, here));
  l.finishHook();
}

// `dispatch ... when COND`: whether this CPU takes work from the sources.
void lowerDispatchAllowedHook(Lowering &l) {
  llvm::Function *function = l.beginHook("schedc_policy_dispatch_allowed", l.policy.nameRange);
  if (!function) return;
  l.ctx = argument(function, 0);
  l.beginBody();
  llvm::Value *allowed = l.builder.getTrue();
  if (l.policy.dispatchWhen) {
    l.setLocation(l.policy.dispatchWhen->range);
    allowed = lowerCondition(l, *l.policy.dispatchWhen);
  }
  l.builder.CreateRet(returnBool(l, allowed));
  l.finishHook();
}

}  // namespace

void lowerHooks(Lowering &l) {
  lowerHandlerHook(l);
  lowerPlaceHook(l);
  lowerQueueKeyHook(l);
  lowerAggValuesHook(l);
  lowerEligibleHook(l);
  lowerPreemptHook(l, "schedc_policy_preempt_wakeup", PreemptKind::Wakeup);
  lowerPreemptHook(l, "schedc_policy_preempt_tick", PreemptKind::Tick);
  lowerBalanceHooks(l);
  lowerTimerPeriodHook(l, "schedc_policy_timer_period", Event::Timer);
  lowerTimerPeriodHook(l, "schedc_policy_cpu_timer_period", Event::CpuTimer);
  lowerCpuTimerHereHook(l);
  lowerDispatchAllowedHook(l);
}

}  // namespace schedc
