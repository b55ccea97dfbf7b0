#include "codegen/ModuleSplit.h"

#include <algorithm>
#include <map>

#include "llvm/Analysis/ConstantFolding.h"
#include "llvm/Analysis/ValueTracking.h"
#include "llvm/IR/CFG.h"
#include "llvm/IR/DebugInfoMetadata.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Module.h"
#include "llvm/Transforms/Utils/ModuleUtils.h"

namespace schedc {
namespace {

// Below this many instructions (after inlining) a policy compiles in a few
// milliseconds, less than a second thread and the link cost.
constexpr size_t kMinSplitInstructions = 1500;
// A split whose smaller half has less than this share of the work saves too
// little to pay for the link.
constexpr double kMinSmallerShare = 0.25;
// The estimate walks a shared subprogram's loop over the queues once, with
// the queue unknown, so it counts every aggregate slot of every kind; the
// compiled subprogram keeps only the policy's own aggregates. A quarter of
// the estimate balances eevdf's two threads to within about 2%
// (instructions each thread runs, counted by callgrind); the whole estimate
// leaves one thread 12% longer than the other.
constexpr size_t kSharedEstimateDivisor = 4;
// libbpf resolves an extern kfunc named NAME___SUFFIX to the kernel's NAME
// (a "flavor"), so the second half's kfuncs take this suffix.
constexpr const char *kSecondHalfFlavor = "___2";

bool isCallback(const llvm::Function &function) {
  return !function.isDeclaration() && function.hasSection() &&
         function.getSection().starts_with("struct_ops");
}

// How much code a callback becomes after inlining and folding, estimated by
// a small partial evaluation: calls are followed with their constant
// arguments bound, instructions that depend only on constants (the layout,
// the event or queue a hook is called with) fold away, and only the branch a
// folded condition takes is counted. Loops are counted once.
class SizeEstimator {
 public:
  explicit SizeEstimator(const llvm::DataLayout &layout) : layout_(layout) {}

  // The shared subprograms and the global variables the code estimated so
  // far uses, in the branches the layout leaves live.
  const std::set<const llvm::Function *> &calledShared() const { return calledShared_; }
  const std::set<const llvm::GlobalVariable *> &usedGlobals() const { return usedGlobals_; }

  size_t estimate(const llvm::Function &function, const std::vector<llvm::Constant *> &arguments,
                  unsigned depth = 0) {
    auto key = std::make_pair(&function, arguments);
    auto found = memo_.find(key);
    if (found != memo_.end()) return found->second;
    memo_[key] = 0;  // a (never expected) recursive call counts nothing
    size_t size = walk(function, arguments, depth);
    memo_[key] = size;
    return size;
  }

 private:
  size_t walk(const llvm::Function &function, const std::vector<llvm::Constant *> &arguments,
              unsigned depth) {
    std::map<const llvm::Value *, llvm::Constant *> known;
    for (const llvm::Argument &argument : function.args())
      if (argument.getArgNo() < arguments.size() && arguments[argument.getArgNo()])
        known[&argument] = arguments[argument.getArgNo()];
    auto valueOf = [&](const llvm::Value *value) -> llvm::Constant * {
      if (auto *constant = llvm::dyn_cast<llvm::Constant>(value))
        return const_cast<llvm::Constant *>(constant);
      auto it = known.find(value);
      return it == known.end() ? nullptr : it->second;
    };

    size_t size = 0;
    std::set<const llvm::BasicBlock *> seen{&function.getEntryBlock()};
    std::vector<const llvm::BasicBlock *> work{&function.getEntryBlock()};
    auto follow = [&](const llvm::BasicBlock *next) {
      if (seen.insert(next).second) work.push_back(next);
    };
    while (!work.empty()) {
      const llvm::BasicBlock *block = work.back();
      work.pop_back();
      for (const llvm::Instruction &instruction : *block) {
        if (llvm::Constant *folded = fold(instruction, valueOf)) {
          known[&instruction] = folded;
          continue;
        }
        ++size;
        for (const llvm::Use &operand : instruction.operands()) noteGlobals(operand.get());
        if (auto *call = llvm::dyn_cast<llvm::CallBase>(&instruction)) {
          const llvm::Function *callee = call->getCalledFunction();
          if (callee && isSharedSubprogram(*callee)) calledShared_.insert(callee);
          if (callee && !callee->isDeclaration() &&
              !callee->hasFnAttribute(llvm::Attribute::NoInline) && depth < kMaxDepth) {
            std::vector<llvm::Constant *> bound;
            for (const llvm::Use &argument : call->args()) bound.push_back(valueOf(argument.get()));
            size += estimate(*callee, bound, depth + 1);
          }
        }
      }
      const llvm::Instruction *terminator = block->getTerminator();
      if (auto *branch = llvm::dyn_cast<llvm::BranchInst>(terminator)) {
        if (branch->isConditional())
          if (auto *condition =
                  llvm::dyn_cast_or_null<llvm::ConstantInt>(valueOf(branch->getCondition()))) {
            follow(branch->getSuccessor(condition->isZero() ? 1 : 0));
            continue;
          }
      } else if (auto *dispatch = llvm::dyn_cast<llvm::SwitchInst>(terminator)) {
        if (auto *condition =
                llvm::dyn_cast_or_null<llvm::ConstantInt>(valueOf(dispatch->getCondition()))) {
          follow(dispatch->findCaseValue(condition)->getCaseSuccessor());
          continue;
        }
      }
      for (const llvm::BasicBlock *next : llvm::successors(block)) follow(next);
    }
    return size;
  }

