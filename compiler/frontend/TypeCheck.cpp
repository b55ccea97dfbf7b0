// Pass 3: types and units (docs/language.md, "Types").
//
// Integer literals have no type of their own: while checking, a literal (or
// an expression made only of literals) has Type::Untyped and takes the type
// its context needs when it meets one (the other operand, an assignment's
// target, a parameter of a call). Duration literals are `duration`, but also
// fit an `sduration` context. Whatever is still untyped at the root of an
// expression becomes u64. Negative literals are checked when their type is
// known.
#include "ast/Builtins.h"
#include "ast/Walk.h"
#include "frontend/Passes.h"

namespace schedc {

namespace {

bool isTimeLiteral(const Expr &e) {
  if (e.kind == ExprKind::DurationLiteral) return true;
  return e.kind == ExprKind::Unary && e.unaryOp == UnaryOp::Negate && isTimeLiteral(*e.operands[0]);
}

// The count type that goes with a time type in * and /: duration * u64.
Type countFor(Type time) {
  return time == Type::SDuration ? Type::S64 : Type::U64;
}
Type timeFor(Type count) {
  return count == Type::S64 ? Type::SDuration : Type::Duration;
}

std::string quoted(Type t) {
  return std::string("'") + typeName(t) + "'";
}

std::string conversionHint(Type want) {
  return std::string("convert it explicitly with `") + typeName(want) + "(...)`";
}

class TypeChecker {
 public:
  TypeChecker(Policy &policy, Diagnostics &diags) : policy_(policy), diags_(diags) {}

  void run() {
    // Order keys first: first() takes its type from the key.
    for (Queue &q : policy_.queues)
      if (q.orderKey) unsignedKey(*q.orderKey, "the order key of queue '" + q.name + "'");
    for (Queue &q : policy_.queues) checkAggregates(q);
    for (Queue &q : policy_.queues)
      if (q.eligible) expect(*q.eligible, Type::Bool, "an `eligible when` condition");
    for (EnqueueRule &r : policy_.enqueueRules) checkEnqueueRule(r);
    for (PreemptRule &r : policy_.preempts) expect(*r.condition, Type::Bool, "a preempt condition");
    if (policy_.dispatchWhen) expect(*policy_.dispatchWhen, Type::Bool, "a dispatch condition");
    for (BalanceRule &r : policy_.balances) {
      expect(*r.interval, Type::Duration, "a balance interval");
      expect(*r.condition, Type::Bool, "a balance condition");
    }
    for (Handler &h : policy_.handlers) {
      if (h.period) timerPeriod(*h.period);
      if (h.onCpu) expect(*h.onCpu, Type::U64, "a timer's CPU");
      localTypes_.assign(h.numLocals, Type::Invalid);
      loopSlot_.assign(h.numLocals, false);
      block(h.body);
    }
  }

 private:
  // ------------------------------------------------------------ literals

  // Whether `e`, as checked so far, can still become a `t`.
  bool adaptable(const Expr &e, Type t) const {
    if (e.type == Type::Untyped) return isNumeric(t) && t != Type::Untyped;
    return isTimeLiteral(e) && isTime(t);
  }

