// schedrun's logic that needs no kernel (runtime/loader, schedrun_core): the
// metadata parser, --set values, exit kinds, the command line and the
// control socket's protocol.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <thread>

#include "control_socket.h"
#include "ejection.h"
#include "exit_kind.h"
#include "failure.h"
#include "meta.h"
#include "options.h"
#include "schedc_abi.h"
#include "stats.h"
#include "tunables.h"

namespace schedrun {
namespace {

// What `f` failed with, as "CODE: message"; "ok" if it did not throw.
template <typename F>
std::string failureOf(F f) {
  try {
    f();
  } catch (const Failure &failure) {
    return std::to_string(failure.code()) + ": " + failure.what();
  }
  return "ok";
}

bool contains(const std::string &text, const std::string &part) {
  return text.find(part) != std::string::npos;
}

const char kGoodMeta[] =
    "schedc-meta 1\n"
    "policy demo\n"
    "param slice duration 20000000 100000 10000000000 1\n"
    "param bias s64 -3 -10 10 0\n"
    "param on bool 1 0 1 0 1\n"
    "hint urgent bool 0 0 1 task\n"
    "hint tier u64 1 0 3 process\n"
    "queue main global 1\n"
    "queue sh shards 4\n"
    "counter hits\n"
    "compiler schedc 0.1.0 llvm 19.1.7\n"
    "source sha256 00ff\n";

TEST(LoaderMeta, ParsesEveryKindOfLine) {
  Meta meta = parse_meta(kGoodMeta);
  EXPECT_EQ(meta.policy, "demo");
  ASSERT_EQ(meta.params.size(), 3u);
  EXPECT_EQ(meta.params[0].name, "slice");
  EXPECT_EQ(meta.params[0].type, ParamType::Duration);
  EXPECT_EQ(meta.params[0].def, 20000000u);
  EXPECT_EQ(meta.params[0].min, 100000u);
  EXPECT_EQ(meta.params[0].max, 10000000000u);
  EXPECT_TRUE(meta.params[0].infinite);
  EXPECT_EQ(meta.params[1].type, ParamType::S64);
  EXPECT_EQ(static_cast<int64_t>(meta.params[1].def), -3);
  EXPECT_EQ(static_cast<int64_t>(meta.params[1].min), -10);
  EXPECT_FALSE(meta.params[1].infinite);
  EXPECT_EQ(meta.params[2].type, ParamType::Bool);
  // LIVE, the seventh field, is absent from older objects' lines.
  EXPECT_FALSE(meta.params[0].live);
  EXPECT_TRUE(meta.params[2].live);
  ASSERT_EQ(meta.hints.size(), 2u);
  EXPECT_EQ(meta.hints[0].value.name, "urgent");
  EXPECT_EQ(meta.hints[0].value.type, ParamType::Bool);
  EXPECT_FALSE(meta.hints[0].per_process);
  EXPECT_EQ(meta.hints[1].value.max, 3u);
  EXPECT_TRUE(meta.hints[1].per_process);
  EXPECT_TRUE(contains(failureOf([] { parse_meta("schedc-meta 1\nhint x u64 0 0 1 thread\n"); }),
                       "bad hint scope 'thread'"));
  ASSERT_EQ(meta.queues.size(), 2u);
  EXPECT_EQ(meta.queues[1].name, "sh");
  EXPECT_EQ(meta.queues[1].kind, "shards");
  EXPECT_EQ(meta.queues[1].shards, 4u);
  EXPECT_EQ(meta.counters, std::vector<std::string>{"hits"});
  EXPECT_EQ(meta.compiler, "schedc 0.1.0 llvm 19.1.7");
  EXPECT_EQ(meta.source_sha256, "00ff");
}

TEST(LoaderMeta, SkipsUnknownKeysAndNamesAnUnnamedPolicy) {
  Meta meta = parse_meta("schedc-meta 1\nfuture thing 1 2\n\ncounter c\n");
  EXPECT_EQ(meta.policy, "unnamed");
  EXPECT_EQ(meta.counters.size(), 1u);
}

TEST(LoaderMeta, RejectsMalformedInputWithAClearError) {
  EXPECT_EQ(failureOf([] { parse_meta(""); }), "1: metadata has no 'schedc-meta' header");
  EXPECT_EQ(failureOf([] { parse_meta("policy x\n"); }), "1: metadata has no 'schedc-meta' header");
  EXPECT_EQ(failureOf([] { parse_meta("schedc-meta 2\n"); }),
            "1: metadata version 2 is not supported (this schedrun reads version 1)");
  EXPECT_EQ(failureOf([] { parse_meta("schedc-meta 1\nparam slice duration 1 2\n"); }),
            "1: malformed metadata line: param slice duration 1 2");
  EXPECT_EQ(failureOf([] { parse_meta("schedc-meta 1\nparam x u64 abc 0 1 0\n"); }),
            "1: bad number 'abc' in metadata line: param x u64 abc 0 1 0");
  EXPECT_EQ(failureOf([] { parse_meta("schedc-meta 1\nparam x u64 -1 0 1 0\n"); }),
            "1: bad number '-1' in metadata line: param x u64 -1 0 1 0");
  EXPECT_EQ(
      failureOf([] { parse_meta("schedc-meta 1\nparam x u64 99999999999999999999 0 1 0\n"); }),
      "1: bad number '99999999999999999999' in metadata line: param x u64 "
      "99999999999999999999 0 1 0");
  EXPECT_EQ(failureOf([] { parse_meta("schedc-meta 1\nparam x f32 1 0 1 0\n"); }),
            "1: unknown parameter type 'f32' in metadata line: param x f32 1 0 1 0");
  EXPECT_EQ(failureOf([] { parse_meta("schedc-meta 1\nqueue q global\n"); }),
            "1: malformed metadata line: queue q global");
}

TEST(LoaderMeta, RejectsMoreThanTheAbiAllows) {
  std::string text = "schedc-meta 1\n";
  for (int q = 0; q <= SCHEDC_MAX_QUEUES; ++q)
    text += "queue q" + std::to_string(q) + " global 1\n";
  EXPECT_EQ(failureOf([&] { parse_meta(text); }),
            "1: metadata declares more params/queues/counters than the ABI allows");
}

TEST(LoaderMeta, EveryTruncationParsesOrFailsCleanly) {
  const std::string text = kGoodMeta;
  for (size_t n = 0; n <= text.size(); ++n) {
    std::string result = failureOf([&] { parse_meta(text.substr(0, n)); });
    EXPECT_TRUE(result == "ok" || result.rfind("1: ", 0) == 0) << n << ": " << result;
  }
}

TEST(LoaderMeta, ReadMetaRejectsWhatIsNotASchedcObject) {
  EXPECT_TRUE(contains(failureOf([] { read_meta("/nonexistent/x.bpf.o"); }),
                       "1: cannot open /nonexistent/x.bpf.o"));
  char path[] = "/tmp/schedc-loader-test-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  FILE *file = fdopen(fd, "w");
  fputs(kGoodMeta, file);
  fclose(file);
  EXPECT_EQ(failureOf([&] { read_meta(path); }), std::string("1: ") + path + " is not an ELF file");
  remove(path);
}

Param param(ParamType type, uint64_t def, uint64_t min, uint64_t max, bool infinite = false) {
  Param p;
  p.name = "t";
  p.type = type;
  p.def = def;
  p.min = min;
  p.max = max;
  p.infinite = infinite;
  return p;
}

TEST(LoaderTunables, DurationsTakeUnits) {
  Param p = param(ParamType::Duration, 3000000, 100000, 10000000000, true);
  EXPECT_EQ(parse_tunable(p, "750us"), 750000u);
  EXPECT_EQ(parse_tunable(p, "3ms"), 3000000u);
  EXPECT_EQ(parse_tunable(p, "1s"), 1000000000u);
  EXPECT_EQ(parse_tunable(p, "20000000"), 20000000u);
  EXPECT_EQ(parse_tunable(p, "200000ns"), 200000u);
  EXPECT_EQ(parse_tunable(p, "infinite"), SCHEDC_INFINITE);
  EXPECT_EQ(format_tunable(p, 3000000), "3ms");
  EXPECT_EQ(format_tunable(p, SCHEDC_INFINITE), "infinite");
}

TEST(LoaderTunables, DurationsOutOfRangeOrMalformedAreRejected) {
  Param p = param(ParamType::Duration, 3000000, 100000, 10000000000);
  EXPECT_EQ(failureOf([&] { parse_tunable(p, "50us"); }), "1: --set t=50us: out of range");
  EXPECT_EQ(failureOf([&] { parse_tunable(p, "11s"); }), "1: --set t=11s: out of range");
  EXPECT_EQ(failureOf([&] { parse_tunable(p, "infinite"); }),
            "1: --set t=infinite: this tunable cannot be infinite");
  for (const char *bad : {"3 ms", "ms", "3mss", "3h", "-1ms", "", "3.5ms", "99999999999s"})
    EXPECT_TRUE(contains(failureOf([&] { parse_tunable(p, bad); }), "not a duration"))
        << "'" << bad << "'";
}

TEST(LoaderTunables, SignedDurationsTakeANegativeValue) {
  Param p = param(ParamType::SDuration, 0, static_cast<uint64_t>(-5000000), 5000000);
  EXPECT_EQ(static_cast<int64_t>(parse_tunable(p, "-2ms")), -2000000);
  EXPECT_EQ(failureOf([&] { parse_tunable(p, "-6ms"); }), "1: --set t=-6ms: out of range");
  EXPECT_EQ(format_tunable(p, static_cast<uint64_t>(-2000000)), "-2ms");
}

TEST(LoaderTunables, Booleans) {
  Param p = param(ParamType::Bool, 1, 0, 1);
  EXPECT_EQ(parse_tunable(p, "true"), 1u);
  EXPECT_EQ(parse_tunable(p, "1"), 1u);
  EXPECT_EQ(parse_tunable(p, "false"), 0u);
  EXPECT_EQ(parse_tunable(p, "0"), 0u);
  EXPECT_EQ(failureOf([&] { parse_tunable(p, "yes"); }), "1: --set t=yes: not a boolean");
  EXPECT_EQ(failureOf([&] { parse_tunable(p, "2"); }), "1: --set t=2: not a boolean");
}

TEST(LoaderTunables, Integers) {
  Param u = param(ParamType::U64, 0, 0, UINT64_MAX);
  EXPECT_EQ(parse_tunable(u, "18446744073709551615"), UINT64_MAX);
  EXPECT_TRUE(contains(failureOf([&] { parse_tunable(u, "18446744073709551616"); }),
                       "not an unsigned integer"));
  EXPECT_TRUE(contains(failureOf([&] { parse_tunable(u, "-1"); }), "not an unsigned integer"));
  EXPECT_TRUE(contains(failureOf([&] { parse_tunable(u, "5ms"); }), "not an unsigned integer"));
  Param bounded = param(ParamType::U64, 5, 1, 10);
  EXPECT_EQ(failureOf([&] { parse_tunable(bounded, "11"); }), "1: --set t=11: out of range");
  EXPECT_EQ(failureOf([&] { parse_tunable(bounded, "0"); }), "1: --set t=0: out of range");

  Param s = param(ParamType::S64, 0, static_cast<uint64_t>(INT64_MIN), INT64_MAX);
  EXPECT_EQ(static_cast<int64_t>(parse_tunable(s, "-9223372036854775808")), INT64_MIN);
  EXPECT_EQ(static_cast<int64_t>(parse_tunable(s, "-5")), -5);
  EXPECT_TRUE(
      contains(failureOf([&] { parse_tunable(s, "9223372036854775808"); }), "not an integer"));
}

TEST(LoaderTunables, ResolveAppliesSetsByNameInOrder) {
  Meta meta = parse_meta(kGoodMeta);
  EXPECT_EQ(resolve_tunables(meta, {}),
            (std::vector<uint64_t>{20000000, static_cast<uint64_t>(-3), 1}));
  EXPECT_EQ(resolve_tunables(meta, {"slice=1ms", "on=false", "slice=2ms"}),
            (std::vector<uint64_t>{2000000, static_cast<uint64_t>(-3), 0}));
  EXPECT_EQ(failureOf([&] { resolve_tunables(meta, {"nope=1"}); }),
            "1: --set nope=1: policy 'demo' has no tunable 'nope'");
  // From the values in force (`schedrun set`): only the named ones change.
  std::vector<uint64_t> running = {5000000, 7, 0};
  EXPECT_EQ(resolve_tunables(meta, {"on=true"}, running), (std::vector<uint64_t>{5000000, 7, 1}));
  EXPECT_EQ(param_index(meta, "on=true"), 2u);
  EXPECT_EQ(failureOf([&] { resolve_tunables(meta, {"slice"}); }),
            "1: --set slice: expected NAME=VALUE");
  EXPECT_EQ(failureOf([&] { resolve_tunables(meta, {"=3ms"}); }),
            "1: --set =3ms: expected NAME=VALUE");
  try {
    resolve_tunables(meta, {"nope=1"});
  } catch (const Failure &failure) {
    EXPECT_EQ(failure.hint(), "valid tunables: slice, bias, on");
  }
}

TEST(LoaderExitKind, NamesTheKnownKindsAndTheUnknown) {
  EXPECT_EQ(exit_kind_name(0), "SCX_EXIT_NONE (0)");
  EXPECT_EQ(exit_kind_name(1), "SCX_EXIT_DONE (1)");
  EXPECT_EQ(exit_kind_name(64), "SCX_EXIT_UNREG (64)");
  EXPECT_EQ(exit_kind_name(65), "SCX_EXIT_UNREG_BPF (65)");
  EXPECT_EQ(exit_kind_name(66), "SCX_EXIT_UNREG_KERN (66)");
  EXPECT_EQ(exit_kind_name(67), "SCX_EXIT_SYSRQ (67)");
  EXPECT_EQ(exit_kind_name(1024), "SCX_EXIT_ERROR (1024)");
  EXPECT_EQ(exit_kind_name(1025), "SCX_EXIT_ERROR_BPF (1025)");
  EXPECT_EQ(exit_kind_name(1026), "SCX_EXIT_ERROR_STALL (1026)");
  EXPECT_EQ(exit_kind_name(12345), "SCX_EXIT_UNKNOWN (12345)");
  EXPECT_EQ(exit_kind_name(-1), "SCX_EXIT_UNKNOWN (-1)");
  EXPECT_FALSE(exit_kind_is_error(64));
  EXPECT_TRUE(exit_kind_is_error(1024));
  EXPECT_TRUE(exit_kind_is_error(1026));
}

// The shape of the kernel's dump (kernel/sched/ext.c, scx_dump_state): per
// CPU, its tasks, each with its fields up to a blank line.
const char kStallDump[] =
    "demo: root\n"
    "kworker/u8:0[12] triggered exit kind 1026 on CPU 0:\n"
    "  runnable task stall (stuck[114] failed to run for 2.012s)\n"
    "\n"
    "CPU 0   : nr_run=1 flags=0x1 cpu_rel=0 ksync=129\n"
    "\n"
    "  R other[7] *root -12ms\n"
    "      sticky/holding_cpu=-1/-1 dsq_id=0x8000000000000002\n"
    "\n"
    "  R stuck[114] *root -2012ms\n"
    "      scx_state/flags=4/0x3 dsq_flags=0x0 ops_state/qseq=0/0\n"
    "      sticky/holding_cpu=-1/-1 dsq_id=0x200000001\n"
    "      dsq_vtime=0 slice=20000000 weight=100\n"
    "\n";

Meta twoQueues() {
  Meta meta;
  meta.policy = "demo";
  meta.queues.push_back({"main", "global", 1});
  meta.queues.push_back({"rq", "per_cpu", 1});
  return meta;
}

TEST(LoaderEjection, NamesTheTaskItsQueueAndWhatItDid) {
  std::vector<std::string> lines = explain_ejection("stuck[114] failed to run for 2.012s",
                                                    kStallDump, twoQueues(), {{50, 0}, {31, 2}});
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "task stuck[114] waited 2.012s in queue 'rq' (instance 1)");
  EXPECT_EQ(lines[1], "'rq' held 2 tasks and dispatched 31 since attach");
  EXPECT_TRUE(contains(lines[2], "dispatched other tasks but not this one")) << lines[2];
  EXPECT_TRUE(contains(lines[2], "`eligible when`")) << lines[2];
}

TEST(LoaderEjection, AQueueThatDispatchedNothing) {
  std::vector<std::string> lines = explain_ejection("stuck[114] failed to run for 2.012s",
                                                    kStallDump, twoQueues(), {{0, 0}, {0, 1}});
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[1], "'rq' held 1 task and dispatched none since attach");
  EXPECT_TRUE(contains(lines[2], "no CPU took a task from 'rq'")) << lines[2];
  EXPECT_TRUE(contains(lines[2], "`steal rq`")) << lines[2];
}

