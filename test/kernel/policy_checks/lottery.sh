#!/bin/sh
# examples/lottery.sched: three CPU-bound tasks on one CPU holding 100, 200
# and 300 tickets (hints set at run time) get CPU shares within 0.05 of
# 1/6, 1/3 and 1/2 over 10 s: each quantum is drawn in proportion to tickets.
. "${SCHEDC_LIB:-$SCHEDC_DATA/lib.sh}"
obj=$SCHEDC_DATA/policies/lottery.bpf.o
spin=$(command -v spin 2>/dev/null || echo "$SCHEDC_DATA/spin")
sock=/tmp/schedrun-lottery.sock
cpu=$(($(nproc) - 1))
# near V WANT: V within 0.05 of WANT.
near() { within "$1" "$(awk -v w="$2" 'BEGIN { print w - 0.05 }')" "$(awk -v w="$2" 'BEGIN { print w + 0.05 }')"; }

schedrun -q --socket "$sock" "$obj" > "$out/run" 2>&1 &
pid=$!
if wait_state enabled 30; then
  taskset -c $cpu "$spin" a 0 > /dev/null 2>&1 & a=$!
  taskset -c $cpu "$spin" b 0 > /dev/null 2>&1 & b=$!
  taskset -c $cpu "$spin" c 0 > /dev/null 2>&1 & c=$!
  schedrun hint "$sock" $b tickets=200 > "$out/h" 2>&1 &&
    schedrun hint "$sock" $c tickets=300 >> "$out/h" 2>&1 || fail lottery-hints "hint refused" "$out/h"
  sleep 1
  a0=$(cpu_ns $a) b0=$(cpu_ns $b) c0=$(cpu_ns $c)
  sleep 10
  a1=$(cpu_ns $a) b1=$(cpu_ns $b) c1=$(cpu_ns $c)
  set -- $(awk -v a=$((a1 - a0)) -v b=$((b1 - b0)) -v c=$((c1 - c0)) \
    'BEGIN { t = a + b + c; printf "%.3f %.3f %.3f\n", a / t, b / t, c / t }')
  echo "shares with 100/200/300 tickets: $1 $2 $3 (ideal 0.167 0.333 0.500)"
  near "$1" 0.1667 && near "$2" 0.3333 && near "$3" 0.5 && pass lottery-shares ||
    fail lottery-shares "shares $1 $2 $3"
  kill $a $b $c 2>/dev/null
  wait $a $b $c 2>/dev/null
  stop_bg $pid
else
  fail lottery-shares "lottery never enabled" "$out/run"
  kill -9 $pid 2>/dev/null
fi
finish
