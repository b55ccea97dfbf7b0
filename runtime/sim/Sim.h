// schedsim's model of the sched_ext core: CPUs with local DSQs, the
// policy's DSQs, tasks that run and sleep, ticks, kicks and the watchdog,
// driving the policy's callbacks in the kernel's order (docs/schedsim.md says
// where it simplifies). The kfuncs and helpers of sim_kernel.h call into the
// one Sim that is running (Shim.cpp).
#pragma once
#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "Workload.h"
#include "sim_kernel.h"

namespace schedsim {

constexpr uint64_t kTickNs = 4'000'000;  // HZ=250, Debian's kernels
constexpr uint64_t kMs = 1'000'000;
constexpr uint64_t kForever = UINT64_MAX;  // a run that ends only when preempted

enum class TaskState { Sleeping, Queued, Running };

// A server's request: when it arrived, the CPU time it needs, its class.
struct Request {
  uint64_t arrival = 0, work = 0;
  int cls = 0;
};

// What a task does at the end of a run (Tasks.cpp decides).
enum class Next { Continue, Sleep, Block, Exit };

struct SimTask {
  task_struct ts{};  // first: the policy's task_struct* is this SimTask
  cpumask mask{};
  int id = 0;
  int group = 0;
  TaskState state = TaskState::Sleeping;
  int cpu = 0;                   // where it runs or last ran
  uint64_t burstLeft = 0;        // of its current run before it sleeps (kForever: a hog)
  uint64_t lifeLeft = kForever;  // CPU time before it exits
  bool alive = false;            // initialised (at attach or fork), not exited
  bool exited = false;
  bool wakePending = false;  // another task woke it; the Wake event is posted
  bool forking = false;      // its next wakeup is its first, after the fork
  uint64_t sleepFor = 0;     // Next::Sleep: how long
  uint64_t startAt = 0, exitedAt = 0;
  // hackbench: the first receiver of its instance, messages sent or
  // received, messages waiting in its pipe (a receiver), and the senders
  // blocked on its full pipe.
  int receivers = -1;
  bool sender = false;
  int sent = 0, received = 0, inbox = 0;
  std::deque<int> blockedSenders;
  Request request;      // a server worker: the request it serves
  uint64_t dsq = 0;     // the DSQ it waits in (0: none)
  uint64_t dsqSeq = 0;  // insertion order in that DSQ
  int localCpu = -1;    // the CPU whose local DSQ it waits in (-1: none)
  uint64_t runnableSince = 0;
  bool ddsp = false;  // select_cpu inserted it into SCX_DSQ_LOCAL (direct dispatch)
  uint64_t ddspSlice = 0;
  bool waited = false;  // counts its next wait (it woke or was preempted)
  // What the report adds up.
  uint64_t runtime = 0, switches = 0, migrations = 0, wakeups = 0;
  uint64_t maxWait = 0;
};

struct Dsq {
  bool vtime = false;
  std::list<SimTask *> tasks;  // in dispatch order (by vtime, then insertion)
};

struct Cpu {
  SimTask *curr = nullptr;
  std::deque<SimTask *> local;
  bool idle = true;  // idle and not claimed (scx idle tracking)
  bool reschedPending = false;
  uint64_t accountedAt = 0;  // curr's time is counted up to here
  uint64_t gen = 0;          // invalidates a pending burst-end event
  uint64_t busy = 0;         // time it ran tasks
  uint64_t idleSince = 0;
  uint64_t runStart = 0;  // when curr began this run
};

enum class EventKind { Start, Wake, Tick, BurstEnd, Resched, Timer, Watchdog, Arrival, Change };

struct Event {
  uint64_t time;
  uint64_t seq;
  EventKind kind;
  int index;     // task, CPU or timer
  uint64_t gen;  // BurstEnd, Timer: stale when it no longer matches
  bool operator>(const Event &o) const { return time != o.time ? time > o.time : seq > o.seq; }
};

// A server group's requests: waiting, workers waiting for one, and the
// latency (arrival to completion) and work of each served one, by class.
struct ServerState {
  std::deque<Request> waiting;
  std::deque<int> idleWorkers;
  uint64_t arrived = 0;
  std::vector<std::vector<uint64_t>> latency, work;
};

struct SimTimer {
  void *callback = nullptr;
  void *map = nullptr;
  void *value = nullptr;
  int key = 0;
  int cpu = 0;
  uint64_t gen = 0;
};

// The policy's callbacks as --profile times them: the three that decide
// (where a task wakes, where it waits, what a CPU runs next), the ones that
// keep its state, and the rest (init_task, enable, set_weight, dequeue,
// exit_task, timers).
enum class Callback {
  SelectCpu,
  Enqueue,
  Dispatch,
  Runnable,
  Running,
  Stopping,
  Quiescent,
  Tick,
  Other
};
constexpr size_t kCallbacks = 9;
const char *callbackName(Callback cb);

struct CallbackCost {
  uint64_t calls = 0, ns = 0;
};

// Adds the host time of one callback to its cost.
class Stopwatch {
 public:
  explicit Stopwatch(CallbackCost &cost) : cost_(cost), start_(std::chrono::steady_clock::now()) {}
  ~Stopwatch() {
    cost_.calls++;
    cost_.ns += static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                          std::chrono::steady_clock::now() - start_)
                                          .count());
  }
  Stopwatch(const Stopwatch &) = delete;
  Stopwatch &operator=(const Stopwatch &) = delete;

 private:
  CallbackCost &cost_;
  std::chrono::steady_clock::time_point start_;
};

