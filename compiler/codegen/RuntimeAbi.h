// The runtime's own headers, seen from C++: runtime/schedc_policy.h (what the
// generated code and the runtime share) and runtime/schedc_abi.h (what an
// object and its loader share) are the one definition of the limits, names
// and structs; the compiler includes them rather than repeating them.
#pragma once
#include <cstdint>

// The BPF integer types the headers are written in.
using u32 = std::uint32_t;
using u64 = std::uint64_t;
using s32 = std::int32_t;
using s64 = std::int64_t;

#include "schedc_policy.h"
