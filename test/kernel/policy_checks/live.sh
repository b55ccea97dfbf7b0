#!/bin/sh
# schedrun set: a running policy's `live` params change at once over the
# control socket, checked against the value the policy itself reads (a
# counter that grows only while `boost` is true). Params that are not live,
# values out of range and other users are refused, changing nothing.
. "${SCHEDC_LIB:-$SCHEDC_DATA/lib.sh}"
obj=$SCHEDC_DATA/test-policies/live_boost.bpf.o
sock=/tmp/schedrun-live.sock
boosted() { schedrun stats "$sock" | sed -n 's/.*"boosted_ticks":\([0-9]*\).*/\1/p'; }

spin hog 60000 > /dev/null 2>&1 &
hog=$!
schedrun -q --socket "$sock" "$obj" > "$out/run" 2>&1 &
pid=$!
if wait_state enabled 30; then
  sleep 1
  before=$(boosted)
  [ "$before" = 0 ] && pass live-default || fail live-default "boosted_ticks is '$before' with boost=false"

  schedrun set "$sock" boost=true > "$out/s1" 2>&1
  expect_rc live-set 0 $? "$out/s1" &&
    expect_grep live-set "^boost: false -> true$" "$out/s1" && pass live-set
  sleep 1
  after=$(boosted)
  [ "${after:-0}" -gt 0 ] && pass live-takes-effect ||
    fail live-takes-effect "boosted_ticks is '$after' a second after boost=true"

  schedrun set "$sock" fixed=4 > "$out/s2" 2>&1
  expect_rc live-not-live 1 $? "$out/s2" &&
    expect_grep live-not-live "'fixed' is not a live param" "$out/s2" &&
    expect_grep live-not-live "nothing changed" "$out/s2" && pass live-not-live
  schedrun set "$sock" boost=false quantum=500ms > "$out/s3" 2>&1
  expect_rc live-range 1 $? "$out/s3" &&
    expect_grep live-range "out of range" "$out/s3" && pass live-range
  as_tester "schedrun set $sock boost=false" > "$out/s4" 2>&1
  expect_rc live-root-only 1 $? "$out/s4" &&
    expect_grep live-root-only "permission denied: only root may change a tunable" "$out/s4" &&
    pass live-root-only

  # Nothing of the refused requests took effect: still boosted.
  c1=$(boosted)
  sleep 1
  c2=$(boosted)
  [ "${c2:-0}" -gt "${c1:-0}" ] && pass live-refused-kept ||
    fail live-refused-kept "boosted_ticks stopped at '$c1' -> '$c2'"

  schedrun set "$sock" boost=false quantum=2ms > "$out/s5" 2>&1
  expect_rc live-unset 0 $? "$out/s5" &&
    expect_grep live-unset "^boost: true -> false$" "$out/s5" &&
    expect_grep live-unset "^quantum: 5ms -> 2ms$" "$out/s5" && pass live-unset
  sleep 0.5
  c1=$(boosted)
  sleep 1
  c2=$(boosted)
  [ -n "$c1" ] && [ "$c1" = "$c2" ] && pass live-unset-takes-effect ||
    fail live-unset-takes-effect "boosted_ticks went on: '$c1' -> '$c2'"
  stop_bg $pid
  expect_rc live-log 130 $bg_rc "$out/run" &&
    expect_grep live-log "^schedrun: set boost: false -> true$" "$out/run" && pass live-log
else
  fail live-default "never enabled" "$out/run"
  kill -9 $pid 2>/dev/null
fi
kill $hog 2>/dev/null
wait $hog 2>/dev/null
schedrun set "$sock" boost=true > "$out/s6" 2>&1
expect_rc live-none-running 1 $? "$out/s6" &&
  expect_grep live-none-running "is a schedrun with --socket $sock running" "$out/s6" &&
  pass live-none-running
finish
