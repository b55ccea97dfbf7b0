#!/bin/sh
# Every policy survives SCHEDC_HACKBENCH_SECS (default 20) seconds of hackbench
# without being ejected, on however many CPUs this boot has.
. "${SCHEDC_LIB:-$SCHEDC_DATA/lib.sh}"
policies=$SCHEDC_DATA/policies
secs=${SCHEDC_HACKBENCH_SECS:-20}
expected=${SCHEDC_EXPECTED_POLICIES:-$(cat "$policies/expected" 2>/dev/null)}
command -v hackbench > /dev/null || { fail hackbench "hackbench is not installed"; finish; exit 1; }

for pol in $expected; do
  obj=$policies/$pol.bpf.o
  schedrun -q "$obj" -- sh -c "
    end=\$((\$(date +%s) + $secs)); runs=0
    while [ \$(date +%s) -lt \$end ]; do
      hackbench -g 2 -f 10 -l 40 > /dev/null || exit 1
      runs=\$((runs + 1))
    done
    echo hackbench-runs=\$runs" > "$out/h-$pol" 2>&1
  rc=$?
  expect_rc "hackbench-$(nproc)cpu-$pol" 0 $rc "$out/h-$pol" &&
    expect_grep "hackbench-$(nproc)cpu-$pol" "hackbench-runs=[1-9]" "$out/h-$pol" &&
    pass "hackbench-$(nproc)cpu-$pol"
  wait_state disabled 20
done
finish
