#!/bin/sh
# Runs inside the test VM (busybox sh), started by bench/run through
# test/vm/run. Measures, interleaved round by round (A B C A B C ...), every
# scheduler in $SCHEDS on the same boot:
#   - weighted fairness: pinned CPU-bound tasks at nice 0/5, -5/0/0/10 and 17/19,
#     largest |measured CPU share - weight share| from /proc/PID/schedstat;
#   - load balancing: unpinned CPU-bound tasks at the nice values of each mix
#     in $SPREAD_MIXES, their CPU shares and migrations per second
#     (/proc/PID/sched), compared with the kernel's in the report;
#   - EEVDF fidelity (only the schedulers in $FID_SCHEDS): pinned mixes of
#     hogs and tasks that run and sleep in turn (dutycycle), nice pairs, many
#     sleepers, and a hog reniced while running; CPU shares per task;
#   - group scheduling (only the schedulers in $GROUP_SCHEDS): how CPU time
#     divides among cgroups by cpu.weight, each mix in $GROUP_MIXES, hogs
#     pinned or not (cgroup_shares.sh);
#   - wakeup latency: wakeup_latency pinned among two CPU hogs on one CPU;
#   - throughput: hackbench wall time ("Time:" it prints);
#   - in round 1: the BPF programs and maps the scheduler loaded (bpfinfo)
#     and its loader's RSS;
#   - real servers (every scheduler in $SCHEDS, including those that skip the
#     synthetic sections above): reqbench (a thread-pool server, 99.5% 5 us /
#     0.5% 500 us requests, open-loop Poisson load at ~50% and ~80% of the
#     capacity measured once under kernel EEVDF before the rounds), redis-server
#     under redis-benchmark GET/SET and nginx under wrk, the last two beside one
#     CPU hog per vCPU. The servers run at nice -10 under every scheduler (how
#     an operator marks a latency-critical service; latency_boost keys on it).
# Result lines start with "BENCH " (key=value), parsed by bench/lib/report.py.
conf=${SCHEDC_DATA:-/schedc}/bench.conf
. "$conf"
smp=$(nproc)
obj=${SCHEDC_DATA:-/schedc}
work=/tmp/bench
mkdir -p $work

progress() { echo "BENCH-PROGRESS smp=$smp $*"; }
# selected SECTION: whether bench/run --only selected it (default: every section).
selected() { [ -z "$SECTIONS" ] || case ",$SECTIONS," in *",$1,"*) ;; *) return 1 ;; esac; }
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
  BEGIN { w[-5] = 3121; w[0] = 1024; w[5] = 335; w[10] = 110; w[17] = 23; w[19] = 15 }
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

# spread WARM SECS NICE...: one unpinned hog per nice value; prints their
# shares of the CPU time they got, in the order given, and migrations/s.
cat > $work/spread <<'SCRIPT'
warm=$1 secs=$2; shift 2
pids=
for n in "$@"; do
  spin hog 0 > /dev/null &
  renice -n "$n" -p $! > /dev/null
  pids="$pids $!"
done
sleep "$warm"
sample() { for p in $pids; do
  echo "$(cut -d' ' -f1 /proc/$p/schedstat) $(awk '/nr_migrations/ { print $3; exit }' /proc/$p/sched)"
done; }
before=$(sample)
sleep "$secs"
after=$(sample)
kill $pids; wait
printf '%s\n--\n%s\n' "$before" "$after" | awk -v secs="$secs" '
  $1 == "--" { second = 1; next }
  !second { b[++n] = $1; mb[n] = $2; next }
  { d[++m] = $1 - b[m]; total += d[m]; mig += $2 - mb[m] }
  END { out = ""; for (i = 1; i <= n; i++) out = out sprintf("%s%.4f", i > 1 ? "," : "", total > 0 ? d[i] / total : 0)
        printf "shares=%s migrations_per_s=%.1f\n", out, mig / secs }'
