// Workloads as data: groups of tasks with a count, nice value, affinity and
// behaviour, read from JSON (docs/schedsim.md has the format).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace schedsim {

enum class Behaviour { Hog, Periodic };

struct TaskGroup {
  std::string name;
  int count = 1;
  int nice = 0;
  std::vector<int> cpus;  // allowed CPUs; empty: all
  Behaviour behaviour = Behaviour::Hog;
  uint64_t runNs = 0, sleepNs = 0;  // Periodic: run this long, then sleep
  uint64_t startNs = 0;             // when the group's tasks first wake
};

struct Workload {
  std::vector<TaskGroup> groups;
};

// Parses a workload; throws std::runtime_error naming the file and what is
// wrong (with the JSON parser's line and column for a syntax error).
Workload readWorkload(const std::string &path);
Workload parseWorkload(const std::string &text, const std::string &name);

}  // namespace schedsim
