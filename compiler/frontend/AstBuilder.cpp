#include "frontend/AstBuilder.h"

#include <limits>
#include <stdexcept>

#include "ast/Builtins.h"
#include "frontend/Frontend.h"
#include "frontend/NameHints.h"

namespace schedc {

using P = schedc_grammar::SchedcParser;

namespace {

// The last alternative of a labelled rule, once the others were tested: the
// grammar allows no other, so anything else is a schedc bug (an internal
// error), never undefined behaviour.
template <class Alternative, class Context>
Alternative *lastAlternative(Context *ctx) {
  auto *alternative = dynamic_cast<Alternative *>(ctx);
  if (!alternative)
    throw std::logic_error("the parse tree has an alternative AstBuilder does not know");
  return alternative;
}

}  // namespace

// Counts one level of nesting for the lifetime of a scope.
struct DepthScope {
  unsigned &depth;
  explicit DepthScope(unsigned &d) : depth(d) { ++depth; }
  ~DepthScope() { --depth; }
};

bool AstBuilder::build(P::PolicyFileContext *file) {
  unsigned before = diags_.errorCount();
  policyDecl(file->policyDecl());
  for (P::DeclContext *d : file->decl()) {
    if (auto *c = d->paramDecl())
      paramDecl(c);
    else if (auto *c = d->hintDecl())
      hintDecl(c);
    else if (auto *c = d->stateDecl())
      stateDecl(c);
    else if (auto *c = d->counterDecl())
      counterDecl(c);
    else if (auto *c = d->queueDecl())
      queueDecl(c);
    else if (auto *c = d->selectCpuDecl())
      selectCpuDecl(c);
    else if (auto *c = d->enqueueRule())
      enqueueRule(c);
    else if (auto *c = d->dispatchDecl())
      dispatchDecl(c);
    else if (auto *c = d->preemptRule())
      preemptRule(c);
    else if (auto *c = d->balanceRule())
      balanceRule(c);
    else if (auto *c = d->handler())
      handler(c);
    else if (auto *c = d->timer())
      timer(c);
    else if (auto *c = d->policyDecl())
      policyDecl(c);
  }
  return diags_.errorCount() == before;
}

// ---------------------------------------------------------------- literals

uint64_t AstBuilder::integer(antlr4::Token *token) {
  std::string text = token->getText();
  unsigned base = 10;
  size_t i = 0;
  if (text.size() > 1 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    base = 16;
    i = 2;
  }
  uint64_t value = 0;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c == '_') continue;
    unsigned digit = (c >= '0' && c <= '9') ? c - '0' : (c | 0x20) - 'a' + 10;
    if (digit >= base) break;  // a duration's unit
    if (value > (std::numeric_limits<uint64_t>::max() - digit) / base) {
      diags_.error(map_.token(token), "integer literal is too large (does not fit in 64 bits)");
      return 0;
    }
    value = value * base + digit;
  }
  return value;
}

uint64_t AstBuilder::duration(antlr4::Token *token) {
  std::string text = token->getText();
  uint64_t scale = 1;
  if (text.size() > 2 && text.compare(text.size() - 2, 2, "us") == 0)
    scale = 1000;
  else if (text.size() > 2 && text.compare(text.size() - 2, 2, "ms") == 0)
    scale = 1000000;
  else if (text.size() > 2 && text.compare(text.size() - 2, 2, "ns") == 0)
    scale = 1;
  else
    scale = 1000000000;  // "s"
  unsigned before = diags_.errorCount();
  uint64_t count = integer(token);
  if (diags_.errorCount() != before) return 0;
  if (count > std::numeric_limits<uint64_t>::max() / scale) {
    diags_.error(map_.token(token),
                 "duration is too large (does not fit in 64 bits of nanoseconds)");
    return 0;
  }
  return count * scale;
}

