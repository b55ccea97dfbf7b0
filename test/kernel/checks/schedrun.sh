#!/bin/sh
# schedrun end to end against the running kernel, with the hand-written
# objects in test/kernel/objects: attach, stats, errors, ejection, detach.
. "${SCHEDC_LIB:-$SCHEDC_DATA/lib.sh}"
min=$SCHEDC_OBJECTS/minimal.bpf.o
stall=$SCHEDC_OBJECTS/stall.bpf.o
reject=$SCHEDC_OBJECTS/reject.bpf.o
restart=$SCHEDC_OBJECTS/restart.bpf.o
future=$SCHEDC_OBJECTS/future.bpf.o
echo "kernel $(uname -r), $(nproc) cpus, sched_ext state $(cat /sys/kernel/sched_ext/state)"

# --verify-only loads and reports each callback without attaching.
schedrun --verify-only "$min" > "$out/v" 2>&1
expect_rc verify-only 0 $? "$out/v" &&
  expect_grep verify-only "passed the verifier" "$out/v" &&
  expect_grep verify-only "^minimal_enqueue +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+" "$out/v" &&
  [ "$(cat /sys/kernel/sched_ext/state)" = disabled ] && pass verify-only

# A verifier rejection names the callback, the error and the source line, briefly.
schedrun --verify-only "$reject" > "$out/r" 2>&1
expect_rc reject-report 1 $? "$out/r" &&
  expect_grep reject-report "callback 'reject_enqueue'" "$out/r" &&
  expect_grep reject-report "error: +invalid access to map value" "$out/r" &&
  expect_grep reject-report "source: +reject.bpf.c:[0-9]+: .*depth\[1\]" "$out/r" &&
  { [ "$(wc -l < "$out/r")" -le 6 ] || fail reject-report "report is not brief" "$out/r"; } &&
  pass reject-report
schedrun -v --verify-only "$reject" > "$out/rv" 2>&1
expect_rc reject-verbose 1 $? "$out/rv" &&
  expect_grep reject-verbose "BEGIN PROG LOAD LOG" "$out/rv" && pass reject-verbose

# An object that needs what this kernel lacks is refused before loading,
# naming it.
release=$(uname -r | sed 's/[.+]/\\&/g')
schedrun --verify-only "$future" > "$out/f" 2>&1
expect_rc kernel-features 1 $? "$out/f" &&
  expect_grep kernel-features "error: this kernel \($release\) lacks what .*future.bpf.o needs:" "$out/f" &&
  expect_grep kernel-features "^  kfunc scx_bpf_from_the_future$" "$out/f" &&
  expect_grep kernel-features "hint: schedc's policies need Linux 6.13 or later" "$out/f" &&
  { ! grep -q "scx_bpf_dsq_insert" "$out/f" || fail kernel-features "named a kfunc the kernel has" "$out/f"; } &&
  pass kernel-features

# Attach: the kernel names the policy, stats print, SIGINT detaches cleanly.
schedrun --interval 0.5 "$min" > "$out/a" 2>&1 &
pid=$!
if wait_state enabled 20; then
  ops=$(cat /sys/kernel/sched_ext/root/ops)
  [ "$ops" = minimal ] && pass root-ops || fail root-ops "root/ops is '$ops'"
  sleep 2
  stop_bg $pid
  expect_rc attach-stats 130 $bg_rc "$out/a" &&
    expect_grep attach-stats "stopped by SIGINT; detached 'minimal'" "$out/a" &&
    expect_grep attach-stats "running policy 'minimal'" "$out/a" &&
    expect_grep attach-stats "tunables: +slice=20ms" "$out/a" &&
    expect_grep attach-stats "^  queue fifo +enqueued \+[0-9]+ \([0-9]+\) +dispatched" "$out/a" &&
    expect_grep attach-stats "counter direct" "$out/a" &&
    expect_grep attach-stats "^final stats" "$out/a" &&
    [ "$(cat /sys/kernel/sched_ext/state)" = disabled ] && pass attach-stats
else
  fail root-ops "never enabled" "$out/a"
  kill -9 $pid 2>/dev/null
fi

