// The BPF runtime's bitcode, embedded in the schedc binary at build time.
#pragma once
#include <memory>

#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"

namespace schedc {

// Parses the embedded runtime into a fresh module; null with `error` set on failure.
std::unique_ptr<llvm::Module> loadRuntime(llvm::LLVMContext &context, std::string &error);

}  // namespace schedc
