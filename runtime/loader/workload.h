// The command run under the policy (schedrun OBJ -- CMD ARGS).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace schedrun {

class Workload {
 public:
  // Forks and execs argv; throws Failure if it cannot be started.
  explicit Workload(const std::vector<std::string> &argv);
  ~Workload();

  // The shell-style exit status (128 + signal) once it has exited.
  std::optional<int> poll();
  // Asks it to stop (SIGTERM, then SIGKILL) and returns its status.
  int stop();

 private:
  pid_t pid_;
  std::optional<int> status_;
};

}  // namespace schedrun
