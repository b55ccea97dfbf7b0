// Statement nodes of handler bodies: plain data.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "ast/Expr.h"

namespace schedc {

enum class StmtKind {
  Let,     // let name [: declaredType] = value;       -> localSlot
  Assign,  // target op value;  (op: =, +=, -=)        target is a Name Expr
  If,      // if cond { thenBody } else { elseBody }   (else-if = If inside elseBody)
  For,     // for name in from..to { thenBody }        -> localSlot
  Kick,    // kick(value); / preempt(value);  (preempt: the CPU's task gives up its slice)
  Move,    // move queueName into targetQueue; / move queueName into local_on(value);
};

enum class AssignOp { Set, Add, Sub };

struct Stmt;
using StmtPtr = std::unique_ptr<Stmt>;
using Block = std::vector<StmtPtr>;

struct Stmt {
  StmtKind kind;
  SourceRange range;
  std::string name;                   // Let, For
  bool hasDeclaredType = false;       // Let
  Type declaredType = Type::Invalid;  // Let
  AssignOp assignOp = AssignOp::Set;  // Assign
  bool preempt = false;               // Kick: preempt(cpu) rather than kick(cpu)
  ExprPtr target;                     // Assign
  ExprPtr value;               // Let, Assign, Kick, Move to local_on (the CPU); If: condition
  std::string queueName;       // Move: the queue its tasks leave
  SourceRange queueRange;      // Move
  int queueIndex = -1;         // Move: filled by resolution
  std::string targetName;      // Move into a queue (empty: into local_on(value))
  SourceRange targetRange;     // Move into a queue
  int targetIndex = -1;        // Move into a queue: filled by resolution
  uint64_t from = 0, to = 0;   // For: [from, to), the widest when a bound is a param
  ExprPtr fromParam, toParam;  // For: a bound that is a param's name, else null
  Block thenBody;              // If, For
  Block elseBody;              // If
  int localSlot = -1;          // Let, For: filled by resolution
};

}  // namespace schedc
