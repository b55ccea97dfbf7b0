// Name resolution: refs, slots, queue indexes and where names exist.
#include <gtest/gtest.h>

#include <set>

#include "FrontendTestUtil.h"

using namespace schedc;
using namespace schedc::test;

static bool hasError(const std::string &source, const std::string &message) {
  Result r = compile(source);
  return !r.ok && r.output.find(message) != std::string::npos;
}

// An EEVDF-shaped policy, inline so the test does not follow stdlib edits.
const char *kEevdfShape = R"(
policy eevdf_shape;
param base_slice: duration = 3ms in 100us..100ms;
param wakeup_preempt: bool = true;
task vruntime: duration = 0;
task deadline: duration = 0;
task vlag: sduration = 0;
task home: u64 = 0;
queue rq: percpu by deadline scan 32 {
    V = wavg(vruntime, weight);
    load = sum(weight);
    eligible when vruntime <= V else head;
}
counter placed, migrated;
on enable { vruntime = rq[cpu].V; home = cpu; }
on enqueue {
    if wakeup || cpu != home {
        let lag = vlag;
        let load = rq[cpu].load;
        if load > 0 { lag = lag * s64(load + weight) / s64(load); }
        vruntime = duration(sduration(rq[cpu].V) - lag);
        home = cpu;
        placed += 1;
    }
}
on stopping { vruntime += runtime * 100 / weight; }
select_cpu default;
enqueue into rq slice base_slice;
preempt wakeup when wakeup_preempt && vruntime <= rq[cpu].V && deadline < current.deadline;
dispatch rq, steal rq;
)";

TEST(Resolve, EevdfRefs) {
  Result r = compile(kEevdfShape);
  ASSERT_TRUE(r.ok) << r.output;
  const Policy &p = *r.policy;
  // eligible when vruntime <= V: V is the scanned instance's aggregate 0.
  const Expr &elig = *p.queues[0].eligible;
  EXPECT_EQ(elig.operands[0]->ref.kind, RefKind::TaskField);
  EXPECT_EQ(elig.operands[0]->ref.index, 0);
  EXPECT_EQ(elig.operands[1]->ref.kind, RefKind::Aggregate);
  EXPECT_EQ(elig.operands[1]->ref.index, 0);
  EXPECT_EQ(elig.operands[1]->ref.aggIndex, 0);
  // preempt: ... && deadline < current.deadline
  const Expr &lt = *p.preempts[0].condition->operands[1];
  EXPECT_EQ(lt.operands[1]->ref.kind, RefKind::CurrentField);
  EXPECT_EQ(lt.operands[1]->ref.index, 1);
  EXPECT_EQ(p.preempts[0].condition->operands[0]->operands[0]->ref.kind, RefKind::Param);
  // on enqueue: `if wakeup || cpu != home`, lets in slots 0 and 1.
  const Stmt &outer = *p.handlers[1].body[0];
  EXPECT_EQ(outer.value->operands[0]->ref.kind, RefKind::Wakeup);
  EXPECT_EQ(outer.value->operands[1]->operands[0]->ref.kind, RefKind::TaskAttr);
  EXPECT_EQ(outer.value->operands[1]->operands[0]->ref.attr, TaskAttr::Cpu);
  EXPECT_EQ(outer.thenBody[0]->localSlot, 0);
  EXPECT_EQ(outer.thenBody[1]->localSlot, 1);
  const Expr &loadAgg = *outer.thenBody[1]->value;
  EXPECT_EQ(loadAgg.ref.kind, RefKind::Aggregate);
  EXPECT_EQ(loadAgg.ref.aggIndex, 1);
  const Stmt &placed = *outer.thenBody.back();
  EXPECT_EQ(placed.target->ref.kind, RefKind::Counter);
  EXPECT_EQ(placed.target->ref.index, 0);
  // on stopping: runtime
  const Expr &charge = *p.handlers[2].body[0]->value;
  EXPECT_EQ(charge.operands[0]->operands[0]->ref.kind, RefKind::Runtime);
  EXPECT_EQ(p.dispatch[1].queueIndex, 0);
}

