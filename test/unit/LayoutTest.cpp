// The schedc_layout constant: every field holds what the policy says, read
// back at the offsets the C header gives (offsetof on runtime/schedc_policy.h),
// independently of how the lowering found the fields; and a runtime struct the
// compiler does not fully know is an internal error.
#include <gtest/gtest.h>

#include <cstddef>

#include "FrontendTestUtil.h"
#include "codegen/Lowering.h"
#include "codegen/RuntimeAbi.h"
#include "codegen/RuntimeLibrary.h"
#include "codegen/StructInitializer.h"

namespace schedc {
namespace {

// The integer constant at byte `offset` of a constant aggregate.
uint64_t intAt(const llvm::DataLayout &dataLayout, const llvm::Constant *value, uint64_t offset) {
  while (!llvm::isa<llvm::ConstantInt>(value)) {
    llvm::Type *type = value->getType();
    if (value->isNullValue()) return 0;
    unsigned index;
    if (auto *structType = llvm::dyn_cast<llvm::StructType>(type)) {
      const llvm::StructLayout *layout = dataLayout.getStructLayout(structType);
      index = layout->getElementContainingOffset(offset);
      offset -= layout->getElementOffset(index);
    } else {
      uint64_t size = dataLayout.getTypeAllocSize(type->getArrayElementType());
      index = static_cast<unsigned>(offset / size);
      offset %= size;
    }
    value = value->getAggregateElement(index);
    if (!value) ADD_FAILURE() << "no element at the offset";
    if (!value) return ~0ULL;
  }
  EXPECT_EQ(offset, 0u) << "offset inside an integer";
  return llvm::cast<llvm::ConstantInt>(value)->getZExtValue();
}

struct LoweredLayout {
  llvm::LLVMContext context;
  std::unique_ptr<llvm::Module> module;
  std::string error;
  const llvm::Constant *value = nullptr;