// What the JIT-compiled policy exposes to the simulator.
struct PolicyEntry {
  sched_ext_ops *ops = nullptr;
  uint64_t *stats = nullptr;  // schedc_stats storage (per CPU, see Shim.cpp)
};

struct Options {
  int cpus = 4;
  uint64_t seed = 1;
  uint64_t durationNs = 10'000 * kMs;
  uint64_t watchdogNs = 30'000 * kMs;
  bool trace = false;    // keep every run of a task on a CPU (RunSlice)
  bool profile = false;  // time every callback (callbackCosts)
  // --check: stop at the first broken property (work conservation, a
  // runnable task waiting longer than maxWaitNs, a task queued twice) and
  // keep the last events to show how it came about.
  bool check = false;
  uint64_t maxWaitNs = 2'000 * kMs;
};

// A task's run on a CPU, for --trace.
struct RunSlice {
  int cpu, task;
  uint64_t start, end;
};

class Sim {
 public:
  Sim(const Options &options, const Workload &workload);
  ~Sim();

  // Runs the workload under the policy; false when the policy was ejected
  // (`ejection()` says why).
  bool run(const sched_ext_ops &ops);
  const std::string &ejection() const { return ejection_; }
  // --check: the property broken ("" if none), and the events before it.
  const std::string &property() const { return property_; }
  const std::deque<std::string> &recent() const { return recent_; }

  // ---- the kfuncs (Shim.cpp forwards to these)
  uint64_t now() const { return now_; }
  int currentCpu() const { return currentCpu_; }
  uint32_t random() { return static_cast<uint32_t>(rng_()); }
  int nrCpus() const { return static_cast<int>(cpus_.size()); }
  int32_t createDsq(uint64_t id);
  int32_t selectCpuDfl(task_struct *p, int32_t prev, bool *isIdle);
  void insert(task_struct *p, uint64_t dsq, uint64_t slice, uint64_t vtime, bool byVtime,
              uint64_t flags);
  bool moveToLocal(uint64_t dsq);
  bool moveFromIter(void *iter, task_struct *p, uint64_t dsq, bool byVtime);
  void setIterVtime(void *iter, uint64_t vtime);
  void kick(int32_t cpu, uint64_t flags);
  int32_t nrQueued(uint64_t dsq);
  int32_t pickIdle(const cpumask *mask);
  const cpumask *idleMask();
  bool testAndClearIdle(int32_t cpu);
  int32_t taskCpu(const task_struct *p) const;
  bool taskRunning(const task_struct *p) const;
  void error(const std::string &message);
  void iterNew(void *iter, uint64_t dsq);
  task_struct *iterNext(void *iter);
  void iterDestroy(void *iter);
  SimTimer &timer(void *timerPtr);
  void startTimer(void *timerPtr, uint64_t ns);

  const std::vector<std::unique_ptr<SimTask>> &tasks() const { return tasks_; }
  const std::vector<Cpu> &cpus() const { return cpus_; }
  const Workload &workload() const { return workload_; }
  uint64_t elapsed() const { return elapsed_; }
  uint64_t events() const { return events_; }
  const std::vector<std::vector<uint64_t>> &waits() const { return waits_; }  // by group
  const std::vector<RunSlice> &slices() const { return slices_; }
  const std::vector<ServerState> &servers() const { return servers_; }  // by group
  // CPU time spent idle while a task that may run there waited.
  uint64_t idleWhileWaiting() const { return idleWhileWaiting_; }
  // --profile: calls and host time of each callback.
  const std::array<CallbackCost, kCallbacks> &callbackCosts() const { return costs_; }

