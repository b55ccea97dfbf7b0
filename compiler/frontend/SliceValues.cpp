// Slices that can be zero or wrap. A slice expression built from params,
// literals and fields not yet assigned when a task is first queued is
// evaluated exactly (128-bit) at every combination of the values those can
// take: each param's range ends and default (or 0 and the type's extremes
// without a range), each such field's initial value. A combination that makes
// the slice 0, or any step leave the range of its type, is reported with the
// values that break it. A slice that reads anything else (attributes, `now`,
// aggregates, fields a handler sets) is not judged: it could be proved
// neither safe nor unsafe here.
#include "frontend/SliceValues.h"

#include <optional>

#include "ast/Builtins.h"
#include "ast/Walk.h"

namespace schedc {

namespace {

using Wide = __int128;

constexpr Wide kU64Max = Wide(UINT64_MAX);
constexpr Wide kS64Min = Wide(INT64_MIN);
constexpr Wide kS64Max = Wide(INT64_MAX);

std::string valueText(Wide v, Type type) {
  bool negative = v < 0;
  uint64_t magnitude = uint64_t(negative ? -v : v);
  std::string out = negative ? "-" : "";
  if (!isTime(type)) return out + std::to_string(magnitude);
  if (magnitude != 0 && magnitude % 1000000 == 0) return out + std::to_string(magnitude / 1000000) + "ms";
  if (magnitude != 0 && magnitude % 1000 == 0) return out + std::to_string(magnitude / 1000) + "us";
  return out + std::to_string(magnitude) + "ns";
}

Wide asWide(uint64_t bits, Type type) {
  return isSigned(type) ? Wide(int64_t(bits)) : Wide(bits);
}

// A name whose possible values are known: its candidates and how to say
// which one breaks the slice.
struct Leaf {
  Ref ref;
  std::string name;
  Type type = Type::U64;
  std::vector<Wide> values;
  bool isParam = false;
};

bool sameLeaf(const Ref &a, const Ref &b) { return a.kind == b.kind && a.index == b.index; }

// Whether any statement of `body` assigns the field `ref`.
bool assigns(const Block &body, const Ref &ref) {
  for (const StmtPtr &s : body) {
    if (s->kind == StmtKind::Assign && sameLeaf(s->target->ref, ref)) return true;
    if (assigns(s->thenBody, ref) || assigns(s->elseBody, ref)) return true;
  }
  return false;
}

class SliceEvaluator {
 public:
  explicit SliceEvaluator(const Policy &policy) : policy_(policy) {}

  // The leaves of `slice`, or false if it reads something not judged here.
  bool collect(const Expr &slice) {
    bool judged = true;
    walkExpr(&slice, [&](const Expr &e) {
      if (!judged) return;
      switch (e.kind) {
        case ExprKind::IntLiteral:
        case ExprKind::DurationLiteral:
        case ExprKind::Unary:
        case ExprKind::Binary:
          return;
        case ExprKind::Call:
          if (e.function == Function::Comm) judged = false;
          return;
        case ExprKind::Name:
          judged = addLeaf(e);
          return;
        default:
          judged = false;
          return;
      }
    });
    return judged;
  }

  // The first combination of leaf values that breaks the slice.
  std::optional<SliceProblem> search(const Expr &slice) {
    size_t combinations = 1;
    for (const Leaf &leaf : leaves_) {
      combinations *= leaf.values.size();
      if (combinations > 4096) return std::nullopt;
    }
    choice_.assign(leaves_.size(), 0);
    for (size_t n = 0; n < combinations; ++n) {
      size_t rest = n;
      for (size_t i = 0; i < leaves_.size(); ++i) {
        choice_[i] = rest % leaves_[i].values.size();
        rest /= leaves_[i].values.size();
      }
      wrapped_ = nullptr;
      divisionByZero_ = false;
      Wide value = eval(slice);
      if (divisionByZero_) continue;  // the divisor checks cover these
      if (wrapped_) return problem(*wrapped_, true);
      if (value == 0) return problem(slice, false);
    }
    return std::nullopt;
  }

 private:
  bool addLeaf(const Expr &e) {
    for (const Leaf &leaf : leaves_)
      if (sameLeaf(leaf.ref, e.ref)) return true;
    Leaf leaf;
    leaf.ref = e.ref;
    leaf.name = e.text;
    leaf.type = e.type;
    switch (e.ref.kind) {
      case RefKind::Param: {
        const Param &p = policy_.params[e.ref.index];
        leaf.isParam = true;
        leaf.type = p.type;
        leaf.values.push_back(asWide(p.defaultValue, p.type));
        if (p.hasRange) {
          leaf.values.push_back(asWide(p.min, p.type));
          leaf.values.push_back(asWide(p.max, p.type));
        } else {
          leaf.values.push_back(0);
          leaf.values.push_back(isSigned(p.type) ? kS64Min : kU64Max);
          if (isSigned(p.type)) leaf.values.push_back(kS64Max);
        }
        break;
      }
      case RefKind::TaskField:
      case RefKind::CpuField:
      case RefKind::GlobalField: {
        // A task field keeps its initial value until a handler assigns it;
        // the first enqueue of a new task follows only `on enable`,
        // `on runnable` and `on enqueue`. Other fields: until any handler.
        for (const Handler &h : policy_.handlers) {
          bool early = h.event == Event::Enable || h.event == Event::Runnable ||
                       h.event == Event::Enqueue;
          if ((e.ref.kind != RefKind::TaskField || early) && assigns(h.body, e.ref)) return false;
        }
        const std::vector<StateField> &fields = e.ref.kind == RefKind::TaskField  ? policy_.taskFields
                                                : e.ref.kind == RefKind::CpuField ? policy_.cpuFields
                                                                                  : policy_.globalFields;
        leaf.values.push_back(asWide(fields[e.ref.index].initialValue, leaf.type));
        break;
      }
      default:
        return false;
    }
    leaves_.push_back(std::move(leaf));
    return true;
  }