  uint64_t at(size_t offset) const { return intAt(module->getDataLayout(), value, offset); }
};

void lowerLayoutOf(const std::string &source, LoweredLayout &out) {
  test::Result r = test::compile(source);
  ASSERT_TRUE(r.ok) << r.output;
  out.module = loadRuntime(out.context, out.error);
  ASSERT_TRUE(out.module) << out.error;
  Lowering lowering(*r.policy, *out.module);
  lowerLayout(lowering);
  out.error = lowering.error;
  ASSERT_EQ(out.error, "");
  llvm::GlobalVariable *layout = out.module->getNamedGlobal(SCHEDC_LAYOUT_NAME);
  ASSERT_TRUE(layout && layout->hasInitializer());
  out.value = layout->getInitializer();
}

// Every field a different value, so that two swapped fields cannot both pass.
const char kPolicy[] =
    "policy layout.test;\n"
    "task a: u64 = 11;\n"
    "task b: u64 = 12;\n"
    "task c: u64 = 13;\n"
    "percpu d: u64 = 21;\n"
    "percpu e: u64 = 22;\n"
    "queue main: global fifo;\n"
    "queue rq: percpu by a scan 7 { s = sum(b); w = wavg(a, b); eligible when a > 1 else none; }\n"
    "queue sh: shards(5) fifo scan 9;\n"
    "queue spare: global fifo;\n"
    "select_cpu prev direct;\n"
    "preempt tick when a > 2;\n"
    "on tick { a += 1; }\n"
    "on stopping { b += 1; }\n"
    "enqueue when a > 3 into sh;\n"
    "enqueue when a > 4 into main;\n"
    "enqueue into rq;\n"
    "dispatch rq, sh, main, steal sh, steal rq, spare;\n"
    "balance sh by queued every 5ms when sh[busiest].queued > 1;\n";

#define FIELD(f) offsetof(struct schedc_layout, f)
#define QUEUE(q, f)                                           \
  (FIELD(queues) + (q) * sizeof(struct schedc_queue_layout) + \
   offsetof(struct schedc_queue_layout, f))
#define SOURCE(i, f)                                               \
  (FIELD(dispatch) + (i) * sizeof(struct schedc_dispatch_source) + \
   offsetof(struct schedc_dispatch_source, f))

TEST(Layout, TheCHeaderAndTheRuntimeAgreeOnTheSize) {
  LoweredLayout l;
  lowerLayoutOf(kPolicy, l);
  ASSERT_TRUE(l.value);
  EXPECT_EQ(l.module->getDataLayout().getTypeAllocSize(l.value->getType()),
            sizeof(struct schedc_layout));
}

TEST(Layout, EveryFieldHoldsWhatThePolicyDeclares) {
  LoweredLayout l;
  lowerLayoutOf(kPolicy, l);
  ASSERT_TRUE(l.value);
  EXPECT_EQ(l.at(FIELD(nr_queues)), 4u);
  EXPECT_EQ(l.at(FIELD(nr_dispatch)), 6u);
  EXPECT_EQ(l.at(FIELD(select_mode)), unsigned(SCHEDC_SELECT_PREV));
  EXPECT_EQ(l.at(FIELD(select_direct)), 1u);
  EXPECT_EQ(l.at(FIELD(has_preempt_wakeup)), 0u);
  EXPECT_EQ(l.at(FIELD(has_preempt_tick)), 1u);
  for (unsigned e = 0; e < SCHEDC_ON_NR; ++e)
    EXPECT_EQ(l.at(FIELD(has_handler) + e * sizeof(u32)),
              e == SCHEDC_ON_TICK || e == SCHEDC_ON_STOPPING ? 1u : 0u)
        << "event " << e;
  EXPECT_EQ(l.at(FIELD(uses_task_storage)), 1u);
  EXPECT_EQ(l.at(FIELD(nr_task_fields)), 3u);
  EXPECT_EQ(l.at(FIELD(nr_cpu_fields)), 2u);
  EXPECT_EQ(l.at(FIELD(task_init) + 2 * sizeof(u64)), 13u);
  EXPECT_EQ(l.at(FIELD(cpu_init) + 1 * sizeof(u64)), 22u);
  EXPECT_EQ(l.at(FIELD(tracks_members)), 1u);
  EXPECT_EQ(l.at(FIELD(has_balance)), 1u);
  EXPECT_EQ(l.at(FIELD(balance_queue)), 2u);
  EXPECT_EQ(uint32_t(l.at(FIELD(balance_agg))), uint32_t(SCHEDC_AGG_INDEX_QUEUED));
  EXPECT_EQ(l.at(FIELD(current_attrs)), 0u);

  EXPECT_EQ(l.at(QUEUE(0, kind)), unsigned(SCHEDC_QUEUE_GLOBAL));
  EXPECT_EQ(l.at(QUEUE(1, kind)), unsigned(SCHEDC_QUEUE_PERCPU));
  EXPECT_EQ(l.at(QUEUE(2, kind)), unsigned(SCHEDC_QUEUE_SHARDS));
  EXPECT_EQ(l.at(QUEUE(2, shards)), 5u);
  EXPECT_EQ(l.at(QUEUE(1, ordered)), 1u);
  EXPECT_EQ(l.at(QUEUE(2, ordered)), 0u);
  EXPECT_EQ(l.at(QUEUE(1, nr_aggs)), 2u);
  EXPECT_EQ(l.at(QUEUE(1, agg_kind) + 0 * sizeof(u32)), unsigned(SCHEDC_AGG_SUM));
  EXPECT_EQ(l.at(QUEUE(1, agg_kind) + 1 * sizeof(u32)), unsigned(SCHEDC_AGG_WAVG));
  EXPECT_EQ(l.at(QUEUE(1, has_eligible)), 1u);
  EXPECT_EQ(l.at(QUEUE(1, scan)), 7u);
  EXPECT_EQ(l.at(QUEUE(2, scan)), 9u);
  EXPECT_EQ(l.at(QUEUE(1, fallback_head)), 0u);

  // rq, sh, main, steal sh, steal rq, spare
  const unsigned queues[] = {1, 2, 0, 2, 1, 3};
  const unsigned steals[] = {0, 0, 0, 1, 1, 0};
  for (unsigned i = 0; i < 6; ++i) {
    EXPECT_EQ(l.at(SOURCE(i, queue)), queues[i]) << "source " << i;
    EXPECT_EQ(l.at(SOURCE(i, steal)), steals[i]) << "source " << i;
  }
}

// Balancing by a declared aggregate gives its index; by the built-in `count`,
// the runtime's index for it, and the queue's members are then tracked.
TEST(Layout, BalanceNamesItsQueueAndAggregate) {
  LoweredLayout declared;
  lowerLayoutOf(
      "policy t; queue g: global fifo; queue rq: percpu fifo { n = count(); l = sum(weight); }\n"
      "enqueue into rq; dispatch rq, steal rq, g;\n"
      "balance rq by l every 5ms when rq[busiest].l > rq[this_cpu].l;\n",
      declared);
  ASSERT_TRUE(declared.value);
  EXPECT_EQ(declared.at(FIELD(balance_queue)), 1u);
  EXPECT_EQ(declared.at(FIELD(balance_agg)), 1u);

  LoweredLayout builtin;
  lowerLayoutOf(
      "policy t; queue rq: percpu fifo; enqueue into rq; dispatch rq;\n"
      "balance rq by count every 5ms when true;\n",
      builtin);
  ASSERT_TRUE(builtin.value);
  EXPECT_EQ(uint32_t(builtin.at(FIELD(balance_agg))), uint32_t(SCHEDC_AGG_INDEX_COUNT));
  EXPECT_EQ(builtin.at(FIELD(tracks_members)), 1u);

  LoweredLayout none;
  lowerLayoutOf("policy t; queue rq: percpu fifo; enqueue into rq; dispatch rq;\n", none);
  ASSERT_TRUE(none.value);
  EXPECT_EQ(none.at(FIELD(has_balance)), 0u);
  EXPECT_EQ(none.at(FIELD(tracks_members)), 0u);
}

// ops.running snapshots only the attributes read as `current.ATTR`.
TEST(Layout, CurrentAttrsAreTheOnesRead) {
  LoweredLayout l;
  lowerLayoutOf(
      "policy t; queue q: global fifo; enqueue into q; dispatch q;\n"
      "preempt wakeup when current.nice > 0 && current.weight < 100 && current.runtime > 1ms;\n",
      l);
  ASSERT_TRUE(l.value);
  EXPECT_EQ(l.at(FIELD(current_attrs)),
            (1u << SCHEDC_ATTR_NICE) | (1u << SCHEDC_ATTR_WEIGHT) | (1u << SCHEDC_ATTR_RUNTIME));
}

// cgroups are tracked only for policies that read a cgroup attribute, and the
// runnable tasks' weights counted per cgroup only for group_weight (wherever
// it is read: here only in an aggregate, or as current.group_weight).
TEST(Layout, CgroupsAreTrackedOnlyWhenRead) {
  auto flags = [](const std::string &source) {
    LoweredLayout l;
    lowerLayoutOf(source, l);
    EXPECT_TRUE(l.value) << source;
    if (!l.value) return std::pair<uint64_t, uint64_t>{9, 9};
    return std::pair<uint64_t, uint64_t>{l.at(FIELD(uses_cgroups)), l.at(FIELD(counts_group_load))};
  };
  const std::string queue = "policy t; queue q: global fifo { l = sum(";
  const std::string rest = "); } enqueue into q; dispatch q;\n";
  EXPECT_EQ(flags(queue + "group_weight" + rest), std::make_pair(uint64_t(1), uint64_t(1)));
  EXPECT_EQ(flags(queue + "cgroup_weight" + rest), std::make_pair(uint64_t(1), uint64_t(0)));
  EXPECT_EQ(flags(queue + "nice_weight" + rest), std::make_pair(uint64_t(0), uint64_t(0)));
  EXPECT_EQ(flags("policy t; queue q: global fifo; enqueue into q; dispatch q;\n"
                  "preempt wakeup when current.group_weight > 1000;\n"),
            std::make_pair(uint64_t(1), uint64_t(1)));
}

// A StructInitializer over the runtime's struct schedc_dispatch_source.
struct SourceStruct {
  llvm::LLVMContext context;
  std::unique_ptr<llvm::Module> module;
  llvm::StructType *type = nullptr;
  const llvm::DICompositeType *debugType = nullptr;

