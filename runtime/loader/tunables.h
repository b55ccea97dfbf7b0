// --set NAME=VALUE: parsing and range-checking tunable values against the
// object's metadata, and printing them back in the same notation.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "meta.h"

namespace schedrun {

// Parses one value for p ("750us", "3ms", "true", "infinite", ...); throws
// Failure (user error) with the accepted form when it is out of range or malformed.
uint64_t parse_tunable(const Param &p, const std::string &text);

// Formats a value the way parse_tunable accepts it ("20ms", "true", ...).
std::string format_tunable(const Param &p, uint64_t value);

// The values of all params in metadata order: `base` (the defaults when
// empty) overridden by each "NAME=VALUE" in sets (later ones win).
std::vector<uint64_t> resolve_tunables(const Meta &meta, const std::vector<std::string> &sets,
                                       const std::vector<uint64_t> &base = {});

// The index of the param each "NAME=VALUE" names, in order; throws Failure
// (user error) for a malformed one or an unknown name.
size_t param_index(const Meta &meta, const std::string &set);

}  // namespace schedrun
