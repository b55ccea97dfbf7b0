#include "topology.h"

#include <dirent.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "failure.h"
#include "schedc_abi.h"

namespace schedrun {
namespace {

// The first line of a file, or "" when it cannot be read.
std::string first_line(const std::string &path) {
  std::ifstream in(path);
  std::string line;
  if (in) std::getline(in, line);
  return line;
}

bool parse_number(const std::string &text, uint32_t &out) {
  if (text.empty() || text.size() > 9 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return false;
  out = static_cast<uint32_t>(std::stoul(text));
  return true;
}

std::vector<std::string> directory_entries(const std::string &path, const std::string &prefix) {
  std::vector<std::string> names;
  if (DIR *dir = opendir(path.c_str())) {
    while (dirent *e = readdir(dir))
      if (std::string(e->d_name).rfind(prefix, 0) == 0) names.push_back(e->d_name);
    closedir(dir);
  }
  std::sort(names.begin(), names.end());
  return names;
}

// The CPUs sharing CPU `cpu`'s last-level cache: those of its cache index
// with the highest level (data or unified, not instruction). Empty if none.
std::vector<uint32_t> llc_cpus(const std::string &cpu_dir) {
  std::string cache = cpu_dir + "/cache";
  uint32_t best = 0;
  std::string best_list;
  for (const std::string &index : directory_entries(cache, "index")) {
    std::string dir = cache + "/" + index;
    uint32_t level = 0;
    if (!parse_number(first_line(dir + "/level"), level)) continue;
    if (first_line(dir + "/type") == "Instruction") continue;
    std::string list = first_line(dir + "/shared_cpu_list");
    if (level > best && !list.empty()) {
      best = level;
      best_list = list;
    }
  }
  return best_list.empty() ? std::vector<uint32_t>{} : parse_cpu_list(best_list);
}

// Dense ids for keys, in the order they are first seen.
struct Numbering {
  std::map<uint64_t, uint32_t> ids;
  uint32_t id(uint64_t key) {
    return ids.emplace(key, static_cast<uint32_t>(ids.size())).first->second;
  }
  uint32_t size() const { return static_cast<uint32_t>(ids.size()); }
};

}  // namespace

std::vector<uint32_t> parse_cpu_list(const std::string &text) {
  std::vector<uint32_t> cpus;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, ',')) {
    size_t dash = part.find('-');
    uint32_t lo = 0, hi = 0;
    bool ok = dash == std::string::npos ? parse_number(part, lo) && parse_number(part, hi)
                                        : parse_number(part.substr(0, dash), lo) &&
                                              parse_number(part.substr(dash + 1), hi);
    if (!ok || hi < lo || hi - lo > SCHEDC_MAX_SLOTS * 64u)
      user_error("cannot read the CPU list '" + text + "'");
    for (uint32_t c = lo; c <= hi; c++) cpus.push_back(c);
  }
  return cpus;
}

std::string format_cpu_list(const std::vector<uint32_t> &cpus) {
  std::string out;
  for (size_t i = 0; i < cpus.size();) {
    size_t j = i;
    while (j + 1 < cpus.size() && cpus[j + 1] == cpus[j] + 1) j++;
    out += (out.empty() ? "" : ",") + std::to_string(cpus[i]);
    if (j > i) out += "-" + std::to_string(cpus[j]);
    i = j + 1;
  }
  return out;
}

Topology read_topology(const std::string &root, uint32_t nr_cpus) {
  Topology t;
  t.llc.assign(nr_cpus, 0);
  t.node.assign(nr_cpus, 0);
  t.core.assign(nr_cpus, 0);

  // Nodes first: an LLC's node is its first CPU's.
  std::vector<uint64_t> node_key(nr_cpus, 0);
  for (const std::string &name : directory_entries(root + "/node", "node")) {
    uint32_t id = 0;
    if (!parse_number(name.substr(4), id)) continue;
    for (uint32_t cpu : parse_cpu_list(first_line(root + "/node/" + name + "/cpulist")))
      if (cpu < nr_cpus) node_key[cpu] = id;
  }

  // Keys are first CPUs (of an LLC, of a core), which name a domain uniquely.
  Numbering llcs, nodes, cores;
  for (uint32_t cpu = 0; cpu < nr_cpus; cpu++) {
    std::string dir = root + "/cpu/cpu" + std::to_string(cpu);
    std::vector<uint32_t> shared = llc_cpus(dir);
    std::string siblings = first_line(dir + "/topology/thread_siblings_list");
    std::vector<uint32_t> threads =
        siblings.empty() ? std::vector<uint32_t>{cpu} : parse_cpu_list(siblings);
    uint64_t llc_key = shared.empty() ? 0 : *std::min_element(shared.begin(), shared.end());
    t.llc[cpu] = llcs.id(llc_key);
    t.node[cpu] = nodes.id(node_key[cpu]);
    t.core[cpu] = cores.id(*std::min_element(threads.begin(), threads.end()));
  }
  t.nr_llcs = llcs.size();
  t.nr_nodes = nodes.size();
  t.nr_cores = cores.size();
  t.llc_node.assign(t.nr_llcs, 0);
  for (uint32_t cpu = nr_cpus; cpu-- > 0;) t.llc_node[t.llc[cpu]] = t.node[cpu];
  return t;
}

std::string describe_topology(const Topology &t) {
  auto plural = [](uint32_t n, const char *what) {
    return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
  };
  std::string out = plural(t.nr_nodes, "node") + ", " + plural(t.nr_llcs, "LLC") + ", " +
                    plural(t.nr_cores, "core") + ", " +
                    plural(static_cast<uint32_t>(t.llc.size()), "CPU");
  for (uint32_t n = 0; n < t.nr_nodes; n++) {
    out += std::string(n ? "; " : ": ") + "node " + std::to_string(n);
    bool first = true;
    for (uint32_t l = 0; l < t.nr_llcs; l++) {
      if (t.llc_node[l] != n) continue;
      std::vector<uint32_t> cpus;
      for (uint32_t c = 0; c < t.llc.size(); c++)
        if (t.llc[c] == l) cpus.push_back(c);
      out += std::string(first ? " " : ", ") + "llc " + std::to_string(l) + " = cpus " +
             format_cpu_list(cpus);
      first = false;
    }
  }
  return out;
}

void fill_abi_topology(const Topology &t, schedc_topology &out) {
  out = schedc_topology{};
  size_t nr_cpus = std::min<size_t>(t.llc.size(), SCHEDC_MAX_SLOTS);
  for (size_t c = 0; c < nr_cpus; c++) {
    out.llc[c] = static_cast<unsigned short>(t.llc[c]);
    out.node[c] = static_cast<unsigned short>(t.node[c]);
    out.core[c] = static_cast<unsigned short>(t.core[c]);
  }
  for (size_t l = 0; l < t.llc_node.size() && l < SCHEDC_MAX_SLOTS; l++)
    out.llc_node[l] = static_cast<unsigned short>(t.llc_node[l]);
  out.nr_llcs = t.nr_llcs;
  out.nr_nodes = t.nr_nodes;
  out.nr_cores = t.nr_cores;
  out.known = 1;
}

}  // namespace schedrun
