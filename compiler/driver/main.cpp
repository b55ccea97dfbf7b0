// schedc: policy.sched -> policy.bpf.o
//
// Exit codes: 0 success, 1 the input has errors (reported as file:line:col),
// 2 an internal error of schedc itself.
#include <malloc.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>

#include "codegen/Codegen.h"
#include "diag/Diagnostics.h"
#include "frontend/AstDump.h"
#include "frontend/Frontend.h"
#include "llvm/Config/llvm-config.h"

#ifndef SCHEDC_VERSION
#define SCHEDC_VERSION "unknown"
#endif

namespace {

constexpr int kUserError = 1;
constexpr int kInternalError = 2;
constexpr size_t kMaxInputBytes = 16u << 20;

struct Options {
  std::string input;
  std::string named;  // the input as the user named it (input may be the stdlib's)
  std::string output;
  bool check = false;
  bool dumpAst = false;  // print the checked AST instead of compiling
  bool emitLLVM = false;
  unsigned optLevel = 2;
};

// The stdlib installed next to this binary (PREFIX/bin/schedc ->
// PREFIX/share/schedc/stdlib), or the source tree's when run from a build.
std::string stdlibDir(const char *argv0) {
  std::string self;
  char buffer[4096];
  ssize_t n = readlink("/proc/self/exe", buffer, sizeof(buffer) - 1);
  self = n > 0 ? std::string(buffer, static_cast<size_t>(n)) : std::string(argv0);
  std::string binDir = self.substr(0, self.rfind('/') == std::string::npos ? 0 : self.rfind('/'));
  std::string installed = binDir + "/../share/schedc/stdlib";
  struct stat info;
  if (stat(installed.c_str(), &info) == 0 && S_ISDIR(info.st_mode)) return installed;
#ifdef SCHEDC_SOURCE_STDLIB
  return SCHEDC_SOURCE_STDLIB;
#else
  return installed;
#endif
}

bool isFile(const std::string &path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode);
}

// `schedc eevdf.sched` from any directory: a bare name that is no file here
// but names a stdlib policy compiles the stdlib's, as a C compiler finds its
// standard headers. A file of that name here wins; the output still goes
// here, never into the stdlib.
void resolveStdlibName(const char *argv0, Options &options) {
  options.named = options.input;
  const std::string &name = options.input;
  if (name == "-" || name.find('/') != std::string::npos || isFile(name)) return;
  std::string file =
      name.size() > 6 && name.compare(name.size() - 6, 6, ".sched") == 0 ? name : name + ".sched";
  std::string candidate = stdlibDir(argv0) + "/" + file;
  if (!isFile(candidate)) return;
  std::cerr << "schedc: note: no '" << name << "' here; compiling the stdlib's " << candidate
            << "\n";
  options.input = candidate;
  options.named = file;
}

void printUsage(std::ostream &out) {
  out << "usage: schedc [options] FILE.sched\n"
         "\n"
         "Compiles a scheduling policy into a sched_ext BPF object. A bare name that is\n"
         "no file here but a stdlib policy (eevdf.sched, fifo) compiles the stdlib's.\n"
         "\n"
         "options:\n"
         "  -o FILE        output file (default: FILE.bpf.o; '-' input needs -o)\n"
         "  --check        parse and check only; write nothing\n"
         "  --dump-ast     print the checked AST (to standard output unless -o)\n"
         "  --emit-llvm    write optimised LLVM IR text instead of an object\n"
         "  -O0, -O2       optimisation level (default -O2; -O0 still inlines and\n"
         "                 promotes to registers, which BPF's 512-byte stack needs)\n"
         "  --stdlib-dir   print where the stdlib policies are (eevdf.sched, fifo.sched)\n"
         "  --version      print the schedc and LLVM versions\n"
         "  -h, --help     this help\n";
}

int usageError(const std::string &message) {
  std::cerr << "schedc: error: " << message << "\n";
  std::cerr << "  hint: run 'schedc --help' for usage\n";
  return kUserError;
}

// Returns 0 and fills options, or an exit code to stop with (-1: exit 0).
int parseArguments(int argc, char **argv, Options &options) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      printUsage(std::cout);
      return -1;
    } else if (arg == "--version") {
      std::cout << "schedc " << SCHEDC_VERSION << " (LLVM " << LLVM_VERSION_STRING << ")\n";
      return -1;
    } else if (arg == "--stdlib-dir") {
      std::cout << stdlibDir(argv[0]) << "\n";
      return -1;
    } else if (arg == "-o") {
      if (i + 1 >= argc) return usageError("-o needs a file name");
      options.output = argv[++i];
    } else if (arg == "--check") {
      options.check = true;
    } else if (arg == "--dump-ast") {
      options.dumpAst = true;
    } else if (arg == "--emit-llvm") {
      options.emitLLVM = true;
    } else if (arg == "-O0") {
      options.optLevel = 0;
    } else if (arg == "-O2") {
      options.optLevel = 2;
    } else if (arg.size() > 1 && arg[0] == '-' && arg != "-") {
      return usageError("unknown option '" + arg + "'");
    } else if (options.input.empty()) {
      options.input = arg;
    } else {
      return usageError("more than one input file ('" + options.input + "' and '" + arg + "')");
    }
  }
  if (options.input.empty()) return usageError("no input file");
  resolveStdlibName(argv[0], options);
  if (options.dumpAst && options.output.empty()) options.output = "-";
  if (options.input == "-" && options.output.empty() && !options.check)
    return usageError("reading the policy from standard input needs -o FILE");
  if (options.output.empty()) {
    std::string base = options.named;
    const std::string suffix = ".sched";
    if (base.size() > suffix.size() &&
        base.compare(base.size() - suffix.size(), suffix.size(), suffix) == 0)
      base.resize(base.size() - suffix.size());
    options.output = base + (options.emitLLVM ? ".ll" : ".bpf.o");
  }
  return 0;
}

