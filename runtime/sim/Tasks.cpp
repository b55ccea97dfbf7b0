// The workload's side of the simulation: what each task does between the
// sched_ext callbacks (runs of CPU time, sleeps, messages, requests, exits)
// and the changes a workload makes at given times (renice, affinity).
#include <algorithm>
#include <cmath>

#include "Sim.h"

namespace schedsim {

double Sim::uniform01() {
  return static_cast<double>(workloadRng_() >> 11) * 0x1.0p-53;
}

uint64_t Sim::draw(const Dist &d) {
  switch (d.kind) {
    case Dist::Kind::Exponential:
      return static_cast<uint64_t>(-std::log1p(-uniform01()) * static_cast<double>(d.a));
    case Dist::Kind::Uniform:
      return d.a + workloadRng_() % (d.b - d.a + 1);
    case Dist::Kind::Fixed:
      break;
  }
  return d.a;
}

// A task's start: forked (unless it existed at attach), then it wakes, or
// for a server worker or a hackbench receiver, waits for work.
void Sim::start(SimTask *p) {
  if (!p->alive) {
    p->forking = true;
    initTask(p, true);
  }
  const TaskGroup &g = workload_.groups[p->group];
  if (g.behaviour == Behaviour::Server) {
    ServerState &s = servers_[p->group];
    if (s.waiting.empty()) {
      s.idleWorkers.push_back(p->id);
      return;
    }
    p->request = s.waiting.front();
    s.waiting.pop_front();
  } else if (g.behaviour == Behaviour::Hackbench && !p->sender && p->inbox == 0) {
    return;
  }
  wake(p);
}

// The length of the run a task starts when it wakes.
uint64_t Sim::firstBurst(SimTask *p) {
  const TaskGroup &g = workload_.groups[p->group];
  switch (g.behaviour) {
    case Behaviour::Periodic:
      return draw(g.run);
    case Behaviour::Server:
      return p->request.work;
    case Behaviour::Hackbench:
      return g.messages.workNs;
    case Behaviour::Hog:
      break;
  }
  return kForever;
}

// Wakes a sleeping task from another task (a message, a request, room in a
// pipe): the wakeup is an event at this instant.
void Sim::wakeLater(SimTask *p) {
  if (p->exited || !p->alive || p->state != TaskState::Sleeping || p->wakePending) return;
  p->wakePending = true;
  post(now_, EventKind::Wake, p->id);
}

// What a task does when its run ends; sets its next run (Continue) or its
// sleep (Sleep).
Next Sim::afterBurst(SimTask *p) {
  const TaskGroup &g = workload_.groups[p->group];
  switch (g.behaviour) {
    case Behaviour::Hog:
      return Next::Continue;  // only its lifetime ends it
    case Behaviour::Periodic:
      p->sleepFor = draw(g.sleep);
      return Next::Sleep;
    case Behaviour::Server: {
      ServerState &s = servers_[p->group];
      auto cls = static_cast<size_t>(p->request.cls);
      s.latency[cls].push_back(now_ - p->request.arrival);
      s.work[cls].push_back(p->request.work);
      if (s.waiting.empty()) {
        s.idleWorkers.push_back(p->id);
        return Next::Block;
      }
      p->request = s.waiting.front();
      s.waiting.pop_front();
      p->burstLeft = p->request.work;
      return Next::Continue;
    }
    case Behaviour::Hackbench:
      break;
  }
  const Messages &m = g.messages;
  int total = m.fds * m.loops;
  // The receiver a sender's message number n goes to.
  auto receiverOf = [&](int n) {
    int index = p->receivers + n % m.fds;
    return tasks_[static_cast<size_t>(index)].get();
  };
  if (p->sender) {
    SimTask *to = receiverOf(p->sent);
    to->inbox++;
    wakeLater(to);
    if (++p->sent == total) return Next::Exit;
    SimTask *nextTo = receiverOf(p->sent);
    if (nextTo->inbox >= m.capacity) {
      nextTo->blockedSenders.push_back(p->id);
      return Next::Block;
    }
  } else {
    p->inbox--;
    if (!p->blockedSenders.empty()) {
      wakeLater(tasks_[static_cast<size_t>(p->blockedSenders.front())].get());
      p->blockedSenders.pop_front();
    }
    if (++p->received == total) return Next::Exit;
    if (p->inbox == 0) return Next::Block;
  }
  p->burstLeft = m.workNs;
  return Next::Continue;
}

// A request arrives at a server group: an idle worker takes it, or it waits.
// Arrivals are a Poisson process; the class is drawn by share.
void Sim::arrive(int group) {
  const Server &server = workload_.groups[static_cast<size_t>(group)].server;
  ServerState &s = servers_[static_cast<size_t>(group)];
  double total = 0;
  for (const RequestClass &c : server.classes) total += c.share;
  double pick = uniform01() * total;
  size_t cls = 0;
  while (cls + 1 < server.classes.size() && pick >= server.classes[cls].share)
    pick -= server.classes[cls++].share;
  Request r{now_, draw(server.classes[cls].work), static_cast<int>(cls)};
  s.arrived++;
  if (!s.idleWorkers.empty()) {
    SimTask *w = tasks_[static_cast<size_t>(s.idleWorkers.front())].get();
    s.idleWorkers.pop_front();
    w->request = r;
    wakeLater(w);
  } else {
    s.waiting.push_back(r);
  }
  double gap = -std::log1p(-uniform01()) * 1e9 / server.rate;
  post(now_ + std::max<uint64_t>(1, static_cast<uint64_t>(gap)), EventKind::Arrival, group);
}

// A workload event: a renice (ops.set_weight, as reweight_task_scx calls it)
// or a new affinity for every task of a group.
void Sim::change(const WorkloadEvent &event) {
  for (auto &t : tasks_) {
    if (t->group != event.group || t->exited) continue;
    if (event.nice) {
      t->ts.static_prio = MAX_PRIO_NICE_0 + *event.nice;
      t->ts.scx.weight = scxWeight(*event.nice);
      if (t->alive && ops_.set_weight) {
        Context saved = context_;
        context_ = Context::Other;
        currentCpu_ = t->cpu;
        if (t->state == TaskState::Running) account(t->cpu);
        call(Callback::Other, ops_.set_weight, &t->ts, t->ts.scx.weight);
        context_ = saved;
      }
    }
    if (event.cpus) setAffinity(t.get(), *event.cpus);
  }
}

// A new affinity (the kernel's set_cpus_allowed). A queued task goes
// through the kernel's property change: ops.dequeue and ops.quiescent, out of
// its DSQ, then ops.runnable and ops.enqueue (ENQUEUE_RESTORE), from an
// allowed CPU if its own is no longer one. A running task on a CPU it may
// no longer use is preempted and re-enqueued from an allowed CPU.
void Sim::setAffinity(SimTask *p, const std::vector<int> &cpus) {
  constexpr uint64_t kDeqSaveMove = 0x2 | 0x4;  // DEQUEUE_SAVE | DEQUEUE_MOVE
  constexpr uint64_t kEnqRestore = 0x2;         // ENQUEUE_RESTORE
  bool queued = p->state == TaskState::Queued;
  Context saved = context_;
  context_ = Context::Other;
  currentCpu_ = p->cpu;
  if (queued) {
    if (ops_.dequeue) call(Callback::Other, ops_.dequeue, &p->ts, kDeqSaveMove);
    removeFromDsq(p);
    if (p->localCpu >= 0) {
      auto &local = cpus_[static_cast<size_t>(p->localCpu)].local;
      local.erase(std::find(local.begin(), local.end(), p));
      p->localCpu = -1;
    }
    if (ops_.quiescent) call(Callback::Quiescent, ops_.quiescent, &p->ts, kDeqSaveMove);
    setState(p, TaskState::Sleeping);  // counted again below, by the new mask
  }
  p->mask = cpumask{};
  for (int c : cpus)
    if (c < nrCpus()) p->mask.bits[c / 64] |= 1UL << (c % 64);
  p->ts.nr_cpus_allowed = static_cast<int>(cpus.size());
  int dest = -1;  // an allowed CPU, idle if one is
  for (int c = 0; c < nrCpus() && dest < 0; c++)
    if (allowed(p, c) && !cpus_[static_cast<size_t>(c)].curr) dest = c;
  for (int c = 0; c < nrCpus() && dest < 0; c++)
    if (allowed(p, c)) dest = c;
  int was = p->cpu;
  if (dest >= 0 && !allowed(p, was)) p->cpu = dest;
  if (queued) {
    setState(p, TaskState::Queued);
    currentCpu_ = p->cpu;
    if (ops_.runnable) call(Callback::Runnable, ops_.runnable, &p->ts, kEnqRestore);
    enqueue(p, kEnqRestore);
  } else if (p->state == TaskState::Running && p->cpu != was) {
    account(was);
    p->ts.scx.slice = 0;
    resched(was);
  }
  context_ = saved;
}

}  // namespace schedsim
