#include "sched_ext_sysfs.h"

#include <sys/stat.h>

#include <fstream>

namespace schedrun {
namespace {

const char kRoot[] = "/sys/kernel/sched_ext";

std::string first_line(const std::string &path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

}  // namespace

bool sched_ext_available() {
  struct stat st;
  return stat(kRoot, &st) == 0 && S_ISDIR(st.st_mode);
}

std::string sched_ext_state() {
  return first_line(std::string(kRoot) + "/state");
}

std::string active_ops() {
  return first_line(std::string(kRoot) + "/root/ops");
}

}  // namespace schedrun