SCRIPT

# fidelity WARM SECS SPEC...: tasks pinned to the last CPU, one per SPEC,
# NICE:h (a hog) or NICE:RUN/SLEEP (dutycycle, milliseconds); prints each
# one's share of the CPU time they got together. fidelity WARM SECS
# renice:FROM:TO: a nice-0 hog and a hog at FROM reniced to TO after WARM
# seconds; prints the second one's share from 0.1 s to 0.5 s after.
cat > $work/fidelity <<'SCRIPT'
warm=$1 secs=$2; shift 2
cpu=$(($(nproc) - 1))
pids=
sample() { s=; for p in $pids; do s="$s $(cut -d' ' -f1 /proc/$p/schedstat)"; done; echo $s; }
case $1 in
  renice:*)
    from=$(echo $1 | cut -d: -f2) to=$(echo $1 | cut -d: -f3)
    taskset -c $cpu spin a 0 > /dev/null & pids=$!
    taskset -c $cpu spin b 0 > /dev/null & b=$!
    pids="$pids $b"
    renice -n "$from" -p $b > /dev/null
    sleep "$warm"
    renice -n $((to - from)) -p $b > /dev/null   # busybox renice -n is relative
    sleep 0.1; t1=$(sample); sleep 0.4; t2=$(sample)
    kill $pids; wait
    echo "$t1 $t2" | awk '{ da = $3 - $1; db = $4 - $2; printf "shares=%.4f\n", (da + db > 0 ? db / (da + db) : 0) }'
    exit 0 ;;
esac
for s in "$@"; do
  n=${s%%:*} kind=${s#*:}
  if [ "$kind" = h ]; then
    taskset -c $cpu spin hog 0 > /dev/null &
  else
    taskset -c $cpu dutycycle $((${kind%/*} * 1000)) $((${kind#*/} * 1000)) &
  fi
  renice -n "$n" -p $! > /dev/null
  pids="$pids $!"
done
sleep "$warm"
before=$(sample)
sleep "$secs"
after=$(sample)
kill $pids; wait
echo "$before|$after" | awk -F'|' '{ n = split($1, b, " "); split($2, a, " ")
  t = 0; for (i = 1; i <= n; i++) t += a[i] - b[i]
  out = ""; for (i = 1; i <= n; i++) out = out sprintf("%s%.4f", i > 1 ? "," : "", t > 0 ? (a[i] - b[i]) / t : 0)
  print "shares=" out }'
SCRIPT

# The workload run under one scheduler: SCHED ROUND EXPECTED_OPS BASE_PROG BASE_MAP LOADER_PID
cat > $work/workload <<'SCRIPT'
sched=$1 round=$2 want=$3 base_prog=$4 base_map=$5 loader=$6
. "$BENCH_CONF"
selected() { [ -z "$SECTIONS" ] || case ",$SECTIONS," in *",$1,"*) ;; *) return 1 ;; esac; }
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
case " $SYNTH_SCHEDS " in *" $sched "*) synth=1 ;; *) synth=0 ;; esac
[ $synth -eq 1 ] && selected fair && for n in $FAIR_SETS; do
  r=$(sh /tmp/bench/shares $cpu $FAIR_WARM $FAIR_SECS $(echo $n | tr '/' ' '))
  echo "BENCH $tag metric=fair nice=$n $r"
done
[ $synth -eq 1 ] && selected spread && for n in $SPREAD_MIXES; do
  r=$(sh /tmp/bench/spread $FAIR_WARM $SPREAD_SECS $(echo $n | tr '/' ' '))
  echo "BENCH $tag metric=spread nice=$n $r"
done
case " $FID_SCHEDS " in *" $sched "*) selected fidelity && for m in $FID_MIXES; do
  r=$(sh /tmp/bench/fidelity $FAIR_WARM $FAIR_SECS $(echo $m | tr ',' ' '))
  echo "BENCH $tag metric=fidelity mix=$m $r"
