#!/bin/sh
# Every compiled stdlib and example policy passes the kernel verifier, attaches,
# and is named in /sys/kernel/sched_ext/root/ops. A missing object fails.
. "${SCHEDC_LIB:-$SCHEDC_DATA/lib.sh}"
policies=$SCHEDC_DATA/policies
expected=${SCHEDC_EXPECTED_POLICIES:-$(cat "$policies/expected" 2>/dev/null)}

for pol in $expected; do
  obj=$policies/$pol.bpf.o
  if [ ! -f "$obj" ]; then
    fail "verify-$pol" "no object $obj"
    continue
  fi
  schedrun --verify-only "$obj" > "$out/v-$pol" 2>&1
  expect_rc "verify-$pol" 0 $? "$out/v-$pol" && pass "verify-$pol"

  schedrun -q "$obj" -- sh -c "cat /sys/kernel/sched_ext/root/ops > $out/ops-$pol; sleep 1" \
    > "$out/a-$pol" 2>&1
  rc=$?
  ops=$(cat "$out/ops-$pol" 2>/dev/null)
  if expect_rc "attach-$pol" 0 $rc "$out/a-$pol"; then
    [ "$ops" = "$pol" ] && pass "attach-$pol" ||
      fail "attach-$pol" "root/ops was '$ops', expected '$pol'" "$out/a-$pol"
  fi
  wait_state disabled 20 || fail "detach-$pol" "state stayed $(cat /sys/kernel/sched_ext/state)"
done
finish
