// The .schedc.meta section: what a schedc object declares about itself
// (policy name, tunables, queues, counters). Format in runtime/schedc_abi.h.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace schedrun {

enum class ParamType { U64, S64, Bool, Duration, SDuration };

struct Param {
  std::string name;
  ParamType type = ParamType::U64;
  uint64_t def = 0, min = 0, max = 0;  // s64 types store two's complement
  bool infinite = false;               // accepts "infinite" (SCHEDC_INFINITE)
  bool live = false;                   // `schedrun set` may change it while running
};

// A hint (`hint` in the policy): a value per task or per process that
// `schedrun hint` sets; `value` carries its type, default and range.
struct Hint {
  Param value;  // value.live and value.infinite unused
  bool per_process = false;
};

struct Queue {
  std::string name;
  std::string kind;  // global, per_cpu, shards, per_llc, per_node
  uint32_t shards = 1;
};

struct Meta {
  std::string policy;
  std::vector<Param> params;
  std::vector<Hint> hints;  // in the policy's order: their index in the hint map
  std::vector<Queue> queues;
  std::vector<std::string> counters;
  std::string compiler;       // "schedc 0.1.0 llvm 19.1.7", or "" (older objects)
  std::string source_sha256;  // of the policy's text, or ""
};

// Reads the metadata of the ELF file at path; throws Failure (user error) when
// it is not an ELF BPF object or has no .schedc.meta section.
Meta read_meta(const std::string &path);

// Parses the metadata text; throws Failure naming the offending line.
Meta parse_meta(const std::string &text);

}  // namespace schedrun