  // Records the global variables `value` names, also inside constant
  // expressions (a GEP into a map or a .bss variable).
  void noteGlobals(const llvm::Value *value) {
    if (auto *global = llvm::dyn_cast<llvm::GlobalVariable>(value)) {
      usedGlobals_.insert(global);
    } else if (auto *expression = llvm::dyn_cast<llvm::ConstantExpr>(value)) {
      for (const llvm::Use &operand : expression->operands()) noteGlobals(operand.get());
    }
  }

  // The instruction's value when all its operands are known constants.
  template <typename ValueOf>
  llvm::Constant *fold(const llvm::Instruction &instruction, ValueOf valueOf) {
    if (instruction.isTerminator() || llvm::isa<llvm::CallBase>(instruction) ||
        llvm::isa<llvm::PHINode>(instruction) || instruction.mayWriteToMemory())
      return nullptr;
    if (auto *load = llvm::dyn_cast<llvm::LoadInst>(&instruction)) {
      // Only loads of constants (the layout) fold; volatile ones never.
      auto *global = llvm::dyn_cast<llvm::GlobalVariable>(
          llvm::getUnderlyingObject(load->getPointerOperand()));
      if (load->isVolatile() || !global || !global->isConstant() ||
          !global->hasDefinitiveInitializer())
        return nullptr;
    }
    std::vector<llvm::Constant *> operands;
    for (const llvm::Use &operand : instruction.operands()) {
      llvm::Constant *constant = valueOf(operand.get());
      if (!constant) return nullptr;
      operands.push_back(constant);
    }
    return llvm::ConstantFoldInstOperands(const_cast<llvm::Instruction *>(&instruction), operands,
                                          layout_);
  }

