// Lowering a checked Policy to a BPF object (or to LLVM IR), all in process.
#pragma once
#include <memory>
#include <string>

#include "ast/Policy.h"

namespace schedc {

struct CodegenOptions {
  unsigned optLevel = 2;    // 2, or 0 for the quicker O1 pipeline (BPF has no real -O0)
  bool emitLLVM = false;    // textual IR instead of an object
  bool verifyOnly = false;  // lower and verify the IR, then stop (fuzzing)
  unsigned jobs = 0;  // threads for optimising and compiling: 1, 2, or 0 = 2 if the CPUs allow
  // Leave the LLVM modules and contexts allocated: the caller is about to
  // exit, and freeing them costs milliseconds (clang's -disable-free).
  bool skipFree = false;
};

struct CodegenResult {
  bool ok = false;
  std::string output;  // object bytes or IR text
  std::string error;   // an internal error, when !ok
};

class FirstHalfWorker;
class RuntimePreload;

// Compiles one policy. When two threads may run, two more start loading the
// runtime bitcode as soon as the Codegen is made, one for each half of a
// split compile (or one for the whole policy): the load needs no policy, so
// a caller that makes the Codegen before parsing overlaps the two.
class Codegen {
 public:
  explicit Codegen(const CodegenOptions &options);
  ~Codegen();
  Codegen(const Codegen &) = delete;
  Codegen &operator=(const Codegen &) = delete;

  CodegenResult compile(const Policy &policy);  // once per Codegen

 private:
  CodegenOptions options_;
  std::unique_ptr<FirstHalfWorker> worker_;
  std::unique_ptr<RuntimePreload> preload_;
};

CodegenResult compilePolicy(const Policy &policy, const CodegenOptions &options);

}  // namespace schedc
