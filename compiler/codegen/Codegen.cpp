// The driver of a compile: runtime bitcode + policy hooks -> one module ->
// optimised -> BPF object, all in memory, on the calling thread.
#include "codegen/Codegen.h"

#include <mutex>
#include <vector>

#include "codegen/Lowering.h"
#include "codegen/Pipeline.h"
#include "codegen/RuntimeLibrary.h"
#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

namespace schedc {
namespace {

// The runtime with the policy lowered into it, in its own context.
struct LoweredModule {
  std::unique_ptr<llvm::LLVMContext> context = std::make_unique<llvm::LLVMContext>();
  std::unique_ptr<llvm::Module> module;
  std::unique_ptr<llvm::TargetMachine> machine;

  // See CodegenOptions::skipFree. The pointers stay reachable from a list
  // that is never freed, so leak checkers (LeakSanitizer) see no leak.
  void release() {
    static std::mutex guard;
    static auto *kept = new std::vector<const void *>();
    std::lock_guard<std::mutex> lock(guard);
    kept->push_back(module.release());
    kept->push_back(machine.release());
    kept->push_back(context.release());
  }
};

// The policy lowered into a runtime module (BPF or the simulator's host build).
bool lowerInto(const Policy &policy, llvm::Module &module, std::string &error) {
  Lowering lowering(policy, module);
  lowerLayout(lowering);
  lowerHooks(lowering);
  patchOps(lowering);
  lowerMetadata(lowering);
  lowering.debug.finalize();
  error = lowering.error;
  return error.empty();
}

bool loadAndLower(const Policy &policy, LoweredModule &out, std::string &error) {
  out.module = loadRuntime(*out.context, error);
  if (!out.module) return false;
  out.machine = bpfTargetMachine(error);
  if (!out.machine) return false;
  out.module->setDataLayout(out.machine->createDataLayout());
  return lowerInto(policy, *out.module, error);
}

}  // namespace

CodegenResult compilePolicy(const Policy &policy, const CodegenOptions &options) {
  CodegenResult result;
  LoweredModule lowered;
  if (loadAndLower(policy, lowered, result.error)) {
    llvm::Module &module = *lowered.module;
    if (options.verifyOnly) {
      result.ok = true;
    } else {
      internalize(module);
      optimize(module, *lowered.machine, options.optLevel);
      dropUnusedMaps(module);
      if (options.emitLLVM) {
        llvm::raw_string_ostream out(result.output);
        module.print(out, nullptr);
        result.ok = true;
      } else {
        result.ok = emitObject(module, *lowered.machine, result.output, result.error);
      }
    }
  }
  if (options.skipFree) lowered.release();
  return result;
}

HostPolicy lowerForHost(const Policy &policy, llvm::StringRef runtimeBitcode,
                        llvm::TargetMachine &machine) {
  HostPolicy host;
  host.context = std::make_unique<llvm::LLVMContext>();
  auto buffer = llvm::MemoryBuffer::getMemBuffer(runtimeBitcode, "runtime-host.bc", false);
  auto module = llvm::parseBitcodeFile(buffer->getMemBufferRef(), *host.context);
  if (!module) {
    host.error = "cannot read the host runtime: " + llvm::toString(module.takeError());
    return host;
  }
  host.module = std::move(*module);
  host.module->setDataLayout(machine.createDataLayout());
  host.module->setTargetTriple(machine.getTargetTriple().str());
  if (!lowerInto(policy, *host.module, host.error)) {
    host.module.reset();
    return host;
  }
  // The host runtime defines the layout weak; now it is final, to fold.
  if (llvm::GlobalVariable *layout = host.module->getNamedGlobal(SCHEDC_LAYOUT_NAME))
    layout->setLinkage(llvm::GlobalValue::ExternalLinkage);
  internalize(*host.module);
  optimize(*host.module, machine, 2);
  return host;
}

}  // namespace schedc
