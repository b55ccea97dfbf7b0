// Types and units: literal adaptation, unit rules, conversions, builtins.
#include <gtest/gtest.h>

#include "FrontendTestUtil.h"

using namespace schedc;
using namespace schedc::test;

static std::string errorsOf(const std::string &decls) {
  return compile(withQueue(decls)).output;
}

static bool typeErrorContains(const std::string &decls, const std::string &message) {
  Result r = compile(withQueue(decls));
  return !r.ok && r.output.find(message) != std::string::npos;
}

static size_t occurrences(const std::string &text, const std::string &needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
    ++count;
  return count;
}

TEST(TypeCheck, NoUntypedOrInvalidLeftAfterSuccess) {
  for (const char *file : {"stdlib/eevdf.sched", "stdlib/fifo.sched"}) {
    Result r = compile(readSource(file));
    ASSERT_TRUE(r.ok) << r.output;
    size_t visited = 0;
    forEachExpr(*r.policy, [&](const Expr &e) {
      ++visited;
      EXPECT_NE(e.type, Type::Untyped) << file << ": " << e.text;
      EXPECT_NE(e.type, Type::Invalid) << file << ": " << e.text;
    });
    EXPECT_GT(visited, 0u) << file << ": no expression was checked";
  }
}

TEST(TypeCheck, LiteralsTakeTheirContextsType) {
  Result r = compile(withQueue(
      "param s: duration = 3ms in 1ms..10ms;\ntask v: sduration;\nglobal g: duration;\n"
      "on tick { g = 2 * s; v = -1ms; v = clamp(v, -5ms, 5ms); g = s / 2 + 0; let x = 7; }\n"));
  ASSERT_TRUE(r.ok) << r.output;
  const Block &b = r.policy->handlers[0].body;
  const Expr &twice = *b[0]->value;  // 2 * s
  EXPECT_EQ(twice.type, Type::Duration);
  EXPECT_EQ(twice.operands[0]->type, Type::U64);
  EXPECT_EQ(b[1]->value->type, Type::SDuration);  // -1ms as sduration
  EXPECT_EQ(b[1]->value->operands[0]->type, Type::SDuration);
  EXPECT_EQ(b[2]->value->operands[1]->type, Type::SDuration);
  const Expr &plus = *b[3]->value;  // s / 2 + 0 (only 0 may be a duration without a unit)
  EXPECT_EQ(plus.operands[0]->operands[1]->type, Type::U64);
  EXPECT_EQ(plus.operands[1]->type, Type::Duration);
  EXPECT_EQ(b[4]->value->type, Type::U64);  // leftover literal: u64
}

TEST(TypeCheck, UnitRules) {
  EXPECT_TRUE(typeErrorContains("task v: duration;\non tick { v = v + pid; }\n",
                                "cannot add 'duration' and 'u64'"));
  EXPECT_TRUE(typeErrorContains("task v: duration;\non tick { v = v - nice; }\n",
                                "cannot subtract 's64' from 'duration'"));
  EXPECT_TRUE(typeErrorContains("task v: duration;\non stopping { v = runtime * runtime; }\n",
                                "cannot multiply"));
  EXPECT_TRUE(typeErrorContains("global c: u64;\non stopping { c = pid / runtime; }\n",
                                "cannot divide 'u64' by 'duration'"));
  EXPECT_EQ(errorsOf("global c: u64;\non stopping { c = runtime / 1ms; }\n"), "");
  EXPECT_EQ(
      errorsOf("global d: duration;\non stopping { d = runtime % 1ms + runtime / weight; }\n"), "");
  EXPECT_EQ(errorsOf("task l: sduration;\non tick { l = l * nice / s64(weight); }\n"), "");
  EXPECT_TRUE(typeErrorContains("task l: sduration;\non tick { l = l * weight; }\n",
                                "cannot multiply 'sduration' by 'u64'"));
  EXPECT_TRUE(typeErrorContains("global b: bool;\non tick { b = pid < nice; }\n",
                                "cannot compare 'u64' with 's64'"));
  EXPECT_TRUE(
      typeErrorContains("global b: bool;\non tick { b = true < false; }\n", "cannot order 'bool'"));
  EXPECT_TRUE(typeErrorContains("global b: u64;\non tick { b = pid & nice; }\n",
                                "'&' needs 'u64' operands"));
  EXPECT_TRUE(typeErrorContains("global b: bool;\non tick { b = pid && true; }\n",
                                "must be 'bool', found 'u64'"));
}

TEST(TypeCheck, NegativeValues) {
  EXPECT_TRUE(typeErrorContains("global g: u64;\non tick { g = -1; }\n",
                                "negative value for unsigned type 'u64'"));
  EXPECT_TRUE(typeErrorContains("global g: duration;\non tick { g = -1ms; }\n",
                                "negative value for unsigned type 'duration'"));
  EXPECT_TRUE(typeErrorContains("on tick { let x = -1; }\n", "negative value"));
  EXPECT_EQ(errorsOf("on tick { let x: s64 = -1; }\n"), "");
  EXPECT_TRUE(typeErrorContains("global g: s64;\non tick { g = -pid; }\n", "cannot negate 'u64'"));
  EXPECT_TRUE(typeErrorContains("global g: s64;\non tick { g = 9223372036854775808; }\n",
                                "does not fit in 's64'"));
  EXPECT_EQ(errorsOf("global g: s64;\non tick { g = -9223372036854775808; }\n"), "");
}

