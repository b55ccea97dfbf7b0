#include "Workload.h"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

namespace schedsim {
namespace {

using nlohmann::json;

[[noreturn]] void bad(const std::string &file, const std::string &what) {
  throw std::runtime_error(file + ": " + what);
}

// Reads the parts of one workload file, naming the file in every error.
struct Reader {
  std::string file;

  // A duration: a number of nanoseconds, or a string with a unit ("4ms").
  uint64_t duration(const json &v, const std::string &field) const {
    if (v.is_number_unsigned()) return v.get<uint64_t>();
    if (!v.is_string()) bad(file, field + " must be a duration such as \"4ms\"");
    std::string s = v.get<std::string>();
    size_t digits = 0;
    while (digits < s.size() && isdigit(static_cast<unsigned char>(s[digits]))) digits++;
    std::string unit = s.substr(digits);
    uint64_t scale = unit == "ns"   ? 1
                     : unit == "us" ? 1000
                     : unit == "ms" ? 1000000
                     : unit == "s"  ? 1000000000ULL
                                    : 0;
    if (digits == 0 || digits > 12 || scale == 0)
      bad(file, field + " '" + s + "' is not a duration (digits and ns, us, ms or s)");
    return std::stoull(s.substr(0, digits)) * scale;
  }

  // A duration, or {"exp": MEAN}, or {"uniform": [LO, HI]}.
  Dist dist(const json &v, const std::string &field) const {
    Dist d;
    if (!v.is_object()) {
      d.a = duration(v, field);
      return d;
    }
    if (v.size() == 1 && v.contains("exp")) {
      d.kind = Dist::Kind::Exponential;
      d.a = duration(v["exp"], field + " exp");
      return d;
    }
    if (v.size() == 1 && v.contains("uniform") && v["uniform"].is_array() &&
        v["uniform"].size() == 2) {
      d.kind = Dist::Kind::Uniform;
      d.a = duration(v["uniform"][0], field + " uniform");
      d.b = duration(v["uniform"][1], field + " uniform");
      if (d.a > d.b) bad(file, field + ": uniform bounds must be [low, high]");
      return d;
    }
    bad(file, field + " must be a duration, {\"exp\": MEAN} or {\"uniform\": [LOW, HIGH]}");
  }

  int integer(const json &v, const std::string &field, int lo, int hi) const {
    if (!v.is_number_integer() || v.get<int64_t>() < lo || v.get<int64_t>() > hi)
      bad(file,
          field + " must be an integer from " + std::to_string(lo) + " to " + std::to_string(hi));
    return v.get<int>();
  }

