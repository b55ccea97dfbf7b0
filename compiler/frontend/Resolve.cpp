// Pass 2: what every name means, and whether it may be used where it is.
// See the table "Names available in expressions" in docs/language.md.
#include <map>

#include "ast/Builtins.h"
#include "frontend/NameHints.h"
#include "frontend/Passes.h"
#include "schedc_abi.h"

namespace schedc {

namespace {

// Where an expression is evaluated decides which names exist there.
struct Context {
  const char *where = "";  // for messages: "in `on tick`"
  bool wakeup = false;     // `wakeup`
  bool runtime = false;    // `runtime`
  bool current = false;    // `current.F`
  bool balance = false;    // `busiest`
  bool task = true;        // a task in context: its fields, attributes, hints
  bool timer = false;      // an `every` block: kick(), preempt() and move allowed
  int eligibleQueue = -1;  // bare aggregate names: this queue's scanned instance

  bool has(ValueScope scope) const {
    switch (scope) {
      case ValueScope::Everywhere:
        return true;
      case ValueScope::Stopping:
        return runtime;
      case ValueScope::Wakeup:
        return wakeup;
      case ValueScope::Balance:
        return balance;
    }
    return false;
  }
};

template <typename T>
int indexOf(const std::vector<T> &items, const std::string &name) {
  for (size_t i = 0; i < items.size(); ++i)
    if (items[i].name == name) return int(i);
  return -1;
}

class Resolver {
 public:
  Resolver(Policy &policy, Diagnostics &diags) : policy_(policy), diags_(diags) {}

  void run() {
    for (size_t q = 0; q < policy_.queues.size(); ++q) resolveQueue(int(q));
    for (EnqueueRule &r : policy_.enqueueRules) resolveEnqueueRule(r);
    for (DispatchSource &d : policy_.dispatch) resolveDispatchSource(d);
    if (policy_.dispatchWhen) {
      Context ctx;
      ctx.where = "in a dispatch condition";
      ctx.task = false;
      expr(*policy_.dispatchWhen, ctx);
    }
    for (PreemptRule &r : policy_.preempts) {
      Context ctx;
      ctx.where = r.kind == PreemptKind::Wakeup ? "in `preempt wakeup`" : "in `preempt tick`";
      ctx.wakeup = ctx.current = r.kind == PreemptKind::Wakeup;
      expr(*r.condition, ctx);
    }
    for (BalanceRule &r : policy_.balances) resolveBalanceRule(r);
    for (Handler &h : policy_.handlers) resolveHandler(h);
  }

 private:
  // ------------------------------------------------------------ rules

  void resolveQueue(int q) {
    Queue &queue = policy_.queues[q];
    Context ctx;
    ctx.where = "in a queue declaration";
    if (queue.orderKey) expr(*queue.orderKey, ctx);
    for (Aggregate &a : queue.aggregates) {
      if (a.value) expr(*a.value, ctx);
      if (a.weight) expr(*a.weight, ctx);
    }
    if (queue.eligible) {
      ctx.where = "in `eligible when`";
      ctx.eligibleQueue = q;
      expr(*queue.eligible, ctx);
    }
  }

  int queueIndex(const std::string &name, SourceRange range) {
    int q = indexOf(policy_.queues, name);
    if (q < 0) {
      std::vector<std::string> names;
      for (const Queue &queue : policy_.queues) names.push_back(queue.name);
      diags_.error(range, "unknown queue '" + name + "'", didYouMean(name, names));
    }
    return q;
  }

  void resolveEnqueueRule(EnqueueRule &r) {
    Context ctx;
    ctx.where = "in an enqueue rule";
    ctx.wakeup = true;
    if (r.condition) expr(*r.condition, ctx);
    if (!r.toLocal) {
      r.queueIndex = queueIndex(r.queueName, r.queueRange);
      if (r.queueIndex >= 0 && r.instance && policy_.queues[r.queueIndex].kind == QueueKind::Global)
        diags_.error(r.instance->range,
                     "queue '" + r.queueName + "' is global and has no instances to index",
                     "write `into " + r.queueName + "`");
    }
    if (r.instance) expr(*r.instance, ctx);
    if (r.localOn) expr(*r.localOn, ctx);
    if (r.slice) expr(*r.slice, ctx);
  }

