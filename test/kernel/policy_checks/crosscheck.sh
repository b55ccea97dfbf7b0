#!/bin/sh
# schedsim against the kernel: each scenario of test/kernel/crosscheck (a
# policy and a workload) was run in schedsim at build time; here it runs on
# the real kernel under the same policy, and each group's CPU share per task
# must be within 0.03 of the simulator's (measured over 5 s after 1 s of
# warm-up). The VM's own housekeeping (kworkers, this shell, schedrun) takes
# a few percent of the CPUs that the simulator does not run, so the kernel's
# shares are first scaled to the CPU time the simulated tasks got in all.
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

# cpu_of_pids: "PID NS" for every task started.
cpu_of_pids() { while read -r group pid; do echo "$group $(cpu_ns "$pid")"; done < "$out/pids"; }

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
      -v expected="$dir/$name.expected" '
    BEGIN { while ((getline line < expected) > 0) { split(line, f, " "); want[f[1]] = f[2]; order[++n] = f[1] } }
    { got[$1] += ($4 - $2) / 1e9; count[$1]++; total += ($4 - $2) / 1e9 }
    END {
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
finish
