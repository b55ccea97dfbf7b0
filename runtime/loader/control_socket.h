// The control socket (--socket PATH): a UNIX stream socket where a client
// sends one request line and receives one answer, then the connection
// closes. Requests are words separated by tabs:
//   stats                        the self-describing statistics (JSON)
//   switch OBJ [NAME=VALUE...]   replace the running policy (root only)
//   set NAME=VALUE...            change live params (root only)
//   hint PID NAME=VALUE...|--clear  hints of a task (its owner or root)
// An answer to a command starts with "ok\n" or "error\n".
// `schedrun stats` and `schedrun switch` are the clients.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace schedrun {

struct Request {
  std::vector<std::string> words;  // words[0] is the command
  uid_t uid = 0;                   // the client's user (SO_PEERCRED)
};

class ControlSocket {
 public:
  // Listens at `path`, replacing a socket file left by an earlier run.
  explicit ControlSocket(const std::string &path);
  ~ControlSocket();
  ControlSocket(const ControlSocket &) = delete;
  ControlSocket &operator=(const ControlSocket &) = delete;

  // Accepts waiting connections and answers those whose request line has
  // arrived with `answer(request)`; never blocks on a client.
  void serve(const std::function<std::string(const Request &)> &answer);

 private:
  struct Client {
    int fd;
    uid_t uid;
    std::string line;
    std::chrono::steady_clock::time_point deadline;
  };
  void reply(const Client &c, const std::string &text);

  std::string path_;
  int fd_ = -1;
  std::vector<Client> pending_;
};

// Splits a request line into words (a tab between words).
std::vector<std::string> split_request(const std::string &line);

// `schedrun stats PATH`: prints the statistics document; exit status.
int read_stats_socket(const std::string &path);

// `schedrun switch PATH OBJ [--set NAME=VALUE...]`: asks the schedrun
// serving PATH to replace its policy with OBJ; prints its answer; exit status.
int request_switch(const std::string &path, const std::string &object,
                   const std::vector<std::string> &sets);

// `schedrun set PATH NAME=VALUE...`: changes live params of the running
// policy; prints the answer; exit status.
int request_set(const std::string &path, const std::vector<std::string> &sets);

// `schedrun hint PATH PID NAME=VALUE... | --clear`: sets (or clears) hints
// of task PID and its process for the running policy; exit status.
int request_hint(const std::string &path, const std::string &pid,
                 const std::vector<std::string> &sets);

// Prints an "ok"/"error" answer (the text after the first line, to stdout
// or stderr); the exit status it means.
int print_answer(const std::string &answer);

}  // namespace schedrun