Type AstBuilder::type(P::TypeNameContext *ctx) {
  std::string text = ctx->getText();
  if (text == "u64") return Type::U64;
  if (text == "s64") return Type::S64;
  if (text == "duration") return Type::Duration;
  if (text == "sduration") return Type::SDuration;
  if (text == "bool") return Type::Bool;
  std::string near = closestName(text, {"u64", "s64", "duration", "sduration", "bool"});
  diags_.error(map_.rule(ctx), "unknown type '" + text + "'",
               near.empty() ? "the types are u64, s64, duration, sduration and bool"
                            : "did you mean '" + near + "'?");
  return Type::Invalid;
}

// A declaration's value, stored as the type's 64-bit pattern (two's
// complement for signed types).
uint64_t AstBuilder::literal(P::LiteralContext *ctx, Type type) {
  if (type == Type::Invalid) return 0;
  antlr4::Token *value = ctx->value;
  std::string text = value->getText();
  SourceRange where = map_.rule(ctx);
  if (text == "true" || text == "false") {
    if (type != Type::Bool) {
      diags_.error(where,
                   std::string("expected a '") + typeName(type) + "' value, found '" + text + "'");
      return 0;
    }
    return text == "true";
  }
  if (type == Type::Bool) {
    diags_.error(where, "expected 'true' or 'false' for a 'bool'");
    return 0;
  }
  bool isDuration = value->getType() == P::DURATION;
  if (isDuration && !isTime(type)) {
    diags_.error(where, std::string("a duration cannot be a '") + typeName(type) + "' value",
                 "drop the unit, or declare the type as duration");
    return 0;
  }
  uint64_t magnitude = isDuration ? duration(value) : integer(value);
  if (!isDuration && isTime(type) && magnitude != 0) {
    diags_.error(where, kMissingUnitMessage,
                 missingUnitHint((ctx->minus ? "-" : "") + std::to_string(magnitude)));
    return 0;
  }
  bool negative = ctx->minus != nullptr;
  if (negative && !isSigned(type)) {
    diags_.error(where, std::string("negative value for unsigned type '") + typeName(type) + "'");
    return 0;
  }
  uint64_t limit = uint64_t(1) << 63;  // |s64 min|
  if (isSigned(type) && (negative ? magnitude > limit : magnitude >= limit)) {
    diags_.error(where, std::string("value does not fit in '") + typeName(type) + "'");
    return 0;
  }
  return negative ? uint64_t(0) - magnitude : magnitude;
}

// ---------------------------------------------------------------- declarations

void AstBuilder::policyDecl(P::PolicyDeclContext *ctx) {
  policy_.policyDecls.push_back(map_.rule(ctx));
  if (policy_.policyDecls.size() > 1) return;  // a repeat: the declaration pass reports it
  // The name's tokens must touch: `policy my.sched-1` is not a name.
  std::vector<P::NameWordContext *> words = ctx->policyName()->nameWord();
  std::string name;
  for (size_t i = 0; i < words.size(); ++i) {
    antlr4::Token *t = words[i]->getStart();
    if (i > 0 && t->getStartIndex() != words[i - 1]->getStart()->getStopIndex() + 1) {
      diags_.error(map_.rule(ctx->policyName()), "the policy name must be one word",
                   "use only letters, digits, '_' and '.', without spaces");
      return;
    }
    name += t->getText();
  }
  policy_.name = name;
  policy_.nameRange = map_.rule(ctx->policyName());
}

void AstBuilder::paramDecl(P::ParamDeclContext *ctx) {
  Param p;
  p.name = ctx->ident()->getText();
  p.range = map_.rule(ctx->ident());
  p.type = type(ctx->typeName());
  p.defaultValue = literal(ctx->defaultValue, p.type);
  if (ctx->low) {
    p.hasRange = true;
    p.min = literal(ctx->low, p.type);
    p.max = literal(ctx->high, p.type);
  }
  p.allowInfinite = ctx->orInfinite != nullptr;
  p.live = ctx->live != nullptr;
  policy_.params.push_back(std::move(p));
}

void AstBuilder::hintDecl(P::HintDeclContext *ctx) {
  Hint h;
  h.name = ctx->ident()->getText();
  h.range = map_.rule(ctx->ident());
  h.type = type(ctx->typeName());
  h.defaultValue = literal(ctx->defaultValue, h.type);
  if (ctx->low) {
    h.hasRange = true;
    h.min = literal(ctx->low, h.type);
    h.max = literal(ctx->high, h.type);
  }
  h.perProcess = ctx->scope && ctx->scope->getText() == "process";
  policy_.hints.push_back(std::move(h));
}

