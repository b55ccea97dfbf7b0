// schedsim's workloads: what the JSON says reaches the simulator, what it
// writes back reads the same, and a mistake is an error naming the file.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "Workload.h"

namespace schedsim {
namespace {

const char *const kEverything = R"({"groups": [
  {"name": "hog", "count": 2, "nice": -3, "cpus": [1, 0, 1]},
  {"name": "io", "run": {"exp": "1ms"}, "sleep": {"uniform": ["2ms", "4ms"]},
   "start": "10ms", "stagger": "1ms", "lifetime": "500ms"},
  {"name": "web", "count": 4, "server": {"rate": 1500.5,
    "requests": [{"share": 0.99, "work": "5us"}, {"share": 0.01, "work": 500000}]}},
  {"name": "hb", "count": 3, "hackbench": {"fds": 2, "loops": 7, "capacity": 5, "work": "3us"}}
 ],
 "events": [{"at": "2s", "group": "io", "cpus": [2]}, {"at": "1s", "group": "hog", "nice": 4}]})";

TEST(Workload, ReadsEveryField) {
  Workload w = parseWorkload(kEverything, "w.json");
  ASSERT_EQ(w.groups.size(), 4u);
  const TaskGroup &hog = w.groups[0];
  EXPECT_EQ(hog.behaviour, Behaviour::Hog);
  EXPECT_EQ(hog.count, 2);
  EXPECT_EQ(hog.nice, -3);
  EXPECT_EQ(hog.cpus, (std::vector<int>{0, 1}));  // sorted, once each
  const TaskGroup &io = w.groups[1];
  EXPECT_EQ(io.behaviour, Behaviour::Periodic);
  EXPECT_EQ(io.run.kind, Dist::Kind::Exponential);
  EXPECT_EQ(io.run.a, 1'000'000u);
  EXPECT_EQ(io.sleep.kind, Dist::Kind::Uniform);
  EXPECT_DOUBLE_EQ(io.sleep.mean(), 3'000'000.0);
  EXPECT_EQ(io.startNs, 10'000'000u);
  EXPECT_EQ(io.staggerNs, 1'000'000u);
  EXPECT_EQ(io.lifetimeNs, 500'000'000u);
  const TaskGroup &web = w.groups[2];
  EXPECT_EQ(web.behaviour, Behaviour::Server);
  EXPECT_DOUBLE_EQ(web.server.rate, 1500.5);
  ASSERT_EQ(web.server.classes.size(), 2u);
  EXPECT_EQ(web.server.classes[1].work.a, 500'000u);
  const TaskGroup &hb = w.groups[3];
  EXPECT_EQ(hb.behaviour, Behaviour::Hackbench);
  EXPECT_EQ(hb.tasks(), 3 * 2 * 2);
  EXPECT_EQ(hb.messages.loops, 7);
  EXPECT_EQ(hb.messages.capacity, 5);
  EXPECT_EQ(hb.messages.workNs, 3000u);
  // Events come in time order, naming groups by index.
  ASSERT_EQ(w.events.size(), 2u);
  EXPECT_EQ(w.events[0].atNs, 1'000'000'000u);
  EXPECT_EQ(w.events[0].group, 0);
  EXPECT_EQ(w.events[0].nice, 4);
  EXPECT_EQ(w.events[1].group, 1);
  EXPECT_EQ(w.events[1].cpus, (std::vector<int>{2}));
}

TEST(Workload, WritesWhatItReads) {
  Workload w = parseWorkload(kEverything, "w.json");
  std::string once = workloadJson(w);
  Workload again = parseWorkload(once, "again.json");
  EXPECT_EQ(workloadJson(again), once);
  ASSERT_EQ(again.groups.size(), w.groups.size());
  EXPECT_EQ(again.groups[1].sleep.b, w.groups[1].sleep.b);
  EXPECT_EQ(again.groups[2].server.classes[0].work.a, 5000u);
  EXPECT_EQ(again.events.size(), 2u);
}

std::string errorOf(const std::string &text) {
  try {
    parseWorkload(text, "bad.json");
  } catch (const std::runtime_error &e) {
    return e.what();
  }
  return "";
}

TEST(Workload, NamesTheFileAndTheMistake) {
  EXPECT_EQ(errorOf(R"({"groups": [{"run": "1ms"}]})"),
            "bad.json: group 1: a periodic task needs both run and sleep above 0");
  EXPECT_EQ(errorOf(R"({"groups": [{"sleep": {"uniform": ["3ms", "1ms"]}, "run": "1ms"}]})"),
            "bad.json: group 1 sleep: uniform bounds must be [low, high]");
  EXPECT_EQ(errorOf(R"({"groups": [{"hackbench": {"fds": 0}}]})"),
            "bad.json: group 1 hackbench fds must be an integer from 1 to 1000");
  EXPECT_EQ(errorOf(R"({"groups": [{}], "event": []})"),
            "bad.json: unknown field \"event\" (groups, events)");
  EXPECT_EQ(
      errorOf(R"({"groups": [{"name": "a"}], "events": [{"at": "1s", "group": "a", "nice": 40}]})"),
      "bad.json: event 1 nice must be an integer from -20 to 19");
  EXPECT_NE(errorOf(R"({"groups": [{"count": 1,}]})").find("line 1, column"), std::string::npos);
}

}  // namespace
}  // namespace schedsim
