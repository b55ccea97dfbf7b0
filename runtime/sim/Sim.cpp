#include "Sim.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace schedsim {
namespace {

Sim *g_current = nullptr;

void setBit(cpumask &m, int cpu) {
  m.bits[cpu / 64] |= 1UL << (cpu % 64);
}
bool testBit(const cpumask &m, int cpu) {
  return m.bits[cpu / 64] & (1UL << (cpu % 64));
}
void clearBit(cpumask &m, int cpu) {
  m.bits[cpu / 64] &= ~(1UL << (cpu % 64));
}

constexpr uint64_t kWakeFlagFork = 0x4;  // SCX_WAKE_FORK
constexpr uint64_t kWakeFlagTtwu = 0x8;  // SCX_WAKE_TTWU
constexpr uint64_t kDeqSleep = 1;        // SCX_DEQ_SLEEP
constexpr uint64_t kDsqGlobal = 0x8000000000000001ULL;
constexpr uint64_t kDsqLocalCpuMask = 0xffffffffULL;

// The iterator's state inside struct bpf_iter_scx_dsq.
struct IterState {
  uint64_t dsq;
  uint64_t startSeq;  // tasks inserted after the iteration began are not seen
  std::vector<SimTask *> *snapshot;
  size_t next;
  SimTask *cur;
  uint64_t vtime;  // scx_bpf_dsq_move_set_vtime
};
static_assert(sizeof(IterState) <= sizeof(bpf_iter_scx_dsq), "iterator state fits");

}  // namespace

const char *callbackName(Callback cb) {
  static const char *const names[kCallbacks] = {"select_cpu", "enqueue", "dispatch",
                                                "runnable",   "running", "stopping",
                                                "quiescent",  "tick",    "other"};
  return names[static_cast<size_t>(cb)];
}

// The kernel's load weights of nice -20..19, as p->scx.weight gives them
// (1..10000, 100 at nice 0).
uint32_t scxWeight(int nice) {
  static const uint32_t kWeights[40] = {
      88761, 71755, 56483, 46273, 36291, 29154, 23254, 18705, 14949, 11916, 9548, 7620, 6100, 4904,
      3906,  3121,  2501,  1991,  1586,  1277,  1024,  820,   655,   526,   423,  335,  272,  215,
      172,   137,   110,   87,    70,    56,    45,    36,    29,    23,    18,   15};
  int i = std::clamp(nice, -20, 19) + 20;
  return std::max<uint32_t>(1, (kWeights[i] * 100 + 512) / 1024);
}

Sim *current() {
  return g_current;
}
void setCurrent(Sim *sim) {
  g_current = sim;
}

Sim::Sim(const Options &options, const Workload &workload)
    : options_(options),
      workload_(workload),
      cpus_(options.cpus),
      rng_(options.seed),
      workloadRng_(options.seed ^ 0x5eed5eed5eedULL),
      servers_(workload.groups.size()),
      queuedOn_(options.cpus, 0),
      idleCpus_(options.cpus) {
  for (size_t g = 0; g < workload.groups.size(); g++) {
    const TaskGroup &group = workload.groups[g];
    int first = static_cast<int>(tasks_.size());
    int perInstance = 2 * group.messages.fds;
    for (int i = 0; i < group.tasks(); i++) {
      auto t = std::make_unique<SimTask>();
      t->id = static_cast<int>(tasks_.size());
      t->group = static_cast<int>(g);
      t->ts.pid = t->ts.tgid = 1000 + t->id;
      t->ts.static_prio = MAX_PRIO_NICE_0 + std::clamp(group.nice, -20, 19);
      t->ts.scx.weight = scxWeight(group.nice);
      std::snprintf(t->ts.comm, sizeof t->ts.comm, "%s", group.name.c_str());
      for (int c = 0; c < options.cpus; c++)
        if (group.cpus.empty() || std::count(group.cpus.begin(), group.cpus.end(), c))
          setBit(t->mask, c);
      t->ts.cpus_ptr = &t->mask;
      t->ts.nr_cpus_allowed =
          group.cpus.empty() ? options.cpus : static_cast<int>(group.cpus.size());
      t->cpu = group.cpus.empty() ? t->id % options.cpus : group.cpus[t->id % group.cpus.size()];
      t->startAt = group.startNs + group.staggerNs * static_cast<uint64_t>(i);
      if (group.lifetimeNs) t->lifeLeft = group.lifetimeNs;
      if (group.behaviour == Behaviour::Hackbench) {
        int instance = first + i / perInstance * perInstance;
        t->sender = i % perInstance < group.messages.fds;
        t->receivers = instance + group.messages.fds;
      }
      tasks_.push_back(std::move(t));
    }
    servers_[g].latency.resize(group.server.classes.size());
    servers_[g].work.resize(group.server.classes.size());
  }
  waits_.resize(workload.groups.size());
  for (int c = 0; c < options.cpus; c++) setBit(idleMask_, c);
}

