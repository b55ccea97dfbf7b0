// Value types of the policy language: signedness x unit, plus bool.
#pragma once
#include <string>

namespace schedc {

enum class Type {
  Invalid,  // after an error; suppresses follow-on errors
  Untyped,  // an integer literal before it takes its context's type
  U64,
  S64,
  Duration,   // unsigned nanoseconds
  SDuration,  // signed nanoseconds
  Bool,
};

inline bool isSigned(Type t) {
  return t == Type::S64 || t == Type::SDuration;
}
inline bool isTime(Type t) {
  return t == Type::Duration || t == Type::SDuration;
}
inline bool isNumeric(Type t) {
  return t != Type::Bool && t != Type::Invalid;
}

inline const char *typeName(Type t) {
  switch (t) {
    case Type::Invalid:
      return "<invalid>";
    case Type::Untyped:
      return "integer literal";
    case Type::U64:
      return "u64";
    case Type::S64:
      return "s64";
    case Type::Duration:
      return "duration";
    case Type::SDuration:
      return "sduration";
    case Type::Bool:
      return "bool";
  }
  return "?";
}

// A number written where a duration is meant must say its unit (0 aside):
// `slice 5` would otherwise be 5 ns. The hint offers the units.
inline constexpr const char *kMissingUnitMessage = "a duration needs a unit";
inline std::string missingUnitHint(const std::string &v) {
  return "write `" + v + "ms`, `" + v + "us` or `" + v + "ns`; only 0 may go without a unit";
}

}  // namespace schedc
