// A policy file compiled by schedc's frontend and lowering into the host
// build of the runtime, then JIT-compiled into this process.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "meta.h"
#include "schedc_abi.h"
#include "sim_kernel.h"

namespace schedsim {

struct LoadedPolicy {
  std::unique_ptr<llvm::orc::LLJIT> jit;
  schedrun::Meta meta;
  std::vector<uint64_t> params;  // as --set left them, in metadata order
  sched_ext_ops *ops = nullptr;
  void *stats = nullptr;  // the schedc_stats map's declaration (Maps.h keys)

  // The policy's writable globals as they were before any run: restore()
  // puts them back, so one compile serves many runs (--check).
  struct Snapshot {
    void *address;
    std::vector<char> bytes;
  };
  std::vector<Snapshot> initial;
  void restore() const;
};

// Compiles `path` with `sets` ("NAME=VALUE", as schedrun --set) for a
// machine of `slots` queue slots and, when given, `topology` (else one LLC
// and node, as before the loader writes it). Diagnostics go to stderr;
// throws std::runtime_error with a message for any failure.
LoadedPolicy compileForHost(const std::string &path, const std::vector<std::string> &sets,
                            uint32_t slots, const schedc_topology *topology = nullptr);

}  // namespace schedsim
