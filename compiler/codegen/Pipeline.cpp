#include "codegen/Pipeline.h"

#include "codegen/PassBudget.h"
#include "codegen/RuntimeAbi.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/Transforms/Utils/ModuleUtils.h"

namespace schedc {
namespace {

// The maps (and the topology) only some policies use.
constexpr const char *kOptionalMaps[] = {
    SCHEDC_TASKS_MAP_NAME,   SCHEDC_QUEUES_MAP_NAME, SCHEDC_CPUS_MAP_NAME,
    SCHEDC_CGROUPS_MAP_NAME, SCHEDC_LIVE_NAME,       SCHEDC_HINTS_MAP_NAME,
    SCHEDC_TIMERS_MAP_NAME,  SCHEDC_TOPOLOGY_NAME,   SCHEDC_CPU_TIMERS_MAP_NAME};

// Whether anything but llvm.used / llvm.compiler.used refers to `global`:
// clang lists every map there, and that mention alone keeps nothing alive.
bool isUsedBeyondLists(llvm::GlobalValue &global) {
  global.removeDeadConstantUsers();
  for (const llvm::User *user : global.users()) {
    // A used list is a global array of pointers: `global` is an element.
    bool listed = llvm::isa<llvm::ConstantArray>(user) &&
                  llvm::all_of(user->users(), [](const llvm::User *list) {
                    auto *variable = llvm::dyn_cast<llvm::GlobalVariable>(list);
                    return variable && (variable->getName() == "llvm.used" ||
                                        variable->getName() == "llvm.compiler.used");
                  });
    if (!listed) return true;
  }
  return false;
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

}  // namespace

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

bool isGlobalSubprogram(const llvm::Function &function) {
  return function.getName().starts_with(SCHEDC_SUBPROG_PREFIX);
}

void internalize(llvm::Module &module) {
  for (llvm::Function &function : module)
    if (!function.isDeclaration() && !function.hasSection() && !isGlobalSubprogram(function))
      function.setLinkage(llvm::GlobalValue::InternalLinkage);
}

void dropUncalledSubprograms(llvm::Module &module) {
  std::vector<llvm::Function *> uncalled;
  for (llvm::Function &function : module) {
    function.removeDeadConstantUsers();
    if (isGlobalSubprogram(function) && function.use_empty()) uncalled.push_back(&function);
  }
  for (llvm::Function *function : uncalled) function->eraseFromParent();
}

void optimize(llvm::Module &module, llvm::TargetMachine &machine, unsigned optLevel) {
  // O2 runs InstCombine seven times on each function, a quarter of its
  // time here. The runtime was cleaned at build time and what inlining
  // exposes, the first run after it and the other passes (EarlyCSE, GVN,
  // SCCP, SimplifyCFG) fold: two runs leave the objects within 0.2% of
  // their size.
  PassBudget instCombine("InstCombinePass", 2);
  llvm::PassInstrumentationCallbacks instrumentation;
  instCombine.attach(instrumentation);
  // CalledValuePropagation records which functions an indirect call may
  // reach. BPF programs make no indirect calls, and the pass still walks
  // every function.
  instrumentation.registerShouldRunOptionalPassCallback(
      [](llvm::StringRef pass, llvm::Any) { return pass != "CalledValuePropagationPass"; });
  llvm::PassBuilder builder(&machine, llvm::PipelineTuningOptions(), std::nullopt,
                            &instrumentation);
  llvm::LoopAnalysisManager loops;
  llvm::FunctionAnalysisManager functions;
  llvm::CGSCCAnalysisManager sccs;
  llvm::ModuleAnalysisManager modules;
  builder.registerModuleAnalyses(modules);
  builder.registerCGSCCAnalyses(sccs);
  builder.registerFunctionAnalyses(functions);
  builder.registerLoopAnalyses(loops);
  builder.crossRegisterProxies(loops, functions, sccs, modules);
  // There is no true -O0 for BPF: without inlining and SROA the runtime's
  // contexts overflow the 512-byte stack. The low level is O1.
  llvm::ModulePassManager passes = builder.buildPerModuleDefaultPipeline(
      optLevel == 0 ? llvm::OptimizationLevel::O1 : llvm::OptimizationLevel::O2);
  passes.run(module, modules);
}

void dropUnusedMaps(llvm::Module &module) {
  dropUncalledSubprograms(module);
  for (const char *name : kOptionalMaps) {
    llvm::GlobalVariable *map = module.getNamedGlobal(name);
    if (!map || isUsedBeyondLists(*map)) continue;
    llvm::removeFromUsedLists(module,
                              [&](llvm::Constant *c) { return c->stripPointerCasts() == map; });
    map->eraseFromParent();
  }
}

bool emitObject(llvm::Module &module, llvm::TargetMachine &machine, std::string &object,
                std::string &error) {
  skipDwarf(module);
  llvm::SmallVector<char, 0> bytes;
  llvm::raw_svector_ostream stream(bytes);
  llvm::legacy::PassManager codegen;
  if (machine.addPassesToEmitFile(codegen, stream, nullptr, llvm::CodeGenFileType::ObjectFile)) {
    error = "the BPF target cannot emit an object file";
    return false;
  }
  codegen.run(module);
  object.assign(bytes.begin(), bytes.end());
  return true;
}

}  // namespace schedc
