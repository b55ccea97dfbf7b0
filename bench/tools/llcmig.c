// llcmig THREADS RUN_US SLEEP_US SECS: THREADS threads each run RUN_US of CPU
// work, then sleep SLEEP_US, over and over for SECS seconds. After every
// wakeup a thread asks which CPU it is on (sched_getcpu) and counts a
// migration when it changed, and whether the move crossed an LLC or a NUMA
// node (the machine's topology from sysfs, as schedrun reads it). Prints one
// line: wakeups, migrations, cross-LLC and cross-node moves, per second, and
// the work done (rounds of RUN_US per second).
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_CPUS 1024

static int llc_of[MAX_CPUS], node_of[MAX_CPUS];
static long run_ns, sleep_ns;
static volatile int stop;

struct counts {
  long wakeups, migrations, cross_llc, cross_node, rounds;
};

static long now_ns(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

// The first CPU of a sysfs CPU list ("4-7" -> 4), or -1.
static int first_cpu(const char *path) {
  FILE *f = fopen(path, "r");
  int cpu = -1;
  if (f) {
    if (fscanf(f, "%d", &cpu) != 1) cpu = -1;
    fclose(f);
  }
  return cpu;
}

// Each CPU's LLC (the first CPU sharing its highest-level data or unified
// cache) and node (from node*/cpulist).
static void read_topology(void) {
  char path[256], type[32];
  for (int cpu = 0; cpu < MAX_CPUS; cpu++) {
    int best = 0;
    llc_of[cpu] = cpu;
    node_of[cpu] = 0;
    for (int i = 0; i < 8; i++) {
      snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%d/cache/index%d/type", cpu, i);
      FILE *f = fopen(path, "r");
      if (!f) continue;
      int ok = fscanf(f, "%31s", type) == 1;
      fclose(f);
      if (!ok || strcmp(type, "Instruction") == 0) continue;
      snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%d/cache/index%d/level", cpu, i);
      int level = first_cpu(path);
      snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%d/cache/index%d/shared_cpu_list",
               cpu, i);
      int first = first_cpu(path);
      if (level > best && first >= 0) {
        best = level;
        llc_of[cpu] = first;
      }
    }
  }
  for (int node = 0; node < 64; node++) {
    char list[4096];
    snprintf(path, sizeof path, "/sys/devices/system/node/node%d/cpulist", node);
    FILE *f = fopen(path, "r");
    if (!f) continue;
    if (fgets(list, sizeof list, f)) {
      for (char *part = strtok(list, ",\n"); part; part = strtok(NULL, ",\n")) {
        int lo, hi;
        int n = sscanf(part, "%d-%d", &lo, &hi);
        if (n == 1) hi = lo;
        for (int c = lo; n >= 1 && c <= hi && c < MAX_CPUS; c++) node_of[c] = node;
      }
    }
    fclose(f);
  }
}

static void *worker(void *arg) {
  struct counts *c = arg;
  struct timespec nap = {sleep_ns / 1000000000L, sleep_ns % 1000000000L};
  volatile unsigned long sink = 0;
  int last = sched_getcpu();
  while (!stop) {
    long start = now_ns(CLOCK_THREAD_CPUTIME_ID);
    while (now_ns(CLOCK_THREAD_CPUTIME_ID) - start < run_ns)
      for (int i = 0; i < 1000; i++) sink += i;
    c->rounds++;
    nanosleep(&nap, NULL);
    int cpu = sched_getcpu();
    c->wakeups++;
    if (cpu != last && cpu >= 0 && cpu < MAX_CPUS && last >= 0 && last < MAX_CPUS) {
      c->migrations++;
      c->cross_llc += llc_of[cpu] != llc_of[last];
      c->cross_node += node_of[cpu] != node_of[last];
    }
    last = cpu;
  }
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: llcmig THREADS RUN_US SLEEP_US SECS\n");
    return 2;
  }
  int threads = atoi(argv[1]);
  run_ns = atol(argv[2]) * 1000L;
  sleep_ns = atol(argv[3]) * 1000L;
  double secs = atof(argv[4]);
  if (threads < 1 || threads > 4096 || run_ns < 0 || sleep_ns < 0 || secs <= 0) {
    fprintf(stderr, "llcmig: bad arguments\n");
    return 2;
  }
  read_topology();
  pthread_t *tids = calloc((size_t)threads, sizeof *tids);
  struct counts *counts = calloc((size_t)threads, sizeof *counts);
  if (!tids || !counts) return 1;
  long t0 = now_ns(CLOCK_MONOTONIC);
  for (int i = 0; i < threads; i++)
    if (pthread_create(&tids[i], NULL, worker, &counts[i]) != 0) return 1;
  struct timespec wait = {(long)secs, (long)((secs - (long)secs) * 1e9)};
  nanosleep(&wait, NULL);
  stop = 1;
  struct counts sum = {0, 0, 0, 0, 0};
  for (int i = 0; i < threads; i++) {
    pthread_join(tids[i], NULL);
    sum.wakeups += counts[i].wakeups;
    sum.migrations += counts[i].migrations;
    sum.cross_llc += counts[i].cross_llc;
    sum.cross_node += counts[i].cross_node;
    sum.rounds += counts[i].rounds;
  }
  double elapsed = (now_ns(CLOCK_MONOTONIC) - t0) / 1e9;
  printf("wakeups_s=%.1f migrations_s=%.1f cross_llc_s=%.1f cross_node_s=%.1f rounds_s=%.1f\n",
         sum.wakeups / elapsed, sum.migrations / elapsed, sum.cross_llc / elapsed,
         sum.cross_node / elapsed, sum.rounds / elapsed);
  free(tids);
  free(counts);
  return 0;
}
