#!/bin/sh
# The installed service (cmake --install, staged as $SCHEDC_DATA/installed):
# its unit's command line and settings, run the way systemd runs them (the
# test VM has no systemd): the condition, the EnvironmentFile, ExecStart,
# and how SuccessExitStatus and Restart=on-failure classify each way it ends.
. "${SCHEDC_LIB:-$SCHEDC_DATA/lib.sh}"
root=$SCHEDC_DATA/installed
unit=$root/usr/lib/systemd/system/schedrun.service
if [ ! -f "$unit" ]; then
  fail service-installed "no $unit"
  finish
  exit
fi
key() { sed -n "s/^$1=//p" "$unit"; }
settings=$root$(key EnvironmentFile)
exec_start=$(key ExecStart)
success=" 0 $(key SuccessExitStatus) "
[ -f "$settings" ] && [ "${exec_start%% *}" = /usr/bin/schedrun ] &&
  [ "$(key Restart)" = on-failure ] && pass service-installed ||
  fail service-installed "settings or ExecStart not as installed" "$unit"
sock=$(echo "$exec_start" | sed -n 's/.*--socket \([^ ]*\).*/\1/p')
mkdir -p "$(dirname "$sock")" "$root/etc/schedc"
cp "$SCHEDC_DATA/policies/eevdf.bpf.o" "$SCHEDC_DATA/policies/fifo.bpf.o" \
  "$SCHEDC_DATA/test-policies/stall_on_comm.bpf.o" "$root/etc/schedc/"

# The settings as systemd reads an EnvironmentFile: KEY=the rest of the
# line (spaces included), one pair of quotes removed; # starts a comment.
load_settings() {
  while IFS= read -r line; do
    case "$line" in '' | '#'* | ';'*) continue ;; esac
    value=${line#*=}
    case "$value" in \"*\") value=${value#\"} value=${value%\"} ;; esac
    export "${line%%=*}=$value"
  done < "$settings"
}
# start_service: as systemd does, if the condition holds; the pid in $svc.
# In ExecStart, $VAR splits into words, ${VAR} is one (the path has no spaces).
start_service() {
  [ -d "$(key ConditionPathIsDirectory)" ] || return 1
  (load_settings; eval "exec $root$exec_start") > "$out/journal" 2>&1 &
  svc=$!
}
# ended_as STATUS: what systemd makes of the main process's exit status.
ended_as() { case "$success" in *" $1 "*) echo success ;; *) echo failure ;; esac; }

# A policy with a tunable: attached, observable, switchable, stopped cleanly.
printf 'SCHEDRUN_POLICY=%s\nSCHEDRUN_ARGS=--set base_slice=2ms\n' \
  "$root/etc/schedc/eevdf.bpf.o" > "$settings"
if start_service && wait_state enabled 30; then
  [ "$(cat /sys/kernel/sched_ext/root/ops)" = eevdf ] &&
    expect_grep service-start "tunables: +base_slice=2ms" "$out/journal" && pass service-start
  sleep 1
  "$root/usr/bin/schedrun" stats "$sock" > "$out/stats" 2>&1
  expect_rc service-stats 0 $? "$out/stats" &&
    expect_grep service-stats '"policy":"eevdf"' "$out/stats" && pass service-stats
  "$root/usr/bin/schedrun" switch "$sock" "$root/etc/schedc/fifo.bpf.o" > "$out/switch" 2>&1
  expect_rc service-switch 0 $? "$out/switch" &&
    [ "$(cat /sys/kernel/sched_ext/root/ops)" = fifo ] && pass service-switch
  kill -TERM $svc
  wait $svc
  rc=$?
  wait_state disabled 20
  [ "$(ended_as $rc)" = success ] && [ ! -e "$sock" ] &&
    expect_grep service-stop "stopped by SIGTERM; detached 'fifo'" "$out/journal" &&
    pass service-stop || fail service-stop "systemctl stop ended with $rc ($(ended_as $rc))" "$out/journal"
else
  fail service-start "the service did not attach" "$out/journal"
  kill -9 $svc 2>/dev/null
fi

# An ejection is a failure, so Restart=on-failure starts it again.
cp "$(command -v spin)" /tmp/stuck
/tmp/stuck stuck 15000 > /dev/null 2>&1 &
stuck=$!
printf 'SCHEDRUN_POLICY=%s\nSCHEDRUN_ARGS="--timeout 1"\n' \
  "$root/etc/schedc/stall_on_comm.bpf.o" > "$settings"
start_service
wait $svc
rc=$?
kill $stuck 2>/dev/null
wait $stuck 2>/dev/null
wait_state disabled 20
expect_rc service-ejected 3 $rc "$out/journal" &&
  [ "$(ended_as $rc)" = failure ] &&
  expect_grep service-ejected "ejected by the kernel: SCX_EXIT_ERROR_STALL" "$out/journal" &&
  pass service-ejected

# Settings naming no object: a failure with a clear message.
printf 'SCHEDRUN_POLICY=%s\n' "$root/etc/schedc/missing.bpf.o" > "$settings"
start_service
wait $svc
rc=$?
expect_rc service-bad-settings 1 $rc "$out/journal" &&
  [ "$(ended_as $rc)" = failure ] &&
  expect_grep service-bad-settings "missing.bpf.o" "$out/journal" && pass service-bad-settings
finish
