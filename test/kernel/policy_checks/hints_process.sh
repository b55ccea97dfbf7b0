#!/bin/sh
# A per-process hint (test-policies/hinted_process.bpf.o): on one CPU, a
# process of two CPU-bound threads and a single-threaded one share the CPU
# by thirds. Marking the two-thread process through one of its threads
# boosts both threads (4x the weight: 4/9 of the CPU each, the other process
# 1/9); clearing it gives the thirds back.
. "${SCHEDC_LIB:-$SCHEDC_DATA/lib.sh}"
obj=$SCHEDC_DATA/test-policies/hinted_process.bpf.o
spin=$(command -v spin 2>/dev/null || echo "$SCHEDC_DATA/spin")
threads=$(command -v threads 2>/dev/null || echo "$SCHEDC_DATA/threads")
sock=/tmp/schedrun-hint-process.sock
cpu=$(($(nproc) - 1))
# shares SECS: "first_thread second_thread other_process" CPU shares over SECS.
shares() {
  set -- "$1" "$(cpu_ns $t1)" "$(cpu_ns $t2)" "$(cpu_ns $q)"
  sleep "$1"
  awk -v a0="$2" -v b0="$3" -v c0="$4" -v a1="$(cpu_ns $t1)" -v b1="$(cpu_ns $t2)" \
    -v c1="$(cpu_ns $q)" 'BEGIN { a = a1 - a0; b = b1 - b0; c = c1 - c0; t = a + b + c
      if (t <= 0) t = 1; printf "%.3f %.3f %.3f\n", a / t, b / t, c / t }'
}

schedrun -q --socket "$sock" "$obj" > "$out/run" 2>&1 &
pid=$!
if wait_state enabled 30; then
  taskset -c $cpu "$threads" 2 > /dev/null 2>&1 & p=$!
  taskset -c $cpu "$spin" q 0 > /dev/null 2>&1 & q=$!
  sleep 0.5
  t1=$p t2=$(ls /proc/$p/task | grep -vx "$p" | head -1)
  before=$(shares 1)
  schedrun hint "$sock" "$t2" latency_critical=true > "$out/h1" 2>&1
  rc=$?
  sleep 0.1
  marked=$(shares 1)
  schedrun hint "$sock" "$p" --clear > "$out/h2" 2>&1
  sleep 0.1
  cleared=$(shares 1)
  echo "shares (thread 1, thread 2, other process): before $before; marked $marked (ideal 0.444 0.444 0.111); cleared $cleared"
  expect_rc hint-process-set 0 $rc "$out/h1" &&
    expect_grep hint-process-set "for process $p \\(all its threads\\)" "$out/h1" && pass hint-process-set
  echo "$before" | awk '{ exit !($1 > 0.25 && $1 < 0.42 && $2 > 0.25 && $2 < 0.42) }' &&
    pass hint-process-default || fail hint-process-default "shares $before without a hint"
  echo "$marked" | awk '{ exit !($1 > 0.36 && $1 < 0.53 && $2 > 0.36 && $2 < 0.53 && $3 < 0.2) }' &&
    pass hint-process-boost || fail hint-process-boost "shares $marked with the process marked"
  echo "$cleared" | awk '{ exit !($3 > 0.25 && $3 < 0.42) }' &&
    pass hint-process-clear || fail hint-process-clear "shares $cleared after clearing" "$out/h2"
  kill $p $q 2>/dev/null
  wait $p $q 2>/dev/null
  stop_bg $pid
else
  fail hint-process-set "hinted_process never enabled" "$out/run"
  kill -9 $pid 2>/dev/null
fi
finish
