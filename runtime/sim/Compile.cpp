#include "Compile.h"

#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "codegen/Codegen.h"
#include "diag/Diagnostics.h"
#include "failure.h"
#include "frontend/Frontend.h"
#include "llvm/ExecutionEngine/Orc/ExecutionUtils.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/IR/Constants.h"
#include "llvm/Support/TargetSelect.h"
#include "schedc_abi.h"
#include "tunables.h"

extern "C" const char schedsim_runtime_bitcode[];
extern "C" const char schedsim_runtime_bitcode_end[];

namespace schedsim {
namespace {

std::string readFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot read the policy");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string metadataText(llvm::Module &module) {
  llvm::GlobalVariable *meta = module.getNamedGlobal(SCHEDC_META_VAR_NAME);
  auto *data =
      meta ? llvm::dyn_cast<llvm::ConstantDataSequential>(meta->getInitializer()) : nullptr;
  if (!data) throw std::runtime_error("the compiled policy has no metadata");
  return data->getAsString().str();
}

// Gives a global of u64 elements (params, live params) its values before it
// is compiled, as the loader writes them before the kernel loads the object.
void setWords(llvm::Module &module, const char *name, const std::vector<uint64_t> &values) {
  llvm::GlobalVariable *global = module.getNamedGlobal(name);
  if (!global) return;  // the policy does not use it
  auto *type = llvm::dyn_cast<llvm::ArrayType>(global->getValueType());
  if (!type) return;
  std::vector<uint64_t> words(type->getNumElements(), 0);
  for (size_t i = 0; i < values.size() && i < words.size(); i++) words[i] = values[i];
  global->setInitializer(llvm::ConstantDataArray::get(module.getContext(), words));
}

// The constant of `type` (integers, arrays and structs of them) whose
// memory is `bytes`, little-endian.
llvm::Constant *constantOf(llvm::Type *type, const char *bytes, const llvm::DataLayout &layout) {
  if (auto *integer = llvm::dyn_cast<llvm::IntegerType>(type)) {
    uint64_t value = 0;
    std::memcpy(&value, bytes, layout.getTypeStoreSize(integer));
    return llvm::ConstantInt::get(integer, value);
  }
  if (auto *array = llvm::dyn_cast<llvm::ArrayType>(type)) {
    uint64_t step = layout.getTypeAllocSize(array->getElementType());
    std::vector<llvm::Constant *> elements;
    for (uint64_t i = 0; i < array->getNumElements(); i++)
      elements.push_back(constantOf(array->getElementType(), bytes + i * step, layout));
    return llvm::ConstantArray::get(array, elements);
  }
  auto *record = llvm::cast<llvm::StructType>(type);
  const llvm::StructLayout *fields = layout.getStructLayout(record);
  std::vector<llvm::Constant *> elements;
  for (unsigned i = 0; i < record->getNumElements(); i++)
    elements.push_back(
        constantOf(record->getElementType(i), bytes + fields->getElementOffset(i), layout));
  return llvm::ConstantStruct::get(record, elements);
}

// Gives the topology global the machine --topology describes, as the
// loader writes it from sysfs.
void setTopology(llvm::Module &module, const schedc_topology &topology) {
  llvm::GlobalVariable *global = module.getNamedGlobal(SCHEDC_TOPOLOGY_NAME);
  if (!global) return;  // the policy does not read the topology
  const llvm::DataLayout &layout = module.getDataLayout();
  if (layout.getTypeAllocSize(global->getValueType()) != sizeof topology)
    throw std::runtime_error("the runtime's schedc_topology is not schedc_abi.h's");
  global->setInitializer(
      constantOf(global->getValueType(), reinterpret_cast<const char *>(&topology), layout));
}

void setU32(llvm::Module &module, const char *name, uint32_t value) {
  if (llvm::GlobalVariable *global = module.getNamedGlobal(name))
    global->setInitializer(llvm::ConstantInt::get(global->getValueType(), value));
}

template <typename T>
T lookup(llvm::orc::LLJIT &jit, const char *name) {
  auto symbol = jit.lookup(name);
  if (!symbol)
    throw std::runtime_error(std::string("cannot find ") + name +
                             " in the policy: " + llvm::toString(symbol.takeError()));
  return symbol->toPtr<T>();
}

}  // namespace