  // Gives a literal tree its final type `t`, checking values against it.
  void settle(Expr &e, Type t, bool negated = false) {
    if (e.type != Type::Untyped && !isTimeLiteral(e)) return;
    e.type = t;
    switch (e.kind) {
      case ExprKind::IntLiteral:
        // Reported once; the time type it was meant to have spares the
        // expression around it follow-on errors.
        if (isTime(t) && e.intValue != 0) missingUnit(e, e, negated);
        if (isSigned(t) && e.intValue > (negated ? uint64_t(1) << 63 : (uint64_t(1) << 63) - 1)) {
          diags_.error(e.range, "literal does not fit in " + quoted(t));
          e.type = Type::Invalid;
        }
        return;
      case ExprKind::DurationLiteral:
        return;
      case ExprKind::Unary:  // Negate; BitNot is never untyped
        if (isTime(t) && e.operands[0]->kind == ExprKind::IntLiteral &&
            e.operands[0]->intValue != 0) {
          missingUnit(e, *e.operands[0], !negated);  // at the `-`, not the digits
          e.operands[0]->type = t;
          return;
        }
        if (!isSigned(t)) {
          diags_.error(e.range, "negative value for unsigned type " + quoted(t),
                       "use a signed type (s64, sduration) or a non-negative value");
          e.type = Type::Invalid;
          return;
        }
        settle(*e.operands[0], t, !negated);
        return;
      case ExprKind::Binary:
        settle(*e.operands[0], t);
        // duration * 2, duration / 2: the literal on the right is a count.
        if (isTime(t) && (e.binaryOp == BinaryOp::Mul || e.binaryOp == BinaryOp::Div ||
                          e.binaryOp == BinaryOp::Mod))
          settle(*e.operands[1], countFor(t));
        else
          settle(*e.operands[1], t);
        return;
      case ExprKind::Call:  // min, max, clamp, abs of literals
        for (ExprPtr &arg : e.operands) settle(*arg, t);
        return;
      default:
        return;
    }
  }

  void missingUnit(const Expr &at, const Expr &literal, bool negated) {
    diags_.error(at.range, kMissingUnitMessage,
                 missingUnitHint((negated ? "-" : "") + std::to_string(literal.intValue)));
  }

  // Makes a root expression's leftover literal type final.
  Type finish(Expr &e) {
    if (e.type == Type::Untyped) settle(e, Type::U64);
    // A time literal already settled to sduration (`g / 14ns`) stays one.
    else if (isTimeLiteral(e) && e.type != Type::SDuration)
      settle(e, Type::Duration);
    return e.type;
  }

  // Checks `e` and requires type `want`; `what` names the place in messages.
  Type expect(Expr &e, Type want, const std::string &what) {
    check(e);
    return require(e, want, what);
  }

  Type require(Expr &e, Type want, const std::string &what) {
    if (e.type == Type::Invalid || want == Type::Invalid) return Type::Invalid;
    if (adaptable(e, want)) {
      settle(e, want);
      return e.type;
    }
    if (e.type == want) return want;
    bool numeric = isNumeric(want) && isNumeric(e.type) && e.type != Type::Untyped;
    diags_.error(e.range,
                 what + " must be " + quoted(want) + ", found " +
                     (e.type == Type::Untyped ? "an integer" : quoted(e.type)),
                 numeric ? conversionHint(want) : "");
    e.type = Type::Invalid;
    return Type::Invalid;
  }

  // Gives two operands one type, literals adapting to the other side.
  // Returns false if they still differ (the caller says how).
  bool unify(Expr &a, Expr &b) {
    if (a.type == Type::Untyped && b.type == Type::Untyped) return true;
    if (adaptable(a, b.type) && !isTimeLiteral(b))
      settle(a, b.type);
    else if (adaptable(b, a.type) && !isTimeLiteral(a))
      settle(b, a.type);
    else if (a.type == b.type) {
      finish(a);
      finish(b);
    }
    return a.type == b.type && a.type != Type::Invalid;
  }

  // The type several operands share (min, max, clamp), or Invalid after an error.
  Type common(Expr &call) {
    Type t = Type::Untyped;
    for (ExprPtr &arg : call.operands) {  // the first operand that is not a literal decides
      if (arg->type == Type::Invalid) return Type::Invalid;
      if (arg->type != Type::Untyped && !isTimeLiteral(*arg)) {
        t = arg->type;
        break;
      }
    }
    if (t == Type::Untyped)
      for (ExprPtr &arg : call.operands)
        if (isTimeLiteral(*arg)) t = Type::Duration;
    if (t == Type::Untyped) return Type::Untyped;
    for (ExprPtr &arg : call.operands) {
      if (adaptable(*arg, t)) settle(*arg, t);
      if (arg->type == Type::Invalid) return Type::Invalid;
      if (arg->type != t) {
        diags_.error(call.range,
                     call.text + "() needs arguments of one type, found " + quoted(t) + " and " +
                         quoted(arg->type),
                     conversionHint(t));
        return Type::Invalid;
      }
    }
    if (t == Type::Bool) {
      diags_.error(call.range, call.text + "() needs numbers, found 'bool'");
      return Type::Invalid;
    }
    return t;
  }

