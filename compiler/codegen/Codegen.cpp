// The lowering pipeline: runtime bitcode + policy hooks -> one module ->
// optimised -> BPF object, all in memory.
#include "codegen/Codegen.h"

#include <algorithm>
#include <future>
#include <mutex>
#include <set>
#include <thread>

#include "codegen/Lowering.h"
#include "codegen/ModuleSplit.h"
#include "codegen/ObjectLink.h"
#include "codegen/PassBudget.h"
#include "codegen/RuntimeLibrary.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/Transforms/IPO/FunctionAttrs.h"

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
// Sections (struct_ops programs), maps, data and the license stay visible,
// and so do the shared subprograms, which the other half of a split may call.
void internalize(llvm::Module &module) {
  for (llvm::Function &function : module)
    if (!function.isDeclaration() && !function.hasSection() && !isSharedSubprogram(function))
      function.setLinkage(llvm::GlobalValue::InternalLinkage);
}

// The maps only some policies use.
constexpr const char *kOptionalMaps[] = {"schedc_tasks", "schedc_queues", "schedc_cpus"};

// Maps the policy never touches cost kernel memory for nothing. clang lists
// every map in llvm.compiler.used, so that use does not count.
// `keep`: maps the other half of a split compile still uses.
void dropUnusedMaps(llvm::Module &module, const std::set<std::string> &keep = {}) {
  for (const char *name : kOptionalMaps) {
    llvm::GlobalVariable *map = module.getNamedGlobal(name);
    if (!map || keep.count(name) || isUsedBeyondLists(*map)) continue;
    unlistUsed(module, map);
    map->eraseFromParent();
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

// The four analysis managers a pass pipeline runs with, registered with
// `builder` and proxied to each other.
struct Analyses {
  llvm::LoopAnalysisManager loops;
  llvm::FunctionAnalysisManager functions;
  llvm::CGSCCAnalysisManager sccs;
  llvm::ModuleAnalysisManager modules;

  explicit Analyses(llvm::PassBuilder &builder) {
    builder.registerModuleAnalyses(modules);
    builder.registerCGSCCAnalyses(sccs);
    builder.registerFunctionAnalyses(functions);
    builder.registerLoopAnalyses(loops);
    builder.crossRegisterProxies(loops, functions, sccs, modules);
  }
};

void optimize(llvm::Module &module, llvm::TargetMachine &machine, unsigned optLevel) {
  // O2 runs InstCombine seven times on each function, a quarter of its
  // time here. The runtime was cleaned at build time and what inlining
  // exposes, the first run after it and the other passes (EarlyCSE, GVN,
  // SCCP, SimplifyCFG) fold: with two runs, the stdlib and example objects
  // stay within 0.2% of their size (eevdf: +1 instruction), and eevdf
  // compiles 8% faster.
  PassBudget instCombine("InstCombinePass", 2);
  llvm::PassInstrumentationCallbacks instrumentation;
  instCombine.attach(instrumentation);
  // CalledValuePropagation records which functions an indirect call may
  // reach. BPF programs make no indirect calls, and the pass still walks
  // every function: 2% of eevdf's compile, for byte-identical objects.
  instrumentation.registerShouldRunOptionalPassCallback(
      [](llvm::StringRef pass, llvm::Any) { return pass != "CalledValuePropagationPass"; });
  llvm::PassBuilder builder(&machine, llvm::PipelineTuningOptions(), std::nullopt,
                            &instrumentation);
  Analyses analyses(builder);
  llvm::ModulePassManager passes;
  // There is no true -O0 for BPF: without inlining and SROA the runtime's
  // contexts overflow the 512-byte stack. The low level is O1.
  passes = builder.buildPerModuleDefaultPipeline(optLevel == 0 ? llvm::OptimizationLevel::O1
                                                               : llvm::OptimizationLevel::O2);
  passes.run(module, analyses.modules);
}

// Gives each function the parameter attributes LLVM infers from its body:
// which pointers it never keeps (nocapture), which it only reads. O2 infers
// them too, but the second half of a split calls the shared subprograms
// without their bodies, and they shape their callers' code: without them
// eevdf's dispatch was 80 instructions longer. What holds of the unoptimised
// body holds of the optimised one the first half compiles.
void inferParameterAttributes(llvm::Module &module, llvm::TargetMachine &machine) {
  llvm::PassBuilder builder(&machine);
  Analyses analyses(builder);
  llvm::ModulePassManager passes;
  passes.addPass(llvm::createModuleToPostOrderCGSCCPassAdaptor(llvm::PostOrderFunctionAttrsPass()));
  passes.run(module, analyses.modules);
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

// The runtime module and the target, which the policy does not change.
bool loadRuntimeModule(LoweredModule &out, std::string &error) {
  out.module = loadRuntime(*out.context, error);
  if (!out.module) return false;
  out.machine = bpfTargetMachine(error);
  if (!out.machine) return false;
  out.module->setDataLayout(out.machine->createDataLayout());
  return true;
}

bool lowerPolicy(const Policy &policy, LoweredModule &out, std::string &error) {
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

struct HalfObject {
  bool ok = false;
  std::string object;  // empty: a second half with no callbacks
  std::string error;
};

// The first half: keeps the maps, globals and struct_ops of the whole policy
// and compiles the callbacks the second half does not take.
void compileFirstHalf(LoweredModule &lowered, const CodegenOptions &options,
                      std::future<std::set<std::string>> secondHalfUse, HalfObject &out) {
  llvm::Module &module = *lowered.module;
  std::vector<std::string> secondHalf = chooseSecondHalf(module);
  std::set<std::string> keep;
  if (!secondHalf.empty()) {
    keep = secondHalfReach(module, secondHalf);
    keepFirstHalf(module, secondHalf);
  }
  internalize(module);
  optimize(module, *lowered.machine, options.optLevel);
  dropUnusedSubprograms(module, keep);
  dropUnusedMaps(module, keep);
  // What the second half may use and this half does not: kept only if the
  // optimised second half does use it, so only then does this half wait
  // for the other's optimisation.
  std::set<std::string> unsure;
  for (const std::string &name : keep) {
    llvm::GlobalValue *global = module.getNamedValue(name);
    if (!global) continue;
    auto *function = llvm::dyn_cast<llvm::Function>(global);
    bool optional = (function && isSharedSubprogram(*function)) ||
                    std::count(std::begin(kOptionalMaps), std::end(kOptionalMaps), name);
    if (optional && !isUsedBeyondLists(*global)) unsure.insert(name);
  }
  if (!unsure.empty()) {
    std::set<std::string> used = secondHalfUse.get();
    for (const std::string &name : unsure)
      if (!used.count(name)) keep.erase(name);
    dropUnusedSubprograms(module, keep);
    dropUnusedMaps(module, keep);
  }
  out.ok = emitObject(module, *lowered.machine, out.object, out.error);
}

// The second half: only the callbacks chooseSecondHalf() gives it, if any.
// `use` is set once, to what it uses of the first half's definitions.
void compileSecondHalf(LoweredModule &lowered, const CodegenOptions &options,
                       std::promise<std::set<std::string>> &use, HalfObject &out) {
  llvm::Module &module = *lowered.module;
  std::vector<std::string> callbacks = chooseSecondHalf(module);
  if (callbacks.empty()) {
    use.set_value({});
    out.ok = true;
    return;
  }
  std::set<std::string> defined = secondHalfReach(module, callbacks);
  keepSecondHalf(module, callbacks);
  inferParameterAttributes(module, *lowered.machine);
  declareSharedSubprograms(module);
  internalize(module);
  optimize(module, *lowered.machine, options.optLevel);
  std::set<std::string> externs = externsInUse(module);
  use.set_value(externs);
  for (const std::string &name : externs)
    if (!defined.count(name)) {
      out.error = "'" + name + "' is used but the first half may not define it";
      return;
    }
  flavorKernelFunctions(module);
  out.ok = emitObject(module, *lowered.machine, out.object, out.error);
}

}  // namespace

// The runtime module this thread compiles (the whole policy, or the second
// half of a split), loaded on a thread of its own while the frontend runs.
class RuntimePreload {
 public:
  explicit RuntimePreload(bool skipFree)
      : skipFree_(skipFree), thread_([this] { ok_ = loadRuntimeModule(module_, error_); }) {}
  ~RuntimePreload() {
    if (thread_.joinable()) thread_.join();
    if (skipFree_) module_.release();  // not taken: the policy had errors
  }
  RuntimePreload(const RuntimePreload &) = delete;
  RuntimePreload &operator=(const RuntimePreload &) = delete;

  // Waits for the load and hands over its module.
  bool take(LoweredModule &out, std::string &error) {
    thread_.join();
    out = std::move(module_);
    error = error_;
    return ok_;
  }

 private:
  bool skipFree_;
  LoweredModule module_;
  std::string error_;
  bool ok_ = false;
  std::thread thread_;  // last: starts once everything above exists
};

// The first half of a split compile, on its own thread and LLVMContext.
// Loading the runtime needs no policy, so the thread starts with that as soon
// as the Codegen is made (the driver makes it before the frontend runs). It
// then lowers the policy itself (cheaper than handing IR across contexts).
class FirstHalfWorker {
 public:
  explicit FirstHalfWorker(const CodegenOptions &options)
      : options_(options),
        policy_(policyPromise_.get_future()),
        thread_(&FirstHalfWorker::run, this) {}

  ~FirstHalfWorker() {
    cancel();
    if (thread_.joinable()) thread_.join();
  }
  FirstHalfWorker(const FirstHalfWorker &) = delete;
  FirstHalfWorker &operator=(const FirstHalfWorker &) = delete;

  // Starts the first half of `policy`; see compileFirstHalf().
  void start(const Policy &policy, std::future<std::set<std::string>> secondHalfUse) {
    secondHalfUse_ = std::move(secondHalfUse);
    policyPromise_.set_value(&policy);
    policyGiven_ = true;
  }
  // No split after all: the thread ends once its load is done.
  void cancel() {
    if (!policyGiven_) policyPromise_.set_value(nullptr);
    policyGiven_ = true;
  }
  // Waits for the first half's object.
  HalfObject finish() {
    thread_.join();
    return std::move(result_);
  }

 private:
  void run() {
    LoweredModule lowered;
    bool loaded = loadRuntimeModule(lowered, result_.error);
    const Policy *policy = policy_.get();
    if (!policy || !loaded || !lowerPolicy(*policy, lowered, result_.error)) return;
    compileFirstHalf(lowered, options_, std::move(secondHalfUse_), result_);
    if (options_.skipFree) lowered.release();
  }

  CodegenOptions options_;
  std::promise<const Policy *> policyPromise_;
  std::future<const Policy *> policy_;
  bool policyGiven_ = false;
  std::future<std::set<std::string>> secondHalfUse_;
  HalfObject result_;
  std::thread thread_;  // last: starts once everything above exists
};

namespace {

// The runtime from `preload` when there is one, else loaded here; then the
// policy lowered into it.
bool loadAndLower(const Policy &policy, RuntimePreload *preload, LoweredModule &out,
                  std::string &error) {
  bool loaded = preload ? preload->take(out, error) : loadRuntimeModule(out, error);
  return loaded && lowerPolicy(policy, out, error);
}

CodegenResult compileSerial(const Policy &policy, const CodegenOptions &options,
                            RuntimePreload *preload) {
  CodegenResult result;
  LoweredModule lowered;
  if (!loadAndLower(policy, preload, lowered, result.error)) return result;
  llvm::Module &module = *lowered.module;
  if (options.verifyOnly) {
    result.ok = true;
    return result;
  }
  internalize(module);
  optimize(module, *lowered.machine, options.optLevel);
  dropUnusedSubprograms(module);
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
// LLVM runs one module on one thread. The worker has the first half; this
// thread lowers its own copy of the policy for the second.
CodegenResult compileSplit(const Policy &policy, const CodegenOptions &options,
                           FirstHalfWorker &worker, RuntimePreload *preload) {
  CodegenResult result;
  std::promise<std::set<std::string>> secondHalfUse;
  worker.start(policy, secondHalfUse.get_future());
  LoweredModule lowered;
  HalfObject second;
  bool lowerOk = loadAndLower(policy, preload, lowered, result.error);
  if (lowerOk)
    compileSecondHalf(lowered, options, secondHalfUse, second);
  else
    secondHalfUse.set_value({});
  if (options.skipFree) lowered.release();
  HalfObject first = worker.finish();
  if (!lowerOk) return result;
  if (!first.ok) {
    result.error = first.error;
    return result;
  }
  if (!second.ok) {
    result.error = "compiling the second half failed: " + second.error;
    return result;
  }
  if (second.object.empty()) {  // too small to split: the first half is all
    result.output = std::move(first.object);
    result.ok = true;
    return result;
  }
  // The second half first, the order the split was first tested in; with
  // flavored kfuncs (flavorKernelFunctions) either order links.
  result.ok = linkObjects({second.object, first.object}, result.output, result.error);
  return result;
}

// By default only policies that declare queue aggregates use a second
// thread: theirs are the large callbacks worth splitting, and for a small
// policy the second half's work only competes with the first's.
bool worthSplitting(const Policy &policy) {
  return std::any_of(policy.queues.begin(), policy.queues.end(),
                     [](const Queue &q) { return !q.aggregates.empty(); });
}

}  // namespace

Codegen::Codegen(const CodegenOptions &options) : options_(options) {
  unsigned jobs = options.jobs ? options.jobs : std::min(2u, std::thread::hardware_concurrency());
  if (jobs >= 2 && !options.emitLLVM && !options.verifyOnly) {
    worker_ = std::make_unique<FirstHalfWorker>(options);
    preload_ = std::make_unique<RuntimePreload>(options.skipFree);
  }
}

Codegen::~Codegen() = default;

CodegenResult Codegen::compile(const Policy &policy) {
  if (!worker_ || (options_.jobs == 0 && !worthSplitting(policy))) {
    if (worker_) worker_->cancel();
    return compileSerial(policy, options_, preload_.get());
  }
  CodegenResult result = compileSplit(policy, options_, *worker_, preload_.get());
  worker_.reset();
  // Asked for by default rather than by name, a split that fails (a linker
  // this code has not met) costs time, not the object.
  if (!result.ok && options_.jobs == 0) return compileSerial(policy, options_, nullptr);
  return result;
}

CodegenResult compilePolicy(const Policy &policy, const CodegenOptions &options) {
  return Codegen(options).compile(policy);
}

}  // namespace schedc