void AstBuilder::stateDecl(P::StateDeclContext *ctx) {
  StateField f;
  f.name = ctx->ident()->getText();
  f.range = map_.rule(ctx->ident());
  f.type = type(ctx->typeName());
  if (ctx->literal()) f.initialValue = literal(ctx->literal(), f.type);
  std::string kind = ctx->kind->getText();
  if (kind == "task")
    policy_.taskFields.push_back(std::move(f));
  else if (kind == "percpu")
    policy_.cpuFields.push_back(std::move(f));
  else
    policy_.globalFields.push_back(std::move(f));
}

void AstBuilder::counterDecl(P::CounterDeclContext *ctx) {
  for (P::IdentContext *id : ctx->ident())
    policy_.counters.push_back(Counter{id->getText(), map_.rule(id)});
}

void AstBuilder::queueDecl(P::QueueDeclContext *ctx) {
  Queue q;
  q.name = ctx->ident()->getText();
  q.range = map_.rule(ctx->ident());

  P::QueueKindContext *kind = ctx->queueKind();
  std::string kindText = kind->getStart()->getText();
  if (kindText == "global") {
    q.kind = QueueKind::Global;
  } else if (kindText == "percpu") {
    q.kind = QueueKind::PerCpu;
  } else if (kindText == "shards") {
    q.kind = QueueKind::Shards;
    if (!kind->count) {
      diags_.error(map_.token(kind->getStart()), "shards need a count", "write `shards(N)`");
    } else {
      uint64_t n = integer(kind->count);
      q.shards = uint32_t(std::min<uint64_t>(n, std::numeric_limits<uint32_t>::max()));
    }
  } else if (kindText == "per_llc" || kindText == "per_node") {
    q.kind = kindText == "per_llc" ? QueueKind::PerLlc : QueueKind::PerNode;
    if (kind->count)
      diags_.error(map_.rule(kind), "a " + kindText + " queue takes no count",
                   "it has one instance per " + std::string(queueInstanceNoun(q.kind)) +
                       " of the machine it runs on; write `" + kindText + "`");
  } else {
    diags_.error(map_.token(kind->getStart()), "unknown queue kind '" + kindText + "'",
                 "a queue is global, percpu, shards(N), per_llc or per_node");
  }

  if (P::ExprContext *key = ctx->queueOrder()->expr()) q.orderKey = expr(key);
  if (ctx->scanLimit) {
    uint64_t n = integer(ctx->scanLimit);
    q.scanLimit = uint32_t(std::min<uint64_t>(n, std::numeric_limits<uint32_t>::max()));
  }
  if (P::QueueBodyContext *body = ctx->queueBody())
    for (P::QueueItemContext *item : body->queueItem()) queueItem(q, item);
  policy_.queues.push_back(std::move(q));
}

void AstBuilder::queueItem(Queue &queue, P::QueueItemContext *ctx) {
  if (auto *elig = dynamic_cast<P::EligibleDeclContext *>(ctx)) {
    queue.eligibleRules.push_back(map_.rule(elig));
    if (queue.eligible) return;  // a repeat: the declaration pass reports it
    queue.eligible = expr(elig->expr());
    if (elig->fallback && elig->fallback->getText() == "none")
      queue.fallback = EligibleFallback::None;
    return;
  }
  auto *agg = lastAlternative<P::AggregateDeclContext>(ctx);
  Aggregate a;
  a.name = agg->ident()->getText();
  a.range = map_.rule(agg->ident());
  std::string fn = agg->IDENT()->getText();
  std::vector<P::ExprContext *> args = agg->expr();
  const AggregateInfo *info = findAggregateFunction(fn);
  if (!info) {
    std::vector<std::string> forms;
    for (const AggregateInfo &known : aggregateFunctions()) forms.push_back(known.form);
    diags_.error(map_.token(agg->IDENT()->getSymbol()), "unknown aggregate '" + fn + "'",
                 "an aggregate is " + listNames(forms, " or "));
    return;
  }
  a.kind = info->kind;
  size_t want = info->arity;
  if (args.size() != want) {
    diags_.error(map_.rule(agg),
                 fn + " takes " + std::to_string(want) + " argument" + (want == 1 ? "" : "s") +
                     ", found " + std::to_string(args.size()),
                 std::string("write ") + info->form);
    return;
  }
  if (want >= 1) a.value = expr(args[0]);
  if (want == 2) a.weight = expr(args[1]);
  queue.aggregates.push_back(std::move(a));
}