TEST(LoaderEjection, AsOneJsonLine) {
  EXPECT_EQ(json_string("a \"b\" \\ c\n\x01"), "\"a \\\"b\\\" \\\\ c\\n\\u0001\"");
  EXPECT_EQ(ejection_json("demo", "SCX_EXIT_ERROR_STALL (1026)", 0, "runnable task stall",
                          "x[1] failed to run for 2s", {"task x[1] waited 2s", "hint: \"q\""}),
            "{\"policy\":\"demo\",\"event\":\"ejected\",\"exit_kind\":\"SCX_EXIT_ERROR_STALL "
            "(1026)\",\"exit_code\":0,\"reason\":\"runnable task stall\",\"message\":\"x[1] "
            "failed to run for 2s\",\"reading\":[\"task x[1] waited 2s\",\"hint: \\\"q\\\"\"]}\n");
}

TEST(LoaderEjection, BuiltinQueuesAndOtherMessages) {
  std::vector<std::string> local = explain_ejection("other[7] failed to run for 31.5s", kStallDump,
                                                    twoQueues(), {{1, 0}, {1, 0}});
  ASSERT_EQ(local.size(), 2u);
  EXPECT_EQ(local[0],
            "task other[7] waited 31.5s in a CPU's local DSQ, where the kernel runs tasks in "
            "order: a task ahead of it kept the CPU");
  std::vector<std::string> unlisted =
      explain_ejection("gone[9] failed to run for 3s", kStallDump, twoQueues(), {{1, 0}, {1, 0}});
  ASSERT_EQ(unlisted.size(), 1u);
  EXPECT_EQ(unlisted[0], "task gone[9] waited 3s without running");
  EXPECT_TRUE(explain_ejection("watchdog failed to check in for 2.004s", kStallDump, twoQueues(),
                               {{0, 0}, {0, 0}})
                  .empty());
}