  void resolveDispatchSource(DispatchSource &d) {
    d.queueIndex = queueIndex(d.queueName, d.range);
    if (d.queueIndex < 0) return;
    QueueKind kind = policy_.queues[d.queueIndex].kind;
    if (d.steal && kind == QueueKind::Global)
      diags_.error(d.range,
                   "cannot steal from global queue '" + d.queueName + "': it has one instance",
                   "dispatch it directly: `dispatch " + d.queueName + "`");
    if (d.withinRange.line == 0) return;
    if (!d.steal)
      diags_.error(d.withinRange, "only a steal goes to other instances",
                   "a CPU dispatches from its own instance; write `steal " + d.queueName +
                       " within ...` to bound a steal");
    else if (kind == QueueKind::Shards)
      diags_.error(d.withinRange, "shards are not tied to CPUs, so no shard is nearer than another",
                   "bound steals of a `percpu`, `per_llc` or `per_node` queue");
    else if ((kind == QueueKind::PerLlc && d.within == Distance::SameLlc) ||
             (kind == QueueKind::PerNode && d.within != Distance::Remote))
      diags_.error(d.withinRange,
                   std::string("every other instance of a ") + queueKindWord(kind) +
                       " queue is in another " + queueInstanceNoun(kind) +
                       ": this steal takes nothing",
                   kind == QueueKind::PerLlc ? "write `within node` or drop the limit"
                                             : "drop the limit, or do not steal");
  }

  // The queue must have instances to balance between, and `by` must name an
  // aggregate that measures how much work an instance holds.
  void resolveBalanceRule(BalanceRule &r) {
    r.queueIndex = queueIndex(r.queueName, r.queueRange);
    if (r.queueIndex >= 0) {
      const Queue &queue = policy_.queues[r.queueIndex];
      if (queue.kind == QueueKind::Global)
        diags_.error(r.queueRange,
                     "cannot balance global queue '" + r.queueName + "': it has one instance",
                     "balance a `percpu` or `shards(N)` queue");
      Ref by;
      if (!lookupAggregate(r.queueIndex, r.byName, by)) {
        diags_.error(r.byRange, "queue '" + r.queueName + "' has no aggregate '" + r.byName + "'",
                     didYouMean(r.byName, aggregateNames(queue)));
      } else if (by.aggIndex >= 0 && queue.aggregates[by.aggIndex].kind != AggregateKind::Count &&
                 queue.aggregates[by.aggIndex].kind != AggregateKind::Sum) {
        diags_.error(r.byRange,
                     "'" + r.byName +
                         "' is not a measure of load: balance by a `count()` or "
                         "`sum(...)` aggregate, `count` or `queued`",
                     "e.g. declare `load = sum(weight);` in queue '" + r.queueName + "'");
      } else {
        r.by = by;
      }
    }
    Context ctx;
    ctx.where = "in a `balance` interval";
    expr(*r.interval, ctx);
    ctx.where = "in a `balance` condition";
    ctx.balance = true;
    expr(*r.condition, ctx);
  }

  void resolveHandler(Handler &h) {
    const EventInfo &event = eventInfo(h.event);
    Context ctx;
    ctx.where = event.where;
    ctx.wakeup = event.wakeup;
    ctx.runtime = event.runtime;
    ctx.task = event.task;
    ctx.timer = h.event == Event::Timer || h.event == Event::CpuTimer;
    if (h.period) {
      Context periodCtx;
      periodCtx.where = "in a timer's period";
      periodCtx.task = false;
      expr(*h.period, periodCtx);
    }
    if (h.onCpu) {
      Context cpuCtx;
      cpuCtx.where = "in a timer's CPU";
      cpuCtx.task = false;
      expr(*h.onCpu, cpuCtx);
    }
    nextSlot_ = 0;
    scopes_.clear();
    block(h.body, ctx);
    h.numLocals = nextSlot_;
  }

  // ------------------------------------------------------------ statements

  void block(Block &body, const Context &ctx) {
    scopes_.emplace_back();
    for (StmtPtr &s : body) stmt(*s, ctx);
    scopes_.pop_back();
  }

