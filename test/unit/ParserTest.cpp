// The grammar and the AST builder: structure, literals, syntax errors, limits.
#include <gtest/gtest.h>

#include <algorithm>

#include "FrontendTestUtil.h"
#include "SchedcLexer.h"
#include "SchedcParser.h"

using namespace schedc;
using namespace schedc::test;

// schedc builds the generated lexer's and parser's tables without ANTLR's
// check of their structure (LazyParserTables.cmake); the check runs here.
TEST(Parser, GeneratedTablesPassAntlrsCheck) {
  antlr4::ANTLRInputStream input("policy p;");
  schedc_grammar::SchedcLexer lexer(&input);
  antlr4::CommonTokenStream tokens(&lexer);
  schedc_grammar::SchedcParser parser(&tokens);
  antlr4::atn::ATNDeserializer deserializer;
  EXPECT_NO_THROW(deserializer.verifyATN(lexer.getATN()));
  EXPECT_NO_THROW(deserializer.verifyATN(parser.getATN()));
}

// The structure of a policy using every construct is pinned by the golden
// dump in test/lit/ast/constructs.sched (schedc --dump-ast).

TEST(Parser, StdlibFifoBuildsTheExpectedAst) {
  Result r = compile(readSource("stdlib/fifo.sched"));
  ASSERT_TRUE(r.ok) << r.output;
  EXPECT_EQ(r.output, "");
  const Policy &p = *r.policy;
  EXPECT_EQ(p.name, "fifo");
  EXPECT_EQ(p.fileName, "test.sched");
  EXPECT_FALSE(p.source.empty());
  ASSERT_EQ(p.params.size(), 1u);
  EXPECT_EQ(p.params[0].name, "slice");  // a keyword that is also a name
  EXPECT_TRUE(p.params[0].allowInfinite);
  EXPECT_EQ(p.params[0].max, 10000000000u);
  EXPECT_EQ(p.queues[0].kind, QueueKind::Global);
  EXPECT_FALSE(p.queues[0].orderKey);
  EXPECT_TRUE(p.selectCpu.direct);
  EXPECT_EQ(p.selectCpu.mode, SelectCpuMode::Default);
  ASSERT_TRUE(p.enqueueRules[0].slice);
  EXPECT_EQ(p.enqueueRules[0].slice->ref.kind, RefKind::Param);
}

TEST(Parser, IntegerAndDurationLiterals) {
  Result r =
      compile(withQueue("global a: u64 = 0x7f;\nglobal b: u64 = 1_000;\n"
                        "global c: duration = 750us;\nglobal d: duration = 1s;\n"
                        "global e: duration = 20ns;\nglobal f: s64 = -9223372036854775808;\n"));
  ASSERT_TRUE(r.ok) << r.output;
  const auto &g = r.policy->globalFields;
  EXPECT_EQ(g[0].initialValue, 0x7fu);
  EXPECT_EQ(g[1].initialValue, 1000u);
  EXPECT_EQ(g[2].initialValue, 750000u);
  EXPECT_EQ(g[3].initialValue, 1000000000u);
  EXPECT_EQ(g[4].initialValue, 20u);
  EXPECT_EQ(g[5].initialValue, uint64_t(1) << 63);
}

TEST(Parser, HugeLiteralsAreErrors) {
  EXPECT_NE(compile(withQueue("global a: u64 = 18446744073709551616;\n")).output.find("too large"),
            std::string::npos);
  EXPECT_NE(
      compile(withQueue("global a: duration = 18446744073709551615s;\n")).output.find("too large"),
      std::string::npos);
  EXPECT_NE(
      compile(withQueue("global a: s64 = 9223372036854775808;\n")).output.find("does not fit"),
      std::string::npos);
  Result ok = compile(withQueue("global a: u64 = 18446744073709551615;\n"));
  EXPECT_TRUE(ok.ok) << ok.output;
}

TEST(Parser, PrecedenceFollowsRust) {
  Result r = compile(
      withQueue("global g: bool;\non tick { g = 1 + 2 * 3 == 7 && !false || 1 << 2 & 3 > 0; }\n"));
  ASSERT_TRUE(r.ok) << r.output;
  const Expr &e = *r.policy->handlers[0].body[0]->value;
  ASSERT_EQ(e.binaryOp, BinaryOp::Or);
  const Expr &andExpr = *e.operands[0];
  EXPECT_EQ(andExpr.binaryOp, BinaryOp::And);
  const Expr &eq = *andExpr.operands[0];
  EXPECT_EQ(eq.binaryOp, BinaryOp::Eq);
  EXPECT_EQ(eq.operands[0]->binaryOp, BinaryOp::Add);
  EXPECT_EQ(eq.operands[0]->operands[1]->binaryOp, BinaryOp::Mul);
  const Expr &gt = *e.operands[1];
  EXPECT_EQ(gt.binaryOp, BinaryOp::Gt);
  EXPECT_EQ(gt.operands[0]->binaryOp, BinaryOp::BitAnd);
  EXPECT_EQ(gt.operands[0]->operands[0]->binaryOp, BinaryOp::Shl);
}