  static constexpr unsigned kMaxDepth = 16;
  const llvm::DataLayout &layout_;
  std::set<const llvm::Function *> calledShared_;
  std::set<const llvm::GlobalVariable *> usedGlobals_;
  std::map<std::pair<const llvm::Function *, std::vector<llvm::Constant *>>, size_t> memo_;
};

void eraseGlobal(llvm::Module &module, llvm::GlobalValue *global) {
  if (!global) return;
  unlistUsed(module, global);
  global->removeDeadConstantUsers();
  if (global->use_empty()) global->eraseFromParent();
}

bool inHalf(const std::vector<std::string> &half, llvm::StringRef name) {
  return std::find(half.begin(), half.end(), name.str()) != half.end();
}

// Drops the body of a function the other half defines. It keeps a debug
// declaration, with the definition's name, file and type, so that BTF
// describes it as an extern function the linker finds compatible (the
// linker requires BTF for every symbol); a declaration has no unit and is
// not distinct.
void keepOnlyDeclaration(llvm::Module &module, llvm::Function &function) {
  llvm::DISubprogram *definition = function.getSubprogram();
  unlistUsed(module, &function);
  function.deleteBody();
  if (!definition) return;
  function.setSubprogram(llvm::DISubprogram::get(
      module.getContext(), definition->getScope(), definition->getName(),
      definition->getLinkageName(), definition->getFile(), definition->getLine(),
      definition->getType(), /*ScopeLine=*/0, /*ContainingType=*/nullptr, /*VirtualIndex=*/0,
      /*ThisAdjustment=*/0, definition->getFlags(), llvm::DISubprogram::SPFlagOptimized,
      /*Unit=*/nullptr));
}

}  // namespace

bool isSharedSubprogram(const llvm::Function &function) {
  return function.hasHiddenVisibility() && !function.hasSection() && !function.isIntrinsic();
}

void dropUnusedSubprograms(llvm::Module &module, const std::set<std::string> &calledElsewhere) {
  std::vector<llvm::Function *> unused;
  for (llvm::Function &function : module) {
    if (!isSharedSubprogram(function) || calledElsewhere.count(function.getName().str())) continue;
    function.removeDeadConstantUsers();
    if (function.use_empty()) unused.push_back(&function);
  }
  for (llvm::Function *function : unused) eraseGlobal(module, function);
}

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

void unlistUsed(llvm::Module &module, const llvm::GlobalValue *global) {
  llvm::removeFromUsedLists(module,
                            [&](llvm::Constant *c) { return c->stripPointerCasts() == global; });
}

std::vector<std::string> chooseSecondHalf(const llvm::Module &module) {
  SizeEstimator estimator(module.getDataLayout());
  std::vector<std::pair<size_t, std::string>> callbacks;
  size_t total = 0;
  for (const llvm::Function &function : module)
    if (isCallback(function)) {
      size_t size = estimator.estimate(function, {});
      callbacks.emplace_back(size, function.getName().str());
      total += size;
    }
  if (callbacks.size() < 2 || total < kMinSplitInstructions) return {};
  // Largest first, each to the lighter half (the first half takes ties).
  std::sort(callbacks.begin(), callbacks.end(), [](const auto &a, const auto &b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  // The first half starts with the shared subprograms it defines for both
  // (a copy of the set: estimating them adds to it).
  size_t first = 0, second = 0;
  std::set<const llvm::Function *> shared = estimator.calledShared();
  for (const llvm::Function *function : shared) {
    size_t size = estimator.estimate(*function, {}) / kSharedEstimateDivisor;
    first += size;
    total += size;
  }
  std::vector<std::string> secondHalf;
  for (const auto &[size, name] : callbacks) {
    if (first <= second) {
      first += size;
    } else {
      second += size;
      secondHalf.push_back(name);
    }
  }
  if (static_cast<double>(std::min(first, second)) < kMinSmallerShare * static_cast<double>(total))
    return {};
  return secondHalf;
}

std::set<std::string> secondHalfReach(const llvm::Module &module,
                                      const std::vector<std::string> &secondHalf) {
  SizeEstimator estimator(module.getDataLayout());
  for (const llvm::Function &function : module)
    if (isCallback(function) && inHalf(secondHalf, function.getName()))
      estimator.estimate(function, {});
  std::set<std::string> names;
  for (const llvm::GlobalVariable *global : estimator.usedGlobals())
    names.insert(global->getName().str());
  for (const llvm::Function *function : estimator.calledShared())
    names.insert(function->getName().str());
  return names;
}

void keepFirstHalf(llvm::Module &module, const std::vector<std::string> &secondHalf) {
  for (llvm::Function &function : module) {
    if (!isCallback(function) || !inHalf(secondHalf, function.getName())) continue;
    keepOnlyDeclaration(module, function);
    // An extern function with a section would be listed in a BTF DATASEC of
    // that name, which libbpf rejects ("unexpected non-VAR type found").
    function.setSection("");
  }
}

void keepSecondHalf(llvm::Module &module, const std::vector<std::string> &secondHalf) {
  // What only the first half carries.
  for (const char *name : {"schedc_ops", "schedc_meta", "_license"})
    eraseGlobal(module, module.getNamedGlobal(name));
  std::vector<llvm::Function *> others;
  for (llvm::Function &function : module)
    if (isCallback(function) && !inHalf(secondHalf, function.getName()))
      others.push_back(&function);
  for (llvm::Function *function : others) eraseGlobal(module, function);

  // Shared maps and globals: extern here, defined by the first half. Local
  // ones (the layout constant, scratch slots) stay: each half has its own.
  for (llvm::GlobalVariable &global : module.globals()) {
    if (global.isDeclaration() || global.hasLocalLinkage() || global.getName().starts_with("llvm."))
      continue;
    unlistUsed(module, &global);
    global.setInitializer(nullptr);
    global.setLinkage(llvm::GlobalValue::ExternalLinkage);
    // No section: an extern map listed in this object's `.maps` DATASEC,
    // linked before the definition, would keep offset 0 there (libbpf 1.4).
    global.setSection("");
  }
}

void declareSharedSubprograms(llvm::Module &module) {
  for (llvm::Function &function : module)
    if (isSharedSubprogram(function) && !function.isDeclaration())
      keepOnlyDeclaration(module, function);
}

std::set<std::string> externsInUse(llvm::Module &module) {
  std::set<std::string> names;
  std::vector<llvm::GlobalVariable *> unused;
  for (llvm::GlobalVariable &global : module.globals()) {
    if (!global.isDeclaration()) continue;
    global.removeDeadConstantUsers();
    if (global.use_empty())
      unused.push_back(&global);
    else
      names.insert(global.getName().str());
  }
  for (llvm::GlobalVariable *global : unused) global->eraseFromParent();
  dropUnusedSubprograms(module);
  for (const llvm::Function &function : module)
    if (function.isDeclaration() && isSharedSubprogram(function))
      names.insert(function.getName().str());
  return names;
}

void flavorKernelFunctions(llvm::Module &module) {
  for (llvm::Function &function : module) {
    if (!function.isDeclaration() || function.getSection() != ".ksyms") continue;
    std::string flavor = function.getName().str() + kSecondHalfFlavor;
    llvm::DISubprogram *declaration = function.getSubprogram();
    function.setName(flavor);
    // BTF names an extern function after its debug declaration, and libbpf
    // finds an extern's BTF by its symbol name: both carry the flavor.
    if (declaration)
      function.setSubprogram(llvm::DISubprogram::get(
          module.getContext(), declaration->getScope(), flavor, flavor, declaration->getFile(),
          declaration->getLine(), declaration->getType(), declaration->getScopeLine(),
          /*ContainingType=*/nullptr, /*VirtualIndex=*/0, /*ThisAdjustment=*/0,
          declaration->getFlags(), declaration->getSPFlags(), /*Unit=*/nullptr));
  }
}

}  // namespace schedc
