#include "workload.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "failure.h"

namespace schedrun {
namespace {

int shell_status(int wstatus) {
  if (WIFEXITED(wstatus)) return WEXITSTATUS(wstatus);
  if (WIFSIGNALED(wstatus)) return 128 + WTERMSIG(wstatus);
  return 1;
}

}  // namespace

Workload::Workload(const std::vector<std::string> &argv) {
  std::vector<char *> args;
  for (const std::string &a : argv) args.push_back(const_cast<char *>(a.c_str()));
  args.push_back(nullptr);
  int ready[2];
  if (pipe2(ready, O_CLOEXEC) != 0) internal_error(std::string("pipe: ") + strerror(errno));
  pid_ = fork();
  if (pid_ < 0) internal_error(std::string("fork: ") + strerror(errno));
  if (pid_ == 0) {
    execvp(args[0], args.data());
    int err = errno;
    ssize_t ignored = write(ready[1], &err, sizeof(err));
    (void)ignored;
    _exit(127);
  }
  close(ready[1]);
  int err = 0;
  ssize_t n = read(ready[0], &err, sizeof(err));  // EOF on successful exec
  close(ready[0]);
  if (n == sizeof(err)) {
    waitpid(pid_, nullptr, 0);
    status_ = 127;
    user_error("cannot run " + argv[0] + ": " + strerror(err));
  }
}

Workload::~Workload() {
  if (!status_) stop();
}

std::optional<int> Workload::poll() {
  if (status_) return status_;
  int wstatus;
  if (waitpid(pid_, &wstatus, WNOHANG) == pid_) status_ = shell_status(wstatus);
  return status_;
}

int Workload::stop() {
  if (status_) return *status_;
  kill(pid_, SIGTERM);
  for (int i = 0; i < 50 && !poll(); i++) usleep(100 * 1000);
  if (!status_) {
    kill(pid_, SIGKILL);
    int wstatus;
    waitpid(pid_, &wstatus, 0);
    status_ = shell_status(wstatus);
  }
  return *status_;
}

}  // namespace schedrun
