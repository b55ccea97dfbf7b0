// Splitting a lowered policy module in two halves, so that two threads
// optimise and compile them at the same time; libbpf's static linker then
// joins the two objects into one (see Codegen.cpp and ObjectLink.h).
//
// Both threads lower the same policy into their own LLVMContext. The first
// half keeps every map, global and the struct_ops initializer, and compiles
// its own callbacks; the callbacks of the second half become declarations
// there, which the initializer still names, and it defines the shared
// subprograms. The second half keeps only its callbacks, and the maps,
// globals and shared subprograms they use become extern declarations that
// the linker resolves against the first half's definitions.
#pragma once
#include <set>
#include <string>
#include <vector>

namespace llvm {
class Function;
class GlobalValue;
class Module;
}  // namespace llvm

namespace schedc {

// A subprogram the runtime shares between callbacks (SCHEDC_SHARED in
// runtime.bpf.c: never inlined, global with hidden visibility). In a split
// the first half defines it and the second half calls that definition
// through the linker, so it is optimised and compiled once.
bool isSharedSubprogram(const llvm::Function &function);

// After optimisation: erases the shared subprograms nothing calls, here or
// (`calledElsewhere`) in the other half, so no object carries dead code.
void dropUnusedSubprograms(llvm::Module &module, const std::set<std::string> &calledElsewhere = {});

// Whether anything but llvm.used or llvm.compiler.used refers to `global`.
bool isUsedBeyondLists(llvm::GlobalValue &global);

// Takes `global` off llvm.used / llvm.compiler.used (clang lists every map
// and section function there), so that list no longer keeps it alive.
void unlistUsed(llvm::Module &module, const llvm::GlobalValue *global);

// The struct_ops callbacks the second half should compile, balancing the
// instructions each callback has once its helpers are inlined (the first
// half also compiles the shared subprograms). Empty when a
// split would not pay for the second thread and the link (small policies).
// A function of the module alone: both halves, lowered from the same policy,
// call it and agree without telling each other.
std::vector<std::string> chooseSecondHalf(const llvm::Module &module);

// Turns the full module into the first half: the second half's callbacks
// lose their bodies but keep a debug declaration, so BTF describes them as
// extern functions (the linker requires BTF for every symbol).
void keepFirstHalf(llvm::Module &module, const std::vector<std::string> &secondHalf);

// Turns the full module into the second half: only its callbacks stay, the
// struct_ops initializer, the metadata and the license go, and every other
// global variable becomes an extern declaration. The shared subprograms keep
// their bodies until declareSharedSubprograms().
void keepSecondHalf(llvm::Module &module, const std::vector<std::string> &secondHalf);

// In the second half, once what it needs from their bodies is inferred:
// the shared subprograms become extern declarations, defined by the first
// half.
void declareSharedSubprograms(llvm::Module &module);

// What the second half's callbacks use of what the first half defines: the
// global variables (maps among them) and the shared subprograms their code
// names, in the branches the layout leaves live. Both halves compute it from
// the full module before splitting it: the first half keeps these defined
// without waiting for the second (unless it would drop one it does not use
// itself), and the second checks that, optimised, it uses nothing else.
std::set<std::string> secondHalfReach(const llvm::Module &module,
                                      const std::vector<std::string> &secondHalf);

// After optimisation: erases extern declarations (globals and shared
// subprograms) nothing uses any more and returns the names of the rest.
std::set<std::string> externsInUse(llvm::Module &module);

// In the second half, after optimisation: renames each kfunc it calls to
// NAME___2, a libbpf "flavor" of the same kfunc (libbpf resolves
// NAME___SUFFIX to the kernel's NAME). The two halves then list their kfuncs
// in `.ksyms` under different names: libbpf's linker before 1.6 fails on a
// kfunc listed by two objects ("failed to resolve size of underlying type"),
// and on a listing that follows an unlisted use ("section mismatch").
void flavorKernelFunctions(llvm::Module &module);

}  // namespace schedc
