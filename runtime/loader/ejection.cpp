#include "ejection.h"

#include <cinttypes>
#include <cstdio>
#include <regex>

namespace schedrun {
namespace {

// include/linux/sched/ext.h: built-in DSQ ids have bit 63 set.
constexpr uint64_t kDsqBuiltin = 1ULL << 63;
constexpr uint64_t kDsqLocalOn = 1ULL << 62;
constexpr uint64_t kDsqGlobal = kDsqBuiltin | 1;
constexpr uint64_t kDsqLocal = kDsqBuiltin | 2;

// The DSQ id the dump lists for task `who` ("comm[pid]"), as text after
// "dsq_id=", or "" when the dump does not list the task.
std::string dsq_of(const std::string &dump, const std::string &who) {
  // A task's entry: "  R comm[pid] ..." then its fields, up to a blank line.
  size_t at = dump.find("R " + who + " ");
  if (at == std::string::npos) return "";
  size_t end = dump.find("\n\n", at);
  std::string entry = dump.substr(at, end == std::string::npos ? std::string::npos : end - at);
  std::smatch m;
  if (!std::regex_search(entry, m, std::regex("dsq_id=(\\S+)"))) return "";
  return m[1];
}

std::string plural(uint64_t n, const char *one, const char *many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

std::vector<std::string> explain_ejection(const std::string &message, const std::string &dump,
                                          const Meta &meta,
                                          const std::vector<QueueActivity> &queues) {
  std::smatch m;
  // The watchdog's message: "COMM[PID] failed to run for 2.012s".
  if (!std::regex_search(message, m, std::regex("(.+)\\[([0-9]+)\\] failed to run for (\\S+)")))
    return {};
  std::string who = std::string(m[1]) + "[" + std::string(m[2]) + "]";
  std::string waited = m[3];
  std::vector<std::string> out;
  std::string dsq = dsq_of(dump, who);
  uint64_t id = 0;
  if (dsq.rfind("0x", 0) != 0 || std::sscanf(dsq.c_str() + 2, "%" SCNx64, &id) != 1) {
    out.push_back("task " + who + " waited " + waited + " without running" +
                  (dsq.empty() ? "" : " (dsq_id " + dsq + ")"));
    return out;
  }
  if (id & kDsqBuiltin) {
    std::string where = id == kDsqGlobal  ? "the kernel's global DSQ"
                        : id == kDsqLocal ? "a CPU's local DSQ"
                        : (id & kDsqLocalOn)
                            ? "the local DSQ of CPU " + std::to_string(id & 0xffffffffULL)
                            : "built-in DSQ " + dsq;
    out.push_back("task " + who + " waited " + waited + " in " + where +
                  ", where the kernel runs tasks in order: a task ahead of it kept the CPU");
    out.push_back(
        "hint: a slice of `infinite` (or a very long one) lets a task that never "
        "sleeps hold its CPU");
    return out;
  }
  uint64_t queue = (id >> 32) - 1, instance = id & 0xffffffffULL;
  if (queue >= meta.queues.size() || queue >= queues.size()) {
    out.push_back("task " + who + " waited " + waited + " in DSQ " + dsq +
                  ", which is none of the policy's queues");
    return out;
  }
  const std::string &name = meta.queues[queue].name;
  const QueueActivity &a = queues[queue];
  std::string in = "queue '" + name + "'";
  if (meta.queues[queue].kind != "global") in += " (instance " + std::to_string(instance) + ")";
  out.push_back("task " + who + " waited " + waited + " in " + in);
  out.push_back("'" + name + "' held " + plural(a.waiting, "task", "tasks") + " and dispatched " +
                (a.dispatched ? std::to_string(a.dispatched) : "none") + " since attach");
  if (a.dispatched == 0)
    out.push_back("hint: no CPU took a task from '" + name +
                  "': check that its `eligible when` can hold and that `dispatch` lists it" +
                  (meta.queues[queue].kind == "global" ? "" : " (or `steal " + name + "`)"));
  else
    out.push_back("hint: '" + name +
                  "' dispatched other tasks but not this one: its `eligible when` did not hold "
                  "for it (with `else none` such a task waits forever), or no CPU serving " +
                  (meta.queues[queue].kind == "global" ? "it" : "that instance") + " may run it");
  return out;
}

std::string json_string(const std::string &text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
      out += escaped;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string ejection_json(const std::string &policy, const std::string &exit_kind,
                          long long exit_code, const std::string &reason,
                          const std::string &message, const std::vector<std::string> &reading) {
  std::string out = "{\"policy\":" + json_string(policy) +
                    ",\"event\":\"ejected\",\"exit_kind\":" + json_string(exit_kind) +
                    ",\"exit_code\":" + std::to_string(exit_code) +
                    ",\"reason\":" + json_string(reason) + ",\"message\":" + json_string(message) +
                    ",\"reading\":[";
  for (size_t i = 0; i < reading.size(); i++) out += (i ? "," : "") + json_string(reading[i]);
  return out + "]}\n";
}

}  // namespace schedrun
