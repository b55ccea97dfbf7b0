// Pass 1: what is declared, once, within the language's limits.
#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <vector>

#include "ast/Builtins.h"
#include "frontend/Frontend.h"
#include "frontend/Passes.h"
#include "schedc_abi.h"

namespace schedc {

namespace {

class DeclarationChecker {
 public:
  DeclarationChecker(Policy &policy, Diagnostics &diags) : policy_(policy), diags_(diags) {}

  void run() {
    checkOnceOnly();
    checkPolicyName();
    declareAll();
    checkLimits();
    for (const Param &p : policy_.params) checkParam(p);
    for (const Hint &h : policy_.hints) checkRange(h, "hint");
    for (const Queue &q : policy_.queues) checkQueue(q);
    checkEnqueueRules();
    checkDispatch();
    checkPreempts();
    checkHandlers();
  }

 private:
  // The builder keeps the first of each declaration allowed once.
  void checkOnceOnly() {
    for (size_t i = 1; i < policy_.policyDecls.size(); ++i)
      diags_.error(policy_.policyDecls[i], "a policy file has exactly one `policy` declaration");
    for (const Queue &q : policy_.queues)
      for (size_t i = 1; i < q.eligibleRules.size(); ++i)
        diags_.error(q.eligibleRules[i],
                     "queue '" + q.name + "' already has an `eligible when` rule");
    for (size_t i = 1; i < policy_.selectCpuDecls.size(); ++i)
      diags_.error(policy_.selectCpuDecls[i], "duplicate select_cpu declaration");
    for (size_t i = 1; i < policy_.balances.size(); ++i)
      diags_.error(policy_.balances[i].range, "duplicate `balance` rule",
                   "a policy balances one queue; combine the conditions with `||`");
    for (size_t i = 1; i < policy_.dispatchDecls.size(); ++i)
      diags_.error(policy_.dispatchDecls[i], "duplicate dispatch declaration",
                   "list every source in one `dispatch A, B, ...;`");
  }

  void checkPolicyName() {
    const std::string &name = policy_.name;
    bool charsOk = !name.empty();
    for (char c : name)
      if (!(isalnum((unsigned char)c) || c == '_' || c == '.')) charsOk = false;
    if (!charsOk || name.size() > SCHEDC_MAX_POLICY_NAME)
      diags_.error(policy_.nameRange, "invalid policy name '" + name + "'",
                   "a policy name is 1-" + std::to_string(SCHEDC_MAX_POLICY_NAME) +
                       " characters of letters, digits, '_' and '.'");
  }

  // Params, fields, counters and queues share one namespace.
  void declare(const std::string &name, SourceRange range, const char *what) {
    for (const std::string &reserved : reservedNames()) {
      if (name == reserved) {
        diags_.error(range, "'" + name + "' is a built-in name and cannot be declared",
                     "choose another name");
        return;
      }
    }
    auto [it, inserted] = declared_.insert({name, range});
    if (!inserted) {
      diags_.error(range, std::string("redefinition of '") + name + "' (" + what + ")");
      diags_.note(it->second, "'" + name + "' was first declared here");
    }
  }

  // In source order, whatever their kinds, so that the redefinition is the
  // later declaration and the note points at the earlier one.
  void declareAll() {
    struct Declared {
      const std::string *name;
      SourceRange range;
      const char *what;
    };
    std::vector<Declared> all;
    for (const Param &p : policy_.params) all.push_back({&p.name, p.range, "param"});
    for (const Hint &h : policy_.hints) all.push_back({&h.name, h.range, "hint"});
    for (const StateField &f : policy_.taskFields) all.push_back({&f.name, f.range, "task field"});
    for (const StateField &f : policy_.cpuFields) all.push_back({&f.name, f.range, "percpu field"});
    for (const StateField &f : policy_.globalFields) all.push_back({&f.name, f.range, "global"});
    for (const Counter &c : policy_.counters) all.push_back({&c.name, c.range, "counter"});
    for (const Queue &q : policy_.queues) all.push_back({&q.name, q.range, "queue"});
    // No two declarations start at the same place: the order is total.
    std::sort(all.begin(), all.end(), [](const Declared &a, const Declared &b) {
      return a.range.line != b.range.line ? a.range.line < b.range.line
                                          : a.range.column < b.range.column;
    });
    for (const Declared &d : all) declare(*d.name, d.range, d.what);
  }

  template <typename T>
  void limit(const std::vector<T> &items, size_t max, const char *what) {
    if (items.size() > max)
      diags_.error(items[max].range,
                   std::string("too many ") + what + " (at most " + std::to_string(max) + ")");
  }

  void checkLimits() {
    limit(policy_.taskFields, SCHEDC_MAX_TASK_FIELDS, "task fields");
    limit(policy_.cpuFields, SCHEDC_MAX_CPU_FIELDS, "percpu fields");
    limit(policy_.globalFields, SCHEDC_MAX_GLOBAL_FIELDS, "globals");
    limit(policy_.params, SCHEDC_MAX_PARAMS, "params");
    limit(policy_.hints, SCHEDC_MAX_HINTS, "hints");
    limit(policy_.counters, SCHEDC_MAX_COUNTERS, "counters");
    limit(policy_.queues, SCHEDC_MAX_QUEUES, "queues");
  }

  // Values are stored as 64-bit patterns; order them by the param's type.
  static bool lessEq(Type t, uint64_t a, uint64_t b) {
    return isSigned(t) ? int64_t(a) <= int64_t(b) : a <= b;
  }

