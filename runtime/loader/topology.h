// The machine's CPU topology as a policy sees it: each possible CPU's LLC,
// NUMA node and core, read from sysfs and numbered densely (0, 1, ... in the
// order of each domain's first CPU).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

struct schedc_topology;

namespace schedrun {

struct Topology {
  std::vector<uint32_t> llc, node, core;  // by CPU id
  std::vector<uint32_t> llc_node;         // by LLC id
  uint32_t nr_llcs = 0, nr_nodes = 0, nr_cores = 0;
};

// Reads `nr_cpus` possible CPUs' topology under `root` (normally
// /sys/devices/system). A CPU whose cache or core files are missing (offline)
// counts as its own core, in LLC 0; without node directories there is one
// node. Throws a user error when a file exists but cannot be parsed.
Topology read_topology(const std::string &root, uint32_t nr_cpus);

// "2 nodes, 4 LLCs, 8 cores, 8 CPUs; node 0: llc 0 = cpus 0-1, llc 1 = ..."
std::string describe_topology(const Topology &t);

// The runtime's copy (schedc_abi.h).
void fill_abi_topology(const Topology &t, schedc_topology &out);

// "0-3,8,10-11" -> {0,1,2,3,8,10,11}; throws on malformed text.
std::vector<uint32_t> parse_cpu_list(const std::string &text);
std::string format_cpu_list(const std::vector<uint32_t> &cpus);

}  // namespace schedrun
