// Pass 4: properties the BPF verifier or a running system needs: divisors
// that cannot be zero, bounded loops, and no task that waits forever.
#include "ast/Builtins.h"
#include "ast/Walk.h"
#include "frontend/Evaluate.h"
#include "frontend/Passes.h"
#include "frontend/SliceValues.h"

namespace schedc {

namespace {

bool sameRef(const Ref &a, const Ref &b) {
  return a.kind == b.kind && a.index == b.index && a.attr == b.attr && a.localSlot == b.localSlot;
}

bool isPositiveLiteral(const Expr &e) {
  return (e.kind == ExprKind::IntLiteral || e.kind == ExprKind::DurationLiteral) && e.intValue != 0;
}

bool isConversion(const Expr &e) {
  return e.kind == ExprKind::Call && functionInfo(e.function).result == ResultRule::Conversion;
}

// Names known to be non-zero where the walk is: tested `NAME > 0`,
// `NAME != 0` (or `0 < NAME`, `0 != NAME`, `NAME >= c` with c > 0) by an
// enclosing `if` or an enqueue rule's condition (`a && b` conditions count
// both sides).
using Guards = std::vector<Ref>;

void addGuards(const Expr &cond, Guards &guards) {
  if (cond.kind != ExprKind::Binary) return;
  const Expr &a = *cond.operands[0];
  const Expr &b = *cond.operands[1];
  switch (cond.binaryOp) {
    case BinaryOp::And:
      addGuards(a, guards);
      addGuards(b, guards);
      return;
    case BinaryOp::Gt:
    case BinaryOp::Ne:
      if (a.kind == ExprKind::Name && isZeroLiteral(b)) guards.push_back(a.ref);
      if (cond.binaryOp == BinaryOp::Ne && b.kind == ExprKind::Name && isZeroLiteral(a))
        guards.push_back(b.ref);
      return;
    case BinaryOp::Lt:
      if (b.kind == ExprKind::Name && isZeroLiteral(a)) guards.push_back(b.ref);
      return;
    case BinaryOp::Ge:
      if (a.kind == ExprKind::Name && isPositiveLiteral(b)) guards.push_back(a.ref);
      return;
    default:
      return;
  }
}

// Every name assigned anywhere in `body`.
void assignedIn(const Block &body, Guards &out) {
  for (const StmtPtr &s : body) {
    if (s->kind == StmtKind::Assign) out.push_back(s->target->ref);
    assignedIn(s->thenBody, out);
    assignedIn(s->elseBody, out);
  }
}

void forget(Guards &guards, const Guards &assigned) {
  for (const Ref &r : assigned)
    for (size_t i = guards.size(); i-- > 0;)
      if (sameRef(guards[i], r)) guards.erase(guards.begin() + i);
}

class SafetyChecker {
 public:
  SafetyChecker(Policy &policy, Diagnostics &diags) : policy_(policy), diags_(diags) {}

  void run() {
    const Guards none;
    for (const Queue &q : policy_.queues) {
      visit(q.orderKey.get(), none);
      visit(q.eligible.get(), none);
      for (const Aggregate &a : q.aggregates) {
        visit(a.value.get(), none);
        visit(a.weight.get(), none);
      }
    }
    for (const EnqueueRule &r : policy_.enqueueRules) {
      visit(r.condition.get(), none);
      // The target and slice are evaluated only when the condition held.
      Guards guards;
      if (r.condition) addGuards(*r.condition, guards);
      visit(r.instance.get(), guards);
      visit(r.slice.get(), guards);
      if (r.slice) checkSliceParam(*r.slice);
      if (r.slice) checkSliceValues(*r.slice);
    }
    for (const PreemptRule &r : policy_.preempts) visit(r.condition.get(), none);
    for (const BalanceRule &r : policy_.balances) {
      visit(r.interval.get(), none);
      visit(r.condition.get(), none);
    }
    for (const Handler &h : policy_.handlers) block(h.body, none);
    walkPolicy(policy_, [&](const Expr &e) { checkConstant(e); });
    checkWorkConservation();
  }

 private:
  // ------------------------------------------------------------ divisors

