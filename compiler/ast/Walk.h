// Visits every expression of a policy (pre-order), for passes that only need
// to look, not to know where an expression sits.
#pragma once
#include <functional>

#include "ast/Policy.h"

namespace schedc {

using ExprVisitor = std::function<void(const Expr &)>;

inline void walkExpr(const Expr *expr, const ExprVisitor &visit) {
  if (!expr) return;
  visit(*expr);
  for (const ExprPtr &operand : expr->operands) walkExpr(operand.get(), visit);
}

inline void walkBlock(const Block &block, const ExprVisitor &visit) {
  for (const StmtPtr &stmt : block) {
    walkExpr(stmt->target.get(), visit);
    walkExpr(stmt->value.get(), visit);
    walkExpr(stmt->fromParam.get(), visit);
    walkExpr(stmt->toParam.get(), visit);
    walkBlock(stmt->thenBody, visit);
    walkBlock(stmt->elseBody, visit);
  }
}

inline void walkPolicy(const Policy &policy, const ExprVisitor &visit) {
  for (const Queue &queue : policy.queues) {
    walkExpr(queue.orderKey.get(), visit);
    walkExpr(queue.eligible.get(), visit);
    for (const Aggregate &aggregate : queue.aggregates) {
      walkExpr(aggregate.value.get(), visit);
      walkExpr(aggregate.weight.get(), visit);
    }
  }
  for (const EnqueueRule &rule : policy.enqueueRules) {
    walkExpr(rule.condition.get(), visit);
    walkExpr(rule.instance.get(), visit);
    walkExpr(rule.localOn.get(), visit);
    walkExpr(rule.slice.get(), visit);
  }
  walkExpr(policy.dispatchWhen.get(), visit);
  for (const PreemptRule &rule : policy.preempts) walkExpr(rule.condition.get(), visit);
  for (const BalanceRule &rule : policy.balances) {
    walkExpr(rule.interval.get(), visit);
    walkExpr(rule.condition.get(), visit);
  }
  for (const Handler &handler : policy.handlers) {
    walkExpr(handler.period.get(), visit);
    walkExpr(handler.onCpu.get(), visit);
    walkBlock(handler.body, visit);
  }
}

}  // namespace schedc
