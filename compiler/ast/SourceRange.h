// A span of the user's .sched source, for diagnostics and debug info.
#pragma once
#include <cstdint>

namespace schedc {

struct SourceRange {
  uint32_t line = 0;    // 1-based; 0 = unknown
  uint32_t column = 0;  // 1-based, in bytes
  uint32_t length = 1;  // bytes on that line to underline (at least 1)
};

}  // namespace schedc