  void checkParam(const Param &p) {
    if (p.type == Type::Invalid) return;
    if (p.allowInfinite && p.type != Type::Duration)
      diags_.error(p.range, "`or infinite` is only allowed on a 'duration' param, not '" +
                                std::string(typeName(p.type)) + "'");
    checkRange(p, "param");
  }

  // A param's or a hint's range and default.
  template <typename Decl>
  void checkRange(const Decl &p, const std::string &what) {
    if (!p.hasRange || p.type == Type::Invalid) return;
    if (p.type == Type::Bool) {
      diags_.error(p.range, "a 'bool' " + what + " cannot have a range");
      return;
    }
    if (!lessEq(p.type, p.min, p.max)) {
      diags_.error(p.range, "the range of " + what + " '" + p.name + "' is empty (min > max)");
      return;
    }
    if (!lessEq(p.type, p.min, p.defaultValue) || !lessEq(p.type, p.defaultValue, p.max))
      diags_.error(p.range, "the default of " + what + " '" + p.name + "' is outside its range");
  }

  void checkQueue(const Queue &q) {
    if (q.kind == QueueKind::Shards && (q.shards < 1 || q.shards > SCHEDC_MAX_SHARDS))
      diags_.error(q.range, "queue '" + q.name + "' has " + std::to_string(q.shards) +
                                " shards; the number must be 1.." +
                                std::to_string(SCHEDC_MAX_SHARDS));
    if (q.scanLimit < 1 || q.scanLimit > SCHEDC_MAX_SCAN)
      diags_.error(q.range, "queue '" + q.name + "' scans " + std::to_string(q.scanLimit) +
                                " tasks; the scan limit must be 1.." +
                                std::to_string(SCHEDC_MAX_SCAN));
    limit(q.aggregates, SCHEDC_MAX_AGGREGATES, "aggregates in one queue");
    std::map<std::string, SourceRange> seen;
    for (const Aggregate &a : q.aggregates) {
      if (findBuiltinAggregate(a.name)) {
        diags_.error(a.range, "'" + a.name + "' is built in: every queue has it",
                     "use `" + q.name + "." + a.name + "` without declaring it");
        continue;
      }
      if (declared_.count(a.name)) {
        diags_.error(a.range, "aggregate '" + a.name + "' has the same name as a declaration",
                     "inside `eligible when` both would mean something; rename one");
        continue;
      }
      if (!seen.insert({a.name, a.range}).second)
        diags_.error(a.range,
                     "redefinition of aggregate '" + a.name + "' in queue '" + q.name + "'");
    }
  }

  void checkEnqueueRules() {
    const std::vector<EnqueueRule> &rules = policy_.enqueueRules;
    if (rules.empty()) {
      diags_.error(policy_.nameRange, "the policy has no enqueue rule",
                   "add one that places every task, e.g. `enqueue into QUEUE;`");
      return;
    }
    if (rules.back().condition)
      diags_.error(rules.back().range, "the last enqueue rule must have no `when` condition",
                   "every task must be placed: end with `enqueue into QUEUE;`");
    else if (rules.back().localOn)
      diags_.error(rules.back().queueRange,
                   "the last enqueue rule cannot be `local_on`: it does not apply when the task "
                   "may not run on that CPU",
                   "add a rule after it that places every task, e.g. `enqueue into QUEUE;`");
    for (size_t i = 0; i + 1 < rules.size(); ++i) {
      if (!rules[i].condition && !rules[i].localOn) {
        diags_.warning(rules[i + 1].range, "this enqueue rule is never used",
                       "an earlier rule without `when` already places every task");
        break;
      }
    }
  }

  void checkDispatch() {
    if (policy_.dispatch.empty()) {
      diags_.error(policy_.nameRange, "the policy has no `dispatch` declaration",
                   "CPUs take work only from dispatch sources: add `dispatch QUEUE;`");
      return;
    }
    for (size_t i = 0; i < policy_.dispatch.size(); ++i)
      for (size_t j = 0; j < i; ++j)
        if (policy_.dispatch[i].queueName == policy_.dispatch[j].queueName &&
            policy_.dispatch[i].steal == policy_.dispatch[j].steal)
          diags_.error(policy_.dispatch[i].range, "duplicate dispatch source");
  }

  void checkPreempts() {
    bool seen[2] = {false, false};
    for (const PreemptRule &r : policy_.preempts) {
      int k = r.kind == PreemptKind::Wakeup ? 0 : 1;
      if (seen[k])
        diags_.error(r.range,
                     std::string("duplicate `preempt ") + (k == 0 ? "wakeup" : "tick") + "` rule",
                     "combine the conditions with `||`");
      seen[k] = true;
    }
  }

  void checkHandlers() {
    std::set<Event> seen;
    for (const Handler &h : policy_.handlers) {
      if (seen.insert(h.event).second) continue;
      if (h.event == Event::Timer)
        diags_.error(h.range, "a second `every` timer: a policy has one",
                     "run the statements of both at the shorter period, counting periods in a "
                     "global to do some less often");
      else if (h.event == Event::CpuTimer)
        diags_.error(h.range, "a second per-CPU timer: a policy has one `per cpu` or `on cpu`",
                     "run the statements of both at the shorter period, testing `this_cpu` for "
                     "what only some CPUs do");
      else
        diags_.error(h.range, std::string("duplicate handler `on ") + eventInfo(h.event).name + "`",
                     "put all the statements for one event in one handler");
    }
  }

  Policy &policy_;
  Diagnostics &diags_;
  std::map<std::string, SourceRange> declared_;
};

}  // namespace

bool checkDeclarations(Policy &policy, Diagnostics &diags) {
  unsigned before = diags.errorCount();
  DeclarationChecker(policy, diags).run();
  return diags.errorCount() == before;
}

}  // namespace schedc
