// The LLVM half of a compile: the BPF target, the optimisation pipeline and
// object emission. Nothing here knows about policies.
#pragma once
#include <memory>
#include <string>

#include "llvm/IR/Module.h"
#include "llvm/Target/TargetMachine.h"

namespace schedc {

// The BPF target schedc compiles for (little-endian, cpu v3); null with
// `error` set when LLVM lacks it.
std::unique_ptr<llvm::TargetMachine> bpfTargetMachine(std::string &error);

// Makes every defined function outside a section internal, so that helpers
// inline and vanish; sections (struct_ops programs), maps, data and the
// runtime's global subprograms (SCHEDC_SUBPROG_PREFIX) stay.
void internalize(llvm::Module &module);

// LLVM's O2 (optLevel 2) or O1 (optLevel 0: BPF has no true -O0), with the
// cuts described in docs/architecture.md.
void optimize(llvm::Module &module, llvm::TargetMachine &machine, unsigned optLevel);

// Removes the global subprograms nothing calls, then the optional maps (task
// storage, queue state, per-CPU state, cgroups) the optimised code no longer
// uses: they would cost kernel memory for nothing.
void dropUnusedMaps(llvm::Module &module);

// The module as a BPF ELF object with BTF; false with `error` set on failure.
bool emitObject(llvm::Module &module, llvm::TargetMachine &machine, std::string &object,
                std::string &error);

}  // namespace schedc
