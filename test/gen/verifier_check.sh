#!/bin/sh
# Guest side of run-verifier-batch: every object in $SCHEDC_DATA/batch must
# pass the kernel verifier; those listed in batch/attach must also attach
# and run `sleep 1`, once with default tunables and once per NAME.set-* file
# (params at their min, at their max). The verifier only checks branches
# live under the frozen .rodata values, hence the runs with other tunables.
. "${SCHEDC_LIB:-$SCHEDC_DATA/lib.sh}"  # its helpers set $name: loops use $pol
batch=$SCHEDC_DATA/batch

for obj in "$batch"/*.bpf.o; do
  [ -f "$obj" ] || { fail batch "no objects in $batch"; break; }
  pol=$(basename "$obj" .bpf.o)
  schedrun --verify-only "$obj" > "$out/v" 2>&1
  expect_rc "verify-$pol" 0 $? "$out/v" && pass "verify-$pol"
done

for pol in $(cat "$batch/attach" 2>/dev/null); do
  obj=$batch/$pol.bpf.o
  for variant in default set-min set-max; do
    sets=
    if [ $variant != default ]; then
      [ -f "$batch/$pol.$variant" ] || continue
      sets=$(cat "$batch/$pol.$variant")
    fi
    # shellcheck disable=SC2086 # $sets is a list of --set options
    timeout 60 schedrun -q $sets "$obj" -- sleep 1 > "$out/a" 2>&1
    expect_rc "attach-$pol-$variant" 0 $? "$out/a" && pass "attach-$pol-$variant"
    wait_state disabled 20 || fail "detach-$pol-$variant" "state stayed $(cat /sys/kernel/sched_ext/state)"
  done
done
finish