Sim::~Sim() {
  if (g_current == this) g_current = nullptr;
}

// ---------------------------------------------------------------- events

void Sim::post(uint64_t time, EventKind kind, int index, uint64_t gen) {
  queue_.push(Event{time, seq_++, kind, index, gen});
}

void Sim::resched(int cpu) {
  if (cpu < 0 || cpu >= nrCpus() || cpus_[cpu].reschedPending) return;
  cpus_[cpu].reschedPending = true;
  post(now_, EventKind::Resched, cpu);
}

bool Sim::run(const sched_ext_ops &ops) {
  ops_ = ops;
  setCurrent(this);
  currentCpu_ = 0;
  context_ = Context::Other;
  if (ops_.init) {
    int32_t err = ops_.init();
    if (err) error("ops.init() failed: " + std::to_string(err));
  }
  // Tasks that start at 0 exist when the policy attaches; the others are
  // forked when they start.
  for (auto &t : tasks_)
    if (t->startAt == 0) initTask(t.get(), false);
  context_ = Context::None;
  for (auto &t : tasks_) post(t->startAt, EventKind::Start, t->id);
  for (size_t g = 0; g < workload_.groups.size(); g++)
    if (workload_.groups[g].behaviour == Behaviour::Server)
      post(workload_.groups[g].startNs, EventKind::Arrival, static_cast<int>(g));
  for (size_t e = 0; e < workload_.events.size(); e++)
    post(workload_.events[e].atNs, EventKind::Change, static_cast<int>(e));
  for (int c = 0; c < nrCpus(); c++) post(kTickNs, EventKind::Tick, c);
  // Attaching reschedules every CPU: on a real machine each has a task of
  // its own (a kernel thread at least), so each dispatches once at start.
  for (int c = 0; c < nrCpus(); c++) resched(c);
  post(1000 * kMs, EventKind::Watchdog, 0);
  while (!ejected_ && !queue_.empty()) {
    Event e = queue_.top();
    if (e.time > options_.durationNs) break;
    queue_.pop();
    // A loop of events at one instant would never end: stop it instead.
    sameInstant_ = e.time == now_ ? sameInstant_ + 1 : 0;
    if (sameInstant_ > 10'000'000) {
      error("the simulation stopped making progress: 10000000 events at " + std::to_string(now_) +
            " ns");
      break;
    }
    now_ = e.time;
    events_++;
    switch (e.kind) {
      case EventKind::Start:
        start(tasks_[e.index].get());
        break;
      case EventKind::Wake:
        wake(tasks_[e.index].get());
        break;
      case EventKind::Arrival:
        arrive(e.index);
        break;
      case EventKind::Change:
        change(workload_.events[e.index]);
        break;
      case EventKind::Tick:
        tick(e.index);
        post(now_ + kTickNs, EventKind::Tick, e.index);
        break;
      case EventKind::BurstEnd:
        if (cpus_[e.index].gen == e.gen) burstEnd(e.index);
        break;
      case EventKind::Resched:
        cpus_[e.index].reschedPending = false;
        schedule(e.index);
        break;
      case EventKind::Timer:
        if (timers_[timerOrder_[e.index]].gen == e.gen) fireTimer(e.index);
        break;
      case EventKind::Watchdog:
        checkWatchdog();
        post(now_ + (options_.check ? 100 : 1000) * kMs, EventKind::Watchdog, 0);
        break;
    }
  }
  elapsed_ = ejected_ ? now_ : options_.durationNs;
  now_ = elapsed_;
  countIdleWhileWaiting();
  for (int c = 0; c < nrCpus(); c++) {
    account(c);
    endRun(c);
  }
  setCurrent(nullptr);
  return !ejected_;
}

// ---------------------------------------------------------------- tasks

bool Sim::allowed(const SimTask *p, int cpu) const {
  return cpu >= 0 && cpu < nrCpus() && testBit(p->mask, cpu);
}

