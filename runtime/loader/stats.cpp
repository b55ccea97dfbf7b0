#include "stats.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <algorithm>
#include <cinttypes>
#include <string>

#include "tunables.h"

namespace schedrun {
namespace {

const char *const kQstatNames[SCHEDC_QSTAT_NR] = {"enqueued",    "dispatched",    "preemptions",
                                                  "steals",      "balanced",      "steals_llc",
                                                  "steals_node", "steals_remote", "moved"};

// The steals by distance, in the text view only once there were any.
bool steal_detail(int k) {
  return k == SCHEDC_QSTAT_STEALS_LLC || k == SCHEDC_QSTAT_STEALS_NODE ||
         k == SCHEDC_QSTAT_STEALS_REMOTE;
}

uint64_t at(const std::vector<uint64_t> &v, size_t i) {
  return i < v.size() ? v[i] : 0;
}

uint64_t qstat(const Snapshot &s, size_t q, int k) {
  return q < s.queue.size() ? s.queue[q][k] : 0;
}

}  // namespace

StatsReader::StatsReader(int stats_fd, int depth_fd, const Meta &meta, uint32_t slots)
    : stats_fd_(stats_fd),
      depth_fd_(depth_fd),
      meta_(meta),
      slots_(slots),
      nr_cpus_(libbpf_num_possible_cpus()) {}

std::vector<uint64_t> StatsReader::percpu(uint32_t index) const {
  std::vector<uint64_t> per_cpu(nr_cpus_ > 0 ? nr_cpus_ : 1);
  if (bpf_map_lookup_elem(stats_fd_, &index, per_cpu.data()) != 0)
    std::fill(per_cpu.begin(), per_cpu.end(), 0);
  return per_cpu;
}

uint64_t StatsReader::percpu_sum(uint32_t index) const {
  uint64_t sum = 0;
  for (uint64_t v : percpu(index)) sum += v;
  return sum;
}

Snapshot StatsReader::read() const {
  Snapshot s;
  for (size_t q = 0; q < meta_.queues.size(); q++) {
    std::array<uint64_t, SCHEDC_QSTAT_NR> row{};
    for (int k = 0; k < SCHEDC_QSTAT_NR; k++)
      row[k] = percpu_sum(static_cast<uint32_t>(q * SCHEDC_QSTAT_NR + k));
    s.queue.push_back(row);
    uint64_t depth = 0;
    for (uint32_t i = 0; depth_fd_ >= 0 && i < slots_; i++) {
      uint32_t key = static_cast<uint32_t>(q) * slots_ + i;
      uint64_t v = 0;
      if (bpf_map_lookup_elem(depth_fd_, &key, &v) == 0) depth += v;
    }
    s.depth.push_back(depth);
  }
  for (size_t c = 0; c < meta_.counters.size(); c++) {
    s.counters_by_cpu.push_back(
        percpu(static_cast<uint32_t>(SCHEDC_COUNTER_BASE) + static_cast<uint32_t>(c)));
    uint64_t sum = 0;
    for (uint64_t v : s.counters_by_cpu.back()) sum += v;
    s.counters.push_back(sum);
  }
  return s;
}

void print_stats_text(FILE *out, const Meta &meta, const Snapshot &prev, const Snapshot &cur,
                      double elapsed_s, bool final) {
  fprintf(out, "%s %.1fs\n", final ? "final stats after" : "stats at", elapsed_s);
  for (size_t q = 0; q < meta.queues.size(); q++) {
    fprintf(out, "  queue %-12s", meta.queues[q].name.c_str());
    for (int k = 0; k < SCHEDC_QSTAT_NR; k++) {
      uint64_t total = qstat(cur, q, k);
      if (k == SCHEDC_QSTAT_PREEMPTIONS) fprintf(out, "  depth %" PRIu64, at(cur.depth, q));
      if (steal_detail(k) && qstat(cur, q, SCHEDC_QSTAT_STEALS) == 0) continue;
      if (k == SCHEDC_QSTAT_MOVED && total == 0) continue;
      if (final)
        fprintf(out, "  %s %" PRIu64, kQstatNames[k], total);
      else
        fprintf(out, "  %s +%" PRIu64 " (%" PRIu64 ")", kQstatNames[k], total - qstat(prev, q, k),
                total);
    }
    fputc('\n', out);
  }
  for (size_t c = 0; c < meta.counters.size(); c++) {
    uint64_t total = at(cur.counters, c);
    if (final)
      fprintf(out, "  counter %-10s %" PRIu64 "\n", meta.counters[c].c_str(), total);
    else
      fprintf(out, "  counter %-10s +%" PRIu64 " (%" PRIu64 ")\n", meta.counters[c].c_str(),
              total - at(prev.counters, c), total);
  }
  fflush(out);
}

// Names come from the metadata, which only holds identifiers: no escaping needed.
std::string stats_document(const Meta &meta, const Snapshot &cur, double elapsed_s,
                           const std::vector<uint64_t> &tunables) {
  // Names are [A-Za-z0-9_.] (the compiler's rule), so they need no escaping.
  static const char *const kQstatMeaning[SCHEDC_QSTAT_NR] = {
      "tasks inserted into the queue",
      "tasks moved from the queue to a CPU",
      "running tasks cut short by a preempt rule",
      "tasks taken from another instance",
      "tasks pulled by the balance rule",
      "steals from a CPU of the same LLC",
      "steals from another LLC of the same NUMA node",
      "steals from another NUMA node",
      "tasks a timer's `move` took out of the queue"};
  std::string out = "{\"schema\":1,\"policy\":\"" + meta.policy + "\",\"time_s\":";
  char number[64];
  snprintf(number, sizeof number, "%.3f", elapsed_s);
  out += number;
  out +=
      ",\"fields\":{\"time_s\":{\"unit\":\"s\",\"description\":\"time since the policy "
      "was attached\"},\"queues.depth\":{\"unit\":\"tasks\",\"description\":\"tasks "
      "waiting in the queue's DSQs now\"}";
  for (int k = 0; k < SCHEDC_QSTAT_NR; k++)
    out += std::string(",\"queues.") + kQstatNames[k] +
           "\":{\"unit\":\"tasks\",\"description\":\"" + kQstatMeaning[k] + " since attach\"}";
  out +=
      ",\"counters\":{\"unit\":\"count\",\"description\":\"the policy's own counters "
      "since attach\"},\"counters_by_cpu\":{\"unit\":\"count\",\"description\":\"each "
      "counter by the CPU that counted, indexed by CPU id\"},\"params\":{\"unit\":\"as "
      "written in the policy\",\"description\":\"each param's value now and whether "
      "`schedrun set` may change it (live)\"}},\"params\":{";
  for (size_t i = 0; i < meta.params.size() && i < tunables.size(); i++)
    out += std::string(i ? "," : "") + "\"" + meta.params[i].name + "\":{\"value\":\"" +
           format_tunable(meta.params[i], tunables[i]) +
           "\",\"live\":" + (meta.params[i].live ? "true" : "false") + "}";
  out += "},\"counters_by_cpu\":{";
  // Before the totals, so a search for a counter's name finds its total last.
  for (size_t c = 0; c < meta.counters.size() && c < cur.counters_by_cpu.size(); c++) {
    out += std::string(c ? "," : "") + "\"" + meta.counters[c] + "\":[";
    for (size_t cpu = 0; cpu < cur.counters_by_cpu[c].size(); cpu++)
      out += (cpu ? "," : "") + std::to_string(cur.counters_by_cpu[c][cpu]);
    out += "]";
  }
  out += "},\"queues\":{";
  for (size_t q = 0; q < meta.queues.size(); q++) {
    out += std::string(q ? "," : "") + "\"" + meta.queues[q].name +
           "\":{\"depth\":" + std::to_string(at(cur.depth, q));
    for (int k = 0; k < SCHEDC_QSTAT_NR; k++)
      out += std::string(",\"") + kQstatNames[k] + "\":" + std::to_string(qstat(cur, q, k));
    out += "}";
  }
  out += "},\"counters\":{";
  for (size_t c = 0; c < meta.counters.size(); c++)
    out += std::string(c ? "," : "") + "\"" + meta.counters[c] +
           "\":" + std::to_string(at(cur.counters, c));
  out += "}}\n";
  return out;
}

void print_stats_json(FILE *out, const Meta &meta, const Snapshot &prev, const Snapshot &cur,
                      double elapsed_s, bool final) {
  fprintf(out, "{\"policy\":\"%s\",\"time_s\":%.3f,\"final\":%s,\"queues\":{", meta.policy.c_str(),
          elapsed_s, final ? "true" : "false");
  for (size_t q = 0; q < meta.queues.size(); q++) {
    fprintf(out, "%s\"%s\":{\"depth\":%" PRIu64, q ? "," : "", meta.queues[q].name.c_str(),
            at(cur.depth, q));
    for (int k = 0; k < SCHEDC_QSTAT_NR; k++)
      fprintf(out, ",\"%s\":%" PRIu64 ",\"%s_delta\":%" PRIu64, kQstatNames[k], qstat(cur, q, k),
              kQstatNames[k], qstat(cur, q, k) - qstat(prev, q, k));
    fputc('}', out);
  }
  fputs("},\"counters\":{", out);
  for (size_t c = 0; c < meta.counters.size(); c++)
    fprintf(out, "%s\"%s\":{\"total\":%" PRIu64 ",\"delta\":%" PRIu64 "}", c ? "," : "",
            meta.counters[c].c_str(), at(cur.counters, c),
            at(cur.counters, c) - at(prev.counters, c));
  fputs("}}\n", out);
  fflush(out);
}

}  // namespace schedrun
