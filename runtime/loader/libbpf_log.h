// Collects libbpf's messages (including the verifier log it prints when a
// program is rejected) so that schedrun can report a summary instead.
#pragma once

#include <string>

namespace schedrun {

// Routes libbpf output into a buffer; with echo, also to stderr as it comes.
void capture_libbpf_log(bool echo);

// Everything libbpf printed since the last clear.
const std::string &libbpf_log();
void clear_libbpf_log();

}  // namespace schedrun
