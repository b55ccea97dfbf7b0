#!/usr/bin/env python3
"""run_lengths.py TRACE GROUP SHORT_US LONG_US: the number of runs of GROUP's
tasks in a schedsim --trace file, and whether some are shorter than SHORT_US
and some longer than LONG_US."""
import json
import sys

path, group = sys.argv[1], sys.argv[2]
short, long = float(sys.argv[3]), float(sys.argv[4])
runs = [e["dur"] for e in json.load(open(path))["traceEvents"]
        if e["ph"] == "X" and e["name"].startswith(group + "/")]
print("%s runs: %d, some under %g us: %s, some over %g us: %s" %
      (group, len(runs), short, "yes" if min(runs) < short else "no",
       long, "yes" if max(runs) > long else "no"))
