// Turns a verifier rejection in libbpf's output into three facts: the
// callback that was rejected, the first error line, and the policy source
// line it came from (from the BTF line info the verifier prints as
// "; <text> @ <file>:<line>").
#pragma once

#include <optional>
#include <string>

namespace schedrun {

struct Rejection {
  std::string program;      // BPF program (callback) name
  std::string error;        // first verifier error line
  std::string source;       // "file.sched:N" or "" if the log has no line info
  std::string source_text;  // the source text at that line
};

std::optional<Rejection> find_rejection(const std::string &libbpf_output);

}  // namespace schedrun