// Counts the running task's time up to now: its runtime, slice and burst.
void Sim::account(int cpu) {
  Cpu &c = cpus_[cpu];
  if (!c.curr) return;
  uint64_t delta = now_ - c.accountedAt;
  c.accountedAt = now_;
  SimTask *p = c.curr;
  p->runtime += delta;
  c.busy += delta;
  if (p->ts.scx.slice != SCX_SLICE_INF) p->ts.scx.slice -= std::min<u64>(p->ts.scx.slice, delta);
  if (p->burstLeft != kForever) p->burstLeft -= std::min(p->burstLeft, delta);
  if (p->lifeLeft != kForever) p->lifeLeft -= std::min(p->lifeLeft, delta);
}

// Initialises a task for the policy: ops.init_task, ops.enable, then
// ops.set_weight with its weight (the kernel's scx_enable_task).
void Sim::initTask(SimTask *p, bool fork) {
  Context saved = context_;
  context_ = Context::Other;
  currentCpu_ = p->cpu;
  scx_init_task_args args{};
  args.fork = fork;
  if (ops_.init_task && call(Callback::Other, ops_.init_task, &p->ts, &args) != 0)
    error("ops.init_task() failed for " + std::string(p->ts.comm));
  if (ops_.enable) call(Callback::Other, ops_.enable, &p->ts);
  if (ops_.set_weight) call(Callback::Other, ops_.set_weight, &p->ts, p->ts.scx.weight);
  p->alive = true;
  context_ = saved;
}

// The idle time while work waited: CPUs that run nothing while a queued
// task may run there, integrated over time. The counts change only here
// and in setCurr.
void Sim::countIdleWhileWaiting() {
  uint64_t cpus = queuedAll_ > 0 ? static_cast<uint64_t>(idleCpus_)
                                 : static_cast<uint64_t>(idleCpusWithWaiters_);
  idleWhileWaiting_ += cpus * (now_ - countedAt_);
  countedAt_ = now_;
}

// Keeps the counts of queued tasks by where they may run.
void Sim::setState(SimTask *p, TaskState state) {
  if ((p->state == TaskState::Queued) != (state == TaskState::Queued)) {
    countIdleWhileWaiting();
    int delta = state == TaskState::Queued ? 1 : -1;
    if (p->ts.nr_cpus_allowed >= nrCpus()) {
      queuedAll_ += delta;
    } else {
      for (int c = 0; c < nrCpus(); c++) {
        if (!testBit(p->mask, c)) continue;
        bool before = queuedOn_[c] > 0;
        queuedOn_[c] += delta;
        if (!cpus_[c].curr && before != (queuedOn_[c] > 0)) idleCpusWithWaiters_ += delta;
      }
    }
  }
  p->state = state;
}

// What a CPU runs (nullptr: nothing).
void Sim::setCurr(int cpu, SimTask *p) {
  Cpu &c = cpus_[cpu];
  if (!c.curr != !p) {
    countIdleWhileWaiting();
    int delta = p ? -1 : 1;
    idleCpus_ += delta;
    if (queuedOn_[cpu] > 0) idleCpusWithWaiters_ += delta;
  }
  c.curr = p;
}

// A wakeup: a new task's first (SCX_WAKE_FORK, no SCX_ENQ_WAKEUP) or a
// sleeping task's.
void Sim::wake(SimTask *p) {
  p->wakePending = false;
  if (p->exited || p->state != TaskState::Sleeping) return;
  bool fork = p->forking;
  p->forking = false;
  setState(p, TaskState::Queued);
  p->ts.scx.flags |= SCX_TASK_QUEUED;
  p->burstLeft = firstBurst(p);
  p->runnableSince = now_;
  p->waited = true;
  p->wakeups++;
  if (options_.check) note(name(p) + " wakes (last on CPU " + std::to_string(p->cpu) + ")");
  int cpu = p->cpu;
  currentCpu_ = cpu;
  p->ddsp = false;
  if (ops_.select_cpu) {
    context_ = Context::SelectCpu;
    selecting_ = p;
    int32_t chosen = call(Callback::SelectCpu, ops_.select_cpu, &p->ts, cpu,
                          fork ? kWakeFlagFork : kWakeFlagTtwu);
    selecting_ = nullptr;
    // The kernel falls back to an allowed CPU when the choice is not one.
    if (allowed(p, chosen)) cpu = chosen;
  } else {
    bool idle = false;
    int32_t chosen = selectCpuDfl(&p->ts, cpu, &idle);
    if (allowed(p, chosen)) cpu = chosen;
    if (idle) {
      p->ddsp = true;
      p->ddspSlice = SCX_SLICE_DFL;
    }
  }
  if (!allowed(p, cpu)) {
    for (int c = 0; c < nrCpus(); c++)
      if (allowed(p, c)) {
        cpu = c;
        break;
      }
  }
  if (cpu != p->cpu) p->migrations++;
  p->cpu = cpu;
  context_ = Context::Other;
  uint64_t enqFlags = fork ? 0 : SCX_ENQ_WAKEUP;
  if (ops_.runnable) call(Callback::Runnable, ops_.runnable, &p->ts, enqFlags);
  if (p->ddsp) {
    p->ddsp = false;
    toLocal(cpu, p, p->ddspSlice, false);
  } else {
    enqueue(p, enqFlags);
  }
  context_ = Context::None;
  // The task joined `cpu`'s runqueue: an idle CPU there reschedules
  // (wakeup_preempt: sched_ext is above the idle class), whichever DSQ the
  // policy put the task in.
  if (!cpus_[cpu].curr) resched(cpu);
}

