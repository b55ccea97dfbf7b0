#include "frontend/AstDump.h"

#include <sstream>

#include "ast/Builtins.h"

namespace schedc {

static const char *binarySpelling(BinaryOp op) {
  static const char *const s[] = {"+",  "-",  "*",  "/", "%",  "&", "|",  "^",  "<<",
                                  ">>", "==", "!=", "<", "<=", ">", ">=", "&&", "||"};
  return s[int(op)];
}

static std::string refText(const Ref &r) {
  switch (r.kind) {
    case RefKind::Unresolved:
      return "";
    case RefKind::Param:
      return " param#" + std::to_string(r.index);
    case RefKind::Hint:
      return " hint#" + std::to_string(r.index);
    case RefKind::TaskField:
      return " task#" + std::to_string(r.index);
    case RefKind::CpuField:
      return " percpu#" + std::to_string(r.index);
    case RefKind::GlobalField:
      return " global#" + std::to_string(r.index);
    case RefKind::Local:
      return " local#" + std::to_string(r.localSlot);
    case RefKind::TaskAttr:
      return std::string(" attr.") + taskAttrInfo(r.attr).name;
    case RefKind::CurrentField:
      return " current.task#" + std::to_string(r.index);
    case RefKind::CurrentAttr:
      return std::string(" current.") + taskAttrInfo(r.attr).name;
    case RefKind::Aggregate:
      if (r.builtinAggregate != BuiltinAggregate::None)
        return " queue#" + std::to_string(r.index) + "." + builtinAggregateName(r.builtinAggregate);
      return " queue#" + std::to_string(r.index) + ".agg#" + std::to_string(r.aggIndex);
    case RefKind::Counter:
      return " counter#" + std::to_string(r.index);
    case RefKind::ThisCpu:
    case RefKind::NrCpus:
    case RefKind::NrLlcs:
    case RefKind::NrNodes:
    case RefKind::Now:
    case RefKind::Runtime:
    case RefKind::Wakeup:
    case RefKind::Busiest:
      return std::string(" ") + builtinValueInfo(r.kind).name;
  }
  return "";
}

std::string dumpExpr(const Expr &e) {
  std::ostringstream out;
  out << '(';
  switch (e.kind) {
    case ExprKind::IntLiteral:
      out << "int " << e.intValue;
      break;
    case ExprKind::DurationLiteral:
      out << "duration " << e.intValue;
      break;
    case ExprKind::BoolLiteral:
      out << (e.boolValue ? "true" : "false");
      break;
    case ExprKind::StringLiteral:
      out << "string \"" << e.text << '"';
      break;
    case ExprKind::Name:
      out << "name " << e.text << refText(e.ref);
      break;
    case ExprKind::Member:
      out << "member " << e.text << refText(e.ref);
      break;
    case ExprKind::Index:
      out << "index";
      break;
    case ExprKind::Unary:
      out << (e.unaryOp == UnaryOp::Negate ? "-" : e.unaryOp == UnaryOp::Not ? "!" : "~");
      break;
    case ExprKind::Binary:
      out << binarySpelling(e.binaryOp);
      break;
    case ExprKind::Call:
      out << "call " << e.text;
      break;
  }
  if (e.type != Type::Invalid) out << " :" << typeName(e.type);
  for (const ExprPtr &op : e.operands) out << ' ' << dumpExpr(*op);
  out << ')';
  return out.str();
}

static void dumpBlock(std::ostream &out, const Block &body, int indent);

static void dumpStmt(std::ostream &out, const Stmt &s, int indent) {
  std::string pad(indent, ' ');
  switch (s.kind) {
    case StmtKind::Let:
      out << pad << "let " << s.name << " local#" << s.localSlot;
      if (s.hasDeclaredType) out << " :" << typeName(s.declaredType);
      out << " = " << dumpExpr(*s.value) << '\n';
      return;
    case StmtKind::Assign:
      out << pad << dumpExpr(*s.target)
          << (s.assignOp == AssignOp::Set   ? " = "
              : s.assignOp == AssignOp::Add ? " += "
                                            : " -= ")
          << dumpExpr(*s.value) << '\n';
      return;
    case StmtKind::If:
      out << pad << "if " << dumpExpr(*s.value) << '\n';
      dumpBlock(out, s.thenBody, indent + 2);
      if (!s.elseBody.empty()) {
        out << pad << "else\n";
        dumpBlock(out, s.elseBody, indent + 2);
      }
      return;
    case StmtKind::Kick:
      out << pad << (s.preempt ? "preempt " : "kick ") << dumpExpr(*s.value) << '\n';
      return;
    case StmtKind::Move:
      out << pad << "move " << s.queueName << " queue#" << s.queueIndex << " into "
          << (s.value ? "local_on " + dumpExpr(*s.value)
                      : s.targetName + " queue#" + std::to_string(s.targetIndex))
          << '\n';
      return;
    case StmtKind::For:
      out << pad << "for " << s.name << " local#" << s.localSlot << " in "
          << (s.fromParam ? dumpExpr(*s.fromParam) + " (>= " + std::to_string(s.from) + ")"
                          : std::to_string(s.from))
          << ".."
          << (s.toParam ? dumpExpr(*s.toParam) + " (<= " + std::to_string(s.to) + ")"
                        : std::to_string(s.to))
          << '\n';
      dumpBlock(out, s.thenBody, indent + 2);
      return;
  }
}

static void dumpBlock(std::ostream &out, const Block &body, int indent) {
  for (const StmtPtr &s : body) dumpStmt(out, *s, indent);
}

// A declaration's value, which the AST keeps as a 64-bit pattern, as written.
static std::string valueText(Type type, uint64_t value) {
  if (type == Type::Bool) return value ? "true" : "false";
  if (isSigned(type)) return std::to_string(int64_t(value));
  return std::to_string(value);
}

std::string dumpPolicy(const Policy &p) {
  std::ostringstream out;
  out << "policy " << p.name << '\n';
  for (const Param &x : p.params) {
    out << "param " << x.name << " :" << typeName(x.type) << " = "
        << valueText(x.type, x.defaultValue);
    if (x.hasRange) out << " in " << valueText(x.type, x.min) << ".." << valueText(x.type, x.max);
    if (x.allowInfinite) out << " or infinite";
    if (x.live) out << " live";
    out << '\n';
  }
  for (const Hint &x : p.hints) {
    out << "hint " << x.name << " :" << typeName(x.type) << " = "
        << valueText(x.type, x.defaultValue);
    if (x.hasRange) out << " in " << valueText(x.type, x.min) << ".." << valueText(x.type, x.max);
    out << (x.perProcess ? " per process" : " per task") << '\n';
  }
  auto fields = [&](const char *kind, const std::vector<StateField> &fs) {
    for (const StateField &f : fs)
      out << kind << ' ' << f.name << " :" << typeName(f.type) << " = "
          << valueText(f.type, f.initialValue) << '\n';
  };
  fields("task", p.taskFields);
  fields("percpu", p.cpuFields);
  fields("global", p.globalFields);
  for (const Counter &c : p.counters) out << "counter " << c.name << '\n';
  for (const Queue &q : p.queues) {
    out << "queue " << q.name << ' ' << queueKindWord(q.kind);
    if (q.kind == QueueKind::Shards) out << '(' << q.shards << ')';
    out << (q.orderKey ? " by " + dumpExpr(*q.orderKey) : std::string(" fifo")) << " scan "
        << q.scanLimit << '\n';
    for (const Aggregate &a : q.aggregates) {
      out << "  " << a.name << " :" << typeName(a.type) << " = " << aggregateInfo(a.kind).name;
      if (a.value) out << ' ' << dumpExpr(*a.value);
      if (a.weight) out << ' ' << dumpExpr(*a.weight);
      out << '\n';
    }
    if (q.eligible)
      out << "  eligible " << dumpExpr(*q.eligible)
          << (q.fallback == EligibleFallback::Head ? " else head" : " else none") << '\n';
  }
  out << "select_cpu " << (p.selectCpu.mode == SelectCpuMode::Prev ? "prev" : "default")
      << (p.selectCpu.direct ? " direct" : "") << '\n';
  for (const EnqueueRule &r : p.enqueueRules) {
    out << "enqueue";
    if (r.condition) out << " when " << dumpExpr(*r.condition);
    out << " into "
        << (r.localOn   ? "local_on(" + dumpExpr(*r.localOn) + ")"
            : r.toLocal ? "local"
                        : r.queueName + " queue#" + std::to_string(r.queueIndex));
    if (r.instance) out << '[' << dumpExpr(*r.instance) << ']';
    if (r.infiniteSlice) out << " slice infinite";
    if (r.slice) out << " slice " << dumpExpr(*r.slice);
    out << '\n';
  }
  out << "dispatch";
  for (const DispatchSource &d : p.dispatch)
    out << (d.steal ? " steal " : " ") << d.queueName << " queue#" << d.queueIndex;
  if (p.dispatchWhen) out << " when " << dumpExpr(*p.dispatchWhen);
  out << '\n';
  for (const PreemptRule &r : p.preempts)
    out << "preempt " << (r.kind == PreemptKind::Wakeup ? "wakeup" : "tick") << ' '
        << dumpExpr(*r.condition) << '\n';
  for (const BalanceRule &r : p.balances) {
    out << "balance " << r.queueName << " queue#" << r.queueIndex << " by ";
    if (r.by.builtinAggregate != BuiltinAggregate::None)
      out << builtinAggregateName(r.by.builtinAggregate);
    else
      out << "agg#" << r.by.aggIndex;
    out << " every " << dumpExpr(*r.interval) << " when " << dumpExpr(*r.condition) << '\n';
  }
  for (const Handler &h : p.handlers) {
    if (h.period)
      out << "every " << dumpExpr(*h.period)
          << (h.event != Event::CpuTimer ? ""
              : h.onCpu                  ? " on cpu " + dumpExpr(*h.onCpu)
                                         : std::string(" per cpu"))
          << " locals " << h.numLocals << '\n';
    else
      out << "on " << eventInfo(h.event).name << " locals " << h.numLocals << '\n';
    dumpBlock(out, h.body, 2);
  }
  return out.str();
}

}  // namespace schedc
