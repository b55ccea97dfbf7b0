#!/bin/sh
# `enqueue ... into local_on(CPU)`: a CPU-bound task named onone runs on the
# CPU the rule names (the last), unpinned, nearly all the time; the same
# task pinned elsewhere falls back to the next rule and still runs.
. "${SCHEDC_LIB:-$SCHEDC_DATA/lib.sh}"
obj=$SCHEDC_DATA/test-policies/local_on_comm.bpf.o
spin=$(command -v spin 2>/dev/null || echo "$SCHEDC_DATA/spin")
sock=/tmp/schedrun-local-on.sock
last=$(($(nproc) - 1))
counter() { schedrun stats "$sock" | sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"; }
# on_cpu PID CPU: the fraction of 20 samples, 0.1 s apart, that found PID on CPU.
on_cpu() {
  n=0 i=0
  while [ $i -lt 20 ]; do
    [ "$(cut -d' ' -f39 /proc/$1/stat)" = "$2" ] && n=$((n + 1))
    i=$((i + 1))
    sleep 0.1
  done
  echo "$n"
}

cp "$spin" /tmp/onone
schedrun -q --socket "$sock" "$obj" > "$out/run" 2>&1 &
pid=$!
if wait_state enabled 30; then
  /tmp/onone x 0 > /dev/null 2>&1 & a=$!
  sleep 0.5
  n=$(on_cpu $a $last)
  echo "onone on CPU $last in $n of 20 samples"
  [ "$n" -ge 18 ] && pass local-on-placed || fail local-on-placed "on CPU $last in $n of 20 samples"
  kill $a 2>/dev/null
  wait $a 2>/dev/null
  [ "$(counter placed)" -gt 0 ] 2>/dev/null && pass local-on-counted ||
    fail local-on-counted "placed is '$(counter placed)'"

  # Pinned to CPU 0, the task may not run on the rule's CPU: the next rule
  # places it, and it runs.
  taskset -c 0 /tmp/onone y 0 > /dev/null 2>&1 & b=$!
  t0=$(cpu_ns $b)
  sleep 1
  t1=$(cpu_ns $b)
  kill $b 2>/dev/null
  wait $b 2>/dev/null
  ran=$(((t1 - t0) / 1000000))
  fell=$(counter fell_back)
  [ "$ran" -ge 300 ] && [ "${fell:-0}" -gt 0 ] && pass local-on-fallback ||
    fail local-on-fallback "pinned elsewhere: ran ${ran} ms of 1000, fell_back '$fell'" "$out/run"
  stop_bg $pid
  expect_rc local-on-detach 130 $bg_rc "$out/run" && pass local-on-detach
else
  fail local-on-placed "never enabled" "$out/run"
  kill -9 $pid 2>/dev/null
fi
finish
