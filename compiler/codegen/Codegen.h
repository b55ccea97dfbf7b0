// Lowering a checked Policy to a BPF object (or to LLVM IR), all in process.
#pragma once
#include <memory>
#include <string>

#include "llvm/ADT/StringRef.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Target/TargetMachine.h"

#include "ast/Policy.h"

namespace schedc {

struct CodegenOptions {
  unsigned optLevel = 2;    // 2, or 0 for the quicker O1 pipeline (BPF has no real -O0)
  bool emitLLVM = false;    // textual IR instead of an object
  bool verifyOnly = false;  // lower and verify the IR, then stop (fuzzing)
  // Leave the LLVM module and context allocated: the caller is about to
  // exit, and freeing them costs milliseconds (clang's -disable-free).
  bool skipFree = false;
};

struct CodegenResult {
  bool ok = false;
  std::string output;  // object bytes or IR text
  std::string error;   // an internal error, when !ok
};

CodegenResult compilePolicy(const Policy &policy, const CodegenOptions &options);

// schedsim's compile: the same lowering into a host build of the runtime
// (runtime/sim), optimised for `machine` and left as a module to JIT.
struct HostPolicy {
  std::unique_ptr<llvm::LLVMContext> context;
  std::unique_ptr<llvm::Module> module;  // null on failure
  std::string error;
};
HostPolicy lowerForHost(const Policy &policy, llvm::StringRef runtimeBitcode,
                        llvm::TargetMachine &machine);

}  // namespace schedc
