// schedsim POLICY.sched WORKLOAD.json: runs a policy in a deterministic
// simulation of sched_ext (docs/schedsim.md).
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <numeric>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "Check.h"
#include "Compile.h"
#include "Maps.h"
#include "Sim.h"
#include "schedc_abi.h"
#include "topology.h"

namespace schedsim {
namespace {

const char *const kUsage =
    "usage: schedsim POLICY.sched WORKLOAD.json [--cpus N] [--topology nodes=N,llcs=M]\n"
    "                [--seed S] [--duration T] [--set NAME=VALUE]... [--json] [--trace FILE]\n"
    "                [--profile]\n"
    "       schedsim --check POLICY.sched [--runs N] [--seed S] [--duration T]\n"
    "                [--set NAME=VALUE]...\n";

const char *const kQstatNames[SCHEDC_QSTAT_NR] = {"enqueued",    "dispatched",    "preemptions",
                                                  "steals",      "balanced",      "steals_llc",
                                                  "steals_node", "steals_remote", "moved"};

struct Args {
  std::string policy, workload;
  Options options;
  std::vector<std::string> sets;
  bool json = false;
  std::string trace;     // Chrome/Perfetto trace file, or ""
  std::string topology;  // --topology, or ""
  bool check = false;
  bool durationSet = false;
  CheckOptions checkOptions;
};

uint64_t parseDuration(const std::string &s) {
  size_t digits = 0;
  while (digits < s.size() && isdigit(static_cast<unsigned char>(s[digits]))) digits++;
  std::string unit = s.substr(digits);
  uint64_t scale = unit == "ms" ? 1000000 : unit == "s" ? 1000000000ULL : unit == "us" ? 1000 : 0;
  if (digits == 0 || scale == 0 || digits > 9)
    throw std::runtime_error("--duration '" + s + "': write it with a unit, e.g. 10s or 500ms");
  return std::stoull(s.substr(0, digits)) * scale;
}

uint64_t parseCount(const std::string &flag, const std::string &s, uint64_t lo, uint64_t hi) {
  char *end = nullptr;
  errno = 0;
  unsigned long long v = std::strtoull(s.c_str(), &end, 10);
  if (s.empty() || *end || errno || v < lo || v > hi)
    throw std::runtime_error(flag + " '" + s + "': expected a number from " + std::to_string(lo) +
                             " to " + std::to_string(hi));
  return v;
}

Args parseArgs(int argc, char **argv) {
  Args a;
  std::vector<std::string> positional;
  for (int i = 1; i < argc; i++) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::runtime_error(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--cpus")
      a.options.cpus = static_cast<int>(parseCount(arg, value(), 1, 1024));
    else if (arg == "--seed")
      a.options.seed = parseCount(arg, value(), 0, UINT64_MAX);
    else if (arg == "--duration")
      a.options.durationNs = parseDuration(value()), a.durationSet = true;
    else if (arg == "--check")
      a.check = true;
    else if (arg == "--runs")
      a.checkOptions.runs = static_cast<int>(parseCount(arg, value(), 1, 100000));
    else if (arg == "--set")
      a.sets.push_back(value());
    else if (arg == "--json")
      a.json = true;
    else if (arg == "--trace")
      a.trace = value();
    else if (arg == "--topology")
      a.topology = value();
    else if (arg == "--profile")
      a.options.profile = true;
    else if (arg == "-h" || arg == "--help")
      throw std::invalid_argument("");
    else if (!arg.empty() && arg[0] == '-')
      throw std::runtime_error("unknown option " + arg);
    else
      positional.push_back(arg);
  }
  if (a.check) {
    if (positional.size() != 1) throw std::invalid_argument("--check takes a policy, no workload");
    if (!a.topology.empty())
      throw std::invalid_argument("--check draws its own CPU counts, without --topology");
    a.policy = positional[0];
    a.checkOptions.seed = a.options.seed;
    if (a.durationSet) a.checkOptions.durationNs = a.options.durationNs;
    return a;
  }
  if (positional.size() != 2) throw std::invalid_argument("expected a policy and a workload");
  a.options.trace = !a.trace.empty();
  a.policy = positional[0];
  a.workload = positional[1];
  return a;
}

// The CPU time a task got per second of the run.
double cpuShare(const Sim &sim, const SimTask &t) {
  return static_cast<double>(t.runtime) / static_cast<double>(std::max<uint64_t>(sim.elapsed(), 1));
}

// Whether a group's tasks want a steady share of the CPU (hogs and periodic
// tasks that never exit, with no event changing them), so that an ideal share
// means something.
bool steady(const Workload &w, int group) {
  const TaskGroup &g = w.groups[static_cast<size_t>(group)];
  bool changed = std::any_of(w.events.begin(), w.events.end(),
                             [&](const WorkloadEvent &e) { return e.group == group; });
  return (g.behaviour == Behaviour::Hog || g.behaviour == Behaviour::Periodic) && !g.lifetimeNs &&
         !changed;
}

// Each steady task's ideal CPU share: weighted max-min fairness over the CPU
// time the other tasks left, a task asking for at most its demand (1 for a
// hog, mean run / (run + sleep) for a periodic task). When the steady tasks
// may run on the same CPUs (all, or one set), those are the capacity; when
// their affinities differ, no task gets an ideal. Other tasks get NaN.
std::vector<double> idealShares(const Sim &sim) {
  const auto &tasks = sim.tasks();
  std::vector<double> share(tasks.size(), NAN), demand(tasks.size()), weight(tasks.size());
  std::vector<bool> done(tasks.size(), false);
  // The steady groups' CPUs (empty: all); when they are a set, the other
  // groups must have it too, or what they take from it is unknown.
  const std::vector<TaskGroup> &groups = sim.workload().groups;
  auto cpusOf = [](const TaskGroup &g) { return std::set<int>(g.cpus.begin(), g.cpus.end()); };
  std::optional<std::set<int>> cpus;
  for (size_t g = 0; g < groups.size(); g++) {
    if (!steady(sim.workload(), static_cast<int>(g))) continue;
    if (cpus && *cpus != cpusOf(groups[g])) return share;
    cpus = cpusOf(groups[g]);
  }
  if (cpus && !cpus->empty())
    for (const TaskGroup &g : groups)
      if (cpusOf(g) != *cpus) return share;
  double capacity = cpus && !cpus->empty() ? static_cast<double>(cpus->size()) : sim.nrCpus();
  for (size_t i = 0; i < tasks.size(); i++) {
    const TaskGroup &g = sim.workload().groups[tasks[i]->group];
    if (!steady(sim.workload(), tasks[i]->group)) {
      done[i] = true;
      capacity -= cpuShare(sim, *tasks[i]);
      continue;
    }
    demand[i] =
        g.behaviour == Behaviour::Hog ? 1.0 : g.run.mean() / (g.run.mean() + g.sleep.mean());
    weight[i] = tasks[i]->ts.scx.weight;
  }
  for (size_t round = 0; round < tasks.size() && capacity > 1e-12; round++) {
    double total = 0;
    for (size_t i = 0; i < tasks.size(); i++)
      if (!done[i]) total += weight[i];
    if (total <= 0) break;
    bool capped = false;
    for (size_t i = 0; i < tasks.size(); i++)
      if (!done[i] && capacity * weight[i] / total >= demand[i]) {
        share[i] = demand[i];
        done[i] = true;
        capacity -= demand[i];
        capped = true;
      }
    if (capped) continue;
    for (size_t i = 0; i < tasks.size(); i++)
      if (!done[i]) share[i] = capacity * weight[i] / total;
    break;
  }
  for (size_t i = 0; i < tasks.size(); i++)
    if (!done[i] && std::isnan(share[i])) share[i] = 0;
  return share;
}

// --topology nodes=N,llcs=M: M LLCs in all, spread evenly over N nodes, the
// CPUs spread evenly over the LLCs in order, each CPU a core of its own.
schedrun::Topology parseTopology(const std::string &spec, int cpus) {
  uint64_t nodes = 1, llcs = 1;
  std::stringstream parts(spec);
  std::string part;
  while (std::getline(parts, part, ',')) {
    auto eq = part.find('=');
    std::string key = part.substr(0, eq);
    if (eq == std::string::npos || (key != "nodes" && key != "llcs"))
      throw std::runtime_error("--topology '" + spec + "': expected nodes=N,llcs=M");
    uint64_t n = parseCount("--topology " + key, part.substr(eq + 1), 1, 1024);
    (key == "nodes" ? nodes : llcs) = n;
  }
  if (llcs < nodes || llcs % nodes || static_cast<uint64_t>(cpus) % llcs)
    throw std::runtime_error("--topology '" + spec +
                             "': the LLCs must split evenly over the nodes, and the " +
                             std::to_string(cpus) + " CPUs over the LLCs");
  schedrun::Topology t;
  uint64_t perLlc = static_cast<uint64_t>(cpus) / llcs, llcsPerNode = llcs / nodes;
  for (uint64_t c = 0; c < static_cast<uint64_t>(cpus); c++) {
    t.llc.push_back(static_cast<uint32_t>(c / perLlc));
    t.node.push_back(static_cast<uint32_t>(c / perLlc / llcsPerNode));
    t.core.push_back(static_cast<uint32_t>(c));
  }
  for (uint64_t l = 0; l < llcs; l++) t.llc_node.push_back(static_cast<uint32_t>(l / llcsPerNode));
  t.nr_llcs = static_cast<uint32_t>(llcs);
  t.nr_nodes = static_cast<uint32_t>(nodes);
  t.nr_cores = static_cast<uint32_t>(cpus);
  return t;
}

uint64_t percentile(std::vector<uint64_t> v, double p) {
  if (v.empty()) return 0;
  size_t k = static_cast<size_t>(std::lround(p * static_cast<double>(v.size() - 1)));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
  return v[k];
}

struct GroupRow {
  std::string name;
  int tasks = 0, nice = 0, exited = 0;
  double share = 0, ideal = 0;  // ideal: NaN for a group that is not steady
  uint64_t mean = 0, p50 = 0, p99 = 0, max = 0, switches = 0, migrations = 0;
  int64_t finishedNs = -1;  // hackbench: from its start to its last task's exit
};

std::vector<GroupRow> groupRows(const Sim &sim) {
  std::vector<double> ideal = idealShares(sim);
  std::vector<GroupRow> rows(sim.workload().groups.size());
  for (size_t g = 0; g < rows.size(); g++) {
    rows[g].name = sim.workload().groups[g].name;
    rows[g].nice = sim.workload().groups[g].nice;
  }
  for (const auto &t : sim.tasks()) {
    GroupRow &r = rows[t->group];
    r.tasks++;
    r.share += cpuShare(sim, *t);
    r.ideal += ideal[t->id];
    r.switches += t->switches;
    r.migrations += t->migrations;
    r.max = std::max(r.max, t->maxWait);
    if (t->exited) r.exited++;
  }
  for (size_t g = 0; g < rows.size(); g++) {
    const TaskGroup &group = sim.workload().groups[g];
    if (group.behaviour == Behaviour::Hackbench && rows[g].exited == rows[g].tasks) {
      uint64_t last = 0;
      for (const auto &t : sim.tasks())
        if (t->group == static_cast<int>(g)) last = std::max(last, t->exitedAt);
      rows[g].finishedNs = static_cast<int64_t>(last - group.startNs);
    }
    if (rows[g].tasks) {
      rows[g].share /= rows[g].tasks;
      rows[g].ideal /= rows[g].tasks;
    }
    const std::vector<uint64_t> &waits = sim.waits()[g];
    if (!waits.empty())
      rows[g].mean = std::accumulate(waits.begin(), waits.end(), uint64_t{0}) / waits.size();
    rows[g].p50 = percentile(sim.waits()[g], 0.50);
    rows[g].p99 = percentile(sim.waits()[g], 0.99);
  }
  return rows;
}

uint64_t sum(const std::vector<uint64_t> &v) {
  uint64_t s = 0;
  for (uint64_t x : v) s += x;
  return s;
}

// A server group's served requests of one class: latency from arrival to
// completion, and slowdown (latency over the request's own work).
struct RequestRow {
  std::string group;
  int cls = 0;
  uint64_t workMeanNs = 0, count = 0;
  uint64_t p50 = 0, p99 = 0, p999 = 0;  // latency, ns
  double slow99 = 0, slow999 = 0;
};

std::vector<RequestRow> requestRows(const Sim &sim) {
  std::vector<RequestRow> rows;
  for (size_t g = 0; g < sim.servers().size(); g++) {
    const ServerState &s = sim.servers()[g];
    for (size_t c = 0; c < s.latency.size(); c++) {
      RequestRow r;
      r.group = sim.workload().groups[g].name;
      r.cls = static_cast<int>(c);
      r.count = s.latency[c].size();
      r.workMeanNs = static_cast<uint64_t>(sim.workload().groups[g].server.classes[c].work.mean());
      r.p50 = percentile(s.latency[c], 0.50);
      r.p99 = percentile(s.latency[c], 0.99);
      r.p999 = percentile(s.latency[c], 0.999);
      // Slowdown in thousandths, so that percentile() can rank it.
      std::vector<uint64_t> slow(r.count);
      for (size_t i = 0; i < r.count; i++)
        slow[i] = s.latency[c][i] * 1000 / std::max<uint64_t>(1, s.work[c][i]);
      r.slow99 = static_cast<double>(percentile(slow, 0.99)) / 1000;
      r.slow999 = static_cast<double>(percentile(slow, 0.999)) / 1000;
      rows.push_back(r);
    }
  }
  return rows;
}

void report(const Args &a, const LoadedPolicy &policy, const Sim &sim, bool ok) {
  std::vector<GroupRow> rows = groupRows(sim);
  std::vector<RequestRow> requests = requestRows(sim);
  double idleWaitingMs = static_cast<double>(sim.idleWhileWaiting()) / 1e6;
  const schedrun::Meta &meta = policy.meta;
  if (a.json) {
    std::printf("{\"policy\":\"%s\",\"cpus\":%d,\"seed\":%" PRIu64
                ",\"simulated_s\":%.6f,"
                "\"events\":%" PRIu64 ",\"ejected\":",
                meta.policy.c_str(), sim.nrCpus(), a.options.seed,
                static_cast<double>(sim.elapsed()) / 1e9, sim.events());
    if (ok)
      std::printf("null");
    else
      std::printf("\"%s\"", sim.ejection().c_str());
    std::printf(",\"groups\":[");
    for (size_t g = 0; g < rows.size(); g++) {
      const GroupRow &r = rows[g];
      char ideal[32] = "null", finished[32] = "null";
      if (!std::isnan(r.ideal)) std::snprintf(ideal, sizeof ideal, "%.4f", r.ideal);
      if (r.finishedNs >= 0)
        std::snprintf(finished, sizeof finished, "%.3f", static_cast<double>(r.finishedNs) / 1e6);
      std::printf(
          "%s{\"name\":\"%s\",\"tasks\":%d,\"nice\":%d,\"cpu_share\":%.4f,"
          "\"ideal_share\":%s,\"wait_ns\":{\"mean\":%" PRIu64 ",\"p50\":%" PRIu64
          ",\"p99\":%" PRIu64 ",\"max\":%" PRIu64 "},\"switches\":%" PRIu64
          ",\"migrations\":%" PRIu64 ",\"exited\":%d,\"finished_ms\":%s}",
          g ? "," : "", r.name.c_str(), r.tasks, r.nice, r.share, ideal, r.mean, r.p50, r.p99,
          r.max, r.switches, r.migrations, r.exited, finished);
    }
    std::printf("],\"requests\":[");
    for (size_t i = 0; i < requests.size(); i++) {
      const RequestRow &r = requests[i];
      std::printf("%s{\"group\":\"%s\",\"class\":%d,\"work_ns\":%" PRIu64 ",\"served\":%" PRIu64
                  ",\"latency_ns\":{\"p50\":%" PRIu64 ",\"p99\":%" PRIu64 ",\"p999\":%" PRIu64
                  "},\"slowdown\":{\"p99\":%.3f,\"p999\":%.3f}}",
                  i ? "," : "", r.group.c_str(), r.cls, r.workMeanNs, r.count, r.p50, r.p99, r.p999,
                  r.slow99, r.slow999);
    }
    std::printf("],\"idle_while_waiting_ms\":%.3f,\"tasks\":[", idleWaitingMs);
    // Per task: its CPU time, runs and when it exited (ms, or null).
    for (const auto &t : sim.tasks()) {
      char exited[32] = "null";
      if (t->exited)
        std::snprintf(exited, sizeof exited, "%.3f", static_cast<double>(t->exitedAt) / 1e6);
      std::printf("%s{\"id\":%d,\"group\":\"%s\",\"cpu_share\":%.4f,\"switches\":%" PRIu64
                  ",\"migrations\":%" PRIu64 ",\"exited_ms\":%s}",
                  t->id ? "," : "", t->id, sim.workload().groups[t->group].name.c_str(),
                  cpuShare(sim, *t), t->switches, t->migrations, exited);
    }
    std::printf("]");
    std::printf(",\"queues\":{");
    for (size_t q = 0; q < meta.queues.size(); q++) {
      std::printf("%s\"%s\":{", q ? "," : "", meta.queues[q].name.c_str());
      for (int k = 0; k < SCHEDC_QSTAT_NR; k++)
        std::printf("%s\"%s\":%" PRIu64, k ? "," : "", kQstatNames[k],
                    sum(percpuValues(policy.stats, static_cast<uint32_t>(q * SCHEDC_QSTAT_NR +
                                                                         static_cast<size_t>(k)))));
      std::printf("}");
    }
    std::printf("},\"counters\":{");
    for (size_t c = 0; c < meta.counters.size(); c++)
      std::printf("%s\"%s\":%" PRIu64, c ? "," : "", meta.counters[c].c_str(),
                  sum(percpuValues(policy.stats, static_cast<uint32_t>(SCHEDC_COUNTER_BASE) +
                                                     static_cast<uint32_t>(c))));
    std::printf("}}\n");
    return;
  }
  std::printf("schedsim: policy %s on %d CPUs, %.3f s simulated, seed %" PRIu64 ", %" PRIu64
              " events\n",
              meta.policy.c_str(), sim.nrCpus(), static_cast<double>(sim.elapsed()) / 1e9,
              a.options.seed, sim.events());
  if (!ok) std::printf("ejected: %s\n", sim.ejection().c_str());
  std::printf("%-12s %5s %5s %9s %9s %10s %10s %10s %9s %10s\n", "group", "tasks", "nice",
              "cpu/task", "ideal", "wait p50", "wait p99", "wait max", "switches", "migrations");
  for (const GroupRow &r : rows) {
    char ideal[32] = "-";
    if (!std::isnan(r.ideal)) std::snprintf(ideal, sizeof ideal, "%.4f", r.ideal);
    std::printf("%-12s %5d %5d %9.4f %9s %8.3fms %8.3fms %8.3fms %9" PRIu64 " %10" PRIu64 "\n",
                r.name.c_str(), r.tasks, r.nice, r.share, ideal, static_cast<double>(r.p50) / 1e6,
                static_cast<double>(r.p99) / 1e6, static_cast<double>(r.max) / 1e6, r.switches,
                r.migrations);
  }
  for (size_t g = 0; g < rows.size(); g++) {
    const TaskGroup &group = sim.workload().groups[g];
    if (group.behaviour == Behaviour::Hackbench) {
      if (rows[g].finishedNs >= 0)
        std::printf("hackbench %s: every message delivered in %.3f ms\n", rows[g].name.c_str(),
                    static_cast<double>(rows[g].finishedNs) / 1e6);
      else
        std::printf("hackbench %s: unfinished, %d of %d tasks done\n", rows[g].name.c_str(),
                    rows[g].exited, rows[g].tasks);
    } else if (group.lifetimeNs) {
      std::printf("group %s: %d of %d tasks exited\n", rows[g].name.c_str(), rows[g].exited,
                  rows[g].tasks);
    }
  }
  if (!requests.empty())
    std::printf("%-12s %5s %9s %9s %10s %10s %10s %9s %9s\n", "requests", "class", "work", "served",
                "lat p50", "lat p99", "lat p99.9", "slow p99", "slow p99.9");
  for (const RequestRow &r : requests)
    std::printf("%-12s %5d %7.1fus %9" PRIu64 " %8.1fus %8.1fus %8.1fus %9.2f %9.2f\n",
                r.group.c_str(), r.cls, static_cast<double>(r.workMeanNs) / 1e3, r.count,
                static_cast<double>(r.p50) / 1e3, static_cast<double>(r.p99) / 1e3,
                static_cast<double>(r.p999) / 1e3, r.slow99, r.slow999);
  std::printf("idle while work waited: %.3f ms of CPU time\n", idleWaitingMs);
  for (size_t q = 0; q < meta.queues.size(); q++) {
    std::printf("queue %-12s", meta.queues[q].name.c_str());
    for (int k = 0; k < SCHEDC_QSTAT_NR; k++) {
      uint64_t v = sum(percpuValues(
          policy.stats, static_cast<uint32_t>(q * SCHEDC_QSTAT_NR + static_cast<size_t>(k))));
      if (v || k < 2) std::printf("  %s %" PRIu64, kQstatNames[k], v);
    }
    std::printf("\n");
  }
  for (size_t c = 0; c < meta.counters.size(); c++)
    std::printf("counter %-10s %" PRIu64 "\n", meta.counters[c].c_str(),
                sum(percpuValues(policy.stats, static_cast<uint32_t>(SCHEDC_COUNTER_BASE) +
                                                   static_cast<uint32_t>(c))));
}

// --profile, on stderr (host times differ run to run; stdout stays the same
// for a seed): each callback's calls and mean host time, then the three that
// decide together.
void printProfile(const Sim &sim) {
  const auto &costs = sim.callbackCosts();
  std::fprintf(stderr, "schedsim: %-10s %12s %10s\n", "callback", "calls", "ns/call");
  for (size_t i = 0; i < kCallbacks; i++)
    if (costs[i].calls)
      std::fprintf(stderr, "schedsim: %-10s %12" PRIu64 " %10.1f\n",
                   callbackName(static_cast<Callback>(i)), costs[i].calls,
                   static_cast<double>(costs[i].ns) / static_cast<double>(costs[i].calls));
  uint64_t calls = 0, ns = 0;
  for (Callback cb : {Callback::SelectCpu, Callback::Enqueue, Callback::Dispatch}) {
    calls += costs[static_cast<size_t>(cb)].calls;
    ns += costs[static_cast<size_t>(cb)].ns;
  }
  std::fprintf(stderr, "schedsim: decisions %" PRIu64 ", %.1f ns each\n", calls,
               calls ? static_cast<double>(ns) / static_cast<double>(calls) : 0.0);
}

// The schedule in the Chrome trace format (Perfetto and chrome://tracing
// read it): a track per CPU, a slice per run of a task, named by its group
// and id. Times are in microseconds.
void writeTrace(const std::string &path, const Sim &sim) {
  FILE *out = std::fopen(path.c_str(), "w");
  if (!out) throw std::runtime_error(path + ": cannot write the trace: " + std::strerror(errno));
  std::fprintf(out, "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[");
  for (int c = 0; c < sim.nrCpus(); c++)
    std::fprintf(out,
                 "%s{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":0,\"tid\":%d,"
                 "\"args\":{\"name\":\"CPU %d\"}}",
                 c ? "," : "", c, c);
  for (const RunSlice &s : sim.slices()) {
    const SimTask &t = *sim.tasks()[s.task];
    std::fprintf(out,
                 ",{\"name\":\"%s/%d\",\"ph\":\"X\",\"pid\":0,\"tid\":%d,\"ts\":%.3f,"
                 "\"dur\":%.3f,\"args\":{\"pid\":%d,\"nice\":%d}}",
                 sim.workload().groups[t.group].name.c_str(), t.id, s.cpu,
                 static_cast<double>(s.start) / 1e3, static_cast<double>(s.end - s.start) / 1e3,
                 t.ts.pid, sim.workload().groups[t.group].nice);
  }
  std::fprintf(out, "]}\n");
  if (std::fclose(out) != 0) throw std::runtime_error(path + ": cannot write the trace");
}

int run(int argc, char **argv) {
  Args a = parseArgs(argc, argv);
  if (a.check) {
    // Up to 64 CPUs: the slots of the largest case.
    LoadedPolicy policy = compileForHost(a.policy, a.sets, SCHEDC_DEFAULT_SLOTS);
    return checkPolicy(a.policy, policy, a.checkOptions);
  }
  Workload workload = readWorkload(a.workload);
  for (const TaskGroup &g : workload.groups)
    for (int c : g.cpus)
      if (c >= a.options.cpus)
        throw std::runtime_error(a.workload + ": group " + g.name + " names CPU " +
                                 std::to_string(c) + ", but the machine has " +
                                 std::to_string(a.options.cpus) + " CPUs (--cpus)");
  for (const WorkloadEvent &e : workload.events)
    if (e.cpus)
      for (int c : *e.cpus)
        if (c >= a.options.cpus)
          throw std::runtime_error(a.workload + ": an event names CPU " + std::to_string(c) +
                                   ", but the machine has " + std::to_string(a.options.cpus) +
                                   " CPUs (--cpus)");
  uint32_t slots = std::max<uint32_t>(SCHEDC_DEFAULT_SLOTS, static_cast<uint32_t>(a.options.cpus));
  std::unique_ptr<schedc_topology> topology;
  if (!a.topology.empty()) {
    schedrun::Topology t = parseTopology(a.topology, a.options.cpus);
    topology = std::make_unique<schedc_topology>();
    schedrun::fill_abi_topology(t, *topology);
    std::fprintf(stderr, "schedsim: %s\n", schedrun::describe_topology(t).c_str());
  }
  LoadedPolicy policy = compileForHost(a.policy, a.sets, slots, topology.get());
  resetMaps(slots, a.options.cpus);
  Sim sim(a.options, workload);
  auto start = std::chrono::steady_clock::now();
  bool ok = sim.run(*policy.ops);
  double host = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  report(a, policy, sim, ok);
  if (!a.trace.empty()) writeTrace(a.trace, sim);
  std::fprintf(stderr, "schedsim: %.3f s of host time, %.0f events/s\n", host,
               host > 0 ? static_cast<double>(sim.events()) / host : 0.0);
  if (a.options.profile) printProfile(sim);
  return ok ? 0 : 3;
}

}  // namespace
}  // namespace schedsim

int main(int argc, char **argv) {
  try {
    return schedsim::run(argc, argv);
  } catch (const std::invalid_argument &e) {
    if (*e.what()) std::fprintf(stderr, "schedsim: %s\n", e.what());
    std::fputs(schedsim::kUsage, stderr);
    return 2;
  } catch (const std::exception &e) {
    std::fprintf(stderr, "schedsim: error: %s\n", e.what());
    return 1;
  }
}
