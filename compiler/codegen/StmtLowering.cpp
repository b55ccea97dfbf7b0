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

// for NAME in FROM..TO: the bounds are literals, or params tested beside
// their range's end, so the verifier sees a bounded loop (or the optimizer
// unrolls it).
void lowerFor(Lowering &l, const Stmt &stmt) {
  Ref ref;
  ref.kind = RefKind::Local;
  ref.localSlot = stmt.localSlot;
  llvm::Value *slot = slotForAssignment(l, ref);
  if (!slot) return;
  llvm::Function *function = l.builder.GetInsertBlock()->getParent();
  auto *headBlock = llvm::BasicBlock::Create(l.context, "for.head", function);
  auto *bodyBlock = llvm::BasicBlock::Create(l.context, "for.body", function);
  auto *endBlock = llvm::BasicBlock::Create(l.context, "for.end", function);
  l.setLocation(stmt.range);
  llvm::Value *from =
      stmt.fromParam ? lowerExpr(l, *stmt.fromParam) : l.builder.getInt64(stmt.from);
  llvm::Value *to = stmt.toParam ? lowerExpr(l, *stmt.toParam) : nullptr;
  l.builder.CreateAlignedStore(from, slot, llvm::MaybeAlign(8));
  l.builder.CreateBr(headBlock);
  l.builder.SetInsertPoint(headBlock);
  llvm::Value *counter = l.builder.CreateAlignedLoad(l.i64(), slot, llvm::MaybeAlign(8));
  llvm::Value *more = l.builder.CreateICmpULT(counter, l.builder.getInt64(stmt.to));
  if (to) more = l.builder.CreateAnd(more, l.builder.CreateICmpULT(counter, to));
  l.builder.CreateCondBr(more, bodyBlock, endBlock);
  l.builder.SetInsertPoint(bodyBlock);
  lowerScopedBlock(l, stmt.thenBody);
  l.setLocation(stmt.range);
  // The body cannot assign the loop variable (the checker forbids it), so this
  // increment is the only write: the loop always ends.
  llvm::Value *current = l.builder.CreateAlignedLoad(l.i64(), slot, llvm::MaybeAlign(8));
  l.builder.CreateAlignedStore(l.builder.CreateAdd(current, l.builder.getInt64(1)), slot,
                               llvm::MaybeAlign(8));
  l.builder.CreateBr(headBlock);
  l.builder.SetInsertPoint(endBlock);
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
