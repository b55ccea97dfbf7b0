// Pass 5: warnings, for what compiles but is likely not what was meant.
// - Declarations nothing refers to (docs/language.md, "State"): a field,
//   global, counter or param that no expression, rule or statement names is
//   dead weight at best and a misspelt use at worst.
// - comm() in `on enable`: a forked child enters sched_ext before it execs,
//   so it still has its parent's name there.
// - An enqueue into a chosen instance that is not the one the task's CPU
//   dispatches from: a CPU serves instance (this_cpu mod N), so `dom[cpu / 4]`
//   sends CPU 1's tasks to a shard CPU 1 never serves.
// - `select_cpu ... direct` where eligibility or an enqueue condition depends
//   on the CPU: direct insertion skips both.
// - `steal Q` where Q has `eligible when ... else none`: a steal takes the
//   head of another instance without asking, so an ineligible task runs.
// - An unsigned value compared with 0 where the answer is fixed (`t < 0`):
//   usually a time difference meant to be signed.
// - `G = G + X` on a global: a load and a store, where `G += X` is atomic.
#include <vector>

#include "ast/Builtins.h"
#include "ast/Walk.h"
#include "frontend/Evaluate.h"
#include "frontend/Passes.h"

namespace schedc {

namespace {

struct Uses {
  std::vector<bool> params, hints, taskFields, cpuFields, globalFields, counters;

  explicit Uses(const Policy &p)
      : params(p.params.size()),
        hints(p.hints.size()),
        taskFields(p.taskFields.size()),
        cpuFields(p.cpuFields.size()),
        globalFields(p.globalFields.size()),
        counters(p.counters.size()) {}

