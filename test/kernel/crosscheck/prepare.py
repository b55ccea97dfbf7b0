#!/usr/bin/env python3
"""Runs each cross-check scenario (a policy and a workload) in schedsim and
writes, for the kernel check (test/kernel/policy_checks/crosscheck.sh):
  OUT/NAME.expected  one line per group: name, the CPU share per task and
                     the mean wait from runnable to running (ms)
  OUT/NAME.sh        the workload as shell: one line per task, its group first
  OUT/list           NAME POLICY_OBJECT per scenario
Usage: prepare.py --schedsim BIN --out DIR --cpus N --duration T
                  NAME=POLICY.sched:WORKLOAD.json..."""
import argparse
import json
import os
import subprocess
import sys


def task_lines(workload):
    """busybox sh: `taskset` for affinity, `renice` after the start (busybox
    has no nice), spin for a hog, dutycycle RUN_US SLEEP_US otherwise (and
    SLEEP_MAX_US for a sleep drawn from {"uniform": [LO, HI]})."""
    for g in workload["groups"]:
        for _ in range(g.get("count", 1)):
            if "run" in g and isinstance(g["sleep"], dict):
                lo, hi = g["sleep"]["uniform"]
                cmd = "dutycycle %d %d %d" % (micros(g["run"]), micros(lo), micros(hi))
            elif "run" in g:
                cmd = "dutycycle %d %d" % (micros(g["run"]), micros(g["sleep"]))
            else:
                cmd = "spin %s 0" % g["name"]
            cpus = ",".join(str(c) for c in g.get("cpus", []))
            yield "%s %s %d %s" % (g["name"], cpus or "-", g.get("nice", 0), cmd)


def micros(text):
    units = {"us": 1, "ms": 1000, "s": 1000000}
    for unit in ("us", "ms", "s"):
        if text.endswith(unit) and text[:-len(unit)].isdigit():
            return int(text[:-len(unit)]) * units[unit]
    raise SystemExit("prepare.py: duration %r is not NNus, NNms or NNs" % text)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--schedsim", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--cpus", required=True)
    ap.add_argument("--duration", required=True)
    ap.add_argument("scenarios", nargs="+")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    listing = []
    for spec in args.scenarios:
        name, rest = spec.split("=", 1)
        policy, workload_path = rest.split(":", 1)
        result = subprocess.run([args.schedsim, policy, workload_path, "--cpus", args.cpus,
                                 "--duration", args.duration, "--json"],
                                capture_output=True, text=True)
        if result.returncode != 0:
            sys.stderr.write(result.stderr)
            raise SystemExit("prepare.py: schedsim failed on %s" % name)
        report = json.loads(result.stdout)
        with open(os.path.join(args.out, name + ".expected"), "w") as f:
            for g in report["groups"]:
                f.write("%s %.4f %.3f\n" % (g["name"], g["cpu_share"],
                                             g["wait_ns"]["mean"] / 1e6))
        with open(workload_path) as f:
            workload = json.load(f)
        with open(os.path.join(args.out, name + ".sh"), "w") as f:
            f.write("\n".join(task_lines(workload)) + "\n")
        obj = os.path.splitext(os.path.basename(policy))[0] + ".bpf.o"
        listing.append("%s %s" % (name, obj))
    with open(os.path.join(args.out, "list"), "w") as f:
        f.write("\n".join(listing) + "\n")


main()
