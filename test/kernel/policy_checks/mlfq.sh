#!/bin/sh
# examples/mlfq.sched with a 20 ms top slice: a CPU-bound task drops to the
# bottom level, and six tasks that run 1 ms and sleep 0.3 ms in turn (far
# under the top slice even with the emulated machine's interrupt costs, so
# they stay there) keep the top level busy on its CPU. Only the timer's
# boost brings the demoted task back: with a 500 ms boost it makes progress
# in every 700 ms window; with the boost at 60 s it does not run at all (the
# check can fail, and the boost is what passes it).
. "${SCHEDC_LIB:-$SCHEDC_DATA/lib.sh}"
obj=$SCHEDC_DATA/policies/mlfq.bpf.o
spin=$(command -v spin 2>/dev/null || echo "$SCHEDC_DATA/spin")
duty=$(command -v dutycycle 2>/dev/null || echo "$SCHEDC_DATA/dutycycle")
sock=/tmp/schedrun-mlfq.sock
cpu=$(($(nproc) - 1))
# longest_stall PID SECS: the longest run of 50 ms samples, in ms, over
# which PID got no CPU time.
longest_stall() {
  last=$(cpu_ns "$1") stall=0 worst=0 i=0
  while [ $i -lt $(($2 * 20)) ]; do
    sleep 0.05
    now=$(cpu_ns "$1")
    if [ "$now" = "$last" ]; then stall=$((stall + 50)); else stall=0; fi
    [ $stall -gt $worst ] && worst=$stall
    last=$now i=$((i + 1))
  done
  echo $worst
}
stat() { schedrun stats "$sock" | sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"; }

schedrun -q --socket "$sock" --set boost=500ms --set slice=20ms "$obj" > "$out/run" 2>&1 &
pid=$!
if wait_state enabled 30; then
  taskset -c $cpu "$spin" h 0 > /dev/null 2>&1 & h=$!
  sleep 0.3
  duties=
  for i in 1 2 3 4 5 6; do taskset -c $cpu "$duty" 1000 300 > /dev/null 2>&1 & duties="$duties $!"; done
  sleep 0.5
  worst=$(longest_stall $h 3)
  echo "boost 500ms: the demoted task's longest stall ${worst} ms"
  [ "$worst" -le 700 ] && pass mlfq-boost ||
    fail mlfq-boost "the demoted task went ${worst} ms without CPU time with a 500 ms boost"
  boosts=$(stat boosts) demotions=$(stat demotions)
  echo "boosts $boosts, demotions $demotions"
  [ "${boosts:-0}" -ge 5 ] && [ "${demotions:-0}" -ge 10 ] && pass mlfq-counters ||
    fail mlfq-counters "boosts '$boosts' demotions '$demotions'"

  schedrun set "$sock" boost=60s > "$out/set" 2>&1
  sleep 1
  worst=$(longest_stall $h 2)
  echo "boost 60s: the demoted task's longest stall ${worst} ms"
  [ "$worst" -ge 1500 ] && pass mlfq-starves-without-boost ||
    fail mlfq-starves-without-boost "the demoted task ran within ${worst} ms with no boost" "$out/set"
  kill $h $duties 2>/dev/null
  wait $h $duties 2>/dev/null
  stop_bg $pid
  expect_rc mlfq-detach 130 $bg_rc "$out/run" && pass mlfq-detach
else
  fail mlfq-boost "mlfq never enabled" "$out/run"
  kill -9 $pid 2>/dev/null
fi
finish
