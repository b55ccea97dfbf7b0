#include "libbpf_log.h"

#include <bpf/libbpf.h>

#include <cstdarg>
#include <cstdio>
#include <vector>

namespace schedrun {
namespace {

std::string g_log;
bool g_echo = false;

int collect(enum libbpf_print_level level, const char *fmt, va_list args) {
  if (level == LIBBPF_DEBUG && !g_echo) return 0;
  va_list copy;
  va_copy(copy, args);
  int n = vsnprintf(nullptr, 0, fmt, copy);
  va_end(copy);
  if (n <= 0) return n;
  std::vector<char> buf(static_cast<size_t>(n) + 1);
  vsnprintf(buf.data(), buf.size(), fmt, args);
  g_log.append(buf.data(), static_cast<size_t>(n));
  if (g_echo) fputs(buf.data(), stderr);
  return n;
}

}  // namespace

void capture_libbpf_log(bool echo) {
  g_echo = echo;
  libbpf_set_print(collect);
}

const std::string &libbpf_log() {
  return g_log;
}

void clear_libbpf_log() {
  g_log.clear();
}

}  // namespace schedrun
