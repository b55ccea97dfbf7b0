// PassBudget: the optimizer may skip a repeated pass, per function, once the
// pass has used its runs there.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "codegen/PassBudget.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Passes/PassBuilder.h"

namespace schedc {
namespace {

// u64 NAME(u64 a, u64 b) { return (a + b) * 2 - b; } in a module of its own.
void addFunction(llvm::Module &module, const std::string &name) {
  llvm::LLVMContext &context = module.getContext();
  llvm::Type *u64 = llvm::Type::getInt64Ty(context);
  auto *type = llvm::FunctionType::get(u64, {u64, u64}, false);
  auto *function = llvm::Function::Create(type, llvm::GlobalValue::ExternalLinkage, name, module);
  llvm::IRBuilder<> builder(llvm::BasicBlock::Create(context, "entry", function));
  llvm::Value *sum = builder.CreateAdd(function->getArg(0), function->getArg(1));
  llvm::Value *twice = builder.CreateMul(sum, builder.getInt64(2));
  builder.CreateRet(builder.CreateSub(twice, function->getArg(1)));
}

// How often InstCombine ran on each function of a two-function module in
// the O2 pipeline, with `budget` attached when given.
std::map<std::string, unsigned> instCombineRuns(PassBudget *budget) {
  llvm::LLVMContext context;
  llvm::Module module("budget", context);
  addFunction(module, "first");
  addFunction(module, "second");

  llvm::PassInstrumentationCallbacks instrumentation;
  if (budget) budget->attach(instrumentation);
  std::map<std::string, unsigned> runs;
  instrumentation.registerBeforeNonSkippedPassCallback([&](llvm::StringRef pass, llvm::Any ir) {
    const auto *function = llvm::any_cast<const llvm::Function *>(&ir);
    if (pass == "InstCombinePass" && function) ++runs[(*function)->getName().str()];
  });
  llvm::LoopAnalysisManager loops;
  llvm::FunctionAnalysisManager functions;
  llvm::CGSCCAnalysisManager sccs;
  llvm::ModuleAnalysisManager modules;
  llvm::PassBuilder builder(nullptr, llvm::PipelineTuningOptions(), std::nullopt, &instrumentation);
  builder.registerModuleAnalyses(modules);
  builder.registerCGSCCAnalyses(sccs);
  builder.registerFunctionAnalyses(functions);
  builder.registerLoopAnalyses(loops);
  builder.crossRegisterProxies(loops, functions, sccs, modules);
  llvm::ModulePassManager passes =
      builder.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O2);
  passes.run(module, modules);
  return runs;
}

TEST(PassBudget, RepeatedPassStopsAtItsBudgetOnEachFunction) {
  std::map<std::string, unsigned> unlimited = instCombineRuns(nullptr);
  ASSERT_GT(unlimited["first"], 2u) << "O2 no longer repeats InstCombine: the budget is moot";

  PassBudget twice("InstCombinePass", 2);
  std::map<std::string, unsigned> budgeted = instCombineRuns(&twice);
  EXPECT_EQ(budgeted["first"], 2u);
  EXPECT_EQ(budgeted["second"], 2u);  // counted per function, not per module
}

TEST(PassBudget, OtherPassesRunAsOften) {
  PassBudget noneOfThese("NoSuchPass", 0);
  EXPECT_EQ(instCombineRuns(&noneOfThese), instCombineRuns(nullptr));
}

}  // namespace
}  // namespace schedc
