// Exact evaluation of an expression for given values of its names, as the
// compiled code would compute it in 64 bits, noting the first step whose
// exact (128-bit) result does not fit its type. Used by checks that try an
// expression at the values its params can take.
#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include "ast/Expr.h"

namespace schedc {

using Wide = __int128;

// The ranges of the 64-bit types, as Wide.
constexpr Wide kU64Max = Wide(UINT64_MAX);
constexpr Wide kS64Min = Wide(INT64_MIN);
constexpr Wide kS64Max = Wide(INT64_MAX);

// `v` in decimal ("-5", "18446744073709551616").
std::string wideText(Wide v);

struct Evaluation {
  Wide value = 0;                 // what the 64-bit code computes
  const Expr *wrapped = nullptr;  // the first step that left its type's range
  bool wrappedBelow = false;      // ... below its smallest value
  bool divisionByZero = false;
};

// A value's 64 bits read as `type` (signed types sign-extend).
Wide asWide(uint64_t bits, Type type);

// `nameValue` gives each Name's value. Literals, unary and binary operators
// and the evaluable built-in functions (FunctionInfo::evaluable) are
// evaluated; any other node is 0 (callers judge only expressions built from
// those).
Evaluation evaluate(const Expr &e, const std::function<Wide(const Expr &)> &nameValue);

}  // namespace schedc
