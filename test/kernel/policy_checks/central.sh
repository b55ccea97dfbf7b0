#!/bin/sh
# examples/central.sched: one CPU makes every decision. With more CPU-bound
# tasks than CPUs, and as many that sleep every 0.5 ms (each sleep a chance
# for a CPU to pick its next task itself), the per-CPU counters show the timer's decisions made on
# the central CPU alone, every CPU running tasks, and every task start on
# another CPU matched by a task the central CPU moved there (those CPUs
# never dispatch themselves). Each task still gets its turn (at least half
# the mean CPU time): the central CPU preempts tasks past their 20 ms slice.
. "${SCHEDC_LIB:-$SCHEDC_DATA/lib.sh}"
obj=$SCHEDC_DATA/policies/central.bpf.o
spin=$(command -v spin 2>/dev/null || echo "$SCHEDC_DATA/spin")
duty=$(command -v dutycycle 2>/dev/null || echo "$SCHEDC_DATA/dutycycle")
sock=/tmp/schedrun-central.sock
ncpu=$(nproc)
central=$((ncpu - 1))
# by_cpu NAME: counter NAME by CPU, space-separated.
by_cpu() {
  sed -n "s/.*\"counters_by_cpu\":{[^}]*\"$1\":\[\([0-9,]*\)\].*/\1/p" "$out/stats" | tr ',' ' '
}

schedrun -q --socket "$sock" --set central=$central "$obj" > "$out/run" 2>&1 &
pid=$!
if wait_state enabled 30; then
  hogs= sleepers=
  for i in $(seq $((ncpu * 2))); do
    "$spin" hog$i 0 > /dev/null 2>&1 & hogs="$hogs $!"
    "$duty" 500 2000 > /dev/null 2>&1 & sleepers="$sleepers $!"
  done
  sleep 1
  before=
  for h in $hogs; do before="$before $(cpu_ns $h)"; done
  sleep 3
  after=
  for h in $hogs; do after="$after $(cpu_ns $h)"; done
  schedrun stats "$sock" > "$out/stats" 2>&1
  decisions=$(by_cpu decisions) runs=$(by_cpu runs)
  moved=$(sed -n 's/.*"fifo":{[^}]*"moved":\([0-9]*\).*/\1/p' "$out/stats")
  echo "decisions by CPU: $decisions; runs by CPU: $runs; moved by the timer: $moved"
  echo "$decisions" | awk -v c=$central '{ for (i = 1; i <= NF; i++)
      if ((i - 1 == c) != ($i > 0)) exit 1 }' && pass central-decides-alone ||
    fail central-decides-alone "timer decisions by CPU: $decisions (central CPU $central)" "$out/stats"
  echo "$runs" | awk -v n=$ncpu '{ if (NF < n) exit 1; for (i = 1; i <= n; i++) if ($i < 10) exit 1 }' &&
    pass central-every-cpu-runs || fail central-every-cpu-runs "task starts by CPU: $runs" "$out/stats"
  echo "$runs" | awk -v c=$central -v m="${moved:-0}" '{ s = 0
      for (i = 1; i <= NF; i++) if (i - 1 != c) s += $i
      print "task starts off the central CPU: " s; exit !(m > 0 && s <= m + 5) }' &&
    pass central-only-moves || fail central-only-moves "more task starts than moves: $runs vs $moved" "$out/stats"
  echo "$before" "|" "$after" | awk -v n=$((ncpu * 2)) '{ total = 0; least = -1
      for (i = 1; i <= n; i++) { d = $(i + n + 1) - $i; total += d; if (least < 0 || d < least) least = d }
      r = total > 0 ? least * n / total : 0
      printf "least CPU time of a task: %.2f of the mean\n", r; exit !(r >= 0.5) }' &&
    pass central-fair || fail central-fair "a task got less than half the mean CPU time"
  kill $hogs $sleepers 2>/dev/null
  wait $hogs $sleepers 2>/dev/null
  stop_bg $pid
  expect_rc central-detach 130 $bg_rc "$out/run" && pass central-detach
else
  fail central-decides-alone "central never enabled" "$out/run"
  kill -9 $pid 2>/dev/null
fi
finish
