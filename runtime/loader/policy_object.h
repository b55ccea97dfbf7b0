// One schedc object opened with libbpf: configured from the metadata and
// the command line before load, then loaded and attached as the system's
// sched_ext scheduler.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "meta.h"

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
  void set_tunables(const std::vector<uint64_t> &values);
  void set_slots(uint32_t slots, size_t nr_queues);
  void set_ops_flag(uint64_t flag);

  // Throws Failure; a verifier rejection is summarized (full log if verbose).
  void load(bool verbose);
  void attach();
  void detach();
  bool attached() const { return link_ != nullptr; }

  bpf_object *object() const { return obj_; }
  int map_fd(const char *name) const;           // throws if missing
  int optional_map_fd(const char *name) const;  // -1 if missing

 private:
  bpf_map *find_map(const char *name) const;
  bpf_map *struct_ops_map() const;
  void write_rodata(const char *var, const void *value, size_t size);

  std::string path_;
  bpf_object *obj_ = nullptr;
  bpf_link *link_ = nullptr;
};

}  // namespace schedrun
