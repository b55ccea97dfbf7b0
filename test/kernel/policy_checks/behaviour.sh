#!/bin/sh
# Scheduling behaviour of the stdlib policies, asserted on measured numbers
# with tolerances a correct policy meets every time:
#  - fifo with an infinite slice runs CPU-bound tasks to completion in order;
#  - eevdf gives pinned CPU-bound tasks CPU shares within 0.02 of their
#    weights, the kernel's (nice_weight), down to nice 19;
#  - eevdf wakes a periodic sleeper among hogs sooner (p99) than fifo does;
#  - eevdf balances unpinned hogs between CPUs as the kernel does (same boot):
#    shares within 0.03 of the kernel's, at most twice its migrations;
#  - a reniced hog gets its new share at once: from 0.1 s to 0.5 s after the
#    renice, within 0.05 of the kernel's share (same boot).
. "${SCHEDC_LIB:-$SCHEDC_DATA/lib.sh}"
policies=$SCHEDC_DATA/policies
tool() { command -v "$1" 2>/dev/null || echo "$SCHEDC_DATA/$1"; }
spin=$(tool spin)
latency=$(tool wakeup_latency)
cpu=$(($(nproc) - 1))   # the last CPU: away from CPU 0's housekeeping

# --- fifo: run to completion, in order -------------------------------------
cat > "$out/fifo-order" <<SCRIPT
for t in 1 2 3; do taskset -c $cpu $spin t\$t 300 > $out/spin-\$t & sleep 0.05; done
wait
SCRIPT
schedrun -q --set slice=infinite "$policies/fifo.bpf.o" -- sh "$out/fifo-order" > "$out/fifo" 2>&1
if expect_rc fifo-run-to-completion 0 $? "$out/fifo"; then
  cat "$out"/spin-1 "$out"/spin-2 "$out"/spin-3 > "$out/fifo-times"
  # Each task must finish at least 0.8 x its 300 ms after the previous one:
  # time slicing would make them finish together.
  if awk '{ split($3, e, "="); end[NR] = e[2] }
          END { for (i = 2; i <= 3; i++) if (end[i] - end[i-1] < 240000000) exit 1;
                exit NR == 3 ? 0 : 1 }' "$out/fifo-times"; then
    pass fifo-run-to-completion
  else
    fail fifo-run-to-completion "tasks did not finish one after another" "$out/fifo-times"
  fi
fi

# --- eevdf: weighted CPU shares ---------------------------------------------
# shares NICE...: runs one pinned hog per nice value for 6 s (after 1 s of
# warm-up), prints the largest |measured - ideal| CPU share.
cat > "$out/shares" <<'SCRIPT'
cpu=$1 spin=$2; shift 2
pids=
for n in "$@"; do
  taskset -c "$cpu" "$spin" hog 0 > /dev/null &
  renice -n "$n" -p $! > /dev/null   # busybox has renice but no nice
  pids="$pids $!"
done
sleep 1
before=
for p in $pids; do before="$before $(cut -d' ' -f1 /proc/$p/schedstat)"; done
sleep 6
after=
for p in $pids; do after="$after $(cut -d' ' -f1 /proc/$p/schedstat)"; done
kill $pids; wait
echo "nice: $*"
echo "before:$before"
echo "after:$after"
echo "$*|$before|$after" | awk -F'|' '
  BEGIN { w[-5] = 3121; w[0] = 1024; w[5] = 335; w[10] = 110; w[17] = 23; w[19] = 15 }
  { n = split($1, nice, " "); split($2, b, " "); split($3, a, " ")
    total = 0; wsum = 0
    for (i = 1; i <= n; i++) { d[i] = a[i] - b[i]; total += d[i]; wsum += w[nice[i]] }
    worst = 0
    for (i = 1; i <= n; i++) {
      got = d[i] / total; want = w[nice[i]] / wsum; err = got - want; if (err < 0) err = -err
      printf "share nice=%d measured=%.4f ideal=%.4f\n", nice[i], got, want
      if (err > worst) worst = err
    }
    printf "max-error=%.4f\n", worst }'
SCRIPT
check_shares() {
  name=$1; shift
  schedrun -q "$policies/eevdf.bpf.o" -- sh "$out/shares" $cpu "$spin" "$@" > "$out/$name" 2>&1
  expect_rc "$name" 0 $? "$out/$name" || return
  err=$(sed -n 's/^max-error=//p' "$out/$name")
  if [ -n "$err" ] && awk -v e="$err" 'BEGIN { exit !(e <= 0.02) }'; then
    pass "$name (max error $err)"
  else
    fail "$name" "max share error '$err' > 0.02" "$out/$name"
  fi
}
check_shares eevdf-fairness-nice-0-5 0 5
check_shares eevdf-fairness-nice-m5-0-0-10 -5 0 0 10
# Low weights, which p->scx.weight rounds to 2 and 1 (nice_weight: 23 and 15).
check_shares eevdf-fairness-nice-17-19 17 19

# --- eevdf: load balancing against the kernel, same boot ---------------------
# unpinned N SECS: N unpinned hogs (one more than the CPUs can run at once, so
# only moving them in turn is fair); prints their shares of the CPU time they
# got, sorted, and their migrations per second (/proc/PID/sched).
cat > "$out/unpinned" <<'SCRIPT'
n=$1 secs=$2 spin=$3
pids=
i=0
while [ $i -lt $n ]; do "$spin" hog 0 > /dev/null & pids="$pids $!"; i=$((i + 1)); done
sleep 1
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
  END { for (i = 1; i <= n; i++) s[i] = total > 0 ? d[i] / total : 0
        for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (s[j] < s[i]) { t = s[i]; s[i] = s[j]; s[j] = t }
        out = ""; for (i = 1; i <= n; i++) out = out sprintf("%s%.4f", i > 1 ? "," : "", s[i])
        printf "shares=%s migrations_per_s=%.1f\n", out, mig / secs }'