  Wide leafValue(const Ref &ref) const {
    for (size_t i = 0; i < leaves_.size(); ++i)
      if (sameLeaf(leaves_[i].ref, ref)) return leaves_[i].values[choice_[i]];
    return 0;
  }

  // The value `e` has as its type holds it; notes the first step that does
  // not fit.
  Wide fit(const Expr &e, Wide v) {
    bool fits = isSigned(e.type) ? (v >= kS64Min && v <= kS64Max) : (v >= 0 && v <= kU64Max);
    if (fits) return v;
    if (!wrapped_) {
      wrapped_ = &e;
      wrappedBelow_ = v < 0;
    }
    // Continue with the value the 64-bit arithmetic would have.
    uint64_t bits = uint64_t(v);
    return asWide(bits, e.type);
  }

  Wide eval(const Expr &e) {
    switch (e.kind) {
      case ExprKind::IntLiteral:
      case ExprKind::DurationLiteral:
        return asWide(e.intValue, e.type);
      case ExprKind::Name:
        return leafValue(e.ref);
      case ExprKind::Unary: {
        Wide x = eval(*e.operands[0]);
        if (e.unaryOp == UnaryOp::Negate) return fit(e, -x);
        if (e.unaryOp == UnaryOp::BitNot) {
          uint64_t flipped = ~uint64_t(x);
          return Wide(flipped);
        }
        return x == 0;
      }
      case ExprKind::Binary:
        return binary(e);
      case ExprKind::Call:
        return call(e);
      default:
        return 0;
    }
  }

  Wide binary(const Expr &e) {
    Wide a = eval(*e.operands[0]);
    Wide b = eval(*e.operands[1]);
    switch (e.binaryOp) {
      case BinaryOp::Add:
        return fit(e, a + b);
      case BinaryOp::Sub:
        return fit(e, a - b);
      case BinaryOp::Mul: {
        // Both are within 64 bits, so the product fits in 128.
        return fit(e, a * b);
      }
      case BinaryOp::Div:
      case BinaryOp::Mod:
        if (b == 0) {
          divisionByZero_ = true;
          return 0;
        }
        return e.binaryOp == BinaryOp::Div ? a / b : a % b;
      case BinaryOp::BitAnd:
        return Wide(uint64_t(a) & uint64_t(b));
      case BinaryOp::BitOr:
        return Wide(uint64_t(a) | uint64_t(b));
      case BinaryOp::BitXor:
        return Wide(uint64_t(a) ^ uint64_t(b));
      case BinaryOp::Shl:
        return b >= 64 ? 0 : fit(e, a << int(b));
      case BinaryOp::Shr:
        return b >= 64 ? 0 : a >> int(b);
      case BinaryOp::Eq:
        return a == b;
      case BinaryOp::Ne:
        return a != b;
      case BinaryOp::Lt:
        return a < b;
      case BinaryOp::Le:
        return a <= b;
      case BinaryOp::Gt:
        return a > b;
      case BinaryOp::Ge:
        return a >= b;
      case BinaryOp::And:
        return a != 0 && b != 0;
      case BinaryOp::Or:
        return a != 0 || b != 0;
    }
    return 0;
  }

  Wide call(const Expr &e) {
    std::vector<Wide> args;
    for (const ExprPtr &arg : e.operands) args.push_back(eval(*arg));
    switch (e.function) {
      case Function::Min:
        return std::min(args[0], args[1]);
      case Function::Max:
        return std::max(args[0], args[1]);
      case Function::Clamp:
        return std::min(std::max(args[0], args[1]), args[2]);
      case Function::Abs:
        return fit(e, args[0] < 0 ? -args[0] : args[0]);
      case Function::ToU64:
      case Function::ToS64:
      case Function::ToDuration:
      case Function::ToSDuration:
        return fit(e, args[0]);
      default:
        return 0;
    }
  }

  SliceProblem problem(const Expr &where, bool wraps) const {
    SliceProblem p;
    p.range = where.range;
    p.wraps = wraps;
    p.below = wraps && wrappedBelow_;
    std::string values;
    for (size_t i = 0; i < leaves_.size(); ++i) {
      const Leaf &leaf = leaves_[i];
      std::string text = leaf.name + " = " + valueText(leaf.values[choice_[i]], leaf.type);
      if (!leaf.isParam) {
        text += " (its initial value)";
        p.initialField = true;
      }
      values += (values.empty() ? "" : ", ") + text;
    }
    p.values = values;
    return p;
  }

  const Policy &policy_;
  std::vector<Leaf> leaves_;
  std::vector<size_t> choice_;
  const Expr *wrapped_ = nullptr;
  bool wrappedBelow_ = false;
  bool divisionByZero_ = false;
};

}  // namespace

std::optional<SliceProblem> findSliceProblem(const Policy &policy, const Expr &slice) {
  SliceEvaluator evaluator(policy);
  if (!evaluator.collect(slice)) return std::nullopt;
  return evaluator.search(slice);
}

}  // namespace schedc
