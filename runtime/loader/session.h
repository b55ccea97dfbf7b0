// One run of a policy: load, attach, watch (stats, ejection, workload,
// signals, duration), detach.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <vector>

#include "meta.h"
#include "options.h"
#include "workload.h"

namespace schedrun {

struct SessionResult {
  bool restart = false;  // the policy asked to be attached again
  int exit_code = 0;
};

class Session {
 public:
  Session(const Options &options, const Meta &meta, std::vector<uint64_t> tunables);
  // Loads and reports without attaching (--verify-only).
  int verify();
  // Runs until stopped; throws Failure when the policy cannot run.
  SessionResult run();

 private:
  uint32_t slots() const;
  void print_banner(FILE *out) const;

  using Clock = std::chrono::steady_clock;

  const Options &o_;
  const Meta &meta_;
  std::vector<uint64_t> tunables_;
  // These outlive a restart.
  std::unique_ptr<Workload> workload_;
  bool started_ = false;
  Clock::time_point start_;
};

// Set by SIGINT/SIGTERM.
void install_stop_handlers();

}  // namespace schedrun