Options parse(std::vector<std::string> args) {
  std::vector<char *> argv;
  args.insert(args.begin(), "schedrun");
  for (std::string &arg : args) argv.push_back(arg.data());
  return parse_options(static_cast<int>(argv.size()), argv.data());
}

TEST(LoaderOptions, ParsesSetsTheObjectAndTheWorkload) {
  Options o = parse({"--set", "a=1", "--set=b=2ms", "--interval=0.5", "-q", "obj.bpf.o", "--",
                     "sleep", "--set", "1"});
  EXPECT_EQ(o.object, "obj.bpf.o");
  EXPECT_EQ(o.sets, (std::vector<std::string>{"a=1", "b=2ms"}));
  EXPECT_DOUBLE_EQ(o.interval_s, 0.5);
  EXPECT_TRUE(o.quiet);
  EXPECT_EQ(o.workload, (std::vector<std::string>{"sleep", "--set", "1"}));
}

TEST(LoaderOptions, SocketAndItsClients) {
  EXPECT_EQ(parse({"--socket", "/run/s.sock", "obj.bpf.o"}).socket, "/run/s.sock");
  Options stats = parse({"stats", "/run/s.sock"});
  EXPECT_EQ(stats.client, "stats");
  EXPECT_EQ(stats.client_socket, "/run/s.sock");
  EXPECT_TRUE(contains(failureOf([] { parse({"stats"}); }), "usage: schedrun stats SOCKET"));

  Options sw = parse({"switch", "/run/s.sock", "fifo.bpf.o", "--set", "a=1", "--set=b=2ms"});
  EXPECT_EQ(sw.client, "switch");
  EXPECT_EQ(sw.client_socket, "/run/s.sock");
  EXPECT_EQ(sw.object, "fifo.bpf.o");
  EXPECT_EQ(sw.sets, (std::vector<std::string>{"a=1", "b=2ms"}));
  EXPECT_TRUE(contains(failureOf([] {
                         parse({"switch", "/run/s.sock"});
                       }),
                       "usage: schedrun switch SOCKET OBJ"));
  EXPECT_TRUE(contains(failureOf([] {
                         parse({"switch", "/run/s.sock", "o", "-q"});
                       }),
                       "unexpected argument -q"));

  Options hint = parse({"hint", "/run/s.sock", "1234", "urgent=true"});
  EXPECT_EQ(hint.client, "hint");
  EXPECT_EQ(hint.hint_pid, "1234");
  EXPECT_EQ(hint.sets, (std::vector<std::string>{"urgent=true"}));
  EXPECT_TRUE(contains(failureOf([] {
                         parse({"hint", "/run/s.sock", "1234"});
                       }),
                       "usage: schedrun hint SOCKET PID"));

  Options set = parse({"set", "/run/s.sock", "boost=true", "quantum=2ms"});
  EXPECT_EQ(set.client, "set");
  EXPECT_EQ(set.sets, (std::vector<std::string>{"boost=true", "quantum=2ms"}));
  EXPECT_TRUE(contains(failureOf([] {
                         parse({"set", "/run/s.sock"});
                       }),
                       "usage: schedrun set SOCKET NAME=VALUE"));
}

