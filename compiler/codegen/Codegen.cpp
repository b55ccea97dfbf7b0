// The lowering pipeline: runtime bitcode + policy hooks -> one module ->
// optimised -> BPF object, all in memory.
#include "codegen/Codegen.h"

#include <algorithm>
#include <map>

#include "codegen/Lowering.h"
#include "codegen/RuntimeLibrary.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Verifier.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/Transforms/IPO/AlwaysInliner.h"
#include "llvm/Transforms/Utils/ModuleUtils.h"

namespace schedc {
namespace {

std::unique_ptr<llvm::TargetMachine> bpfTargetMachine(std::string &error) {
  static bool initialized = [] {
    LLVMInitializeBPFTargetInfo();
    LLVMInitializeBPFTarget();
    LLVMInitializeBPFTargetMC();
    LLVMInitializeBPFAsmPrinter();
    return true;
  }();
  (void)initialized;
  const std::string triple = "bpfel";
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target) return nullptr;
  llvm::TargetOptions options;
  return std::unique_ptr<llvm::TargetMachine>(target->createTargetMachine(
      triple, "v3", "", options, llvm::Reloc::PIC_, std::nullopt, llvm::CodeGenOptLevel::Default));
}

// Functions outside a section are helpers: internal, so they inline and vanish.
// Sections (struct_ops programs), maps, data and the license stay visible.
void internalize(llvm::Module &module) {
  for (llvm::Function &function : module)
    if (!function.isDeclaration() && !function.hasSection())
      function.setLinkage(llvm::GlobalValue::InternalLinkage);
}

// Maps the policy never touches cost kernel memory for nothing. clang lists
// every map in llvm.compiler.used, so that use does not count.
void dropUnusedMaps(llvm::Module &module) {
  for (const char *name : {"schedc_tasks", "schedc_queues", "schedc_cpus"}) {
    llvm::GlobalVariable *map = module.getNamedGlobal(name);
    if (!map) continue;
    llvm::removeFromUsedLists(module,
                              [&](llvm::Constant *c) { return c->stripPointerCasts() == map; });
    map->removeDeadConstantUsers();
    if (map->use_empty())
      map->eraseFromParent();
    else
      llvm::appendToCompilerUsed(module, {map});
  }
}

// BTF and its line info come from the debug metadata; the DWARF sections
// themselves are not needed by libbpf or the kernel and cost a third of the
// compile time. AsmPrinter emits DWARF unless the module asks for CodeView and
// names no DWARF version (and BPF is not Windows, so no CodeView either).
void skipDwarf(llvm::Module &module) {
  if (llvm::NamedMDNode *flags = module.getModuleFlagsMetadata()) {
    std::vector<llvm::MDNode *> kept;
    for (llvm::MDNode *flag : flags->operands()) {
      auto *key = llvm::dyn_cast<llvm::MDString>(flag->getOperand(1));
      if (!key || key->getString() != "Dwarf Version") kept.push_back(flag);
    }
    flags->clearOperands();
    for (llvm::MDNode *flag : kept) flags->addOperand(flag);
  }
  module.addModuleFlag(llvm::Module::Warning, "CodeView", 1);
}

// Variable locations (dbg.value) serve debuggers only: BTF needs line info
// and types. Dropping them saves the optimizer and LiveDebugValues a lot of
// work. BTF names a function's parameters from its subprogram's retained
// nodes, which clang fills only when optimising; the runtime is compiled at
// -O0, so the parameters met here are recorded there first. (The kernel
// rejects a global function whose FUNC_PROTO has an unnamed parameter:
// "BTF loading error: -22".)
void dropVariableLocations(llvm::Module &module) {
  std::map<llvm::DISubprogram *, std::vector<llvm::Metadata *>> parameters;
  auto record = [&](llvm::DILocalVariable *variable) {
    if (!variable || !variable->isParameter()) return;
    llvm::DISubprogram *subprogram = variable->getScope()->getSubprogram();
    if (!subprogram) return;
    std::vector<llvm::Metadata *> &list = parameters[subprogram];
    if (std::find(list.begin(), list.end(), variable) == list.end()) list.push_back(variable);
  };
  for (llvm::Function &function : module)
    for (llvm::BasicBlock &block : function)
      for (llvm::Instruction &instruction : llvm::make_early_inc_range(block)) {
        for (llvm::DbgVariableRecord &location :
             llvm::filterDbgVars(instruction.getDbgRecordRange()))
          record(location.getVariable());
        instruction.dropDbgRecords();
        if (auto *intrinsic = llvm::dyn_cast<llvm::DbgVariableIntrinsic>(&instruction)) {
          record(intrinsic->getVariable());
          instruction.eraseFromParent();
        }
      }
  for (auto &[subprogram, list] : parameters)
    if (subprogram->getRetainedNodes().empty())
      subprogram->replaceRetainedNodes(llvm::MDTuple::get(module.getContext(), list));
}

void optimize(llvm::Module &module, llvm::TargetMachine &machine, unsigned optLevel) {
  llvm::LoopAnalysisManager loops;
  llvm::FunctionAnalysisManager functions;
  llvm::CGSCCAnalysisManager sccs;
  llvm::ModuleAnalysisManager modules;
  llvm::PassBuilder builder(&machine);
  builder.registerModuleAnalyses(modules);
  builder.registerCGSCCAnalyses(sccs);
  builder.registerFunctionAnalyses(functions);
  builder.registerLoopAnalyses(loops);
  builder.crossRegisterProxies(loops, functions, sccs, modules);
  llvm::ModulePassManager passes;
  // There is no true -O0 for BPF: without inlining and SROA the runtime's
  // contexts overflow the 512-byte stack. The low level is O1.
  passes = builder.buildPerModuleDefaultPipeline(optLevel == 0 ? llvm::OptimizationLevel::O1
                                                               : llvm::OptimizationLevel::O2);
  passes.run(module, modules);
}

}  // namespace

CodegenResult compilePolicy(const Policy &policy, const CodegenOptions &options) {
  CodegenResult result;
  llvm::LLVMContext context;
  std::unique_ptr<llvm::Module> module = loadRuntime(context, result.error);
  if (!module) return result;
  std::unique_ptr<llvm::TargetMachine> machine = bpfTargetMachine(result.error);
  if (!machine) return result;
  module->setDataLayout(machine->createDataLayout());
  dropVariableLocations(*module);

  {
    Lowering lowering(policy, *module);
    lowerLayout(lowering);
    lowerHooks(lowering);
    patchOps(lowering);
    lowerMetadata(lowering);
    lowering.debug.finalize();
    if (!lowering.error.empty()) {
      result.error = lowering.error;
      return result;
    }
  }
  if (options.verifyOnly) {
    result.ok = true;
    return result;
  }
  internalize(*module);
  optimize(*module, *machine, options.optLevel);
  dropUnusedMaps(*module);

  llvm::raw_string_ostream out(result.output);
  if (options.emitLLVM) {
    module->print(out, nullptr);
    result.ok = true;
    return result;
  }
  skipDwarf(*module);
  llvm::SmallVector<char, 0> object;
  llvm::raw_svector_ostream objectStream(object);
  llvm::legacy::PassManager codegen;
  if (machine->addPassesToEmitFile(codegen, objectStream, nullptr,
                                   llvm::CodeGenFileType::ObjectFile)) {
    result.error = "the BPF target cannot emit an object file";
    return result;
  }
  codegen.run(*module);
  result.output.assign(object.begin(), object.end());
  result.ok = true;
  return result;
}

}  // namespace schedc
