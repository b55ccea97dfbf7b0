// Handler bodies to IR: locals are stack slots (mem2reg removes them).
#include "codegen/Lowering.h"

namespace schedc {
namespace {

void lowerStmt(Lowering &l, const Stmt &stmt);

// A branch or loop body: what it computes does not dominate what follows.
void lowerScopedBlock(Lowering &l, const Block &block) {
  CacheScope scope(l);
  lowerBlock(l, block);
}

void lowerAssign(Lowering &l, const Stmt &stmt) {
  const Ref &target = stmt.target->ref;
  llvm::Value *value = lowerStorable(l, *stmt.value);
  l.setLocation(stmt.range);
  if (target.kind == RefKind::Counter) {
    llvm::Function *add = l.runtimeFunction("schedc_counter_add");
    if (add)
      l.builder.CreateCall(add, {l.builder.getInt32(static_cast<uint32_t>(target.index)), value});
    return;
  }
  llvm::Value *slot = slotForAssignment(l, target);
  if (!slot) {
    if (l.error.empty()) l.error = "assignment to a read-only name reached lowering";
    return;
  }
  // A global is shared by every CPU: `+=` and `-=` on it are one atomic add
  // (BPF_ATOMIC), so updates racing from several CPUs are not lost.
  if (stmt.assignOp != AssignOp::Set && target.kind == RefKind::GlobalField) {
    if (stmt.assignOp == AssignOp::Sub) value = l.builder.CreateNeg(value);
    l.builder.CreateAtomicRMW(llvm::AtomicRMWInst::Add, slot, value, llvm::MaybeAlign(8),
                              llvm::AtomicOrdering::Monotonic);
    return;
  }
  if (stmt.assignOp != AssignOp::Set) {
    llvm::Value *old = l.builder.CreateAlignedLoad(l.i64(), slot, llvm::MaybeAlign(8));
    value = stmt.assignOp == AssignOp::Add ? l.builder.CreateAdd(old, value)
                                           : l.builder.CreateSub(old, value);
  }
  l.builder.CreateAlignedStore(value, slot, llvm::MaybeAlign(8));
}

void lowerLet(Lowering &l, const Stmt &stmt) {
  llvm::Value *value = lowerStorable(l, *stmt.value);
  l.setLocation(stmt.range);
  Ref ref;
  ref.kind = RefKind::Local;
  ref.localSlot = stmt.localSlot;
  if (llvm::Value *slot = slotForAssignment(l, ref))
    l.builder.CreateAlignedStore(value, slot, llvm::MaybeAlign(8));
}

void lowerIf(Lowering &l, const Stmt &stmt) {
  llvm::Function *function = l.builder.GetInsertBlock()->getParent();
  llvm::Value *condition = lowerCondition(l, *stmt.value);
  auto *thenBlock = llvm::BasicBlock::Create(l.context, "if.then", function);
  auto *elseBlock = llvm::BasicBlock::Create(l.context, "if.else", function);
  auto *endBlock = llvm::BasicBlock::Create(l.context, "if.end", function);
  l.setLocation(stmt.range);
  l.builder.CreateCondBr(condition, thenBlock, elseBlock);
  l.builder.SetInsertPoint(thenBlock);
  lowerScopedBlock(l, stmt.thenBody);
  l.builder.CreateBr(endBlock);
  l.builder.SetInsertPoint(elseBlock);
  lowerScopedBlock(l, stmt.elseBody);
  l.builder.CreateBr(endBlock);
  l.builder.SetInsertPoint(endBlock);
}

// for NAME in FROM..TO: an open-coded iterator (bpf_iter_num) over the
// iteration count, NAME = FROM + index. The verifier checks the body until
// its states repeat, not once per iteration: a body with branches would
// otherwise multiply the paths it walks by the trip count. The bounds are
// literals, or params cut at their range's end, so the count is at most the
// static one (the checker caps loops at 1024 iterations).
void lowerFor(Lowering &l, const Stmt &stmt) {
  Ref ref;
  ref.kind = RefKind::Local;
  ref.localSlot = stmt.localSlot;
  llvm::Value *slot = slotForAssignment(l, ref);
  llvm::Function *begin = l.runtimeFunction("schedc_loop_begin");
  llvm::Function *next = l.runtimeFunction("schedc_loop_next");
  llvm::Function *end = l.runtimeFunction("schedc_loop_end");
  if (!slot || !begin || !next || !end) return;
  llvm::Function *function = l.builder.GetInsertBlock()->getParent();
  llvm::IRBuilder<> entry(&function->getEntryBlock(), function->getEntryBlock().begin());
  llvm::AllocaInst *iterator = entry.CreateAlloca(l.i64(), nullptr, "loop.it");
  iterator->setAlignment(llvm::Align(8));
  auto *headBlock = llvm::BasicBlock::Create(l.context, "for.head", function);
  auto *bodyBlock = llvm::BasicBlock::Create(l.context, "for.body", function);
  auto *endBlock = llvm::BasicBlock::Create(l.context, "for.end", function);
  l.setLocation(stmt.range);
  llvm::Value *from =
      stmt.fromParam ? lowerExpr(l, *stmt.fromParam) : l.builder.getInt64(stmt.from);
  llvm::Value *to = l.builder.getInt64(stmt.to);
  if (stmt.toParam) {
    llvm::Value *param = lowerExpr(l, *stmt.toParam);
    to = l.builder.CreateSelect(l.builder.CreateICmpULT(param, to), param, to);
  }
  llvm::Value *count = l.builder.CreateSelect(l.builder.CreateICmpULT(from, to),
                                              l.builder.CreateSub(to, from), l.builder.getInt64(0));
  l.builder.CreateCall(begin, {iterator, count});
  l.builder.CreateBr(headBlock);
  l.builder.SetInsertPoint(headBlock);
  llvm::Value *index = l.builder.CreateCall(next, {iterator});
  l.builder.CreateCondBr(l.builder.CreateICmpSLT(index, l.builder.getInt64(0)), endBlock,
                         bodyBlock);
  l.builder.SetInsertPoint(bodyBlock);
  // The body cannot assign the loop variable (the checker forbids it).
  l.builder.CreateAlignedStore(l.builder.CreateAdd(from, index), slot, llvm::MaybeAlign(8));
  lowerScopedBlock(l, stmt.thenBody);
  l.setLocation(stmt.range);
  l.builder.CreateBr(headBlock);
  l.builder.SetInsertPoint(endBlock);
  l.builder.CreateCall(end, {iterator});
}

// kick(cpu) / preempt(cpu): scx_bpf_kick_cpu, past the last CPU nothing.
void lowerKick(Lowering &l, const Stmt &stmt) {
  llvm::Value *cpu = lowerStorable(l, *stmt.value);
  if (llvm::Function *kick = l.runtimeFunction("schedc_kick"))
    l.builder.CreateCall(kick, {cpu, l.builder.getInt32(stmt.preempt ? 1 : 0)});
}

// move Q into R: every task waiting in Q goes to R; move Q into
// local_on(cpu): the first one that may run on cpu goes to its local DSQ.
void lowerMove(Lowering &l, const Stmt &stmt) {
  llvm::Value *from = l.builder.getInt32(static_cast<uint32_t>(stmt.queueIndex));
  if (stmt.value) {
    llvm::Value *cpu = lowerStorable(l, *stmt.value);
    if (llvm::Function *move = l.runtimeFunction("schedc_move_to_cpu"))
      l.builder.CreateCall(move, {from, cpu});
    return;
  }
  if (llvm::Function *move = l.runtimeFunction("schedc_move_all"))
    l.builder.CreateCall(move, {from, l.builder.getInt32(static_cast<uint32_t>(stmt.targetIndex))});
}

void lowerStmt(Lowering &l, const Stmt &stmt) {
  l.setLocation(stmt.range);
  switch (stmt.kind) {
    case StmtKind::Let:
      lowerLet(l, stmt);
      break;
    case StmtKind::Assign:
      lowerAssign(l, stmt);
      break;
    case StmtKind::If:
      lowerIf(l, stmt);
      break;
    case StmtKind::For:
      lowerFor(l, stmt);
      break;
    case StmtKind::Kick:
      lowerKick(l, stmt);
      break;
    case StmtKind::Move:
      lowerMove(l, stmt);
      break;
  }
}

}  // namespace

void lowerBlock(Lowering &l, const Block &block) {
  for (const StmtPtr &stmt : block) lowerStmt(l, *stmt);
}

void allocateLocals(Lowering &l, int count) {
  llvm::BasicBlock &entry = l.builder.GetInsertBlock()->getParent()->getEntryBlock();
  llvm::IRBuilder<> atEntry(&entry, entry.begin());
  while (static_cast<int>(l.locals.size()) < count) {
    llvm::AllocaInst *slot = atEntry.CreateAlloca(l.i64(), nullptr, "local");
    slot->setAlignment(llvm::Align(8));
    atEntry.CreateAlignedStore(atEntry.getInt64(0), slot, llvm::MaybeAlign(8));
    l.locals.push_back(slot);
  }
}

}  // namespace schedc
