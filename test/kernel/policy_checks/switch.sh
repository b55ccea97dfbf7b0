#!/bin/sh
# schedrun switch: a running schedrun replaces its policy on request over its
# control socket. The new policy is verified first and the old one keeps
# running when the new one cannot load; only root may switch, anyone may
# read the statistics.
. "${SCHEDC_LIB:-$SCHEDC_DATA/lib.sh}"
eevdf=$SCHEDC_DATA/policies/eevdf.bpf.o
fifo=$SCHEDC_DATA/policies/fifo.bpf.o
sock=/tmp/schedrun-switch.sock
ops() { cat /sys/kernel/sched_ext/root/ops 2>/dev/null; }

spin hog 60000 > /dev/null 2>&1 &
hog=$!
schedrun -q --socket "$sock" "$eevdf" > "$out/run" 2>&1 &
pid=$!
if wait_state enabled 30 && [ "$(ops)" = eevdf ]; then
  schedrun switch "$sock" "$fifo" > "$out/s1" 2>&1
  expect_rc switch 0 $? "$out/s1" &&
    expect_grep switch "^switched from 'eevdf' to 'fifo' at [0-9.]+ s: tasks ran on the kernel's own scheduler for at most [0-9.]+ ms \(the new policy was verified beforehand, in [0-9]+ ms\)$" "$out/s1" &&
    { [ "$(ops)" = fifo ] || fail switch "root/ops is '$(ops)' after the switch" "$out/s1"; } &&
    pass switch
  cat "$out/s1"

  # What cannot load leaves the running policy in place.
  schedrun switch "$sock" /etc/passwd > "$out/s2" 2>&1
  expect_rc switch-bad-object 1 $? "$out/s2" &&
    expect_grep switch-bad-object "not an ELF|not a valid|cannot" "$out/s2" &&
    expect_grep switch-bad-object "still running 'fifo'" "$out/s2" &&
    { [ "$(ops)" = fifo ] || fail switch-bad-object "root/ops is '$(ops)'" "$out/s2"; } &&
    pass switch-bad-object
  schedrun switch "$sock" "$eevdf" --set nope=1 > "$out/s3" 2>&1
  expect_rc switch-bad-set 1 $? "$out/s3" &&
    expect_grep switch-bad-set "unknown tunable 'nope'|valid tunables" "$out/s3" &&
    expect_grep switch-bad-set "still running 'fifo'" "$out/s3" &&
    { [ "$(ops)" = fifo ] || fail switch-bad-set "root/ops is '$(ops)'" "$out/s3"; } &&
    pass switch-bad-set

  # Statistics for anyone, switching for root only.
  as_tester schedrun stats "$sock" > "$out/u1" 2>&1
  expect_rc stats-any-user 0 $? "$out/u1" &&
    expect_grep stats-any-user '"policy":"fifo"' "$out/u1" && pass stats-any-user
  as_tester schedrun switch "$sock" "$eevdf" > "$out/u2" 2>&1
  expect_rc switch-root-only 1 $? "$out/u2" &&
    expect_grep switch-root-only "permission denied: only root may switch" "$out/u2" &&
    { [ "$(ops)" = fifo ] || fail switch-root-only "root/ops is '$(ops)'" "$out/u2"; } &&
    pass switch-root-only

  # Back, with a tunable; the statistics then describe the new policy.
  schedrun switch "$sock" "$eevdf" --set base_slice=2ms > "$out/s4" 2>&1
  expect_rc switch-back 0 $? "$out/s4" &&
    expect_grep switch-back "^switched from 'fifo' to 'eevdf'" "$out/s4" &&
    { [ "$(ops)" = eevdf ] || fail switch-back "root/ops is '$(ops)'" "$out/s4"; } &&
    schedrun stats "$sock" > "$out/s5" 2>&1 &&
    expect_grep switch-back '"policy":"eevdf"' "$out/s5" && pass switch-back
  sleep 1
  stop_bg $pid
  expect_rc switch-log 130 $bg_rc "$out/run" &&
    expect_grep switch-log "^schedrun: switched from 'eevdf' to 'fifo'" "$out/run" &&
    expect_grep switch-log "tunables: +base_slice=2ms" "$out/run" &&
    expect_grep switch-log "stopped by SIGINT; detached 'eevdf'" "$out/run" && pass switch-log
else
  fail switch "eevdf never enabled" "$out/run"
  kill -9 $pid 2>/dev/null
fi
kill $hog 2>/dev/null
wait $hog 2>/dev/null
schedrun switch "$sock" "$fifo" > "$out/s6" 2>&1
expect_rc switch-none-running 1 $? "$out/s6" &&
  expect_grep switch-none-running "is a schedrun with --socket $sock running" "$out/s6" &&
  pass switch-none-running
finish
