#!/bin/sh
# Runs inside the 2-socket test VM, started by bench/topology: every
# scheduler in $SCHEDS, interleaved round by round, under
#   - llcmig: $MIG_THREADS threads that run $MIG_RUN_US and sleep $MIG_SLEEP_US
#     in turn for $MIG_SECS s, counting their own migrations, cross-LLC and
#     cross-node moves;
#   - hackbench $HB_ARGS: wall time ("Time:").
# Result lines: "BENCH-TOPO sched=NAME round=N key=value...".
. "${SCHEDC_DATA:-/schedc}/topology.conf"
data=${SCHEDC_DATA:-/schedc}
state() { cat /sys/kernel/sched_ext/state 2>/dev/null || echo none; }
wait_state() {
  i=0
  while [ "$(state)" != "$1" ]; do
    i=$((i + 1)); [ $i -le 300 ] || return 1; sleep 0.1
  done
}
echo "BENCH-TOPO nodes $(cat /sys/devices/system/node/node*/cpulist | tr '\n' ' ')"
round=1
while [ $round -le "$ROUNDS" ]; do
  for s in $SCHEDS; do
    pid=
    if [ "$s" != kernel ]; then
      schedrun -q "$data/${s#schedc-}.bpf.o" > /tmp/schedrun-$s.log 2>&1 &
      pid=$!
      wait_state enabled || { echo "BENCH-TOPO sched=$s round=$round error=not-enabled"; cat /tmp/schedrun-$s.log; kill -9 $pid; continue; }
    fi
    echo "BENCH-PROGRESS round $round: $s"
    m=$(llcmig "$MIG_THREADS" "$MIG_RUN_US" "$MIG_SLEEP_US" "$MIG_SECS")
    hb=$(hackbench $HB_ARGS 2>&1 | sed -n 's/^Time: *//p')
    echo "BENCH-TOPO sched=$s round=$round $m hackbench_s=${hb:-nan}"
    if [ -n "$pid" ]; then
      kill -INT $pid; wait $pid; wait_state disabled
    fi
  done
  round=$((round + 1))
done