void Sim::enqueue(SimTask *p, uint64_t flags) {
  Context saved = context_;
  context_ = Context::Enqueue;
  currentCpu_ = p->cpu;
  if (ops_.enqueue) {
    enqueuing_ = p;
    call(Callback::Enqueue, ops_.enqueue, &p->ts, flags);
    enqueuing_ = nullptr;
    if (pendingInsert_) {
      PendingInsert i = *pendingInsert_;
      pendingInsert_.reset();
      insert(&p->ts, i.dsq, i.slice, i.vtime, i.byVtime, i.flags);
    }
    // A task the policy left nowhere would be lost: the kernel ejects it.
    if (p->state == TaskState::Queued && !queuedSomewhere(p) && !ejected_)
      error("ops.enqueue() left " + std::string(p->ts.comm) + " in no DSQ");
  } else {
    insert(&p->ts, kDsqGlobal, SCX_SLICE_DFL, 0, false, flags);
  }
  context_ = saved;
}

// The task's run ended: it runs on (a new run without a switch), sleeps,
// blocks until another task wakes it, or exits.
void Sim::burstEnd(int cpu) {
  Cpu &c = cpus_[cpu];
  SimTask *p = c.curr;
  if (!p) return;
  account(cpu);
  currentCpu_ = cpu;
  Next next = p->lifeLeft == 0 ? Next::Exit : afterBurst(p);
  if (next == Next::Continue) {
    uint64_t left = std::min(p->burstLeft, p->lifeLeft);
    if (left != kForever) post(now_ + left, EventKind::BurstEnd, cpu, c.gen);
    return;
  }
  stopRunning(cpu, p);
  if (next == Next::Sleep) post(now_ + p->sleepFor, EventKind::Wake, p->id);
  if (next == Next::Exit) exitTask(cpu, p);
  schedule(cpu);
}

// The running task sleeps (or is about to exit): the kernel dequeues it
// with DEQUEUE_SLEEP.
void Sim::stopRunning(int cpu, SimTask *p) {
  currentCpu_ = cpu;
  if (options_.check) note(name(p) + " sleeps");
  context_ = Context::Other;
  if (ops_.stopping) call(Callback::Stopping, ops_.stopping, &p->ts, false);
  p->ts.scx.flags &= ~SCX_TASK_QUEUED;
  setState(p, TaskState::Sleeping);
  if (ops_.quiescent) call(Callback::Quiescent, ops_.quiescent, &p->ts, kDeqSleep);
  context_ = Context::None;
}

// A task that exits: after its last dequeue, ops.exit_task.
void Sim::exitTask(int cpu, SimTask *p) {
  currentCpu_ = cpu;
  if (options_.check) note(name(p) + " exits");
  context_ = Context::Other;
  scx_exit_task_args args{};
  if (ops_.exit_task) call(Callback::Other, ops_.exit_task, &p->ts, &args);
  context_ = Context::None;
  p->alive = false;
  p->exited = true;
  p->exitedAt = now_;
}