bool readInput(const std::string &path, std::string &source) {
  if (path == "-") {
    source.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    return true;
  }
  struct stat info;
  if (stat(path.c_str(), &info) != 0) {
    std::cerr << path << ": error: cannot open: " << std::strerror(errno) << "\n";
    return false;
  }
  if (S_ISDIR(info.st_mode)) {
    std::cerr << path << ": error: is a directory, not a policy file\n";
    return false;
  }
  if (static_cast<size_t>(info.st_size) > kMaxInputBytes) {
    std::cerr << path << ": error: file is larger than 16 MiB; not a policy\n";
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << path << ": error: cannot open: " << std::strerror(errno) << "\n";
    return false;
  }
  source.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return true;
}

// Writes through a temporary file and rename, so a failed write never leaves
// a truncated output or destroys the previous one.
bool writeOutput(const std::string &path, const std::string &bytes) {
  if (path == "-") {
    std::cout.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (std::cout.flush()) return true;
    std::cerr << "schedc: error: cannot write output to standard output: " << std::strerror(errno)
              << "\n";
    return false;
  }
  // A device or pipe (`-o /dev/null`, a FIFO) is written in place: renaming
  // over it would replace the node with a regular file.
  struct stat info;
  if (stat(path.c_str(), &info) == 0 && !S_ISREG(info.st_mode)) {
    if (S_ISDIR(info.st_mode)) {
      std::cerr << path << ": error: cannot write output: is a directory\n";
      return false;
    }
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (out.flush()) return true;
    std::cerr << path << ": error: cannot write output: " << std::strerror(errno) << "\n";
    return false;
  }
  std::string temp = path + ".tmp." + std::to_string(getpid());
  FILE *file = std::fopen(temp.c_str(), "wb");
  if (!file) {
    std::cerr << path << ": error: cannot write output: " << std::strerror(errno) << "\n";
    return false;
  }
  bool ok = std::fwrite(bytes.data(), 1, bytes.size(), file) == bytes.size();
  ok = (std::fclose(file) == 0) && ok;
  if (ok && std::rename(temp.c_str(), path.c_str()) != 0) ok = false;
  if (!ok) {
    std::cerr << path << ": error: cannot write output: " << std::strerror(errno) << "\n";
    std::remove(temp.c_str());
  }
  return ok;
}

int run(const Options &options) {
  std::string source;
  if (!readInput(options.input, source)) return kUserError;
  std::string displayName = options.input == "-" ? "<stdin>" : options.input;

  schedc::CodegenOptions codegenOptions;
  codegenOptions.optLevel = options.optLevel;
  codegenOptions.emitLLVM = options.emitLLVM;
  codegenOptions.skipFree = true;  // schedc exits right after writing
  schedc::Diagnostics diagnostics(displayName, source, std::cerr);
  std::unique_ptr<schedc::Policy> policy = schedc::parsePolicy(displayName, source, diagnostics);
  if (!policy || diagnostics.hasErrors()) return kUserError;
  if (!schedc::analyzePolicy(*policy, diagnostics) || diagnostics.hasErrors()) return kUserError;
  if (options.check) return 0;
  if (options.dumpAst)
    return writeOutput(options.output, schedc::dumpPolicy(*policy)) ? 0 : kUserError;

  schedc::CodegenResult result = schedc::compilePolicy(*policy, codegenOptions);
  if (!result.ok) {
    std::cerr << "schedc: internal error: " << result.error << "\n"
              << "  note: the policy passed all checks; this is a schedc bug\n";
    return kInternalError;
  }
  return writeOutput(options.output, result.output) ? 0 : kUserError;
}

}  // namespace

int main(int argc, char **argv) {
  // A compile allocates some 40 MB in small steps, then exits. By default
  // glibc grows the heap 128 KB at a time and hands freed tops back to the
  // kernel, only to fault them in again: growing 16 MB at a time and keeping
  // what is freed is cheaper.
  mallopt(M_TOP_PAD, 16 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  // A closed output pipe or a file size limit is a write error to report
  // (exit 1), not a signal that kills schedc.
  std::signal(SIGPIPE, SIG_IGN);
  std::signal(SIGXFSZ, SIG_IGN);
  Options options;
  int status = parseArguments(argc, argv, options);
  if (status != 0) return status < 0 ? 0 : status;
  try {
    return run(options);
  } catch (const std::exception &e) {
    std::cerr << "schedc: internal error: " << e.what() << "\n";
    return kInternalError;
  }
}