# --json: one JSON object per line on stdout, the banner on stderr.
schedrun --json --interval 0.5 --duration 2 "$min" > "$out/j" 2> "$out/je"
expect_rc json 0 $? "$out/j" "$out/je" &&
  expect_grep json '^\{"policy":"minimal","time_s":[0-9.]+,"final":false,"queues":\{"fifo":\{"depth":[0-9]+,"enqueued":[0-9]+' "$out/j" &&
  expect_grep json '"counters":\{"direct":\{"total":[0-9]+,"delta":[0-9]+\}\}\}$' "$out/j" &&
  { ! grep -qv '^{' "$out/j" || fail json "non-JSON line on stdout" "$out/j"; } && pass json

# --socket: another process reads self-describing statistics; the
# socket goes away with schedrun.
schedrun -q --socket /tmp/schedrun-stats.sock "$min" > "$out/ss" 2>&1 &
pid=$!
if wait_state enabled 20; then
  sleep 1
  schedrun stats /tmp/schedrun-stats.sock > "$out/ssj" 2>&1
  expect_rc stats-socket 0 $? "$out/ssj" &&
    expect_grep stats-socket '^\{"schema":1,"policy":"minimal","time_s":[0-9.]+,"fields":\{"time_s":\{"unit":"s"' "$out/ssj" &&
    expect_grep stats-socket '"queues.dispatched":\{"unit":"tasks","description":"tasks moved from the queue to a CPU since attach"\}' "$out/ssj" &&
    expect_grep stats-socket '"queues":\{"fifo":\{"depth":[0-9]+,"enqueued":[1-9][0-9]*,"dispatched":[0-9]+' "$out/ssj" &&
    expect_grep stats-socket '"counters":\{"direct":[0-9]+\}\}$' "$out/ssj" && pass stats-socket
  stop_bg $pid
  [ ! -e /tmp/schedrun-stats.sock ] && pass stats-socket-removed ||
    fail stats-socket-removed "the socket outlived schedrun"
else
  fail stats-socket "never enabled" "$out/ss"
  kill -9 $pid 2>/dev/null
fi
schedrun stats /tmp/schedrun-stats.sock > "$out/ssn" 2>&1
expect_rc stats-socket-none 1 $? "$out/ssn" &&
  expect_grep stats-socket-none "is a schedrun with --socket" "$out/ssn" && pass stats-socket-none

# --set is checked against the metadata.
schedrun "$min" --set nope=1 > "$out/s1" 2>&1
expect_rc set-unknown 1 $? "$out/s1" && expect_grep set-unknown "valid tunables: slice" "$out/s1" && pass set-unknown
schedrun "$min" --set slice=5 > "$out/s2" 2>&1
expect_rc set-range 1 $? "$out/s2" && expect_grep set-range "out of range" "$out/s2" && pass set-range
schedrun "$min" --set slice=fast > "$out/s3" 2>&1
expect_rc set-malformed 1 $? "$out/s3" && expect_grep set-malformed "not a duration" "$out/s3" && pass set-malformed
schedrun -q --duration 1 --set slice=750us "$min" > "$out/s4" 2>&1
expect_rc set-ok 0 $? "$out/s4" && expect_grep set-ok "slice=750us" "$out/s4" && pass set-ok
schedrun -q --duration 1 --set slice=infinite "$min" > "$out/s5" 2>&1
expect_rc set-infinite 0 $? "$out/s5" && expect_grep set-infinite "slice=infinite" "$out/s5" && pass set-infinite

# Objects that are not schedc objects.
schedrun /etc/passwd > "$out/n1" 2>&1
expect_rc not-elf 1 $? "$out/n1" && expect_grep not-elf "not an ELF" "$out/n1" && pass not-elf
schedrun /bin/busybox > "$out/n2" 2>&1
expect_rc not-bpf 1 $? "$out/n2" && expect_grep not-bpf "not a BPF object" "$out/n2" && pass not-bpf

# -- CMD: the workload runs under the policy and its status is schedrun's.
schedrun -q "$min" -- sh -c 'test "$(cat /sys/kernel/sched_ext/root/ops)" = minimal && exit 7' > "$out/w" 2>&1
expect_rc workload-status 7 $? "$out/w" && expect_grep workload-status "workload exited with status 7" "$out/w" &&
  [ "$(cat /sys/kernel/sched_ext/state)" = disabled ] && pass workload-status
if command -v hackbench > /dev/null; then
  schedrun -q "$min" -- hackbench -g 2 -l 200 > "$out/h" 2>&1
  expect_rc workload-hackbench 0 $? "$out/h" && expect_grep workload-hackbench "enqueued [1-9]" "$out/h" &&
    pass workload-hackbench