void AstBuilder::selectCpuDecl(P::SelectCpuDeclContext *ctx) {
  policy_.selectCpuDecls.push_back(map_.rule(ctx));
  if (policy_.selectCpuDecls.size() > 1) return;  // a repeat: the declaration pass reports it
  policy_.selectCpu.range = map_.rule(ctx);
  std::string choice = ctx->choice->getText();
  if (choice == "prev") {
    policy_.selectCpu.mode = SelectCpuMode::Prev;
  } else if (choice == "nearest") {
    policy_.selectCpu.mode = SelectCpuMode::Nearest;
  } else if (choice != "default") {
    diags_.error(map_.token(ctx->choice), "unknown CPU selection '" + choice + "'",
                 "select_cpu is default, prev or nearest");
  }
  if (P::ReachContext *r = ctx->reach()) {
    policy_.selectCpu.withinRange = map_.rule(r);
    reach(r, policy_.selectCpu.within);
    if (policy_.selectCpu.mode != SelectCpuMode::Nearest)
      diags_.error(map_.rule(r), "only `select_cpu nearest` searches by distance",
                   "write `select_cpu nearest within " + r->scope->getText() + ";`");
  }
  policy_.selectCpu.direct = ctx->direct != nullptr;
  if (ctx->direct) policy_.selectCpu.directRange = map_.token(ctx->direct);
}

void AstBuilder::enqueueRule(P::EnqueueRuleContext *ctx) {
  EnqueueRule r;
  r.range = map_.rule(ctx);
  if (ctx->expr()) r.condition = expr(ctx->expr());
  P::EnqueueTargetContext *target = ctx->enqueueTarget();
  if (target->ident()) {
    r.queueName = target->ident()->getText();
    r.queueRange = map_.rule(target->ident());
    if (target->expr()) r.instance = expr(target->expr());
  } else {
    r.toLocal = true;
    r.queueRange = map_.rule(target);
    if (target->expr()) r.localOn = expr(target->expr());
  }
  if (P::SliceValueContext *slice = ctx->sliceValue()) {
    if (slice->expr())
      r.slice = expr(slice->expr());
    else
      r.infiniteSlice = true;
  }
  policy_.enqueueRules.push_back(std::move(r));
}

void AstBuilder::dispatchDecl(P::DispatchDeclContext *ctx) {
  policy_.dispatchDecls.push_back(map_.rule(ctx));
  if (policy_.dispatchDecls.size() > 1) return;  // a repeat: the declaration pass reports it
  for (P::DispatchSourceContext *s : ctx->dispatchSource()) {
    DispatchSource d;
    d.range = map_.rule(s);
    d.steal = s->steal != nullptr;
    d.queueName = s->ident()->getText();
    if (P::ReachContext *r = s->reach()) {
      d.withinRange = map_.rule(r);
      reach(r, d.within);
    }
    policy_.dispatch.push_back(std::move(d));
  }
  if (ctx->condition) policy_.dispatchWhen = expr(ctx->condition);
}

// `within llc` or `within node`.
void AstBuilder::reach(P::ReachContext *ctx, Distance &out) {
  if (ctx->withinWord->getText() != "within") {
    diags_.error(map_.token(ctx->withinWord), "unexpected '" + ctx->withinWord->getText() + "'",
                 "limit how far to look with `within llc` or `within node`");
    return;
  }
  std::string scope = ctx->scope->getText();
  if (scope == "llc")
    out = Distance::SameLlc;
  else if (scope == "node")
    out = Distance::SameNode;
  else
    diags_.error(map_.token(ctx->scope), "unknown scope '" + scope + "'",
                 "write `within llc` or `within node`");
}