  bool nonZero(const Expr &e, const Guards &guards) const {
    switch (e.kind) {
      case ExprKind::IntLiteral:
      case ExprKind::DurationLiteral:
        return e.intValue != 0;
      case ExprKind::Name:
      case ExprKind::Member: {
        for (const Ref &g : guards)
          if (e.kind == ExprKind::Name && sameRef(g, e.ref)) return true;
        switch (e.ref.kind) {
          case RefKind::TaskAttr:
          case RefKind::CurrentAttr:
            return taskAttrInfo(e.ref.attr).nonZero;
          case RefKind::ThisCpu:
          case RefKind::NrCpus:
          case RefKind::NrLlcs:
          case RefKind::NrNodes:
          case RefKind::Now:
          case RefKind::Runtime:
          case RefKind::Wakeup:
          case RefKind::Busiest:
            return builtinValueInfo(e.ref.kind).nonZero;
          case RefKind::Param: {
            const Param &p = policy_.params[e.ref.index];
            if (!p.hasRange) return false;
            if (isSigned(p.type)) return int64_t(p.min) > 0 || int64_t(p.max) < 0;
            return p.min > 0;
          }
          default:
            return false;
        }
      }
      case ExprKind::Unary:  // -x is non-zero when x is (even INT64_MIN)
        return e.unaryOp == UnaryOp::Negate && nonZero(*e.operands[0], guards);
      case ExprKind::Call: {
        const std::vector<ExprPtr> &args = e.operands;
        if (isConversion(e)) return nonZero(*args[0], guards);
        bool unsignedResult = !isSigned(e.type);
        // max(x, c) >= c; clamp(x, lo, hi) >= lo.
        auto atLeastPositive = [&](const Expr &bound) {
          return isPositiveLiteral(bound) || (unsignedResult && nonZero(bound, guards));
        };
        switch (e.function) {
          case Function::Max:
            return atLeastPositive(*args[0]) || atLeastPositive(*args[1]);
          case Function::Clamp:
            return atLeastPositive(*args[1]);
          case Function::Min:
            return unsignedResult && nonZero(*args[0], guards) && nonZero(*args[1], guards);
          default:
            return false;
        }
      }
      default:
        return false;
    }
  }

  void checkDivisor(const Expr &division, const Guards &guards) {
    const Expr &divisor = *division.operands[1];
    if (nonZero(divisor, guards)) return;
    std::string hint;
    const Expr *inner = &divisor;
    while (isConversion(*inner)) inner = inner->operands[0].get();
    if (inner->kind == ExprKind::Name && inner->ref.kind == RefKind::Param)
      hint = "give param '" + inner->text + "' a range that excludes 0, e.g. `in 1..1000`";
    else if (inner->kind == ExprKind::Name)
      hint = "guard it with `if " + inner->text + " > 0 { ... }`, or divide by `max(" +
             inner->text + ", 1)`";
    else
      hint =
          "divide by a non-zero literal, `weight`, `max(x, 1)`, a param whose range excludes 0, "
          "or a name tested `> 0` by an enclosing `if`";
    diags_.error(
        divisor.range,
        std::string(division.binaryOp == BinaryOp::Div ? "divisor" : "modulus") + " may be zero",
        hint);
  }

  // `a && b` does not guard b: both sides are always evaluated (the lowering
  // is a plain `and`), so `x > 0 && 10 / x > 1` divides by zero when x is 0,
  // which LLVM treats as undefined behaviour.
  void visit(const Expr *e, const Guards &guards) {
    if (!e) return;
    if (e->kind == ExprKind::Binary &&
        (e->binaryOp == BinaryOp::Div || e->binaryOp == BinaryOp::Mod))
      checkDivisor(*e, guards);
    for (const ExprPtr &op : e->operands) visit(op.get(), guards);
  }

  // ------------------------------------------------------------ statements

  void block(const Block &body, Guards guards) {
    for (const StmtPtr &s : body) {
      switch (s->kind) {
        case StmtKind::Let:
          visit(s->value.get(), guards);
          break;
        case StmtKind::Assign: {
          visit(s->value.get(), guards);
          forget(guards, {s->target->ref});
          break;
        }
        case StmtKind::If: {
          visit(s->value.get(), guards);
          Guards inThen = guards;
          addGuards(*s->value, inThen);
          block(s->thenBody, inThen);
          block(s->elseBody, guards);
          Guards assigned;
          assignedIn(s->thenBody, assigned);
          assignedIn(s->elseBody, assigned);
          forget(guards, assigned);
          break;
        }
        case StmtKind::Kick:
        case StmtKind::Move:
          visit(s->value.get(), guards);
          break;
        case StmtKind::For: {
          uint64_t outer = loopIterations_;
          loopIterations_ = checkLoopBounds(*s, outer);
          // A later iteration sees assignments made by an earlier one.
          Guards assigned;
          assignedIn(s->thenBody, assigned);
          forget(guards, assigned);
          block(s->thenBody, guards);
          loopIterations_ = outer;
          break;
        }
      }
    }
  }

  // Checks loop `s` inside loops that run `outer` times in all; returns how
  // often its body runs in all (1 after an error, so it is reported once).
  uint64_t checkLoopBounds(const Stmt &s, uint64_t outer) {
    uint64_t count = s.to > s.from ? s.to - s.from : 0;
    if (count <= 1024 && outer > 1 && outer * count > 1024) {
      diags_.error(s.range,
                   "nested loops run their body " + std::to_string(outer * count) +
                       " times in all (" + std::to_string(outer) + " x " + std::to_string(count) +
                       "); at most 1024 iterations are allowed",
                   "nested loops multiply: loop over less, or split the work between callbacks");
      return 1;
    }
    checkLoopBound(s);
    return std::max<uint64_t>(1, outer * count);
  }

