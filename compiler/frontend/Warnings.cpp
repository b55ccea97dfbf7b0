// Pass 5: warnings, for what compiles but is likely not what was meant.
// - Declarations nothing refers to (docs/language.md, "State"): a field,
//   global, counter or param that no expression, rule or statement names is
//   dead weight at best and a misspelt use at worst.
// - comm() in `on enable`: a forked child enters sched_ext before it execs,
//   so it still has its parent's name there.
#include <vector>

#include "ast/Walk.h"
#include "frontend/Passes.h"

namespace schedc {

namespace {

struct Uses {
  std::vector<bool> params, taskFields, cpuFields, globalFields, counters;

  explicit Uses(const Policy &p)
      : params(p.params.size()),
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

}  // namespace

void warnLikelyMistakes(const Policy &policy, Diagnostics &diags) {
  warnUnusedDeclarations(policy, diags);
  warnEarlyComm(policy, diags);
}

}  // namespace schedc