SCRIPT
hogs=$(($(nproc) + 1))
sh "$out/unpinned" $hogs 10 "$spin" > "$out/balance-kernel" 2>&1
schedrun -q "$policies/eevdf.bpf.o" -- sh "$out/unpinned" $hogs 10 "$spin" > "$out/balance-eevdf" 2>&1
rc=$?
cat "$out/balance-kernel" "$out/balance-eevdf"
if expect_rc eevdf-load-balance 0 $rc "$out/balance-eevdf"; then
  k=$(sed -n 's/^shares=\([^ ]*\).*/\1/p' "$out/balance-kernel")
  e=$(sed -n 's/^shares=\([^ ]*\).*/\1/p' "$out/balance-eevdf")
  km=$(sed -n 's/.*migrations_per_s=//p' "$out/balance-kernel")
  em=$(sed -n 's/.*migrations_per_s=//p' "$out/balance-eevdf")
  if echo "$k $e $km $em" | awk '{ n = split($1, k, ","); if (split($2, e, ",") != n || n < 2) exit 1
        for (i = 1; i <= n; i++) { d = k[i] - e[i]; if (d < 0) d = -d; if (d > 0.03) exit 1 }
        exit !($4 <= 2 * $3 + 1) }'; then
    pass "eevdf-load-balance (shares $e, kernel $k; migrations/s $em, kernel $km)"
  else
    fail eevdf-load-balance "shares not within 0.03 of the kernel's, or more than twice its migrations" \
      "$out/balance-kernel" "$out/balance-eevdf"
  fi
fi

# --- eevdf: renice while running, against the kernel, same boot -------------
# renice FROM TO: hogs A (nice 0) and B (nice FROM) pinned together; after 2 s
# B is reniced to TO; prints B's share from 0.1 s to 0.5 s after the renice.
cat > "$out/renice" <<'SCRIPT'
from=$1 to=$2 cpu=$3 spin=$4
taskset -c "$cpu" "$spin" a 0 > /dev/null & a=$!
taskset -c "$cpu" "$spin" b 0 > /dev/null & b=$!
renice -n "$from" -p $b > /dev/null
sleep 2
sample() { echo "$(cut -d' ' -f1 /proc/$a/schedstat) $(cut -d' ' -f1 /proc/$b/schedstat)"; }
renice -n $((to - from)) -p $b > /dev/null   # busybox renice -n is relative
sleep 0.1; t1=$(sample); sleep 0.4; t2=$(sample)
kill $a $b; wait
echo "$t1 $t2" | awk '{ da = $3 - $1; db = $4 - $2; printf "share=%.4f\n", db / (da + db) }'
SCRIPT
check_renice() {
  name=$1 from=$2 to=$3
  sh "$out/renice" $from $to $cpu "$spin" > "$out/$name-kernel" 2>&1
  schedrun -q "$policies/eevdf.bpf.o" -- sh "$out/renice" $from $to $cpu "$spin" > "$out/$name" 2>&1
  expect_rc "$name" 0 $? "$out/$name" || return
  k=$(sed -n 's/^share=//p' "$out/$name-kernel"); e=$(sed -n 's/^share=//p' "$out/$name")
  if [ -n "$k" ] && [ -n "$e" ] && awk -v k="$k" -v e="$e" 'BEGIN { d = k - e; if (d < 0) d = -d; exit !(d <= 0.05) }'; then
    pass "$name (share $e, kernel $k)"
  else
    fail "$name" "reniced task's share '$e' not within 0.05 of the kernel's '$k'" "$out/$name-kernel" "$out/$name"
  fi
}
check_renice eevdf-renice-19-to-0 19 0
check_renice eevdf-renice-0-to-19 0 19

# --- wakeup latency: eevdf vs fifo, same boot --------------------------------
cat > "$out/latency" <<SCRIPT
taskset -c $cpu $spin hog 0 > /dev/null & a=\$!
taskset -c $cpu $spin hog 0 > /dev/null & b=\$!
sleep 0.5
taskset -c $cpu $latency 4000 500
kill \$a \$b; wait
SCRIPT
p99() { sed -n 's/.*p99=\([0-9]*\).*/\1/p' "$1"; }
schedrun -q "$policies/eevdf.bpf.o" -- sh "$out/latency" > "$out/lat-eevdf" 2>&1
rc_e=$?
schedrun -q "$policies/fifo.bpf.o" -- sh "$out/latency" > "$out/lat-fifo" 2>&1
rc_f=$?
e=$(p99 "$out/lat-eevdf"); f=$(p99 "$out/lat-fifo")
echo "wakeup latency p99: eevdf ${e:-?} us, fifo ${f:-?} us"
if [ $rc_e -eq 0 ] && [ $rc_f -eq 0 ] && [ -n "$e" ] && [ -n "$f" ] && [ "$e" -lt "$f" ]; then
  pass "eevdf-wakeup-latency (p99 $e us < fifo $f us)"
else
  fail eevdf-wakeup-latency "eevdf p99 '$e' us is not below fifo p99 '$f' us" "$out/lat-eevdf" "$out/lat-fifo"
fi
finish
