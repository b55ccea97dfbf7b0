// One schedc object opened with libbpf: configured from the metadata and
// the command line before load, then loaded and attached as the system's
// sched_ext scheduler.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "meta.h"

struct schedc_topology;
struct btf_var_secinfo;

struct bpf_object;
struct bpf_link;
struct bpf_map;

namespace schedrun {

class PolicyObject {
 public:
  explicit PolicyObject(const std::string &path);
  ~PolicyObject();
  PolicyObject(const PolicyObject &) = delete;
  PolicyObject &operator=(const PolicyObject &) = delete;

  // Before load.
  // Params in metadata order; the live ones (by `live`) also go to the map
  // `set_live` writes.
  void set_tunables(const std::vector<uint64_t> &values, const std::vector<bool> &live);
  void set_slots(uint32_t slots, size_t nr_queues);
  // The machine's topology, when the policy reads it (schedc drops the
  // variable from policies that do not).
  void set_topology(const schedc_topology &topology);
  void set_ops_flag(uint64_t flag);
  // ops.timeout_ms: how long a runnable task may wait before the kernel's
  // watchdog ejects the policy (0: the kernel's default, 30 s).
  void set_watchdog_timeout(uint32_t ms);
  // ops.exit_dump_len: the kernel's debug dump on an error exit, as much as
  // the exit record holds.
  void keep_exit_dump();

  // Throws Failure; a verifier rejection is summarized (full log if verbose).
  void load(bool verbose);
  void attach();
  void detach();
  // After load: param `index`'s value in the live map, read by the policy
  // from its next callback on (nothing to write when no code reads one).
  void set_live(size_t index, uint64_t value);
  bool attached() const { return link_ != nullptr; }

  bpf_object *object() const { return obj_; }
  int map_fd(const char *name) const;           // throws if missing
  int optional_map_fd(const char *name) const;  // -1 if missing

 private:
  bpf_map *find_map(const char *name) const;
  bpf_map *struct_ops_map() const;
  char *ops_member(const char *name, size_t size);
  // Writes the initial value of global `var` in data section `section`.
  void write_global(const char *section, const char *var, const void *value, size_t size);
  // `var`'s BTF record in `section`; null if either is missing.
  const btf_var_secinfo *find_global(const char *section, const char *var) const;

  std::string path_;
  bpf_object *obj_ = nullptr;
  bpf_link *link_ = nullptr;
};

}  // namespace schedrun
