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

struct Queue {
  std::string name;
  std::string kind;  // global, per_cpu, shards
  uint32_t shards = 1;
};

struct Meta {
  std::string policy;
  std::vector<Param> params;
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