void AstBuilder::preemptRule(P::PreemptRuleContext *ctx) {
  PreemptRule r;
  r.range = map_.rule(ctx);
  r.kind = ctx->kind->getText() == "tick" ? PreemptKind::Tick : PreemptKind::Wakeup;
  r.condition = expr(ctx->expr());
  policy_.preempts.push_back(std::move(r));
}

void AstBuilder::balanceRule(P::BalanceRuleContext *ctx) {
  BalanceRule r;
  r.range = map_.rule(ctx);
  r.queueName = ctx->ident(0)->getText();
  r.queueRange = map_.rule(ctx->ident(0));
  r.byName = ctx->by->getText();
  r.byRange = map_.rule(ctx->by);
  r.interval = expr(ctx->interval);
  r.condition = expr(ctx->condition);
  policy_.balances.push_back(std::move(r));
}

void AstBuilder::timer(P::TimerContext *ctx) {
  Handler h;
  h.range = map_.span(ctx->getStart(), ctx->period->getStop());
  h.event = Event::Timer;
  h.period = expr(ctx->period);
  if (P::TimerCpusContext *cpus = ctx->timerCpus()) {
    h.event = Event::CpuTimer;
    h.cpusRange = map_.rule(cpus);
    h.range = map_.span(ctx->getStart(), cpus->getStop());
    antlr4::Token *word = nullptr;
    if (auto *per = dynamic_cast<P::PerCpuTimerContext *>(cpus)) {
      word = per->cpuWord;
    } else if (auto *on = dynamic_cast<P::OnCpuTimerContext *>(cpus)) {
      word = on->cpuWord;
      h.onCpu = expr(on->cpu);
    }
    if (word && word->getText() != "cpu")
      diags_.error(map_.token(word), "unexpected '" + word->getText() + "'",
                   "a timer runs `per cpu` or `on cpu CPU`");
  }
  h.body = block(ctx->block());
  policy_.handlers.push_back(std::move(h));
}

void AstBuilder::handler(P::HandlerContext *ctx) {
  Handler h;
  h.range = map_.span(ctx->getStart(), ctx->eventName()->getStop());
  std::string text = ctx->eventName()->getText();
  const EventInfo *event = findEvent(text);
  if (!event) {
    std::vector<std::string> names;
    for (const EventInfo &known : events())
      if (known.onName) names.push_back(known.name);
    std::string near = closestName(text, names);
    diags_.error(map_.rule(ctx->eventName()), "unknown event '" + text + "'",
                 near.empty() ? "the events are " + listNames(names, " and ")
                              : "did you mean '" + near + "'?");
    return;
  }
  h.event = event->id;
  h.body = block(ctx->block());
  policy_.handlers.push_back(std::move(h));
}

// ---------------------------------------------------------------- statements

Block AstBuilder::block(P::BlockContext *ctx) {
  DepthScope scope(stmtDepth_);
  Block out;
  if (stmtDepth_ > kMaxNesting) {
    if (!reportedDepth_)
      diags_.error(map_.token(ctx->getStart()),
                   "statements are nested too deeply (more than 256 levels)",
                   "each block and each `else if` link counts one level");
    reportedDepth_ = true;
    return out;
  }
  for (P::StmtContext *s : ctx->stmt()) out.push_back(stmt(s));
  return out;
}

