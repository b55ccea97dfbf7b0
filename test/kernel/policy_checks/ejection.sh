#!/bin/sh
# An ejection explains itself within seconds: with --timeout 2 the watchdog
# ejects a policy that never runs one task, and schedrun names the task, the
# queue that held it and what that queue did, then prints the kernel's dump.
# Every other task keeps running meanwhile: eligibility that reads only
# attributes (comm) holds for them.
. "${SCHEDC_LIB:-$SCHEDC_DATA/lib.sh}"
obj=$SCHEDC_DATA/test-policies/stall_on_comm.bpf.o

cp "$(command -v spin)" /tmp/stuck
/tmp/stuck stuck 15000 > /dev/null 2>&1 &
stuck=$!
begin=$(date +%s)
schedrun --timeout 2 --interval 1 "$obj" > "$out/e" 2>&1
rc=$?
took=$(($(date +%s) - begin))
kill "$stuck" 2>/dev/null
wait "$stuck" 2>/dev/null
expect_rc ejection-explained 3 $rc "$out/e" &&
  expect_grep ejection-explained "built by: +schedc [0-9.]+ llvm [0-9.]+, from source sha256 [0-9a-f]{64}$" "$out/e" &&
  expect_grep ejection-explained "ejected by the kernel: SCX_EXIT_ERROR_STALL \(1026\)" "$out/e" &&
  expect_grep ejection-explained "message: +stuck\[[0-9]+\] failed to run for [0-9.]+s" "$out/e" &&
  expect_grep ejection-explained "^  task stuck\[[0-9]+\] waited [0-9.]+s in queue 'held'$" "$out/e" &&
  expect_grep ejection-explained "^  'held' held [0-9]+ tasks? and dispatched [1-9][0-9]* since attach$" "$out/e" &&
  expect_grep ejection-explained "^  hint: 'held' dispatched other tasks but not this one: its .eligible when. did not hold" "$out/e" &&
  expect_grep ejection-explained "the kernel's dump of the scheduler state:" "$out/e" &&
  expect_grep ejection-explained "^    \|  *R stuck\[[0-9]+\]" "$out/e" &&
  { [ "$took" -le 12 ] || fail ejection-explained "ejected after ${took}s with --timeout 2" "$out/e"; } &&
  pass ejection-explained
wait_state disabled 20 || fail ejection-detached "state stayed $(cat /sys/kernel/sched_ext/state)"

# With --json the ejection is a JSON line on stdout too.
/tmp/stuck stuck 15000 > /dev/null 2>&1 &
stuck=$!
schedrun --json --timeout 2 --interval 1 "$obj" > "$out/j" 2> "$out/je"
rc=$?
kill "$stuck" 2>/dev/null
wait "$stuck" 2>/dev/null
expect_rc ejection-json 3 $rc "$out/j" "$out/je" &&
  expect_grep ejection-json '^\{"policy":"stall_on_comm","event":"ejected","exit_kind":"SCX_EXIT_ERROR_STALL \(1026\)","exit_code":[0-9-]+,"reason":"runnable task stall","message":"stuck\[[0-9]+\] failed to run for [0-9.]+s","reading":\["task stuck\[[0-9]+\] waited [0-9.]+s in queue .held.",' "$out/j" &&
  { ! grep -qv '^{' "$out/j" || fail ejection-json "non-JSON line on stdout" "$out/j"; } && pass ejection-json
wait_state disabled 20 || fail ejection-json-detached "state stayed $(cat /sys/kernel/sched_ext/state)"
finish
