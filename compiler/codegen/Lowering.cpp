#include "codegen/Lowering.h"

#include "llvm/BinaryFormat/Dwarf.h"
#include "llvm/IR/Verifier.h"

namespace schedc {

llvm::Value *ValueCache::find(const CacheKey &key) const {
  for (auto scope = scopes_.rbegin(); scope != scopes_.rend(); ++scope) {
    auto found = scope->find(key);
    if (found != scope->end()) return found->second;
  }
  return nullptr;
}

bool ValueCache::isRead(const llvm::Value *value) const {
  auto *instruction = llvm::dyn_cast<llvm::Instruction>(value);
  return !instruction || (readsEnd_ && instruction->getParent() == readsEnd_->getParent());
}

Lowering::Lowering(const Policy &policy, llvm::Module &module)
    : policy(policy),
      module(module),
      context(module.getContext()),
      builder(context),
      debug(module) {
  // Embedding the source lets the BPF backend put the policy's own lines into
  // BTF line info, so verifier logs quote `... @ policy.sched:N`. The file's
  // name only, not where it was: the same source gives the same object from
  // any directory.
  std::string name = policy.fileName.empty() ? "<stdin>" : policy.fileName;
  if (auto slash = name.rfind('/'); slash != std::string::npos) name = name.substr(slash + 1);
  file = debug.createFile(name, "", std::nullopt, llvm::StringRef(policy.source));
  unit = debug.createCompileUnit(llvm::dwarf::DW_LANG_C11, file, "schedc", /*isOptimized=*/true, "",
                                 0);
  // Every IR-built function must carry the runtime's target attributes
  // ("target-cpu"="v3", features), or the inliner refuses to merge them.
  if (llvm::Function *model = module.getFunction("schedc_attr"))
    targetAttributes = model->getAttributes();
}

llvm::Function *Lowering::runtimeFunction(const std::string &name) {
  llvm::Function *function = module.getFunction(name);
  if (!function && error.empty()) error = "runtime function '" + name + "' is missing";
  return function;
}

llvm::GlobalVariable *Lowering::runtimeGlobal(const std::string &name) {
  llvm::GlobalVariable *global = module.getNamedGlobal(name);
  if (!global && error.empty()) error = "runtime global '" + name + "' is missing";
  return global;
}

llvm::StructType *Lowering::runtimeStruct(const std::string &name) {
  llvm::StructType *type = llvm::StructType::getTypeByName(context, "struct." + name);
  if (!type && error.empty()) error = "runtime type 'struct " + name + "' is missing";
  return type;
}

llvm::Function *Lowering::beginHook(const std::string &name, SourceRange where) {
  llvm::Function *function = runtimeFunction(name);
  if (!function) return nullptr;
  function->setLinkage(llvm::GlobalValue::InternalLinkage);
  for (const char *key : {"target-cpu", "target-features"}) {
    llvm::Attribute attribute = targetAttributes.getFnAttr(key);
    if (attribute.isValid()) function->addFnAttr(attribute);
  }
  function->addFnAttr(llvm::Attribute::AlwaysInline);
  function->addFnAttr(llvm::Attribute::NoUnwind);

  llvm::DIType *u64 = debug.createBasicType("u64", 64, llvm::dwarf::DW_ATE_unsigned);
  std::vector<llvm::Metadata *> signature{u64};
  for (unsigned i = 0; i < function->arg_size(); ++i) signature.push_back(u64);
  auto *type = debug.createSubroutineType(debug.getOrCreateTypeArray(signature));
  subprogram = debug.createFunction(
      unit, name, name, file, where.line, type, where.line, llvm::DINode::FlagPrototyped,
      llvm::DISubprogram::SPFlagDefinition | llvm::DISubprogram::SPFlagLocalToUnit |
          llvm::DISubprogram::SPFlagOptimized);
  function->setSubprogram(subprogram);

  auto *entry = llvm::BasicBlock::Create(context, "entry", function);
  builder.SetInsertPoint(entry);
  setLocation(where);
  unsigned index = 0;
  for (llvm::Argument &argument : function->args()) {
    std::string argName =
        argument.getName().empty() ? "arg" + std::to_string(index) : argument.getName().str();
    argument.setName(argName);
    // Named parameters: the kernel rejects BTF functions with anonymous ones.
    auto *variable = debug.createParameterVariable(subprogram, argName, index + 1, file, where.line,
                                                   u64, /*AlwaysPreserve=*/true);
    (void)variable;
    ++index;
  }
  ctx = nullptr;
  locals.clear();
  cache.clear();
  return function;
}

void Lowering::finishHook() {
  if (subprogram) debug.finalizeSubprogram(subprogram);
  // Only the IR built here is verified: the runtime's was checked by clang,
  // and verifying the whole module would cost more than lowering it.
  llvm::Function *function =
      builder.GetInsertBlock() ? builder.GetInsertBlock()->getParent() : nullptr;
  std::string broken;
  llvm::raw_string_ostream out(broken);
  if (function && llvm::verifyFunction(*function, &out) && error.empty())
    error = "generated IR for '" + function->getName().str() + "' is invalid: " + out.str();
  subprogram = nullptr;
  ctx = nullptr;
  locals.clear();
  cache.clear();
}

void Lowering::beginBody() {
  llvm::BasicBlock *reads = builder.GetInsertBlock();
  auto *body = llvm::BasicBlock::Create(context, "body", reads->getParent());
  cache.beginBody(builder.CreateBr(body));
  builder.SetInsertPoint(body);
}

void Lowering::setLocation(SourceRange where) {
  if (!subprogram) return;
  builder.SetCurrentDebugLocation(
      llvm::DILocation::get(context, where.line, where.column, subprogram));
}

}  // namespace schedc