TEST(ControlSocket, SplitsRequestsAtTabs) {
  EXPECT_EQ(split_request("switch\t/a b/c.o\tx=1"),
            (std::vector<std::string>{"switch", "/a b/c.o", "x=1"}));
  EXPECT_EQ(split_request("stats"), (std::vector<std::string>{"stats"}));
  EXPECT_TRUE(split_request("").empty());
  EXPECT_EQ(split_request("\tstats\t\t"), (std::vector<std::string>{"stats"}));
}

// A client in another thread, the server polled here as schedrun's loop does.
TEST(ControlSocket, AnswersEachRequestWithTheClientsUser) {
  char dir[] = "/tmp/control-test.XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  std::string path = std::string(dir) + "/s.sock";
  std::vector<Request> seen;
  {
    ControlSocket socket(path);
    std::string answer;
    std::thread client([&] {
      int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
      ASSERT_GE(fd, 0);
      sockaddr_un addr{};
      addr.sun_family = AF_UNIX;
      ASSERT_LT(path.size(), sizeof(addr.sun_path));
      memcpy(addr.sun_path, path.c_str(), path.size() + 1);
      ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof(addr)), 0);
      // The line arrives in two parts: the server must wait for all of it.
      EXPECT_EQ(send(fd, "switch\t/x.o", 11, MSG_NOSIGNAL), 11);
      std::this_thread::sleep_for(std::chrono::milliseconds(30));
      EXPECT_EQ(send(fd, "\tq=1\n", 5, MSG_NOSIGNAL), 5);
      char buf[64];
      ssize_t n;
      while ((n = read(fd, buf, sizeof(buf))) > 0) answer.append(buf, static_cast<size_t>(n));
      close(fd);
    });
    for (int i = 0; i < 200 && seen.empty(); i++) {
      socket.serve([&](const Request &r) {
        seen.push_back(r);
        return std::string("ok\ndone\n");
      });
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    client.join();
    EXPECT_EQ(answer, "ok\ndone\n");
    struct stat st;
    ASSERT_EQ(stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0666u);  // statistics for every user
  }
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].words, (std::vector<std::string>{"switch", "/x.o", "q=1"}));
  EXPECT_EQ(seen[0].uid, getuid());
  EXPECT_NE(access(path.c_str(), F_OK), 0);  // removed with the server
  rmdir(dir);
}

