// Safety: divisors, loops, work conservation.
#include <gtest/gtest.h>

#include "FrontendTestUtil.h"

using namespace schedc;
using namespace schedc::test;

static std::string out(const std::string &decls) {
  return compile(withQueue(decls)).output;
}
static bool divisorError(const std::string &decls) {
  return out(decls).find("divisor may be zero") != std::string::npos;
}
// Accepted without any diagnostic: a policy that failed for another reason
// (a misspelt name, a type error) would prove nothing about its divisors.
static bool accepted(const std::string &decls) {
  Result r = compile(withQueue(decls));
  return r.ok && r.output.empty();
}

TEST(Safety, ProvablyNonZeroDivisors) {
  EXPECT_TRUE(
      accepted("global g: u64;\non tick { g = pid / 3 + pid % weight + pid / nr_cpus; }\n"));
  EXPECT_TRUE(accepted("param p: u64 = 4 in 1..8;\nglobal g: u64;\non tick { g = pid / p; }\n"));
  EXPECT_TRUE(
      accepted("param p: s64 = -4 in -8..-1;\nglobal g: s64;\non tick { g = nice / p; }\n"));
  EXPECT_TRUE(accepted("global g: u64;\non tick { g = pid / max(tgid, 1); }\n"));
  EXPECT_TRUE(accepted("global g: u64;\non tick { g = pid / max(1, tgid); }\n"));
  EXPECT_TRUE(accepted("global g: s64;\non tick { g = nice / s64(weight); }\n"));
  EXPECT_TRUE(accepted("global g: u64;\non tick { if tgid > 0 { g = pid / tgid; } }\n"));
  EXPECT_TRUE(
      accepted("global g: u64;\non tick { if pid > 1 && tgid != 0 { g = pid / u64(tgid); } }\n"));
  EXPECT_TRUE(accepted("global g: u64;\non tick { let n = tgid; if n > 0 { g = pid / n; } }\n"));
}

TEST(Safety, DivisorsThatMayBeZero) {
  EXPECT_TRUE(divisorError("global g: u64;\non tick { g = pid / tgid; }\n"));
  EXPECT_TRUE(divisorError("global g: u64;\non tick { g = pid / 0; }\n"));
  EXPECT_TRUE(divisorError("param p: u64 = 4;\nglobal g: u64;\non tick { g = pid / p; }\n"));
  EXPECT_TRUE(
      divisorError("param p: u64 = 4 in 0..8;\nglobal g: u64;\non tick { g = pid / p; }\n"));
  EXPECT_TRUE(divisorError("global g: s64;\non tick { g = nice / max(nice, -1); }\n"));
  EXPECT_TRUE(
      divisorError("global g: u64;\non tick { if tgid > 0 { } else { g = pid / tgid; } }\n"));
  EXPECT_TRUE(divisorError("global g: bool;\non tick { g = tgid > 0 || pid / tgid > 2; }\n"));
  // Both sides of `&&` are evaluated: the left one guards nothing.
  EXPECT_TRUE(divisorError("global g: bool;\non tick { g = tgid > 0 && pid / tgid > 2; }\n"));
  EXPECT_TRUE(divisorError("global g: u64;\non tick { if pid > 0 { g = pid / tgid; } }\n"));
  // Assigning the guarded name ends the guard.
  EXPECT_TRUE(
      divisorError("global g: u64;\non tick { let n = tgid; if n > 0 { n = 0; g = pid / n; } }\n"));
  EXPECT_TRUE(
      divisorError("global g: u64;\non tick { let n = tgid; if n > 0 { for i in 0..2 { g = pid / "
                   "n; n = 0; } } }\n"));
  EXPECT_TRUE(
      divisorError("global n: u64;\nglobal g: u64;\non tick { if n > 0 { if true { n = 0; } g = "
                   "pid / n; } }\n"));
  // In queues and rules too.
  Result r = compile("policy t;\nqueue q: global by pid / tgid;\nenqueue into q;\ndispatch q;\n");
  EXPECT_NE(r.output.find("divisor may be zero"), std::string::npos);
  Result slice = compile(
      "policy t;\nqueue q: global fifo;\nenqueue when tgid > 0 into q slice 10ms / tgid;\n"
      "enqueue into q;\ndispatch q;\n");
  EXPECT_TRUE(slice.ok) << slice.output;
}

TEST(Safety, LoopBounds) {
  EXPECT_EQ(out("global g: u64;\non tick { for i in 0..1024 { g += i; } }\n"), "");
  EXPECT_NE(out("global g: u64;\non tick { for i in 0..1025 { g += i; } }\n").find("at most 1024"),
            std::string::npos);
  EXPECT_NE(out("global g: u64;\non tick { for i in 5..1 { g += i; } }\n").find("is empty"),
            std::string::npos);
}

TEST(Safety, WorkConservation) {
  Result r = compile(
      "policy t;\nqueue a: global fifo;\nqueue b: global fifo;\n"
      "enqueue when is_kthread into b;\nenqueue into a;\ndispatch a;\n");
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.output.find("tasks enqueued into 'b' are never dispatched"), std::string::npos);
  EXPECT_NE(r.output.find("`dispatch ..., b;`"), std::string::npos);
  // Only stealing is not enough.
  Result steal = compile(
      "policy t;\nqueue a: percpu fifo;\nqueue b: global fifo;\n"
      "enqueue when is_kthread into a;\nenqueue into b;\ndispatch b, steal a;\n");
  EXPECT_FALSE(steal.ok);
  // Local needs no dispatch source.
  Result local = compile(
      "policy t;\nqueue a: global fifo;\nenqueue when is_kthread into local;\nenqueue into "
      "a;\ndispatch a;\n");
  EXPECT_TRUE(local.ok) << local.output;
}

TEST(Safety, ExplicitInstanceWithoutStealIsAnError) {
  Result r = compile("policy t;\nqueue rq: percpu fifo;\nenqueue into rq[0];\ndispatch rq;\n");
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.output.find("error: tasks put on a chosen instance of 'rq'"), std::string::npos);
  Result shards =
      compile("policy t;\nqueue s: shards(8) fifo;\nenqueue into s[pid];\ndispatch s;\n");
  EXPECT_FALSE(shards.ok);
  Result quiet =
      compile("policy t;\nqueue rq: percpu fifo;\nenqueue into rq[0];\ndispatch rq, steal rq;\n");
  EXPECT_TRUE(quiet.ok);
  EXPECT_EQ(quiet.output, "");
}

TEST(Safety, SliceParamsExcludeZero) {
  const char *rest = "queue q: global fifo;\nenqueue into q slice s;\ndispatch q;\n";
  EXPECT_FALSE(compile(std::string("policy t;\nparam s: duration = 5ms;\n") + rest).ok);
  EXPECT_FALSE(compile(std::string("policy t;\nparam s: duration = 5ms in 0ns..1s;\n") + rest).ok);
  EXPECT_TRUE(compile(std::string("policy t;\nparam s: duration = 5ms in 1ns..1s;\n") + rest).ok);
  EXPECT_TRUE(
      compile(std::string("policy t;\nparam s: duration = 5ms in 1ms..1s or infinite;\n") + rest)
          .ok);
}

TEST(Safety, UnusedQueueWarns) {
  Result r = compile(
      "policy t;\nqueue a: global fifo;\nqueue b: global fifo;\nenqueue into a;\ndispatch a, b;\n");
  EXPECT_TRUE(r.ok);
  EXPECT_NE(r.output.find("warning: queue 'b' is never enqueued into"), std::string::npos);
}
