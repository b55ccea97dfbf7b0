// spin LABEL MS: burns MS milliseconds of its own CPU time (0 = forever), then
// prints "LABEL start=NS end=NS" in CLOCK_MONOTONIC nanoseconds, so a test can
// see in which order CPU-bound tasks ran.
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static long long now_ns(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: spin LABEL MS\n");
    return 2;
  }
  long long budget = atoll(argv[2]) * 1000000LL;
  long long start = now_ns(CLOCK_MONOTONIC);
  long long cpu0 = now_ns(CLOCK_THREAD_CPUTIME_ID);
  volatile unsigned long sink = 0;
  while (budget == 0 || now_ns(CLOCK_THREAD_CPUTIME_ID) - cpu0 < budget)
    for (int i = 0; i < 10000; i++) sink += i;
  printf("%s start=%lld end=%lld\n", argv[1], start, now_ns(CLOCK_MONOTONIC));
  return 0;
}
