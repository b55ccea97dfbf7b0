#!/usr/bin/env python3
"""exits.py: reads schedsim --json on stdin and prints the tasks in the order
they exited, with when (ms)."""
import json
import sys

tasks = [t for t in json.load(sys.stdin)["tasks"] if t["exited_ms"] is not None]
for t in sorted(tasks, key=lambda t: t["exited_ms"]):
    print("%s exited at %.0f ms" % (t["group"], t["exited_ms"]))
