#!/usr/bin/env python3
"""requests.py RATE SECONDS A.json B.json ...: reads schedsim --json outputs of
one server workload under several policies. Prints, per run, whether the
requests served match the arrival rate (within 1%: Poisson noise is 0.2%) and
the short requests' (class 0) p99 latency; then the policies ranked by it."""
import json
import sys

rate, seconds = float(sys.argv[1]), float(sys.argv[2])
runs = []
for path in sys.argv[3:]:
    doc = json.load(open(path))
    served = sum(r["served"] for r in doc["requests"])
    expected = rate * seconds
    ok = abs(served - expected) <= 0.01 * expected
    short = [r for r in doc["requests"] if r["class"] == 0][0]
    print("%s %s served %d of about %d, short p99 %.1f us" %
          ("ok" if ok else "LOST", doc["policy"], served, expected, short["latency_ns"]["p99"] / 1e3))
    runs.append((short["latency_ns"]["p99"], doc["policy"]))
print("ranking: " + " < ".join(name for _, name in sorted(runs)))
