#include "tunables.h"

#include <cinttypes>
#include <limits>

#include "failure.h"
#include "schedc_abi.h"

namespace schedrun {
namespace {

struct Unit {
  const char *suffix;
  uint64_t ns;
};
// Longest suffix first so that "ms" is not read as "s".
const Unit kUnits[] = {{"ns", 1}, {"us", 1000}, {"ms", 1000000}, {"s", 1000000000}};

bool is_signed(ParamType t) {
  return t == ParamType::S64 || t == ParamType::SDuration;
}
bool is_duration(ParamType t) {
  return t == ParamType::Duration || t == ParamType::SDuration;
}

const char *type_name(ParamType t) {
  switch (t) {
    case ParamType::U64:
      return "an unsigned integer";
    case ParamType::S64:
      return "an integer";
    case ParamType::Bool:
      return "true, false, 1 or 0";
    case ParamType::Duration:
      return "a duration such as 750us, 3ms, 1s or 20000000 (ns)";
    case ParamType::SDuration:
      return "a signed duration such as -2ms, 750us or 1s";
  }
  return "a value";
}

// Digits with an optional leading '-', as magnitude; false on junk or overflow.
bool parse_magnitude(const std::string &digits, uint64_t *out) {
  if (digits.empty()) return false;
  uint64_t v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
    if (v > (std::numeric_limits<uint64_t>::max() - (c - '0')) / 10) return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

// Reads "[-]DIGITS[UNIT]" into a signed or unsigned 64-bit value.
bool parse_scaled(const std::string &text, bool allow_units, bool allow_negative, uint64_t *out) {
  std::string body = text;
  bool negative = !body.empty() && body[0] == '-';
  if (negative) {
    if (!allow_negative) return false;
    body.erase(0, 1);
  }
  uint64_t scale = 1;
  if (allow_units) {
    for (const Unit &u : kUnits) {
      std::string s = u.suffix;
      if (body.size() > s.size() && body.compare(body.size() - s.size(), s.size(), s) == 0 &&
          (body[body.size() - s.size() - 1] >= '0' && body[body.size() - s.size() - 1] <= '9')) {
        body.resize(body.size() - s.size());
        scale = u.ns;
        break;
      }
    }
  }
  uint64_t mag;
  if (!parse_magnitude(body, &mag) || mag > std::numeric_limits<uint64_t>::max() / scale)
    return false;
  mag *= scale;
  if (allow_negative) {
    uint64_t limit =
        static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + (negative ? 1 : 0);
    if (mag > limit) return false;
    *out = negative ? static_cast<uint64_t>(-static_cast<int64_t>(mag - 1) - 1) : mag;
  } else {
    *out = mag;
  }
  return true;
}

bool in_range(const Param &p, uint64_t v) {
  if (is_signed(p.type)) {
    auto s = static_cast<int64_t>(v);
    return s >= static_cast<int64_t>(p.min) && s <= static_cast<int64_t>(p.max);
  }
  return v >= p.min && v <= p.max;
}

std::string format_duration(int64_t ns_signed, bool negative_ok) {
  std::string sign;
  uint64_t ns = static_cast<uint64_t>(ns_signed);
  if (negative_ok && ns_signed < 0) {
    sign = "-";
    ns = static_cast<uint64_t>(-(ns_signed + 1)) + 1;
  }
  for (int i = 3; i >= 1; i--)
    if (ns != 0 && ns % kUnits[i].ns == 0)
      return sign + std::to_string(ns / kUnits[i].ns) + kUnits[i].suffix;
  return sign + std::to_string(ns) + "ns";
}

}  // namespace

std::string format_tunable(const Param &p, uint64_t value) {
  if (p.infinite && value == SCHEDC_INFINITE && is_duration(p.type)) return "infinite";
  switch (p.type) {
    case ParamType::Bool:
      return value ? "true" : "false";
    case ParamType::S64:
      return std::to_string(static_cast<int64_t>(value));
    case ParamType::Duration:
      return format_duration(static_cast<int64_t>(value), false);
    case ParamType::SDuration:
      return format_duration(static_cast<int64_t>(value), true);
    case ParamType::U64:
      break;
  }
  return std::to_string(value);
}

uint64_t parse_tunable(const Param &p, const std::string &text) {
  auto reject = [&](const std::string &why) -> uint64_t {
    user_error("--set " + p.name + "=" + text + ": " + why,
               p.name + " takes " + type_name(p.type) + " in [" + format_tunable(p, p.min) + ", " +
                   format_tunable(p, p.max) + "]" + (p.infinite ? " or infinite" : ""));
  };
  if (text == "infinite") {
    if (is_duration(p.type) && p.infinite) return SCHEDC_INFINITE;
    return reject("this tunable cannot be infinite");
  }
  uint64_t v;
  if (p.type == ParamType::Bool) {
    if (text == "true" || text == "1") return 1;
    if (text == "false" || text == "0") return 0;
    return reject("not a boolean");
  }
  if (!parse_scaled(text, is_duration(p.type), is_signed(p.type), &v))
    return reject(std::string("not ") + type_name(p.type));
  if (!in_range(p, v)) return reject("out of range");
  return v;
}

size_t param_index(const Meta &meta, const std::string &set) {
  size_t eq = set.find('=');
  if (eq == std::string::npos || eq == 0) user_error("--set " + set + ": expected NAME=VALUE");
  std::string name = set.substr(0, eq);
  size_t i = 0;
  while (i < meta.params.size() && meta.params[i].name != name) i++;
  if (i == meta.params.size()) {
    std::string valid;
    for (const Param &p : meta.params) {
      if (!valid.empty()) valid += ", ";
      valid += p.name;
    }
    user_error("--set " + set + ": policy '" + meta.policy + "' has no tunable '" + name + "'",
               valid.empty() ? "this policy has no tunables" : "valid tunables: " + valid);
  }
  return i;
}

std::vector<uint64_t> resolve_tunables(const Meta &meta, const std::vector<std::string> &sets,
                                       const std::vector<uint64_t> &base) {
  std::vector<uint64_t> values = base;
  if (values.size() != meta.params.size()) {
    values.clear();
    for (const Param &p : meta.params) values.push_back(p.def);
  }
  for (const std::string &set : sets) {
    size_t i = param_index(meta, set);
    values[i] = parse_tunable(meta.params[i], set.substr(set.find('=') + 1));
  }
  return values;
}

}  // namespace schedrun
