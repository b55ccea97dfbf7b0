#!/bin/sh
# Group scheduling (cgroup v2 cpu.weight) under eevdf, asserted against what
# cpu.weight promises: a contended CPU divided among groups in proportion to
# their weights, at every level, however many threads each group runs. The
# kernel's own numbers in the same boot are printed beside (it does not keep
# the promise when groups run different numbers of threads).
#  - groups 100/300 with 1 and 4 pinned hogs: 0.25/0.75 within 0.03;
#  - a parent at 200 holding children at 100 and 100 (2 hogs each) beside a
#    sibling at 200 (1 hog): 0.25/0.25/0.5 within 0.03;
#  - a task in the root cgroup beside a group: it competes as one nice-0 task
#    against the group's weight (100: as much as the group), within 0.03;
#  - a weight change and a move take effect within 100 ms: the share from
#    0.1 s to 1.1 s after is the new one, within 0.05.
. "${SCHEDC_LIB:-$SCHEDC_DATA/lib.sh}"
policies=$SCHEDC_DATA/policies
tool() { command -v "$1" 2>/dev/null || echo "$SCHEDC_DATA/$1"; }
spin=$(tool spin)
shares="sh $SCHEDC_DATA/cgroup_shares.sh"
cpu=$(($(nproc) - 1))

# check_mix NAME EXPECTED SPEC...: EXPECTED is the groups' shares, comma-separated,
# in SPEC order (groups without hogs left out).
check_mix() {
  name=$1 expected=$2
  shift 2
  $shares $cpu "$spin" mix 5 "$@" > "$out/$name-kernel" 2>&1
  schedrun -q "$policies/eevdf.bpf.o" -- $shares $cpu "$spin" mix 5 "$@" > "$out/$name" 2>&1
  expect_rc "$name" 0 $? "$out/$name" || return
  got=$(sed -n 's/^group=[^ ]* share=//p' "$out/$name" | tr '\n' ',' | sed 's/,$//')
  kernel=$(sed -n 's/^group=[^ ]* share=//p' "$out/$name-kernel" | tr '\n' ',' | sed 's/,$//')
  if echo "$expected $got" | awk '{ n = split($1, w, ","); if (split($2, g, ",") != n) exit 1
        for (i = 1; i <= n; i++) { d = w[i] - g[i]; if (d < 0) d = -d; if (d > 0.03) exit 1 }
        exit 0 }'; then
    pass "$name (shares $got, expected $expected; kernel $kernel)"
  else
    fail "$name" "group shares '$got' not within 0.03 of $expected" "$out/$name-kernel" "$out/$name"
  fi
}
check_mix eevdf-groups-100-300-threads-1-4 0.25,0.75 a:100:1 b:300:4
check_mix eevdf-groups-equal-threads-1-4 0.5,0.5 a:100:1 b:100:4
# The parent p runs no task itself: its line reads 0.
check_mix eevdf-groups-nested 0,0.25,0.25,0.5 p:200:0 p/c1:100:2 p/c2:100:2 s:200:1
# The groups live under schedc-test (weight 100): beside the root task, that
# group gets half, and a and b divide it 1:3.
check_mix eevdf-groups-root-task 0.5,0.125,0.375 -:0:1 a:100:1 b:300:4

# check_change NAME MODE EXPECTED: the watched task's share after the change.
check_change() {
  name=$1 mode=$2 expected=$3
  $shares $cpu "$spin" "$mode" > "$out/$name-kernel" 2>&1
  schedrun -q "$policies/eevdf.bpf.o" -- $shares $cpu "$spin" "$mode" > "$out/$name" 2>&1
  expect_rc "$name" 0 $? "$out/$name" || return
  got=$(sed -n 's/^share=//p' "$out/$name"); kernel=$(sed -n 's/^share=//p' "$out/$name-kernel")
  if [ -n "$got" ] && awk -v g="$got" -v w="$expected" 'BEGIN { d = g - w; if (d < 0) d = -d; exit !(d <= 0.05) }'; then
    pass "$name (share $got, expected $expected; kernel $kernel)"
  else
    fail "$name" "share '$got' after the change not within 0.05 of $expected" "$out/$name-kernel" "$out/$name"
  fi
}
# b's weight 100 -> 300 beside a at 100, one hog each: b's share 0.5 -> 0.75.
check_change eevdf-groups-weight-change weight 0.75
# x moves from a (100, with 3 more hogs) to b (300, with 1): x's share
# 0.0625 -> 0.375 (0.2 if the threads shared equally).
check_change eevdf-groups-move move 0.375
finish
