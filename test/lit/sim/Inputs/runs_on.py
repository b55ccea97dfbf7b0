#!/usr/bin/env python3
"""runs_on.py TRACE GROUP CPU AFTER_US: counts the runs of GROUP's tasks on
CPU in a schedsim --trace file, those that end before AFTER_US and those
still running at or after it."""
import json
import sys

path, group, cpu, after = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
runs = [e for e in json.load(open(path))["traceEvents"]
        if e["ph"] == "X" and e["name"].startswith(group + "/") and e["tid"] == cpu]
before = sum(1 for e in runs if e["ts"] + e["dur"] <= after)
print("%s on CPU %d: %d runs before, %d after" % (group, cpu, before, len(runs) - before))
