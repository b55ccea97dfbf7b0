#include "codegen/RuntimeLibrary.h"

#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

extern "C" const char schedc_runtime_bitcode[];
extern "C" const char schedc_runtime_bitcode_end[];

namespace schedc {
namespace {

// The reader verifies a module's debug info on every load (to strip it if
// broken): over a quarter of the load time. The embedded runtime was
// verified when it was built (runtime/trim_debug_info.cpp), so schedc skips
// that check.
void trustEmbeddedDebugInfo() {
  static const bool done = [] {
    llvm::StringMap<llvm::cl::Option *> &options = llvm::cl::getRegisteredOptions();
    auto found = options.find("disable-auto-upgrade-debug-info");
    if (found != options.end()) static_cast<llvm::cl::opt<bool> *>(found->second)->setValue(true);
    return true;
  }();
  (void)done;
}

}  // namespace

std::unique_ptr<llvm::Module> loadRuntime(llvm::LLVMContext &context, std::string &error) {
  trustEmbeddedDebugInfo();
  llvm::StringRef bytes(schedc_runtime_bitcode,
                        static_cast<size_t>(schedc_runtime_bitcode_end - schedc_runtime_bitcode));
  auto buffer = llvm::MemoryBuffer::getMemBuffer(bytes, "runtime.bc", false);
  auto module = llvm::parseBitcodeFile(buffer->getMemBufferRef(), context);
  if (!module) {
    error = "cannot read the embedded runtime: " + llvm::toString(module.takeError());
    return nullptr;
  }
  return std::move(*module);
}

}  // namespace schedc
