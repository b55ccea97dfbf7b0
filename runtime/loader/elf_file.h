// An ELF file opened for reading with libelf, closed when it goes out of
// scope (the metadata and the kernel requirements are read this way).
#pragma once

#include <libelf.h>
#include <unistd.h>

namespace schedrun {

struct ElfFile {
  int fd = -1;
  Elf *elf = nullptr;
  ElfFile() = default;
  ElfFile(const ElfFile &) = delete;
  ElfFile &operator=(const ElfFile &) = delete;
  ~ElfFile() {
    if (elf) elf_end(elf);
    if (fd >= 0) close(fd);
  }
};

}  // namespace schedrun
