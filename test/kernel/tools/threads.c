// threads N: a process of N threads that each burn CPU time forever, for
// checks of what a policy does per process (per-process hints).
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static void *burn(void *arg) {
  volatile unsigned long sink = 0;
  (void)arg;
  for (;;)
    for (int i = 0; i < 10000; i++) sink += i;
  return NULL;
}

int main(int argc, char **argv) {
  int n = argc == 2 ? atoi(argv[1]) : 0;
  if (n < 1 || n > 64) {
    fprintf(stderr, "usage: threads N (1..64)\n");
    return 2;
  }
  for (int i = 1; i < n; i++) {
    pthread_t t;
    if (pthread_create(&t, NULL, burn, NULL) != 0) {
      perror("pthread_create");
      return 1;
    }
  }
  burn(NULL);
  return 0;
}
