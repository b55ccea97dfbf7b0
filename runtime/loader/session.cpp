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

#include "control_socket.h"
#include "ejection.h"
#include "exit_kind.h"
#include "failure.h"
#include "kernel_features.h"
#include "policy_object.h"
#include "program_report.h"
#include "sched_ext_sysfs.h"
#include "schedc_abi.h"
#include "stats.h"
#include "topology.h"
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

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

}  // namespace

struct Running {
  std::string path;
  Meta meta;
  std::vector<uint64_t> tunables;
  uint32_t slots = 0;
  Topology topology;
  std::unique_ptr<PolicyObject> object;
  int exit_fd = -1;
  std::unique_ptr<StatsReader> reader;  // reads `meta`: a Running never moves
};

void install_stop_handlers() {
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_stop;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

Session::Session(const Options &options, const Meta &meta, std::vector<uint64_t> tunables)
    : o_(options), path_(options.object), meta_(meta), tunables_(std::move(tunables)) {}

Session::~Session() = default;

uint32_t Session::slots(const Meta &meta) const {
  int cpus = libbpf_num_possible_cpus();
  if (cpus <= 0) internal_error("cannot count possible CPUs");
  uint32_t slots = static_cast<uint32_t>(cpus);
  for (const Queue &q : meta.queues) slots = std::max(slots, q.shards);
  if (slots > SCHEDC_MAX_SLOTS)
    user_error("this machine needs " + std::to_string(slots) +
               " queue slots, more than the ABI's " + std::to_string(SCHEDC_MAX_SLOTS));
  return slots;
}

std::unique_ptr<Running> Session::load(const std::string &path, const Meta &meta,
                                       std::vector<uint64_t> tunables) const {
  auto r = std::make_unique<Running>();
  r->path = path;
  r->meta = meta;
  r->tunables = std::move(tunables);
  r->slots = slots(r->meta);
  r->topology =
      read_topology("/sys/devices/system", static_cast<uint32_t>(libbpf_num_possible_cpus()));
  check_kernel_features(path);
  r->object = std::make_unique<PolicyObject>(path);
  PolicyObject &policy = *r->object;
  std::vector<bool> live;
  for (const Param &p : r->meta.params) live.push_back(p.live);
  policy.set_tunables(r->tunables, live);
  policy.set_slots(r->slots, r->meta.queues.size());
  auto abi_topology = std::make_unique<schedc_topology>();
  fill_abi_topology(r->topology, *abi_topology);
  policy.set_topology(*abi_topology);
  if (o_.partial) policy.set_ops_flag(kSwitchPartial);
  if (o_.timeout_ms) policy.set_watchdog_timeout(o_.timeout_ms);
  policy.keep_exit_dump();
  policy.load(o_.verbose);
  r->exit_fd = policy.map_fd(SCHEDC_EXIT_MAP_NAME);
  r->reader = std::make_unique<StatsReader>(policy.map_fd(SCHEDC_STATS_MAP_NAME),
                                            policy.optional_map_fd(SCHEDC_DEPTH_MAP_NAME), r->meta,
                                            r->slots);
  return r;
}

void Session::print_banner(FILE *out, const Running &r) const {
  fprintf(out, "schedrun: running policy '%s' (%s)%s\n", r.meta.policy.c_str(), r.path.c_str(),
          o_.partial ? " for SCHED_EXT tasks only (--partial)" : "");
  std::string t;
  for (size_t i = 0; i < r.meta.params.size(); i++)
    t += (i ? " " : "") + r.meta.params[i].name + "=" +
         format_tunable(r.meta.params[i], r.tunables[i]);
  fprintf(out, "  tunables:  %s\n", t.empty() ? "(none)" : t.c_str());
  if (!r.meta.compiler.empty())
    fprintf(out, "  built by:  %s, from source sha256 %s\n", r.meta.compiler.c_str(),
            r.meta.source_sha256.empty() ? "(none)" : r.meta.source_sha256.c_str());
  fprintf(out, "  cpus:      %d possible, %u queue slots\n", libbpf_num_possible_cpus(), r.slots);
  fprintf(out, "  topology:  %s\n", describe_topology(r.topology).c_str());
  fprintf(out, "  sched_ext: state %s, ops %s\n", sched_ext_state().c_str(), active_ops().c_str());
  fflush(out);
}

int Session::verify() {
  std::unique_ptr<Running> r = load(path_, meta_, tunables_);
  printf("schedrun: policy '%s' (%s) passed the verifier\n", meta_.policy.c_str(), path_.c_str());
  print_program_report(stdout, r->object->object());
  return kExitOk;
}

namespace {

// Attaches, naming the policy's own exit reason when it fails while starting.
void attach(Running &r) {
  try {
    r.object->attach();
  } catch (const Failure &f) {
    schedc_exit_info info = read_exit_info(r.exit_fd);
    if (!info.kind) throw;
    throw Failure(f.code(),
                  std::string(f.what()) + "the policy exited while starting: " +
                      exit_kind_name(info.kind) + ": " + info.reason + " " + info.msg,
                  f.hint());
  }
}

std::string failure_text(const Failure &f) {
  std::string text = f.what();
  if (text.empty() || text.back() != '\n') text += "\n";
  if (!f.hint().empty()) text += "hint: " + f.hint() + "\n";
  return text;
}

}  // namespace

std::string Session::answer(const Request &request, double now) {
  std::string command = request.words.empty() ? "stats" : request.words[0];
  if (command == "stats")
    return stats_document(running_->meta, running_->reader->read(), now, running_->tunables);
  if (command == "switch") {
    if (request.uid != 0 && request.uid != geteuid())
      return "error\npermission denied: only root may switch the policy\n";
    if (request.words.size() < 2) return "error\nusage: switch OBJ [NAME=VALUE...]\n";
    return switch_to(request.words[1], {request.words.begin() + 2, request.words.end()}, now);
  }
  if (command == "set") {
    if (request.uid != 0 && request.uid != geteuid())
      return "error\npermission denied: only root may change a tunable\n";
    if (request.words.size() < 2) return "error\nusage: set NAME=VALUE...\n";
    return set_live({request.words.begin() + 1, request.words.end()});
  }
  if (command == "hint")
    return set_hints({request.words.begin() + 1, request.words.end()}, request.uid);
  return "error\nunknown request '" + command + "': expected stats, switch, set or hint\n";
}

std::string Session::switch_to(const std::string &path, const std::vector<std::string> &sets,
                               double now) {
  FILE *info_out = o_.json ? stderr : stdout;
  const std::string from = running_->meta.policy;
  std::unique_ptr<Running> next;
  Clock::time_point load_start = Clock::now();
  try {
    Meta meta = read_meta(path);
    next = load(path, meta, resolve_tunables(meta, sets));
  } catch (const Failure &f) {
    return "error\n" + failure_text(f) + "still running '" + from + "'\n";
  }
  double verify_ms = ms_since(load_start);

  Clock::time_point gap_start = Clock::now();
  running_->object->detach();
  try {
    attach(*next);
  } catch (const Failure &f) {
    // The kernel tore the old policy's state down: load it afresh.
    std::string why = failure_text(f);
    running_ = load(running_->path, running_->meta, running_->tunables);
    attach(*running_);
    switched_ = true;
    std::string text = why + "re-attached '" + from + "' after " +
                       std::to_string(std::lround(ms_since(gap_start))) +
                       " ms on the kernel's own scheduler\n";
    fprintf(stderr, "schedrun: switching to %s failed: %s", path.c_str(), text.c_str());
    return "error\n" + text;
  }
  double gap_ms = ms_since(gap_start);
  running_ = std::move(next);
  path_ = running_->path;
  meta_ = running_->meta;
  tunables_ = running_->tunables;
  switched_ = true;

  char line[512];
  snprintf(line, sizeof(line),
           "switched from '%s' to '%s' at %.1f s: tasks ran on the kernel's own scheduler for at "
           "most %.1f ms (the new policy was verified beforehand, in %.0f ms)\n",
           from.c_str(), meta_.policy.c_str(), now, gap_ms, verify_ms);
  fprintf(info_out, "schedrun: %s", line);
  print_banner(info_out, *running_);
  if (o_.json) {
    fprintf(stdout,
            "{\"event\":\"switched\",\"time_s\":%.3f,\"from\":\"%s\",\"to\":\"%s\","
            "\"gap_ms\":%.3f,\"verify_ms\":%.1f}\n",
            now, from.c_str(), meta_.policy.c_str(), gap_ms, verify_ms);
    fflush(stdout);
  }
  return std::string("ok\n") + line;
}

std::string Session::set_live(const std::vector<std::string> &sets) {
  Running &r = *running_;
  // All are checked before any is written: a request takes effect whole.
  std::vector<std::pair<size_t, uint64_t>> changes;
  try {
    for (const std::string &set : sets) {
      const Param &p = r.meta.params[param_index(r.meta, set)];
      if (!p.live)
        user_error("'" + p.name +
                       "' is not a live param: its value is built into the verified "
                       "code",
                   "restart with --set " + p.name + "=..., or declare it `live` in the policy");
    }
    std::vector<uint64_t> values = resolve_tunables(r.meta, sets, r.tunables);
    for (size_t i = 0; i < values.size(); i++)
      if (values[i] != r.tunables[i]) changes.push_back({i, values[i]});
  } catch (const Failure &f) {
    return "error\n" + failure_text(f) + "nothing changed\n";
  }
  std::string text;
  for (auto [index, value] : changes) {
    const Param &p = r.meta.params[index];
    r.object->set_live(index, value);
    text += p.name + ": " + format_tunable(p, r.tunables[index]) + " -> " +
            format_tunable(p, value) + "\n";
    r.tunables[index] = value;
  }
  tunables_ = r.tunables;  // kept when the policy is attached again
  if (text.empty()) text = "no change\n";
  FILE *info_out = o_.json ? stderr : stdout;
  fprintf(info_out, "schedrun: set %s", text.c_str());
  fflush(info_out);
  return "ok\n" + text;
}

namespace {

struct ProcessIds {
  uint32_t tgid = 0;
  uid_t owner = 0;
};

// The thread group and real user of task `pid`, from /proc; false if no
// such task.
bool read_process(uint32_t pid, ProcessIds &out) {
  FILE *f = fopen(("/proc/" + std::to_string(pid) + "/status").c_str(), "re");
  if (!f) return false;
  char line[256];
  bool tgid = false, uid = false;
  while (fgets(line, sizeof(line), f)) {
    unsigned long v;
    if (sscanf(line, "Tgid: %lu", &v) == 1) {
      out.tgid = static_cast<uint32_t>(v);
      tgid = true;
    } else if (sscanf(line, "Uid: %lu", &v) == 1) {
      out.owner = static_cast<uid_t>(v);
      uid = true;
    }
  }
  fclose(f);
  return tgid && uid;
}

}  // namespace

std::string Session::set_hints(const std::vector<std::string> &words, uid_t uid) {
  const Meta &meta = running_->meta;
  int fd = running_->object->optional_map_fd(SCHEDC_HINTS_MAP_NAME);
  if (meta.hints.empty() || fd < 0)
    return "error\npolicy '" + meta.policy + "' declares no hints\n";
  if (words.size() < 2) return "error\nusage: hint PID NAME=VALUE... | hint PID --clear\n";
  char *end = nullptr;
  unsigned long pid = strtoul(words[0].c_str(), &end, 10);
  ProcessIds ids;
  if (words[0].empty() || *end || pid == 0 || pid > UINT32_MAX ||
      !read_process(static_cast<uint32_t>(pid), ids))
    return "error\nno task " + words[0] + " is running\nnothing changed\n";
  if (uid != 0 && uid != geteuid() && uid != ids.owner)
    return "error\npermission denied: task " + words[0] +
           " belongs to another user; only its owner or root may hint it\n";
  schedc_hint_key keys[2] = {{static_cast<uint32_t>(pid), SCHEDC_HINT_TASK},
                             {ids.tgid, SCHEDC_HINT_PROCESS}};
  std::string text;
  if (words[1] == "--clear") {
    for (const schedc_hint_key &key : keys) bpf_map_delete_elem(fd, &key);
    text = "cleared the hints of task " + words[0] + " and of process " + std::to_string(ids.tgid) +
           "\n";
  } else {
    // Each scope's entry: what is set already, or the defaults.
    schedc_hint_values values[2];
    bool touched[2] = {false, false};
    for (int s = 0; s < 2; s++) {
      if (bpf_map_lookup_elem(fd, &keys[s], &values[s]) != 0) {
        memset(&values[s], 0, sizeof(values[s]));
        for (size_t i = 0; i < meta.hints.size(); i++) values[s].value[i] = meta.hints[i].value.def;
      }
    }
    try {
      for (size_t w = 1; w < words.size(); w++) {
        const std::string &set = words[w];
        size_t eq = set.find('=');
        std::string name = set.substr(0, eq);
        size_t i = 0;
        while (i < meta.hints.size() && meta.hints[i].value.name != name) i++;
        if (eq == std::string::npos || i == meta.hints.size()) {
          std::string valid;
          for (const Hint &h : meta.hints) valid += (valid.empty() ? "" : ", ") + h.value.name;
          user_error("hint " + set + ": policy '" + meta.policy + "' has no hint '" + name + "'",
                     "its hints: " + valid);
        }
        const Hint &h = meta.hints[i];
        int s = h.per_process ? SCHEDC_HINT_PROCESS : SCHEDC_HINT_TASK;
        values[s].value[i] = parse_tunable(h.value, set.substr(eq + 1));
        touched[s] = true;
        text += h.value.name + "=" + format_tunable(h.value, values[s].value[i]) +
                (h.per_process ? " for process " + std::to_string(ids.tgid) + " (all its threads)"
                               : " for task " + words[0]) +
                "\n";
      }
    } catch (const Failure &f) {
      return "error\n" + failure_text(f) + "nothing changed\n";
    }
    for (int s = 0; s < 2; s++)
      if (touched[s] && bpf_map_update_elem(fd, &keys[s], &values[s], BPF_ANY) != 0)
        return "error\ncannot store the hint: " + std::string(strerror(errno)) + "\n";
  }
  FILE *info_out = o_.json ? stderr : stdout;
  fprintf(info_out, "schedrun: hint %s", text.c_str());
  fflush(info_out);
  return "ok\n" + text;
}

SessionResult Session::run() {
  running_ = load(path_, meta_, tunables_);
  attach(*running_);

  // With --json stdout carries only JSON lines.
  FILE *info_out = o_.json ? stderr : stdout;
  print_banner(info_out, *running_);
  if (!workload_ && !o_.workload.empty()) workload_ = std::make_unique<Workload>(o_.workload);

  auto print = o_.json ? print_stats_json : print_stats_text;
  Snapshot prev = running_->reader->read();
  std::unique_ptr<ControlSocket> control;
  if (!o_.socket.empty()) control = std::make_unique<ControlSocket>(o_.socket);
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
    exit_info = read_exit_info(running_->exit_fd);
    if (exit_info.kind != 0 || sched_ext_state() == "disabled") {
      std::this_thread::sleep_for(kPoll);  // let ops.exit finish writing
      exit_info = read_exit_info(running_->exit_fd);
      why = Stop::Ejected;
      break;
    }
    if (control) control->serve([&](const Request &r) { return answer(r, now); });
    if (switched_) {  // the intervals go on, counting the new policy's work
      prev = running_->reader->read();
      switched_ = false;
    }
    if (now >= next_tick) {
      Snapshot cur = running_->reader->read();
      if (!o_.quiet) print(stdout, meta_, prev, cur, now, false);
      prev = cur;
      next_tick += o_.interval_s;
    }
  }

  Snapshot last = running_->reader->read();
  double elapsed = seconds_since(start);
  running_->object->detach();
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
