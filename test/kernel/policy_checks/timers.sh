#!/bin/sh
# `every` timers with examples/shinjuku.sched: tasks run with infinite
# slices and a timer every 200us preempts a CPU whose task has run its
# quantum (1 ms). Two CPU-bound tasks on one CPU then alternate in runs of
# about a quantum (the tick alone would give 4 ms runs, an infinite slice
# one endless run) and share the CPU evenly. With the quantum raised to
# 100 ms at run time (a live param), the runs grow past the tick: the timer
# is what ends them. Started again with a 100 us quantum checked every
# 50 us (each CPU's own timer), runs average at most 0.5 ms, an eighth of
# the tick (measured under TCG: 0.22 to 0.31 ms, i.e. preempted 0.1 to
# 0.2 ms after the quantum; emulated timer interrupts are slow, so the
# bound leaves room).
. "${SCHEDC_LIB:-$SCHEDC_DATA/lib.sh}"
obj=$SCHEDC_DATA/policies/shinjuku.bpf.o
spin=$(command -v spin 2>/dev/null || echo "$SCHEDC_DATA/spin")
sock=/tmp/schedrun-timer.sock
cpu=$(($(nproc) - 1))
# runs A B SECS: "share_of_a mean_run_ms" of tasks A and B over SECS
# (/proc/PID/schedstat: CPU time, wait time, runs).
runs() {
  set -- "$1" "$2" "$3" "$(cat /proc/$1/schedstat)" "$(cat /proc/$2/schedstat)"
  sleep "$3"
  echo "$4 $5 $(cat /proc/$1/schedstat) $(cat /proc/$2/schedstat)" | awk '{
    a = $7 - $1; b = $10 - $4; n = ($9 - $3) + ($12 - $6)
    printf "%.3f %.3f\n", (a + b > 0 ? a / (a + b) : 0), (n > 0 ? (a + b) / n / 1e6 : 0) }'
}

schedrun -q --socket "$sock" "$obj" > "$out/run" 2>&1 &
pid=$!
if wait_state enabled 30; then
  taskset -c $cpu "$spin" a 0 > /dev/null 2>&1 & a=$!
  taskset -c $cpu "$spin" b 0 > /dev/null 2>&1 & b=$!
  sleep 1
  set -- $(runs $a $b 2)
  share=$1 run_ms=$2
  echo "quantum 1ms: share of a $share, mean run ${run_ms} ms"
  within "$share" 0.40 0.60 && pass timer-share || fail timer-share "share of a is $share"
  within "$run_ms" 0.5 3.0 && pass timer-quantum ||
    fail timer-quantum "mean run ${run_ms} ms with a 1 ms quantum (the tick would give 4 ms)"
  preempted=$(schedrun stats "$sock" | sed -n 's/.*"preempted":\([0-9]*\).*/\1/p')
  [ "${preempted:-0}" -gt 100 ] && pass timer-counter ||
    fail timer-counter "the timer preempted '$preempted' times"

  schedrun set "$sock" quantum=100ms > "$out/set" 2>&1
  sleep 0.5
  set -- $(runs $a $b 3)
  echo "quantum 100ms: share of a $1, mean run $2 ms"
  within "$2" 20 200 && pass timer-live-quantum ||
    fail timer-live-quantum "mean run $2 ms with a 100 ms quantum" "$out/set"
  kill $a $b 2>/dev/null
  wait $a $b 2>/dev/null
  stop_bg $pid
  expect_rc timer-detach 130 $bg_rc "$out/run" && pass timer-detach

  schedrun -q --socket "$sock" --set quantum=100us --set check=50us "$obj" > "$out/run2" 2>&1 &
  pid=$!
  if wait_state enabled 30; then
    taskset -c $cpu "$spin" a 0 > /dev/null 2>&1 & a=$!
    taskset -c $cpu "$spin" b 0 > /dev/null 2>&1 & b=$!
    sleep 1
    set -- $(runs $a $b 2)
    echo "quantum 100us: share of a $1, mean run $2 ms"
    within "$2" 0.05 0.5 && pass timer-short-quantum ||
      fail timer-short-quantum "mean run $2 ms with a 100 us quantum checked every 50 us"
    kill $a $b 2>/dev/null
    wait $a $b 2>/dev/null
    stop_bg $pid
  else
    fail timer-short-quantum "shinjuku never enabled again" "$out/run2"
    kill -9 $pid 2>/dev/null
  fi
else
  fail timer-share "shinjuku never enabled" "$out/run"
  kill -9 $pid 2>/dev/null
fi
finish
