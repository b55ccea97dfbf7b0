#include "Workload.h"

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

// A duration: a number of nanoseconds, or a string with a unit ("4ms").
uint64_t duration(const json &v, const std::string &file, const std::string &field) {
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
  if (digits == 0 || scale == 0)
    bad(file, field + " '" + s + "' is not a duration (digits and ns, us, ms or s)");
  return std::stoull(s.substr(0, digits)) * scale;
}

}  // namespace

Workload parseWorkload(const std::string &text, const std::string &name) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error &e) {
    bad(name, std::string("not valid JSON: ") + e.what());
  }
  if (!doc.is_object() || !doc.contains("groups") || !doc["groups"].is_array())
    bad(name, "expected an object with a \"groups\" array");
  Workload w;
  for (const json &g : doc["groups"]) {
    TaskGroup group;
    std::string where = "group " + std::to_string(w.groups.size() + 1);
    if (!g.is_object()) bad(name, where + " is not an object");
    for (const auto &[key, value] : g.items()) {
      if (key == "name" && value.is_string()) {
        group.name = value.get<std::string>();
      } else if (key == "count" && value.is_number_integer() && value.get<int64_t>() >= 1 &&
                 value.get<int64_t>() <= 100000) {
        group.count = value.get<int>();
      } else if (key == "nice" && value.is_number_integer() && value.get<int>() >= -20 &&
                 value.get<int>() <= 19) {
        group.nice = value.get<int>();
      } else if (key == "cpus" && value.is_array()) {
        for (const json &c : value) {
          if (!c.is_number_unsigned() || c.get<uint64_t>() >= 1024)
            bad(name, where +
                          ": cpus must be CPU numbers "
                          "below 1024");
          group.cpus.push_back(c.get<int>());
        }
      } else if (key == "run") {
        group.behaviour = Behaviour::Periodic;
        group.runNs = duration(value, name, where + " run");
      } else if (key == "sleep") {
        group.behaviour = Behaviour::Periodic;
        group.sleepNs = duration(value, name, where + " sleep");
      } else if (key == "start") {
        group.startNs = duration(value, name, where + " start");
      } else {
        bad(name, where + ": unknown or invalid field \"" + key +
                      "\" (name, count 1..100000, nice -20..19, cpus, "
                      "run, sleep, start)");
      }
    }
    if (group.behaviour == Behaviour::Periodic && (group.runNs == 0 || group.sleepNs == 0))
      bad(name, where + ": a periodic task needs both run and sleep above 0");
    if (group.name.empty()) group.name = "g" + std::to_string(w.groups.size());
    w.groups.push_back(group);
  }
  if (w.groups.empty()) bad(name, "no task groups");
  return w;
}

Workload readWorkload(const std::string &path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot read the workload");
  std::stringstream text;
  text << in.rdbuf();
  return parseWorkload(text.str(), path);
}

}  // namespace schedsim