StmtPtr AstBuilder::stmt(P::StmtContext *ctx) {
  auto s = std::make_unique<Stmt>();
  s->range = map_.rule(ctx);
  if (auto *let = dynamic_cast<P::LetStmtContext *>(ctx)) {
    s->kind = StmtKind::Let;
    s->name = let->ident()->getText();
    s->range = map_.rule(let->ident());
    if (let->typeName()) {
      s->hasDeclaredType = true;
      s->declaredType = type(let->typeName());
    }
    s->value = expr(let->expr());
  } else if (auto *assign = dynamic_cast<P::AssignStmtContext *>(ctx)) {
    s->kind = StmtKind::Assign;
    std::string op = assign->op->getText();
    s->assignOp = op == "+=" ? AssignOp::Add : op == "-=" ? AssignOp::Sub : AssignOp::Set;
    s->target = name(assign->nameRef());
    s->value = expr(assign->expr());
  } else if (auto *kick = dynamic_cast<P::KickStmtContext *>(ctx)) {
    s->kind = StmtKind::Kick;
    s->preempt = kick->kind->getText() == "preempt";
    s->value = expr(kick->expr());
  } else if (auto *move = dynamic_cast<P::MoveStmtContext *>(ctx)) {
    s->kind = StmtKind::Move;
    s->queueName = move->from->getText();
    s->queueRange = map_.rule(move->from);
    P::MoveTargetContext *target = move->moveTarget();
    if (target->expr()) {
      s->value = expr(target->expr());
    } else {
      s->targetName = target->ident()->getText();
      s->targetRange = map_.rule(target->ident());
    }
  } else if (auto *forLoop = dynamic_cast<P::ForStmtContext *>(ctx)) {
    s->kind = StmtKind::For;
    s->name = forLoop->ident()->getText();
    s->range = map_.rule(forLoop->ident());
    for (auto [bound, value, param] : {std::tuple{forLoop->from, &s->from, &s->fromParam},
                                       std::tuple{forLoop->to, &s->to, &s->toParam}}) {
      if (bound->INT())
        *value = integer(bound->INT()->getSymbol());
      else
        *param = name(bound->nameRef());
    }
    s->thenBody = block(forLoop->block());
  } else {
    P::IfChainContext *chain = lastAlternative<P::IfStmtContext>(ctx)->ifChain();
    return ifChain(chain->expr(), chain->block(), 0);
  }
  return s;
}

// `if A {..} else if B {..} else {..}` is one flat rule; link i becomes an If
// whose else body holds link i+1. The children are listed once by the caller:
// listing them per link made long chains quadratic.
StmtPtr AstBuilder::ifChain(const std::vector<P::ExprContext *> &conditions,
                            const std::vector<P::BlockContext *> &blocks, size_t link) {
  DepthScope scope(stmtDepth_);
  auto s = std::make_unique<Stmt>();
  s->kind = StmtKind::If;
  s->range = map_.rule(conditions[link]);
  if (stmtDepth_ > kMaxNesting) {
    if (!reportedDepth_)
      diags_.error(s->range, "statements are nested too deeply (more than 256 levels)",
                   "each block and each `else if` link counts one level");
    reportedDepth_ = true;
    return s;
  }
  s->value = expr(conditions[link]);
  s->thenBody = block(blocks[link]);
  if (link + 1 < conditions.size())
    s->elseBody.push_back(ifChain(conditions, blocks, link + 1));
  else if (blocks.size() > conditions.size())
    s->elseBody = block(blocks.back());
  return s;
}

// ---------------------------------------------------------------- expressions

static BinaryOp binaryOp(const std::string &op) {
  static const std::pair<const char *, BinaryOp> ops[] = {
      {"+", BinaryOp::Add},   {"-", BinaryOp::Sub},    {"*", BinaryOp::Mul},
      {"/", BinaryOp::Div},   {"%", BinaryOp::Mod},    {"&", BinaryOp::BitAnd},
      {"|", BinaryOp::BitOr}, {"^", BinaryOp::BitXor}, {"<<", BinaryOp::Shl},
      {">>", BinaryOp::Shr},  {"==", BinaryOp::Eq},    {"!=", BinaryOp::Ne},
      {"<", BinaryOp::Lt},    {"<=", BinaryOp::Le},    {">", BinaryOp::Gt},
      {">=", BinaryOp::Ge},   {"&&", BinaryOp::And},   {"||", BinaryOp::Or},
  };
  for (const auto &o : ops)
    if (op == o.first) return o.second;
  return BinaryOp::Add;
}