  // A new local must not hide anything: another local, a declaration or a
  // built-in name (one name, one meaning, in the whole handler).
  bool checkNewLocal(const std::string &name, SourceRange range) {
    for (const auto &scope : scopes_) {
      if (scope.count(name)) {
        diags_.error(range, "'" + name + "' is already defined in this handler",
                     "pick another name; locals cannot shadow each other");
        return false;
      }
    }
    Ref ref;
    if (lookupGlobal(name, ref) || lookupBuiltin(name, ref) || indexOf(policy_.queues, name) >= 0) {
      diags_.error(range, "local '" + name + "' would hide the declaration of the same name",
                   "pick another name");
      return false;
    }
    return true;
  }

  // `move Q into R` / `move Q into local_on(CPU)`: from a timer only (the
  // kernel moves queued tasks only where no runqueue lock is held), between
  // global queues of the same order (a DSQ is FIFO or by key, never both).
  void resolveMove(Stmt &s, const Context &ctx) {
    if (!ctx.timer)
      diags_.error(s.range,
                   std::string("`move` is only allowed in an `every` timer, not ") + ctx.where,
                   "the kernel moves waiting tasks between queues from timers and dispatch; "
                   "to place the task at hand, write an enqueue rule");
    s.queueIndex = queueIndex(s.queueName, s.queueRange);
    if (s.value) expr(*s.value, ctx);
    if (!s.targetName.empty()) s.targetIndex = queueIndex(s.targetName, s.targetRange);
    for (auto [index, range] :
         {std::pair{s.queueIndex, s.queueRange}, std::pair{s.targetIndex, s.targetRange}}) {
      if (index < 0) continue;
      const Queue &q = policy_.queues[index];
      if (q.kind != QueueKind::Global)
        diags_.error(range,
                     "`move` works on global queues; '" + q.name + "' is " + queueKindWord(q.kind),
                     "declare it `queue " + q.name + ": global ...`");
    }
    if (s.queueIndex < 0 || s.targetIndex < 0) return;
    const Queue &from = policy_.queues[s.queueIndex];
    const Queue &to = policy_.queues[s.targetIndex];
    if (s.queueIndex == s.targetIndex)
      diags_.error(s.targetRange, "moving '" + to.name + "' into itself does nothing",
                   "name the queue its tasks should go to");
    else if (bool(from.orderKey) != bool(to.orderKey))
      diags_.error(s.targetRange,
                   "'" + from.name + "' is " + (from.orderKey ? "ordered by a key" : "fifo") +
                       " and '" + to.name + "' is " + (to.orderKey ? "ordered by a key" : "fifo"),
                   "a moved task keeps its place key; move between queues of the same order");
  }

  void stmt(Stmt &s, const Context &ctx) {
    switch (s.kind) {
      case StmtKind::Let:
        expr(*s.value, ctx);  // the new name is not visible in its own initializer
        if (checkNewLocal(s.name, s.range)) {
          s.localSlot = nextSlot_++;
          scopes_.back()[s.name] = s.localSlot;
        }
        break;
      case StmtKind::Assign:
        assignTarget(*s.target, ctx);
        expr(*s.value, ctx);
        break;
      case StmtKind::If:
        expr(*s.value, ctx);
        block(s.thenBody, ctx);
        block(s.elseBody, ctx);
        break;
      case StmtKind::Kick:
        // In a callback, preempt(this_cpu) from `on running` would end every
        // slice as it starts: the CPU would loop, no task would progress.
        if (!ctx.timer)
          diags_.error(s.range,
                       std::string(s.preempt ? "preempt" : "kick") +
                           "() is only allowed in an `every` timer, not " + ctx.where,
                       "a callback that kicks or preempts CPUs can keep them from running any "
                       "task; a timer does it at most once a period");
        expr(*s.value, ctx);
        break;
      case StmtKind::Move:
        resolveMove(s, ctx);
        break;
      case StmtKind::For:
        // The bounds are read before the loop variable exists.
        if (s.fromParam) expr(*s.fromParam, ctx);
        if (s.toParam) expr(*s.toParam, ctx);
        scopes_.emplace_back();
        if (checkNewLocal(s.name, s.range)) {
          s.localSlot = nextSlot_++;
          scopes_.back()[s.name] = s.localSlot;
        }
        block(s.thenBody, ctx);
        scopes_.pop_back();
        break;
    }
  }

  // Like a name in an expression, but counters may be targets (only of +=;
  // the type checker says so).
  void assignTarget(Expr &target, const Context &ctx) {
    int c = indexOf(policy_.counters, target.text);
    if (c >= 0 && !lookupLocal(target.text, target.ref)) {
      target.ref.kind = RefKind::Counter;
      target.ref.index = c;
      return;
    }
    expr(target, ctx);
  }