void Sim::tick(int cpu) {
  Cpu &c = cpus_[cpu];
  if (!c.curr) {
    if (!options_.check) return;
    // Work conservation: idle all along for more than a tick while a task
    // it may run waited all that time.
    for (const auto &t : tasks_) {
      if (t->state != TaskState::Queued || !allowed(t.get(), cpu)) continue;
      uint64_t both = now_ - std::max(c.idleSince, t->runnableSince);
      if (both > kTickNs) {
        violate("work conservation", "CPU " + std::to_string(cpu) + " stayed idle for " +
                                         std::to_string(both / 1000) +
                                         " us, more than a tick, while " + name(t.get()) +
                                         ", which may run there, waited");
        return;
      }
    }
    return;
  }
  account(cpu);
  currentCpu_ = cpu;
  context_ = Context::Other;
  if (ops_.tick) call(Callback::Tick, ops_.tick, &c.curr->ts);
  context_ = Context::None;
  if (c.curr && c.curr->ts.scx.slice == 0) resched(cpu);
}

// ---------------------------------------------------------------- scheduling

// One pass of the kernel's schedule() on `cpu` for sched_ext: balance
// (global DSQ, then ops.dispatch while the local DSQ is empty), pick, then
// put the previous task (ops.stopping, ops.enqueue) and run the next.
void Sim::schedule(int cpu) {
  Cpu &c = cpus_[cpu];
  account(cpu);
  currentCpu_ = cpu;
  // A running task whose affinity no longer has this CPU leaves it first,
  // as the kernel's migration takes it off before this CPU schedules again
  // (Tasks.cpp set its CPU to an allowed one).
  if (c.curr && c.curr->state == TaskState::Running && !allowed(c.curr, cpu)) {
    endRun(cpu);
    putPrev(cpu, c.curr);
    currentCpu_ = cpu;
  }
  SimTask *prev = c.curr;
  bool prevQueued = prev && prev->state == TaskState::Running;
  bool keep = false;
  if (prevQueued && prev->ts.scx.slice > 0) {
    keep = true;
  } else if (c.local.empty()) {
    if (!moveToLocal(kDsqGlobal) && ops_.dispatch) {
      context_ = Context::Dispatch;
      for (int loop = 0; loop < 32 && c.local.empty() && !ejected_; loop++) {
        uint64_t before = dsqSeq_;
        call(Callback::Dispatch, ops_.dispatch, cpu, prevQueued ? &prev->ts : nullptr);
        if (!c.local.empty()) break;
        if (prevQueued && prev->ts.scx.slice > 0) break;
        if (dsqSeq_ == before) break;  // it inserted nothing anywhere
      }
      context_ = Context::None;
    }
    if (c.local.empty() && prevQueued) keep = true;
  }
  if (ejected_) return;
  SimTask *next = nullptr;
  if (keep) {
    next = prev;
    if (next->ts.scx.slice == 0) next->ts.scx.slice = SCX_SLICE_DFL;
  } else if (!c.local.empty()) {
    next = c.local.front();
    c.local.pop_front();
    next->localCpu = -1;
  }
  if (next == prev && prev) return;  // keeps running: no switch, no callbacks
  if (prev) {
    endRun(cpu);
    if (prevQueued) putPrev(cpu, prev);
    setCurr(cpu, nullptr);
  }
  if (next) {
    startRunning(cpu, next);
  } else {
    // Entering idle (again) marks the CPU idle, even if a wakeup claimed it
    // and it then found nothing to run (the kernel's update_idle).
    if (!c.idle) {
      c.idleSince = now_;
      if (options_.check) note("CPU " + std::to_string(cpu) + " goes idle");
    }
    c.idle = true;
    setBit(idleMask_, cpu);
  }
}

// A task that is still runnable leaves its CPU: ops.stopping(p, true),
// then it waits again, enqueued by ops.enqueue.
void Sim::putPrev(int cpu, SimTask *p) {
  context_ = Context::Other;
  if (ops_.stopping) call(Callback::Stopping, ops_.stopping, &p->ts, true);
  context_ = Context::None;
  setState(p, TaskState::Queued);
  p->runnableSince = now_;
  p->waited = true;
  setCurr(cpu, nullptr);
  enqueue(p, 0);
}

void Sim::startRunning(int cpu, SimTask *p) {
  Cpu &c = cpus_[cpu];
  setCurr(cpu, p);
  c.idle = false;
  clearBit(idleMask_, cpu);
  c.accountedAt = now_;
  c.runStart = now_;
  c.gen++;
  if (p->cpu != cpu) p->migrations++;
  p->cpu = cpu;
  setState(p, TaskState::Running);
  p->switches++;
  if (p->waited) {
    uint64_t wait = now_ - p->runnableSince;
    waits_[p->group].push_back(wait);
    p->maxWait = std::max(p->maxWait, wait);
    p->waited = false;
  }
  currentCpu_ = cpu;
  if (options_.check) note("CPU " + std::to_string(cpu) + " runs " + name(p));
  context_ = Context::Other;
  if (ops_.running) call(Callback::Running, ops_.running, &p->ts);
  context_ = Context::None;
  uint64_t left = std::min(p->burstLeft, p->lifeLeft);
  if (left != kForever) post(now_ + left, EventKind::BurstEnd, cpu, c.gen);
}

