// Codegen units: the metadata the loader reads, and what lowering leaves in the
// module for a few policy shapes (checked on the optimised IR).
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>

#include "FrontendTestUtil.h"
#include "codegen/Codegen.h"
#include "codegen/Lowering.h"

namespace schedc {
namespace {

using test::compile;
using test::withQueue;

std::string lowerToIR(const std::string &source) {
  test::Result r = compile(source);
  EXPECT_TRUE(r.ok) << r.output;
  if (!r.ok) return "";
  CodegenOptions options;
  options.emitLLVM = true;
  CodegenResult result = compilePolicy(*r.policy, options);
  EXPECT_TRUE(result.ok) << result.error;
  return result.output;
}

TEST(Metadata, ListsTunablesQueuesAndCounters) {
  test::Result r = compile(
      "policy meta.test;\n"
      "param slice: duration = 20ms in 100us..10s or infinite;\n"
      "param bias: s64 = -3;\n"
      "param enabled: bool = true live;\n"
      "queue main: global fifo;\n"
      "queue rq: percpu fifo;\n"
      "queue sh: shards(4) fifo;\n"
      "counter a, b;\n"
      "enqueue when enabled into main slice slice;\n"
      "enqueue when bias < 0 into sh;\n"
      "enqueue into rq;\n"
      "dispatch main, rq, sh, steal rq, steal sh;\n");
  ASSERT_TRUE(r.ok) << r.output;
  std::string text = metadataText(*r.policy);
  const std::string declared =
      "schedc-meta 1\n"
      "policy meta.test\n"
      "param slice duration 20000000 100000 10000000000 1 0\n"
      "param bias s64 -3 -9223372036854775808 9223372036854775807 0 0\n"
      "param enabled bool 1 0 1 0 1\n"
      "queue main global 1\n"
      "queue rq per_cpu 1\n"
      "queue sh shards 4\n"
      "counter a\n"
      "counter b\n";
  EXPECT_EQ(text.substr(0, declared.size()), declared);
  // Then what built it, from which text (the sha256 of the source's bytes).
  EXPECT_TRUE(std::regex_match(text.substr(std::min(text.size(), declared.size())),
                               std::regex("compiler schedc [0-9.]+ llvm 19\\.[0-9.]+\n"
                                          "source sha256 [0-9a-f]{64}\n")))
      << text;
}

TEST(Lowering, FifoKeepsOnlyTheCallbacksItNeeds) {
  std::string ir = lowerToIR(test::readSource("stdlib/fifo.sched"));
  EXPECT_NE(ir.find("@schedc_enqueue("), std::string::npos);
  EXPECT_NE(ir.find("@schedc_dispatch("), std::string::npos);
  EXPECT_NE(ir.find("@scx_bpf_dsq_insert("), std::string::npos);
  // Callbacks are dso_local definitions named in the struct_ops initializer:
  // one FIFO does not need is not mentioned at all.
  EXPECT_EQ(ir.find("@schedc_stopping("), std::string::npos) << "unneeded callback kept";
  EXPECT_EQ(ir.find("@schedc_tick("), std::string::npos) << "unneeded callback kept";
  EXPECT_EQ(ir.find("@schedc_tasks ="), std::string::npos) << "unused task storage map kept";
  EXPECT_EQ(ir.find("@schedc_policy_"), std::string::npos) << "a hook survived inlining";
}

TEST(Lowering, OrderedQueueUsesVtimeInsert) {
  std::string ir = lowerToIR(
      "policy ordered;\n"
      "task key: u64 = 0;\n"
      "queue q: global by key;\n"
      "on stopping { key += 1; }\n"
      "enqueue into q;\n"
      "dispatch q;\n");
  EXPECT_NE(ir.find("@scx_bpf_dsq_insert_vtime("), std::string::npos);
  EXPECT_NE(ir.find("@schedc_stopping("), std::string::npos);
}

TEST(Lowering, SignedDivisionUsesTheRuntime) {
  // BPF cpu v3 has no sdiv: the division must not reach the backend as sdiv.
  std::string ir =
      lowerToIR(withQueue("global g: s64 = 0;\n"
                          "on enable { g = (0 - g) / 3; }\n"));
  EXPECT_EQ(ir.find(" sdiv "), std::string::npos);
}

// The optimised ops.stopping of a policy with one per-CPU queue `rq`
// ordered by the task field `v`: `extra` declares more, `aggregates` is the
// queue's body, `handler` the body of `on stopping`. Empty if there is none.
std::string stoppingIR(const std::string &extra, const std::string &aggregates,
                       const std::string &handler) {
  std::string ir =
      lowerToIR("policy stopping;\n" + extra + "task v: u64 = 0;\n" + "queue rq: percpu by v {\n" +
                aggregates + "}\n" + "on stopping {\n" + handler + "}\n" +
                "enqueue into rq;\n"
                "dispatch rq;\n");
  size_t start = ir.find("@schedc_stopping(");
  if (start == std::string::npos) return "";
  return ir.substr(start, ir.find("\n}\n", start) - start);
}

size_t occurrences(const std::string &text, const std::string &needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
    ++count;
  return count;
}

TEST(Lowering, AHookReadsAnInstanceAndAParameterOnce) {
  // Three aggregate reads of rq[cpu], one inside a branch, and a parameter
  // twice: one lookup of the instance's state, one load of the parameter
  // (helper calls and volatile loads that LLVM would not merge by itself).
  std::string stopping = stoppingIR("param scale: u64 = 2;\n",
                                    "avg = wavg(v, weight);\n"
                                    "total = sum(weight);\n",
                                    "v = rq[cpu].avg + scale;\n"
                                    "if rq[cpu].total > 100 { v = v + rq[cpu].avg * scale; }\n");
  ASSERT_FALSE(stopping.empty());
  EXPECT_EQ(occurrences(stopping, "@schedc_queues,"), 1u) << stopping;
  EXPECT_EQ(occurrences(stopping, "load volatile i64, ptr @schedc_params"), 1u) << stopping;
}

TEST(Lowering, FirstPeeksAtTheQueue) {
  // first() needs no aggregate state: it reads the head of the instance's DSQ.
  std::string stopping = stoppingIR("", "head = first();\n", "v = rq[cpu].head + 1;\n");
  ASSERT_FALSE(stopping.empty());
  EXPECT_NE(stopping.find("@bpf_iter_scx_dsq_new("), std::string::npos) << stopping;
}

TEST(Lowering, TickPreemptionKeepsTick) {
  std::string ir = lowerToIR(withQueue("preempt tick when main.count > 0;\n"));
  EXPECT_NE(ir.find("@schedc_tick("), std::string::npos);
  EXPECT_NE(ir.find("@schedc_queues ="), std::string::npos) << "count needs membership";
}

}  // namespace
}  // namespace schedc
