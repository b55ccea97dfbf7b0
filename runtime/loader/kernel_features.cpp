#include "kernel_features.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <memory>

#include "elf_file.h"
#include "failure.h"

namespace schedrun {
namespace {

// The first Linux release that has each name schedc's runtime may use, as
// the kernel spells it now: sched_ext and its first kfuncs and callbacks came
// in 6.12, the scx_bpf_dsq_* names in 6.13.
const std::map<std::string, std::string> &first_releases() {
  static const std::map<std::string, std::string> releases = [] {
    std::map<std::string, std::string> r;
    for (const char *name : {"scx_bpf_create_dsq",
                             "scx_bpf_select_cpu_dfl",
                             "scx_bpf_kick_cpu",
                             "scx_bpf_dsq_nr_queued",
                             "scx_bpf_nr_cpu_ids",
                             "scx_bpf_pick_idle_cpu",
                             "scx_bpf_test_and_clear_cpu_idle",
                             "scx_bpf_get_idle_smtmask",
                             "scx_bpf_put_idle_cpumask",
                             "scx_bpf_task_cpu",
                             "scx_bpf_task_running",
                             "scx_bpf_error_bstr",
                             "scx_bpf_task_cgroup",
                             "bpf_iter_scx_dsq_new",
                             "bpf_iter_scx_dsq_next",
                             "bpf_iter_scx_dsq_destroy",
                             "ops.select_cpu",
                             "ops.enqueue",
                             "ops.dequeue",
                             "ops.dispatch",
                             "ops.tick",
                             "ops.runnable",
                             "ops.running",
                             "ops.stopping",
                             "ops.quiescent",
                             "ops.init_task",
                             "ops.exit_task",
                             "ops.enable",
                             "ops.set_weight",
                             "ops.cgroup_init",
                             "ops.cgroup_exit",
                             "ops.cgroup_move",
                             "ops.cgroup_set_weight",
                             "ops.init",
                             "ops.exit"})
      r[name] = "6.12";
    for (const char *name :
         {"scx_bpf_dsq_insert", "scx_bpf_dsq_insert_vtime", "scx_bpf_dsq_move_to_local",
          "scx_bpf_dsq_move", "scx_bpf_dsq_move_vtime", "scx_bpf_dsq_move_set_vtime"})
      r[name] = "6.13";
    for (const char *name : {"bpf_iter_num_new", "bpf_iter_num_next", "bpf_iter_num_destroy"})
      r[name] = "6.4";
    r["bpf_cpumask_test_cpu"] = "6.3";
    return r;
  }();
  return releases;
}

struct BtfDeleter {
  void operator()(btf *b) const { btf__free(b); }
};
using BtfPtr = std::unique_ptr<btf, BtfDeleter>;

// The member of `ops_type` at byte `offset`, or "".
std::string member_at(const btf *b, int ops_type, uint64_t offset) {
  const btf_type *t = btf__type_by_id(b, static_cast<__u32>(ops_type));
  const btf_member *m = btf_members(t);
  for (unsigned i = 0; i < btf_vlen(t); i++, m++)
    if (btf_member_bit_offset(t, i) == offset * 8) return btf__name_by_offset(b, m->name_off);
  return {};
}

// The callbacks set in the struct_ops section: one relocation per
// function pointer the object fills in.
void add_callbacks(const std::string &path, const btf *b, std::vector<Requirement> &out) {
  int ops_type = btf__find_by_name_kind(b, "sched_ext_ops", BTF_KIND_STRUCT);
  if (ops_type < 0) return;
  elf_version(EV_CURRENT);
  ElfFile f;
  f.fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (f.fd < 0) user_error("cannot read " + path + ": " + strerror(errno));
  f.elf = elf_begin(f.fd, ELF_C_READ, nullptr);
  size_t shstrndx;
  if (!f.elf || elf_getshdrstrndx(f.elf, &shstrndx) != 0)
    user_error(path + " is not an ELF object");
  for (Elf_Scn *scn = elf_nextscn(f.elf, nullptr); scn; scn = elf_nextscn(f.elf, scn)) {
    GElf_Shdr rel;
    if (!gelf_getshdr(scn, &rel) || rel.sh_type != SHT_REL) continue;
    Elf_Scn *target = elf_getscn(f.elf, rel.sh_info);
    GElf_Shdr target_hdr;
    if (!target || !gelf_getshdr(target, &target_hdr)) continue;
    const char *name = elf_strptr(f.elf, shstrndx, target_hdr.sh_name);
    if (!name || strncmp(name, ".struct_ops", 11) != 0) continue;
    Elf_Data *data = elf_getdata(scn, nullptr);
    size_t count = data && rel.sh_entsize ? data->d_size / rel.sh_entsize : 0;
    for (size_t i = 0; i < count; i++) {
      GElf_Rel r;
      if (!gelf_getrel(data, static_cast<int>(i), &r)) continue;
      std::string member = member_at(b, ops_type, r.r_offset);
      if (!member.empty()) out.push_back({Requirement::Callback, member});
    }
  }
}

}  // namespace

std::vector<Requirement> object_requirements(const std::string &path) {
  BtfPtr b(btf__parse_elf(path.c_str(), nullptr));
  if (!b) user_error("cannot read the BTF of " + path + ": " + strerror(errno));
  std::vector<Requirement> out;
  for (__u32 id = 1; id < btf__type_cnt(b.get()); id++) {
    const btf_type *t = btf__type_by_id(b.get(), id);
    // A function's linkage is kept in its vlen (btf_func_linkage() is no C++).
    if (btf_is_func(t) && btf_vlen(t) == BTF_FUNC_EXTERN)
      out.push_back({Requirement::Kfunc, btf__name_by_offset(b.get(), t->name_off)});
  }
  add_callbacks(path, b.get(), out);
  return out;
}

std::vector<Requirement> missing_requirements(const std::vector<Requirement> &needed,
                                              const btf *vmlinux) {
  int ops_type = btf__find_by_name_kind(vmlinux, "sched_ext_ops", BTF_KIND_STRUCT);
  std::vector<Requirement> missing;
  for (const Requirement &r : needed) {
    bool present = false;
    if (r.kind == Requirement::Kfunc) {
      present = btf__find_by_name_kind(vmlinux, r.name.c_str(), BTF_KIND_FUNC) >= 0;
    } else if (ops_type >= 0) {
      const btf_type *t = btf__type_by_id(vmlinux, static_cast<__u32>(ops_type));
      const btf_member *m = btf_members(t);
      for (unsigned i = 0; i < btf_vlen(t) && !present; i++, m++)
        present = r.name == btf__name_by_offset(vmlinux, m->name_off);
    }
    if (!present) missing.push_back(r);
  }
  return missing;
}

std::string describe(const Requirement &r) {
  std::string text = r.kind == Requirement::Kfunc ? "kfunc " + r.name : "callback ops." + r.name;
  auto it = first_releases().find(r.kind == Requirement::Kfunc ? r.name : "ops." + r.name);
  return it == first_releases().end() ? text : text + " (Linux " + it->second + ")";
}

void check_kernel_features(const std::string &path) {
  std::vector<Requirement> needed = object_requirements(path);
  BtfPtr vmlinux(btf__load_vmlinux_btf());
  if (!vmlinux) return;  // no kernel BTF: libbpf reports that itself
  std::vector<Requirement> missing = missing_requirements(needed, vmlinux.get());
  if (missing.empty()) return;
  utsname u{};
  uname(&u);
  std::string list;
  for (const Requirement &r : missing) list += "\n  " + describe(r);
  user_error(std::string("this kernel (") + u.release + ") lacks what " + path + " needs:" + list,
             "schedc's policies need Linux 6.13 or later with sched_ext (CONFIG_SCHED_CLASS_EXT); "
             "docs/operators.md lists each feature");
}

}  // namespace schedrun
