// Whether a slice expression can be zero or wrap, for the values its params
// and not-yet-assigned fields can take (SliceValues.cpp).
#pragma once
#include <optional>
#include <string>

#include "ast/Policy.h"

namespace schedc {

struct SliceProblem {
  SourceRange range;          // the step that wraps, or the whole slice when it is 0
  bool wraps = false;         // else: the slice is 0
  bool below = false;         // wraps below the type's smallest value (else past its largest)
  std::string values;         // "s = 1ms, n = 4": the values that break it
  bool initialField = false;  // a field at its initial value is among them
};

std::optional<SliceProblem> findSliceProblem(const Policy &policy, const Expr &slice);

}  // namespace schedc
