#include "Check.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <random>

#include "Maps.h"
#include "Sim.h"
#include "schedc_abi.h"

namespace schedsim {
namespace {

// A random workload on a random number of CPUs, from `seed` alone.
struct Case {
  int cpus = 1;
  Workload workload;
};

// Some CPUs out of `cpus`, at least one, not all.
std::vector<int> randomCpus(std::mt19937_64 &rng, int cpus) {
  int n = 1 + static_cast<int>(rng() % static_cast<uint64_t>(cpus - 1));
  std::vector<int> out;
  for (int i = 0; i < n; i++) out.push_back(static_cast<int>(rng() % static_cast<uint64_t>(cpus)));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Case randomCase(uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto pick = [&](int lo, int hi) {
    return lo + static_cast<int>(rng() % static_cast<uint64_t>(hi - lo + 1));
  };
  static const int kCpus[] = {1, 2, 2, 3, 4, 4, 8, 16, 64};
  Case c;
  c.cpus = kCpus[rng() % (sizeof kCpus / sizeof kCpus[0])];
  int groups = pick(1, 4);
  for (int g = 0; g < groups; g++) {
    TaskGroup group;
    group.name = "g" + std::to_string(g);
    group.count = pick(1, std::min(32, 2 * c.cpus + 2));
    group.nice = pick(0, 1) ? 0 : pick(-10, 10);
    int kind = pick(0, 15);
    if (kind < 6) {
      group.behaviour = Behaviour::Periodic;
      group.run.a = static_cast<uint64_t>(pick(1, 10)) * kMs;
      group.sleep.a = static_cast<uint64_t>(pick(1, 50)) * kMs;
      if (pick(0, 3) == 0) group.run.kind = Dist::Kind::Exponential;
    } else if (kind < 9) {
      // A server at 10-60% of what its workers could do.
      group.behaviour = Behaviour::Server;
      group.count = pick(1, 8);
      RequestClass shortOnes{
          0.99, Dist{Dist::Kind::Exponential, static_cast<uint64_t>(pick(5, 100)) * 1000, 0}};
      RequestClass longOnes{0.01,
                            Dist{Dist::Kind::Fixed, static_cast<uint64_t>(pick(1, 5)) * kMs, 0}};
      group.server.classes = {shortOnes, longOnes};
      double mean = 0.99 * shortOnes.work.mean() + 0.01 * longOnes.work.mean();
      double load = pick(10, 60) / 100.0 * std::min(group.count, c.cpus);
      group.server.rate = load * 1e9 / mean;
    } else if (kind < 11) {
      group.behaviour = Behaviour::Hackbench;
      group.count = 1;
      group.messages.fds = pick(1, 4);
      group.messages.loops = pick(5, 50);
      group.messages.capacity = pick(1, 16);
      group.messages.workNs = static_cast<uint64_t>(pick(5, 50)) * 1000;
    }
    bool steady = group.behaviour == Behaviour::Hog || group.behaviour == Behaviour::Periodic;
    if (steady && pick(0, 4) == 0) {
      group.lifetimeNs = static_cast<uint64_t>(pick(5, 200)) * kMs;
      group.staggerNs = static_cast<uint64_t>(pick(1, 20)) * kMs;
    }
    if (c.cpus > 1 && pick(0, 9) < 3) group.cpus = randomCpus(rng, c.cpus);
    group.startNs = static_cast<uint64_t>(pick(0, 50)) * kMs;
    c.workload.groups.push_back(group);
  }
  // Now and then, a renice or a new affinity for a group, mid-run.
  for (int e = pick(0, 2); e > 0; e--) {
    WorkloadEvent event;
    event.atNs = static_cast<uint64_t>(pick(100, 3000)) * kMs;
    event.group = pick(0, groups - 1);
    if (pick(0, 1) || c.cpus == 1)
      event.nice = pick(-10, 10);
    else
      event.cpus = randomCpus(rng, c.cpus);
    c.workload.events.push_back(event);
  }
  sortEvents(c.workload.events);
  return c;
}

struct Outcome {
  std::string property;  // "" when every invariant held
  std::string message;
  std::deque<std::string> recent;
  std::string unfair;  // equal tasks got unequal shares (a finding, not a failure)
};

// Tasks of one group of hogs with the same affinity are equals: a fair
// policy gives them about the same CPU time (within 0.15 of a CPU over the run:
// per-CPU queues balance in steps, not continuously).
void checkEquals(const Sim &sim, Outcome &out) {
  for (size_t g = 0; g < sim.workload().groups.size(); g++) {
    const TaskGroup &group = sim.workload().groups[g];
    if (group.behaviour != Behaviour::Hog || group.count < 2 || group.lifetimeNs) continue;
    double lo = 1e18, hi = 0;
    for (const auto &t : sim.tasks()) {
      if (t->group != static_cast<int>(g)) continue;
      double share = static_cast<double>(t->runtime) / static_cast<double>(sim.elapsed());
      lo = std::min(lo, share);
      hi = std::max(hi, share);
    }
    if (hi - lo > 0.15) {
      char text[200];
      std::snprintf(text, sizeof text,
                    "the CPU-bound tasks of group %s got from %.3f to %.3f of a CPU each",
                    group.name.c_str(), lo, hi);
      out.unfair = text;
      return;
    }
  }
}

Outcome runCase(const LoadedPolicy &policy, const Case &c, uint64_t seed, uint64_t duration) {
  policy.restore();
  resetMaps(std::max<uint32_t>(SCHEDC_DEFAULT_SLOTS, static_cast<uint32_t>(c.cpus)), c.cpus);
  Options options;
  options.cpus = c.cpus;
  options.seed = seed;
  options.durationNs = duration;
  options.check = true;
  Sim sim(options, c.workload);
  Outcome out;
  if (!sim.run(*policy.ops)) {
    out.property = sim.property().empty() ? "no ejection" : sim.property();
    out.message = sim.ejection();
    out.recent = sim.recent();
    return out;
  }
  checkEquals(sim, out);
  return out;
}

// Keeps only the CPUs below `cpus`; false when that leaves none.
bool keepCpusBelow(std::vector<int> &list, int cpus) {
  list.erase(std::remove_if(list.begin(), list.end(), [&](int cpu) { return cpu >= cpus; }),
             list.end());
  return !list.empty();
}

// Smaller variants of a case: fewer CPUs, a group or an event less, fewer
// tasks in a group, all tasks starting at once, no affinity.
std::vector<Case> smaller(const Case &c) {
  std::vector<Case> out;
  if (c.cpus > 1) {
    // Half the CPUs, when every group and event keeps a CPU it may run on.
    Case k = c;
    k.cpus = c.cpus / 2;
    bool fits = true;
    for (TaskGroup &g : k.workload.groups)
      if (!g.cpus.empty()) fits = keepCpusBelow(g.cpus, k.cpus) && fits;
    for (WorkloadEvent &e : k.workload.events)
      if (e.cpus) fits = keepCpusBelow(*e.cpus, k.cpus) && fits;
    if (fits) out.push_back(k);
  }
  for (size_t e = 0; e < c.workload.events.size(); e++) {
    Case k = c;
    k.workload.events.erase(k.workload.events.begin() + static_cast<long>(e));
    out.push_back(k);
  }
  for (size_t g = 0; g < c.workload.groups.size(); g++) {
    if (c.workload.groups.size() > 1) {
      Case k = c;
      k.workload.groups.erase(k.workload.groups.begin() + static_cast<long>(g));
      auto &events = k.workload.events;
      events.erase(
          std::remove_if(events.begin(), events.end(),
                         [&](const WorkloadEvent &e) { return e.group == static_cast<int>(g); }),
          events.end());
      for (WorkloadEvent &e : events)
        if (e.group > static_cast<int>(g)) e.group--;
      out.push_back(k);
    }
    const TaskGroup &group = c.workload.groups[g];
    if (group.count > 1) {
      Case k = c;
      k.workload.groups[g].count = group.count / 2;
      out.push_back(k);
    }
    if (group.startNs || group.staggerNs) {
      Case k = c;
      k.workload.groups[g].startNs = 0;
      k.workload.groups[g].staggerNs = 0;
      out.push_back(k);
    }
    if (!group.cpus.empty()) {
      Case k = c;
      k.workload.groups[g].cpus.clear();
      out.push_back(k);
    }
  }
  return out;
}

}  // namespace

int checkPolicy(const std::string &policyPath, const LoadedPolicy &policy,
                const CheckOptions &options) {
  int unfairRuns = 0;
  std::string firstUnfair;
  for (int run = 0; run < options.runs; run++) {
    uint64_t seed = options.seed + static_cast<uint64_t>(run);
    Case c = randomCase(seed);
    Outcome out = runCase(policy, c, seed, options.durationNs);
    if (!out.unfair.empty() && unfairRuns++ == 0)
      firstUnfair =
          "seed " + std::to_string(seed) + " on " + std::to_string(c.cpus) + " CPUs: " + out.unfair;
    if (out.property.empty()) continue;
    // Shrink: keep any smaller case that breaks the same property.
    for (int step = 0; step < 200;) {
      bool reduced = false;
      for (const Case &k : smaller(c)) {
        if (++step >= 200) break;
        Outcome o = runCase(policy, k, seed, options.durationNs);
        if (o.property == out.property) {
          c = k;
          out = o;
          reduced = true;
          break;
        }
      }
      if (!reduced) break;
    }
    std::printf("schedsim --check: %s breaks \"%s\" (run %d, seed %" PRIu64 ")\n  %s\n",
                policy.meta.policy.c_str(), out.property.c_str(), run + 1, seed,
                out.message.c_str());
    std::printf("the smallest workload found that shows it, on %d CPUs:\n%s\n", c.cpus,
                workloadJson(c.workload).c_str());
    std::printf("to see it again: schedsim %s WORKLOAD.json --cpus %d --seed %" PRIu64
                " --duration %" PRIu64 "ms --trace trace.json\n",
                policyPath.c_str(), c.cpus, seed, options.durationNs / kMs);
    if (!out.recent.empty()) {
      std::printf("the last events before it:\n");
      for (const std::string &line : out.recent) std::printf("  %s\n", line.c_str());
    }
    return 4;
  }
  std::printf("schedsim --check: %s kept every property in %d runs (seeds %" PRIu64 "..%" PRIu64
              "): work conservation, no starvation (runnable at most %d ms), "
              "each task queued once, no ejection\n",
              policy.meta.policy.c_str(), options.runs, options.seed,
              options.seed + static_cast<uint64_t>(options.runs) - 1,
              static_cast<int>(Options().maxWaitNs / kMs));
  // Fairness among equals is a measure of the policy, not an invariant
  // (sharded queues are unequal by design): reported, not failed.
  if (unfairRuns)
    std::printf(
        "note: equal CPU-bound tasks got shares more than 0.15 apart in %d of %d runs; "
        "first, %s\n",
        unfairRuns, options.runs, firstUnfair.c_str());
  else
    std::printf("note: equal CPU-bound tasks got shares within 0.15 of each other in every run\n");
  return 0;
}

}  // namespace schedsim