TEST(Resolve, EveryNameIsResolvedAfterSuccess) {
  for (const char *file : {"stdlib/eevdf.sched", "stdlib/fifo.sched"}) {
    Result r = compile(readSource(file));
    ASSERT_TRUE(r.ok) << r.output;
    // A member's base (`rq` in rq[cpu].V, `current`) names a queue or the
    // running task, not a value: it stays unresolved. The walk is pre-order,
    // so a base is known before it is visited.
    std::set<const Expr *> bases;
    size_t checked = 0;
    forEachExpr(*r.policy, [&](const Expr &e) {
      if (e.kind == ExprKind::Member || e.kind == ExprKind::Index)
        bases.insert(e.operands[0].get());
      if (e.kind == ExprKind::Member || (e.kind == ExprKind::Name && !bases.count(&e))) {
        ++checked;
        EXPECT_NE(e.ref.kind, RefKind::Unresolved) << file << ": " << e.text;
      }
    });
    EXPECT_GT(checked, 0u) << file << ": no name was checked";
  }
}

TEST(Resolve, LocalsGetDistinctSlots) {
  Result r =
      compile(withQueue("global g: u64;\non tick { let a = 1; if true { let b = a; g = b; } "
                        "for i in 0..4 { g += i; } let c = 2; g = c; }\n"));
  ASSERT_TRUE(r.ok) << r.output;
  const Handler &h = r.policy->handlers[0];
  EXPECT_EQ(h.numLocals, 4);
  EXPECT_EQ(h.body[0]->localSlot, 0);
  EXPECT_EQ(h.body[1]->thenBody[0]->localSlot, 1);
  EXPECT_EQ(h.body[2]->localSlot, 2);
  EXPECT_EQ(h.body[2]->thenBody[0]->value->ref.localSlot, 2);
  EXPECT_EQ(h.body[3]->localSlot, 3);
}

TEST(Resolve, LocalsAreScopedToTheirBlock) {
  EXPECT_TRUE(hasError(withQueue("global g: u64;\non tick { if true { let b = 1; } g = b; }\n"),
                       "unknown name 'b'"));
  EXPECT_TRUE(hasError(withQueue("global g: u64;\non tick { let a = a; }\n"), "unknown name 'a'"));
  EXPECT_TRUE(
      hasError(withQueue("on tick { let a = 1; if true { let a = 2; } }\n"), "already defined"));
}

TEST(Resolve, ContextRules) {
  EXPECT_TRUE(hasError(withQueue("global g: duration;\non tick { g = runtime; }\n"),
                       "'runtime' is not available"));
  EXPECT_TRUE(hasError(withQueue("global g: bool;\non stopping { g = wakeup; }\n"),
                       "'wakeup' is not available"));
  EXPECT_TRUE(compile(withQueue("global g: bool;\non runnable { g = wakeup; }\n")).ok);
  EXPECT_TRUE(hasError(withQueue("task d: u64;\npreempt tick when current.d > 0;\n"),
                       "'current' is not available"));
  EXPECT_TRUE(
      compile(
          withQueue(
              "task d: u64;\npreempt wakeup when wakeup && current.d > d && current.weight > 1;\n"))
          .ok);
  EXPECT_TRUE(hasError(withQueue("preempt wakeup when current.nope > 0;\n"), "no field 'nope'"));
  EXPECT_TRUE(hasError(withQueue("global g: u64;\non tick { g = main.V; }\n"), "no aggregate 'V'"));
}

TEST(Resolve, BareAggregatesOnlyInsideTheirQueuesEligible) {
  const char *src =
      "policy t;\nglobal g: u64;\nqueue rq: percpu fifo { n = count(); eligible when n > count; }\n"
      "enqueue into rq;\ndispatch rq;\n";
  Result r = compile(src);
  ASSERT_TRUE(r.ok) << r.output;
  const Expr &e = *r.policy->queues[0].eligible;
  EXPECT_EQ(e.operands[0]->ref.kind, RefKind::Aggregate);
  EXPECT_EQ(e.operands[0]->ref.builtinAggregate, BuiltinAggregate::None);
  EXPECT_EQ(e.operands[0]->ref.aggIndex, 0);
  EXPECT_EQ(e.operands[1]->ref.builtinAggregate, BuiltinAggregate::Count);
  EXPECT_TRUE(hasError(std::string(src) + "on tick { g = n; }\n", "unknown name 'n'"));
}