  void checkLoopBound(const Stmt &s) {
    if (s.fromParam || s.toParam) {
      // At run time the loop runs from..to with the params' values: at most
      // the widest bounds' count, and none when from >= to.
      if (s.to > s.from && s.to - s.from > 1024) {
        const Expr &wide = s.toParam ? *s.toParam : *s.fromParam;
        diags_.error(wide.range,
                     "loop '" + s.name + "' can run " + std::to_string(s.to - s.from) +
                         " times with the range of '" + wide.text +
                         "'; at most 1024 iterations are allowed",
                     "narrow the param's range");
      }
      return;
    }
    if (s.to < s.from) {
      diags_.error(s.range, "the range " + std::to_string(s.from) + ".." + std::to_string(s.to) +
                                " of loop '" + s.name + "' is empty");
      return;
    }
    if (s.to - s.from > 1024)
      diags_.error(s.range,
                   "loop '" + s.name + "' runs " + std::to_string(s.to - s.from) +
                       " times; at most 1024 iterations are allowed",
                   "BPF programs must finish quickly; loop over less");
  }

  // ------------------------------------------------------------ slices

  // A zero slice makes the task give up the CPU at once, forever. A literal
  // zero is a type error; a param could still be set to 0 with `--set`
  // unless its range excludes it.
  void checkSliceParam(const Expr &slice) {
    if (slice.kind != ExprKind::Name || slice.ref.kind != RefKind::Param) return;
    const Param &p = policy_.params[slice.ref.index];
    if (p.hasRange && p.min > 0) return;
    diags_.error(slice.range,
                 "param '" + p.name + "' is used as a slice but " +
                     (p.hasRange ? "its range includes 0" : "has no range, so it can be set to 0"),
                 "give it a range that excludes 0, e.g. `in 100us..1s` (add `or infinite` for "
                 "run-to-completion)");
    diags_.note(p.range, "'" + p.name + "' is declared here");
  }

  // A slice computed from params (and fields still at their initial value)
  // must stay positive for every value `--set` may give them.
  void checkSliceValues(const Expr &slice) {
    if ((slice.kind == ExprKind::Name && slice.ref.kind == RefKind::Param) ||
        slice.kind == ExprKind::IntLiteral || slice.kind == ExprKind::DurationLiteral)
      return;  // checkSliceParam and the type checker judge these
    std::optional<SliceProblem> problem = findSliceProblem(policy_, slice);
    if (!problem) return;
    if (problem->wraps)
      diags_.error(
          problem->range,
          std::string("this part of the slice wraps ") +
              (problem->below ? "below zero" : "past the largest value") + " when " +
              problem->values,
          std::string(problem->below ? "64-bit arithmetic turns it into centuries: the task "
                                       "would keep its CPU"
                                     : "64-bit arithmetic keeps only the low bits") +
              "; keep every step in range, e.g. with max(...), or narrow the params' "
              "ranges");
    else
      diags_.error(problem->range, "the slice is 0 when " + problem->values,
                   std::string("a zero slice gives the CPU up at once, forever; keep it "
                               "positive, e.g. `max(..., 100us)`, or ") +
                       (problem->initialField ? "give the field a non-zero initial value"
                                              : "narrow the params' ranges"));
  }

  // ------------------------------------------------------------ constants

  static bool isConstant(const Expr &e) {
    bool constant = true;
    walkExpr(&e, [&](const Expr &x) {
      constant = constant && x.kind != ExprKind::Name && x.kind != ExprKind::Member &&
                 x.kind != ExprKind::Index && x.kind != ExprKind::StringLiteral &&
                 (x.kind != ExprKind::Call || functionInfo(x.function).evaluable);
    });
    return constant;
  }