TEST(Parser, ElseIfNestsInTheElseBody) {
  Result r =
      compile(withQueue("global g: u64;\non tick { if pid > 1 { g = 1; } else if pid > 2 { g = 2; "
                        "} else { g = 3; } }\n"));
  ASSERT_TRUE(r.ok) << r.output;
  const Stmt &s = *r.policy->handlers[0].body[0];
  ASSERT_EQ(s.kind, StmtKind::If);
  ASSERT_EQ(s.elseBody.size(), 1u);
  const Stmt &inner = *s.elseBody[0];
  EXPECT_EQ(inner.kind, StmtKind::If);
  EXPECT_EQ(inner.thenBody.size(), 1u);
  EXPECT_EQ(inner.elseBody.size(), 1u);
  EXPECT_EQ(inner.elseBody[0]->kind, StmtKind::Assign);
}

TEST(Parser, MembersAndIndexes) {
  Result r = compile(
      "policy t;\nqueue rq: percpu fifo;\nqueue g: global fifo;\nglobal x: u64;\n"
      "enqueue into rq;\ndispatch rq, g, steal rq;\non tick { x = rq[cpu].count + g.count; }\n");
  ASSERT_TRUE(r.ok) << r.output;
  const Expr &sum = *r.policy->handlers[0].body[0]->value;
  const Expr &a = *sum.operands[0];
  ASSERT_EQ(a.kind, ExprKind::Member);
  EXPECT_EQ(a.text, "count");
  ASSERT_EQ(a.operands[0]->kind, ExprKind::Index);
  EXPECT_EQ(a.operands[0]->operands[0]->text, "rq");
  EXPECT_EQ(a.operands[0]->operands[1]->text, "cpu");
  const Expr &b = *sum.operands[1];
  EXPECT_EQ(b.operands[0]->kind, ExprKind::Name);
  EXPECT_EQ(b.ref.kind, RefKind::Aggregate);
  EXPECT_EQ(b.ref.index, 1);
  EXPECT_EQ(b.ref.builtinAggregate, BuiltinAggregate::Count);
}

TEST(Parser, EnqueueTargetsAndSlices) {
  Result r = compile(
      "policy t;\nqueue rq: shards(4) fifo;\nenqueue when is_kthread into local slice infinite;\n"
      "enqueue when nice < 0 into rq[pid] slice 2ms;\nenqueue into rq;\ndispatch rq, steal rq;\n");
  ASSERT_TRUE(r.ok) << r.output;
  const auto &rules = r.policy->enqueueRules;
  EXPECT_TRUE(rules[0].toLocal);
  EXPECT_TRUE(rules[0].infiniteSlice);
  EXPECT_EQ(rules[0].queueIndex, -1);
  EXPECT_TRUE(rules[1].instance);
  EXPECT_EQ(rules[1].slice->intValue, 2000000u);
  EXPECT_EQ(r.policy->queues[0].shards, 4u);
  EXPECT_FALSE(rules[2].slice);
}

TEST(Parser, SyntaxErrorsAreReadableAndStop) {
  Result r = compile("policy t;\nqueue main: global fifo;\nenqueue into main\ndispatch main;\n");
  EXPECT_FALSE(r.policy);
  EXPECT_EQ(r.output,
            "test.sched:3:18: error: expected ';' after the enqueue rule\n"
            "enqueue into main\n"
            "                 ^\n");
}

TEST(Parser, OnlyTheFirstSyntaxErrorIsReported) {
  Result r = compile("policy t;\nqueue main: global fifo fifo;\nenqueue into;\ndispatch ;\n");
  EXPECT_FALSE(r.policy);
  EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '^'), 1);
}

TEST(Parser, EmptyFileNeedsPolicy) {
  for (const char *source : {"", "   \n\n", "// only a comment\n", "/* */"}) {
    Result r = compile(source);
    EXPECT_FALSE(r.policy);
    EXPECT_EQ(r.output.rfind("test.sched:1:1: error: expected `policy NAME;`", 0), 0u) << r.output;
  }
}

