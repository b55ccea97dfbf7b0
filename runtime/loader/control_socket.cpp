#include "control_socket.h"

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "failure.h"

namespace schedrun {
namespace {

using Clock = std::chrono::steady_clock;

// A client that has not sent its request line by then is dropped.
constexpr auto kRequestWait = std::chrono::seconds(2);
constexpr size_t kMaxRequest = 8192;

sockaddr_un address(const std::string &path) {
  sockaddr_un addr;
  memset(&addr, 0, sizeof(addr));
  addr.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof(addr.sun_path))
    user_error("socket path '" + path + "' is empty or longer than " +
               std::to_string(sizeof(addr.sun_path) - 1) + " bytes");
  memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  return addr;
}

uid_t peer_uid(int fd) {
  ucred cred{};
  socklen_t len = sizeof(cred);
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) return static_cast<uid_t>(-1);
  return cred.uid;
}

// Sends `request`, then returns everything the server writes back.
std::string exchange(const std::string &path, const std::string &request, int timeout_s) {
  sockaddr_un addr = address(path);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) internal_error(std::string("socket: ") + strerror(errno));
  if (connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof(addr)) != 0) {
    std::string why = strerror(errno);
    close(fd);
    user_error("cannot connect to " + path + ": " + why,
               "is a schedrun with --socket " + path + " running?");
  }
  timeval limit = {timeout_s, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
  std::string line = request + "\n";
  if (send(fd, line.data(), line.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(line.size())) {
    std::string why = strerror(errno);
    close(fd);
    user_error("cannot send the request to " + path + ": " + why);
  }
  shutdown(fd, SHUT_WR);
  std::string answer;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) > 0) answer.append(buf, static_cast<size_t>(n));
  bool timed_out = n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  close(fd);
  if (timed_out || answer.empty())
    user_error(
        "no answer from " + path + (timed_out ? " within " + std::to_string(timeout_s) + " s" : ""),
        "the schedrun serving it may be stopped or stuck");
  return answer;
}

// The words of a request, tab-separated; a word holding a tab or a newline
// could not be told apart on the other side.
std::string request_line(const std::vector<std::string> &words) {
  std::string line;
  for (const std::string &w : words) {
    if (w.find_first_of("\t\n") != std::string::npos)
      user_error("'" + w + "' cannot be sent: it holds a tab or a newline");
    line += (line.empty() ? "" : "\t") + w;
  }
  return line;
}

}  // namespace

ControlSocket::ControlSocket(const std::string &path) : path_(path) {
  sockaddr_un addr = address(path);
  // Only a stale socket is replaced, never another kind of file.
  struct stat st;
  if (lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode))
      user_error(path + " exists and is not a socket", "choose another --socket path");
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
  // Anyone may read the statistics; commands check the client's user.
  chmod(path.c_str(), 0666);
}

ControlSocket::~ControlSocket() {
  for (const Client &c : pending_) close(c.fd);
  if (fd_ >= 0) {
    close(fd_);
    unlink(path_.c_str());
  }
}

void ControlSocket::reply(const Client &c, const std::string &text) {
  // A client that does not read cannot stall the caller's loop.
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = send(c.fd, text.data() + done, text.size() - done, MSG_NOSIGNAL);
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  close(c.fd);
}

void ControlSocket::serve(const std::function<std::string(const Request &)> &answer) {
  for (;;) {
    int fd = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) break;  // none waiting (EAGAIN), or it went away
    pending_.push_back({fd, peer_uid(fd), {}, Clock::now() + kRequestWait});
  }
  // Taken out first: a client answered (closed) is never in pending_ again,
  // even when `answer` throws.
  std::vector<Client> clients = std::move(pending_);
  pending_.clear();
  for (Client &c : clients) {
    char buf[1024];
    ssize_t n;
    bool eof = false;
    while ((n = read(c.fd, buf, sizeof(buf))) > 0) c.line.append(buf, static_cast<size_t>(n));
    if (n == 0) eof = true;
    size_t nl = c.line.find('\n');
    if (nl == std::string::npos && !eof) {
      if (Clock::now() < c.deadline && c.line.size() < kMaxRequest)
        pending_.push_back(c);
      else
        reply(c, "error\nno request line within 2 s\n");
      continue;
    }
    Request r;
    r.words = split_request(c.line.substr(0, nl));
    r.uid = c.uid;
    reply(c, answer(r));
  }
}

std::vector<std::string> split_request(const std::string &line) {
  std::vector<std::string> words;
  size_t pos = 0;
  while (pos <= line.size()) {
    size_t tab = line.find('\t', pos);
    if (tab == std::string::npos) tab = line.size();
    if (tab > pos) words.push_back(line.substr(pos, tab - pos));
    pos = tab + 1;
  }
  return words;
}

int read_stats_socket(const std::string &path) {
  std::string document = exchange(path, "stats", 5);
  fputs(document.c_str(), stdout);
  fflush(stdout);
  return kExitOk;
}

int request_switch(const std::string &path, const std::string &object,
                   const std::vector<std::string> &sets) {
  // The serving schedrun may run in another directory.
  char resolved[PATH_MAX];
  if (!realpath(object.c_str(), resolved))
    user_error("cannot read " + object + ": " + strerror(errno));
  std::vector<std::string> words = {"switch", resolved};
  words.insert(words.end(), sets.begin(), sets.end());
  // Loading the new policy runs the verifier: allow it time.
  return print_answer(exchange(path, request_line(words), 300));
}

int request_set(const std::string &path, const std::vector<std::string> &sets) {
  std::vector<std::string> words = {"set"};
  words.insert(words.end(), sets.begin(), sets.end());
  return print_answer(exchange(path, request_line(words), 10));
}

int request_hint(const std::string &path, const std::string &pid,
                 const std::vector<std::string> &sets) {
  std::vector<std::string> words = {"hint", pid};
  words.insert(words.end(), sets.begin(), sets.end());
  return print_answer(exchange(path, request_line(words), 10));
}

int print_answer(const std::string &answer) {
  bool ok = answer.rfind("ok\n", 0) == 0;
  std::string text = answer.substr(answer.find('\n') + 1);
  if (!ok) {
    if (answer.rfind("error\n", 0) != 0) internal_error("unexpected answer: " + answer);
    fprintf(stderr, "schedrun: error: %s", text.c_str());
    return kExitUser;
  }
  fputs(text.c_str(), stdout);
  fflush(stdout);
  return kExitOk;
}

}  // namespace schedrun
