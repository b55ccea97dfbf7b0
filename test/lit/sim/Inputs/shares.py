#!/usr/bin/env python3
"""shares.py TOL: reads schedsim --json on stdin and prints, per group, its
CPU share per task against the ideal (groups that have one); exits 1 if any differs by more than TOL."""
import json
import sys

tol = float(sys.argv[1])
doc = json.load(sys.stdin)
bad = False
for g in doc["groups"]:
    if g["ideal_share"] is None:  # not steady: a server, hackbench, exits, events
        continue
    off = abs(g["cpu_share"] - g["ideal_share"])
    verdict = "ok" if off <= tol else "OFF"
    bad = bad or off > tol
    print("%s %s share %.3f ideal %.3f" % (verdict, g["name"], g["cpu_share"], g["ideal_share"]))
sys.exit(1 if bad else 0)