void Sim::endRun(int cpu) {
  const Cpu &c = cpus_[cpu];
  if (options_.trace && c.curr && now_ > c.runStart)
    slices_.push_back(RunSlice{cpu, c.curr->id, c.runStart, now_});
}

// Puts a task at the end (or head) of a CPU's local DSQ; an idle CPU runs it.
void Sim::toLocal(int cpu, SimTask *p, uint64_t slice, bool head) {
  if (options_.check && queuedSomewhere(p))
    violate("each task queued once", name(p) + " was inserted into CPU " + std::to_string(cpu) +
                                         "'s local DSQ while it already waited in a DSQ");
  if (options_.check) note(name(p) + " -> local DSQ of CPU " + std::to_string(cpu));
  if (!allowed(p, cpu)) {
    insert(&p->ts, kDsqGlobal, slice, 0, false, 0);
    return;
  }
  p->ts.scx.slice = slice;
  p->dsq = 0;
  p->localCpu = cpu;
  dsqSeq_++;
  if (head)
    cpus_[cpu].local.push_front(p);
  else
    cpus_[cpu].local.push_back(p);
  if (!cpus_[cpu].curr) resched(cpu);
}

Dsq *Sim::findDsq(uint64_t id) {
  if (id == kDsqGlobal) return &global_;
  auto it = dsqs_.find(id);
  return it == dsqs_.end() ? nullptr : &it->second;
}

void Sim::removeFromDsq(SimTask *p) {
  if (!p->dsq) return;
  if (Dsq *d = findDsq(p->dsq)) d->tasks.remove(p);
  p->dsq = 0;
}

// ---------------------------------------------------------------- kfuncs

int32_t Sim::createDsq(uint64_t id) {
  if (dsqs_.count(id)) return -17;  // -EEXIST
  dsqs_[id];
  return 0;
}

int32_t Sim::selectCpuDfl(task_struct *ts, int32_t prev, bool *isIdle) {
  SimTask *p = of(ts);
  *isIdle = false;
  if (allowed(p, prev) && testAndClearIdle(prev)) {
    *isIdle = true;
    return prev;
  }
  int32_t cpu = pickIdle(&p->mask);
  if (cpu >= 0) {
    *isIdle = true;
    return cpu;
  }
  return prev;
}

void Sim::insert(task_struct *ts, uint64_t dsq, uint64_t slice, uint64_t vtime, bool byVtime,
                 uint64_t flags) {
  SimTask *p = of(ts);
  (void)flags;
  // In ops.enqueue the kernel only notes where the task goes and inserts it
  // once the callback has returned (mark_direct_dispatch, then
  // direct_dispatch): the callback's reads of the DSQ do not see it yet.
  if (context_ == Context::Enqueue && p == enqueuing_) {
    if (pendingInsert_) {
      error(std::string(ts->comm) + " was inserted twice in one ops.enqueue()");
      return;
    }
    pendingInsert_ = PendingInsert{dsq, slice, vtime, byVtime, flags};
    return;
  }
  if (dsq == SCX_DSQ_LOCAL) {
    if (context_ == Context::SelectCpu && p == selecting_) {
      p->ddsp = true;
      p->ddspSlice = slice;
      return;
    }
    toLocal(context_ == Context::Dispatch ? currentCpu_ : p->cpu, p, slice, false);
    return;
  }
  if ((dsq & SCX_DSQ_LOCAL_ON) == SCX_DSQ_LOCAL_ON) {
    int cpu = static_cast<int>(dsq & kDsqLocalCpuMask);
    if (cpu >= nrCpus()) {
      error("invalid CPU " + std::to_string(cpu) + " in SCX_DSQ_LOCAL_ON");
      return;
    }
    toLocal(cpu, p, slice, false);
    return;
  }
  Dsq *d = findDsq(dsq);
  if (!d) {
    error("non-existent DSQ 0x" + std::to_string(dsq) + " for " + std::string(ts->comm));
    return;
  }
  if (!d->tasks.empty() && d->vtime != byVtime) {
    error("DSQ mixes FIFO and vtime insertions (" + std::string(ts->comm) + ")");
    return;
  }
  if (options_.check && queuedSomewhere(p))
    violate("each task queued once",
            name(p) + " was inserted into a DSQ while it already waited in one");
  if (options_.check)
    note(name(p) + " -> DSQ 0x" + [&] {
      char hex[24];
      std::snprintf(hex, sizeof hex, "%llx", static_cast<unsigned long long>(dsq));
      return std::string(hex);
    }());
  d->vtime = byVtime;
  p->ts.scx.slice = slice;
  p->ts.scx.dsq_vtime = byVtime ? vtime : p->ts.scx.dsq_vtime;
  p->dsq = dsq;
  p->dsqSeq = ++dsqSeq_;
  if (!byVtime) {
    d->tasks.push_back(p);
    return;
  }
  auto at = std::find_if(d->tasks.begin(), d->tasks.end(), [&](SimTask *q) {
    return static_cast<int64_t>(q->ts.scx.dsq_vtime - vtime) > 0;
  });
  d->tasks.insert(at, p);
}

