#include "meta.h"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include "elf_file.h"
#include "failure.h"
#include "schedc_abi.h"

namespace schedrun {
namespace {

std::string find_section(Elf *elf, const char *wanted, bool *found) {
  size_t shstrndx;
  *found = false;
  if (elf_getshdrstrndx(elf, &shstrndx) != 0) return {};
  for (Elf_Scn *scn = elf_nextscn(elf, nullptr); scn; scn = elf_nextscn(elf, scn)) {
    GElf_Shdr shdr;
    if (!gelf_getshdr(scn, &shdr)) continue;
    const char *name = elf_strptr(elf, shstrndx, shdr.sh_name);
    if (!name || std::string(name) != wanted) continue;
    *found = true;
    Elf_Data *data = elf_getdata(scn, nullptr);
    if (!data || !data->d_buf) return {};
    std::string text(static_cast<const char *>(data->d_buf), data->d_size);
    return text.substr(0, text.find('\0'));
  }
  return {};
}

uint64_t parse_number(const std::string &word, bool is_signed, const std::string &line) {
  // strto* rather than sto*: a bad number is an answer here, not an exception.
  char *end = nullptr;
  errno = 0;
  uint64_t v = is_signed ? static_cast<uint64_t>(std::strtoll(word.c_str(), &end, 10))
                         : std::strtoull(word.c_str(), &end, 10);
  if (!word.empty() && errno == 0 && *end == '\0' && (is_signed || word[0] != '-')) return v;
  user_error("bad number '" + word + "' in metadata line: " + line);
}

ParamType parse_type(const std::string &word, const std::string &line) {
  if (word == "u64") return ParamType::U64;
  if (word == "s64") return ParamType::S64;
  if (word == "bool") return ParamType::Bool;
  if (word == "duration") return ParamType::Duration;
  if (word == "sduration") return ParamType::SDuration;
  user_error("unknown parameter type '" + word + "' in metadata line: " + line);
}

}  // namespace

Meta parse_meta(const std::string &text) {
  Meta meta;
  std::istringstream lines(text);
  std::string line;
  bool header = false;
  while (std::getline(lines, line)) {
    std::istringstream in(line);
    std::string key;
    if (!(in >> key)) continue;
    std::vector<std::string> w;
    for (std::string word; in >> word;) w.push_back(word);
    auto need = [&](size_t n, size_t optional = 0) {
      if (w.size() < n || w.size() > n + optional) user_error("malformed metadata line: " + line);
    };
    if (key == SCHEDC_META_HEADER) {
      need(1);
      if (w[0] != std::to_string(SCHEDC_META_VERSION))
        user_error("metadata version " + w[0] + " is not supported (this schedrun reads version " +
                       std::to_string(SCHEDC_META_VERSION) + ")",
                   "rebuild the object with a matching schedc");
      header = true;
    } else if (key == SCHEDC_META_POLICY) {
      need(1);
      meta.policy = w[0];
    } else if (key == SCHEDC_META_PARAM) {
      need(6, 1);  // LIVE is newer than the rest
      Param p;
      p.name = w[0];
      p.type = parse_type(w[1], line);
      bool is_signed = p.type == ParamType::S64 || p.type == ParamType::SDuration;
      p.def = parse_number(w[2], is_signed, line);
      p.min = parse_number(w[3], is_signed, line);
      p.max = parse_number(w[4], is_signed, line);
      p.infinite = parse_number(w[5], false, line) != 0;
      p.live = w.size() > 6 && parse_number(w[6], false, line) != 0;
      meta.params.push_back(p);
    } else if (key == SCHEDC_META_HINT) {
      need(6);
      Hint h;
      h.value.name = w[0];
      h.value.type = parse_type(w[1], line);
      bool is_signed = h.value.type == ParamType::S64 || h.value.type == ParamType::SDuration;
      h.value.def = parse_number(w[2], is_signed, line);
      h.value.min = parse_number(w[3], is_signed, line);
      h.value.max = parse_number(w[4], is_signed, line);
      if (w[5] != "task" && w[5] != "process")
        user_error("bad hint scope '" + w[5] + "' in metadata line: " + line);
      h.per_process = w[5] == "process";
      meta.hints.push_back(h);
    } else if (key == SCHEDC_META_QUEUE) {
      need(3);
      meta.queues.push_back({w[0], w[1], static_cast<uint32_t>(parse_number(w[2], false, line))});
    } else if (key == SCHEDC_META_COUNTER) {
      need(1);
      meta.counters.push_back(w[0]);
    } else if (key == SCHEDC_META_COMPILER) {
      for (const std::string &word : w) meta.compiler += (meta.compiler.empty() ? "" : " ") + word;
    } else if (key == SCHEDC_META_SOURCE && w.size() >= 2 && w[0] == "sha256") {
      meta.source_sha256 = w[1];
    }
    // Unknown keys are skipped so that newer compilers can add information.
  }
  if (!header) user_error("metadata has no '" SCHEDC_META_HEADER "' header");
  if (meta.params.size() > SCHEDC_MAX_PARAMS || meta.hints.size() > SCHEDC_MAX_HINTS ||
      meta.queues.size() > SCHEDC_MAX_QUEUES || meta.counters.size() > SCHEDC_MAX_COUNTERS)
    user_error("metadata declares more params/queues/counters than the ABI allows");
  if (meta.policy.empty()) meta.policy = "unnamed";
  return meta;
}

Meta read_meta(const std::string &path) {
  ElfFile f;
  f.fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (f.fd < 0) user_error("cannot open " + path + ": " + strerror(errno));
  if (elf_version(EV_CURRENT) == EV_NONE) internal_error("libelf initialization failed");
  f.elf = elf_begin(f.fd, ELF_C_READ, nullptr);
  GElf_Ehdr ehdr;
  if (!f.elf || elf_kind(f.elf) != ELF_K_ELF || !gelf_getehdr(f.elf, &ehdr))
    user_error(path + " is not an ELF file", "pass a BPF object built by schedc (.bpf.o)");
  if (ehdr.e_machine != EM_BPF)
    user_error(path + " is not a BPF object", "pass a BPF object built by schedc (.bpf.o)");
  bool found;
  std::string text = find_section(f.elf, SCHEDC_META_SECTION, &found);
  if (!found)
    user_error(path + " is not a schedc object (no " SCHEDC_META_SECTION " section)",
               "build it with schedc; plain sched_ext objects have their own loaders");
  return parse_meta(text);
}

}  // namespace schedrun
