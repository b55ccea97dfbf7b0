#!/bin/sh
# schedrun hint with examples/hinted.sched: three CPU-bound tasks share one
# CPU; marking one latency_critical at run time gives it `boost` (4) times
# the others' weight, 4/6 of the CPU, from 0.1 s after the mark on; clearing
# the mark gives it back its third. Its owner may hint it, another user may
# not; a task that does not exist or a value that is not the hint's type is
# refused and changes nothing.
. "${SCHEDC_LIB:-$SCHEDC_DATA/lib.sh}"
obj=$SCHEDC_DATA/policies/hinted.bpf.o
spin=$(command -v spin 2>/dev/null || echo "$SCHEDC_DATA/spin")
sock=/tmp/schedrun-hint.sock
cpu=$(($(nproc) - 1))
# share PID SECS: PID's part of the CPU time the three hogs got over SECS.
share() {
  set -- "$1" "$2" "$(cpu_ns $a)" "$(cpu_ns $b)" "$(cpu_ns $c)" "$(cpu_ns $1)"
  sleep "$2"
  awk -v a0="$3" -v b0="$4" -v c0="$5" -v x0="$6" -v a1="$(cpu_ns $a)" \
    -v b1="$(cpu_ns $b)" -v c1="$(cpu_ns $c)" -v x1="$(cpu_ns $1)" \
    'BEGIN { t = (a1 - a0) + (b1 - b0) + (c1 - c0); printf "%.3f", (t > 0 ? (x1 - x0) / t : 0) }'
}

schedrun -q --socket "$sock" "$obj" > "$out/run" 2>&1 &
pid=$!
if wait_state enabled 30; then
  taskset -c $cpu "$spin" a 0 > /dev/null 2>&1 & a=$!
  taskset -c $cpu "$spin" b 0 > /dev/null 2>&1 & b=$!
  taskset -c $cpu "$spin" c 0 > /dev/null 2>&1 & c=$!
  sleep 1
  before=$(share $a 1)
  schedrun hint "$sock" $a latency_critical=true > "$out/h1" 2>&1
  rc=$?
  sleep 0.1
  marked=$(share $a 1)
  schedrun hint "$sock" $a latency_critical=false > "$out/h2" 2>&1
  sleep 0.1
  cleared=$(share $a 1)
  echo "share of a: before $before, marked $marked (ideal 0.667), cleared $cleared (ideal 0.333)"
  expect_rc hint-set 0 $rc "$out/h1" &&
    expect_grep hint-set "^latency_critical=true for task $a$" "$out/h1" && pass hint-set
  within "$before" 0.25 0.42 && pass hint-default || fail hint-default "share $before without a hint"
  within "$marked" 0.58 0.75 && pass hint-boost || fail hint-boost "share $marked when marked"
  within "$cleared" 0.25 0.42 && pass hint-unmark || fail hint-unmark "share $cleared after clearing"

  # The owner of a task may hint it; another user may not.
  d=$(as_tester "$spin d 0 > /dev/null 2>&1 & echo \$!")
  as_tester "schedrun hint $sock $d latency_critical=true" > "$out/h3" 2>&1
  expect_rc hint-owner 0 $? "$out/h3" && pass hint-owner
  as_tester "schedrun hint $sock $a latency_critical=true" > "$out/h4" 2>&1
  expect_rc hint-other-user 1 $? "$out/h4" &&
    expect_grep hint-other-user "permission denied: task $a belongs to another user" "$out/h4" &&
    pass hint-other-user
  kill "$d" 2>/dev/null

  schedrun hint "$sock" 999999 latency_critical=true > "$out/h5" 2>&1
  expect_rc hint-no-task 1 $? "$out/h5" &&
    expect_grep hint-no-task "no task 999999 is running" "$out/h5" && pass hint-no-task
  schedrun hint "$sock" $a latency_critical=maybe > "$out/h6" 2>&1
  expect_rc hint-bad-value 1 $? "$out/h6" && expect_grep hint-bad-value "nothing changed" "$out/h6" &&
    pass hint-bad-value
  schedrun hint "$sock" $a nope=1 > "$out/h7" 2>&1
  expect_rc hint-unknown 1 $? "$out/h7" &&
    expect_grep hint-unknown "has no hint 'nope'" "$out/h7" &&
    expect_grep hint-unknown "its hints: latency_critical" "$out/h7" && pass hint-unknown
  schedrun hint "$sock" $a --clear > "$out/h8" 2>&1
  expect_rc hint-clear 0 $? "$out/h8" && expect_grep hint-clear "cleared the hints of task $a" "$out/h8" &&
    pass hint-clear
  kill $a $b $c 2>/dev/null
  wait $a $b $c 2>/dev/null
  stop_bg $pid
  expect_grep hint-log "^schedrun: hint latency_critical=true for task $a$" "$out/run" && pass hint-log
else
  fail hint-set "hinted never enabled" "$out/run"
  kill -9 $pid 2>/dev/null
fi
finish