  // ------------------------------------------------------------ names

  bool lookupLocal(const std::string &name, Ref &ref) {
    for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it) {
      auto found = it->find(name);
      if (found != it->end()) {
        ref.kind = RefKind::Local;
        ref.localSlot = found->second;
        return true;
      }
    }
    return false;
  }

  // Params, fields, globals and counters.
  bool lookupGlobal(const std::string &name, Ref &ref) {
    const std::pair<RefKind, int> found[] = {
        {RefKind::Param, indexOf(policy_.params, name)},
        {RefKind::Hint, indexOf(policy_.hints, name)},
        {RefKind::TaskField, indexOf(policy_.taskFields, name)},
        {RefKind::CpuField, indexOf(policy_.cpuFields, name)},
        {RefKind::GlobalField, indexOf(policy_.globalFields, name)},
        {RefKind::Counter, indexOf(policy_.counters, name)},
    };
    for (const auto &f : found) {
      if (f.second >= 0) {
        ref.kind = f.first;
        ref.index = f.second;
        return true;
      }
    }
    return false;
  }

  // Task attributes (the task in context) and the other built-in values.
  bool lookupBuiltin(const std::string &name, Ref &ref) {
    const TaskAttrInfo *attr = findTaskAttr(name);
    if (attr && !attr->currentOnly) {
      ref.kind = RefKind::TaskAttr;
      ref.attr = attr->id;
      return true;
    }
    if (const BuiltinValueInfo *value = findBuiltinValue(name)) {
      ref.kind = value->kind;
      return true;
    }
    return false;
  }

  // A queue's aggregate by name, built in or declared; false if it has none.
  bool lookupAggregate(int q, const std::string &name, Ref &ref) {
    ref.kind = RefKind::Aggregate;
    ref.index = q;
    if (const BuiltinAggregateInfo *builtin = findBuiltinAggregate(name)) {
      ref.builtinAggregate = builtin->id;
      return true;
    }
    ref.aggIndex = indexOf(policy_.queues[q].aggregates, name);
    if (ref.aggIndex >= 0) return true;
    ref = Ref();
    return false;
  }

  // A queue's aggregates, built in and declared, for "did you mean".
  static std::vector<std::string> aggregateNames(const Queue &queue) {
    std::vector<std::string> names;
    for (const BuiltinAggregateInfo &a : builtinAggregates()) names.push_back(a.name);
    for (const Aggregate &a : queue.aggregates) names.push_back(a.name);
    return names;
  }

  // Every name that would resolve here, for "did you mean".
  std::vector<std::string> visibleNames(const Context &ctx) {
    std::vector<std::string> names;
    for (const auto &scope : scopes_)
      for (const auto &entry : scope) names.push_back(entry.first);
    for (const Param &p : policy_.params) names.push_back(p.name);
    for (const Hint &h : policy_.hints) names.push_back(h.name);
    for (const StateField &f : policy_.taskFields) names.push_back(f.name);
    for (const StateField &f : policy_.cpuFields) names.push_back(f.name);
    for (const StateField &f : policy_.globalFields) names.push_back(f.name);
    for (const TaskAttrInfo &a : taskAttributes())
      if (!a.currentOnly) names.push_back(a.name);
    if (ctx.eligibleQueue >= 0) {
      std::vector<std::string> aggs = aggregateNames(policy_.queues[ctx.eligibleQueue]);
      names.insert(names.end(), aggs.begin(), aggs.end());
    }
    for (const BuiltinValueInfo &v : builtinValues())
      if (ctx.has(v.scope)) names.push_back(v.name);
    return names;
  }

