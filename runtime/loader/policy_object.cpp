#include "policy_object.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "failure.h"
#include "libbpf_log.h"
#include "preflight.h"
#include "schedc_abi.h"
#include "verifier_report.h"

namespace schedrun {
namespace {

std::string errno_text(int err) {
  return strerror(err < 0 ? -err : err);
}

// The libbpf warnings worth showing when a load fails for a reason other
// than the verifier (missing kfunc, BTF mismatch, ...).
std::string warning_lines(const std::string &log) {
  std::string out;
  size_t pos = 0;
  while (pos < log.size()) {
    size_t nl = log.find('\n', pos);
    std::string line = log.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    pos = nl == std::string::npos ? log.size() : nl + 1;
    if (line.rfind("libbpf: ", 0) == 0) out += "  " + line + "\n";
  }
  return out;
}

}  // namespace

PolicyObject::PolicyObject(const std::string &path) : path_(path) {
  obj_ = bpf_object__open_file(path.c_str(), nullptr);
  if (!obj_)
    user_error("cannot open " + path + " as a BPF object: " + errno_text(errno) + "\n" +
               warning_lines(libbpf_log()));
}

PolicyObject::~PolicyObject() {
  detach();
  bpf_object__close(obj_);
}

bpf_map *PolicyObject::find_map(const char *name) const {
  bpf_map *map = bpf_object__find_map_by_name(obj_, name);
  if (!map)
    user_error(path_ + " is not a valid schedc object: map '" + std::string(name) + "' is missing",
               "rebuild it with a matching schedc");
  return map;
}

bpf_map *PolicyObject::struct_ops_map() const {
  bpf_map *map;
  bpf_object__for_each_map(map, obj_) {
    if (bpf_map__type(map) == BPF_MAP_TYPE_STRUCT_OPS) return map;
  }
  user_error(path_ + " has no struct_ops map (sched_ext_ops)", "rebuild it with schedc");
}

int PolicyObject::map_fd(const char *name) const {
  return bpf_map__fd(find_map(name));
}

int PolicyObject::optional_map_fd(const char *name) const {
  bpf_map *map = bpf_object__find_map_by_name(obj_, name);
  return map ? bpf_map__fd(map) : -1;
}

const btf_var_secinfo *PolicyObject::find_global(const char *section, const char *var) const {
  const btf *btf = bpf_object__btf(obj_);
  int sec_id = btf ? btf__find_by_name_kind(btf, section, BTF_KIND_DATASEC) : -1;
  if (sec_id < 0) return nullptr;
  const btf_type *sec = btf__type_by_id(btf, sec_id);
  const btf_var_secinfo *vi = btf_var_secinfos(sec);
  for (unsigned i = 0; i < btf_vlen(sec); i++, vi++)
    if (strcmp(btf__name_by_offset(btf, btf__type_by_id(btf, vi->type)->name_off), var) == 0)
      return vi;
  return nullptr;
}

void PolicyObject::write_global(const char *section, const char *var, const void *value,
                                size_t size) {
  const btf_var_secinfo *vi = find_global(section, var);
  if (!vi) {
    const btf *btf = bpf_object__btf(obj_);
    if (!btf || btf__find_by_name_kind(btf, section, BTF_KIND_DATASEC) < 0)
      user_error(path_ + " has no " + section + " BTF; cannot set " + var);
    user_error(path_ + " is not a valid schedc object: " + section + " has no " + var);
  }
  if (size > vi->size)
    user_error(std::string("ABI mismatch: ") + section + " variable " + var + " is too small");
  // An internal map is found by its section's name (libbpf's real_name).
  bpf_map *map = bpf_object__find_map_by_name(obj_, section);
  size_t total = 0;
  auto *data = map ? static_cast<char *>(bpf_map__initial_value(map, &total)) : nullptr;
  if (!data || vi->offset + size > total)
    internal_error(std::string("cannot write ") + section + " variable " + var);
  memcpy(data + vi->offset, value, size);
}

void PolicyObject::set_tunables(const std::vector<uint64_t> &values,
                                const std::vector<bool> &live) {
  if (values.empty()) return;
  write_global(".rodata", SCHEDC_PARAMS_NAME, values.data(), values.size() * sizeof(uint64_t));
  // schedc drops the map when no code reads a live param.
  bool any_live = std::find(live.begin(), live.end(), true) != live.end();
  if (any_live && bpf_object__find_map_by_name(obj_, SCHEDC_LIVE_SECTION))
    write_global(SCHEDC_LIVE_SECTION, SCHEDC_LIVE_NAME, values.data(),
                 values.size() * sizeof(uint64_t));
}

void PolicyObject::set_live(size_t index, uint64_t value) {
  bpf_map *map = bpf_object__find_map_by_name(obj_, SCHEDC_LIVE_SECTION);
  if (!map) return;  // no code reads a live param
  std::vector<uint64_t> values(bpf_map__value_size(map) / sizeof(uint64_t));
  uint32_t zero = 0;
  // Only schedrun writes this map, so reading it first loses nothing.
  if (index >= values.size() || bpf_map__lookup_elem(map, &zero, sizeof(zero), values.data(),
                                                     values.size() * sizeof(uint64_t), 0) != 0)
    internal_error("cannot read the live params of " + path_ + ": " + errno_text(errno));
  values[index] = value;
  if (bpf_map__update_elem(map, &zero, sizeof(zero), values.data(),
                           values.size() * sizeof(uint64_t), 0) != 0)
    internal_error("cannot write the live params of " + path_ + ": " + errno_text(errno));
}

void PolicyObject::set_topology(const schedc_topology &topology) {
  if (find_global(".rodata", SCHEDC_TOPOLOGY_NAME))
    write_global(".rodata", SCHEDC_TOPOLOGY_NAME, &topology, sizeof(topology));
}

void PolicyObject::set_slots(uint32_t slots, size_t nr_queues) {
  write_global(".rodata", SCHEDC_SLOTS_NAME, &slots, sizeof(slots));
  uint32_t entries = static_cast<uint32_t>(nr_queues ? nr_queues : 1) * slots;
  // The compiler drops these maps when a policy never uses them.
  for (const char *name : {SCHEDC_DEPTH_MAP_NAME, SCHEDC_QUEUES_MAP_NAME}) {
    bpf_map *map = bpf_object__find_map_by_name(obj_, name);
    if (!map) continue;
    int err = bpf_map__set_max_entries(map, entries);
    if (err) internal_error(std::string("cannot resize ") + name + ": " + errno_text(err));
  }
}

// ops.flags lives in the struct_ops map's initial value; find its offset in
// the object's own BTF type for sched_ext_ops.
// The bytes of member `name` of the struct_ops value, or null if the object's
// sched_ext_ops has no such member of `size` bytes.
char *PolicyObject::ops_member(const char *name, size_t size) {
  bpf_map *map = struct_ops_map();
  const btf *btf = bpf_object__btf(obj_);
  const btf_type *t = btf__type_by_id(btf, bpf_map__btf_value_type_id(map));
  size_t value_size = 0;
  auto *data = static_cast<char *>(bpf_map__initial_value(map, &value_size));
  if (!t || !btf_is_struct(t) || !data)
    internal_error("cannot locate the struct_ops value of " + path_);
  const btf_member *m = btf_members(t);
  for (unsigned i = 0; i < btf_vlen(t); i++, m++) {
    if (strcmp(btf__name_by_offset(btf, m->name_off), name) != 0) continue;
    size_t off = btf_member_bit_offset(t, i) / 8;
    if (btf__resolve_size(btf, m->type) != static_cast<__s64>(size) || off + size > value_size)
      return nullptr;
    return data + off;
  }
  return nullptr;
}

void PolicyObject::set_ops_flag(uint64_t flag) {
  char *member = ops_member("flags", sizeof(uint64_t));
  if (!member)
    user_error(path_ + ": its sched_ext_ops has no 'flags' member, cannot set --partial",
               "rebuild it with a schedc whose runtime declares ops.flags");
  uint64_t flags;
  memcpy(&flags, member, sizeof(flags));
  flags |= flag;
  memcpy(member, &flags, sizeof(flags));
}

void PolicyObject::set_watchdog_timeout(uint32_t ms) {
  char *member = ops_member("timeout_ms", sizeof(uint32_t));
  if (!member)
    user_error(path_ + ": its sched_ext_ops has no 'timeout_ms' member, cannot set --timeout",
               "rebuild it with this version of schedc");
  memcpy(member, &ms, sizeof(ms));
}

void PolicyObject::keep_exit_dump() {
  // Objects built before the dump was kept have no such member: no dump.
  if (char *member = ops_member("exit_dump_len", sizeof(uint32_t))) {
    uint32_t len = SCHEDC_EXIT_DUMP_LEN;
    memcpy(member, &len, sizeof(len));
  }
}

void PolicyObject::load(bool verbose) {
  clear_libbpf_log();
  int err = bpf_object__load(obj_);
  if (!err) return;
  const std::string &log = libbpf_log();
  auto rejection = find_rejection(log);
  if (!rejection) {
    if (err == -EPERM || err == -EACCES)
      user_error("loading " + path_ + " failed: permission denied\n" + warning_lines(log),
                 "run schedrun as root");
    user_error("loading " + path_ + " failed: " + errno_text(err) + "\n" + warning_lines(log),
               "run with -v for libbpf's full output");
  }
  std::string where = rejection->source.empty() ? "(no source line information in the log)"
                                                : rejection->source + ": " + rejection->source_text;
  user_error("the verifier rejected callback '" + rejection->program + "'\n" +
                 "  error:  " + rejection->error + "\n" + "  source: " + where,
             verbose ? "" : "run with -v for the full verifier log");
}

void PolicyObject::attach() {
  clear_libbpf_log();
  link_ = bpf_map__attach_struct_ops(struct_ops_map());
  if (link_) return;
  int err = errno;
  if (err == EBUSY || err == EEXIST || err == EALREADY) check_no_active_scheduler();
  user_error(
      "attaching " + path_ + " failed: " + errno_text(err) + "\n" + warning_lines(libbpf_log()),
      "see dmesg for the kernel's reason");
}

void PolicyObject::detach() {
  if (link_) bpf_link__destroy(link_);
  link_ = nullptr;
}

}  // namespace schedrun
