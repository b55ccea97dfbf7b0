# Shared helpers for the kernel check scripts (sourced; busybox sh compatible).
# Each check prints "PASS name" or "FAIL name" (with the evidence); finish
# prints "N passed, M failed" and returns non-zero on any failure.

SCHEDC_OBJECTS=${SCHEDC_OBJECTS:-$SCHEDC_DATA/objects}
passed=0
failed=0
out=$(mktemp -d /tmp/checks.XXXXXX)

pass() { passed=$((passed + 1)); echo "PASS $1"; }

# fail NAME WHY [FILE...]: the files' contents are shown as evidence.
fail() {
  name=$1 why=$2
  shift 2
  failed=$((failed + 1))
  echo "FAIL $name: $why"
  for f in "$@"; do [ -f "$f" ] && sed 's/^/    | /' "$f"; done
}

finish() {
  echo "$passed passed, $failed failed"
  rm -rf "$out"
  [ "$failed" -eq 0 ]
}

# wait_state STATE SECS: waits for /sys/kernel/sched_ext/state to read STATE.
wait_state() {
  i=0
  while [ "$(cat /sys/kernel/sched_ext/state)" != "$1" ]; do
    i=$((i + 1))
    [ $i -le $(($2 * 10)) ] || return 1
    sleep 0.1
  done
}

# expect_rc NAME WANT GOT LOG...: fails NAME unless the exit status matches.
expect_rc() {
  name=$1 want=$2 got=$3
  shift 3
  [ "$got" -eq "$want" ] && return 0
  fail "$name" "exit status $got, expected $want" "$@"
  return 1
}

# expect_grep NAME PATTERN FILE: fails NAME unless FILE matches (extended regex).
expect_grep() {
  grep -Eq -- "$2" "$3" && return 0
  fail "$1" "no line matching '$2'" "$3"
  return 1
}

# Stops a background schedrun and waits for the kernel to detach it.
stop_bg() {
  kill -INT "$1" 2>/dev/null
  wait "$1"
  bg_rc=$?
  wait_state disabled 20
}

# as_tester CMD: runs the shell command CMD as an unprivileged user (uid
# 1000): with util-linux setpriv where there is one (a host), else with
# busybox su as a user added to the VM's /etc/passwd on first use.
as_tester() {
  if setpriv --help 2>&1 | grep -q -- --reuid; then
    setpriv --reuid 1000 --regid 1000 --clear-groups sh -c "$*"
    return
  fi
  grep -q '^tester:' /etc/passwd 2>/dev/null || echo "tester:x:1000:1000::/tmp:/bin/sh" >> /etc/passwd
  su tester -s /bin/sh -c "$*"
}

# within V LO HI: whether LO <= V <= HI (decimals).
within() { awk -v v="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(v >= lo && v <= hi) }'; }

# cpu_ns PID: the CPU time task PID has had, in ns (/proc/PID/schedstat).
cpu_ns() { cut -d' ' -f1 "/proc/$1/schedstat"; }