TEST(TypeCheck, Assignments) {
  EXPECT_TRUE(
      typeErrorContains("param p: u64 = 1;\non tick { p = 2; }\n", "cannot assign to param 'p'"));
  EXPECT_TRUE(typeErrorContains("on tick { nice = 2; }\n", "cannot assign to 'nice'"));
  EXPECT_TRUE(typeErrorContains("counter c;\non tick { c -= 2; }\n", "can only be incremented"));
  EXPECT_TRUE(
      typeErrorContains("global g: u64;\non tick { for i in 0..3 { i = 2; } }\n", "loop variable"));
  EXPECT_TRUE(typeErrorContains("global g: bool;\non tick { g += true; }\n", "on a 'bool'"));
  EXPECT_TRUE(typeErrorContains("global g: duration;\non tick { g = pid; }\n",
                                "the value assigned to 'g' must be 'duration', found 'u64'"));
  EXPECT_EQ(errorsOf("counter c;\non tick { c += pid; }\n"), "");
}

TEST(TypeCheck, Builtins) {
  EXPECT_EQ(errorsOf("global g: u64;\non tick { g = max(min(pid, 3), clamp(tgid, 1, 9)); }\n"), "");
  EXPECT_TRUE(typeErrorContains("global g: u64;\non tick { g = min(pid, nice); }\n",
                                "min() needs arguments of one type"));
  EXPECT_TRUE(typeErrorContains("global g: u64;\non tick { g = clamp(pid, 1); }\n",
                                "clamp() takes 3 arguments"));
  EXPECT_TRUE(typeErrorContains("global g: u64;\non tick { g = abs(pid); }\n",
                                "abs() needs a signed value"));
  EXPECT_EQ(errorsOf("global g: s64;\non tick { g = abs(nice); }\n"), "");
  EXPECT_TRUE(typeErrorContains("global g: u64;\non tick { g = u64(); }\n",
                                "u64() takes 1 argument, found 0"));
  EXPECT_TRUE(typeErrorContains("global g: u64;\non tick { g = u64(is_kthread); }\n",
                                "cannot convert 'bool'"));
  EXPECT_EQ(errorsOf("global g: sduration;\non tick { g = sduration(-3ms) + sduration(5); }\n"),
            "");
  EXPECT_EQ(errorsOf("global g: bool;\non tick { g = comm(\"kworker/\"); }\n"), "");
  EXPECT_TRUE(typeErrorContains("global g: bool;\non tick { g = comm(\"0123456789abcdef\"); }\n",
                                "longer than 15"));
  EXPECT_TRUE(
      typeErrorContains("global g: bool;\non tick { g = comm(pid); }\n", "one string literal"));
  EXPECT_TRUE(typeErrorContains("global g: bool;\non tick { g = \"x\" == \"x\"; }\n",
                                "only allowed as the argument of comm()"));
}

TEST(TypeCheck, RulesAndQueues) {
  auto policy = [](const std::string &queue, const std::string &rule) {
    return "policy t;\n" + queue + "\n" + rule + "\ndispatch q;\n";
  };
  EXPECT_TRUE(compile(policy("queue q: global by now;", "enqueue into q slice 5ms;")).ok);
  EXPECT_NE(compile(policy("queue q: global by nice;", "enqueue into q;"))
                .output.find("must be 'u64' or 'duration'"),
            std::string::npos);
  EXPECT_NE(compile(policy("queue q: global fifo;", "enqueue into q slice 0;"))
                .output.find("slice must be positive"),
            std::string::npos);
  EXPECT_NE(compile(policy("queue q: global fifo;", "enqueue into q slice pid;"))
                .output.find("the slice must be 'duration'"),
            std::string::npos);
  EXPECT_NE(compile(policy("queue q: global fifo;", "enqueue into q slice 100;"))
                .output.find("a duration needs a unit"),
            std::string::npos);
  EXPECT_TRUE(compile(policy("queue q: global fifo;", "enqueue into q slice 100ns;")).ok);
  EXPECT_NE(compile(policy("queue q: global fifo { a = sum(nice); }", "enqueue into q;"))
                .output.find("the value of sum()"),
            std::string::npos);
  EXPECT_NE(compile(policy("queue q: global fifo { eligible when pid; }", "enqueue into q;"))
                .output.find("must be 'bool'"),
            std::string::npos);
  EXPECT_NE(compile(policy("queue q: percpu fifo;", "enqueue into q[nice];"))
                .output.find("a queue index must be 'u64'"),
            std::string::npos);
  Result sum = compile(policy("queue q: global fifo { a = sum(runtime_ns); }", "enqueue into q;"));
  EXPECT_FALSE(sum.ok);
}

TEST(TypeCheck, OneErrorPerRootCause) {
  // The bad operand makes the whole expression Invalid: no error for the
  // enclosing + or the assignment.
  Result r = compile(withQueue("task v: duration;\non tick { v = (v + pid) + v + v; }\n"));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(occurrences(r.output, "error:"), 1u) << r.output;
  EXPECT_NE(r.output.find("cannot add 'duration' and 'u64'"), std::string::npos) << r.output;
}