  SourceStruct() {
    std::string error;
    module = loadRuntime(context, error);
    if (!module) return;
    llvm::GlobalVariable *layout = module->getNamedGlobal(SCHEDC_LAYOUT_NAME);
    auto *layoutType = llvm::StructType::getTypeByName(context, "struct.schedc_layout");
    if (!layout || !layoutType) return;
    StructInitializer init(module->getDataLayout(), layoutType, debugStructOf(*layout));
    type = init.elementStruct("dispatch");
    debugType = init.elementDebugStruct("dispatch");
  }
  StructInitializer make() { return StructInitializer(module->getDataLayout(), type, debugType); }
  llvm::Constant *u32(uint32_t v) {
    return llvm::ConstantInt::get(llvm::Type::getInt32Ty(context), v);
  }
};

TEST(StructInitializer, SetsFieldsByName) {
  SourceStruct s;
  ASSERT_TRUE(s.type && s.debugType);
  StructInitializer init = s.make();
  init.set("steal", s.u32(1));
  init.set("queue", s.u32(7));
  init.set("steal_within", s.u32(2));
  llvm::Constant *value = init.finish();
  ASSERT_TRUE(value) << init.error();
  EXPECT_EQ(intAt(s.module->getDataLayout(), value, offsetof(schedc_dispatch_source, queue)), 7u);
  EXPECT_EQ(intAt(s.module->getDataLayout(), value, offsetof(schedc_dispatch_source, steal)), 1u);
}

TEST(StructInitializer, AFieldLeftUnsetIsAnError) {
  SourceStruct s;
  ASSERT_TRUE(s.type && s.debugType);
  StructInitializer init = s.make();
  init.set("queue", s.u32(7));
  EXPECT_EQ(init.finish(), nullptr);
  EXPECT_EQ(init.error(),
            "struct schedc_dispatch_source in the runtime: field 'steal' is not set by the "
            "compiler");
}

TEST(StructInitializer, AnUnknownFieldIsAnError) {
  SourceStruct s;
  ASSERT_TRUE(s.type && s.debugType);
  StructInitializer init = s.make();
  init.set("queue", s.u32(7));
  init.set("steal", s.u32(1));
  init.set("stolen", s.u32(1));
  EXPECT_EQ(init.finish(), nullptr);
  EXPECT_NE(init.error().find("no field 'stolen'"), std::string::npos) << init.error();
}

TEST(StructInitializer, AValueOfTheWrongTypeOrASecondValueIsAnError) {
  SourceStruct s;
  ASSERT_TRUE(s.type && s.debugType);
  StructInitializer wrongType = s.make();
  wrongType.set("queue", llvm::ConstantInt::get(llvm::Type::getInt64Ty(s.context), 7));
  EXPECT_NE(wrongType.error().find("'queue' is given a value of another type"), std::string::npos)
      << wrongType.error();
  StructInitializer twice = s.make();
  twice.set("queue", s.u32(7));
  twice.set("queue", s.u32(8));
  EXPECT_NE(twice.error().find("'queue' is set twice"), std::string::npos) << twice.error();
}

TEST(StructInitializer, NoDebugInfoIsAnError) {
  SourceStruct s;
  ASSERT_TRUE(s.type);
  StructInitializer init(s.module->getDataLayout(), s.type, nullptr);
  init.set("queue", s.u32(7));
  init.set("steal", s.u32(1));
  EXPECT_EQ(init.finish(), nullptr);
  EXPECT_NE(init.error().find("no debug info"), std::string::npos) << init.error();
}

}  // namespace
}  // namespace schedc