TEST(ControlSocket, ReplacesOnlyAStaleSocket) {
  char dir[] = "/tmp/control-test.XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  std::string file = std::string(dir) + "/plain";
  int plain = open(file.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
  ASSERT_GE(plain, 0);
  close(plain);
  EXPECT_TRUE(contains(failureOf([&] { ControlSocket s(file); }), "exists and is not a socket"));
  unlink(file.c_str());
  rmdir(dir);
}

TEST(LoaderOptions, RestartIsTheDefault) {
  EXPECT_TRUE(parse({"obj.bpf.o"}).restart);
  EXPECT_TRUE(parse({"--restart", "obj.bpf.o"}).restart);
  EXPECT_FALSE(parse({"--no-restart", "obj.bpf.o"}).restart);
  std::vector<std::string> guest = parse({"--vm", "--no-restart", "obj.bpf.o"}).guest_args;
  EXPECT_NE(std::find(guest.begin(), guest.end(), "--no-restart"), guest.end());
}

TEST(LoaderOptions, WatchdogTimeoutWithinTheKernelsRange) {
  EXPECT_EQ(parse({"--timeout", "2", "obj.bpf.o"}).timeout_ms, 2000u);
  EXPECT_EQ(parse({"--timeout=0.25", "obj.bpf.o"}).timeout_ms, 250u);
  EXPECT_EQ(parse({"obj.bpf.o"}).timeout_ms, 0u);
  EXPECT_TRUE(contains(failureOf([] {
                         parse({"--timeout", "31", "obj.bpf.o"});
                       }),
                       "--timeout 31 is out of range"));
  EXPECT_TRUE(contains(failureOf([] { parse({"--timeout", "0", "obj.bpf.o"}); }), "positive"));
}

TEST(LoaderOptions, RejectsAMalformedCommandLine) {
  EXPECT_EQ(failureOf([] { parse({}); }), "1: no policy object given");
  EXPECT_EQ(failureOf([] { parse({"--bogus", "x.o"}); }), "1: unknown option --bogus");
  EXPECT_EQ(failureOf([] { parse({"x.o", "--set"}); }), "1: --set needs a value");
  EXPECT_EQ(failureOf([] {
              parse({"--interval", "0", "x.o"});
            }),
            "1: --interval 0: expected a positive number of seconds");
  EXPECT_EQ(failureOf([] { parse({"x.o", "y.o"}); }), "1: unexpected argument y.o");
}

}  // namespace
}  // namespace schedrun

