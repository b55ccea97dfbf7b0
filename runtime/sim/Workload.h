// Workloads as data: groups of tasks with a count, nice value, affinity and
// behaviour, and events at given times, read from JSON (docs/schedsim.md has
// the format).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace schedsim {

// A duration drawn for each use: fixed, exponential with a mean, or uniform
// between two bounds.
struct Dist {
  enum class Kind { Fixed, Exponential, Uniform } kind = Kind::Fixed;
  uint64_t a = 0, b = 0;  // Fixed: a; Exponential: mean a; Uniform: [a, b]
  double mean() const;
};

// What each task of a group does.
enum class Behaviour {
  Hog,        // runs whenever it can
  Periodic,   // runs `run`, then sleeps `sleep`
  Server,     // a worker of a thread pool serving requests that arrive at random
  Hackbench,  // senders and receivers exchanging messages, as hackbench does
};

// One kind of request of a server, and how often it comes.
struct RequestClass {
  double share = 1;  // of all requests
  Dist work;         // CPU time to serve it
};

struct Server {
  double rate = 0;  // requests per second, a Poisson process
  std::vector<RequestClass> classes;
};

// hackbench's pipe mode: each instance has `fds` senders and `fds`
// receivers; every sender sends `loops` messages to every receiver of its
// instance. A message costs `work` of CPU time to send and again to receive;
// a receiver's pipe holds `capacity` messages, and a sender blocks on a full
// one.
struct Messages {
  int fds = 10, loops = 100, capacity = 64;
  uint64_t workNs = 5000;
};

struct TaskGroup {
  std::string name;
  int count = 1;  // tasks; for hackbench, instances of 2 * fds tasks
  int nice = 0;
  std::vector<int> cpus;  // allowed CPUs; empty: all
  Behaviour behaviour = Behaviour::Hog;
  Dist run, sleep;          // Periodic
  Server server;            // Server
  Messages messages;        // Hackbench
  uint64_t startNs = 0;     // when the group's first task starts
  uint64_t staggerNs = 0;   // between the starts of its tasks
  uint64_t lifetimeNs = 0;  // CPU time after which a task exits (0: never)

  int tasks() const { return behaviour == Behaviour::Hackbench ? count * 2 * messages.fds : count; }
};

// A change at a given time to every task of a group.
struct WorkloadEvent {
  uint64_t atNs = 0;
  int group = 0;
  std::optional<int> nice;               // renice
  std::optional<std::vector<int>> cpus;  // new affinity
};

struct Workload {
  std::vector<TaskGroup> groups;
  std::vector<WorkloadEvent> events;  // in time order
};

// Parses a workload; throws std::runtime_error naming the file and what is
// wrong (with the JSON parser's line and column for a syntax error).
Workload readWorkload(const std::string &path);
Workload parseWorkload(const std::string &text, const std::string &name);
// Orders events by time, those of one time as given.
void sortEvents(std::vector<WorkloadEvent> &events);
// The workload as JSON that parseWorkload reads back.
std::string workloadJson(const Workload &workload);

}  // namespace schedsim
