#include "program_report.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <cerrno>
#include <cstring>

namespace schedrun {

void print_program_report(FILE *out, bpf_object *obj) {
  fprintf(out, "%-32s %10s %12s %12s %12s\n", "callback", "verified", "xlated_insns",
          "xlated_bytes", "jited_bytes");
  bpf_program *prog;
  bpf_object__for_each_program(prog, obj) {
    int fd = bpf_program__fd(prog);
    if (fd < 0) continue;
    bpf_prog_info info;
    memset(&info, 0, sizeof(info));
    uint32_t len = sizeof(info);
    if (bpf_prog_get_info_by_fd(fd, &info, &len) != 0) {
      fprintf(out, "%-32s (no info: %s)\n", bpf_program__name(prog), strerror(errno));
      continue;
    }
    fprintf(out, "%-32s %10u %12u %12u %12u\n", bpf_program__name(prog), info.verified_insns,
            info.xlated_prog_len / 8, info.xlated_prog_len, info.jited_prog_len);
  }
}

}  // namespace schedrun
