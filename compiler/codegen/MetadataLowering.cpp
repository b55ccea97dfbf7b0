// The .schedc.meta section: what the loader needs to know about the policy
// (tunables with types and ranges, queues, counters), as text. The section is
// not loaded into the kernel; schedrun reads it from the ELF file. It also
// says what built the object from which source (schedrun prints both).
#include <sstream>

#include "codegen/Lowering.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/SHA256.h"
#include "llvm/Transforms/Utils/ModuleUtils.h"

#ifndef SCHEDC_VERSION
#define SCHEDC_VERSION "unknown"
#endif

namespace schedc {
namespace {

// Signed values are written as signed decimals.
std::string metaValue(Type type, uint64_t value) {
  if (isSigned(type)) return std::to_string(static_cast<int64_t>(value));
  return std::to_string(value);
}

const char *queueKindName(QueueKind kind) {
  switch (kind) {
    case QueueKind::Global:
      return "global";
    case QueueKind::PerCpu:
      return "per_cpu";
    case QueueKind::Shards:
      return "shards";
    case QueueKind::PerLlc:
      return "per_llc";
    case QueueKind::PerNode:
      return "per_node";
  }
  return "global";
}

}  // namespace

std::string metadataText(const Policy &policy) {
  std::ostringstream out;
  out << SCHEDC_META_HEADER " " << SCHEDC_META_VERSION << "\n";
  out << SCHEDC_META_POLICY " " << policy.name << "\n";
  // NAME TYPE DEFAULT MIN MAX, the range of the type where none is declared.
  auto valueLine = [&](const auto &decl) {
    uint64_t min = decl.min, max = decl.max;
    if (!decl.hasRange) {
      min = isSigned(decl.type) ? static_cast<uint64_t>(INT64_MIN) : 0;
      max = isSigned(decl.type) ? static_cast<uint64_t>(INT64_MAX) : UINT64_MAX;
      if (decl.type == Type::Bool) max = 1;
    }
    out << " " << decl.name << " " << typeName(decl.type) << " "
        << metaValue(decl.type, decl.defaultValue) << " " << metaValue(decl.type, min) << " "
        << metaValue(decl.type, max);
  };
  for (const Param &param : policy.params) {
    out << SCHEDC_META_PARAM;
    valueLine(param);
    out << " " << (param.allowInfinite ? 1 : 0) << " " << (param.live ? 1 : 0) << "\n";
  }
  for (const Hint &hint : policy.hints) {
    out << SCHEDC_META_HINT;
    valueLine(hint);
    out << " " << (hint.perProcess ? "process" : "task") << "\n";
  }
  for (const Queue &queue : policy.queues)
    out << SCHEDC_META_QUEUE " " << queue.name << " " << queueKindName(queue.kind) << " "
        << queue.shards << "\n";
  for (const Counter &counter : policy.counters)
    out << SCHEDC_META_COUNTER " " << counter.name << "\n";
  out << SCHEDC_META_COMPILER " schedc " SCHEDC_VERSION " llvm " LLVM_VERSION_STRING "\n";
  out << SCHEDC_META_SOURCE " sha256 "
      << llvm::toHex(llvm::SHA256::hash(llvm::arrayRefFromStringRef(policy.source)),
                     /*LowerCase=*/true)
      << "\n";
  return out.str();
}

void lowerMetadata(Lowering &l) {
  const Policy &p = l.policy;
  std::string text = metadataText(p);
  auto *initializer = llvm::ConstantDataArray::getString(l.context, text, /*AddNull=*/true);
  auto *meta = new llvm::GlobalVariable(l.module, initializer->getType(), /*isConstant=*/true,
                                        llvm::GlobalValue::InternalLinkage, initializer,
                                        SCHEDC_META_VAR_NAME);
  meta->setSection(SCHEDC_META_SECTION);
  meta->setAlignment(llvm::Align(1));
  llvm::appendToUsed(l.module, {meta});

  // Defaults of the tunables, so the object runs as compiled without a loader
  // that knows about them.
  bool anyLive = false;
  for (const Param &param : p.params) anyLive = anyLive || param.live;
  if (p.params.empty()) return;
  for (const char *name : {SCHEDC_PARAMS_NAME, SCHEDC_LIVE_NAME}) {
    if (!anyLive && name == std::string(SCHEDC_LIVE_NAME)) continue;
    llvm::GlobalVariable *params = l.runtimeGlobal(name);
    if (!params) continue;
    auto *arrayType = llvm::cast<llvm::ArrayType>(params->getValueType());
    std::vector<llvm::Constant *> values;
    for (uint64_t i = 0; i < arrayType->getNumElements(); ++i)
      values.push_back(l.builder.getInt64(i < p.params.size() ? p.params[i].defaultValue : 0));
    params->setInitializer(llvm::ConstantArray::get(arrayType, values));
  }
}

}  // namespace schedc
