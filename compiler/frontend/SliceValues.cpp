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
#include "frontend/Evaluate.h"

namespace schedc {

namespace {

std::string valueText(Wide v, Type type) {
  bool negative = v < 0;
  uint64_t magnitude = uint64_t(negative ? -v : v);
  std::string out = negative ? "-" : "";
  if (!isTime(type)) return out + std::to_string(magnitude);
  if (magnitude != 0 && magnitude % 1000000 == 0)
    return out + std::to_string(magnitude / 1000000) + "ms";
  if (magnitude != 0 && magnitude % 1000 == 0) return out + std::to_string(magnitude / 1000) + "us";
  return out + std::to_string(magnitude) + "ns";
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

bool sameLeaf(const Ref &a, const Ref &b) {
  return a.kind == b.kind && a.index == b.index;
}

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
          if (!functionInfo(e.function).evaluable) judged = false;
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
      Evaluation result = evaluate(slice, [&](const Expr &name) { return leafValue(name.ref); });
      if (result.divisionByZero) continue;  // the divisor checks cover these
      if (result.wrapped) return problem(*result.wrapped, result.wrappedBelow);
      if (result.value == 0) return problem(slice, std::nullopt);
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
        // `--set s=infinite` gives it the all-ones value (SCX_SLICE_INF).
        if (p.allowInfinite) leaf.values.push_back(kU64Max);
        break;
      }
      case RefKind::TaskField:
      case RefKind::CpuField:
      case RefKind::GlobalField: {
        // A task field keeps its initial value until a handler assigns it;
        // the first enqueue of a new task follows only `on enable`,
        // `on runnable` and `on enqueue`. Other fields: until any handler.
        for (const Handler &h : policy_.handlers) {
          bool early =
              h.event == Event::Enable || h.event == Event::Runnable || h.event == Event::Enqueue;
          if ((e.ref.kind != RefKind::TaskField || early) && assigns(h.body, e.ref)) return false;
        }
        const std::vector<StateField> &fields =
            e.ref.kind == RefKind::TaskField  ? policy_.taskFields
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

  // `below`: how the step at `where` wrapped; none: the slice is 0.
  SliceProblem problem(const Expr &where, std::optional<bool> below) const {
    SliceProblem p;
    p.range = where.range;
    p.wraps = below.has_value();
    p.below = below.value_or(false);
    std::string values;
    for (size_t i = 0; i < leaves_.size(); ++i) {
      const Leaf &leaf = leaves_[i];
      Wide value = leaf.values[choice_[i]];
      bool infinite =
          leaf.isParam && value == kU64Max && policy_.params[leaf.ref.index].allowInfinite;
      std::string text = leaf.name + " = " + (infinite ? "infinite" : valueText(value, leaf.type));
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
};

}  // namespace

std::optional<SliceProblem> findSliceProblem(const Policy &policy, const Expr &slice) {
  SliceEvaluator evaluator(policy);
  if (!evaluator.collect(slice)) return std::nullopt;
  return evaluator.search(slice);
}

}  // namespace schedc
