#!/bin/sh
# Runs inside the test VM (busybox sh), started by bench/run through
# test/vm/run. Measures, interleaved round by round (A B C A B C ...), every
# scheduler in $SCHEDS on the same boot:
#   - weighted fairness: pinned CPU-bound tasks at nice 0/5 and -5/0/0/10,
#     largest |measured CPU share - weight share| from /proc/PID/schedstat;
#   - wakeup latency: wakeup_latency pinned among two CPU hogs on one CPU;
#   - throughput: hackbench wall time ("Time:" it prints);
#   - in round 1: the BPF programs and maps the scheduler loaded (bpfinfo)
#     and its loader's RSS.
# Result lines start with "BENCH " (key=value), parsed by bench/lib/report.py.
conf=${SCHEDC_DATA:-/schedc}/bench.conf
. "$conf"
smp=$(nproc)
obj=${SCHEDC_DATA:-/schedc}
work=/tmp/bench
mkdir -p $work

progress() { echo "BENCH-PROGRESS smp=$smp $*"; }
state() { cat /sys/kernel/sched_ext/state 2>/dev/null || echo none; }
ops() { cat /sys/kernel/sched_ext/root/ops 2>/dev/null || echo none; }
wait_state() {
  i=0
  while [ "$(state)" != "$1" ]; do
    i=$((i + 1)); [ $i -le $(($2 * 10)) ] || return 1; sleep 0.1
  done
}
max_ids() { bpfinfo | awk '$1 == "prog" || $1 == "map" { split($2, a, "="); if (a[2] > m[$1]) m[$1] = a[2] }
                          END { printf "%d %d\n", m["prog"] + 0, m["map"] + 0 }'; }

# shares NICE...: one pinned hog per nice value; prints the largest error.
cat > $work/shares <<'SCRIPT'
cpu=$1 warm=$2 secs=$3; shift 3
pids=
for n in "$@"; do
  taskset -c "$cpu" spin hog 0 > /dev/null &
  renice -n "$n" -p $! > /dev/null   # busybox has renice but no nice
  pids="$pids $!"
done
sleep "$warm"
before=
for p in $pids; do before="$before $(cut -d' ' -f1 /proc/$p/schedstat)"; done
sleep "$secs"
after=
for p in $pids; do after="$after $(cut -d' ' -f1 /proc/$p/schedstat)"; done
kill $pids; wait
echo "$*|$before|$after" | awk -F'|' '
  BEGIN { w[-5] = 3121; w[0] = 1024; w[5] = 335; w[10] = 110 }
  { n = split($1, nice, " "); split($2, b, " "); split($3, a, " ")
    total = 0; wsum = 0
    for (i = 1; i <= n; i++) { d[i] = a[i] - b[i]; total += d[i]; wsum += w[nice[i]] }
    worst = 0; shares = ""
    for (i = 1; i <= n; i++) {
      got = total > 0 ? d[i] / total : 0; want = w[nice[i]] / wsum
      err = got - want; if (err < 0) err = -err; if (err > worst) worst = err
      shares = shares sprintf("%s%.4f", i > 1 ? "," : "", got)
    }
    printf "err=%.4f shares=%s\n", worst, shares }'
SCRIPT

# The workload run under one scheduler: SCHED ROUND EXPECTED_OPS BASE_PROG BASE_MAP LOADER_PID
cat > $work/workload <<'SCRIPT'
sched=$1 round=$2 want=$3 base_prog=$4 base_map=$5 loader=$6
. "$BENCH_CONF"
smp=$(nproc); cpu=$((smp - 1))
tag="smp=$smp round=$round sched=$sched"
st=$(cat /sys/kernel/sched_ext/state 2>/dev/null); op=$(cat /sys/kernel/sched_ext/root/ops 2>/dev/null)
if [ "$want" = none ]; then ok=$([ "$st" = disabled ] && echo 1 || echo 0)
else ok=$([ "$st" = enabled ] && [ "$op" = "$want" ] && echo 1 || echo 0); fi
echo "BENCH $tag metric=attached ok=$ok state=$st ops=${op:-none}"
if [ "$round" = 1 ] && [ "$want" != none ]; then
  sleep 0.5   # let the loader's feature probes be freed
  bpfinfo | awk -v tag="$tag" -v bp="$base_prog" -v bm="$base_map" '
    { split($2, a, "=") }
    ($1 == "prog" && a[2] > bp) || ($1 == "map" && a[2] > bm) { print "BENCH " tag " metric=bpf " $0 }'
  [ -z "$loader" ] || awk -v tag="$tag" '/^VmRSS|^VmHWM/ { printf "BENCH %s metric=loader_%s kib=%s\n", tag, substr($1, 1, length($1) - 1), $2 }' /proc/$loader/status
fi
for n in $FAIR_SETS; do
  r=$(sh /tmp/bench/shares $cpu $FAIR_WARM $FAIR_SECS $(echo $n | tr '/' ' '))
  echo "BENCH $tag metric=fair nice=$n $r"
done
taskset -c $cpu spin hog 0 > /dev/null & a=$!
taskset -c $cpu spin hog 0 > /dev/null & b=$!
sleep 0.5
r=$(taskset -c $cpu wakeup_latency $LAT_PERIOD $LAT_COUNT)
kill $a $b; wait
echo "BENCH $tag metric=latency $r"
i=0
while [ $i -lt $HB_RUNS ]; do
  t=$(hackbench $HB_ARGS 2>&1 | sed -n 's/^Time: *//p')
  echo "BENCH $tag metric=hackbench seconds=${t:-fail}"
  i=$((i + 1))
done
st=$(cat /sys/kernel/sched_ext/state 2>/dev/null); op=$(cat /sys/kernel/sched_ext/root/ops 2>/dev/null)
if [ "$want" = none ]; then ok=$([ "$st" = disabled ] && echo 1 || echo 0)
else ok=$([ "$st" = enabled ] && [ "$op" = "$want" ] && echo 1 || echo 0); fi
echo "BENCH $tag metric=still_attached ok=$ok"
SCRIPT
export BENCH_CONF=$conf

echo "BENCH smp=$smp metric=boot kernel=$(uname -r) cpus=$smp"
for p in eevdf fifo; do
  schedrun --verify-only $obj/$p.bpf.o 2>&1 | sed "s/^/BENCH-VERIFY smp=$smp policy=$p /"
done

round=1
while [ $round -le $ROUNDS ]; do
  for s in $SCHEDS; do
    progress "round $round/$ROUNDS: $s"
    set -- $(max_ids)
    bp=$1 bm=$2
    case $s in
      kernel)
        sh $work/workload $s $round none $bp $bm "" ;;
      schedc-eevdf|schedc-fifo)
        p=${s#schedc-}
        schedrun -q $obj/$p.bpf.o -- sh -c "sh $work/workload $s $round $p $bp $bm \$PPID" > $work/schedrun.log 2>&1
        rc=$?
        grep '^BENCH' $work/schedrun.log
        [ $rc -eq 0 ] || { echo "BENCH smp=$smp round=$round sched=$s metric=loader_failed rc=$rc"; grep -v '^BENCH' $work/schedrun.log | sed "s/^/BENCH-ERR smp=$smp round=$round sched=$s | /"; }
        wait_state disabled 20 ;;
      scx_simple|scx_simple-f)
        flags=; [ $s = scx_simple-f ] && flags=-f
        scx_simple $flags > $work/scx.log 2>&1 &
        pid=$!
        wait_state enabled 30
        sh $work/workload $s $round simple $bp $bm $pid
        kill -INT $pid; wait $pid
        rc=$?
        [ $rc -eq 0 ] || { echo "BENCH smp=$smp round=$round sched=$s metric=loader_failed rc=$rc"; grep -v '^local=' $work/scx.log | sed "s/^/BENCH-ERR smp=$smp round=$round sched=$s | /"; }
        wait_state disabled 20 ;;
    esac
  done
  round=$((round + 1))
done
echo "BENCH-DONE smp=$smp"
