#!/usr/bin/env python3
"""node_spread.py TRACE CPUS_PER_NODE: how many tasks in a schedsim --trace
file ran on CPUs of more than one node (CPUs numbered node by node)."""
import json
import sys

per_node = int(sys.argv[2])
nodes = {}
for e in json.load(open(sys.argv[1]))["traceEvents"]:
    if e["ph"] == "X":
        nodes.setdefault(e["name"], set()).add(e["tid"] // per_node)
print("tasks on more than one node: %d of %d" % (sum(1 for n in nodes.values() if len(n) > 1), len(nodes)))
