// The two-thread compile: large policies are compiled as two halves and
// linked by libbpf; the linked object must open in libbpf (BTF, map and
// struct_ops relocations intact) and hold the same programs and maps as the
// one-thread compile.
#include <bpf/libbpf.h>
#include <gtest/gtest.h>

#include <cstdarg>
#include <map>
#include <set>

#include "FrontendTestUtil.h"
#include "codegen/Codegen.h"
#include "llvm/Object/ELFObjectFile.h"
#include "llvm/Object/ObjectFile.h"
#include "llvm/Support/MemoryBuffer.h"

namespace schedc {
namespace {

const char *const kPolicies[] = {
    "stdlib/eevdf.sched",
    "stdlib/fifo.sched",
    "examples/latency_boost.sched",
    "examples/priority_classes.sched",
    "examples/reserved_cores.sched",
    "examples/round_robin.sched",
    "examples/sharded_fifo.sched",
    "examples/vtime.sched",
};

std::string compileWith(const std::string &path, unsigned jobs) {
  test::Result r = test::compile(test::readSource(path));
  EXPECT_TRUE(r.ok) << path << ": " << r.output;
  if (!r.ok) return "";
  CodegenOptions options;
  options.jobs = jobs;
  CodegenResult result = compilePolicy(*r.policy, options);
  EXPECT_TRUE(result.ok) << path << " with " << jobs << " threads: " << result.error;
  return result.output;
}

int quiet(enum libbpf_print_level, const char *, va_list) {
  return 0;
}

// What libbpf sees in an object: its programs and maps, by name; empty if
// it cannot open it.
std::set<std::string> contents(const std::string &object) {
  libbpf_print_fn_t previous = libbpf_set_print(quiet);
  bpf_object *opened = bpf_object__open_mem(object.data(), object.size(), nullptr);
  libbpf_set_print(previous);
  std::set<std::string> names;
  if (!opened) return names;
  bpf_program *program;
  bpf_object__for_each_program(program, opened)
      names.insert(std::string("prog ") + bpf_program__name(program));
  bpf_map *map;
  bpf_object__for_each_map(map, opened) {
    std::string name = bpf_map__name(map);
    // Internal maps are named after the object ("<name>.rodata"): keep the
    // suffix. Constant pools (.rodata.cst8, .rodata.str1.1) follow what the
    // optimizer chose in each half, not what the policy declares.
    size_t dot = name.find('.');
    if (dot != std::string::npos) name = name.substr(dot);
    if (name.rfind(".rodata.", 0) == 0) continue;
    names.insert("map " + name);
  }
  bpf_object__close(opened);
  return names;
}

// Each function symbol of an object (programs and shared subprograms) and
// its size in bytes.
std::map<std::string, uint64_t> functionSizes(const std::string &object) {
  std::map<std::string, uint64_t> sizes;
  auto buffer = llvm::MemoryBuffer::getMemBuffer(object, "test.bpf.o", false);
  auto file = llvm::object::ObjectFile::createObjectFile(buffer->getMemBufferRef());
  if (!file) {
    llvm::consumeError(file.takeError());
    return sizes;
  }
  auto *elf = llvm::dyn_cast<llvm::object::ELFObjectFileBase>(file->get());
  if (!elf) return sizes;
  for (const llvm::object::ELFSymbolRef &symbol : elf->symbols()) {
    llvm::Expected<llvm::object::SymbolRef::Type> type = symbol.getType();
    llvm::Expected<llvm::StringRef> name = symbol.getName();
    if (type && name && *type == llvm::object::SymbolRef::ST_Function)
      sizes[name->str()] = symbol.getSize();
    if (!type) llvm::consumeError(type.takeError());
    if (!name) llvm::consumeError(name.takeError());
  }
  return sizes;
}

TEST(SplitCompile, EveryPolicyOpensWithTheSameProgramsAndMaps) {
  for (const char *path : kPolicies) {
    std::string serial = compileWith(path, 1);
    std::string split = compileWith(path, 2);
    std::set<std::string> serialContents = contents(serial);
    EXPECT_FALSE(serialContents.empty()) << path << ": libbpf cannot open the one-thread object";
    EXPECT_EQ(contents(split), serialContents) << path;
  }
}

// Splitting costs no code: each program and shared subprogram compiles to
// as many instructions on two threads as on one. (The second half calls the
// shared subprograms without their bodies; without the parameter attributes
// it infers first, eevdf's dispatch was 80 instructions longer.)
TEST(SplitCompile, EveryFunctionIsAsLargeAsOnOneThread) {
  for (const char *path : kPolicies) {
    std::map<std::string, uint64_t> serial = functionSizes(compileWith(path, 1));
    EXPECT_FALSE(serial.empty()) << path;
    EXPECT_EQ(functionSizes(compileWith(path, 2)), serial) << path;
  }
}

// Whether the object was linked from two halves: each half's object has a
// file symbol for the runtime source, and the linker keeps both.
size_t symbolsNamed(const std::string &object, const std::string &name) {
  auto buffer = llvm::MemoryBuffer::getMemBuffer(object, "test.bpf.o", false);
  auto file = llvm::object::ObjectFile::createObjectFile(buffer->getMemBufferRef());
  if (!file) {
    llvm::consumeError(file.takeError());
    return 0;
  }
  size_t count = 0;
  for (const llvm::object::SymbolRef &symbol : (*file)->symbols()) {
    llvm::Expected<llvm::StringRef> symbolName = symbol.getName();
    if (symbolName && *symbolName == name) ++count;
    if (!symbolName) llvm::consumeError(symbolName.takeError());
  }
  return count;
}

TEST(SplitCompile, EevdfIsSplitAndFifoIsNot) {
  std::string eevdf = compileWith("stdlib/eevdf.sched", 2);
  EXPECT_EQ(symbolsNamed(eevdf, "runtime.bpf.c"), 2u);
  EXPECT_EQ(symbolsNamed(compileWith("stdlib/eevdf.sched", 1), "runtime.bpf.c"), 1u);
  // The shared subprograms are compiled once, by the first half.
  EXPECT_EQ(symbolsNamed(eevdf, "member_join"), 1u);
  // FIFO is too small to pay for a second thread: the same object either way.
  EXPECT_EQ(compileWith("stdlib/fifo.sched", 2), compileWith("stdlib/fifo.sched", 1));
}

// By default a policy too small to split is compiled on this thread, from
// the runtime a helper thread loaded while the frontend ran: the object is
// the one-thread object, byte for byte.
TEST(SplitCompile, PreloadedRuntimeGivesTheOneThreadObject) {
  for (const char *path : {"stdlib/fifo.sched", "examples/round_robin.sched"}) {
    test::Result r = test::compile(test::readSource(path));
    ASSERT_TRUE(r.ok) << path << ": " << r.output;
    CodegenOptions options;  // jobs = 0: the default
    CodegenResult preloaded = compilePolicy(*r.policy, options);
    ASSERT_TRUE(preloaded.ok) << path << ": " << preloaded.error;
    EXPECT_EQ(preloaded.output, compileWith(path, 1)) << path;
  }
}

// The driver makes its Codegen before the frontend runs; a policy with errors
// never reaches compile(), and the loading threads must still end cleanly
// (a hang, a crash, or a leak in the sanitizer build fails this test).
TEST(SplitCompile, CodegenNeverAskedToCompileEndsCleanly) {
  for (bool skipFree : {false, true}) {
    CodegenOptions options;
    options.jobs = 2;
    options.skipFree = skipFree;
    Codegen unused(options);
  }
}

}  // namespace
}  // namespace schedc
