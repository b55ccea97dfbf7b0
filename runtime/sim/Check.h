// schedsim --check: many seeded random workloads on 1-64 CPUs, each run
// with the properties every policy should keep checked on every step; the
// first violation is shrunk to the smallest workload that still shows it.
#pragma once
#include <cstdint>
#include <string>

#include "Compile.h"

namespace schedsim {

struct CheckOptions {
  int runs = 20;
  uint64_t seed = 1;
  uint64_t durationNs = 5'000'000'000;
};

// Prints what it found; returns 0 when every property held in every run,
// 4 when one was broken.
int checkPolicy(const std::string &policyPath, const LoadedPolicy &policy,
                const CheckOptions &options);

}  // namespace schedsim
