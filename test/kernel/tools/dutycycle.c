// dutycycle RUN_US SLEEP_US [SLEEP_MAX_US]: forever, burns RUN_US microseconds
// of its own CPU time, then sleeps SLEEP_US (or a time drawn uniformly from
// SLEEP_US..SLEEP_MAX_US): a task that runs and sleeps in turn, as interactive
// and request-serving threads do. Drawn sleeps keep the task from running in
// lockstep with the scheduler tick, as a real one does not either.
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static long long cpu_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv) {
  if (argc != 3 && argc != 4) {
    fprintf(stderr, "usage: dutycycle RUN_US SLEEP_US [SLEEP_MAX_US]\n");
    return 2;
  }
  long long run = atoll(argv[1]) * 1000LL, sleep_ns = atoll(argv[2]) * 1000LL;
  long long sleep_max = argc == 4 ? atoll(argv[3]) * 1000LL : sleep_ns;
  if (sleep_max < sleep_ns) {
    fprintf(stderr, "dutycycle: SLEEP_MAX_US is below SLEEP_US\n");
    return 2;
  }
  unsigned long long state = (unsigned long long)cpu_ns() ^ ((unsigned long long)getpid() << 32);
  volatile unsigned long sink = 0;
  for (;;) {
    long long start = cpu_ns();
    while (cpu_ns() - start < run)
      for (int i = 0; i < 1000; i++) sink += i;
    long long ns = sleep_ns;
    if (sleep_max > sleep_ns) {
      /* xorshift64: any uniform draw will do */
      state ^= state << 13;
      state ^= state >> 7;
      state ^= state << 17;
      ns += (long long)(state % (unsigned long long)(sleep_max - sleep_ns + 1));
    }
    struct timespec nap = {ns / 1000000000LL, ns % 1000000000LL};
    if (ns > 0) nanosleep(&nap, NULL);
  }
}
