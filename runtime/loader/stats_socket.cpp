#include "stats_socket.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "failure.h"

namespace schedrun {
namespace {

sockaddr_un address(const std::string &path) {
  sockaddr_un addr;
  memset(&addr, 0, sizeof(addr));
  addr.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof(addr.sun_path))
    user_error("stats socket path '" + path + "' is empty or longer than " +
               std::to_string(sizeof(addr.sun_path) - 1) + " bytes");
  memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  return addr;
}

}  // namespace

StatsSocket::StatsSocket(const std::string &path) : path_(path) {
  sockaddr_un addr = address(path);
  // Only a stale socket is replaced, never another kind of file.
  struct stat st;
  if (lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode))
      user_error(path + " exists and is not a socket", "choose another --stats-socket path");
    unlink(path.c_str());
  }
  fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) internal_error(std::string("socket: ") + strerror(errno));
  if (bind(fd_, reinterpret_cast<sockaddr *>(&addr), sizeof(addr)) != 0 || listen(fd_, 16) != 0) {
    std::string why = strerror(errno);
    close(fd_);
    fd_ = -1;
    user_error("cannot listen on " + path + ": " + why);
  }
}

StatsSocket::~StatsSocket() {
  if (fd_ >= 0) {
    close(fd_);
    unlink(path_.c_str());
  }
}

void StatsSocket::serve(const std::function<std::string()> &make) {
  std::string document;
  for (;;) {
    int client = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) return;  // none waiting (EAGAIN), or it went away
    if (document.empty()) document = make();
    // A reader that does not read cannot stall the stats loop.
    fcntl(client, F_SETFL, O_NONBLOCK);
    size_t done = 0;
    while (done < document.size()) {
      ssize_t n = send(client, document.data() + done, document.size() - done, MSG_NOSIGNAL);
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    close(client);
  }
}

int read_stats_socket(const std::string &path) {
  sockaddr_un addr = address(path);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) internal_error(std::string("socket: ") + strerror(errno));
  if (connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof(addr)) != 0) {
    std::string why = strerror(errno);
    close(fd);
    user_error("cannot read statistics from " + path + ": " + why,
               "is a schedrun with --stats-socket " + path + " running?");
  }
  // schedrun answers within a poll (50 ms); one that does not is stuck.
  timeval limit = {5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
  char buf[4096];
  ssize_t n;
  size_t total = 0;
  while ((n = read(fd, buf, sizeof(buf))) > 0) {
    fwrite(buf, 1, static_cast<size_t>(n), stdout);
    total += static_cast<size_t>(n);
  }
  bool timedOut = n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  close(fd);
  fflush(stdout);
  if (timedOut || total == 0)
    user_error("no statistics from " + path + (timedOut ? " within 5 s" : ""),
               "the schedrun serving it may be stopped or stuck");
  return kExitOk;
}

}  // namespace schedrun