  void name(Expr &e, const Context &ctx) {
    const std::string &n = e.text;
    if (lookupLocal(n, e.ref)) return;
    if (ctx.eligibleQueue >= 0 && lookupAggregate(ctx.eligibleQueue, n, e.ref)) return;
    if (lookupGlobal(n, e.ref)) {
      if (e.ref.kind == RefKind::Counter)
        fail(e, "counter '" + n + "' cannot be read",
             "counters are only incremented: `" + n + " += 1;`");
      if (!ctx.task && (e.ref.kind == RefKind::TaskField || e.ref.kind == RefKind::Hint))
        noTask(e, ctx);
      return;
    }
    if (lookupBuiltin(n, e.ref)) {
      if (e.ref.kind == RefKind::TaskAttr) {
        if (!ctx.task) noTask(e, ctx);
        return;
      }
      ValueScope scope = builtinValueInfo(e.ref.kind).scope;
      if (scope == ValueScope::Stopping && !ctx.runtime)
        fail(e, "'" + n + "' is not available " + ctx.where, "it is only defined in `on stopping`");
      if (scope == ValueScope::Wakeup && !ctx.wakeup)
        fail(e, "'" + n + "' is not available " + ctx.where,
             "it is defined in `on runnable`, `on enqueue`, enqueue rules and `preempt wakeup`");
      if (scope == ValueScope::Balance && !ctx.balance)
        fail(e, "'" + n + "' is not available " + ctx.where,
             "it is only defined in a `balance` rule's condition");
      return;
    }
    if (n == "current") {
      fail(e, "'current' needs a field", "write `current.FIELD`, e.g. `current.weight`");
      return;
    }
    if (int q = indexOf(policy_.queues, n); q >= 0) {
      bool global = policy_.queues[q].kind == QueueKind::Global;
      fail(e, "'" + n + "' is a queue, not a value",
           "read one of its aggregates, e.g. `" + n +
               (global ? ""
                       : "[" + std::string(instanceIndexExample(policy_.queues[q].kind)) + "]") +
               ".count`");
      return;
    }
    // An aggregate is read through its queue, outside the queue's own body.
    for (const Queue &queue : policy_.queues)
      for (const std::string &agg : aggregateNames(queue))
        if (agg == n) {
          bool global = queue.kind == QueueKind::Global;
          fail(e, "unknown name '" + n + "'",
               "'" + n + "' is an aggregate of queue '" + queue.name + "': write `" + queue.name +
                   (global ? "" : "[" + std::string(instanceIndexExample(queue.kind)) + "]") + "." +
                   n + "`");
          return;
        }
    fail(e, "unknown name '" + n + "'", didYouMean(n, visibleNames(ctx)));
  }

  void fail(Expr &e, const std::string &msg, const std::string &hint = "") {
    diags_.error(e.range, msg, hint);
    e.ref.kind = RefKind::Unresolved;
  }

  // current.F, Q.AGG, Q[i].AGG
  void member(Expr &e, const Context &ctx) {
    Expr &base = *e.operands[0];
    bool indexed = base.kind == ExprKind::Index;
    Expr &baseName = indexed ? *base.operands[0] : base;
    const std::string &b = baseName.text;

    if (b == "current" && !indexed) {
      if (!ctx.current) {
        fail(e, std::string("'current' is not available ") + ctx.where,
             "it is only defined in `preempt wakeup`");
        return;
      }
      int f = indexOf(policy_.taskFields, e.text);
      if (f >= 0) {
        e.ref.kind = RefKind::CurrentField;
        e.ref.index = f;
        return;
      }
      if (const TaskAttrInfo *attr = findTaskAttr(e.text)) {
        e.ref.kind = RefKind::CurrentAttr;
        e.ref.attr = attr->id;
        return;
      }
      std::vector<std::string> names;
      for (const StateField &sf : policy_.taskFields) names.push_back(sf.name);
      for (const TaskAttrInfo &a : taskAttributes()) names.push_back(a.name);
      fail(e, "the running task has no field '" + e.text + "'", didYouMean(e.text, names));
      return;
    }

    int q = indexOf(policy_.queues, b);
    if (q < 0) {
      std::vector<std::string> names;
      for (const Queue &queue : policy_.queues) names.push_back(queue.name);
      if (ctx.current && !indexed) names.push_back("current");
      std::string hint = didYouMean(b, names);
      if (hint.empty()) hint = "only queues (`Q.AGG`, `Q[i].AGG`) and `current` have members";
      fail(e, "'" + b + "' is not a queue", hint);
      return;
    }
    const Queue &queue = policy_.queues[q];
    if (indexed) expr(*base.operands[1], ctx);
    if (queue.kind == QueueKind::Global && indexed) {
      fail(e, "queue '" + b + "' is global; it has one instance",
           "write `" + b + "." + e.text + "`");
      return;
    }
    if (queue.kind != QueueKind::Global && !indexed) {
      fail(e,
           "queue '" + b + "' has an instance per " + queueInstanceNoun(queue.kind) + "; say which",
           "write `" + b + "[" + instanceIndexExample(queue.kind) + "]." + e.text + "`");
      return;
    }
    if (!lookupAggregate(q, e.text, e.ref)) {
      std::string hint = didYouMean(e.text, aggregateNames(queue));
      fail(e, "queue '" + b + "' has no aggregate '" + e.text + "'",
           hint.empty() ? "declare it in the queue's body, e.g. `" + e.text + " = sum(weight);`"
                        : hint);
    }
  }

