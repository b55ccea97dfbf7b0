#!/bin/sh
# schedsim against the kernel: each scenario of test/kernel/crosscheck (a
# policy and a workload) was run in schedsim at build time; here it runs on
# the real kernel under the same policy, and each group's CPU share per task
# must be within 0.03 of the simulator's (measured over 5 s after 1 s of
# warm-up). The VM's own housekeeping (kworkers, this shell, schedrun) takes
# a few percent of the CPUs that the simulator does not run, so the kernel's
# shares are first scaled to the CPU time the simulated tasks got in all.
#
# Latency: over the *-mixed scenarios (every stdlib and example policy under
# the same hogs and sleepers), the sleepers' mean wait from runnable to
# running (/proc/PID/schedstat: run_delay per timeslice) must rank the
# policies as schedsim's does, for every pair whose simulated waits differ
# at least 3x and by at least 2 ms (closer pairs are within emulation's
# noise and are shown, not checked).
. "${SCHEDC_LIB:-$SCHEDC_DATA/lib.sh}"
dir=$SCHEDC_DATA/crosscheck
tool() { command -v "$1" 2>/dev/null || echo "$SCHEDC_DATA/$1"; }
spin=$(tool spin)
duty=$(tool dutycycle)
tolerance=0.03

# start_tasks FILE: starts one task per line ("GROUP CPUS NICE CMD...") and
# writes "GROUP PID" lines to $out/pids.
start_tasks() {
  : > "$out/pids"
  while read -r group cpus nice cmd rest; do
    case $cmd in spin) bin=$spin ;; dutycycle) bin=$duty ;; *) bin=$cmd ;; esac
    if [ "$cpus" = - ]; then
      "$bin" $rest > /dev/null 2>&1 &
    else
      taskset -c "$cpus" "$bin" $rest > /dev/null 2>&1 &
    fi
    pid=$!
    [ "$nice" = 0 ] || renice -n "$nice" -p $pid > /dev/null
    echo "$group $pid" >> "$out/pids"
  done < "$1"
}

# cpu_of_pids: "GROUP CPU_NS RUN_DELAY_NS TIMESLICES" for every task started.
cpu_of_pids() { while read -r group pid; do echo "$group $(cat "/proc/$pid/schedstat")"; done < "$out/pids"; }
: > "$out/waits"

while read -r name object; do
  schedrun -q "$SCHEDC_DATA/policies/$object" > "$out/$name.run" 2>&1 &
  runner=$!
  if ! wait_state enabled 30; then
    fail "crosscheck-$name" "$object never enabled" "$out/$name.run"
    kill -9 $runner 2>/dev/null
    continue
  fi
  start_tasks "$dir/$name.sh"
  sleep 1
  cpu_of_pids > "$out/$name.before"
  t0=$(cut -d' ' -f1 /proc/uptime)
  sleep 5
  cpu_of_pids > "$out/$name.after"
  t1=$(cut -d' ' -f1 /proc/uptime)
  pids=$(cut -d' ' -f2 "$out/pids")
  kill $pids 2>/dev/null
  wait $pids 2>/dev/null
  stop_bg $runner
  # Per group: CPU seconds per task per second, against the simulator's.
  paste -d' ' "$out/$name.before" "$out/$name.after" |
    awk -v secs="$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" -v tol=$tolerance \
      -v expected="$dir/$name.expected" -v name="$name" -v waits="$out/waits" '
    BEGIN {
      while ((getline line < expected) > 0) {
        split(line, f, " "); want[f[1]] = f[2]; wait[f[1]] = f[3]; order[++n] = f[1]
      }
    }
    {
      got[$1] += ($6 - $2) / 1e9; count[$1]++; total += ($6 - $2) / 1e9
      delay[$1] += $7 - $3; slices[$1] += $8 - $4
    }
    END {
      for (i = 1; i <= n; i++) {
        g = order[i]
        if (slices[g] > 0)
          printf "%s %s %.3f %s\n", name, g, delay[g] / slices[g] / 1e6, wait[g] >> waits
      }
      bad = n == 0
      for (i = 1; i <= n; i++) simulated += want[order[i]] * count[order[i]] * secs
      scale = total > 0 ? simulated / total : 1
      printf "  (kernel shares scaled by %.3f)\n", scale
      for (i = 1; i <= n; i++) {
        g = order[i]
        if (!count[g]) { printf "  %-10s no task measured\n", g; bad = 1; continue }
        share = got[g] * scale / count[g] / secs; d = share - want[g]; if (d < 0) d = -d
        printf "  %-10s kernel %.3f schedsim %.3f%s\n", g, share, want[g], (d > tol ? "  <- differs" : "")
        if (d > tol) bad = 1
      }
      exit bad
    }' > "$out/$name.cmp"
  rc=$?
  echo "$name ($object):"
  cat "$out/$name.cmp"
  [ $rc -eq 0 ] && pass "crosscheck-$name" ||
    fail "crosscheck-$name" "a group's share differs from schedsim's by more than $tolerance"
done < "$dir/list"

# The latency ranking: "SCENARIO GROUP KERNEL_MS SCHEDSIM_MS" lines.
echo "sleepers' mean wait, ms (kernel, schedsim):"
awk '$1 ~ /-mixed$/ && $2 == "sleeper" { printf "  %-24s %8.3f %8.3f\n", $1, $3, $4 }' "$out/waits"
awk '$1 ~ /-mixed$/ && $2 == "sleeper" { n++; name[n] = $1; kernel[n] = $3; sim[n] = $4 }
  END {
    for (i = 1; i <= n; i++)
      for (j = 1; j <= n; j++) {
        if (!(sim[i] * 3 <= sim[j] && sim[j] - sim[i] >= 2)) continue
        pairs++
        if (kernel[i] >= kernel[j]) {
          printf "  %s waits less than %s in schedsim (%.3f < %.3f ms), not in the kernel (%.3f >= %.3f ms)\n",
            name[i], name[j], sim[i], sim[j], kernel[i], kernel[j]
          bad++
        }
      }
    printf "  %d pairs checked, %d ranked otherwise\n", pairs, bad
    exit (pairs == 0 || bad > 0)
  }' "$out/waits" > "$out/ranking"
rc=$?
cat "$out/ranking"
[ $rc -eq 0 ] && pass "crosscheck-latency-ranking ($(tail -n 1 "$out/ranking" | sed 's/^ *//'))" ||
  fail "crosscheck-latency-ranking" "the kernel ranks policies' sleeper waits otherwise than schedsim" "$out/ranking"
finish
