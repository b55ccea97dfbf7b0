// Joining BPF objects into one with libbpf's static linker (what
// `bpftool gen object` does), in memory: the halves of a split compile.
#pragma once
#include <string>
#include <vector>

namespace schedc {

// Links `objects` (ELF bytes) into `linked`. On failure returns false and
// says why in `error`, with libbpf's own messages.
bool linkObjects(const std::vector<std::string> &objects, std::string &linked, std::string &error);

}  // namespace schedc