TEST(Parser, NulByteIsAnErrorWithPosition) {
  Result r = compile(std::string("policy t;\nqu\0eue", 16));
  EXPECT_FALSE(r.policy);
  EXPECT_EQ(r.output.rfind("test.sched:2:3: error: NUL byte", 0), 0u) << r.output;
}

TEST(Parser, InvalidUtf8IsAnErrorWithPosition) {
  Result r = compile("policy t;\n// caf\xc3\xa9 \xff\n");
  EXPECT_FALSE(r.policy);
  EXPECT_EQ(r.output.rfind("test.sched:2:10: error: invalid UTF-8", 0), 0u) << r.output;
  // Valid UTF-8 in comments is fine, and columns after it count bytes.
  Result ok = compile(
      "policy t; // \xc3\xa9\xc3\xa9\nqueue main: global fifo;\nenqueue into main;\ndispatch "
      "main;\n"
      "global g: u64;\non tick { /* \xc3\xa9 */ g = -1; }\n");
  EXPECT_NE(ok.output.find("test.sched:6:24: error"), std::string::npos) << ok.output;
}

TEST(Parser, InputOver16MiBIsRejected) {
  std::string big = "policy t;\n" + std::string(kMaxSourceBytes, ' ');
  Result r = compile(big);
  EXPECT_FALSE(r.policy);
  EXPECT_EQ(r.output, "test.sched: error: input is larger than 16 MiB\n");
}

TEST(Parser, TenThousandNestedParenthesesDoNotCrash) {
  std::string deep = std::string(10000, '(') + "1" + std::string(10000, ')');
  Result r = compile(withQueue("global g: u64;\non tick { g = " + deep + "; }\n"));
  EXPECT_FALSE(r.policy);
  EXPECT_NE(r.output.find("nesting is too deep"), std::string::npos);
}

TEST(Parser, TenThousandPrefixOperatorsDoNotCrash) {
  Result r =
      compile(withQueue("global g: bool;\non tick { g = " + std::string(10000, '!') + "true; }\n"));
  EXPECT_FALSE(r.policy);
  EXPECT_NE(r.output.find("nesting is too deep"), std::string::npos);
}

TEST(Parser, DeepBlocksDoNotCrash) {
  std::string body;
  for (int i = 0; i < 5000; ++i) body += "if true { ";
  for (int i = 0; i < 5000; ++i) body += "} ";
  Result r = compile(withQueue("on tick { " + body + "}\n"));
  EXPECT_FALSE(r.policy);
  EXPECT_NE(r.output.find("too deep"), std::string::npos);
}

TEST(Parser, LongOperatorChainsAreLimitedNotCrashing) {
  std::string chain = "1";
  for (int i = 0; i < 100000; ++i) chain += " + 1";
  Result r = compile(withQueue("global g: u64;\non tick { g = " + chain + "; }\n"));
  EXPECT_FALSE(r.policy);
  EXPECT_NE(r.output.find("nested too deeply"), std::string::npos);
  // A long else-if chain is nesting too.
  std::string ifs = "if pid == 0 { }";
  for (int i = 0; i < 20000; ++i) ifs += " else if pid == 1 { }";
  Result r2 = compile(withQueue("on tick { " + ifs + " }\n"));
  EXPECT_FALSE(r2.policy);
  EXPECT_NE(r2.output.find("nested too deeply"), std::string::npos);
}

TEST(Parser, ModerateNestingIsFine) {
  std::string deep = std::string(100, '(') + "1" + std::string(100, ')');
  Result r = compile(withQueue("global g: u64;\non tick { g = " + deep + "; }\n"));
  EXPECT_TRUE(r.ok) << r.output;
}

TEST(Parser, PolicyNamesMayHoldDotsDigitsAndKeywords) {
  Result r =
      compile("policy eevdf.v2_1;\nqueue main: global fifo;\nenqueue into main;\ndispatch main;\n");
  ASSERT_TRUE(r.ok) << r.output;
  EXPECT_EQ(r.policy->name, "eevdf.v2_1");
  EXPECT_FALSE(
      compile("policy a b;\nqueue main: global fifo;\nenqueue into main;\ndispatch main;\n").ok);
  EXPECT_FALSE(compile("policy " + std::string(128, 'a') +
                       ";\nqueue main: global fifo;\nenqueue into main;\ndispatch main;\n")
                   .ok);
}

TEST(Parser, LexicalErrors) {
  EXPECT_NE(
      compile(withQueue("param x: duration = 10sec;\n")).output.find("invalid number '10sec'"),
      std::string::npos);
  EXPECT_NE(compile(withQueue("/* open\n")).output.find("unterminated comment"), std::string::npos);
  EXPECT_NE(compile(withQueue("$\n")).output.find("unexpected character '$'"), std::string::npos);
}
