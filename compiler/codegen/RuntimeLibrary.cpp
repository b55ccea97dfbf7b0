#include "codegen/RuntimeLibrary.h"

#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

extern "C" const char schedc_runtime_bitcode[];
extern "C" const char schedc_runtime_bitcode_end[];

namespace schedc {

std::unique_ptr<llvm::Module> loadRuntime(llvm::LLVMContext &context, std::string &error) {
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
