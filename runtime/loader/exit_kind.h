// The kernel's enum scx_exit_kind and exit_code bits, as recorded by the
// policy's ops.exit in the schedc_exit map.
#pragma once

#include <cstdint>
#include <string>

namespace schedrun {

// SCX_ECODE_ACT_RESTART: the scheduler asks its loader to attach it again.
constexpr uint64_t kEcodeActRestart = 1ULL << 48;

// "ERROR_STALL (1026)"-style name of an scx_exit_kind value.
std::string exit_kind_name(int64_t kind);

// Whether the exit kind means something went wrong (not a requested unload).
bool exit_kind_is_error(int64_t kind);

}  // namespace schedrun