bool Sim::moveToLocal(uint64_t dsq) {
  Dsq *d = findDsq(dsq);
  if (!d) return false;
  int cpu = currentCpu_;
  for (auto it = d->tasks.begin(); it != d->tasks.end(); ++it) {
    SimTask *p = *it;
    if (!allowed(p, cpu)) continue;
    d->tasks.erase(it);
    p->dsq = 0;
    toLocal(cpu, p, p->ts.scx.slice, false);
    return true;
  }
  return false;
}

void Sim::iterNew(void *iter, uint64_t dsq) {
  auto *st = static_cast<IterState *>(iter);
  st->dsq = dsq;
  st->startSeq = dsqSeq_;
  st->snapshot = new std::vector<SimTask *>();
  if (Dsq *d = findDsq(dsq)) st->snapshot->assign(d->tasks.begin(), d->tasks.end());
  st->next = 0;
  st->cur = nullptr;
  st->vtime = 0;
}

task_struct *Sim::iterNext(void *iter) {
  auto *st = static_cast<IterState *>(iter);
  while (st->snapshot && st->next < st->snapshot->size()) {
    SimTask *p = (*st->snapshot)[st->next++];
    // Still where the iteration found it, queued before it began.
    if (p->dsq == st->dsq && p->dsqSeq <= st->startSeq) {
      st->cur = p;
      return &p->ts;
    }
  }
  st->cur = nullptr;
  return nullptr;
}

void Sim::iterDestroy(void *iter) {
  auto *st = static_cast<IterState *>(iter);
  delete st->snapshot;
  st->snapshot = nullptr;
}

bool Sim::moveFromIter(void *iter, task_struct *ts, uint64_t dsq, bool byVtime) {
  auto *st = static_cast<IterState *>(iter);
  SimTask *p = of(ts);
  if (p->dsq != st->dsq || p->dsqSeq > st->startSeq) return false;
  uint64_t vtime = byVtime ? st->vtime : p->ts.scx.dsq_vtime;
  removeFromDsq(p);
  bool localOn = (dsq & SCX_DSQ_LOCAL_ON) == SCX_DSQ_LOCAL_ON;
  if (dsq == SCX_DSQ_LOCAL || localOn) {
    int cpu = localOn ? static_cast<int>(dsq & kDsqLocalCpuMask) : currentCpu_;
    if (!allowed(p, cpu)) {
      error(std::string(localOn ? "SCX_DSQ_LOCAL_ON" : "SCX_DSQ_LOCAL") + " target CPU " +
            std::to_string(cpu) + " not allowed for " + p->ts.comm);
      return false;
    }
    toLocal(cpu, p, p->ts.scx.slice, false);
    return true;
  }
  insert(ts, dsq, p->ts.scx.slice, vtime, byVtime, 0);
  return true;
}

void Sim::setIterVtime(void *iter, uint64_t vtime) {
  static_cast<IterState *>(iter)->vtime = vtime;
}

void Sim::kick(int32_t cpu, uint64_t flags) {
  if (cpu < 0 || cpu >= nrCpus()) {
    error("invalid CPU " + std::to_string(cpu) + " to kick");
    return;
  }
  Cpu &c = cpus_[cpu];
  if (flags & SCX_KICK_PREEMPT) {
    if (c.curr) {
      account(cpu);
      c.curr->ts.scx.slice = 0;
    }
    resched(cpu);
  } else if (!c.curr || !(flags & SCX_KICK_IDLE)) {
    resched(cpu);
  }
}

