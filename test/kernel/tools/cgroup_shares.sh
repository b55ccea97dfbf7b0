# Measures how CPU time is divided among cgroups (cgroup v2 cpu.weight).
# Run with sh (busybox sh will do); used by the kernel checks and bench/.
#
#   sh cgroup_shares.sh CPU SPIN mix SECS SPEC...
#     SPEC is PATH:WEIGHT:HOGS, e.g. a:100:1 b:300:4, or p:200:0 p/c1:100:2
#     (parents first). PATH "-" is the root cgroup (its weight is ignored).
#     HOGS CPU-bound tasks run in each group, pinned to CPU ("-": unpinned).
#     After 1 s of warm-up, prints one line per group over the next SECS:
#       group=PATH share=S
#     S is the group's part of the CPU time all the hogs got.
#   sh cgroup_shares.sh CPU SPIN weight
#     Groups a and b (cpu.weight 100) run one hog each; after 2 s b's weight
#     becomes 300. Prints b's share from 0.1 s to 1.1 s after: share=S.
#   sh cgroup_shares.sh CPU SPIN move
#     Group a (100) runs hog x and three more, group b (300) one hog; after
#     2 s x moves to b. Prints x's share from 0.1 s to 1.1 s after: share=S
#     (cpu.weight: 0.0625 before, 0.375 after; one share per thread: 0.2).
#
# Groups are created under /sys/fs/cgroup/schedc-test and removed afterwards.
cpu=$1 spin=$2 mode=$3
shift 3
top=/sys/fs/cgroup
base=$top/schedc-test

# group PATH WEIGHT: creates base/PATH with the cpu controller on above it.
group() {
  dir=$base/$1
  parent=${dir%/*}
  mkdir -p "$dir" || exit 1
  echo +cpu > "$parent/cgroup.subtree_control" || exit 1
  echo "$2" > "$dir/cpu.weight" || exit 1
}

# hog PATH: starts a hog in base/PATH ("-": the root cgroup); its pid in $pid.
hog() {
  # Not through a shell function: $! must be the hog itself (taskset execs it).
  if [ "$cpu" = - ]; then "$spin" hog 0 > /dev/null & else taskset -c "$cpu" "$spin" hog 0 > /dev/null & fi
  pid=$!
  all="$all $pid"
  if [ "$1" = - ]; then echo $pid > $top/cgroup.procs; else echo $pid > "$base/$1/cgroup.procs"; fi
}

cputime() { for p in "$@"; do cut -d' ' -f1 /proc/$p/schedstat; done; }
sum() { awk '{ s += $1 } END { printf "%.0f\n", s }'; }

cleanup() {
  kill $all 2>/dev/null
  wait
  # Children before parents: deepest paths first.
  find "$base" -depth -type d -exec rmdir {} \; 2>/dev/null
}

echo +cpu > $top/cgroup.subtree_control || exit 1
mkdir -p $base || exit 1
all=

case $mode in
mix)
  secs=$1; shift
  n=0
  for spec in "$@"; do
    path=${spec%%:*} rest=${spec#*:}
    weight=${rest%%:*} hogs=${rest#*:}
    [ "$path" = - ] || group "$path" "$weight"
    pids=
    i=0
    while [ $i -lt "$hogs" ]; do hog "$path"; pids="$pids $pid"; i=$((i + 1)); done
    n=$((n + 1))
    eval "path_$n=\$path pids_$n=\"\$pids\""
  done
  sleep 1
  i=1
  while [ $i -le $n ]; do eval "before_$i=\$(cputime \$pids_$i | sum)"; i=$((i + 1)); done
  sleep "$secs"
  i=1
  while [ $i -le $n ]; do eval "after_$i=\$(cputime \$pids_$i | sum)"; i=$((i + 1)); done
  i=1
  while [ $i -le $n ]; do
    eval "echo \"\$path_$i \$before_$i \$after_$i\""
    i=$((i + 1))
  done | awk '{ path[NR] = $1; d[NR] = $3 - $2; total += d[NR] }
    END { for (i = 1; i <= NR; i++) printf "group=%s share=%.4f\n", path[i], (total > 0) ? d[i] / total : 0 }'
  ;;
weight|move)
  group a 100
  if [ "$mode" = weight ]; then
    group b 100
    hog a; hog b; watched=$pid
  else
    group b 300
    hog a; watched=$pid; hog a; hog a; hog a; hog b
  fi
  sleep 2
  if [ "$mode" = weight ]; then echo 300 > $base/b/cpu.weight; else echo $watched > $base/b/cgroup.procs; fi
  sleep 0.1
  w1=$(cputime $watched); t1=$(cputime $all | sum)
  sleep 1
  w2=$(cputime $watched); t2=$(cputime $all | sum)
  echo "$w1 $t1 $w2 $t2" | awk '{ printf "share=%.4f\n", ($3 - $1) / ($4 - $2) }'
  ;;
*)
  echo "cgroup_shares.sh: unknown mode '$mode'" >&2
  exit 2
  ;;
esac
cleanup
