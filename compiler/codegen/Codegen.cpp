// The lowering pipeline: runtime bitcode + policy hooks -> one module ->
// optimised -> BPF object, all in memory.
#include "codegen/Codegen.h"

#include <algorithm>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "codegen/Lowering.h"
#include "codegen/ModuleSplit.h"
#include "codegen/ObjectLink.h"
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
// `keep`: maps the other half of a split compile still uses.
void dropUnusedMaps(llvm::Module &module, const std::set<std::string> &keep = {}) {
  for (const char *name : {"schedc_tasks", "schedc_queues", "schedc_cpus"}) {
    llvm::GlobalVariable *map = module.getNamedGlobal(name);
    if (!map || keep.count(name)) continue;
    unlistUsed(module, map);
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

// The runtime with the policy lowered into it, ready for the optimizer, in
// its own context.
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

bool loadAndLower(const Policy &policy, LoweredModule &out, std::string &error) {
  out.module = loadRuntime(*out.context, error);
  if (!out.module) return false;
  out.machine = bpfTargetMachine(error);
  if (!out.machine) return false;
  out.module->setDataLayout(out.machine->createDataLayout());
  dropVariableLocations(*out.module);
  Lowering lowering(policy, *out.module);
  lowerLayout(lowering);
  lowerHooks(lowering);
  patchOps(lowering);
  lowerMetadata(lowering);
  lowering.debug.finalize();
  error = lowering.error;
  return error.empty();
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

// The second half of a split compile, on its own thread and LLVMContext. It
// lowers the policy itself (cheaper than handing IR across contexts), waits
// for the first half to say which callbacks are its own, and tells the first
// half which shared maps and kfuncs it still uses once optimised.
struct SharedUse {
  std::set<std::string> externs;  // maps and globals the first half must define
  std::set<std::string> kfuncs;   // kfuncs this half's object lists
};

struct SecondHalf {
  std::promise<std::vector<std::string>> callbacks;  // set by the first half
  std::promise<SharedUse> used;                      // set here, exactly once
  std::string object;
  std::string error;
  bool ok = false;
};

void compileSecondHalf(const Policy &policy, const CodegenOptions &options, SecondHalf &job,
                       std::future<std::vector<std::string>> callbacks) {
  LoweredModule lowered;
  bool lowerOk = loadAndLower(policy, lowered, job.error);
  std::vector<std::string> half = callbacks.get();
  if (!lowerOk || half.empty()) {
    job.used.set_value({});
    return;
  }
  keepSecondHalf(*lowered.module, half);
  internalize(*lowered.module);
  optimize(*lowered.module, *lowered.machine, options.optLevel);
  job.used.set_value({externsInUse(*lowered.module), kernelFunctionsInUse(*lowered.module)});
  job.ok = emitObject(*lowered.module, *lowered.machine, job.object, job.error);
  if (options.skipFree) lowered.release();
}

// Joins the worker on every way out of compilePolicy.
class WorkerGuard {
 public:
  explicit WorkerGuard(std::thread &worker) : worker_(worker) {}
  ~WorkerGuard() {
    if (worker_.joinable()) worker_.join();
  }
  WorkerGuard(const WorkerGuard &) = delete;
  WorkerGuard &operator=(const WorkerGuard &) = delete;

 private:
  std::thread &worker_;
};

CodegenResult compileSerial(const Policy &policy, const CodegenOptions &options) {
  CodegenResult result;
  LoweredModule lowered;
  if (!loadAndLower(policy, lowered, result.error)) return result;
  llvm::Module &module = *lowered.module;
  if (options.verifyOnly) {
    result.ok = true;
    return result;
  }
  internalize(module);
  optimize(module, *lowered.machine, options.optLevel);
  dropUnusedMaps(module);
  if (options.emitLLVM) {
    llvm::raw_string_ostream out(result.output);
    module.print(out, nullptr);
    result.ok = true;
    return result;
  }
  result.ok = emitObject(module, *lowered.machine, result.output, result.error);
  if (options.skipFree) lowered.release();
  return result;
}

// Two threads, each optimising and compiling about half of the callbacks,
// then one link: O2 and instruction selection are most of schedc's time, and
// LLVM runs one module on one thread.
CodegenResult compileSplit(const Policy &policy, const CodegenOptions &options) {
  CodegenResult result;
  SecondHalf job;
  std::future<std::vector<std::string>> callbacks = job.callbacks.get_future();
  std::future<SharedUse> used = job.used.get_future();
  std::thread worker(compileSecondHalf, std::cref(policy), std::cref(options), std::ref(job),
                     std::move(callbacks));
  WorkerGuard guard(worker);

  LoweredModule lowered;
  if (!loadAndLower(policy, lowered, result.error)) {
    job.callbacks.set_value({});
    return result;
  }
  llvm::Module &module = *lowered.module;
  std::vector<std::string> secondHalf = chooseSecondHalf(module);
  job.callbacks.set_value(secondHalf);
  if (!secondHalf.empty()) keepFirstHalf(module, secondHalf);
  internalize(module);
  optimize(module, *lowered.machine, options.optLevel);
  SharedUse shared = used.get();
  shareKernelFunctions(module, shared.kfuncs);
  dropUnusedMaps(module, shared.externs);
  std::string first;
  if (!emitObject(module, *lowered.machine, first, result.error)) return result;
  if (options.skipFree) lowered.release();
  if (secondHalf.empty()) {
    result.output = std::move(first);
    result.ok = true;
    return result;
  }
  worker.join();
  if (!job.ok) {
    result.error = "compiling the second half failed: " + job.error;
    return result;
  }
  // The second half first: its object lists the kfuncs both halves call.
  result.ok = linkObjects({job.object, first}, result.output, result.error);
  return result;
}

}  // namespace

CodegenResult compilePolicy(const Policy &policy, const CodegenOptions &options) {
  unsigned jobs = options.jobs ? options.jobs : std::min(2u, std::thread::hardware_concurrency());
  // By default only policies that declare queue aggregates start a second
  // thread: theirs are the large callbacks worth splitting, and for a small
  // policy the second thread's parse only competes with the first's.
  bool declaresAggregates = std::any_of(policy.queues.begin(), policy.queues.end(),
                                        [](const Queue &q) { return !q.aggregates.empty(); });
  if (options.jobs == 0 && !declaresAggregates) jobs = 1;
  if (options.emitLLVM || options.verifyOnly || jobs < 2) return compileSerial(policy, options);
  CodegenResult result = compileSplit(policy, options);
  // Asked for by default rather than by name, a split that fails (a linker
  // this code has not met) costs time, not the object.
  if (!result.ok && options.jobs == 0) return compileSerial(policy, options);
  return result;
}

}  // namespace schedc
