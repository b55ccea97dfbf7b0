#include "codegen/PassBudget.h"

#include "llvm/IR/Function.h"

namespace schedc {

void PassBudget::attach(llvm::PassInstrumentationCallbacks &callbacks) {
  callbacks.registerShouldRunOptionalPassCallback(
      [this](llvm::StringRef pass, llvm::Any ir) { return shouldRun(pass, ir); });
}

bool PassBudget::shouldRun(llvm::StringRef pass, llvm::Any ir) {
  if (pass != pass_) return true;
  const auto *function = llvm::any_cast<const llvm::Function *>(&ir);
  if (!function) return true;
  return ++runs_[*function] <= runsPerFunction_;
}

}  // namespace schedc