int32_t Sim::nrQueued(uint64_t dsq) {
  if (dsq == SCX_DSQ_LOCAL) return static_cast<int32_t>(cpus_[currentCpu_].local.size());
  if ((dsq & SCX_DSQ_LOCAL_ON) == SCX_DSQ_LOCAL_ON) {
    uint64_t cpu = dsq & kDsqLocalCpuMask;
    return cpu < cpus_.size() ? static_cast<int32_t>(cpus_[cpu].local.size()) : -2;
  }
  Dsq *d = findDsq(dsq);
  return d ? static_cast<int32_t>(d->tasks.size()) : -2;  // -ENOENT
}

int32_t Sim::pickIdle(const cpumask *mask) {
  for (int c = 0; c < nrCpus(); c++)
    if (testBit(*mask, c) && testAndClearIdle(c)) return c;
  return -16;  // -EBUSY
}

const cpumask *Sim::idleMask() {
  return &idleMask_;
}

bool Sim::testAndClearIdle(int32_t cpu) {
  if (cpu < 0 || cpu >= nrCpus() || !testBit(idleMask_, cpu)) return false;
  clearBit(idleMask_, cpu);
  return true;
}

int32_t Sim::taskCpu(const task_struct *p) const {
  return of(p)->cpu;
}

bool Sim::taskRunning(const task_struct *p) const {
  const SimTask *t = of(p);
  return t->state == TaskState::Running;
}

void Sim::error(const std::string &message) {
  if (ejected_) return;
  ejected_ = true;
  ejection_ = message;
  if (options_.check && property_.empty()) property_ = "no ejection";
}

void Sim::violate(const char *property, const std::string &message) {
  if (ejected_) return;
  ejected_ = true;
  ejection_ = message;
  property_ = property;
}

std::string Sim::name(const SimTask *p) const {
  return workload_.groups[p->group].name + "/" + std::to_string(p->id);
}

// Callers test options_.check first, so a normal run builds no strings.
void Sim::note(const std::string &what) {
  char at[32];
  std::snprintf(at, sizeof at, "%10.3f ms  ", static_cast<double>(now_) / 1e6);
  recent_.push_back(at + what);
  if (recent_.size() > 40) recent_.pop_front();
}

bool Sim::queuedSomewhere(const SimTask *p) const {
  return p->dsq != 0 || p->localCpu >= 0;
}

// ---------------------------------------------------------------- timers

SimTimer &Sim::timer(void *timerPtr) {
  auto [it, added] = timers_.try_emplace(timerPtr);
  if (added) timerOrder_.push_back(timerPtr);
  return it->second;
}

// A timer fires on the CPU that started it (the runtime pins its per-CPU
// timers; a global one stays where ops.init started it).
void Sim::startTimer(void *timerPtr, uint64_t ns) {
  SimTimer &t = timer(timerPtr);
  t.gen++;
  t.cpu = currentCpu_;
  int index = static_cast<int>(std::find(timerOrder_.begin(), timerOrder_.end(), timerPtr) -
                               timerOrder_.begin());
  post(now_ + std::max<uint64_t>(ns, 1000), EventKind::Timer, index, t.gen);
}

void Sim::fireTimer(int index) {
  SimTimer &t = timers_[timerOrder_[index]];
  if (!t.callback) return;
  currentCpu_ = t.cpu;
  context_ = Context::Other;
  auto callback = reinterpret_cast<int (*)(void *, int *, void *)>(t.callback);
  int key = t.key;
  call(Callback::Other, callback, t.map, &key, t.value);
  context_ = Context::None;
}

// The kernel's watchdog: a runnable task that waits longer than the timeout
// ejects the policy.
void Sim::checkWatchdog() {
  for (auto &t : tasks_) {
    if (t->state != TaskState::Queued) continue;
    uint64_t waited = now_ - t->runnableSince;
    if (options_.check && waited > options_.maxWaitNs) {
      violate("no starvation", name(t.get()) + " has been runnable for " +
                                   std::to_string(waited / kMs) + " ms without running");
      return;
    }
    if (waited > options_.watchdogNs) {
      error("runnable task stall (" + std::string(t->ts.comm) + "[" + std::to_string(t->ts.pid) +
            "] failed to run for " + std::to_string(waited / kMs / 1000) + "." +
            std::to_string(waited / kMs % 1000 / 100) + "s)");
      return;
    }
  }
}

}  // namespace schedsim