  // ------------------------------------------------------------ expressions

  Type refType(const Ref &ref) const {
    switch (ref.kind) {
      case RefKind::Param:
        return policy_.params[ref.index].type;
      case RefKind::Hint:
        return policy_.hints[ref.index].type;
      case RefKind::TaskField:
      case RefKind::CurrentField:
        return policy_.taskFields[ref.index].type;
      case RefKind::CpuField:
        return policy_.cpuFields[ref.index].type;
      case RefKind::GlobalField:
        return policy_.globalFields[ref.index].type;
      case RefKind::Local:
        return localTypes_[ref.localSlot];
      case RefKind::TaskAttr:
      case RefKind::CurrentAttr:
        return taskAttrInfo(ref.attr).type;
      case RefKind::Aggregate:  // the built-in ones count tasks
        return ref.builtinAggregate != BuiltinAggregate::None
                   ? Type::U64
                   : policy_.queues[ref.index].aggregates[ref.aggIndex].type;
      case RefKind::Counter:
        return Type::U64;
      case RefKind::ThisCpu:
      case RefKind::NrCpus:
      case RefKind::NrLlcs:
      case RefKind::NrNodes:
      case RefKind::Now:
      case RefKind::Runtime:
      case RefKind::Wakeup:
      case RefKind::Busiest:
        return builtinValueInfo(ref.kind).type;
      case RefKind::Unresolved:
        return Type::Invalid;
    }
    return Type::Invalid;
  }

  Type check(Expr &e) {
    e.type = checkKind(e);
    return e.type;
  }

  Type checkKind(Expr &e) {
    switch (e.kind) {
      case ExprKind::IntLiteral:
        return Type::Untyped;
      case ExprKind::DurationLiteral:
        return Type::Duration;
      case ExprKind::BoolLiteral:
        return Type::Bool;
      case ExprKind::StringLiteral:
        diags_.error(e.range, "a string is only allowed as the argument of comm()");
        return Type::Invalid;
      case ExprKind::Name:
        return refType(e.ref);
      case ExprKind::Member:
        return member(e);
      case ExprKind::Index: {  // vnow[cpu]; a Member's base is typed by member()
        if (expect(*e.operands[1], Type::U64, "a CPU number") == Type::Invalid)
          return Type::Invalid;
        Type t = refType(e.ref);
        e.operands[0]->type = t;
        return t;
      }
      case ExprKind::Unary:
        return unary(e);
      case ExprKind::Binary:
        return binary(e);
      case ExprKind::Call:
        return call(e);
    }
    return Type::Invalid;
  }

  // The base of a Member (`rq`, `rq[cpu]`, `current`) is not a value; it
  // carries the Member's type so that no node is left untyped.
  Type member(Expr &e) {
    Type t = refType(e.ref);
    Expr &base = *e.operands[0];
    if (base.kind == ExprKind::Index) {
      if (expect(*base.operands[1], Type::U64, "a queue index") == Type::Invalid) t = Type::Invalid;
      base.operands[0]->type = t;
    }
    base.type = t;
    return t;
  }

  Type unary(Expr &e) {
    Expr &x = *e.operands[0];
    Type t = check(x);
    if (t == Type::Invalid) return t;
    switch (e.unaryOp) {
      case UnaryOp::Negate:
        if (t == Type::Untyped || isSigned(t)) return t;
        if (isTimeLiteral(x)) return Type::Duration;  // may still become sduration
        diags_.error(e.range, "cannot negate " + quoted(t),
                     "negation needs a signed type; convert with `s64(...)` or `sduration(...)`");
        return Type::Invalid;
      case UnaryOp::Not:
        return require(x, Type::Bool, "the operand of '!'") == Type::Invalid ? Type::Invalid
                                                                             : Type::Bool;
      case UnaryOp::BitNot:
        return require(x, Type::U64, "the operand of '~'") == Type::Invalid ? Type::Invalid
                                                                            : Type::U64;
    }
    return Type::Invalid;
  }