  // Mistakes visible in literals alone: arithmetic that leaves its type's
  // range, a shift by 64 bits or more (the count is taken mod 64), and
  // clamp() with its bounds reversed.
  void checkConstant(const Expr &e) {
    if (e.kind == ExprKind::Binary &&
        (e.binaryOp == BinaryOp::Shl || e.binaryOp == BinaryOp::Shr) &&
        isConstant(*e.operands[1])) {
      Wide count = evaluate(*e.operands[1], [](const Expr &) { return Wide(0); }).value;
      if (count < 0 || count >= 64)
        diags_.error(e.operands[1]->range,
                     "a shift by " + wideText(count) + " bits: only 0 to 63 mean anything",
                     "the count is taken mod 64, as the CPU does; a u64 has 64 bits");
    }
    if (e.kind == ExprKind::Call && e.function == Function::Clamp && e.operands.size() == 3 &&
        isConstant(*e.operands[1]) && isConstant(*e.operands[2])) {
      auto none = [](const Expr &) { return Wide(0); };
      Wide low = evaluate(*e.operands[1], none).value, high = evaluate(*e.operands[2], none).value;
      if (low > high)
        diags_.error(e.range, "clamp()'s low bound is above its high bound",
                     "write clamp(x, LOW, HIGH) with LOW <= HIGH");
    }
    if (e.kind == ExprKind::IntLiteral || e.kind == ExprKind::DurationLiteral || !isConstant(e))
      return;
    Evaluation result = evaluate(e, [](const Expr &) { return Wide(0); });
    if (result.wrapped != &e) return;  // fine, or reported at the step that wraps
    diags_.error(e.range,
                 std::string("this constant is ") +
                     (result.wrappedBelow ? "below zero" : "too large") + " for a " +
                     typeName(e.type) + ": it would wrap",
                 result.wrappedBelow && !isSigned(e.type)
                     ? "write the value meant, or compute in a signed type (s64, sduration)"
                     : "write a value that fits in 64 bits");
  }

  // ------------------------------------------------------------ work conservation

  bool dispatched(int q, bool steal) const {
    for (const DispatchSource &d : policy_.dispatch)
      if (d.queueIndex == q && d.steal == steal) return true;
    return false;
  }

  void checkWorkConservation() {
    std::vector<bool> targeted(policy_.queues.size(), false);
    for (const EnqueueRule &r : policy_.enqueueRules) {
      if (r.toLocal || r.queueIndex < 0) continue;
      const Queue &q = policy_.queues[r.queueIndex];
      if (!targeted[r.queueIndex] && !dispatched(r.queueIndex, false))
        diags_.error(
            r.queueRange, "tasks enqueued into '" + q.name + "' are never dispatched",
            "every queue an enqueue rule targets must be a dispatch source: `dispatch ..., " +
                q.name + ";`");
      targeted[r.queueIndex] = true;
      // A chosen instance may belong to a CPU the task cannot run on (its
      // affinity), or to no CPU at all (shard N-1 on fewer than N CPUs):
      // only stealing CPUs reach it.
      if (r.instance && q.kind != QueueKind::Global && !dispatched(r.queueIndex, true)) {
        diags_.error(r.instance->range,
                     "tasks put on a chosen instance of '" + q.name +
                         "' may wait forever on a CPU that never runs them",
                     "add `steal " + q.name + "` to dispatch so other CPUs can take them");
        if (!policy_.dispatch.empty())
          diags_.note(policy_.dispatch.front().range, "dispatch sources are listed here");
      }
    }
    checkDispatchCondition();
    for (const Queue &q : policy_.queues)
      if (q.eligible && q.fallback == EligibleFallback::None)
        diags_.warning(q.eligible->range,
                       "with `else none`, tasks in '" + q.name +
                           "' that are not eligible wait while CPUs may go idle",
                       "nothing re-checks eligibility until the next dispatch; use `else head` "
                       "unless every task soon becomes eligible");
    for (size_t i = 0; i < policy_.queues.size(); ++i)
      if (!targeted[i])
        diags_.warning(policy_.queues[i].range,
                       "queue '" + policy_.queues[i].name + "' is never enqueued into");
  }

  static bool movesToCpu(const Block &body) {
    for (const StmtPtr &s : body)
      if ((s->kind == StmtKind::Move && s->value) || movesToCpu(s->thenBody) ||
          movesToCpu(s->elseBody))
        return true;
    return false;
  }

  // With `dispatch ... when COND`, a CPU where COND is false runs only what is
  // put on it; without a rule or timer that does, it would idle while work
  // waits.
  void checkDispatchCondition() {
    if (!policy_.dispatchWhen) return;
    for (const EnqueueRule &r : policy_.enqueueRules)
      if (r.localOn || r.toLocal) return;
    for (const Handler &h : policy_.handlers)
      if (movesToCpu(h.body)) return;
    diags_.error(policy_.dispatchWhen->range,
                 "CPUs where the dispatch condition is false would never get work",
                 "put tasks on them: `move QUEUE into local_on(CPU);` in a timer, or an enqueue "
                 "rule `into local_on(...)`");
  }

  Policy &policy_;
  Diagnostics &diags_;
  uint64_t loopIterations_ = 1;  // how often the statements being walked run, in loops
};

}  // namespace

bool checkSafety(Policy &policy, Diagnostics &diags) {
  unsigned before = diags.errorCount();
  SafetyChecker(policy, diags).run();
  return diags.errorCount() == before;
}

}  // namespace schedc
