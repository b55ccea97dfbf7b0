#!/bin/sh
# Every compiled stdlib and example policy passes the kernel verifier, attaches,
# and is named in /sys/kernel/sched_ext/root/ops. A missing object fails.
. "${SCHEDC_LIB:-$SCHEDC_DATA/lib.sh}"
policies=$SCHEDC_DATA/policies
expected=${SCHEDC_EXPECTED_POLICIES:-$(cat "$policies/expected" 2>/dev/null)}

for name in $expected; do
  obj=$policies/$name.bpf.o
  if [ ! -f "$obj" ]; then
    fail "verify-$name" "no object $obj"
    continue
  fi
  schedrun --verify-only "$obj" > "$out/v-$name" 2>&1
  expect_rc "verify-$name" 0 $? "$out/v-$name" && pass "verify-$name"

  schedrun -q "$obj" -- sh -c "cat /sys/kernel/sched_ext/root/ops > $out/ops-$name; sleep 1" \
    > "$out/a-$name" 2>&1
  rc=$?
  ops=$(cat "$out/ops-$name" 2>/dev/null)
  if expect_rc "attach-$name" 0 $rc "$out/a-$name"; then
    [ "$ops" = "$name" ] && pass "attach-$name" ||
      fail "attach-$name" "root/ops was '$ops', expected '$name'" "$out/a-$name"
  fi
  wait_state disabled 20 || fail "detach-$name" "state stayed $(cat /sys/kernel/sched_ext/state)"
done
finish
