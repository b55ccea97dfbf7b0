// The simulated BPF maps (Shim.cpp), as the simulator itself reads them.
#pragma once
#include <cstdint>
#include <vector>

namespace schedsim {

// Forgets every map; arrays sized by slots (as the loader resizes them).
void resetMaps(uint32_t slots, int cpus);

// Entry `key` of a per-CPU array of u64 (schedc_stats), one value per CPU.
std::vector<uint64_t> percpuValues(const void *map, uint32_t key);

}  // namespace schedsim