  static const char *opSpelling(BinaryOp op) {
    static const char *const s[] = {"+",  "-",  "*",  "/", "%",  "&", "|",  "^",  "<<",
                                    ">>", "==", "!=", "<", "<=", ">", ">=", "&&", "||"};
    return s[int(op)];
  }

  Type mismatch(Expr &e, const std::string &msg) {
    Type l = e.operands[0]->type, r = e.operands[1]->type;
    std::string hint;
    if (isTime(l) && isTime(r) && e.binaryOp == BinaryOp::Mul)
      hint = "one side must be a count: convert it with `u64(...)`";
    else if (isNumeric(l) && isNumeric(r) && l != Type::Untyped && r != Type::Untyped && l != r)
      hint = std::string("convert one side explicitly with `") + typeName(l) + "(...)` or `" +
             typeName(r) + "(...)`";
    diags_.error(e.range, msg, hint);
    return Type::Invalid;
  }

  Type binary(Expr &e) {
    Expr &a = *e.operands[0];
    Expr &b = *e.operands[1];
    Type ta = check(a), tb = check(b);
    if (ta == Type::Invalid || tb == Type::Invalid) return Type::Invalid;
    switch (e.binaryOp) {
      case BinaryOp::Add:
      case BinaryOp::Sub: {
        bool add = e.binaryOp == BinaryOp::Add;
        if (ta == Type::Bool || tb == Type::Bool || !unify(a, b))
          return mismatch(e, add ? "cannot add " + quoted(a.type) + " and " + quoted(b.type)
                                 : "cannot subtract " + quoted(b.type) + " from " + quoted(a.type));
        return a.type;
      }
      case BinaryOp::Mul:
        return multiply(e, a, b);
      case BinaryOp::Div:
      case BinaryOp::Mod:
        return divide(e, a, b);
      case BinaryOp::BitAnd:
      case BinaryOp::BitOr:
      case BinaryOp::BitXor:
      case BinaryOp::Shl:
      case BinaryOp::Shr:
        if (adaptable(a, Type::U64)) settle(a, Type::U64);
        if (adaptable(b, Type::U64)) settle(b, Type::U64);
        if (a.type == Type::Invalid || b.type == Type::Invalid) return Type::Invalid;
        if (a.type != Type::U64 || b.type != Type::U64)
          return mismatch(e, std::string("'") + opSpelling(e.binaryOp) +
                                 "' needs 'u64' operands, found " + quoted(a.type) + " and " +
                                 quoted(b.type));
        return Type::U64;
      case BinaryOp::Eq:
      case BinaryOp::Ne:
      case BinaryOp::Lt:
      case BinaryOp::Le:
      case BinaryOp::Gt:
      case BinaryOp::Ge: {
        bool ordered = e.binaryOp != BinaryOp::Eq && e.binaryOp != BinaryOp::Ne;
        if (!unify(a, b))
          return mismatch(e, "cannot compare " + quoted(a.type) + " with " + quoted(b.type));
        if (a.type == Type::Untyped) {  // 1 < 2
          finish(a);
          finish(b);
        }
        if (ordered && a.type == Type::Bool)
          return mismatch(
              e, std::string("cannot order 'bool' values with '") + opSpelling(e.binaryOp) + "'");
        return a.type == Type::Invalid || b.type == Type::Invalid ? Type::Invalid : Type::Bool;
      }
      case BinaryOp::And:
      case BinaryOp::Or: {
        std::string what = std::string("an operand of '") + opSpelling(e.binaryOp) + "'";
        Type l = require(a, Type::Bool, what);
        Type r = require(b, Type::Bool, what);
        return l == Type::Invalid || r == Type::Invalid ? Type::Invalid : Type::Bool;
      }
    }
    return Type::Invalid;
  }

