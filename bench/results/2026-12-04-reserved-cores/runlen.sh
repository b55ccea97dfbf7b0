#!/bin/sh
# redis-server's mean run per timeslice (schedstat run_ns / timeslices) and
# redis-benchmark GET requests/s and p50, beside one hog per vCPU: kernel
# EEVDF, reserved_cores, reserved_cores with short_limit=10ms, twice.
ip link set lo up 2> /dev/null || ifconfig lo 127.0.0.1 up
smp=$(nproc)
for s in kernel reserved_cores reserved_cores_10ms kernel reserved_cores reserved_cores_10ms; do
  if [ $s != kernel ]; then case $s in reserved_cores_10ms) o="--set short_limit=10ms /schedc/reserved_cores.bpf.o" ;; *) o=/schedc/$s.bpf.o ;; esac; schedrun -q $o > /tmp/run.$s 2>&1 & sp=$!; sleep 3; fi
  h=; i=0; while [ $i -lt $smp ]; do spin hog 0 > /dev/null & h="$h $!"; i=$((i + 1)); done
  mkdir -p /tmp/r; sh -c 'renice -n -10 -p $$ > /dev/null; exec redis-server --port 6379 --bind 127.0.0.1 --save "" --appendonly no --protected-mode no --dir /tmp/r --logfile ""' > /tmp/redis.out 2>&1 &
  rp=$!; sleep 2
  set -- $(cat /proc/$rp/schedstat)
  r0=$1 t0=$3
  out=$(timeout 120 redis-benchmark -q -c 32 -n 3000 -t get 2>&1 | tr '\r' '\n' | grep -i "requests per second" | tail -1)
  set -- $(cat /proc/$rp/schedstat)
  r1=$1 t1=$3
  echo "RUNLEN $s redis run_ms=$(( (r1 - r0) / 1000000 )) slices=$((t1 - t0)) mean_run_us=$(( (r1 - r0) / ((t1 - t0) > 0 ? (t1 - t0) : 1) / 1000 )) | $out"
  kill $rp $h 2> /dev/null; wait $rp $h 2> /dev/null
  [ $s = kernel ] || { kill -INT $sp; wait $sp 2> /dev/null; }
done
echo done