ExprPtr AstBuilder::expr(P::ExprContext *ctx) {
  DepthScope scope(depth_);
  if (depth_ > kMaxNesting) {
    if (!reportedDepth_)
      diags_.error(map_.rule(ctx), "expression is nested too deeply (more than 256 levels)",
                   "split it into smaller parts with `let`");
    reportedDepth_ = true;
    auto e = std::make_unique<Expr>();
    e->kind = ExprKind::IntLiteral;
    e->range = map_.rule(ctx);
    return e;
  }
  if (auto *p = dynamic_cast<P::PrimaryExprContext *>(ctx)) return primary(p->primary());

  auto e = std::make_unique<Expr>();
  e->range = map_.rule(ctx);
  if (auto *u = dynamic_cast<P::UnaryExprContext *>(ctx)) {
    e->kind = ExprKind::Unary;
    std::string op = u->op->getText();
    e->unaryOp = op == "-" ? UnaryOp::Negate : op == "!" ? UnaryOp::Not : UnaryOp::BitNot;
    e->operands.push_back(expr(u->expr()));
    return e;
  }
  auto *b = lastAlternative<P::BinaryExprContext>(ctx);
  e->kind = ExprKind::Binary;
  e->binaryOp = binaryOp(b->op->getText());
  e->operands.push_back(expr(b->expr(0)));
  e->operands.push_back(expr(b->expr(1)));
  return e;
}

ExprPtr AstBuilder::name(P::NameRefContext *ctx) {
  auto e = std::make_unique<Expr>();
  e->kind = ExprKind::Name;
  e->range = map_.rule(ctx);
  e->text = ctx->getText();
  return e;
}

ExprPtr AstBuilder::primary(P::PrimaryContext *ctx) {
  if (auto *paren = dynamic_cast<P::ParenExprContext *>(ctx)) return expr(paren->expr());
  if (auto *n = dynamic_cast<P::NameExprContext *>(ctx)) return name(n->nameRef());

  auto e = std::make_unique<Expr>();
  e->range = map_.rule(ctx);
  if (auto *lit = dynamic_cast<P::IntLiteralContext *>(ctx)) {
    e->kind = ExprKind::IntLiteral;
    e->intValue = integer(lit->INT()->getSymbol());
  } else if (auto *dur = dynamic_cast<P::DurationLiteralContext *>(ctx)) {
    e->kind = ExprKind::DurationLiteral;
    e->intValue = duration(dur->DURATION()->getSymbol());
  } else if (auto *b = dynamic_cast<P::BoolLiteralContext *>(ctx)) {
    e->kind = ExprKind::BoolLiteral;
    e->boolValue = b->value->getText() == "true";
  } else if (auto *s = dynamic_cast<P::StringLiteralContext *>(ctx)) {
    e->kind = ExprKind::StringLiteral;
    std::string text = s->STRING()->getText();
    e->text = text.substr(1, text.size() - 2);
  } else if (auto *call = dynamic_cast<P::CallExprContext *>(ctx)) {
    e->kind = ExprKind::Call;
    e->text = call->IDENT()->getText();
    for (P::ExprContext *arg : call->expr()) e->operands.push_back(expr(arg));
  } else if (auto *m = dynamic_cast<P::MemberExprContext *>(ctx)) {
    e->kind = ExprKind::Member;
    e->text = m->ident()->getText();
    e->operands.push_back(name(m->nameRef()));
  } else if (auto *ix = dynamic_cast<P::IndexExprContext *>(ctx)) {
    // NAME [ CPU ]: another CPU's per-CPU field.
    e->kind = ExprKind::Index;
    e->text = ix->nameRef()->getText();
    e->operands.push_back(name(ix->nameRef()));
    e->operands.push_back(expr(ix->expr()));
  } else {
    // NAME [ INDEX ] . FIELD: a Member whose base is an Index.
    auto *im = lastAlternative<P::IndexMemberExprContext>(ctx);
    e->kind = ExprKind::Member;
    e->text = im->ident()->getText();
    auto index = std::make_unique<Expr>();
    index->kind = ExprKind::Index;
    index->range = map_.span(im->getStart(), im->closeBracket);
    index->operands.push_back(name(im->nameRef()));
    index->operands.push_back(expr(im->expr()));
    e->operands.push_back(std::move(index));
  }
  return e;
}

}  // namespace schedc