// The stats document carries each param's value now (as set live) and each
// counter by CPU before the totals, so a search for a counter's name that
// keeps the last match (sed's greedy `.*`) finds its total.
TEST(LoaderStats, DocumentCarriesParamsAndCountersByCpu) {
  schedrun::Meta meta;
  meta.policy = "p";
  schedrun::Param quantum;
  quantum.name = "quantum";
  quantum.type = schedrun::ParamType::Duration;
  quantum.live = true;
  schedrun::Param levels;
  levels.name = "levels";
  meta.params = {quantum, levels};
  meta.counters = {"runs"};
  schedrun::Snapshot cur;
  cur.counters = {7};
  cur.counters_by_cpu = {{0, 5, 2}};
  std::string doc = schedrun::stats_document(meta, cur, 1.5, {250000, 3});
  EXPECT_NE(doc.find("\"params\":{\"quantum\":{\"value\":\"250us\",\"live\":true},"
                     "\"levels\":{\"value\":\"3\",\"live\":false}}"),
            std::string::npos)
      << doc;
  size_t by_cpu = doc.find("\"counters_by_cpu\":{\"runs\":[0,5,2]}");
  size_t total = doc.find("\"counters\":{\"runs\":7}");
  ASSERT_NE(by_cpu, std::string::npos) << doc;
  ASSERT_NE(total, std::string::npos) << doc;
  EXPECT_LT(by_cpu, total);
}