  // duration * count, count * duration -> duration; count * count -> count.
  Type multiply(Expr &e, Expr &a, Expr &b) {
    if (a.type == Type::Untyped && b.type == Type::Untyped) return Type::Untyped;
    // A literal next to a time value is the count; next to a count, the same count.
    if (a.type == Type::Untyped) settle(a, isTime(b.type) ? countFor(b.type) : b.type);
    if (b.type == Type::Untyped) settle(b, isTime(a.type) ? countFor(a.type) : a.type);
    if (isTimeLiteral(a) && isSigned(b.type) && !isTime(b.type)) settle(a, timeFor(b.type));
    if (isTimeLiteral(b) && isSigned(a.type) && !isTime(a.type)) settle(b, timeFor(a.type));
    if (a.type == Type::Invalid || b.type == Type::Invalid) return Type::Invalid;
    finish(a);
    finish(b);
    Type ta = a.type, tb = b.type;
    if (ta == Type::Bool || tb == Type::Bool || (isTime(ta) && isTime(tb)))
      return mismatch(e, "cannot multiply " + quoted(ta) + " by " + quoted(tb));
    if (isTime(ta) && tb == countFor(ta)) return ta;
    if (isTime(tb) && ta == countFor(tb)) return tb;
    if (ta == tb) return ta;
    return mismatch(e, "cannot multiply " + quoted(ta) + " by " + quoted(tb));
  }

  // duration / count -> duration; duration / duration -> count;
  // count / count -> count; count / duration is an error. `%` is the same,
  // except that duration % duration is a duration (a remainder of time).
  Type divide(Expr &e, Expr &a, Expr &b) {
    bool mod = e.binaryOp == BinaryOp::Mod;
    const char *verb = mod ? "cannot take the remainder of " : "cannot divide ";
    if (a.type == Type::Untyped && b.type == Type::Untyped) return Type::Untyped;
    if (a.type == Type::Untyped) settle(a, b.type);
    if (b.type == Type::Untyped) settle(b, isTime(a.type) ? countFor(a.type) : a.type);
    if (isTimeLiteral(a) && isSigned(b.type)) settle(a, isTime(b.type) ? b.type : timeFor(b.type));
    if (isTimeLiteral(b) && isTime(a.type)) settle(b, a.type);
    if (a.type == Type::Invalid || b.type == Type::Invalid) return Type::Invalid;
    finish(a);
    finish(b);
    Type ta = a.type, tb = b.type;
    if (ta == Type::Bool || tb == Type::Bool)
      return mismatch(e, verb + quoted(ta) + " by " + quoted(tb));
    if (isTime(ta) && tb == countFor(ta)) return ta;
    if (isTime(ta) && tb == ta) return mod ? ta : countFor(ta);
    if (!isTime(ta) && ta == tb) return ta;
    if (!isTime(ta) && isTime(tb)) {
      diags_.error(e.range, verb + quoted(ta) + " by " + quoted(tb),
                   "a count divided by a time has no unit; convert one side explicitly");
      return Type::Invalid;
    }
    return mismatch(e, verb + quoted(ta) + " by " + quoted(tb));
  }

  Type arity(Expr &e, size_t n, const char *form) {
    diags_.error(e.range,
                 e.text + "() takes " + std::to_string(n) + " argument" + (n == 1 ? "" : "s") +
                     ", found " + std::to_string(e.operands.size()),
                 std::string("write `") + form + "`");
    return Type::Invalid;
  }

  Type call(Expr &e) {
    const FunctionInfo &f = functionInfo(e.function);
    size_t n = e.operands.size();
    if (f.result == ResultRule::Prefix) {
      if (n != 1 || e.operands[0]->kind != ExprKind::StringLiteral) {
        diags_.error(e.range, "comm() takes one string literal", "write e.g. `comm(\"kworker\")`");
        return Type::Invalid;
      }
      Expr &prefix = *e.operands[0];
      prefix.type = Type::Bool;  // not a value: carries the call's type
      if (prefix.text.size() > 15) {
        diags_.error(prefix.range, "comm() prefix is longer than 15 characters",
                     "a task's comm has at most 15 characters");
        return Type::Invalid;
      }
      if (prefix.text.empty()) {
        diags_.error(prefix.range, "comm(\"\") holds for every task",
                     "name the prefix to match, e.g. `comm(\"kworker\")`, or write `true`");
        return Type::Invalid;
      }
      return Type::Bool;
    }
    for (ExprPtr &arg : e.operands) check(*arg);
    for (ExprPtr &arg : e.operands)
      if (arg->type == Type::Invalid) return Type::Invalid;
    if (n != f.arity) return arity(e, f.arity, f.form);

    switch (f.result) {
      case ResultRule::CommonType:
        return common(e);
      case ResultRule::SignedArg:
        return signedArg(e);
      case ResultRule::Conversion:
        return conversion(e, f.resultType);
      case ResultRule::Fixed:
        return fixed(e, f);
      case ResultRule::Prefix:
        break;
    }
    return Type::Invalid;
  }

