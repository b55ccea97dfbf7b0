// dutycycle RUN_US SLEEP_US: forever, burns RUN_US microseconds of its own CPU
// time, then sleeps SLEEP_US: a task that runs and sleeps in turn, as
// interactive and request-serving threads do.
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static long long cpu_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: dutycycle RUN_US SLEEP_US\n");
    return 2;
  }
  long long run = atoll(argv[1]) * 1000LL, sleep_ns = atoll(argv[2]) * 1000LL;
  struct timespec nap = {sleep_ns / 1000000000LL, sleep_ns % 1000000000LL};
  volatile unsigned long sink = 0;
  for (;;) {
    long long start = cpu_ns();
    while (cpu_ns() - start < run)
      for (int i = 0; i < 1000; i++) sink += i;
    if (sleep_ns > 0) nanosleep(&nap, NULL);
  }
}
