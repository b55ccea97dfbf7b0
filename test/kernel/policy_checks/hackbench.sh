#!/bin/sh
# Every policy survives SCHEDC_HACKBENCH_SECS (default 20) seconds of hackbench
# without being ejected, on however many CPUs this boot has.
. "${SCHEDC_LIB:-$SCHEDC_DATA/lib.sh}"
policies=$SCHEDC_DATA/policies
secs=${SCHEDC_HACKBENCH_SECS:-20}
expected=${SCHEDC_EXPECTED_POLICIES:-$(cat "$policies/expected" 2>/dev/null)}
command -v hackbench > /dev/null || { fail hackbench "hackbench is not installed"; finish; exit 1; }

for name in $expected; do
  obj=$policies/$name.bpf.o
  schedrun -q "$obj" -- sh -c "
    end=\$((\$(date +%s) + $secs)); runs=0
    while [ \$(date +%s) -lt \$end ]; do
      hackbench -g 2 -f 10 -l 40 > /dev/null || exit 1
      runs=\$((runs + 1))
    done
    echo hackbench-runs=\$runs" > "$out/h-$name" 2>&1
  rc=$?
  expect_rc "hackbench-$(nproc)cpu-$name" 0 $rc "$out/h-$name" &&
    expect_grep "hackbench-$(nproc)cpu-$name" "hackbench-runs=[1-9]" "$out/h-$name" &&
    pass "hackbench-$(nproc)cpu-$name"
  wait_state disabled 20
done
finish