  // random(), log2(x), allowed(cpu): arguments of one type, a fixed result.
  Type fixed(Expr &e, const FunctionInfo &f) {
    for (ExprPtr &arg : e.operands) {
      if (arg->type == Type::Untyped) settle(*arg, f.argType);
      if (arg->type != f.argType) {
        diags_.error(arg->range,
                     e.text + "() takes a " + quoted(f.argType) + ", found " + quoted(arg->type),
                     std::string("write `") + f.form + "`" +
                         (isNumeric(arg->type) ? ", converting with u64(...)" : ""));
        return Type::Invalid;
      }
    }
    return f.resultType;
  }

  // abs(x)
  Type signedArg(Expr &e) {
    Expr &x = *e.operands[0];
    if (x.type == Type::Untyped) settle(x, Type::S64);
    if (isTimeLiteral(x)) settle(x, Type::SDuration);
    if (x.type == Type::Invalid) return Type::Invalid;
    if (!isSigned(x.type)) {
      diags_.error(e.range, e.text + "() needs a signed value, found " + quoted(x.type),
                   "an unsigned value is its own absolute value");
      return Type::Invalid;
    }
    return x.type;
  }

  // u64(x), s64(x), duration(x), sduration(x)
  Type conversion(Expr &e, Type target) {
    Expr &x = *e.operands[0];
    // duration(629) says outright that the number is nanoseconds.
    if (x.type == Type::Untyped) settle(x, isTime(target) ? countFor(target) : target);
    if (isTimeLiteral(x)) settle(x, isSigned(target) ? Type::SDuration : Type::Duration);
    if (x.type == Type::Invalid) return Type::Invalid;
    if (x.type == Type::Bool) {
      diags_.error(e.range, "cannot convert 'bool' to " + quoted(target),
                   "use `if` to choose between two numbers");
      return Type::Invalid;
    }
    return target;
  }

  // ------------------------------------------------------------ statements

  void block(Block &body) {
    for (StmtPtr &s : body) stmt(*s);
  }

  void stmt(Stmt &s) {
    switch (s.kind) {
      case StmtKind::Let: {
        Type t;
        if (s.hasDeclaredType) {
          expect(*s.value, s.declaredType, "the value of '" + s.name + "'");
          t = s.declaredType;
        } else {
          check(*s.value);
          t = finish(*s.value);
        }
        localTypes_[s.localSlot] = t;
        return;
      }
      case StmtKind::Assign:
        assign(s);
        return;
      case StmtKind::If:
        expect(*s.value, Type::Bool, "an `if` condition");
        block(s.thenBody);
        block(s.elseBody);
        return;
      case StmtKind::Move:
        if (s.value) expect(*s.value, Type::U64, "the CPU to move a task to");
        return;
      case StmtKind::Kick:
        expect(*s.value, Type::U64, std::string("the CPU to ") + (s.preempt ? "preempt" : "kick"));
        return;
      case StmtKind::For:
        if (s.fromParam) loopBound(*s.fromParam, s.from, false);
        if (s.toParam) loopBound(*s.toParam, s.to, true);
        localTypes_[s.localSlot] = Type::U64;
        loopSlot_[s.localSlot] = true;
        block(s.thenBody);
        return;
    }
  }

  static constexpr uint64_t kMinTimerPeriod = 10000;  // ns

