#!/bin/sh
# examples/latency_boost.sched: a CPU-bound task at nice -10 is boosted only
# until it has run boost_budget (5 ms) without sleeping, then shares by
# weight. Pinned to one CPU beside a nice-0 hog for 4 s, the two get within
# 0.05 of 9548 / (9548 + 1024) = 0.903 and 0.097; a boost without end gives
# 1.000 and 0.000, and the kernel's watchdog ejects the policy after 30 s.
. "${SCHEDC_LIB:-$SCHEDC_DATA/lib.sh}"
obj=$SCHEDC_DATA/policies/latency_boost.bpf.o
spin=$(command -v spin 2>/dev/null || echo "$SCHEDC_DATA/spin")
cpu=$(($(nproc) - 1))
# near V WANT: V within 0.05 of WANT.
near() { within "$1" "$(awk -v w="$2" 'BEGIN { print w - 0.05 }')" "$(awk -v w="$2" 'BEGIN { print w + 0.05 }')"; }

schedrun -q "$obj" > "$out/run" 2>&1 &
pid=$!
if wait_state enabled 30; then
  taskset -c $cpu "$spin" boosted 0 > /dev/null 2>&1 & a=$!
  renice -n -10 -p $a > /dev/null
  taskset -c $cpu "$spin" bulk 0 > /dev/null 2>&1 & b=$!
  sleep 1
  a0=$(cpu_ns $a) b0=$(cpu_ns $b)
  sleep 4
  a1=$(cpu_ns $a) b1=$(cpu_ns $b)
  set -- $(awk -v a=$((a1 - a0)) -v b=$((b1 - b0)) 'BEGIN { t = a + b; printf "%.3f %.3f\n", a / t, b / t }')
  echo "shares of a nice -10 and a nice 0 hog: $1 $2 (by weight 0.903 0.097)"
  near "$1" 0.903 && near "$2" 0.097 && pass latency_boost-boost-ends ||
    fail latency_boost-boost-ends "shares $1 $2" "$out/run"
  kill $a $b 2>/dev/null
  wait $a $b 2>/dev/null
  stop_bg $pid
else
  fail latency_boost-boost-ends "latency_boost never enabled" "$out/run"
  kill -9 $pid 2>/dev/null
fi
finish
