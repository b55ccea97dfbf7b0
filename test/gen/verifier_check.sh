#!/bin/sh
# Guest side of run-verifier-batch: every object in $SCHEDC_DATA/batch must
# pass the kernel verifier; those listed in batch/attach must also attach
# and run `sleep 1`, once with default tunables and once per NAME.set-* file
# (params at their min, at their max). The verifier only checks branches
# live under the frozen .rodata values, hence the runs with other tunables.
. "${SCHEDC_LIB:-$SCHEDC_DATA/lib.sh}"
batch=$SCHEDC_DATA/batch

for obj in "$batch"/*.bpf.o; do
  [ -f "$obj" ] || { fail batch "no objects in $batch"; break; }
  name=$(basename "$obj" .bpf.o)
  schedrun --verify-only "$obj" > "$out/v" 2>&1
  expect_rc "verify-$name" 0 $? "$out/v" && pass "verify-$name"
done

for name in $(cat "$batch/attach" 2>/dev/null); do
  obj=$batch/$name.bpf.o
  for variant in default set-min set-max; do
    sets=
    if [ $variant != default ]; then
      [ -f "$batch/$name.$variant" ] || continue
      sets=$(cat "$batch/$name.$variant")
    fi
    # shellcheck disable=SC2086 # $sets is a list of --set options
    timeout 60 schedrun -q $sets "$obj" -- sleep 1 > "$out/a" 2>&1
    expect_rc "attach-$name-$variant" 0 $? "$out/a" && pass "attach-$name-$variant"
    wait_state disabled 20 || fail "detach-$name-$variant" "state stayed $(cat /sys/kernel/sched_ext/state)"
  done
done
finish
