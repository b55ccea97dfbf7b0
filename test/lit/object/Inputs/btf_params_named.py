#!/usr/bin/env python3
"""Reads `bpftool btf dump file OBJ` on stdin; fails if a global FUNC's
prototype has an unnamed parameter (the kernel rejects such BTF with EINVAL)."""
import re
import sys

protos, current, bad = {}, None, []
lines = sys.stdin.read().splitlines()
for line in lines:
    m = re.match(r"\[(\d+)\] FUNC_PROTO ", line)
    if m:
        current = protos.setdefault(int(m.group(1)), [])
        continue
    if line.startswith("\t") and current is not None:
        current.append(line.strip().split("'")[1])
        continue
    current = None
funcs = 0
for line in lines:
    m = re.match(r"\[\d+\] FUNC '([^']+)' type_id=(\d+) linkage=global", line)
    if m:
        funcs += 1
        if "(anon)" in protos.get(int(m.group(2)), []):
            bad.append(m.group(1))
print("global functions: %d, with unnamed parameters: %s" % (funcs, " ".join(bad) or "none"))
sys.exit(1 if bad or funcs == 0 else 0)