  std::vector<int> cpus(const json &v, const std::string &field) const {
    if (!v.is_array() || v.empty()) bad(file, field + " must be a non-empty array of CPU numbers");
    std::vector<int> out;
    for (const json &c : v) {
      if (!c.is_number_unsigned() || c.get<uint64_t>() >= 1024)
        bad(file, field + " must be CPU numbers below 1024");
      out.push_back(c.get<int>());
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

  Server server(const json &v, const std::string &where) const {
    if (!v.is_object()) bad(file, where + ": server must be an object");
    Server s;
    for (const auto &[key, value] : v.items()) {
      if (key == "rate" && value.is_number() && value.get<double>() > 0 &&
          value.get<double>() <= 1e9) {
        s.rate = value.get<double>();
      } else if (key == "requests" && value.is_array() && !value.empty()) {
        for (const json &r : value) {
          if (!r.is_object() || !r.contains("work"))
            bad(file, where + ": each request class needs \"work\"");
          RequestClass c;
          c.work = dist(r["work"], where + " request work");
          if (r.contains("share")) {
            if (!r["share"].is_number() || r["share"].get<double>() <= 0)
              bad(file, where + ": a request class's share must be above 0");
            c.share = r["share"].get<double>();
          }
          for (const auto &[k, unused] : r.items())
            if (k != "work" && k != "share")
              bad(file, where + ": unknown request field \"" + k + "\" (work, share)");
          s.classes.push_back(c);
        }
      } else {
        bad(file, where + ": unknown or invalid server field \"" + key +
                      "\" (rate above 0, requests: [{\"share\", \"work\"}])");
      }
    }
    if (s.rate <= 0 || s.classes.empty())
      bad(file, where + ": a server needs a rate and at least one request class");
    return s;
  }

  Messages messages(const json &v, const std::string &where) const {
    if (!v.is_object()) bad(file, where + ": hackbench must be an object");
    Messages m;
    for (const auto &[key, value] : v.items()) {
      if (key == "fds")
        m.fds = integer(value, where + " hackbench fds", 1, 1000);
      else if (key == "loops")
        m.loops = integer(value, where + " hackbench loops", 1, 1000000);
      else if (key == "capacity")
        m.capacity = integer(value, where + " hackbench capacity", 1, 1000000);
      else if (key == "work")
        m.workNs = duration(value, where + " hackbench work");
      else
        bad(file, where + ": unknown hackbench field \"" + key + "\" (fds, loops, capacity, work)");
    }
    if (m.workNs == 0) bad(file, where + ": hackbench work must be above 0");
    return m;
  }

  TaskGroup group(const json &g, const std::string &where) const {
    TaskGroup group;
    if (!g.is_object()) bad(file, where + " is not an object");
    bool periodic = false;
    for (const auto &[key, value] : g.items()) {
      if (key == "name" && value.is_string()) {
        group.name = value.get<std::string>();
      } else if (key == "count") {
        group.count = integer(value, where + " count", 1, 100000);
      } else if (key == "nice") {
        group.nice = integer(value, where + " nice", -20, 19);
      } else if (key == "cpus") {
        group.cpus = cpus(value, where + ": cpus");
      } else if (key == "run") {
        periodic = true;
        group.run = dist(value, where + " run");
      } else if (key == "sleep") {
        periodic = true;
        group.sleep = dist(value, where + " sleep");
      } else if (key == "server") {
        group.behaviour = Behaviour::Server;
        group.server = server(value, where);
      } else if (key == "hackbench") {
        group.behaviour = Behaviour::Hackbench;
        group.messages = messages(value, where);
      } else if (key == "start") {
        group.startNs = duration(value, where + " start");
      } else if (key == "stagger") {
        group.staggerNs = duration(value, where + " stagger");
      } else if (key == "lifetime") {
        group.lifetimeNs = duration(value, where + " lifetime");
      } else {
        bad(file, where + ": unknown or invalid field \"" + key +
                      "\" (name, count 1..100000, nice -20..19, cpus, run, sleep, server, "
                      "hackbench, start, stagger, lifetime)");
      }
    }
    if (periodic) {
      if (group.behaviour != Behaviour::Hog)
        bad(file, where + ": run and sleep describe a periodic task, not a server or hackbench");
      group.behaviour = Behaviour::Periodic;
      if (group.run.mean() <= 0 || group.sleep.mean() <= 0)
        bad(file, where + ": a periodic task needs both run and sleep above 0");
    }
    if (group.lifetimeNs && group.behaviour != Behaviour::Hog &&
        group.behaviour != Behaviour::Periodic)
      bad(file, where +
                    ": lifetime is for hogs and periodic tasks (servers and hackbench end "
                    "by themselves or not at all)");
    if (group.behaviour == Behaviour::Hackbench &&
        static_cast<int64_t>(group.count) * 2 * group.messages.fds > 100000)
      bad(file, where + ": hackbench makes count * 2 * fds tasks, at most 100000");
    return group;
  }

  WorkloadEvent event(const json &e, const std::string &where,
                      const std::vector<TaskGroup> &groups) const {
    if (!e.is_object() || !e.contains("at") || !e.contains("group"))
      bad(file, where + " needs \"at\" and \"group\"");
    WorkloadEvent ev;
    for (const auto &[key, value] : e.items()) {
      if (key == "at") {
        ev.atNs = duration(value, where + " at");
      } else if (key == "group") {
        std::string name = value.is_string() ? value.get<std::string>() : "";
        auto found = std::find_if(groups.begin(), groups.end(),
                                  [&](const TaskGroup &g) { return g.name == name; });
        if (found == groups.end()) bad(file, where + ": no group named \"" + name + "\"");
        ev.group = static_cast<int>(found - groups.begin());
      } else if (key == "nice") {
        ev.nice = integer(value, where + " nice", -20, 19);
      } else if (key == "cpus") {
        ev.cpus = cpus(value, where + ": cpus");
      } else {
        bad(file, where + ": unknown event field \"" + key + "\" (at, group, nice, cpus)");
      }
    }
    if (!ev.nice && !ev.cpus) bad(file, where + " changes nothing (give nice or cpus)");
    return ev;
  }
};

json durationJson(uint64_t ns) {
  if (ns % 1000000 == 0) return std::to_string(ns / 1000000) + "ms";
  if (ns % 1000 == 0) return std::to_string(ns / 1000) + "us";
  return ns;
}

json distJson(const Dist &d) {
  switch (d.kind) {
    case Dist::Kind::Exponential:
      return json{{"exp", durationJson(d.a)}};
    case Dist::Kind::Uniform:
      return json{{"uniform", json::array({durationJson(d.a), durationJson(d.b)})}};
    case Dist::Kind::Fixed:
      break;
  }
  return durationJson(d.a);
}

}  // namespace

double Dist::mean() const {
  switch (kind) {
    case Kind::Uniform:
      return (static_cast<double>(a) + static_cast<double>(b)) / 2;
    case Kind::Fixed:
    case Kind::Exponential:
      break;
  }
  return static_cast<double>(a);
}

Workload parseWorkload(const std::string &text, const std::string &name) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error &e) {
    bad(name, std::string("not valid JSON: ") + e.what());
  }
  if (!doc.is_object() || !doc.contains("groups") || !doc["groups"].is_array())
    bad(name, "expected an object with a \"groups\" array");
  for (const auto &[key, unused] : doc.items())
    if (key != "groups" && key != "events")
      bad(name, "unknown field \"" + key + "\" (groups, events)");
  Reader reader{name};
  Workload w;
  for (const json &g : doc["groups"]) {
    TaskGroup group = reader.group(g, "group " + std::to_string(w.groups.size() + 1));
    if (group.name.empty()) group.name = "g" + std::to_string(w.groups.size());
    for (const TaskGroup &other : w.groups)
      if (other.name == group.name)
        bad(name, "group " + std::to_string(w.groups.size() + 1) + ": the name \"" + group.name +
                      "\" is taken by another group");
    w.groups.push_back(group);
  }
  if (w.groups.empty()) bad(name, "no task groups");
  if (doc.contains("events")) {
    if (!doc["events"].is_array()) bad(name, "events must be an array");
    for (const json &e : doc["events"])
      w.events.push_back(reader.event(e, "event " + std::to_string(w.events.size() + 1), w.groups));
    sortEvents(w.events);
  }
  return w;
}

// By time, events of the same time in the order given. (Insertion sort:
// std::stable_sort's buffer is deprecated in the C++17 library here.)
void sortEvents(std::vector<WorkloadEvent> &events) {
  for (size_t i = 1; i < events.size(); i++)
    for (size_t j = i; j > 0 && events[j - 1].atNs > events[j].atNs; j--)
      std::swap(events[j - 1], events[j]);
}

Workload readWorkload(const std::string &path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot read the workload");
  std::stringstream text;
  text << in.rdbuf();
  return parseWorkload(text.str(), path);
}

std::string workloadJson(const Workload &w) {
  json groups = json::array();
  for (const TaskGroup &g : w.groups) {
    json o = json::object();
    o["name"] = g.name;
    o["count"] = g.count;
    if (g.nice) o["nice"] = g.nice;
    if (!g.cpus.empty()) o["cpus"] = g.cpus;
    if (g.behaviour == Behaviour::Periodic) {
      o["run"] = distJson(g.run);
      o["sleep"] = distJson(g.sleep);
    } else if (g.behaviour == Behaviour::Server) {
      json classes = json::array();
      for (const RequestClass &c : g.server.classes)
        classes.push_back(json{{"share", c.share}, {"work", distJson(c.work)}});
      o["server"] = json{{"rate", g.server.rate}, {"requests", classes}};
    } else if (g.behaviour == Behaviour::Hackbench) {
      o["hackbench"] = json{{"fds", g.messages.fds},
                            {"loops", g.messages.loops},
                            {"capacity", g.messages.capacity},
                            {"work", durationJson(g.messages.workNs)}};
    }
    if (g.startNs) o["start"] = durationJson(g.startNs);
    if (g.staggerNs) o["stagger"] = durationJson(g.staggerNs);
    if (g.lifetimeNs) o["lifetime"] = durationJson(g.lifetimeNs);
    groups.push_back(o);
  }
  // One line per group and per event.
  std::string out = "{\"groups\": [";
  for (size_t i = 0; i < groups.size(); i++)
    out += std::string(i ? ",\n  " : "\n  ") + groups[i].dump();
  out += "\n]";
  if (!w.events.empty()) {
    json events = json::array();
    for (const WorkloadEvent &e : w.events) {
      json o = json::object();
      o["at"] = durationJson(e.atNs);
      o["group"] = w.groups[static_cast<size_t>(e.group)].name;
      if (e.nice) o["nice"] = *e.nice;
      if (e.cpus) o["cpus"] = *e.cpus;
      events.push_back(o);
    }
    out += ",\n \"events\": [";
    for (size_t i = 0; i < events.size(); i++)
      out += std::string(i ? ",\n  " : "\n  ") + events[i].dump();
    out += "\n]";
  }
  return out + "}";
}

}  // namespace schedsim
