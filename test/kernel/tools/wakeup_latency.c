// wakeup_latency PERIOD_US COUNT: sleeps to absolute deadlines every PERIOD_US
// (clock_nanosleep, TIMER_ABSTIME) and prints how late each wakeup ran, as
// "p50=US p99=US max=US n=COUNT" in microseconds.
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int compare(const void *a, const void *b) {
  long long x = *(const long long *)a, y = *(const long long *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: wakeup_latency PERIOD_US COUNT\n");
    return 2;
  }
  long long period = atoll(argv[1]) * 1000LL;
  int count = atoi(argv[2]);
  if (period <= 0 || count <= 0) return 2;
  long long *late = calloc((size_t)count, sizeof(*late));
  struct timespec next, woke;
  clock_gettime(CLOCK_MONOTONIC, &next);
  for (int i = 0; i < count; i++) {
    long long ns = next.tv_nsec + period;
    next.tv_sec += ns / 1000000000LL;
    next.tv_nsec = ns % 1000000000LL;
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) != 0) {
    }
    clock_gettime(CLOCK_MONOTONIC, &woke);
    late[i] = (woke.tv_sec - next.tv_sec) * 1000000000LL + (woke.tv_nsec - next.tv_nsec);
  }
  qsort(late, (size_t)count, sizeof(*late), compare);
  printf("p50=%lld p99=%lld max=%lld n=%d\n", late[count / 2] / 1000,
         late[(count * 99) / 100 < count ? (count * 99) / 100 : count - 1] / 1000,
         late[count - 1] / 1000, count);
  free(late);
  return 0;
}