 private:
  enum class Context { None, SelectCpu, Enqueue, Dispatch, Other };

  // Calls the policy's callback `fn`, timed under --profile.
  template <typename Fn, typename... Args>
  auto call(Callback cb, Fn fn, Args... args) {
    if (!options_.profile) return fn(args...);
    Stopwatch watch(costs_[static_cast<size_t>(cb)]);
    return fn(args...);
  }
  void post(uint64_t time, EventKind kind, int index, uint64_t gen = 0);
  void resched(int cpu);
  void account(int cpu);
  void schedule(int cpu);
  void startRunning(int cpu, SimTask *p);
  void putPrev(int cpu, SimTask *p);
  void wake(SimTask *p);
  void burstEnd(int cpu);
  void stopRunning(int cpu, SimTask *p);
  void exitTask(int cpu, SimTask *p);
  void initTask(SimTask *p, bool fork);
  void setState(SimTask *p, TaskState state);
  void setCurr(int cpu, SimTask *p);
  void countIdleWhileWaiting();
  // The workload's side (Tasks.cpp): what tasks do between the callbacks.
  void start(SimTask *p);
  uint64_t firstBurst(SimTask *p);
  Next afterBurst(SimTask *p);
  void wakeLater(SimTask *p);
  void arrive(int group);
  void change(const WorkloadEvent &event);
  void setAffinity(SimTask *p, const std::vector<int> &cpus);
  uint64_t draw(const Dist &d);
  double uniform01();
  void tick(int cpu);
  void fireTimer(int index);
  void checkWatchdog();
  void enqueue(SimTask *p, uint64_t flags);
  void toLocal(int cpu, SimTask *p, uint64_t slice, bool head);
  Dsq *findDsq(uint64_t id);
  void removeFromDsq(SimTask *p);
  bool allowed(const SimTask *p, int cpu) const;
  static SimTask *of(const task_struct *p) {
    return reinterpret_cast<SimTask *>(const_cast<task_struct *>(p));
  }

  Options options_;
  const Workload &workload_;
  sched_ext_ops ops_{};
  std::vector<Cpu> cpus_;
  std::vector<std::unique_ptr<SimTask>> tasks_;
  std::map<uint64_t, Dsq> dsqs_;
  Dsq global_;  // SCX_DSQ_GLOBAL, the fallback
  std::priority_queue<Event, std::vector<Event>, std::greater<Event>> queue_;
  std::unordered_map<void *, SimTimer> timers_;
  std::vector<void *> timerOrder_;  // index -> timer pointer (events name timers by index)
  std::mt19937_64 rng_;
  std::mt19937_64 workloadRng_;  // the workload's draws, apart from the policy's random()
  std::vector<ServerState> servers_;
  int queuedAll_ = 0;            // queued tasks that may run anywhere
  std::vector<int> queuedOn_;    // by CPU: queued tasks with narrower affinity
  int idleCpus_ = 0;             // CPUs that run nothing
  int idleCpusWithWaiters_ = 0;  // of those, the ones where queuedOn_ > 0
  uint64_t idleWhileWaiting_ = 0, countedAt_ = 0;
  cpumask idleMask_{};
  uint64_t now_ = 0, seq_ = 0, dsqSeq_ = 0, events_ = 0, elapsed_ = 0, sameInstant_ = 0;
  int currentCpu_ = 0;
  Context context_ = Context::None;
  SimTask *selecting_ = nullptr;  // the task select_cpu runs for
  SimTask *enqueuing_ = nullptr;  // the task ops.enqueue runs for
  // The insert ops.enqueue asked for, done when it returns.
  struct PendingInsert {
    uint64_t dsq, slice, vtime;
    bool byVtime;
    uint64_t flags;
  };
  std::optional<PendingInsert> pendingInsert_;
  bool ejected_ = false;
  std::string ejection_;
  std::vector<std::vector<uint64_t>> waits_;
  std::vector<RunSlice> slices_;
  std::string property_;
  std::deque<std::string> recent_;
  std::array<CallbackCost, kCallbacks> costs_{};
  void endRun(int cpu);
  void violate(const char *property, const std::string &message);
  void note(const std::string &what);
  std::string name(const SimTask *p) const;
  bool queuedSomewhere(const SimTask *p) const;
};

// p->scx.weight of a nice value, as the kernel sets it.
uint32_t scxWeight(int nice);

// The Sim the shim's functions act on.
Sim *current();
void setCurrent(Sim *sim);

}  // namespace schedsim