LoadedPolicy compileForHost(const std::string &path, const std::vector<std::string> &sets,
                            uint32_t slots, const schedc_topology *topology) {
  static const bool initialized = [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    return true;
  }();
  (void)initialized;

  std::string source = readFile(path);
  schedc::Diagnostics diags(path, source, std::cerr);
  std::unique_ptr<schedc::Policy> policy = schedc::parsePolicy(path, source, diags);
  if (!policy || !schedc::analyzePolicy(*policy, diags) || diags.hasErrors())
    throw std::runtime_error(path + ": the policy has errors (above)");

  auto builder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!builder) throw std::runtime_error(llvm::toString(builder.takeError()));
  auto machine = builder->createTargetMachine();
  if (!machine) throw std::runtime_error(llvm::toString(machine.takeError()));
  llvm::StringRef runtime(
      schedsim_runtime_bitcode,
      static_cast<size_t>(schedsim_runtime_bitcode_end - schedsim_runtime_bitcode));
  schedc::HostPolicy host = schedc::lowerForHost(*policy, runtime, **machine);
  if (!host.module) throw std::runtime_error("compiling for the host: " + host.error);

  LoadedPolicy loaded;
  try {
    loaded.meta = schedrun::parse_meta(metadataText(*host.module));
    loaded.params = schedrun::resolve_tunables(loaded.meta, sets);
  } catch (const schedrun::Failure &f) {
    throw std::runtime_error(f.what());
  }
  setWords(*host.module, SCHEDC_PARAMS_NAME, loaded.params);
  setWords(*host.module, SCHEDC_LIVE_NAME, loaded.params);
  setU32(*host.module, SCHEDC_SLOTS_NAME, slots);
  if (topology) setTopology(*host.module, *topology);

  // Every writable global gets a name the JIT can look up, to snapshot.
  std::vector<std::pair<std::string, uint64_t>> writable;
  const llvm::DataLayout &layout = host.module->getDataLayout();
  for (llvm::GlobalVariable &global : host.module->globals()) {
    if (global.isConstant() || global.isDeclaration() || global.getName().starts_with("llvm."))
      continue;
    if (global.hasLocalLinkage()) {
      global.setName("schedsim.global." + std::to_string(writable.size()));
      global.setLinkage(llvm::GlobalValue::ExternalLinkage);
    }
    writable.push_back({global.getName().str(), layout.getTypeAllocSize(global.getValueType())});
  }

  auto jit = llvm::orc::LLJITBuilder().setJITTargetMachineBuilder(std::move(*builder)).create();
  if (!jit) throw std::runtime_error(llvm::toString(jit.takeError()));
  loaded.jit = std::move(*jit);
  // The shim's functions are this executable's own (exported) symbols.
  auto generator = llvm::orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(
      loaded.jit->getDataLayout().getGlobalPrefix());
  if (!generator) throw std::runtime_error(llvm::toString(generator.takeError()));
  loaded.jit->getMainJITDylib().addGenerator(std::move(*generator));
  if (auto err = loaded.jit->addIRModule(
          llvm::orc::ThreadSafeModule(std::move(host.module), std::move(host.context))))
    throw std::runtime_error(llvm::toString(std::move(err)));
  loaded.ops = lookup<sched_ext_ops *>(*loaded.jit, "schedc_ops");
  loaded.stats = lookup<void *>(*loaded.jit, SCHEDC_STATS_MAP_NAME);
  for (const auto &[name, size] : writable) {
    auto *address = lookup<char *>(*loaded.jit, name.c_str());
    loaded.initial.push_back({address, std::vector<char>(address, address + size)});
  }
  return loaded;
}

void LoadedPolicy::restore() const {
  for (const Snapshot &s : initial) std::memcpy(s.address, s.bytes.data(), s.bytes.size());
}

}  // namespace schedsim
