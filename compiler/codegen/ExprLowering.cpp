// Expressions to IR. Every numeric value is an i64 (types only decide signed
// vs unsigned operations); booleans are i1 and stored as 0/1 in i64 slots.
#include "codegen/Lowering.h"

namespace schedc {
namespace {

llvm::Value *u64Const(Lowering &l, uint64_t value) {
  return l.builder.getInt64(value);
}
llvm::Value *u32Const(Lowering &l, uint64_t value) {
  return l.builder.getInt32(static_cast<uint32_t>(value));
}

llvm::Value *call(Lowering &l, const std::string &name, const std::vector<llvm::Value *> &args) {
  llvm::Function *function = l.runtimeFunction(name);
  if (!function) return llvm::UndefValue::get(l.i64());
  return l.builder.CreateCall(function, args);
}

// The value `key` names, lowered by `make` the first time (see ValueCache):
// into the body's reads block when its operand is there too.
template <typename Make>
llvm::Value *cached(Lowering &l, const CacheKey &key, Make make) {
  if (llvm::Value *value = l.cache.find(key)) return value;
  llvm::Instruction *readsEnd = l.cache.readsEnd();
  if (readsEnd && (!key.operand || l.cache.isRead(key.operand))) {
    llvm::IRBuilderBase::InsertPointGuard guard(l.builder);
    llvm::DebugLoc use = l.builder.getCurrentDebugLocation();
    l.builder.SetInsertPoint(readsEnd);
    l.builder.SetCurrentDebugLocation(use);
    llvm::Value *value = make();
    l.cache.rememberRead(key, value);
    return value;
  }
  llvm::Value *value = make();
  l.cache.remember(key, value);
  return value;
}

// A runtime service whose answer cannot change during the callback.
llvm::Value *cachedCall(Lowering &l, const CacheKey &key, const std::string &name,
                        const std::vector<llvm::Value *> &args) {
  return cached(l, key, [&] { return call(l, name, args); });
}

// i1 -> i64 for storage; i64 stays.
llvm::Value *widen(Lowering &l, llvm::Value *value) {
  if (value->getType()->isIntegerTy(1)) return l.builder.CreateZExt(value, l.i64());
  return value;
}

// An i64 slot's value as the expression's type wants it.
llvm::Value *fromSlot(Lowering &l, llvm::Value *value, Type type) {
  if (type == Type::Bool) return l.builder.CreateICmpNE(value, u64Const(l, 0));
  return value;
}

// Pointer to the i64 slot a name refers to, or null for read-only names.
llvm::Value *slotOf(Lowering &l, const Ref &ref) {
  switch (ref.kind) {
    case RefKind::TaskField:
      return cachedCall(l, {CacheKey::TaskSlot, ref.index}, "schedc_task_field",
                        {l.ctx, u32Const(l, ref.index)});
    case RefKind::CurrentField:
      return cachedCall(l, {CacheKey::CurrentSlot, ref.index}, "schedc_current_field",
                        {l.ctx, u32Const(l, ref.index)});
    case RefKind::CpuField:
      return cachedCall(l, {CacheKey::CpuSlot, ref.index}, "schedc_cpu_field",
                        {l.ctx, u32Const(l, ref.index)});
    case RefKind::GlobalField: {
      llvm::GlobalVariable *globals = l.runtimeGlobal(SCHEDC_GLOBALS_NAME);
      if (!globals) return nullptr;
      return l.builder.CreateConstInBoundsGEP2_64(globals->getValueType(), globals, 0,
                                                  static_cast<uint64_t>(ref.index));
    }
    case RefKind::Local:
      if (ref.localSlot < 0 || static_cast<size_t>(ref.localSlot) >= l.locals.size()) {
        if (l.error.empty()) l.error = "local slot out of range";
        return nullptr;
      }
      return l.locals[static_cast<size_t>(ref.localSlot)];
    default:
      return nullptr;
  }
}

llvm::Value *lowerParam(Lowering &l, int index) {
  return cached(l, {CacheKey::Param, index}, [&]() -> llvm::Value * {
    // Volatile: the loader rewrites the value in .rodata after compilation
    // (a live param's also while the policy runs), so the optimizer must not
    // fold the compiled-in default.
    bool live = l.policy.params[static_cast<size_t>(index)].live;
    llvm::GlobalVariable *params = l.runtimeGlobal(live ? SCHEDC_LIVE_NAME : SCHEDC_PARAMS_NAME);
    if (!params) return u64Const(l, 0);
    llvm::Value *address = l.builder.CreateConstInBoundsGEP2_64(params->getValueType(), params, 0,
                                                                static_cast<uint64_t>(index));
    return l.builder.CreateAlignedLoad(l.i64(), address, llvm::MaybeAlign(8), /*isVolatile=*/true);
  });
}

// Whether reading the aggregate needs the instance's state: `queued` and
// first() look at the DSQ instead.
bool readsQueueState(const Lowering &l, const Ref &ref) {
  if (ref.builtinAggregate == BuiltinAggregate::Queued) return false;
  if (ref.builtinAggregate == BuiltinAggregate::Count) return true;
  const Queue &queue = l.policy.queues[static_cast<size_t>(ref.index)];
  return queue.aggregates[static_cast<size_t>(ref.aggIndex)].kind != AggregateKind::First;
}

// Aggregates change only when a task joins or leaves a queue, which the
// runtime does between hooks, never inside one: a hook may reuse a read.
llvm::Value *lowerAggregate(Lowering &l, const Expr &expr) {
  const Ref &ref = expr.ref;
  int aggIndex = runtimeAggregateIndex(ref);
  llvm::Value *agg = u32Const(l, static_cast<uint64_t>(static_cast<int64_t>(aggIndex)));
  const Expr *base = expr.operands.empty() ? nullptr : expr.operands[0].get();
  llvm::Value *instance = l.builder.getInt32(0);
  if (base && base->kind == ExprKind::Index) {
    instance = lowerInstance(l, ref.index, lowerExpr(l, *base->operands[1]));
  } else if (l.scanQueue == ref.index) {  // bare name inside `eligible when`
    return cachedCall(l, {CacheKey::ScanAggregate, aggIndex}, "schedc_scan_agg", {l.ctx, agg});
  }
  llvm::Value *queue = u32Const(l, static_cast<uint64_t>(ref.index));
  llvm::Value *state = llvm::ConstantPointerNull::get(llvm::PointerType::get(l.context, 0));
  if (readsQueueState(l, ref))
    state = cachedCall(l, {CacheKey::QueueState, ref.index, 0, instance}, "schedc_queue_of",
                       {queue, instance});
  return cachedCall(l, {CacheKey::Aggregate, ref.index, aggIndex, instance}, "schedc_agg_read",
                    {state, queue, instance, agg});
}

llvm::Value *lowerName(Lowering &l, const Expr &expr) {
  const Ref &ref = expr.ref;
  switch (ref.kind) {
    case RefKind::Param:
      return fromSlot(l, lowerParam(l, ref.index), expr.type);
    case RefKind::Hint: {
      const Hint &h = l.policy.hints[static_cast<size_t>(ref.index)];
      uint32_t scope = h.perProcess ? SCHEDC_HINT_PROCESS : SCHEDC_HINT_TASK;
      llvm::Value *value = cachedCall(
          l, {CacheKey::Hint, ref.index}, "schedc_hint",
          {l.ctx, u32Const(l, scope), u32Const(l, ref.index), u64Const(l, h.defaultValue)});
      return fromSlot(l, value, expr.type);
    }
    case RefKind::TaskField:
    case RefKind::CurrentField:
    case RefKind::CpuField:
    case RefKind::GlobalField:
    case RefKind::Local: {
      llvm::Value *slot = slotOf(l, ref);
      if (!slot) return u64Const(l, 0);
      return fromSlot(l, l.builder.CreateAlignedLoad(l.i64(), slot, llvm::MaybeAlign(8)),
                      expr.type);
    }
    case RefKind::TaskAttr:
      return fromSlot(l, lowerTaskAttr(l, ref.attr), expr.type);
    case RefKind::CurrentAttr: {
      // current.runtime grows while it is read; every other attribute is the
      // snapshot the running task's CPU took when it started.
      int attr = static_cast<int>(ref.attr);
      std::vector<llvm::Value *> args{l.ctx, u32Const(l, attr)};
      llvm::Value *value =
          ref.attr == TaskAttr::Runtime
              ? call(l, "schedc_current_attr", args)
              : cachedCall(l, {CacheKey::CurrentAttr, attr}, "schedc_current_attr", args);
      return fromSlot(l, value, expr.type);
    }
    case RefKind::Aggregate:
      return lowerAggregate(l, expr);
    case RefKind::ThisCpu:
      return cachedCall(l, {CacheKey::ThisCpu}, "schedc_this_cpu", {});
    case RefKind::NrCpus:
      return cachedCall(l, {CacheKey::NrCpus}, "schedc_nr_cpus", {});
    case RefKind::NrLlcs:
      return call(l, "schedc_nr_llcs", {});
    case RefKind::NrNodes:
      return call(l, "schedc_nr_nodes", {});
    case RefKind::Now:
      return call(l, "schedc_now", {});
    case RefKind::Runtime:
      return call(l, "schedc_runtime", {l.ctx});
    case RefKind::Wakeup:
      return fromSlot(l, cachedCall(l, {CacheKey::Wakeup}, "schedc_wakeup", {l.ctx}), Type::Bool);
    case RefKind::Busiest:
      return cachedCall(l, {CacheKey::Busiest}, "schedc_busiest", {l.ctx});
    case RefKind::Counter:
    case RefKind::Unresolved:
      break;
  }
  if (l.error.empty()) l.error = "unresolved name '" + expr.text + "' reached lowering";
  return u64Const(l, 0);
}

llvm::Value *lowerUnary(Lowering &l, const Expr &expr) {
  llvm::Value *operand = lowerExpr(l, *expr.operands[0]);
  switch (expr.unaryOp) {
    case UnaryOp::Negate:
      return l.builder.CreateNeg(operand);
    case UnaryOp::Not:
      return l.builder.CreateNot(operand);
    case UnaryOp::BitNot:
      return l.builder.CreateNot(operand);
  }
  return operand;
}

llvm::Value *lowerBinary(Lowering &l, const Expr &expr) {
  const Expr &lhsExpr = *expr.operands[0];
  llvm::Value *lhs = lowerExpr(l, lhsExpr);
  llvm::Value *rhs = lowerExpr(l, *expr.operands[1]);
  bool isSignedOp = isSigned(lhsExpr.type);
  auto &b = l.builder;
  switch (expr.binaryOp) {
    case BinaryOp::Add:
      return b.CreateAdd(lhs, rhs);
    case BinaryOp::Sub:
      return b.CreateSub(lhs, rhs);
    case BinaryOp::Mul:
      return b.CreateMul(lhs, rhs);
    // BPF cpu v3 has no signed division: the runtime provides it.
    case BinaryOp::Div:
      return isSignedOp ? call(l, "schedc_sdiv", {lhs, rhs}) : b.CreateUDiv(lhs, rhs);
    case BinaryOp::Mod:
      return isSignedOp ? call(l, "schedc_smod", {lhs, rhs}) : b.CreateURem(lhs, rhs);
    case BinaryOp::BitAnd:
      return b.CreateAnd(lhs, rhs);
    case BinaryOp::BitOr:
      return b.CreateOr(lhs, rhs);
    case BinaryOp::BitXor:
      return b.CreateXor(lhs, rhs);
    // Shift counts beyond 63 are undefined in IR and rejected by nothing at run
    // time: mask them like the hardware does.
    case BinaryOp::Shl:
      return b.CreateShl(lhs, b.CreateAnd(rhs, 63));
    case BinaryOp::Shr:
      return isSignedOp ? b.CreateAShr(lhs, b.CreateAnd(rhs, 63))
                        : b.CreateLShr(lhs, b.CreateAnd(rhs, 63));
    case BinaryOp::Eq:
      return b.CreateICmpEQ(lhs, rhs);
    case BinaryOp::Ne:
      return b.CreateICmpNE(lhs, rhs);
    case BinaryOp::Lt:
      return isSignedOp ? b.CreateICmpSLT(lhs, rhs) : b.CreateICmpULT(lhs, rhs);
    case BinaryOp::Le:
      return isSignedOp ? b.CreateICmpSLE(lhs, rhs) : b.CreateICmpULE(lhs, rhs);
    case BinaryOp::Gt:
      return isSignedOp ? b.CreateICmpSGT(lhs, rhs) : b.CreateICmpUGT(lhs, rhs);
    case BinaryOp::Ge:
      return isSignedOp ? b.CreateICmpSGE(lhs, rhs) : b.CreateICmpUGE(lhs, rhs);
    // Operands have no side effects, so both sides are evaluated: straight-line
    // code is cheaper for the verifier than branches.
    case BinaryOp::And:
      return b.CreateAnd(lhs, rhs);
    case BinaryOp::Or:
      return b.CreateOr(lhs, rhs);
  }
  return lhs;
}

llvm::Value *minMax(Lowering &l, llvm::Value *a, llvm::Value *b, bool isSignedOp, bool wantMin) {
  llvm::Value *less = isSignedOp ? l.builder.CreateICmpSLT(a, b) : l.builder.CreateICmpULT(a, b);
  return wantMin ? l.builder.CreateSelect(less, a, b) : l.builder.CreateSelect(less, b, a);
}

// comm("prefix"): compare the first bytes of task->comm, 8 at a time.
llvm::Value *lowerComm(Lowering &l, const std::string &prefix) {
  llvm::Value *result = l.builder.getTrue();
  for (size_t word = 0; word * 8 < prefix.size() && word < 2; ++word) {
    uint64_t expected = 0, mask = 0;
    for (unsigned byte = 0; byte < 8 && word * 8 + byte < prefix.size(); ++byte) {
      expected |= static_cast<uint64_t>(static_cast<unsigned char>(prefix[word * 8 + byte]))
                  << (8 * byte);
      mask |= 0xffULL << (8 * byte);
    }
    llvm::Value *bytes = cachedCall(l, {CacheKey::CommWord, static_cast<int>(word)},
                                    "schedc_comm_word", {l.ctx, u32Const(l, word)});
    llvm::Value *match =
        l.builder.CreateICmpEQ(l.builder.CreateAnd(bytes, mask), u64Const(l, expected));
    result = l.builder.CreateAnd(result, match);
  }
  return result;
}

llvm::Value *lowerCall(Lowering &l, const Expr &expr) {
  if (expr.function == Function::Comm) return lowerComm(l, expr.operands[0]->text);
  std::vector<llvm::Value *> args;
  for (const ExprPtr &operand : expr.operands) args.push_back(lowerExpr(l, *operand));
  bool isSignedOp = !expr.operands.empty() && isSigned(expr.operands[0]->type);
  switch (expr.function) {
    case Function::Min:
      return minMax(l, args[0], args[1], isSignedOp, true);
    case Function::Max:
      return minMax(l, args[0], args[1], isSignedOp, false);
    case Function::Clamp:
      return minMax(l, minMax(l, args[0], args[1], isSignedOp, false), args[2], isSignedOp, true);
    case Function::Abs: {
      llvm::Value *negative = l.builder.CreateICmpSLT(args[0], u64Const(l, 0));
      return l.builder.CreateSelect(negative, l.builder.CreateNeg(args[0]), args[0]);
    }
    // Conversions between the numeric types keep the bits.
    case Function::ToU64:
    case Function::ToS64:
    case Function::ToDuration:
    case Function::ToSDuration:
      return widen(l, args[0]);
    case Function::Random:  // never cached: a new number at every call
      return call(l, "schedc_random", {});
    case Function::Log2: {
      // 63 - clz(x | 1): the highest set bit, and 0 for 0.
      llvm::Value *x = l.builder.CreateOr(args[0], u64Const(l, 1));
      llvm::Value *zeros =
          l.builder.CreateBinaryIntrinsic(llvm::Intrinsic::ctlz, x, l.builder.getTrue());
      return l.builder.CreateSub(u64Const(l, 63), zeros);
    }
    case Function::Allowed:
      return fromSlot(l, call(l, "schedc_allowed", {l.ctx, args[0]}), Type::Bool);
    case Function::LlcOf:
      return call(l, "schedc_llc_of", {args[0]});
    case Function::NodeOf:
      return call(l, "schedc_node_of", {args[0]});
    case Function::CoreOf:
      return call(l, "schedc_core_of", {args[0]});
    case Function::Comm:
    case Function::None:
      break;
  }
  if (l.error.empty()) l.error = "unknown function '" + expr.text + "' reached lowering";
  return u64Const(l, 0);
}

}  // namespace

int runtimeAggregateIndex(const Ref &ref) {
  switch (ref.builtinAggregate) {
    case BuiltinAggregate::Count:
      return SCHEDC_AGG_INDEX_COUNT;
    case BuiltinAggregate::Queued:
      return SCHEDC_AGG_INDEX_QUEUED;
    case BuiltinAggregate::None:
      break;
  }
  return ref.aggIndex;
}

llvm::Value *lowerTaskAttr(Lowering &l, TaskAttr attr) {
  int index = static_cast<int>(attr);
  return cachedCall(l, {CacheKey::Attr, index}, "schedc_attr", {l.ctx, u32Const(l, index)});
}

llvm::Value *lowerInstanceOfCpu(Lowering &l, int queue, llvm::Value *cpu) {
  return call(l, "schedc_instance_of_cpu", {u32Const(l, static_cast<uint64_t>(queue)), cpu});
}

llvm::Value *lowerInstance(Lowering &l, int queue, llvm::Value *index) {
  return cachedCall(l, {CacheKey::Instance, queue, 0, index}, "schedc_instance_of",
                    {u32Const(l, static_cast<uint64_t>(queue)), index});
}

llvm::Value *lowerExpr(Lowering &l, const Expr &expr) {
  l.setLocation(expr.range);
  switch (expr.kind) {
    case ExprKind::IntLiteral:
    case ExprKind::DurationLiteral:
      return u64Const(l, expr.intValue);
    case ExprKind::BoolLiteral:
      return l.builder.getInt1(expr.boolValue);
    case ExprKind::Name:
    case ExprKind::Member:
      return lowerName(l, expr);
    case ExprKind::Unary:
      return lowerUnary(l, expr);
    case ExprKind::Binary:
      return lowerBinary(l, expr);
    case ExprKind::Call:
      return lowerCall(l, expr);
    case ExprKind::Index:  // another CPU's per-CPU field: read, never cached
      return fromSlot(l,
                      call(l, "schedc_cpu_field_of",
                           {lowerExpr(l, *expr.operands[1]), u32Const(l, expr.ref.index)}),
                      expr.type);
    case ExprKind::StringLiteral:
      break;
  }
  if (l.error.empty()) l.error = "unexpected expression kind reached lowering";
  return u64Const(l, 0);
}

llvm::Value *lowerCondition(Lowering &l, const Expr &expr) {
  llvm::Value *value = lowerExpr(l, expr);
  if (!value->getType()->isIntegerTy(1)) value = l.builder.CreateICmpNE(value, u64Const(l, 0));
  return value;
}

llvm::Value *lowerStorable(Lowering &l, const Expr &expr) {
  return widen(l, lowerExpr(l, expr));
}

llvm::Value *slotForAssignment(Lowering &l, const Ref &ref) {
  return slotOf(l, ref);
}

}  // namespace schedc
