// Errors schedrun reports to the user: a message, a hint on what to do, and
// the process exit code (1 user error / ejected, 2 internal).
#pragma once

#include <stdexcept>
#include <string>

namespace schedrun {

// What a supervisor sees (schedrun --help): with a workload, its status
// instead of kExitOk; stopped by a signal N, 128 + N.
enum ExitCode {
  kExitOk = 0,
  kExitUser = 1,
  kExitInternal = 2,
  kExitEjected = 3,
  kExitSignal = 128
};

class Failure : public std::runtime_error {
 public:
  Failure(int code, const std::string &message, std::string hint = {})
      : std::runtime_error(message), code_(code), hint_(std::move(hint)) {}
  int code() const { return code_; }
  const std::string &hint() const { return hint_; }

 private:
  int code_;
  std::string hint_;
};

[[noreturn]] inline void user_error(const std::string &message, std::string hint = {}) {
  throw Failure(kExitUser, message, std::move(hint));
}

[[noreturn]] inline void internal_error(const std::string &message, std::string hint = {}) {
  throw Failure(kExitInternal, message, std::move(hint));
}

}  // namespace schedrun
