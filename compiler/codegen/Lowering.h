// Shared state of the lowering passes: the runtime module being filled in, the
// IR and debug-info builders, and the policy.
#pragma once
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "ast/Policy.h"
#include "codegen/RuntimeAbi.h"
#include "llvm/IR/DIBuilder.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Module.h"

namespace schedc {

// enum schedc_event in runtime/schedc_policy.h, in the order of schedc::Event.
constexpr unsigned kNumEvents = SCHEDC_ON_NR;

// The AST numbers these as the runtime does, so the lowering passes them on as they are.
static_assert(static_cast<int>(Event::CpuTimer) == SCHEDC_ON_CPU_TIMER &&
              SCHEDC_ON_CPU_TIMER + 1 == kNumEvents);
static_assert(static_cast<int>(TaskAttr::Runtime) == SCHEDC_ATTR_RUNTIME);
static_assert(static_cast<int>(AggregateKind::Count) == SCHEDC_AGG_COUNT &&
              static_cast<int>(AggregateKind::Sum) == SCHEDC_AGG_SUM &&
              static_cast<int>(AggregateKind::WeightedAvg) == SCHEDC_AGG_WAVG &&
              static_cast<int>(AggregateKind::First) == SCHEDC_AGG_FIRST);

// Reads that cannot change while a callback runs, lowered once per hook and
// reused: parameters, task attributes, state pointers, queue instances and
// their aggregates. Each goes through a kfunc, a map lookup or a volatile
// load that LLVM may not merge, so without the cache every mention of `cpu`
// or `rq[cpu].V` is a new copy for the verifier to walk and for O2 and
// instruction selection to chew on.
//
// A read that depends on nothing the body computes goes into the body's
// `reads` block, ahead of its first statement, where it serves every later
// mention. Any other is reused only below the block that computed it:
// entering a branch or loop body opens a scope, leaving it forgets what the
// body computed.
struct CacheKey {
  enum Kind {
    Param,
    Attr,
    Hint,
    CurrentAttr,
    TaskSlot,
    CurrentSlot,
    CpuSlot,
    Instance,
    QueueState,
    Aggregate,
    ScanAggregate,
    CommWord,
    ThisCpu,
    NrCpus,
    Wakeup,
    Busiest
  };
  Kind kind;
  int first = 0;
  int second = 0;
  const llvm::Value *operand = nullptr;  // the index a queue instance was chosen by

  bool operator<(const CacheKey &other) const {
    return std::tie(kind, first, second, operand) <
           std::tie(other.kind, other.first, other.second, other.operand);
  }
};

class ValueCache {
 public:
  llvm::Value *find(const CacheKey &key) const;
  void remember(const CacheKey &key, llvm::Value *value) { scopes_.back()[key] = value; }
  void enterScope() { scopes_.emplace_back(); }
  void leaveScope() { scopes_.pop_back(); }
  void clear() {
    scopes_.assign(1, {});
    readsEnd_ = nullptr;
  }

  // A body starts: its reads go before `readsEnd`, the branch into it.
  void beginBody(llvm::Instruction *readsEnd) {
    clear();
    readsEnd_ = readsEnd;
  }
  llvm::Instruction *readsEnd() const { return readsEnd_; }
  // Whether `value` is available in the reads block (a constant, an
  // argument or a read already there).
  bool isRead(const llvm::Value *value) const;
  void rememberRead(const CacheKey &key, llvm::Value *value) { scopes_.front()[key] = value; }

 private:
  std::vector<std::map<CacheKey, llvm::Value *>> scopes_{1};
  llvm::Instruction *readsEnd_ = nullptr;
};

class Lowering {
 public:
  Lowering(const Policy &policy, llvm::Module &module);

  const Policy &policy;
  llvm::Module &module;
  llvm::LLVMContext &context;
  llvm::IRBuilder<> builder;
  llvm::DIBuilder debug;
  llvm::DIFile *file = nullptr;
  llvm::DICompileUnit *unit = nullptr;

  llvm::Type *i1() { return builder.getInt1Ty(); }
  llvm::Type *i32() { return builder.getInt32Ty(); }
  llvm::Type *i64() { return builder.getInt64Ty(); }
  llvm::Type *ptr() { return builder.getPtrTy(); }

  // A function the runtime defines or declares; a missing one is an internal error.
  llvm::Function *runtimeFunction(const std::string &name);
  llvm::GlobalVariable *runtimeGlobal(const std::string &name);
  llvm::StructType *runtimeStruct(const std::string &name);

  // Starts the body of a hook the runtime declared: gives it an entry block,
  // a DISubprogram and the runtime's target attributes.
  llvm::Function *beginHook(const std::string &name, SourceRange where);
  void finishHook();

  void setLocation(SourceRange where);
  // Ends the current block with a branch to a new one, the body, so that the
  // current block becomes the body's reads block (see ValueCache).
  void beginBody();

  // The schedc_ctx* parameter of the hook being built.
  llvm::Value *ctx = nullptr;
  // Stack slots of `let` / `for` variables of the body being lowered.
  std::vector<llvm::AllocaInst *> locals;
  // Set while lowering a queue's `eligible when`: the queue scanned.
  int scanQueue = -1;
  // Callback-invariant reads of the hook being built.
  ValueCache cache;

  std::string error;  // first internal error, if any

 private:
  llvm::DISubprogram *subprogram = nullptr;
  llvm::AttributeList targetAttributes;
};

// Opens a cache scope for a block whose values do not dominate what follows
// it (a branch, a loop body, an enqueue rule's body).
class CacheScope {
 public:
  explicit CacheScope(Lowering &l) : cache_(l.cache) { cache_.enterScope(); }
  ~CacheScope() { cache_.leaveScope(); }
  CacheScope(const CacheScope &) = delete;
  CacheScope &operator=(const CacheScope &) = delete;

 private:
  ValueCache &cache_;
};

// Expressions and statements (ExprLowering.cpp, StmtLowering.cpp).
llvm::Value *lowerExpr(Lowering &l, const Expr &expr);
llvm::Value *lowerCondition(Lowering &l, const Expr &expr);  // as i1
llvm::Value *lowerStorable(Lowering &l, const Expr &expr);   // as i64 (bool 0/1)
// How the runtime names an aggregate (schedc_agg_read): its index among the
// queue's declared ones, or a negative number for a built-in one.
int runtimeAggregateIndex(const Ref &ref);
// The i64 slot an assignable name lives in (null for read-only names).
llvm::Value *slotForAssignment(Lowering &l, const Ref &ref);
// A task attribute of ctx->p, and the instance of `queue` an index selects.
llvm::Value *lowerTaskAttr(Lowering &l, TaskAttr attr);
llvm::Value *lowerInstance(Lowering &l, int queue, llvm::Value *index);
// The instance of `queue` CPU `cpu` serves (its LLC's for a per_llc queue).
llvm::Value *lowerInstanceOfCpu(Lowering &l, int queue, llvm::Value *cpu);
void lowerBlock(Lowering &l, const Block &block);
// Makes `count` i64 stack slots for a body's locals at the function entry.
void allocateLocals(Lowering &l, int count);

// Hook functions (HookLowering.cpp).
void lowerHooks(Lowering &l);
// The layout constant, global initial values, struct_ops patching (LayoutLowering.cpp).
void lowerLayout(Lowering &l);
void patchOps(Lowering &l);
// The .schedc.meta section (MetadataLowering.cpp).
void lowerMetadata(Lowering &l);
std::string metadataText(const Policy &policy);

}  // namespace schedc