  // A timer's period: a duration literal or param, at least kMinTimerPeriod
  // (a param's whole range), so the timer can never fire back to back.
  void timerPeriod(Expr &period) {
    if (expect(period, Type::Duration, "a timer's period") == Type::Invalid) return;
    const char *fix = "write a duration literal such as `10ms`, or a duration param with a range";
    uint64_t shortest;
    if (period.kind == ExprKind::DurationLiteral || period.kind == ExprKind::IntLiteral) {
      shortest = period.intValue;
    } else if (period.kind == ExprKind::Name && period.ref.kind == RefKind::Param &&
               policy_.params[period.ref.index].hasRange) {
      shortest = policy_.params[period.ref.index].min;
    } else {
      diags_.error(period.range, "a timer's period must be a duration literal or a ranged param",
                   fix);
      return;
    }
    if (shortest < kMinTimerPeriod)
      diags_.error(period.range,
                   "a timer period of " + std::to_string(shortest) + "ns is below the shortest, " +
                       std::to_string(kMinTimerPeriod / 1000) + "us",
                   "a shorter timer would keep a CPU in its interrupt; use 10us or more");
  }

  // A param bounding a loop: the loop's widest bound is its range's end, so
  // the verifier (and the iteration limit) see a constant.
  void loopBound(Expr &bound, uint64_t &widest, bool upper) {
    Type t = check(bound);
    if (t == Type::Invalid) return;
    if (bound.ref.kind != RefKind::Param) {
      diags_.error(bound.range, "a loop bound is an integer or a param, not '" + bound.text + "'",
                   "a param's declared range bounds the loop; other values may change while "
                   "it runs");
      return;
    }
    const Param &p = policy_.params[bound.ref.index];
    if (t != Type::U64) {
      diags_.error(bound.range, "a loop bound is a u64; param '" + p.name + "' is " + typeName(t));
      return;
    }
    if (!p.hasRange) {
      diags_.error(bound.range, "param '" + p.name + "' bounds a loop but has no range",
                   "give it a range, e.g. `in 1..64`: a loop runs at most 1024 times");
      diags_.note(p.range, "'" + p.name + "' is declared here");
      return;
    }
    widest = upper ? p.max : p.min;
  }

  void assign(Stmt &s) {
    Expr &target = *s.target;
    Type t = check(target);
    const std::string &n = target.text;
    switch (target.ref.kind) {
      case RefKind::TaskField:
      case RefKind::CpuField:
      case RefKind::GlobalField:
        break;
      case RefKind::Local:
        if (loopSlot_[target.ref.localSlot]) {
          diags_.error(target.range, "cannot assign to loop variable '" + n + "'");
          return;
        }
        break;
      case RefKind::Counter:
        if (s.assignOp != AssignOp::Add) {
          diags_.error(target.range, "counter '" + n + "' can only be incremented",
                       "write `" + n + " += N;`");
          return;
        }
        break;
      case RefKind::Param:
        diags_.error(target.range, "cannot assign to param '" + n + "': params are read-only",
                     "keep changing values in a task, percpu or global field, or a `let`");
        return;
      case RefKind::Hint:
        diags_.error(target.range, "cannot assign to hint '" + n + "': userspace sets hints",
                     "set it with `schedrun hint`; keep the policy's own values in a task field");
        return;
      default:
        diags_.error(target.range, "cannot assign to '" + n + "': it is read-only");
        return;
    }
    if (t == Type::Invalid) return;
    if (s.assignOp != AssignOp::Set && t == Type::Bool) {
      diags_.error(target.range, std::string("cannot use `") +
                                     (s.assignOp == AssignOp::Add ? "+=" : "-=") + "` on a 'bool'");
      return;
    }
    expect(*s.value, t, "the value assigned to '" + n + "'");
  }

  // ------------------------------------------------------------ rules

  // sum/wavg keys and order keys are unsigned: u64 or duration.
  Type unsignedKey(Expr &e, const std::string &what) {
    check(e);
    Type t = finish(e);
    if (t == Type::Invalid) return t;
    if (t != Type::U64 && t != Type::Duration) {
      diags_.error(e.range, what + " must be 'u64' or 'duration', found " + quoted(t),
                   isNumeric(t) ? "convert it with `u64(...)` or `duration(...)`" : "");
      return Type::Invalid;
    }
    return t;
  }