fi

# --partial: only SCHED_EXT tasks are switched (switch_all reads 0).
schedrun -q --partial "$min" -- cat /sys/kernel/sched_ext/switch_all > "$out/p" 2>&1
expect_rc partial 0 $? "$out/p" && expect_grep partial "^0$" "$out/p" && pass partial

# SIGKILL: the kernel detaches when the link fd goes away; a new one can attach.
schedrun -q "$min" > "$out/k" 2>&1 &
pid=$!
if wait_state enabled 20; then
  kill -9 $pid
  wait $pid 2>/dev/null
  if wait_state disabled 20; then
    schedrun -q --duration 1 "$min" > "$out/k2" 2>&1
    expect_rc sigkill-detaches 0 $? "$out/k2" && pass sigkill-detaches
  else
    fail sigkill-detaches "state stayed $(cat /sys/kernel/sched_ext/state)"
  fi
else
  fail sigkill-detaches "never enabled" "$out/k"
fi

# A second schedrun fails and names the attached scheduler.
schedrun -q "$min" > "$out/b" 2>&1 &
pid=$!
if wait_state enabled 20; then
  schedrun -q --duration 1 "$min" > "$out/b2" 2>&1
  expect_rc second-instance 1 $? "$out/b2" &&
    expect_grep second-instance "another sched_ext scheduler is attached: minimal" "$out/b2" && pass second-instance
  stop_bg $pid
else
  fail second-instance "first never enabled" "$out/b"
  kill -9 $pid 2>/dev/null
fi

# SIGTERM stops as cleanly as SIGINT; the status says which (128 + N).
schedrun -q "$min" > "$out/t" 2>&1 &
pid=$!
if wait_state enabled 20; then
  kill -TERM $pid
  wait $pid
  expect_rc sigterm 143 $? "$out/t" && expect_grep sigterm "stopped by SIGTERM; detached 'minimal'" "$out/t" &&
    wait_state disabled 20 && pass sigterm
else
  fail sigterm "never enabled" "$out/t"
  kill -9 $pid 2>/dev/null
fi

# A policy exiting with SCX_ECODE_ACT_RESTART (as on CPU hotplug) is attached
# again by default (--duration counts across restarts), and is an ejection
# (status 3) with --no-restart.
schedrun -q --duration 5 "$restart" > "$out/re" 2>&1
expect_rc restart 0 $? "$out/re" &&
  expect_grep restart "SCX_EXIT_UNREG_BPF \(65\)" "$out/re" &&
  expect_grep restart "message: +restart requested after [0-9]+ ms" "$out/re" &&
  expect_grep restart "re-attaching 'restart': the kernel asked for a restart" "$out/re" && pass restart
schedrun -q --no-restart --duration 5 "$restart" > "$out/re2" 2>&1
expect_rc no-restart 3 $? "$out/re2" && expect_grep no-restart "restart requested" "$out/re2" &&
  expect_grep no-restart "not re-attaching \(--no-restart\)" "$out/re2" && pass no-restart

# Without privileges: a clear message, not an errno.
su -s /bin/sh nobody -c "schedrun -q --duration 1 $min" > "$out/u" 2>&1
expect_rc non-root 1 $? "$out/u" && expect_grep non-root "needs root" "$out/u" && pass non-root

# The watchdog ejects a scheduler that never dispatches; the system survives.
schedrun --interval 1 "$stall" > "$out/st" 2>&1
rc=$?
expect_rc stall-ejected 3 $rc "$out/st" &&
  expect_grep stall-ejected "ejected by the kernel: SCX_EXIT_ERROR_STALL \(1026\)" "$out/st" &&
  expect_grep stall-ejected "reason: +.*stall" "$out/st" &&
  expect_grep stall-ejected "message: +.+" "$out/st" && pass stall-ejected
if [ "$(echo alive)" = alive ] && wait_state disabled 20; then pass after-stall; else fail after-stall "system did not recover"; fi
# ... and keeps running: external commands that sleep and fork finish, and a
# new scheduler attaches.
timeout 20 sh -c 'sleep 0.2; ls / | wc -l' > "$out/as" 2>&1
expect_rc after-stall-commands 0 $? "$out/as" && pass after-stall-commands
schedrun -q "$min" -- sh -c 'sleep 0.2' > "$out/ar" 2>&1
expect_rc after-stall-reattach 0 $? "$out/ar" && pass after-stall-reattach

finish
