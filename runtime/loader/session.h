// One run of a policy: load, attach, watch (stats, ejection, workload,
// signals, duration, requests on the control socket), detach.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <vector>

#include "control_socket.h"
#include "meta.h"
#include "options.h"
#include "workload.h"

namespace schedrun {

struct SessionResult {
  bool restart = false;  // the policy asked to be attached again
  int exit_code = 0;
};

struct Running;  // a loaded policy and its readers (session.cpp)

class Session {
 public:
  Session(const Options &options, const Meta &meta, std::vector<uint64_t> tunables);
  ~Session();
  // Loads and reports without attaching (--verify-only).
  int verify();
  // Runs until stopped; throws Failure when the policy cannot run.
  SessionResult run();

 private:
  uint32_t slots(const Meta &meta) const;
  // Opens, configures and loads (verifies) `path`; does not attach.
  std::unique_ptr<Running> load(const std::string &path, const Meta &meta,
                                std::vector<uint64_t> tunables) const;
  void print_banner(FILE *out, const Running &r) const;
  std::string answer(const Request &request, double now);
  // The `switch` request: the new policy is verified before the running one
  // is detached, so the kernel's own scheduler runs tasks only between the
  // detach and the attach.
  std::string switch_to(const std::string &path, const std::vector<std::string> &sets, double now);
  // The `set` request: live params take the new values at once; anything
  // else (a param that is not live, a value out of range) changes nothing.
  std::string set_live(const std::vector<std::string> &sets);
  // The `hint` request: hints of one task (per-task hints) and its process
  // (per-process ones), or --clear for all of them; for root, the policy's
  // own user and the process's owner.
  std::string set_hints(const std::vector<std::string> &words, uid_t uid);

  using Clock = std::chrono::steady_clock;

  const Options &o_;
  // The policy to attach on the next run(): the command line's, or the last
  // one switched to.
  std::string path_;
  Meta meta_;
  std::vector<uint64_t> tunables_;
  std::unique_ptr<Running> running_;
  bool switched_ = false;  // running_ was replaced while serving a request
  // These outlive a restart.
  std::unique_ptr<Workload> workload_;
  bool started_ = false;
  Clock::time_point start_;
};

// Set by SIGINT/SIGTERM.
void install_stop_handlers();

}  // namespace schedrun
