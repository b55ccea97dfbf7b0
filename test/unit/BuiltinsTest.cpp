// The table of built-in functions, attributes, values, aggregates and events
// (ast/Builtins.h): every row is found by its name and by its id, and the
// orders the runtime relies on hold.
#include <gtest/gtest.h>

#include <algorithm>

#include "FrontendTestUtil.h"
#include "ast/Builtins.h"

using namespace schedc;
using namespace schedc::test;

TEST(Builtins, EveryFunctionIsFoundByNameAndId) {
  for (const FunctionInfo &f : builtinFunctions()) {
    EXPECT_EQ(findFunction(f.name), &f) << f.name;
    EXPECT_EQ(&functionInfo(f.id), &f) << f.name;
    if (f.result == ResultRule::Conversion || f.result == ResultRule::Fixed) {
      EXPECT_NE(f.resultType, Type::Invalid) << f.name;
    }
    if (f.result == ResultRule::Conversion) {
      EXPECT_TRUE(isNumeric(f.resultType)) << f.name;
    }
    // Only what the checks can compute is marked so (Evaluate.cpp).
    // The topology is the machine's, known only when the policy loads.
    bool computed = f.id != Function::Comm && f.id != Function::Random &&
                    f.id != Function::Allowed && f.id != Function::LlcOf &&
                    f.id != Function::NodeOf && f.id != Function::CoreOf;
    EXPECT_EQ(f.evaluable, computed) << f.name;
  }
  EXPECT_EQ(findFunction("mn"), nullptr);
}

// The runtime numbers task attributes and events as the enums do
// (schedc_policy.h: enum schedc_attr, enum schedc_event), and lowering
// passes the enum's value.
TEST(Builtins, AttributesAndEventsAreInTheRuntimesOrder) {
  for (size_t i = 0; i < taskAttributes().size(); ++i)
    EXPECT_EQ(int(taskAttributes()[i].id), int(i)) << taskAttributes()[i].name;
  for (size_t i = 0; i < events().size(); ++i)
    EXPECT_EQ(int(events()[i].id), int(i)) << events()[i].name;
  EXPECT_EQ(&taskAttrInfo(TaskAttr::Runtime), &taskAttributes().back());
  EXPECT_EQ(&eventInfo(Event::CpuTimer), &events().back());
}

TEST(Builtins, NamesAreFoundByNameAndId) {
  for (const TaskAttrInfo &a : taskAttributes()) EXPECT_EQ(findTaskAttr(a.name), &a);
  for (const BuiltinValueInfo &v : builtinValues()) {
    EXPECT_EQ(findBuiltinValue(v.name), &v);
    EXPECT_EQ(&builtinValueInfo(v.kind), &v);
  }
  for (const AggregateInfo &a : aggregateFunctions()) {
    EXPECT_EQ(findAggregateFunction(a.name), &a);
    EXPECT_EQ(&aggregateInfo(a.kind), &a);
  }
  for (const BuiltinAggregateInfo &a : builtinAggregates()) {
    EXPECT_EQ(findBuiltinAggregate(a.name), &a);
    EXPECT_STREQ(builtinAggregateName(a.id), a.name);
  }
  // `on NAME` finds every event but the timers, which are `every PERIOD`.
  for (const EventInfo &e : events()) {
    bool timer = e.id == Event::Timer || e.id == Event::CpuTimer;
    EXPECT_EQ(&eventInfo(e.id), &e);
    EXPECT_EQ(findEvent(e.name), e.onName ? &e : nullptr) << e.name;
    EXPECT_EQ(e.onName, !timer) << e.name;
    EXPECT_EQ(e.task, !timer) << e.name;
  }
}

// A name that means something in expressions cannot be declared; only
// `current.runtime` is not reserved by itself (bare `runtime` is).
TEST(Builtins, ReservedNamesCoverEveryBareName) {
  std::vector<std::string> reserved = reservedNames();
  auto isReserved = [&](const std::string &n) {
    return std::find(reserved.begin(), reserved.end(), n) != reserved.end();
  };
  for (const TaskAttrInfo &a : taskAttributes()) EXPECT_TRUE(isReserved(a.name)) << a.name;
  for (const BuiltinValueInfo &v : builtinValues()) EXPECT_TRUE(isReserved(v.name)) << v.name;
  EXPECT_TRUE(isReserved("current"));
  for (const std::string &n : reserved) {
    Result r = compile(withQueue("global " + n + ": u64;\n"));
    EXPECT_NE(r.output.find("'" + n + "' is a built-in name"), std::string::npos) << r.output;
  }
}

TEST(Builtins, ListNames) {
  EXPECT_EQ(listNames({}, " or "), "");
  EXPECT_EQ(listNames({"a"}, " or "), "a");
  EXPECT_EQ(listNames({"a", "b"}, " or "), "a or b");
  EXPECT_EQ(listNames({"a", "b", "c"}, " and "), "a, b and c");
}

// Resolution records which function a call names, for lowering's switch.
TEST(Builtins, ResolutionRecordsTheFunction) {
  Result r = compile(withQueue("global g: u64;\non tick { g = clamp(u64(1), 2, 3); }\n"));
  ASSERT_TRUE(r.ok) << r.output;
  const Expr &clamp = *r.policy->handlers[0].body[0]->value;
  EXPECT_EQ(clamp.function, Function::Clamp);
  EXPECT_EQ(clamp.operands[0]->function, Function::ToU64);
}
