// Statistics for other processes: a UNIX stream socket where every
// connection receives the current stats document (stats_document) and is
// closed. `schedrun stats PATH` is the client.
#pragma once

#include <functional>
#include <string>

namespace schedrun {

class StatsSocket {
 public:
  // Listens at `path`, replacing a socket file left by an earlier run.
  explicit StatsSocket(const std::string &path);
  ~StatsSocket();
  StatsSocket(const StatsSocket &) = delete;
  StatsSocket &operator=(const StatsSocket &) = delete;

  // Answers every connection waiting now with `document()` (called only
  // when one is); never blocks.
  void serve(const std::function<std::string()> &document);

 private:
  std::string path_;
  int fd_ = -1;
};

// `schedrun stats PATH`: prints the document the socket gives; exit status.
int read_stats_socket(const std::string &path);

}  // namespace schedrun
