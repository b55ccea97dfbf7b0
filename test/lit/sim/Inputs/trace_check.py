#!/usr/bin/env python3
"""trace_check.py TRACE REPORT: checks a schedsim --trace file against the
--json report of the same run: one track per CPU, runs on a CPU never
overlap, and each group's run time adds up to the CPU share reported."""
import json
import sys

trace = json.load(open(sys.argv[1]))["traceEvents"]
report = json.load(open(sys.argv[2]))
tracks = [e for e in trace if e["ph"] == "M"]
runs = [e for e in trace if e["ph"] == "X"]
print("tracks %d" % len(tracks))
by_cpu = {}
for r in runs:
    by_cpu.setdefault(r["tid"], []).append((r["ts"], r["ts"] + r["dur"]))
overlaps = 0
for spans in by_cpu.values():
    spans.sort()
    overlaps += sum(1 for a, b in zip(spans, spans[1:]) if b[0] < a[1] - 1e-6)
print("overlaps %d" % overlaps)
seconds = report["simulated_s"]
for g in report["groups"]:
    total_us = sum(r["dur"] for r in runs if r["name"].split("/")[0] == g["name"])
    share = total_us / 1e6 / seconds / g["tasks"]
    print("%s %s" % (g["name"], "agrees" if abs(share - g["cpu_share"]) < 1e-3 else
                     "differs: trace %.4f report %.4f" % (share, g["cpu_share"])))