done ;; esac
case " $GROUP_SCHEDS " in *" $sched "*) selected groups && for m in $GROUP_MIXES; do
  case $m in
  weight|move) r=$(sh ${SCHEDC_DATA:-/schedc}/cgroup_shares.sh $cpu spin $m | sed -n 's/^share=//p') ;;
  *) c=$cpu; [ "${m%%/*}" = any ] && c=-
     r=$(sh ${SCHEDC_DATA:-/schedc}/cgroup_shares.sh $c spin mix $FAIR_SECS $(echo ${m#*/} | tr ',' ' ') |
         sed -n 's/^group=[^ ]* share=//p' | tr '\n' ',' | sed 's/,$//') ;;
  esac
  echo "BENCH $tag metric=groups mix=$m shares=$r"
done ;; esac
if [ $synth -eq 1 ] && selected latency; then
taskset -c $cpu spin hog 0 > /dev/null & a=$!
taskset -c $cpu spin hog 0 > /dev/null & b=$!
sleep 0.5
r=$(taskset -c $cpu wakeup_latency $LAT_PERIOD $LAT_COUNT)
kill $a $b; wait
echo "BENCH $tag metric=latency $r"
fi
i=0
[ $synth -eq 1 ] && selected hackbench || i=$HB_RUNS
while [ $i -lt $HB_RUNS ]; do
  t=$(hackbench $HB_ARGS 2>&1 | sed -n 's/^Time: *//p')
  echo "BENCH $tag metric=hackbench seconds=${t:-fail}"
  i=$((i + 1))
done
! selected servers || sh /tmp/bench/servers "$tag"
st=$(cat /sys/kernel/sched_ext/state 2>/dev/null); op=$(cat /sys/kernel/sched_ext/root/ops 2>/dev/null)
if [ "$want" = none ]; then ok=$([ "$st" = disabled ] && echo 1 || echo 0)
else ok=$([ "$st" = enabled ] && [ "$op" = "$want" ] && echo 1 || echo 0); fi
echo "BENCH $tag metric=still_attached ok=$ok"
SCRIPT
# The real servers under one scheduler: servers TAG ("smp=.. round=.. sched=..").
# Every wait is bounded (a few seconds) and every load run is bounded in count
# and time (reqbench SECS, redis-benchmark -n under timeout, wrk -d under timeout).
cat > $work/servers <<'SCRIPT'
tag=$1
. "$BENCH_CONF"
smp=$(nproc)
w=/tmp/bench/srv
rm -rf $w; mkdir -p $w
# wait_for FILE PATTERN TENTHS: until FILE contains PATTERN, at most TENTHS/10 s.
wait_for() { i=0; until grep -q "$2" "$1" 2>/dev/null; do i=$((i + 1)); [ $i -le $3 ] || return 1; sleep 0.1; done; }
hogs() { h=; i=0; while [ $i -lt $smp ]; do spin hog 0 > /dev/null & h="$h $!"; i=$((i + 1)); done; }

# 1. reqbench: open-loop Poisson load at ~50% and ~80% of the measured capacity.
if [ -n "$REQ_RATE50" ] && command -v reqbench > /dev/null; then
  sh -c 'renice -n -10 -p $$ > /dev/null; exec reqbench server 7000 '"$REQ_WORKERS $REQ_LOOPS" > $w/req.out 2>&1 &
  srv=$!
  if wait_for $w/req.out calibrated 100; then
    cal=$(sed -n 's/^calibrated loops_per_us=\([0-9.]*\).*/\1/p' $w/req.out)
    for load in 50 80; do
      eval rate=\$REQ_RATE$load
      r=$(timeout $((REQ_SECS + 10)) sh -c 'renice -n '"$REQ_CLIENT_NICE"' -p $$ > /dev/null; exec reqbench load 7000 '"$rate $REQ_SECS"' 42')
      echo "BENCH $tag metric=req load=$load loops_per_us=$cal ${r:-failed=1}"
    done
  else
    echo "BENCH $tag metric=req load=50 failed=1"; echo "BENCH $tag metric=req load=80 failed=1"
  fi
  kill $srv; wait $srv 2> /dev/null
fi

# 2. redis-server with redis-benchmark GET and SET, one CPU hog per vCPU beside it.
if command -v redis-server > /dev/null && command -v redis-benchmark > /dev/null; then
  sh -c 'renice -n -10 -p $$ > /dev/null; exec redis-server --port 6379 --bind 127.0.0.1 --save "" --appendonly no --protected-mode no --dir /tmp/bench/srv --logfile ""' > $w/redis.out 2>&1 &
  srv=$!
  if wait_for $w/redis.out "Ready to accept" 100; then
    hogs
    sleep 0.3
    timeout $REDIS_TIMEOUT redis-benchmark -h 127.0.0.1 -p 6379 -c $REDIS_CLIENTS -n $REDIS_N -t set,get > $w/rb.out 2>&1
    kill $h; wait $h 2> /dev/null
    # Per test: requests/s from the summary, p50/p99 from the latency summary
    # (avg min p50 p95 p99 max), p99.9 = the first point of the percentile
    # distribution at or above 99.9%. A test whose lines are missing prints
    # "na": the report shows it as missing, not as zero.
    tr '\r' '\n' < $w/rb.out | awk -v tag="$tag" '
      /^====== [A-Z]+ ======/ { t = $2; seen[t] = 1; order[++n] = t; next }
      t != "" && /throughput summary:/ { rps[t] = $3 }
      t != "" && /^[0-9.]+% <= [0-9.]+ milliseconds/ && dist == 1 {
        p = $1; sub(/%/, "", p); if (p + 0 >= 99.9 && !(t in p999)) p999[t] = $3 }
      /^Latency by percentile distribution/ { dist = 1 }
      /^Cumulative distribution/ { dist = 0 }
      t != "" && /latency summary/ { want = 2; next }
      want == 2 { want = 1; next }
      want == 1 { want = 0; p50[t] = $3; p99[t] = $5 }
      END {
        split("SET GET", ts, " ")
        for (i = 1; i <= 2; i++) { x = ts[i]
          printf "BENCH %s metric=redis test=%s rps=%s p50_ms=%s p99_ms=%s p999_ms=%s\n", tag, x,
            (x in rps) ? rps[x] : "na", (x in p50) ? p50[x] : "na", (x in p99) ? p99[x] : "na",
            (x in p999) ? p999[x] : "na" } }'
  else
    echo "BENCH $tag metric=redis test=SET rps=na failed=start"; echo "BENCH $tag metric=redis test=GET rps=na failed=start"
  fi
  kill $srv; wait $srv 2> /dev/null
fi

# 3. nginx (2 workers, a small static file) under wrk --latency, hogs beside it.
if command -v nginx > /dev/null && command -v wrk > /dev/null; then
  mkdir -p $w/ngx/www
  head -c 600 /proc/cpuinfo > $w/ngx/www/index.html   # a small static file
  cat > $w/ngx/nginx.conf <<CONF
worker_processes 2;
daemon off;
user root;
pid $w/ngx/nginx.pid;
error_log /dev/null;
events { worker_connections 256; }
http {
  access_log off;
  default_type text/plain;
  client_body_temp_path $w/ngx/body;
  proxy_temp_path $w/ngx/proxy;
  fastcgi_temp_path $w/ngx/fastcgi;
  uwsgi_temp_path $w/ngx/uwsgi;
  scgi_temp_path $w/ngx/scgi;
  server { listen 127.0.0.1:8080; root $w/ngx/www; }
}
CONF
  sh -c 'renice -n -10 -p $$ > /dev/null; exec nginx -p '$w/ngx' -e /dev/null -c '$w/ngx/nginx.conf > $w/nginx.out 2>&1 &
  srv=$!
  if wait_for $w/ngx/nginx.pid . 100; then
    sleep 0.3   # the workers start after the pid file
    hogs
    sleep 0.3
    timeout $((WRK_SECS + 15)) wrk --latency -c 32 -t 2 -d ${WRK_SECS}s http://127.0.0.1:8080/index.html > $w/wrk.out 2>&1
    kill $h; wait $h 2> /dev/null
    # wrk prints "Requests/sec: X" and "50%  1.08ms" (us, ms or s) lines.
    awk -v tag="$tag" '
      function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return "na" }
      /^Requests\/sec:/ { rps = $2 }
      $1 == "50%" { p50 = ms($2) } $1 == "99%" { p99 = ms($2) }
      /requests in/ { n = $1 }
      /Socket errors|Non-2xx/ { err = err $0 }
      END { gsub(/[ ,:]+/, "_", err)
            printf "BENCH %s metric=nginx rps=%s p50_ms=%s p99_ms=%s requests=%s%s\n", tag,
              rps == "" ? "na" : rps, p50 == "" ? "na" : p50, p99 == "" ? "na" : p99, n == "" ? "na" : n,
              err == "" ? "" : " errors=" err }' $w/wrk.out
  else
    echo "BENCH $tag metric=nginx rps=na failed=start"
  fi
  kill $srv; wait $srv 2> /dev/null
fi
SCRIPT
export BENCH_CONF=$conf

echo "BENCH smp=$smp metric=boot kernel=$(uname -r) cpus=$smp"
for p in eevdf fifo; do
  schedrun --verify-only $obj/$p.bpf.o 2>&1 | sed "s/^/BENCH-VERIFY smp=$smp policy=$p /"
done

# The servers talk over loopback, which nobody has brought up in this VM.
ip link set lo up 2> /dev/null || ifconfig lo 127.0.0.1 up

# reqbench's capacity, once, under kernel EEVDF and without hogs: the open-loop
# rates of every round are fractions of it, the same for every scheduler.
REQ_RATE50= REQ_RATE80= REQ_LOOPS=
if command -v reqbench > /dev/null && selected servers; then
  progress "reqbench capacity"
  sh -c 'renice -n -10 -p $$ > /dev/null; exec reqbench server 7000 '"$REQ_WORKERS" > $work/cap-server.out 2>&1 &
  srv=$!
  i=0; until grep -q calibrated $work/cap-server.out; do i=$((i + 1)); [ $i -le 100 ] || break; sleep 0.1; done
  r=$(timeout 30 sh -c 'renice -n '"$REQ_CLIENT_NICE"' -p $$ > /dev/null; exec reqbench capacity 7000 '"$REQ_CAP_SECS $((REQ_WORKERS * 2))")
  kill $srv; wait $srv 2> /dev/null
  cap=$(echo "$r" | sed -n 's/^rate=\([0-9]*\).*/\1/p')
  # The work loop's speed, calibrated here once: every scheduler's server
  # then does the same number of iterations per request.
  REQ_LOOPS=$(sed -n 's/^calibrated loops_per_us=\([0-9.]*\).*/\1/p' $work/cap-server.out)
  echo "BENCH smp=$smp metric=req_capacity workers=$REQ_WORKERS ${r:-failed=1}"
  if [ -n "$cap" ] && [ "$cap" -gt 0 ]; then
    REQ_RATE50=$((cap / 2)) REQ_RATE80=$((cap * 8 / 10))
  fi
fi
export REQ_RATE50 REQ_RATE80 REQ_LOOPS

round=1
while [ $round -le $ROUNDS ]; do
  for s in $SCHEDS; do
    progress "round $round/$ROUNDS: $s"
    set -- $(max_ids)
    bp=$1 bm=$2
    case $s in
      kernel)
        sh $work/workload $s $round none $bp $bm "" ;;
      schedc-*)
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
