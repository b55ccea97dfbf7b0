#!/bin/sh
# Topology, on a machine with two NUMA nodes of two LLCs each (the 8-CPU
# boot: sockets=2, dies=2, a node per socket):
# - schedrun and a loaded policy see what sysfs says (llc_of, node_of,
#   core_of, nr_llcs, nr_nodes, and schedrun's topology line);
# - steals go nearest first: an idle CPU takes a task waiting in its LLC,
#   then one in its node, then one elsewhere, whatever the CPUs' numbers;
# - with node 0 overloaded and node 1 idle, llc_vtime moves tasks across;
#   numa_bound never does;
# - CPU hotplug: sched_ext ends the policy; schedrun says why, attaches it
#   again with the topology read anew, and nothing crashes.
. "${SCHEDC_LIB:-$SCHEDC_DATA/lib.sh}"
policies=$SCHEDC_DATA/policies
tests=$SCHEDC_DATA/test-policies
spin=$(command -v spin 2>/dev/null || echo "$SCHEDC_DATA/spin")
sock=/tmp/schedrun-topology.sock
sys=/sys/devices/system
ncpu=$(nproc)
stat() { schedrun stats "$sock" | sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"; }
# queue_stat QUEUE NAME: one of a queue's counters.
queue_stat() { schedrun stats "$sock" | sed -n "s/.*\"$1\":{[^}]*\"$2\":\([0-9]*\).*/\1/p"; }

# What sysfs says, numbered as schedrun numbers it: a domain's id is the
# order of its first CPU. llc_key CPU: the first CPU sharing its LLC.
llc_key() {
  best=0 list=$1
  for d in $sys/cpu/cpu$1/cache/index*; do
    [ "$(cat $d/type)" = Instruction ] && continue
    [ "$(cat $d/level)" -gt $best ] && best=$(cat $d/level) list=$(cat $d/shared_cpu_list)
  done
  echo "$list" | sed 's/[-,].*//'
}
node_key() {
  for n in $sys/node/node*; do
    for c in $(echo "$(cat $n/cpulist)" | tr ',' ' '); do
      lo=${c%-*} hi=${c#*-}
      [ "$1" -ge "$lo" ] && [ "$1" -le "$hi" ] && { echo "${n##*node}"; return; }
    done
  done
  echo 0
}
core_key() { sed 's/[-,].*//' $sys/cpu/cpu$1/topology/thread_siblings_list; }
# dense KEYFN: prints "code count": hex digit c of code is CPU c's dense id.
dense() {
  seen= code=0 c=0
  while [ $c -lt $ncpu ]; do
    k=$($1 $c) id=0 found=
    for s in $seen; do [ "$s" = "$k" ] && found=1 && break; id=$((id + 1)); done
    [ -n "$found" ] || seen="$seen $k"
    code=$((code + (id << (4 * c))))
    c=$((c + 1))
  done
  echo "$code $(echo $seen | wc -w)"
}
set -- $(dense llc_key); llc_code=$1 nr_llcs=$2
set -- $(dense node_key); node_code=$1 nr_nodes=$2
set -- $(dense core_key); core_code=$1
echo "sysfs: $ncpu CPUs, $nr_nodes nodes, $nr_llcs LLCs; llc_code=$llc_code node_code=$node_code core_code=$core_code"
[ "$ncpu" -eq 8 ] && [ "$nr_nodes" -eq 2 ] && [ "$nr_llcs" -eq 4 ] && pass topology-guest ||
  fail topology-guest "expected 8 CPUs in 2 nodes of 2 LLCs (QEMU -smp 8,sockets=2,dies=2 -numa)"

# The policy's view, as counters (topology_probe.sched).
schedrun --socket "$sock" "$tests/topology_probe.bpf.o" > "$out/probe" 2>&1 &
pid=$!
if wait_state enabled 30; then
  sleep 0.5
  seen="llc_code=$(stat llc_code) node_code=$(stat node_code) core_code=$(stat core_code) llcs=$(stat llcs) nodes=$(stat nodes)"
  want="llc_code=$llc_code node_code=$node_code core_code=$core_code llcs=$nr_llcs nodes=$nr_nodes"
  echo "policy sees: $seen"
  [ "$seen" = "$want" ] && pass topology-policy-sees || fail topology-policy-sees "sysfs says $want"
  stop_bg $pid
  expect_grep topology-banner "topology: +$nr_nodes nodes, $nr_llcs LLCs, 8 cores, 8 CPUs: node 0 llc 0 = cpus 0-1, llc 1 = cpus 2-3; node 1 llc 2 = cpus 4-5, llc 3 = cpus 6-7" "$out/probe" &&
    pass topology-banner
else
  fail topology-policy-sees "never enabled" "$out/probe"
  kill -9 $pid 2>/dev/null
fi

# start_hogs N CPUS: N CPU-bound tasks started on CPUS, then allowed on all
# CPUs, so only the policy moves them. Their pids are in $hogs.
start_hogs() {
  hogs= i=0
  while [ $i -lt "$1" ]; do
    taskset -c "$2" "$spin" hog 0 > /dev/null 2>&1 &
    hogs="$hogs $!"
    i=$((i + 1))
  done
  sleep 0.2
  for h in $hogs; do taskset -p ff "$h" > /dev/null; done
}
stop_hogs() { kill $hogs 2>/dev/null; wait $hogs 2>/dev/null; }
# samples_on_node1: of 20 samples 0.1 s apart of every hog, how many found
# one on node 1 (CPUs 4-7).
samples_on_node1() {
  n=0 i=0
  while [ $i -lt 20 ]; do
    for h in $hogs; do
      [ "$(cut -d' ' -f39 /proc/$h/stat)" -ge 4 ] && n=$((n + 1))
    done
    i=$((i + 1))
    sleep 0.1
  done
  echo "$n"
}

# Which waiting task an idle CPU steals. Slices are infinite, so a CPU keeps
# its task until it exits: hogs pinned to CPUs 0, 2 and 4 hold them, and
# behind them wait Z (on CPU 0: CPU 3's node), X (on CPU 2: CPU 3's LLC) and
# Y (on CPU 4: another node), each then allowed CPU 3 too. When CPU 3's own
# hog exits, CPU 3 takes X; when X exits, Z; then Y, though by number CPU 4
# comes first. Only CPU 3 may take them, so no other CPU races for them.
# This script, schedrun and what they start run on CPUs 6 and 7.
taskset -p c0 $$ > /dev/null
schedrun --socket "$sock" --set slice=infinite "$tests/steal_order.bpf.o" > "$out/pick" 2>&1 &
pid=$!
if wait_state enabled 30; then
  for c in 0 2 3 4; do taskset -c $c "$spin" hog 0 > /dev/null 2>&1 & eval "h$c=\$!"; done
  sleep 0.3
  for w in Z:0 X:2 Y:4; do
    taskset -c "${w#*:}" "$spin" hog 0 > /dev/null 2>&1 &
    eval "${w%:*}=\$!"
  done
  sleep 0.3
  taskset -p -c 0,3 $Z > /dev/null
  taskset -p -c 2,3 $X > /dev/null
  taskset -p -c 3,4 $Y > /dev/null
  sleep 0.3
  order=
  for next in h3 X Z; do
    eval "victim=\$$next"
    kill $victim; wait $victim 2>/dev/null
    sleep 0.5
    for w in X Z Y; do
      eval "p=\$$w"
      [ -d /proc/$p ] && [ "$(cut -d' ' -f39 /proc/$p/stat)" = 3 ] && order="$order $w"
    done
  done
  kill $h0 $h2 $h4 $Y 2>/dev/null
  wait $h0 $h2 $h4 $Y 2>/dev/null
  echo "steal_order, CPU 3 freed three times: took$order"
  [ "$order" = " X Z Y" ] && pass steal-nearest-first ||
    fail steal-nearest-first "CPU 3 took$order, want X (its LLC), Z (its node), Y (remote)" "$out/pick"
  stop_bg $pid
else
  fail steal-nearest-first "never enabled" "$out/pick"
  kill -9 $pid 2>/dev/null
fi

schedrun --socket "$sock" "$tests/steal_order.bpf.o" > "$out/steal" 2>&1 &
pid=$!
if wait_state enabled 30; then
  # Eight hogs: node 0 is full, so node 1 steals too.
  start_hogs 8 0
  sleep 1
  n1=$(samples_on_node1)
  remote=$(queue_stat rq steals_remote)
  stop_hogs
  echo "steal_order, 8 hogs from CPU 0: steals remote=$remote; on node 1 in $n1 of 160 samples"
  [ "${remote:-0}" -ge 1 ] && [ "$n1" -ge 40 ] && pass steal-remote-when-needed ||
    fail steal-remote-when-needed "remote steals $remote, on node 1 in $n1 of 160 samples"
  stop_bg $pid
else
  fail steal-nearest-first "never enabled" "$out/steal"
  kill -9 $pid 2>/dev/null
fi

# Node 0 overloaded (six hogs on its four CPUs), node 1 idle.
for pol in llc_vtime numa_bound; do
  schedrun --socket "$sock" "$policies/$pol.bpf.o" > "$out/$pol" 2>&1 &
  pid=$!
  if wait_state enabled 30; then
    start_hogs 6 0-3
    sleep 1
    n1=$(samples_on_node1)
    remote=$(queue_stat rq steals_remote)
    stop_hogs
    echo "$pol, 6 hogs from node 0: remote steals $remote; on node 1 in $n1 of 120 samples"
    if [ $pol = llc_vtime ]; then
      [ "${remote:-0}" -ge 1 ] && [ "$n1" -ge 20 ] && pass topology-llc-vtime-spreads ||
        fail topology-llc-vtime-spreads "remote steals $remote, on node 1 in $n1 of 120 samples"
    else
      [ "${remote:-0}" -eq 0 ] && [ "$n1" -eq 0 ] && pass topology-numa-bound-stays ||
        fail topology-numa-bound-stays "remote steals $remote, on node 1 in $n1 of 120 samples"
    fi
    stop_bg $pid
    expect_rc "topology-$pol-detach" 130 $bg_rc "$out/$pol" && pass "topology-$pol-detach"
  else
    fail "topology-$pol" "never enabled" "$out/$pol"
    kill -9 $pid 2>/dev/null
  fi
done

# Hotplug: CPU 7 goes offline and comes back while llc_vtime runs.
cpu7=$sys/cpu/cpu7/online
schedrun "$policies/llc_vtime.bpf.o" > "$out/hotplug" 2>&1 &
pid=$!
if wait_state enabled 30; then
  echo 0 > $cpu7
  i=0
  until [ "$(grep -c 'topology:' "$out/hotplug")" -ge 2 ] && wait_state enabled 1; do
    i=$((i + 1)); [ $i -le 100 ] || break; sleep 0.1
  done
  echo 1 > $cpu7
  i=0
  until [ "$(grep -c 'topology:' "$out/hotplug")" -ge 3 ] && wait_state enabled 1; do
    i=$((i + 1)); [ $i -le 100 ] || break; sleep 0.1
  done
  stop_bg $pid
  grep 'topology:\|re-attaching' "$out/hotplug"
  expect_rc topology-hotplug 130 $bg_rc "$out/hotplug" &&
    expect_grep topology-hotplug "re-attaching 'llc_vtime': the kernel asked for a restart" "$out/hotplug" &&
    expect_grep topology-hotplug "topology: +2 nodes, 4 LLCs, 8 cores, 8 CPUs: node 0 llc 0 = cpus 0-1,7, llc 1" "$out/hotplug" &&
    [ "$(grep -c 'topology:' "$out/hotplug")" -eq 3 ] && pass topology-hotplug ||
    fail topology-hotplug "expected three attaches, the second without CPU 7's LLC" "$out/hotplug"
else
  fail topology-hotplug "never enabled" "$out/hotplug"
  kill -9 $pid 2>/dev/null
fi
echo 1 > $cpu7 2>/dev/null
finish
