// bpfinfo: lists every loaded BPF program and map, one line each, for the
// benchmark (bench/run). bpftool 7.5 does not show verified_insns, so this
// reads bpf_prog_info / bpf_map_info with raw bpf(2) calls (no libbpf: it
// links statically and runs in the test VM as is).
//
//   prog id=N type=N name=NAME xlated=BYTES jited=BYTES verified=INSNS
//   map id=N type=N name=NAME key=B value=B max_entries=N memlock=BYTES
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static long sys_bpf(int cmd, union bpf_attr *attr) {
  return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

static int next_id(int cmd, unsigned int id, unsigned int *next) {
  union bpf_attr attr;
  memset(&attr, 0, sizeof(attr));
  attr.start_id = id;
  if (sys_bpf(cmd, &attr) != 0) return -1;
  *next = attr.next_id;
  return 0;
}

static int fd_by_id(int cmd, unsigned int id) {
  union bpf_attr attr;
  memset(&attr, 0, sizeof(attr));
  attr.prog_id = id;  // same slot as map_id
  return (int)sys_bpf(cmd, &attr);
}

static int info_by_fd(int fd, void *info, unsigned int len) {
  union bpf_attr attr;
  memset(&attr, 0, sizeof(attr));
  attr.info.bpf_fd = (unsigned int)fd;
  attr.info.info_len = len;
  attr.info.info = (unsigned long)info;
  return (int)sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr);
}

// The kernel's own accounting of a map's memory, as bpftool shows it.
static unsigned long long memlock(int fd) {
  char path[64], line[256];
  unsigned long long v = 0;
  snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  while (fgets(line, sizeof(line), f))
    if (sscanf(line, "memlock: %llu", &v) == 1) break;
  fclose(f);
  return v;
}

int main(void) {
  unsigned int id = 0;
  while (next_id(BPF_PROG_GET_NEXT_ID, id, &id) == 0) {
    int fd = fd_by_id(BPF_PROG_GET_FD_BY_ID, id);
    if (fd < 0) continue;
    struct bpf_prog_info info;
    memset(&info, 0, sizeof(info));
    if (info_by_fd(fd, &info, sizeof(info)) == 0)
      printf("prog id=%u type=%u name=%s xlated=%u jited=%u verified=%u\n", info.id, info.type,
             info.name[0] ? info.name : "-", info.xlated_prog_len, info.jited_prog_len,
             info.verified_insns);
    close(fd);
  }
  id = 0;
  while (next_id(BPF_MAP_GET_NEXT_ID, id, &id) == 0) {
    int fd = fd_by_id(BPF_MAP_GET_FD_BY_ID, id);
    if (fd < 0) continue;
    struct bpf_map_info info;
    memset(&info, 0, sizeof(info));
    if (info_by_fd(fd, &info, sizeof(info)) == 0)
      printf("map id=%u type=%u name=%s key=%u value=%u max_entries=%u memlock=%llu\n", info.id,
             info.type, info.name[0] ? info.name : "-", info.key_size, info.value_size,
             info.max_entries, memlock(fd));
    close(fd);
  }
  return 0;
}
