// The .schedc.meta section from writer to reader: a policy compiled to an
// object by the compiler library, read back by schedrun's own parser; and
// the kernel requirements schedrun reads from the same object.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "FrontendTestUtil.h"
#include "codegen/Codegen.h"
#include "kernel_features.h"
#include "meta.h"

#include <bpf/btf.h>

#include <algorithm>

namespace {

const char kPolicy[] =
    "policy roundtrip.test;\n"
    "param slice: duration = 20ms in 100us..10s or infinite;\n"
    "param bias: s64 = -3 in -10..10;\n"
    "param enabled: bool = true;\n"
    "param weight_cap: u64 = 7;\n"
    "param shift: sduration = -1ms;\n"
    "queue main: global fifo;\n"
    "queue rq: percpu fifo;\n"
    "queue sh: shards(4) fifo;\n"
    "counter a, b;\n"
    "enqueue when enabled && weight_cap > 1 && shift < 0ms into main slice slice;\n"
    "enqueue when bias < 0 into sh;\n"
    "enqueue into rq;\n"
    "dispatch main, rq, sh;\n";
const char kPolicySha256[] = "2e70e7ac87f4bbdac00965e2e0dc602292803ff60da0494df5d68060f167287a";

// Compiles `source` to an object file; its path, or "" on failure.
std::string compileToFile(const std::string &source) {
  schedc::test::Result r = schedc::test::compile(source);
  EXPECT_TRUE(r.ok) << r.output;
  if (!r.ok) return "";
  schedc::CodegenOptions options;
  schedc::CodegenResult result = schedc::compilePolicy(*r.policy, options);
  EXPECT_TRUE(result.ok) << result.error;
  if (!result.ok) return "";
  char path[] = "/tmp/schedc-roundtrip-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) return "";
  bool written = write(fd, result.output.data(), result.output.size()) ==
                 static_cast<ssize_t>(result.output.size());
  close(fd);
  EXPECT_TRUE(written);
  return path;
}

TEST(MetaRoundTrip, TheLoaderReadsWhatTheCompilerDeclared) {
  std::string path = compileToFile(kPolicy);
  ASSERT_NE(path, "");
  schedrun::Meta meta = schedrun::read_meta(path);
  remove(path.c_str());

  EXPECT_EQ(meta.policy, "roundtrip.test");
  // What built it, from which text: sha256 of kPolicy (sha256sum of the same
  // bytes).
  EXPECT_EQ(meta.compiler.rfind("schedc ", 0), 0u) << meta.compiler;
  EXPECT_NE(meta.compiler.find(" llvm 19."), std::string::npos) << meta.compiler;
  EXPECT_EQ(meta.source_sha256, kPolicySha256);
  ASSERT_EQ(meta.params.size(), 5u);
  const schedrun::Param &slice = meta.params[0];
  EXPECT_EQ(slice.name, "slice");
  EXPECT_EQ(slice.type, schedrun::ParamType::Duration);
  EXPECT_EQ(slice.def, 20000000u);
  EXPECT_EQ(slice.min, 100000u);
  EXPECT_EQ(slice.max, 10000000000u);
  EXPECT_TRUE(slice.infinite);

  const schedrun::Param &bias = meta.params[1];
  EXPECT_EQ(bias.name, "bias");
  EXPECT_EQ(bias.type, schedrun::ParamType::S64);
  EXPECT_EQ(static_cast<int64_t>(bias.def), -3);
  EXPECT_EQ(static_cast<int64_t>(bias.min), -10);
  EXPECT_EQ(static_cast<int64_t>(bias.max), 10);
  EXPECT_FALSE(bias.infinite);

  const schedrun::Param &enabled = meta.params[2];
  EXPECT_EQ(enabled.name, "enabled");
  EXPECT_EQ(enabled.type, schedrun::ParamType::Bool);
  EXPECT_EQ(enabled.def, 1u);
  EXPECT_EQ(enabled.min, 0u);
  EXPECT_EQ(enabled.max, 1u);

  const schedrun::Param &cap = meta.params[3];
  EXPECT_EQ(cap.name, "weight_cap");
  EXPECT_EQ(cap.type, schedrun::ParamType::U64);
  EXPECT_EQ(cap.def, 7u);
  EXPECT_EQ(cap.min, 0u);
  EXPECT_EQ(cap.max, UINT64_MAX);

  const schedrun::Param &shift = meta.params[4];
  EXPECT_EQ(shift.name, "shift");
  EXPECT_EQ(shift.type, schedrun::ParamType::SDuration);
  EXPECT_EQ(static_cast<int64_t>(shift.def), -1000000);
  EXPECT_EQ(static_cast<int64_t>(shift.min), INT64_MIN);
  EXPECT_EQ(static_cast<int64_t>(shift.max), INT64_MAX);

  ASSERT_EQ(meta.queues.size(), 3u);
  EXPECT_EQ(meta.queues[0].name, "main");
  EXPECT_EQ(meta.queues[0].kind, "global");
  EXPECT_EQ(meta.queues[0].shards, 1u);
  EXPECT_EQ(meta.queues[1].name, "rq");
  EXPECT_EQ(meta.queues[1].kind, "per_cpu");
  EXPECT_EQ(meta.queues[2].name, "sh");
  EXPECT_EQ(meta.queues[2].kind, "shards");
  EXPECT_EQ(meta.queues[2].shards, 4u);

  EXPECT_EQ(meta.counters, (std::vector<std::string>{"a", "b"}));
}

using schedrun::Requirement;

bool has(const std::vector<Requirement> &list, Requirement::Kind kind, const std::string &name) {
  return std::find(list.begin(), list.end(), Requirement{kind, name}) != list.end();
}

TEST(KernelRequirements, TheLoaderReadsTheKfuncsAndCallbacksTheObjectUses) {
  std::string path = compileToFile(kPolicy);
  ASSERT_NE(path, "");
  std::vector<Requirement> needed = schedrun::object_requirements(path);
  remove(path.c_str());
  EXPECT_TRUE(has(needed, Requirement::Kfunc, "scx_bpf_dsq_insert"));
  EXPECT_TRUE(has(needed, Requirement::Kfunc, "scx_bpf_dsq_move_to_local"));
  EXPECT_TRUE(has(needed, Requirement::Callback, "enqueue"));
  EXPECT_TRUE(has(needed, Requirement::Callback, "dispatch"));
  EXPECT_TRUE(has(needed, Requirement::Callback, "init"));
  // No groups in this policy: the cgroup callbacks are left unset.
  EXPECT_FALSE(has(needed, Requirement::Callback, "cgroup_init"));
  EXPECT_FALSE(has(needed, Requirement::Callback, "flags"));  // data, not a callback
}

// A kernel described by a BTF of our own: one kfunc and one callback.
TEST(KernelRequirements, WhatAnOlderKernelLacksIsNamedWithItsRelease) {
  btf *kernel = btf__new_empty();
  int u64 = btf__add_int(kernel, "u64", 8, 0);
  int proto = btf__add_func_proto(kernel, u64);
  btf__add_func(kernel, "scx_bpf_dsq_insert", BTF_FUNC_GLOBAL, proto);
  btf__add_struct(kernel, "sched_ext_ops", 8);
  btf__add_field(kernel, "enqueue", u64, 0, 0);

  std::vector<Requirement> needed = {{Requirement::Kfunc, "scx_bpf_dsq_insert"},
                                     {Requirement::Kfunc, "scx_bpf_dsq_move"},
                                     {Requirement::Callback, "enqueue"},
                                     {Requirement::Callback, "cgroup_init"}};
  std::vector<Requirement> missing = schedrun::missing_requirements(needed, kernel);
  btf__free(kernel);
  ASSERT_EQ(missing.size(), 2u);
  EXPECT_EQ(schedrun::describe(missing[0]), "kfunc scx_bpf_dsq_move (Linux 6.13)");
  EXPECT_EQ(schedrun::describe(missing[1]), "callback ops.cgroup_init (Linux 6.12)");
}

}  // namespace
