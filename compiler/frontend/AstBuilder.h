// Parse tree -> AST. Besides copying structure, the builder decodes literals
// (reporting ones that do not fit in 64 bits), type names, queue kinds,
// aggregate functions and event names, and limits nesting depth so the
// semantic passes can recurse safely.
#pragma once
#include "SchedcParser.h"
#include "ast/Policy.h"
#include "diag/Diagnostics.h"
#include "frontend/SourceMap.h"

namespace schedc {

class AstBuilder {
 public:
  AstBuilder(Policy &policy, const SourceMap &map, Diagnostics &diags)
      : policy_(policy), map_(map), diags_(diags) {}

  // Returns false if it reported an error.
  bool build(schedc_grammar::SchedcParser::PolicyFileContext *file);

 private:
  using P = schedc_grammar::SchedcParser;

  void policyDecl(P::PolicyDeclContext *ctx);
  void paramDecl(P::ParamDeclContext *ctx);
  void timer(P::TimerContext *ctx);
  void hintDecl(P::HintDeclContext *ctx);
  void stateDecl(P::StateDeclContext *ctx);
  void counterDecl(P::CounterDeclContext *ctx);
  void queueDecl(P::QueueDeclContext *ctx);
  void queueItem(Queue &queue, P::QueueItemContext *ctx);
  void selectCpuDecl(P::SelectCpuDeclContext *ctx);
  void enqueueRule(P::EnqueueRuleContext *ctx);
  void dispatchDecl(P::DispatchDeclContext *ctx);
  void reach(P::ReachContext *ctx, Distance &out);
  void preemptRule(P::PreemptRuleContext *ctx);
  void balanceRule(P::BalanceRuleContext *ctx);
  void handler(P::HandlerContext *ctx);

  Block block(P::BlockContext *ctx);
  StmtPtr stmt(P::StmtContext *ctx);
  StmtPtr ifChain(const std::vector<P::ExprContext *> &conditions,
                  const std::vector<P::BlockContext *> &blocks, size_t link);

  ExprPtr expr(P::ExprContext *ctx);
  ExprPtr primary(P::PrimaryContext *ctx);
  ExprPtr name(P::NameRefContext *ctx);

  Type type(P::TypeNameContext *ctx);
  uint64_t literal(P::LiteralContext *ctx, Type type);
  uint64_t integer(antlr4::Token *token);
  uint64_t duration(antlr4::Token *token);

  Policy &policy_;
  const SourceMap &map_;
  Diagnostics &diags_;
  // Nesting limits, counted apart so an `else if` chain is not blamed on the
  // expression in its condition.
  unsigned depth_ = 0;      // expressions
  unsigned stmtDepth_ = 0;  // blocks and `else if` links
  bool reportedDepth_ = false;
};

}  // namespace schedc