TEST(Resolve, QueueShapesForAggregateReads) {
  std::string base =
      "policy t;\nglobal g: u64;\nqueue rq: percpu fifo;\nqueue gq: global fifo;\n"
      "enqueue into rq;\ndispatch rq, gq;\n";
  EXPECT_TRUE(compile(base + "on tick { g = rq[this_cpu].count + gq.count; }\n").ok);
  EXPECT_TRUE(hasError(base + "on tick { g = rq.count; }\n", "has an instance per CPU"));
  EXPECT_TRUE(hasError(base + "on tick { g = gq[0].count; }\n", "is global"));
  EXPECT_TRUE(hasError(base + "on tick { g = rq; }\n", "is a queue, not a value"));
  EXPECT_TRUE(hasError(base + "on tick { g = nope.count; }\n", "'nope' is not a queue"));
  EXPECT_TRUE(hasError("policy t;\nqueue gq: global fifo;\nenqueue into gq[1];\ndispatch gq;\n",
                       "no instances to index"));
}

TEST(Resolve, UnknownNamesSuggestCloseOnes) {
  Result r = compile(withQueue("task vruntime: duration;\non stopping { vruntime += runtme; }\n"));
  EXPECT_NE(r.output.find("did you mean 'runtime'?"), std::string::npos) << r.output;
  Result far = compile(withQueue("global g: u64;\non tick { g = zzzzzz; }\n"));
  EXPECT_EQ(far.output.find("did you mean"), std::string::npos) << far.output;
  Result q = compile("policy t;\nqueue main: global fifo;\nenqueue into mian;\ndispatch main;\n");
  EXPECT_NE(q.output.find("did you mean 'main'?"), std::string::npos) << q.output;
}

TEST(Resolve, DeclarationChecks) {
  EXPECT_TRUE(hasError(withQueue("task a: u64;\nglobal a: u64;\n"), "redefinition of 'a'"));
  EXPECT_TRUE(hasError(withQueue("percpu now: u64;\n"), "built-in name"));
  std::string fields;
  for (int i = 0; i < 17; ++i) fields += "task f" + std::to_string(i) + ": u64;\n";
  EXPECT_TRUE(hasError(withQueue(fields), "too many task fields (at most 16)"));
  std::string counters = "counter c0";
  for (int i = 1; i < 33; ++i) counters += ", c" + std::to_string(i);
  EXPECT_TRUE(hasError(withQueue(counters + ";\n"), "too many counters (at most 32)"));
  EXPECT_TRUE(hasError(withQueue("param p: u64 = 0 in 5..1;\n"), "is empty"));
  EXPECT_TRUE(hasError(withQueue("param p: s64 = -20 in -10..10;\n"), "outside its range"));
  EXPECT_TRUE(compile(withQueue("param p: s64 = -5 in -10..10;\n")).ok);
  EXPECT_TRUE(hasError(withQueue("param p: bool = true in false..true;\n"), "cannot have a range"));
  EXPECT_TRUE(hasError(withQueue("param p: u64 = 3ms;\n"), "a duration cannot be a 'u64' value"));
  EXPECT_TRUE(hasError(withQueue("on tick { }\non tick { }\n"), "duplicate handler"));
  EXPECT_TRUE(hasError(withQueue("preempt tick when true;\npreempt tick when false;\n"),
                       "duplicate `preempt tick`"));
  EXPECT_TRUE(
      hasError(withQueue("select_cpu prev;\nselect_cpu default;\n"), "duplicate select_cpu"));
  EXPECT_TRUE(hasError(withQueue("dispatch main;\n"), "duplicate dispatch declaration"));
  EXPECT_TRUE(
      hasError("policy t;\nqueue q: shards(0) fifo;\nenqueue into q;\ndispatch q;\n", "1..64"));
  EXPECT_TRUE(hasError("policy t;\nqueue q: global fifo scan 0;\nenqueue into q;\ndispatch q;\n",
                       "1..1024"));
  EXPECT_TRUE(hasError(
      "policy t;\nqueue q: global fifo { count = count(); }\nenqueue into q;\ndispatch q;\n",
      "'count' is built in"));
  EXPECT_TRUE(
      hasError("policy t;\nqueue q: global fifo { a = sum(); }\nenqueue into q;\ndispatch q;\n",
               "sum takes 1 argument"));
}
