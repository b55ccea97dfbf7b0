#include "session.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <memory>
#include <thread>

#include "ejection.h"
#include "exit_kind.h"
#include "failure.h"
#include "policy_object.h"
#include "program_report.h"
#include "sched_ext_sysfs.h"
#include "schedc_abi.h"
#include "stats.h"
#include "stats_socket.h"
#include "tunables.h"

namespace schedrun {
namespace {

volatile sig_atomic_t g_stop = 0;  // the signal that asked to stop, or 0

void on_stop(int signal) {
  g_stop = signal;
}

constexpr uint64_t kSwitchPartial = 1ULL << 3;  // SCX_OPS_SWITCH_PARTIAL
constexpr auto kPoll = std::chrono::milliseconds(50);

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

schedc_exit_info read_exit_info(int fd) {
  schedc_exit_info info;
  memset(&info, 0, sizeof(info));
  uint32_t zero = 0;
  bpf_map_lookup_elem(fd, &zero, &info);
  info.reason[sizeof(info.reason) - 1] = '\0';
  info.msg[sizeof(info.msg) - 1] = '\0';
  info.dump[sizeof(info.dump) - 1] = '\0';
  return info;
}

// `reading`: schedrun's own lines about the ejection (ejection.h).
void print_exit(FILE *out, const std::string &policy, const schedc_exit_info &info,
                const std::vector<std::string> &reading) {
  fprintf(out, "schedrun: policy '%s' was ejected by the kernel: %s\n", policy.c_str(),
          exit_kind_name(info.kind).c_str());
  if (info.reason[0]) fprintf(out, "  reason:  %s\n", info.reason);
  if (info.msg[0]) fprintf(out, "  message: %s\n", info.msg);
  if (info.exit_code)
    fprintf(out, "  exit_code: 0x%llx%s\n", static_cast<unsigned long long>(info.exit_code),
            (info.exit_code & kEcodeActRestart) ? " (restart requested)" : "");
  for (const std::string &line : reading) fprintf(out, "  %s\n", line.c_str());
  if (info.dump[0]) {
    fprintf(out, "  the kernel's dump of the scheduler state:\n");
    const char *line = info.dump;
    while (*line) {
      const char *end = strchr(line, '\n');
      size_t len = end ? static_cast<size_t>(end - line) : strlen(line);
      fprintf(out, "    | %.*s\n", static_cast<int>(len), line);
      line += len + (end ? 1 : 0);
    }
  }
  fflush(out);
}

enum class Stop { Signal, Duration, WorkloadDone, Ejected };

}  // namespace

void install_stop_handlers() {
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_stop;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

Session::Session(const Options &options, const Meta &meta, std::vector<uint64_t> tunables)
    : o_(options), meta_(meta), tunables_(std::move(tunables)) {}

uint32_t Session::slots() const {
  int cpus = libbpf_num_possible_cpus();
  if (cpus <= 0) internal_error("cannot count possible CPUs");
  uint32_t slots = static_cast<uint32_t>(cpus);
  for (const Queue &q : meta_.queues) slots = std::max(slots, q.shards);
  if (slots > SCHEDC_MAX_SLOTS)
    user_error("this machine needs " + std::to_string(slots) +
               " queue slots, more than the ABI's " + std::to_string(SCHEDC_MAX_SLOTS));
  return slots;
}

void Session::print_banner(FILE *out) const {
  fprintf(out, "schedrun: running policy '%s' (%s)%s\n", meta_.policy.c_str(), o_.object.c_str(),
          o_.partial ? " for SCHED_EXT tasks only (--partial)" : "");
  std::string t;
  for (size_t i = 0; i < meta_.params.size(); i++)
    t +=
        (i ? " " : "") + meta_.params[i].name + "=" + format_tunable(meta_.params[i], tunables_[i]);
  fprintf(out, "  tunables:  %s\n", t.empty() ? "(none)" : t.c_str());
  if (!meta_.compiler.empty())
    fprintf(out, "  built by:  %s, from source sha256 %s\n", meta_.compiler.c_str(),
            meta_.source_sha256.empty() ? "(none)" : meta_.source_sha256.c_str());
  fprintf(out, "  cpus:      %d possible, %u queue slots\n", libbpf_num_possible_cpus(), slots());
  fprintf(out, "  sched_ext: state %s, ops %s\n", sched_ext_state().c_str(), active_ops().c_str());
  fflush(out);
}

int Session::verify() {
  PolicyObject policy(o_.object);
  policy.set_tunables(tunables_);
  policy.set_slots(slots(), meta_.queues.size());
  if (o_.partial) policy.set_ops_flag(kSwitchPartial);
  if (o_.timeout_ms) policy.set_watchdog_timeout(o_.timeout_ms);
  policy.keep_exit_dump();
  policy.load(o_.verbose);
  printf("schedrun: policy '%s' (%s) passed the verifier\n", meta_.policy.c_str(),
         o_.object.c_str());
  print_program_report(stdout, policy.object());
  return kExitOk;
}

SessionResult Session::run() {
  PolicyObject policy(o_.object);
  policy.set_tunables(tunables_);
  policy.set_slots(slots(), meta_.queues.size());
  if (o_.partial) policy.set_ops_flag(kSwitchPartial);
  if (o_.timeout_ms) policy.set_watchdog_timeout(o_.timeout_ms);
  policy.keep_exit_dump();
  policy.load(o_.verbose);
  int exit_fd = policy.map_fd(SCHEDC_EXIT_MAP_NAME);
  try {
    policy.attach();
  } catch (const Failure &f) {
    schedc_exit_info info = read_exit_info(exit_fd);
    if (!info.kind) throw;
    throw Failure(f.code(),
                  std::string(f.what()) + "the policy exited while starting: " +
                      exit_kind_name(info.kind) + ": " + info.reason + " " + info.msg,
                  f.hint());
  }

  // With --json stdout carries only JSON lines.
  FILE *info_out = o_.json ? stderr : stdout;
  print_banner(info_out);
  if (!workload_ && !o_.workload.empty()) workload_ = std::make_unique<Workload>(o_.workload);

  StatsReader reader(policy.map_fd(SCHEDC_STATS_MAP_NAME),
                     policy.optional_map_fd(SCHEDC_DEPTH_MAP_NAME), meta_, slots());
  auto print = o_.json ? print_stats_json : print_stats_text;
  Snapshot prev = reader.read();
  std::unique_ptr<StatsSocket> stats_socket;
  if (!o_.stats_socket.empty()) stats_socket = std::make_unique<StatsSocket>(o_.stats_socket);
  // --duration and the interval count from the first attach, across restarts.
  if (!started_) {
    start_ = Clock::now();
    started_ = true;
  }
  Clock::time_point start = start_;
  double next_tick = (std::floor(seconds_since(start) / o_.interval_s) + 1) * o_.interval_s;
  Stop why;
  schedc_exit_info exit_info;
  for (;;) {
    std::this_thread::sleep_for(kPoll);
    if (g_stop) {
      why = Stop::Signal;
      break;
    }
    if (workload_ && workload_->poll()) {
      why = Stop::WorkloadDone;
      break;
    }
    double now = seconds_since(start);
    if (o_.duration_s > 0 && now >= o_.duration_s) {
      why = Stop::Duration;
      break;
    }
    exit_info = read_exit_info(exit_fd);
    if (exit_info.kind != 0 || sched_ext_state() == "disabled") {
      std::this_thread::sleep_for(kPoll);  // let ops.exit finish writing
      exit_info = read_exit_info(exit_fd);
      why = Stop::Ejected;
      break;
    }
    if (stats_socket)
      stats_socket->serve([&] { return stats_document(meta_, reader.read(), now); });
    if (now >= next_tick) {
      Snapshot cur = reader.read();
      if (!o_.quiet) print(stdout, meta_, prev, cur, now, false);
      prev = cur;
      next_tick += o_.interval_s;
    }
  }

  Snapshot last = reader.read();
  double elapsed = seconds_since(start);
  policy.detach();
  print(stdout, meta_, Snapshot{}, last, elapsed, true);

  SessionResult result;
  switch (why) {
    case Stop::Ejected: {
      std::vector<QueueActivity> activity(meta_.queues.size());
      for (size_t q = 0; q < activity.size(); q++) {
        if (q < last.queue.size()) activity[q].dispatched = last.queue[q][SCHEDC_QSTAT_DISPATCHED];
        if (q < last.depth.size()) activity[q].waiting = last.depth[q];
      }
      std::vector<std::string> reading =
          explain_ejection(exit_info.msg, exit_info.dump, meta_, activity);
      print_exit(stderr, meta_.policy, exit_info, reading);
      if (o_.json) {
        fputs(ejection_json(meta_.policy, exit_kind_name(exit_info.kind), exit_info.exit_code,
                            exit_info.reason, exit_info.msg, reading)
                  .c_str(),
              stdout);
        fflush(stdout);
      }
      if (static_cast<uint64_t>(exit_info.exit_code) & kEcodeActRestart) {
        if (o_.restart) {
          fprintf(stderr,
                  "schedrun: re-attaching '%s': the kernel asked for a restart (a CPU came or "
                  "went); --no-restart exits instead\n",
                  meta_.policy.c_str());
          result.restart = true;
          return result;
        }
        fprintf(stderr, "schedrun: not re-attaching (--no-restart)\n");
      }
      if (workload_) workload_->stop();
      result.exit_code = kExitEjected;
      break;
    }
    case Stop::WorkloadDone:
      result.exit_code = workload_->poll().value_or(kExitUser);  // set when WorkloadDone
      fprintf(info_out, "schedrun: workload exited with status %d; detached '%s'\n",
              result.exit_code, meta_.policy.c_str());
      break;
    case Stop::Signal:
      if (workload_) workload_->stop();
      fprintf(info_out, "schedrun: stopped by %s; detached '%s'\n",
              g_stop == SIGTERM  ? "SIGTERM"
              : g_stop == SIGINT ? "SIGINT"
                                 : "a signal",
              meta_.policy.c_str());
      result.exit_code = kExitSignal + g_stop;
      break;
    case Stop::Duration:
      if (workload_) workload_->stop();
      fprintf(info_out, "schedrun: --duration elapsed; detached '%s'\n", meta_.policy.c_str());
      break;
  }
  return result;
}

}  // namespace schedrun