  // F[cpu]: per-CPU field F of that CPU. Nothing else is indexed by a value.
  void cpuFieldOf(Expr &e, const Context &ctx) {
    expr(*e.operands[1], ctx);
    Expr &base = *e.operands[0];
    int f = indexOf(policy_.cpuFields, base.text);
    if (f >= 0) {
      e.ref.kind = RefKind::CpuField;
      e.ref.index = f;
      base.ref = e.ref;
      return;
    }
    if (indexOf(policy_.queues, base.text) >= 0) {
      fail(e, "'" + e.text + "[...]' is an instance of a queue, not a value",
           "read one of its aggregates, e.g. `" + e.text + "[" +
               instanceIndexExample(policy_.queues[indexOf(policy_.queues, base.text)].kind) +
               "].count`");
      return;
    }
    name(base, ctx);
    if (base.ref.kind == RefKind::Unresolved) return;
    fail(e, "only a per-CPU field can be indexed by a CPU; '" + e.text + "' is not one",
         "declare it `percpu " + e.text + ": TYPE;` to keep a value per CPU");
  }

  // A name of the task in context where there is none (a timer).
  void noTask(Expr &e, const Context &ctx) {
    diags_.error(e.range,
                 "'" + e.text + "' reads the task in context, and there is none " + ctx.where,
                 "a timer runs for no task: use globals, percpu fields (F[cpu] for any CPU) and "
                 "queue aggregates");
    e.ref = Ref();
  }

  void call(Expr &e, const Context &ctx) {
    for (ExprPtr &arg : e.operands) expr(*arg, ctx);
    if (const FunctionInfo *f = findFunction(e.text)) {
      e.function = f->id;
      if (!ctx.task && (f->id == Function::Comm || f->id == Function::Allowed)) noTask(e, ctx);
      bool takesCpu = f->id == Function::Allowed || f->id == Function::LlcOf ||
                      f->id == Function::NodeOf || f->id == Function::CoreOf;
      if (takesCpu && e.operands.size() == 1 && e.operands[0]->kind == ExprKind::IntLiteral &&
          e.operands[0]->intValue >= SCHEDC_MAX_SLOTS)
        diags_.error(e.operands[0]->range,
                     "CPU " + std::to_string(e.operands[0]->intValue) + " cannot exist",
                     "schedc supports CPU ids 0 to " + std::to_string(SCHEDC_MAX_SLOTS - 1) +
                         "; use `nr_cpus` for the machine's count");
      return;
    }
    if (findAggregateFunction(e.text)) {
      diags_.error(e.range, "'" + e.text + "' is an aggregate, not a function",
                   "declare it in a queue's body and read it as `QUEUE.NAME`");
      return;
    }
    std::vector<std::string> names;
    for (const FunctionInfo &f : builtinFunctions()) names.push_back(f.name);
    diags_.error(e.range, "unknown function '" + e.text + "'", didYouMean(e.text, names));
  }

  void expr(Expr &e, const Context &ctx) {
    switch (e.kind) {
      case ExprKind::Name:
        name(e, ctx);
        return;
      case ExprKind::Member:
        member(e, ctx);
        return;
      case ExprKind::Call:
        call(e, ctx);
        return;
      case ExprKind::Index:
        cpuFieldOf(e, ctx);
        return;
      default:
        for (ExprPtr &op : e.operands) expr(*op, ctx);
        return;
    }
  }

  Policy &policy_;
  Diagnostics &diags_;
  std::vector<std::map<std::string, int>> scopes_;  // let/for names -> slot
  int nextSlot_ = 0;
};

}  // namespace

bool resolveNames(Policy &policy, Diagnostics &diags) {
  unsigned before = diags.errorCount();
  Resolver(policy, diags).run();
  return diags.errorCount() == before;
}

}  // namespace schedc
