// libFuzzer target: .sched text -> parse -> analysis -> LLVM IR lowering.
//
// Any input may be rejected with diagnostics; none may crash, hang, leak or
// trip a sanitizer. Policies that pass every check are lowered and the module
// verified (no optimisation or object emission: those cost ~100x a parse and
// their input is IR that llvm::verifyModule has already accepted).
// SCHEDC_FUZZ_FULL=1 in the environment runs O2 and object emission too.
#include <cstdint>
#include <cstdlib>
#include <ostream>
#include <streambuf>
#include <string>

#include "codegen/Codegen.h"
#include "diag/Diagnostics.h"
#include "frontend/Frontend.h"

namespace {

// Diagnostics are formatted (that code is fuzzed too) and thrown away.
class NullBuffer : public std::streambuf {
 protected:
  int overflow(int c) override { return c; }
  std::streamsize xsputn(const char *, std::streamsize n) override { return n; }
};

bool fullPipeline() {
  static const bool full = [] {
    const char *v = std::getenv("SCHEDC_FUZZ_FULL");
    return v && *v == '1';
  }();
  return full;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static NullBuffer buffer;
  static std::ostream sink(&buffer);
  std::string source(reinterpret_cast<const char *>(data), size);

  schedc::Diagnostics diags("fuzz.sched", source, sink);
  std::unique_ptr<schedc::Policy> policy = schedc::parsePolicy("fuzz.sched", source, diags);
  if (!policy || diags.hasErrors()) return 0;
  if (!schedc::analyzePolicy(*policy, diags) || diags.hasErrors()) return 0;

  schedc::CodegenOptions options;
  options.verifyOnly = !fullPipeline();
  schedc::CodegenResult result = schedc::compilePolicy(*policy, options);
  // A checked policy that codegen cannot lower is a schedc bug (exit code 2).
  if (!result.ok) {
    std::fprintf(stderr, "internal error on a checked policy: %s\n", result.error.c_str());
    std::abort();
  }
  return 0;
}
