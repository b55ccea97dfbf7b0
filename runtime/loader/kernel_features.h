// What a policy object needs of the kernel (the kfuncs it calls, the
// sched_ext_ops callbacks it sets) and whether the running kernel has it,
// so a kernel too old or built without a feature gets one clear message
// instead of libbpf's relocation errors.
#pragma once

#include <string>
#include <vector>

struct btf;

namespace schedrun {

struct Requirement {
  enum Kind { Kfunc, Callback } kind;
  std::string name;  // "scx_bpf_dsq_insert", or the ops member "cgroup_set_weight"
  bool operator==(const Requirement &o) const { return kind == o.kind && name == o.name; }
};

// Read from the object's ELF and BTF, without loading it; throws Failure
// (user error) when the file is not a readable BPF object.
std::vector<Requirement> object_requirements(const std::string &path);

// The requirements the kernel whose BTF is `vmlinux` lacks.
std::vector<Requirement> missing_requirements(const std::vector<Requirement> &needed,
                                              const btf *vmlinux);

// "kfunc scx_bpf_dsq_insert (Linux 6.13)", "callback ops.cgroup_init (Linux 6.12)".
std::string describe(const Requirement &r);

// Throws Failure (user error) naming what the running kernel lacks.
void check_kernel_features(const std::string &path);

}  // namespace schedrun
