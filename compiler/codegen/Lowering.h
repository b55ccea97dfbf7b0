// Shared state of the lowering passes: the runtime module being filled in, the
// IR and debug-info builders, and the policy.
#pragma once
#include <string>
#include <vector>

#include "ast/Policy.h"
#include "llvm/IR/DIBuilder.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Module.h"

namespace schedc {

// Matches enum schedc_event in runtime/schedc_policy.h (and schedc::Event).
constexpr unsigned kNumEvents = 8;

class Lowering {
 public:
  Lowering(const Policy &policy, llvm::Module &module);

  const Policy &policy;
  llvm::Module &module;
  llvm::LLVMContext &context;
  llvm::IRBuilder<> builder;
  llvm::DIBuilder debug;
  llvm::DIFile *file = nullptr;
  llvm::DICompileUnit *unit = nullptr;

  llvm::Type *i1() { return builder.getInt1Ty(); }
  llvm::Type *i32() { return builder.getInt32Ty(); }
  llvm::Type *i64() { return builder.getInt64Ty(); }
  llvm::Type *ptr() { return builder.getPtrTy(); }

  // A function the runtime defines or declares; a missing one is an internal error.
  llvm::Function *runtimeFunction(const std::string &name);
  llvm::GlobalVariable *runtimeGlobal(const std::string &name);
  llvm::StructType *runtimeStruct(const std::string &name);

  // Starts the body of a hook the runtime declared: gives it an entry block,
  // a DISubprogram and the runtime's target attributes.
  llvm::Function *beginHook(const std::string &name, SourceRange where);
  void finishHook();

  void setLocation(SourceRange where);

  // The schedc_ctx* parameter of the hook being built.
  llvm::Value *ctx = nullptr;
  // Stack slots of `let` / `for` variables of the body being lowered.
  std::vector<llvm::AllocaInst *> locals;
  // Set while lowering a queue's `eligible when`: the queue scanned.
  int scanQueue = -1;

  std::string error;  // first internal error, if any

 private:
  llvm::DISubprogram *subprogram = nullptr;
  llvm::AttributeList targetAttributes;
};

// Expressions and statements (ExprLowering.cpp, StmtLowering.cpp).
llvm::Value *lowerExpr(Lowering &l, const Expr &expr);
llvm::Value *lowerCondition(Lowering &l, const Expr &expr);  // as i1
llvm::Value *lowerStorable(Lowering &l, const Expr &expr);   // as i64 (bool 0/1)
// The i64 slot an assignable name lives in (null for read-only names).
llvm::Value *slotForAssignment(Lowering &l, const Ref &ref);
void lowerBlock(Lowering &l, const Block &block);
// Makes `count` i64 stack slots for a body's locals at the function entry.
void allocateLocals(Lowering &l, int count);

// Hook functions (HookLowering.cpp).
void lowerHooks(Lowering &l);
// The layout constant, global initial values, struct_ops patching (LayoutLowering.cpp).
void lowerLayout(Lowering &l);
void patchOps(Lowering &l);
// The .schedc.meta section (MetadataLowering.cpp).
void lowerMetadata(Lowering &l);
std::string metadataText(const Policy &policy);

}  // namespace schedc