  void mark(const Ref &ref) {
    std::vector<bool> *table = nullptr;
    switch (ref.kind) {
      case RefKind::Param:
        table = &params;
        break;
      case RefKind::Hint:
        table = &hints;
        break;
      case RefKind::TaskField:
      case RefKind::CurrentField:
        table = &taskFields;
        break;
      case RefKind::CpuField:
        table = &cpuFields;
        break;
      case RefKind::GlobalField:
        table = &globalFields;
        break;
      case RefKind::Counter:
        table = &counters;
        break;
      default:
        return;
    }
    if (ref.index >= 0 && static_cast<size_t>(ref.index) < table->size())
      (*table)[ref.index] = true;
  }
};

template <typename Decl>
void warnUnusedOf(Diagnostics &diags, const std::vector<bool> &used, const char *what,
                  const std::vector<Decl> &decls) {
  for (size_t i = 0; i < decls.size(); ++i)
    if (!used[i])
      diags.warning(decls[i].range, std::string(what) + " '" + decls[i].name + "' is never used",
                    "remove it, or check the spelling where it was meant to be used");
}

void warnUnusedDeclarations(const Policy &policy, Diagnostics &diags) {
  Uses uses(policy);
  walkPolicy(policy, [&](const Expr &expr) { uses.mark(expr.ref); });
  warnUnusedOf(diags, uses.params, "param", policy.params);
  warnUnusedOf(diags, uses.hints, "hint", policy.hints);
  warnUnusedOf(diags, uses.taskFields, "task field", policy.taskFields);
  warnUnusedOf(diags, uses.cpuFields, "percpu field", policy.cpuFields);
  warnUnusedOf(diags, uses.globalFields, "global", policy.globalFields);
  warnUnusedOf(diags, uses.counters, "counter", policy.counters);
}

void warnEarlyComm(const Policy &policy, Diagnostics &diags) {
  for (const Handler &handler : policy.handlers) {
    if (handler.event != Event::Enable) continue;
    walkBlock(handler.body, [&](const Expr &expr) {
      if (expr.kind == ExprKind::Call && expr.function == Function::Comm)
        diags.warning(expr.range,
                      "comm() in `on enable` reads the parent's name for a forked task: it "
                      "enters sched_ext before it execs",
                      "read it in `on runnable` or `on enqueue`, which run again after exec");
    });
  }
}

bool isCpuName(const Expr &e) {
  return e.kind == ExprKind::Name &&
         (e.ref.kind == RefKind::ThisCpu ||
          (e.ref.kind == RefKind::TaskAttr && e.ref.attr == TaskAttr::Cpu));
}

bool readsCpu(const Expr *e) {
  bool found = false;
  walkExpr(e, [&](const Expr &x) { found = found || isCpuName(x); });
  return found;
}

// Whether `e` is a function of the CPU alone: CPU names, params (taken at
// their defaults) and literals, at least one CPU name.
bool onlyCpuDependent(const Expr &e) {
  bool judged = true;
  walkExpr(&e, [&](const Expr &x) {
    if (x.kind == ExprKind::Name)
      judged = judged && (isCpuName(x) || x.ref.kind == RefKind::Param);
    else if (x.kind == ExprKind::Member || x.kind == ExprKind::Index ||
             x.kind == ExprKind::StringLiteral ||
             (x.kind == ExprKind::Call && !functionInfo(x.function).evaluable))
      judged = false;
  });
  return judged && readsCpu(&e);
}

void warnForeignInstances(const Policy &policy, Diagnostics &diags) {
  for (const EnqueueRule &r : policy.enqueueRules) {
    if (!r.instance || r.toLocal || r.queueIndex < 0) continue;
    const Queue &q = policy.queues[r.queueIndex];
    // Which instance a CPU of a per_llc or per_node queue serves depends on
    // the machine: it cannot be checked here.
    if ((q.kind != QueueKind::PerCpu && q.kind != QueueKind::Shards) ||
        !onlyCpuDependent(*r.instance))
      continue;
    // Per-CPU queues: tried on 64 CPUs, as many instances as CPUs.
    uint64_t n = q.kind == QueueKind::Shards ? q.shards : 64;
    for (uint64_t cpu = 0; cpu < std::max<uint64_t>(4 * n, 64); ++cpu) {
      Evaluation e = evaluate(*r.instance, [&](const Expr &name) -> Wide {
        if (isCpuName(name)) return Wide(cpu);
        const Param &p = policy.params[name.ref.index];
        return asWide(p.defaultValue, p.type);
      });
      if (e.divisionByZero || e.wrapped) break;
      uint64_t chosen = uint64_t(e.value) % n, served = cpu % n;
      if (chosen == served) continue;
      bool shards = q.kind == QueueKind::Shards;
      std::string what = shards ? "shard" : "instance";
      diags.warning(r.instance->range,
                    "a task on CPU " + std::to_string(cpu) + " goes to " + what + " " +
                        std::to_string(chosen) + " of '" + q.name + "', but CPU " +
                        std::to_string(cpu) + " dispatches from " + what + " " +
                        std::to_string(served),
                    shards ? "a CPU serves shard `this_cpu % " + std::to_string(n) +
                                 "`; other CPUs reach the rest only by stealing. Write `" + q.name +
                                 "[cpu]` to keep tasks on the shard their CPU serves"
                           : "a CPU serves its own instance; other CPUs reach the rest only by "
                             "stealing. Write `" +
                                 q.name + "[cpu]` to keep tasks with their CPU");
      break;
    }
  }
}

void warnStealBypass(const Policy &policy, Diagnostics &diags) {
  for (const DispatchSource &d : policy.dispatch) {
    if (!d.steal || d.queueIndex < 0) continue;
    const Queue &q = policy.queues[d.queueIndex];
    // With `else head` the queue itself may hand out an ineligible task.
    if (!q.eligible || q.fallback != EligibleFallback::None) continue;
    diags.warning(d.range,
                  "`steal " + q.name +
                      "` takes the head of another instance without its "
                      "`eligible when`",
                  "a stolen task runs whether or not it is eligible: with `else none`, drop the "
                  "steal if eligibility must always hold");
    diags.note(q.eligible->range, "eligibility of '" + q.name + "' is here");
  }
}

void warnDirectBypass(const Policy &policy, Diagnostics &diags) {
  if (!policy.selectCpu.direct) return;
  const SourceRange *rule = nullptr;
  const char *what = nullptr;
  for (const Queue &q : policy.queues)
    if (!rule && q.eligible && readsCpu(q.eligible.get())) {
      rule = &q.eligible->range;
      what = "eligibility";
    }
  for (const EnqueueRule &r : policy.enqueueRules)
    if (!rule && r.condition && readsCpu(r.condition.get())) {
      rule = &r.condition->range;
      what = "an enqueue condition";
    }
  if (!rule) return;
  diags.warning(policy.selectCpu.directRange,
                std::string("`direct` puts a waking task on an idle CPU's local queue without "
                            "the enqueue rules' queues or eligibility, and ") +
                    what + " here depends on the CPU",
                "drop `direct` so every task goes through the enqueue rules, or make them the "
                "same on every CPU");
  diags.note(*rule, "this depends on the CPU");
}

void warnFixedComparisons(const Policy &policy, Diagnostics &diags) {
  walkPolicy(policy, [&](const Expr &e) {
    if (e.kind != ExprKind::Binary) return;
    const Expr &a = *e.operands[0], &b = *e.operands[1];
    if (isSigned(a.type) || isSigned(b.type) || a.type == Type::Bool) return;
    // x < 0 and 0 > x never hold; x >= 0 and 0 <= x always do.
    bool never = (e.binaryOp == BinaryOp::Lt && isZeroLiteral(b)) ||
                 (e.binaryOp == BinaryOp::Gt && isZeroLiteral(a));
    bool always = (e.binaryOp == BinaryOp::Ge && isZeroLiteral(b)) ||
                  (e.binaryOp == BinaryOp::Le && isZeroLiteral(a));
    if (!never && !always) return;
    diags.warning(e.range,
                  std::string("a ") + typeName(isZeroLiteral(a) ? b.type : a.type) +
                      " is never below 0: this is always " + (never ? "false" : "true"),
                  "to ask which of two times comes first, compare their signed difference: "
                  "`sduration(a - b) < 0`");
  });
}

void warnRacyGlobalUpdate(const Block &body, const Policy &policy, Diagnostics &diags) {
  for (const StmtPtr &s : body) {
    warnRacyGlobalUpdate(s->thenBody, policy, diags);
    warnRacyGlobalUpdate(s->elseBody, policy, diags);
    if (s->kind != StmtKind::Assign || s->assignOp != AssignOp::Set ||
        s->target->ref.kind != RefKind::GlobalField || s->value->kind != ExprKind::Binary)
      continue;
    const Expr &v = *s->value;
    const Expr &first = *v.operands[0];
    bool self = first.kind == ExprKind::Name && first.ref.kind == RefKind::GlobalField &&
                first.ref.index == s->target->ref.index;
    if (!self || (v.binaryOp != BinaryOp::Add && v.binaryOp != BinaryOp::Sub)) continue;
    const std::string &g = s->target->text;
    diags.warning(s->value->range,
                  "`" + g + " = " + g + (v.binaryOp == BinaryOp::Add ? " + " : " - ") +
                      "...` is a load and a store: updates other CPUs make in between are lost",
                  std::string("write `") + g + (v.binaryOp == BinaryOp::Add ? " += " : " -= ") +
                      "...`, one atomic add");
  }
}

}  // namespace

void warnLikelyMistakes(const Policy &policy, Diagnostics &diags) {
  warnUnusedDeclarations(policy, diags);
  warnEarlyComm(policy, diags);
  warnForeignInstances(policy, diags);
  warnDirectBypass(policy, diags);
  warnStealBypass(policy, diags);
  warnFixedComparisons(policy, diags);
  for (const Handler &h : policy.handlers) warnRacyGlobalUpdate(h.body, policy, diags);
}

}  // namespace schedc
