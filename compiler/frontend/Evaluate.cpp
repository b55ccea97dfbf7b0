#include "frontend/Evaluate.h"

#include <algorithm>

namespace schedc {

Wide asWide(uint64_t bits, Type type) {
  return isSigned(type) ? Wide(int64_t(bits)) : Wide(bits);
}

std::string wideText(Wide v) {
  bool negative = v < 0;
  auto magnitude = static_cast<unsigned __int128>(negative ? -v : v);
  std::string digits;
  do {
    digits.insert(digits.begin(), char('0' + int(magnitude % 10)));
    magnitude /= 10;
  } while (magnitude != 0);
  return (negative ? "-" : "") + digits;
}

namespace {

class Evaluator {
 public:
  Evaluator(const std::function<Wide(const Expr &)> &nameValue, Evaluation &out)
      : nameValue_(nameValue), out_(out) {}

  Wide eval(const Expr &e) {
    switch (e.kind) {
      case ExprKind::IntLiteral:  // its magnitude: `-9223372036854775808` negates 2^63
      case ExprKind::DurationLiteral:
        return Wide(e.intValue);
      case ExprKind::BoolLiteral:
        return e.boolValue;
      case ExprKind::Name:
        return nameValue_(e);
      case ExprKind::Unary:
        return unary(e);
      case ExprKind::Binary:
        return binary(e);
      case ExprKind::Call:
        return call(e);
      default:
        return 0;
    }
  }

 private:
  // `v` as the 64-bit code has it; notes the first step that does not fit.
  Wide fit(const Expr &e, Wide v) {
    bool fits = isSigned(e.type) ? (v >= kS64Min && v <= kS64Max) : (v >= 0 && v <= kU64Max);
    if (fits) return v;
    if (!out_.wrapped) {
      out_.wrapped = &e;
      out_.wrappedBelow = v < 0;
    }
    return asWide(uint64_t(v), e.type);
  }

  Wide unary(const Expr &e) {
    Wide x = eval(*e.operands[0]);
    switch (e.unaryOp) {
      case UnaryOp::Negate:
        return fit(e, -x);
      case UnaryOp::BitNot: {
        uint64_t flipped = ~uint64_t(x);
        return Wide(flipped);
      }
      case UnaryOp::Not:
        return x == 0;
    }
    return 0;
  }

  Wide binary(const Expr &e) {
    Wide a = eval(*e.operands[0]);
    Wide b = eval(*e.operands[1]);
    switch (e.binaryOp) {
      case BinaryOp::Add:
        return fit(e, a + b);
      case BinaryOp::Sub:
        return fit(e, a - b);
      case BinaryOp::Mul:  // both within 64 bits: the product fits in 128
        return fit(e, a * b);
      case BinaryOp::Div:
      case BinaryOp::Mod:
        if (b == 0) {
          out_.divisionByZero = true;
          return 0;
        }
        return e.binaryOp == BinaryOp::Div ? a / b : a % b;
      case BinaryOp::BitAnd:
        return asWide(uint64_t(a) & uint64_t(b), e.type);
      case BinaryOp::BitOr:
        return asWide(uint64_t(a) | uint64_t(b), e.type);
      case BinaryOp::BitXor:
        return asWide(uint64_t(a) ^ uint64_t(b), e.type);
      case BinaryOp::Shl:  // the compiled code masks the count, as the CPU does
        return fit(e, a << int(uint64_t(b) & 63));
      case BinaryOp::Shr:
        return a >> int(uint64_t(b) & 63);
      case BinaryOp::Eq:
        return a == b;
      case BinaryOp::Ne:
        return a != b;
      case BinaryOp::Lt:
        return a < b;
      case BinaryOp::Le:
        return a <= b;
      case BinaryOp::Gt:
        return a > b;
      case BinaryOp::Ge:
        return a >= b;
      case BinaryOp::And:
        return a != 0 && b != 0;
      case BinaryOp::Or:
        return a != 0 || b != 0;
    }
    return 0;
  }

  Wide call(const Expr &e) {
    std::vector<Wide> args;
    for (const ExprPtr &arg : e.operands) args.push_back(eval(*arg));
    switch (e.function) {
      case Function::Min:
        return std::min(args[0], args[1]);
      case Function::Max:
        return std::max(args[0], args[1]);
      case Function::Clamp:
        return std::min(std::max(args[0], args[1]), args[2]);
      case Function::Abs:
        return fit(e, args[0] < 0 ? -args[0] : args[0]);
      case Function::ToU64:  // explicit: reinterprets the bits (u64(-1) is all ones)
      case Function::ToS64:
      case Function::ToDuration:
      case Function::ToSDuration:
        return asWide(uint64_t(args[0]), e.type);
      case Function::Log2: {
        uint64_t x = uint64_t(args[0]);
        return x ? 63 - __builtin_clzll(x) : 0;
      }
      default:
        return 0;
    }
  }

  const std::function<Wide(const Expr &)> &nameValue_;
  Evaluation &out_;
};

}  // namespace

Evaluation evaluate(const Expr &e, const std::function<Wide(const Expr &)> &nameValue) {
  Evaluation out;
  out.value = Evaluator(nameValue, out).eval(e);
  return out;
}

}  // namespace schedc
