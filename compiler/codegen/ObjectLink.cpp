#include "codegen/ObjectLink.h"

#include <bpf/libbpf.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdarg>
#include <cstdio>

namespace schedc {
namespace {

// libbpf reports through one process-wide callback; while linking it
// collects warnings here instead of printing them.
std::string *linkerMessages = nullptr;

int collectMessage(enum libbpf_print_level level, const char *format, va_list args) {
  if (level == LIBBPF_DEBUG || !linkerMessages) return 0;
  char line[512];
  int n = vsnprintf(line, sizeof(line), format, args);
  if (n > 0) linkerMessages->append(line);
  return n;
}

// An anonymous in-memory file: libbpf's linker reads and writes paths, and
// /proc/self/fd/N names one without touching the disk.
class MemoryFile {
 public:
  MemoryFile() : fd_(memfd_create("schedc-object", MFD_CLOEXEC)) {}
  ~MemoryFile() {
    if (fd_ >= 0) close(fd_);
  }
  MemoryFile(const MemoryFile &) = delete;
  MemoryFile &operator=(const MemoryFile &) = delete;

  bool ok() const { return fd_ >= 0; }
  std::string path() const { return "/proc/self/fd/" + std::to_string(fd_); }

  bool write(const std::string &bytes) {
    size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = pwrite(fd_, bytes.data() + done, bytes.size() - done, static_cast<off_t>(done));
      if (n <= 0) return false;
      done += static_cast<size_t>(n);
    }
    return true;
  }

  bool read(std::string &bytes) {
    off_t size = lseek(fd_, 0, SEEK_END);
    if (size < 0) return false;
    bytes.resize(static_cast<size_t>(size));
    size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = pread(fd_, &bytes[done], bytes.size() - done, static_cast<off_t>(done));
      if (n <= 0) return false;
      done += static_cast<size_t>(n);
    }
    return true;
  }

 private:
  int fd_;
};

}  // namespace

bool linkObjects(const std::vector<std::string> &objects, std::string &linked, std::string &error) {
  std::vector<MemoryFile> inputs(objects.size());
  MemoryFile output;
  if (!output.ok()) {
    error = "cannot create an in-memory file for linking";
    return false;
  }
  for (size_t i = 0; i < objects.size(); ++i)
    if (!inputs[i].ok() || !inputs[i].write(objects[i])) {
      error = "cannot write an object to link";
      return false;
    }

  std::string messages;
  linkerMessages = &messages;
  libbpf_print_fn_t previous = libbpf_set_print(collectMessage);
  int err = 0;
  bpf_linker *linker = bpf_linker__new(output.path().c_str(), nullptr);
  if (!linker) err = -1;
  for (size_t i = 0; err == 0 && i < inputs.size(); ++i)
    err = bpf_linker__add_file(linker, inputs[i].path().c_str(), nullptr);
  if (err == 0) err = bpf_linker__finalize(linker);
  bpf_linker__free(linker);
  libbpf_set_print(previous);
  linkerMessages = nullptr;

  if (err != 0) {
    error = "linking the compiled halves failed (" + std::to_string(err) + ")" +
            (messages.empty() ? "" : ": " + messages);
    return false;
  }
  if (!output.read(linked)) {
    error = "cannot read the linked object";
    return false;
  }
  return true;
}

}  // namespace schedc
