// Reading the policy's counters from its maps and printing them per
// interval, as text or one JSON object per line.
#pragma once

#include <array>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "meta.h"
#include "schedc_abi.h"

namespace schedrun {

struct Snapshot {
  std::vector<std::array<uint64_t, SCHEDC_QSTAT_NR>> queue;  // summed over CPUs
  std::vector<uint64_t> depth;                               // summed over instances
  std::vector<uint64_t> counters;                            // summed over CPUs
  std::vector<std::vector<uint64_t>> counters_by_cpu;        // [counter][possible CPU]
};

class StatsReader {
 public:
  // depth_fd may be -1 (policy without a depth map): depth reads 0.
  StatsReader(int stats_fd, int depth_fd, const Meta &meta, uint32_t slots);
  Snapshot read() const;

 private:
  std::vector<uint64_t> percpu(uint32_t index) const;  // one value per possible CPU
  uint64_t percpu_sum(uint32_t index) const;

  int stats_fd_, depth_fd_;
  const Meta &meta_;
  uint32_t slots_;
  int nr_cpus_;
};

void print_stats_text(FILE *out, const Meta &meta, const Snapshot &prev, const Snapshot &cur,
                      double elapsed_s, bool final);
void print_stats_json(FILE *out, const Meta &meta, const Snapshot &prev, const Snapshot &cur,
                      double elapsed_s, bool final);

// The self-describing document `schedrun stats` reads from the stats socket:
// the totals since attach, and for every field its unit and meaning.
// `tunables` are the params' values now (live ones as last set), by index.
std::string stats_document(const Meta &meta, const Snapshot &cur, double elapsed_s,
                           const std::vector<uint64_t> &tunables);

}  // namespace schedrun