  void checkAggregates(Queue &q) {
    for (Aggregate &a : q.aggregates) {
      switch (a.kind) {
        case AggregateKind::Count:
          a.type = Type::U64;
          break;
        case AggregateKind::Sum:
          a.type = unsignedKey(*a.value, "the value of sum()");
          break;
        case AggregateKind::WeightedAvg:
          a.type = unsignedKey(*a.value, "the key of wavg()");
          expect(*a.weight, Type::U64, "the weight of wavg()");
          break;
        case AggregateKind::First:
          // The first task's order key, so the key's type.
          if (!q.orderKey) {
            diags_.error(a.range,
                         "first() needs a queue ordered by a key; '" + q.name + "' is fifo",
                         "write `queue " + q.name + ": ... by KEY` or count its members");
            a.type = Type::Invalid;
          } else {
            a.type = q.orderKey->type;
          }
          break;
      }
    }
  }

  void checkEnqueueRule(EnqueueRule &r) {
    if (r.condition) expect(*r.condition, Type::Bool, "an enqueue condition");
    if (r.instance) expect(*r.instance, Type::U64, "a queue index");
    if (r.localOn) expect(*r.localOn, Type::U64, "the CPU of `local_on`");
    if (r.slice) {
      Type t = expect(*r.slice, Type::Duration, "the slice");
      bool literal =
          r.slice->kind == ExprKind::IntLiteral || r.slice->kind == ExprKind::DurationLiteral;
      if (t != Type::Invalid && literal && r.slice->intValue == 0)
        diags_.error(r.slice->range,
                     "slice must be positive; write `infinite` for run-to-completion");
      else if (t != Type::Invalid)
        warnShortSlice(*r.slice, literal);
    }
  }

  // sched_ext ends a slice only when a scheduler tick (or another scheduling
  // event) finds it used up: a slice under one tick runs a whole tick. 1 ms is
  // the shortest tick of common kernels (HZ=1000); Debian's is 4 ms (HZ=250).
  void warnShortSlice(const Expr &slice, bool literal) {
    constexpr uint64_t kShortestTickNs = 1000000;
    uint64_t ns = 0;
    std::string what;
    if (slice.kind == ExprKind::IntLiteral) return;  // 0, or no unit: an error already
    if (literal) {
      ns = slice.intValue;
      what = "a slice of " + nanosecondsText(ns);
    } else if (slice.kind == ExprKind::Name && slice.ref.kind == RefKind::Param) {
      const Param &param = policy_.params[slice.ref.index];
      ns = param.defaultValue;
      what = "the slice's default, " + param.name + " = " + nanosecondsText(ns) + ",";
    } else {
      return;
    }
    if (ns == 0 || ns >= kShortestTickNs) return;
    diags_.warning(slice.range,
                   what +
                       " is shorter than a scheduler tick: sched_ext ends a slice at the "
                       "next tick, 1 ms at HZ=1000 and 4 ms on Debian's kernels (HZ=250)",
                   "use 1ms or more, or an `infinite` slice ended by an `every` timer's "
                   "`preempt(cpu)` (examples/shinjuku.sched)");
  }

  static std::string nanosecondsText(uint64_t ns) {
    if (ns % 1000 == 0) return std::to_string(ns / 1000) + "us";
    return std::to_string(ns) + "ns";
  }

  Policy &policy_;
  Diagnostics &diags_;
  std::vector<Type> localTypes_;  // of the handler being checked, by slot
  std::vector<bool> loopSlot_;    // slots of `for` variables (read-only)
};

}  // namespace

bool checkTypes(Policy &policy, Diagnostics &diags) {
  unsigned before = diags.errorCount();
  TypeChecker(policy, diags).run();
  if (diags.errorCount() != before) return false;
  // Codegen relies on every node having a final type; a leftover Untyped here
  // is a bug in this pass, not in the policy.
  bool ok = true;
  walkPolicy(policy, [&](const Expr &e) {
    if (ok && (e.type == Type::Untyped || e.type == Type::Invalid)) {
      diags.internalError(e.range, "expression left without a type");
      ok = false;
    }
  });
  return ok;
}

}  // namespace schedc
