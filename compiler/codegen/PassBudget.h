// A cap on how often one optimisation pass may run on one function within a
// pipeline, for passes the O2 pipeline repeats more often than schedc's code
// needs.
#pragma once
#include <string>

#include "llvm/ADT/DenseMap.h"
#include "llvm/IR/PassInstrumentation.h"

namespace llvm {
class Function;
}

namespace schedc {

class PassBudget {
 public:
  PassBudget(std::string pass, unsigned runsPerFunction)
      : pass_(std::move(pass)), runsPerFunction_(runsPerFunction) {}

  // Skips `pass` on a function once it has run there runsPerFunction times.
  // The budget must outlive the pipeline run that uses `callbacks`. Runs are
  // counted by the function's address: a function the pipeline creates where
  // an erased one lived inherits its count, which costs optimisation, never
  // correctness.
  void attach(llvm::PassInstrumentationCallbacks &callbacks);

 private:
  bool shouldRun(llvm::StringRef pass, llvm::Any ir);

  std::string pass_;
  unsigned runsPerFunction_;
  llvm::DenseMap<const llvm::Function *, unsigned> runs_;
};

}  // namespace schedc
