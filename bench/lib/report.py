#!/usr/bin/env python3
"""Turns one benchmark run's raw data into report.md, data files and charts.

    report.py --out DIR --compile compile.tsv --meta meta.txt VM_LOG...

VM_LOG files are the consoles of the boots bench/lib/guest.sh ran in (one per
vCPU count); their "BENCH " lines are the measurements. Writes DIR/report.md,
DIR/data/*.dat and DIR/*.png (gnuplot), and prints the report to stdout.
Only the Python standard library is used.
"""
import argparse
import collections
import os
import re
import statistics
import subprocess
import sys

SCHEDS = ["kernel", "schedc-eevdf", "schedc-fifo", "scx_simple", "scx_simple-f"]
LABEL = {
    "kernel": "kernel EEVDF",
    "schedc-eevdf": "schedc eevdf",
    "schedc-fifo": "schedc fifo",
    "scx_simple": "scx_simple",
    "scx_simple-f": "scx_simple -f",
    "schedc-latency_boost": "schedc latency_boost",
    "schedc-reserved_cores": "schedc reserved_cores",
}
# The real-server sections run under these too (examples/ policies made for
# request-level scheduling); the synthetic sections only under SCHEDS.
SERVER_SCHEDS = SCHEDS + ["schedc-latency_boost", "schedc-reserved_cores"]
REQ_LOADS = ["50", "80"]
REDIS_TESTS = ["GET", "SET"]
FAIR_SETS = ["0/5", "-5/0/0/10", "17/19"]
CALLBACKS = ["select_cpu", "enqueue", "dequeue", "dispatch", "running", "stopping",
             "quiescent", "init_task", "exit_task", "enable", "init", "exit"]
CODE_POLICIES = ["schedc-fifo", "scx_simple-f", "schedc-eevdf", "scx_simple"]
PROG_TYPE_STRUCT_OPS = "27"
MAP_TYPES = {"1": "hash", "2": "array", "5": "percpu_hash", "6": "percpu_array",
             "26": "struct_ops", "27": "ringbuf", "29": "task_storage", "33": "arena"}

TARGETS = {
    "compile_ms": 60.0,
    "compile_vs_clang": 0.2,
    "fairness": 0.01,
    "spread_vs_kernel": 0.03,
    "fidelity_vs_kernel": 0.02,
    "groups": 0.03,
    "groups_change": 0.05,
    "migrations_vs_kernel": 2.0,
    "hackbench_vs_simple": 1.1,
}


def med(xs):
    return statistics.median(xs) if xs else None


def fmt(x, digits=0):
    if x is None:
        return "n/a"
    return f"{x:.{digits}f}"


def span(xs, digits=0):
    """'median (min–max)' of a list."""
    if not xs:
        return "n/a"
    return f"{fmt(med(xs), digits)} ({fmt(min(xs), digits)}–{fmt(max(xs), digits)})"


def verdict(ok):
    if ok is None:
        return "**NOT MEASURED**"
    return "**met**" if ok else "**MISSED**"


def parse_kv(tokens):
    kv, bare = {}, []
    for t in tokens:
        if "=" in t:
            k, v = t.split("=", 1)
            kv[k] = v
        else:
            bare.append(t)
    return kv, bare


class Boot:
    def __init__(self, smp):
        self.smp = smp
        self.kernel = "?"
        self.fair = collections.defaultdict(lambda: collections.defaultdict(list))
        self.shares = collections.defaultdict(lambda: collections.defaultdict(list))
        # unpinned hogs: sched -> mix -> [(shares in nice order, migrations/s)]
        self.spread = collections.defaultdict(lambda: collections.defaultdict(list))
        # pinned EEVDF fidelity mixes: sched -> mix -> [shares in spec order]
        self.fidelity = collections.defaultdict(lambda: collections.defaultdict(list))
        # cgroup cpu.weight mixes: sched -> mix -> [group shares in spec order]
        self.groups = collections.defaultdict(lambda: collections.defaultdict(list))
        self.lat = collections.defaultdict(list)        # sched -> [(p50, p99, max)]
        self.lat_by_round = collections.defaultdict(dict)  # sched -> round -> p99
        self.hb = collections.defaultdict(list)
        self.progs = collections.defaultdict(list)
        self.maps = collections.defaultdict(list)
        self.loader = collections.defaultdict(dict)
        self.problems = []
        self.verify = collections.defaultdict(list)
        self.errors = collections.defaultdict(list)   # (sched, round) -> loader output
        self.done = False
        self.rounds = set()
        self.req_capacity = None                         # the capacity line's key=values
        # sched -> load -> {round: {key: float or None}}; None = not measured / unparsed
        self.req = collections.defaultdict(lambda: collections.defaultdict(dict))
        self.redis = collections.defaultdict(lambda: collections.defaultdict(dict))  # sched -> test -> round -> kv
        self.nginx = collections.defaultdict(dict)      # sched -> round -> kv


def num(v):
    """A measured number, or None when the guest wrote 'na' or anything unparsable."""
    try:
        x = float(v)
    except (TypeError, ValueError):
        return None
    return x if x == x else None


def parse_logs(paths):
    boots = {}
    for path in paths:
        with open(path, errors="replace") as f:
            for line in f:
                line = line.rstrip("\n")
                m = re.search(r"(BENCH(?:-VERIFY|-DONE|-ERR)?) (.*)$", line)
                if not m:
                    continue
                kind, rest = m.group(1), m.group(2)
                if kind == "BENCH-VERIFY":
                    mm = re.match(r"smp=(\d+) policy=(\S+) (.*)$", rest)
                    if mm:
                        boots.setdefault(int(mm.group(1)), Boot(int(mm.group(1))))
                        boots[int(mm.group(1))].verify[mm.group(2)].append(mm.group(3))
                    continue
                if kind == "BENCH-ERR":
                    mm = re.match(r"smp=(\d+) round=(\d+) sched=(\S+) \| (.*)$", rest)
                    if mm and mm.group(4).strip():
                        b = boots.setdefault(int(mm.group(1)), Boot(int(mm.group(1))))
                        b.errors[(mm.group(3), int(mm.group(2)))].append(mm.group(4).strip())
                    continue
                kv, bare = parse_kv(rest.split())
                if "smp" not in kv:
                    continue
                smp = int(kv["smp"])
                b = boots.setdefault(smp, Boot(smp))
                if kind == "BENCH-DONE":
                    b.done = True
                    continue
                metric, sched = kv.get("metric"), kv.get("sched")
                if "round" in kv:
                    b.rounds.add(int(kv["round"]))
                if metric == "boot":
                    b.kernel = kv.get("kernel", "?")
                elif metric in ("attached", "still_attached"):
                    if kv.get("ok") != "1":
                        b.problems.append((sched, int(kv.get("round", 0)),
                                           f"{LABEL.get(sched, sched)} round {kv.get('round')}: "
                                           f"{metric} check failed ({rest})"))
                elif metric == "loader_failed":
                    b.problems.append((sched, int(kv.get("round", 0)),
                                       f"{LABEL.get(sched, sched)} round {kv.get('round')}: "
                                       f"loader exited with status {kv.get('rc')}"))
                elif metric == "fair":
                    b.fair[sched][kv["nice"]].append(float(kv["err"]))
                    b.shares[sched][kv["nice"]].append(kv.get("shares", ""))
                elif metric == "spread":
                    shares = [num(x) for x in kv.get("shares", "").split(",")]
                    if shares and None not in shares:
                        b.spread[sched][kv["nice"]].append((shares, num(kv.get("migrations_per_s"))))
                elif metric == "fidelity":
                    shares = [num(x) for x in kv.get("shares", "").split(",")]
                    if shares and None not in shares:
                        b.fidelity[sched][kv["mix"]].append(shares)
                elif metric == "groups":
                    shares = [num(x) for x in kv.get("shares", "").split(",")]
                    if shares and None not in shares:
                        b.groups[sched][kv["mix"]].append(shares)
                elif metric == "latency":
                    t = (float(kv["p50"]), float(kv["p99"]), float(kv["max"]))
                    b.lat[sched].append(t)
                    b.lat_by_round[sched][int(kv["round"])] = t[1]
                elif metric == "hackbench":
                    try:
                        b.hb[sched].append(float(kv["seconds"]))
                    except ValueError:
                        b.problems.append((sched, int(kv.get("round", 0)),
                                           f"{LABEL.get(sched, sched)} round {kv.get('round')}: hackbench failed"))
                elif metric == "bpf":
                    if "prog" in bare:
                        b.progs[sched].append(kv)
                    elif "map" in bare:
                        b.maps[sched].append(kv)
                elif metric == "req_capacity":
                    b.req_capacity = kv
                elif metric == "req":
                    b.req[sched][kv.get("load", "?")][int(kv.get("round", 0))] = {k: num(v) for k, v in kv.items()}
                elif metric == "redis":
                    b.redis[sched][kv.get("test", "?")][int(kv.get("round", 0))] = {k: num(v) for k, v in kv.items()}
                elif metric == "nginx":
                    b.nginx[sched][int(kv.get("round", 0))] = {k: num(v) for k, v in kv.items()}
                elif metric and metric.startswith("loader_"):
                    b.loader[sched][metric[len("loader_"):]] = int(kv["kib"])
    return boots


def callback_of(name):
    """Maps a (16-byte truncated) BPF program name to its sched_ext callback."""
    for prefix in ("schedc_ops_", "schedc_", "simple_"):
        if name.startswith(prefix):
            name = name[len(prefix):]
            break
    if name in CALLBACKS:
        return name
    for cb in CALLBACKS:
        if cb.startswith(name):
            return cb
    return name


def compile_section(path):
    """time/rss: name -> samples; settle: (seconds waited, busy %) or None."""
    samples = {kind: collections.defaultdict(list) for kind in ("time", "rss")}
    settle = None
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) != 3:
                continue
            if parts[0] == "settle":
                settle = (int(parts[1]), int(parts[2]))
            elif parts[0] in samples:
                samples[parts[0]][parts[1]].append(float(parts[2]))
    return samples["time"], samples["rss"], settle


def spread_shares(mix, runs):
    """Median share per task over the runs, tasks of equal nice sorted by share
    (which of them got more is chance, not policy)."""
    nices = mix.split("/")
    if not runs or any(len(s) != len(nices) for s, _ in runs):
        return None
    per_run = []
    for shares, _ in runs:
        groups = collections.defaultdict(list)
        for n, x in zip(nices, shares):
            groups[n].append(x)
        for g in groups.values():
            g.sort()
        per_run.append([groups[n].pop(0) for n in nices])
    return [med([r[i] for r in per_run]) for i in range(len(nices))]


def spread_section(w, boots, smps, mixes, targets):
    w("### Load balancing: unpinned CPU hogs (share error against the kernel, same boot)")
    w("")
    w("One unpinned CPU-bound task per nice value of the mix, more tasks than CPUs. Each cell: the largest "
      "|share − the kernel's share| over the tasks (shares of the CPU time they got together; medians over "
      "the rounds, tasks of equal nice compared in share order), then migrations per second "
      "(`se.nr_migrations`). The kernel row gives its shares.")
    w("")
    hdr = [f"{s} vCPU nice {m}" for s in smps for m in mixes]
    w("| scheduler | " + " | ".join(hdr) + " |")
    w("| --- |" + " ---: |" * len(hdr))
    for sc in SCHEDS:
        cells = []
        for s in smps:
            for m in mixes:
                runs, kruns = boots[s].spread[sc][m], boots[s].spread["kernel"][m]
                mine, kern = spread_shares(m, runs), spread_shares(m, kruns)
                mig = med([x for _, x in runs if x is not None])
                if mine is None:
                    cells.append("n/a")
                elif sc == "kernel":
                    cells.append(" / ".join(f"{x:.3f}" for x in mine) + f" ({fmt(mig, 1)}/s)")
                elif kern is None:
                    cells.append("no kernel data")
                else:
                    err = round(max(abs(a - b) for a, b in zip(mine, kern)), 4)
                    cells.append(f"{err:.3f} ({fmt(mig, 1)}/s)")
        w(f"| {LABEL[sc]} | " + " | ".join(cells) + " |")
    w("")
    for s in smps:
        for m in mixes:
            runs, kruns = boots[s].spread["schedc-eevdf"][m], boots[s].spread["kernel"][m]
            mine, kern = spread_shares(m, runs), spread_shares(m, kruns)
            if mine is None or kern is None:
                targets.append((f"schedc eevdf unpinned shares vs kernel, {s} vCPU, nice {m}",
                                f"<= {TARGETS['spread_vs_kernel']}", "no data", None))
                continue
            err = round(max(abs(a - b) for a, b in zip(mine, kern)), 4)
            targets.append((f"schedc eevdf unpinned shares vs kernel, {s} vCPU, nice {m} (max |diff| of medians)",
                            f"<= {TARGETS['spread_vs_kernel']}", f"{err:.3f}", err <= TARGETS["spread_vs_kernel"]))
            mig = med([x for _, x in runs if x is not None])
            kmig = med([x for _, x in kruns if x is not None])
            if mig is not None and kmig is not None:
                # +1/s: the kernel may not migrate at all where nothing needs moving.
                targets.append((f"schedc eevdf migrations vs kernel, {s} vCPU, nice {m}",
                                f"<= {TARGETS['migrations_vs_kernel']}x kernel + 1/s",
                                f"{mig:.1f}/s vs {kmig:.1f}/s", mig <= TARGETS["migrations_vs_kernel"] * kmig + 1))


def describe_mix(mix):
    """'0:h,0:2/8' -> 'hog + 2/8 ms', 'renice:19:0' -> 'hog reniced 19 → 0'."""
    if mix.startswith("renice:"):
        _, a, b = mix.split(":")
        return f"hog reniced {a} → {b} beside a nice-0 hog (share 0.1–0.5 s after)"
    parts = []
    for spec in mix.split(","):
        n, kind = spec.split(":", 1)
        what = "hog" if kind == "h" else f"{kind} ms run/sleep"
        parts.append(what + (f" (nice {n})" if n != "0" else ""))
    counts = collections.Counter(parts)
    return " + ".join(f"{c}× {p}" if c > 1 else p for p, c in counts.items())


def fidelity_section(w, boots, smps, mixes, targets):
    w("### EEVDF fidelity: schedc eevdf against the kernel's EEVDF (pinned to one CPU, same boot)")
    w("")
    w("Tasks pinned to the last CPU; each task's share of the CPU time they got together (medians over "
      "the rounds), the kernel's and schedc eevdf's, and the largest difference. `run/sleep` tasks "
      "(`dutycycle`) burn RUN ms of CPU, then sleep SLEEP ms.")
    w("")
    w("| vCPUs | mix | kernel shares | schedc eevdf shares | max \\|diff\\| |")
    w("| ---: | --- | --- | --- | ---: |")
    for s in smps:
        for m in mixes:
            k, e = boots[s].fidelity["kernel"][m], boots[s].fidelity["schedc-eevdf"][m]
            if not k or not e or len({len(x) for x in k + e}) != 1:
                w(f"| {s} | {describe_mix(m)} | n/a | n/a | n/a |")
                targets.append((f"schedc eevdf fidelity, {s} vCPU, {describe_mix(m)}",
                                f"<= {TARGETS['fidelity_vs_kernel']}", "no data", None))
                continue
            km = [med([x[i] for x in k]) for i in range(len(k[0]))]
            em = [med([x[i] for x in e]) for i in range(len(e[0]))]
            err = round(max(abs(a - b) for a, b in zip(km, em)), 4)
            w(f"| {s} | {describe_mix(m)} | {' / '.join(f'{x:.3f}' for x in km)} | "
              f"{' / '.join(f'{x:.3f}' for x in em)} | {err:.3f} |")
            targets.append((f"schedc eevdf fidelity, {s} vCPU, {describe_mix(m)} (max |diff|)",
                            f"<= {TARGETS['fidelity_vs_kernel']}", f"{err:.3f}", err <= TARGETS["fidelity_vs_kernel"]))
    w("")


def group_ideal(mix, smp):
    """What cpu.weight promises each group of a mix (in spec order), as parts of
    the CPU time all the hogs get. The groups live in one test cgroup (weight
    100) beside the root cgroup's own tasks ("-"), each a nice-0 task's worth.
    Unpinned, a group cannot use more CPUs than it has hogs: what it cannot
    use goes to its siblings (water-filling), level by level."""
    if mix == "weight":
        return [0.75]
    if mix == "move":
        return [0.375]
    where, specs = mix.split("/", 1)
    groups = [tuple(s.split(":")) for s in specs.split(",")]
    hogs_total = sum(int(h) for _, _, h in groups)
    cpus = 1 if where == "pin" else smp
    # Each hog can use at most one CPU: a part of 1 / min(hogs, cpus) of the whole.
    per_hog = 1.0 / min(hogs_total, cpus)

    def hogs_under(path):
        return sum(int(h) for p, _, h in groups if p == path or p.startswith(path + "/"))

    def divide(members, amount, out):
        # members: (key, weight, cap); water-fill amount by weight under caps.
        left, active = amount, [m for m in members if m[2] > 0]
        while active and left > 1e-12:
            wsum = sum(m[1] for m in active)
            capped = [m for m in active if left * m[1] / wsum >= m[2] - out.get(m[0], 0) - 1e-12]
            if not capped:
                for m in active:
                    out[m[0]] = out.get(m[0], 0) + left * m[1] / wsum
                return
            for m in capped:
                give = m[2] - out.get(m[0], 0)
                out[m[0]] = m[2]
                left -= give
            active = [m for m in active if m not in capped]

    shares = {}

    def parent_of(path):
        return path.rsplit("/", 1)[0] if "/" in path else None

    def descend(parent, amount):
        # cgroup v2 has no tasks in inner cgroups: a group with hogs is a leaf.
        kids = [(p, int(wt)) for p, wt, _ in groups if p != "-" and parent_of(p) == parent]
        if parent is not None and not kids:
            shares[parent] = amount
            return
        got = {}
        divide([(p, wt, hogs_under(p) * per_hog) for p, wt in kids], amount, got)
        for p, _ in kids:
            descend(p, got.get(p, 0))

    # The root: its own tasks (nice 0, as cpu.weight 100) beside the test cgroup.
    root_hogs = sum(int(h) for p, _, h in groups if p == "-")
    top = [("-", 100, root_hogs * per_hog), ("test", 100, (hogs_total - root_hogs) * per_hog)]
    got = {}
    divide(top, 1.0, got)
    shares["-"] = got.get("-", 0)
    descend(None, got.get("test", 0))
    return [shares.get(p, 0.0) for p, _, _ in groups]


def describe_group_mix(mix):
    if mix == "weight":
        return "b's cpu.weight 100 → 300 beside a at 100, a hog each (b's share 0.1–1.1 s after)"
    if mix == "move":
        return "hog moved from a (100, 4 hogs) to b (300, 1 hog) (its share 0.1–1.1 s after)"
    where, specs = mix.split("/", 1)
    parts = []
    for spec in specs.split(","):
        path, weight, hogs = spec.split(":")
        if path == "-":
            parts.append(f"root ×{hogs}")
        elif hogs != "0":
            parts.append(f"{path}:{weight} ×{hogs}")
        else:
            parts.append(f"{path}:{weight}")
    return ("pinned: " if where == "pin" else "unpinned: ") + ", ".join(parts)


def groups_section(w, boots, smps, mixes, targets):
    w("### Group scheduling: cgroup v2 cpu.weight (same boot)")
    w("")
    w("Groups under one test cgroup; `path:weight ×hogs` (a parent without hogs of its own reads 0). "
      "Each group's part of the CPU time all the hogs got (medians over the rounds), against what "
      "cpu.weight promises (unpinned: no group gets more CPUs than it has hogs).")
    w("")
    scheds = ("kernel", "schedc-eevdf", "scx_simple")
    w("| vCPUs | mix | promised | " + " | ".join(LABEL.get(sc, sc) for sc in scheds) +
      " | schedc eevdf max \|error\| |")
    w("| ---: | --- | --- |" + " --- |" * len(scheds) + " ---: |")
    for s in smps:
        for m in mixes:
            ideal = group_ideal(m, s)
            cells, err = [], None
            for sc in scheds:
                runs = [x for x in boots[s].groups[sc][m] if len(x) == len(ideal)]
                if not runs:
                    cells.append("n/a")
                    continue
                mm = [med([x[i] for x in runs]) for i in range(len(ideal))]
                cells.append(" / ".join(f"{x:.3f}" for x in mm))
                if sc == "schedc-eevdf":
                    err = round(max(abs(a - b) for a, b in zip(mm, ideal)), 4)
            w(f"| {s} | {describe_group_mix(m)} | {' / '.join(f'{x:.3f}' for x in ideal)} | "
              + " | ".join(cells) + f" | {'n/a' if err is None else f'{err:.3f}'} |")
            # The promise is for pinned hogs and changes; unpinned is reported.
            if m.startswith("any/"):
                continue
            limit = TARGETS["groups_change"] if m in ("weight", "move") else TARGETS["groups"]
            targets.append((f"schedc eevdf groups, {s} vCPU, {describe_group_mix(m)}", f"<= {limit}",
                            "no data" if err is None else f"{err:.3f}",
                            None if err is None else err <= limit))
    w("")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--compile", required=True)
    ap.add_argument("--meta", required=True)
    ap.add_argument("logs", nargs="*")
    a = ap.parse_args()

    meta = {}
    with open(a.meta) as f:
        for line in f:
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                meta[k] = v
    boots = parse_logs(a.logs)
    smps = sorted(boots)
    times, rss, settle = compile_section(a.compile)
    data_dir = os.path.join(a.out, "data")
    os.makedirs(data_dir, exist_ok=True)

    out = []
    w = out.append
    targets = []   # (what, target, measured, ok)

    w(f"# schedc benchmark — {meta.get('date', '?')}")
    w("")
    w(f"- schedc: `{meta.get('git', '?')}`; host: {meta.get('host', '?')}")
    w(f"- VM kernel: `{', '.join(sorted({b.kernel for b in boots.values()}))}` under QEMU, "
      f"single-threaded TCG (software emulation), {' and '.join(str(s) for s in smps)} vCPUs, one boot each"
      + (f" (QEMU `-smp {meta['smp']}`, a NUMA node per socket)" if "sockets=" in meta.get("smp", "") else ""))
    w(f"- peers: kernel EEVDF (no sched_ext scheduler), `scx_simple` and `scx_simple -f` "
      f"built from Debian `{meta.get('linux_source', '?')}` (tools/sched_ext)")
    w(f"- rounds per boot: {meta.get('rounds', '?')}, schedulers interleaved in every round "
      f"({', '.join(LABEL[s] for s in SCHEDS)}; the real-server sections also "
      f"{', '.join(LABEL[s] for s in SERVER_SCHEDS if s not in SCHEDS)}); hackbench `{meta.get('hb_args', '?')}` "
      f"x{meta.get('hb_runs', '?')} per round; fairness {meta.get('fair_warm', '?')} s warm-up + "
      f"{meta.get('fair_secs', '?')} s; latency `wakeup_latency {meta.get('lat_period', '?')} "
      f"{meta.get('lat_count', '?')}`")
    w(f"- host load average at start / end: {meta.get('load_start', '?')} / {meta.get('load_end', '?')} "
      f"(2-core machine shared with other builds and VMs: expect noise); whole run {meta.get('duration', '?')} s")
    w("")
    w("Times measured under software emulation are only comparable **inside one boot** "
      "(ratios are against kernel EEVDF in the same boot); absolute values vary by ~1.6x between boots.")
    w("")
    problems = []
    for s in smps:
        for sched, rnd, text in boots[s].problems:
            err = [e for e in boots[s].errors.get((sched, rnd), []) if "error" in e.lower()]
            problems.append((s, text + (f": `{err[0]}`" if err else "")))
        if not boots[s].done:
            problems.append((s, "the boot did not finish all rounds"))
    if problems:
        w("**Problems during the run** (affected numbers are still shown):")
        w("")
        for s, p in problems:
            w(f"- {s} vCPUs: {p}")
        w("")

    # ---- 1. compiler -------------------------------------------------------
    w("## 1. Compiler (host)")
    w("")
    w("Wall time of one compile, interleaved runs on the host; peak RSS from `/usr/bin/time -f %M`. "
      "clang compiles `scx_simple.bpf.c` with the kernel Makefile's BPF flags "
      "(`-O2 -g -mcpu=v3 -target bpf`, including the 135k-line `vmlinux.h`).")
    if settle:
        w(f"The timings started after a `sync` and {settle[0]} s of waiting for idle CPUs "
          f"({settle[1]}% busy in the last second sampled).")
    w("")
    w("| compile | median ms | min–max ms | runs | peak RSS MiB |")
    w("| --- | ---: | ---: | ---: | ---: |")
    names = [("schedc-eevdf", "`schedc stdlib/eevdf.sched`"),
             ("schedc-fifo", "`schedc stdlib/fifo.sched`"),
             ("clang-scx_simple", "`clang-19 -O2 -target bpf scx_simple.bpf.c`"),
             ("schedc-eevdf-loaded", "`schedc stdlib/eevdf.sched`, every CPU busy"),
             ("schedc-fifo-loaded", "`schedc stdlib/fifo.sched`, every CPU busy"),
             ("clang-scx_simple-loaded", "`clang-19 ... scx_simple.bpf.c`, every CPU busy")]
    for key, label in names:
        ts = times.get(key, [])
        r = rss.get(key, [])
        w(f"| {label} | {fmt(med(ts), 1)} | {fmt(min(ts) if ts else None, 1)}–{fmt(max(ts) if ts else None, 1)} "
          f"| {len(ts)} | {fmt(max(r) / 1024 if r else None, 1)} |")
    w("")
    w("schedc compiles on one thread; \"every CPU busy\" runs one spinning process per CPU beside each compile.")
    w("")
    e = med(times.get("schedc-eevdf", []))
    c = med(times.get("clang-scx_simple", []))
    if e is not None:
        targets.append(("schedc eevdf.sched compile time (median, idle CPUs)", f"<= {TARGETS['compile_ms']:.0f} ms",
                        f"{e:.1f} ms", e <= TARGETS["compile_ms"]))
    if e is not None and c:
        # The host's speed varies between runs; clang in the same run does not move against it.
        targets.append(("schedc eevdf.sched compile time vs clang on scx_simple.bpf.c (medians, same run)",
                        f"<= {TARGETS['compile_vs_clang']}x", f"{e / c:.3f}x", e / c <= TARGETS["compile_vs_clang"]))
    with open(os.path.join(data_dir, "compile.dat"), "w") as f:
        f.write("# name median_ms min_ms max_ms peak_rss_kib\n")
        for key, _ in names:
            ts = times.get(key, [])
            if ts:
                f.write(f"{key} {med(ts):.2f} {min(ts):.2f} {max(ts):.2f} {max(rss.get(key, [0])):.0f}\n")

    # ---- 2. code -----------------------------------------------------------
    code_smp = smps[0] if smps else None
    w("## 2. Code size and verifier work")
    w("")
    if code_smp is not None:
        b = boots[code_smp]
        w(f"Per callback, read with `bpf_obj_get_info_by_fd` (bench/lib/bpfinfo) while each scheduler was attached "
          f"({code_smp}-vCPU boot): xlated instructions / jited bytes / verified instructions "
          "(`verified_insns`, the verifier's work). `scx_simple -f` sets `fifo_sched` in `.rodata` before "
          "loading, so the verifier drops its vtime code. Only `struct_ops` programs are counted in the totals.")
        w("")
        w("| callback | " + " | ".join(LABEL[p] for p in CODE_POLICIES) + " |")
        w("| --- |" + " ---: |" * len(CODE_POLICIES))
        per = {}
        extra = collections.defaultdict(list)
        for p in CODE_POLICIES:
            per[p] = {}
            for prog in b.progs.get(p, []):
                if prog.get("type") != PROG_TYPE_STRUCT_OPS:
                    extra[p].append(prog)
                    continue
                per[p][callback_of(prog["name"])] = prog
        totals = {}
        rows = [cb for cb in CALLBACKS if any(cb in per[p] for p in CODE_POLICIES)]
        rows += sorted({cb for p in CODE_POLICIES for cb in per[p]} - set(rows))
        for cb in rows:
            cells = []
            for p in CODE_POLICIES:
                prog = per[p].get(cb)
                if prog is None:
                    cells.append("—")
                else:
                    cells.append(f"{int(prog['xlated']) // 8} / {prog['jited']} / {prog['verified']}")
            w(f"| {cb} | " + " | ".join(cells) + " |")
        for p in CODE_POLICIES:
            progs = per[p].values()
            totals[p] = (sum(int(x["xlated"]) // 8 for x in progs), sum(int(x["jited"]) for x in progs),
                         sum(int(x["verified"]) for x in progs), len(per[p]))
        w("| **total** | " + " | ".join(
            f"**{totals[p][0]} / {totals[p][1]} / {totals[p][2]}**" for p in CODE_POLICIES) + " |")
        w("| programs | " + " | ".join(str(totals[p][3]) for p in CODE_POLICIES) + " |")
        w("")
        notes = []
        for p in CODE_POLICIES:
            for prog in extra[p]:
                name = "scx_lib_init_probe" if prog["name"].startswith("scx_lib_init_pr") else prog["name"]
                kind = "tracing" if prog["type"] == "26" else f"type {prog['type']}"
                notes.append(f"{LABEL[p]} also loads `{name}` ({kind} program, "
                             f"{int(prog['xlated']) // 8} xlated insns, not counted above)")
        for n in sorted(set(notes)):
            w(f"- {n}")
        if notes:
            w("")
        if totals["schedc-fifo"][3] == 0 or totals["scx_simple-f"][3] == 0:
            targets.append(("schedc fifo total xlated insns vs scx_simple -f", "<= scx_simple -f",
                            "no data (not loaded)", None))
        else:
            f_x, s_x = totals["schedc-fifo"][0], totals["scx_simple-f"][0]
            targets.append(("schedc fifo total xlated insns vs scx_simple -f", f"<= {s_x}",
                            f"{f_x} ({f_x / s_x:.2f}x)", f_x <= s_x))
        with open(os.path.join(data_dir, "code.dat"), "w") as f:
            f.write("# policy callback xlated_insns jited_bytes verified_insns\n")
            for p in CODE_POLICIES:
                for cb, prog in per[p].items():
                    f.write(f"{p} {cb} {int(prog['xlated']) // 8} {prog['jited']} {prog['verified']}\n")
        for pol in ("fifo", "eevdf"):
            if b.verify.get(pol):
                w(f"<details><summary><code>schedrun --verify-only {pol}.bpf.o</code> (cross-check)</summary>")
                w("")
                w("```")
                for line in b.verify[pol]:
                    w(line)
                w("```")
                w("</details>")
                w("")

    # ---- 3. scheduling quality --------------------------------------------
    w("## 3. Scheduling quality (VM)")
    w("")
    w("Medians over the runs of one boot, (min–max) in brackets. Fairness: CPU-bound tasks pinned to the "
      "last CPU at the given nice values; the number is the largest |measured CPU share − weight share| "
      "(from `/proc/PID/schedstat`). Throughput: `hackbench` wall time (lower is better). "
      "Latency: how late a periodic 4 ms sleeper wakes when pinned with two CPU hogs (µs).")
    w("")
    w("### Weighted fairness (max share error, lower is better)")
    w("")
    hdr = []
    for s in smps:
        for n in FAIR_SETS:
            hdr.append(f"{s} vCPU nice {n}")
    w("| scheduler | " + " | ".join(hdr) + " |")
    w("| --- |" + " ---: |" * len(hdr))
    for sc in SCHEDS:
        cells = [span(boots[s].fair[sc][n], 4) for s in smps for n in FAIR_SETS]
        w(f"| {LABEL[sc]} | " + " | ".join(cells) + " |")
    w("")
    with open(os.path.join(data_dir, "fairness.dat"), "w") as f:
        f.write("# scheduler " + " ".join(f"{s}cpu_{n}_med {s}cpu_{n}_min {s}cpu_{n}_max"
                                            for s in smps for n in FAIR_SETS) + "\n")
        for sc in SCHEDS:
            vals = []
            for s in smps:
                for n in FAIR_SETS:
                    xs = boots[s].fair[sc][n] or [float("nan")]
                    vals += [med(xs), min(xs), max(xs)]
            f.write(f"\"{LABEL[sc]}\" " + " ".join(f"{v:.5f}" for v in vals) + "\n")
    for s in smps:
        for n in FAIR_SETS:
            xs = boots[s].fair["schedc-eevdf"][n]
            if not xs:
                targets.append((f"schedc eevdf fairness, {s} vCPU, nice {n}", f"<= {TARGETS['fairness']}",
                                "no data", None))
            else:
                worst = max(xs)
                targets.append((f"schedc eevdf fairness, {s} vCPU, nice {n} (median of {len(xs)})",
                                f"<= {TARGETS['fairness']}", f"{med(xs):.4f} (worst run {worst:.4f})",
                                med(xs) <= TARGETS["fairness"]))

    spread_section(w, boots, smps, meta.get("spread_mixes", "").split(), targets)
    fidelity_section(w, boots, smps, meta.get("fid_mixes", "").split(), targets)
    groups_section(w, boots, smps, meta.get("group_mixes", "").split(), targets)

    w("### Throughput: hackbench seconds (lower is better)")
    w("")
    hdr = []
    for s in smps:
        hdr += [f"{s} vCPU s", f"{s} vCPU vs EEVDF"]
    w("| scheduler | " + " | ".join(hdr) + " |")
    w("| --- |" + " ---: |" * len(hdr))
    for sc in SCHEDS:
        cells = []
        for s in smps:
            xs, k = boots[s].hb[sc], med(boots[s].hb["kernel"])
            cells.append(span(xs, 3))
            cells.append(f"{med(xs) / k:.2f}x" if xs and k else "n/a")
        w(f"| {LABEL[sc]} | " + " | ".join(cells) + " |")
    w("")
    with open(os.path.join(data_dir, "hackbench.dat"), "w") as f:
        f.write("# scheduler " + " ".join(f"{s}cpu_med {s}cpu_min {s}cpu_max" for s in smps) + "\n")
        for sc in SCHEDS:
            vals = []
            for s in smps:
                xs = boots[s].hb[sc] or [float("nan")]
                vals += [med(xs), min(xs), max(xs)]
            f.write(f"\"{LABEL[sc]}\" " + " ".join(f"{v:.4f}" for v in vals) + "\n")
    for s in smps:
        e, simple = med(boots[s].hb["schedc-eevdf"]), med(boots[s].hb["scx_simple"])
        if not (e and simple):
            targets.append((f"hackbench schedc eevdf vs scx_simple, {s} vCPU", f"<= {TARGETS['hackbench_vs_simple']}x",
                            "no data", None))
        else:
            targets.append((f"hackbench schedc eevdf vs scx_simple, {s} vCPU (medians)",
                            f"<= {TARGETS['hackbench_vs_simple']}x", f"{e / simple:.2f}x ({e:.3f} s vs {simple:.3f} s)",
                            e / simple <= TARGETS["hackbench_vs_simple"]))

    w("### Wakeup latency of a periodic sleeper among CPU hogs (µs, lower is better)")
    w("")
    hdr = []
    for s in smps:
        hdr += [f"{s} vCPU p50", f"{s} vCPU p99", f"{s} vCPU max", f"{s} vCPU p99 vs EEVDF"]
    w("| scheduler | " + " | ".join(hdr) + " |")
    w("| --- |" + " ---: |" * len(hdr))
    for sc in SCHEDS:
        cells = []
        for s in smps:
            ls = boots[s].lat[sc]
            k = med([t[1] for t in boots[s].lat["kernel"]])
            for i in range(3):
                cells.append(span([t[i] for t in ls]))
            p99 = med([t[1] for t in ls])
            cells.append(f"{p99 / k:.2f}x" if ls and k else "n/a")
        w(f"| {LABEL[sc]} | " + " | ".join(cells) + " |")
    w("")
    for s in smps:
        noisy = []
        for sc in SCHEDS:
            p99s = [t[1] for t in boots[s].lat[sc]]
            if len(p99s) > 1 and min(p99s) > 0 and max(p99s) / min(p99s) > 3:
                noisy.append(f"{LABEL[sc]} ({min(p99s):.0f}–{max(p99s):.0f} µs)")
        if noisy:
            w(f"Noise: with {s} vCPUs the p99 of " + ", ".join(noisy) + " varied more than 3x between rounds; "
              "p99/max comparisons in that boot are limited by host stalls (the p50 is the steadier number).")
            w("")
    for s in smps:
        with open(os.path.join(data_dir, f"latency-{s}cpu.dat"), "w") as f:
            f.write("# scheduler p50_med p50_min p50_max p99_med p99_min p99_max max_med max_min max_max\n")
            for sc in SCHEDS:
                ls = boots[s].lat[sc] or [(float("nan"),) * 3]
                vals = []
                for i in range(3):
                    xs = [t[i] for t in ls]
                    vals += [med(xs), min(xs), max(xs)]
                f.write(f"\"{LABEL[sc]}\" " + " ".join(f"{v:.1f}" for v in vals) + "\n")
        e = [t[1] for t in boots[s].lat["schedc-eevdf"]]
        k = [t[1] for t in boots[s].lat["kernel"]]
        if not (e and k):
            targets.append((f"wakeup p99 schedc eevdf vs kernel EEVDF, {s} vCPU", "<= kernel", "no data", None))
        else:
            rounds = sorted(set(boots[s].lat_by_round["schedc-eevdf"]) & set(boots[s].lat_by_round["kernel"]))
            wins = sum(1 for r in rounds
                       if boots[s].lat_by_round["schedc-eevdf"][r] <= boots[s].lat_by_round["kernel"][r])
            targets.append((f"wakeup p99 schedc eevdf vs kernel EEVDF, {s} vCPU (medians)", "<= kernel",
                            f"{med(e):.0f} µs vs {med(k):.0f} µs ({med(e) / med(k):.2f}x; "
                            f"met in {wins}/{len(rounds)} rounds)", med(e) <= med(k)))

    # ---- 4. memory ---------------------------------------------------------
    w("## 4. Memory")
    w("")
    w("BPF map memory is the kernel's own accounting (`memlock` in the map's fdinfo, what bpftool shows), "
      "summed over the maps each scheduler created; per-CPU maps grow with the CPU count. "
      "Loader RSS is the peak (VmHWM) of `schedrun` / `scx_simple` in the VM.")
    w("")
    hdr = []
    for s in smps:
        hdr += [f"{s} vCPU maps", f"{s} vCPU map KiB", f"{s} vCPU loader peak RSS KiB"]
    w("| policy | " + " | ".join(hdr) + " |")
    w("| --- |" + " ---: |" * len(hdr))
    for sc in SCHEDS[1:]:
        cells = []
        for s in smps:
            ms = boots[s].maps.get(sc, [])
            cells.append(str(len(ms)) if ms else "n/a")
            cells.append(f"{sum(int(m['memlock']) for m in ms) / 1024:.1f}" if ms else "n/a")
            cells.append(str(boots[s].loader[sc].get("VmHWM", "n/a")))
        w(f"| {LABEL[sc]} | " + " | ".join(cells) + " |")
    w("")
    if smps:
        s = smps[0]
        w(f"<details><summary>maps per policy ({s} vCPU)</summary>")
        w("")
        w("| policy | map | type | key | value | max_entries | memlock B |")
        w("| --- | --- | --- | ---: | ---: | ---: | ---: |")
        for sc in SCHEDS[1:]:
            for m in boots[s].maps.get(sc, []):
                w(f"| {LABEL[sc]} | `{m['name']}` | {MAP_TYPES.get(m['type'], m['type'])} | {m['key']} | "
                  f"{m['value']} | {m['max_entries']} | {m['memlock']} |")
        w("")
        w("</details>")
        w("")
    r = rss.get("schedc-eevdf", [])
    if r:
        w(f"Peak RSS of `schedc stdlib/eevdf.sched` on the host: {max(r) / 1024:.1f} MiB "
          f"(clang-19 on scx_simple.bpf.c: {max(rss.get('clang-scx_simple', [0])) / 1024:.1f} MiB).")
        w("")

    # ---- 5. real servers ----------------------------------------------------
    orderings = []   # (comparison text, wins, rounds) for the "held in every round" paragraph

    def vals(by_round, key):
        return [v[key] for v in by_round.values() if v.get(key) is not None]

    def ordering(what, b, get, sc, lower_better=True):
        """Compares SC with kernel EEVDF round by round on one number."""
        rounds = sorted(r for r in b.rounds if get(sc, r) is not None and get("kernel", r) is not None)
        if not rounds:
            return
        if lower_better:
            wins = sum(1 for r in rounds if get(sc, r) < get("kernel", r))
        else:
            wins = sum(1 for r in rounds if get(sc, r) > get("kernel", r))
        orderings.append((b.smp, what, sc, wins, len(rounds), lower_better))

    w("## 5. Real servers beside CPU hogs (VM)")
    w("")
    w("A latency-critical server shares the CPUs with batch work: one always-running CPU hog per vCPU. "
      "The server runs at nice -10 under every scheduler (how an operator marks such a service; "
      "`latency_boost` boosts tasks at nice <= -10, FIFO policies ignore nice). "
      "`redis-server` under `redis-benchmark -c 32 -t set,get` (latencies from its own percentile output), "
      "`nginx` (2 worker processes, a 600-byte static file) under `wrk --latency -c 32 -t 2` "
      f"({meta.get('wrk_secs', '?')} s; redis: -n {meta.get('redis_n', '?')}). "
      "All traffic on 127.0.0.1 inside the VM. Latencies in ms, medians over the rounds (min–max); "
      "'n/a' = not measured or not parsed.")
    w("")
    for s in smps:
        b = boots[s]
        w(f"### {s} vCPU: redis and nginx")
        w("")
        w("| scheduler | redis GET req/s | GET p50 | GET p99 | GET p99.9 | redis SET req/s | SET p50 | SET p99 | "
          "SET p99.9 | nginx req/s | nginx p50 | nginx p99 |")
        w("| --- |" + " ---: |" * 11)
        for sc in SERVER_SCHEDS:
            cells = []
            for t in REDIS_TESTS:
                rr = b.redis[sc][t]
                cells += [span(vals(rr, "rps")), span(vals(rr, "p50_ms"), 3), span(vals(rr, "p99_ms"), 2),
                          span(vals(rr, "p999_ms"), 2)]
            ng = b.nginx[sc]
            cells += [span(vals(ng, "rps")), span(vals(ng, "p50_ms"), 3), span(vals(ng, "p99_ms"), 2)]
            w(f"| {LABEL[sc]} | " + " | ".join(cells) + " |")
        w("")
        with open(os.path.join(data_dir, f"servers-{s}cpu.dat"), "w") as f:
            f.write("# scheduler get_p99_med/min/max set_p99_med/min/max nginx_p99_med/min/max (ms)\n")
            for sc in SERVER_SCHEDS:
                row = []
                for xs in (vals(b.redis[sc]["GET"], "p99_ms"), vals(b.redis[sc]["SET"], "p99_ms"),
                           vals(b.nginx[sc], "p99_ms")):
                    xs = xs or [float("nan")]
                    row += [med(xs), min(xs), max(xs)]
                f.write(f"\"{LABEL[sc]}\" " + " ".join(f"{v:.4f}" for v in row) + "\n")
        for sc in SERVER_SCHEDS[1:]:
            for t in REDIS_TESTS:
                ordering(f"redis {t} p99", b, lambda x, r, t=t: b.redis[x][t].get(r, {}).get("p99_ms"), sc)
                ordering(f"redis {t} req/s", b, lambda x, r, t=t: b.redis[x][t].get(r, {}).get("rps"), sc, False)
            ordering("nginx p99", b, lambda x, r: b.nginx[x].get(r, {}).get("p99_ms"), sc)
            ordering("nginx req/s", b, lambda x, r: b.nginx[x].get(r, {}).get("rps"), sc, False)

    # ---- 6. request-level scheduling ----------------------------------------
    w("## 6. Request-level scheduling: reqbench (VM)")
    w("")
    w(f"A thread-pool UDP server (`bench/tools/reqbench`, {boots[smps[0]].req_capacity.get('workers', '?') if smps and boots[smps[0]].req_capacity else '?'} "
      "worker threads, nice -10) whose requests are 99.5% short (5 µs of calibrated CPU work) and 0.5% long "
      f"(500 µs), fed by an open-loop Poisson generator on the same VM (nice {meta.get('req_client_nice', '0')}) "
      "at ~50% and ~80% of the capacity "
      "measured once per boot under kernel EEVDF (closed loop, no hogs); no CPU hogs. "
      "Slowdown = a request's latency (send to reply, generator's clock) / its service time (5 or 500 µs). "
      f"{meta.get('req_secs', '?')} s of load per level. Under emulation a loopback round trip costs far more than "
      "5 µs, so short requests' slowdowns are large even without queueing; compare schedulers, not absolutes. "
      "With a few hundred requests per second, the long requests number a handful per run: their p99 is "
      "close to their maximum, and a short p99.9 rests on few samples.")
    w("")
    for s in smps:
        b = boots[s]
        cap = b.req_capacity or {}
        w(f"### {s} vCPU (capacity {cap.get('rate', 'n/a')} req/s; rates "
          + ", ".join(f"{l}%: {fmt(med(vals(b.req['kernel'][l], 'target_rate')))}" for l in REQ_LOADS) + " req/s)")
        w("")
        w("| scheduler | load | achieved req/s | lost | short p50 slowdown | short p99 slowdown | "
          "short p99.9 slowdown | long requests | long p99 slowdown | generator send lag p99 µs |")
        w("| --- | ---: |" + " ---: |" * 8)
        for l in REQ_LOADS:
            for sc in SERVER_SCHEDS:
                rq = b.req[sc][l]
                w(f"| {LABEL[sc]} | {l}% | {span(vals(rq, 'rate'))} | {span(vals(rq, 'lost'))} | "
                  f"{span(vals(rq, 'short_p50_slow'), 1)} | {span(vals(rq, 'short_p99_slow'), 1)} | "
                  f"{span(vals(rq, 'short_p999_slow'), 1)} | {span(vals(rq, 'long_n'))} | "
                  f"{span(vals(rq, 'long_p99_slow'), 1)} | "
                  f"{span(vals(rq, 'send_lag_p99_us'))} |")
        w("")
        with open(os.path.join(data_dir, f"req-{s}cpu.dat"), "w") as f:
            f.write("# scheduler " + " ".join(f"{l}_p99_med/min/max {l}_p999_med/min/max" for l in REQ_LOADS) + "\n")
            for sc in SERVER_SCHEDS:
                row = []
                for l in REQ_LOADS:
                    for k in ("short_p99_slow", "short_p999_slow"):
                        xs = vals(b.req[sc][l], k) or [float("nan")]
                        row += [med(xs), min(xs), max(xs)]
                f.write(f"\"{LABEL[sc]}\" " + " ".join(f"{v:.3f}" for v in row) + "\n")
        for sc in SERVER_SCHEDS[1:]:
            for l in REQ_LOADS:
                for k, name in (("short_p99_slow", "p99"), ("short_p999_slow", "p99.9")):
                    ordering(f"reqbench {l}% short {name} slowdown", b,
                             lambda x, r, l=l, k=k: b.req[x][l].get(r, {}).get(k), sc)

    w("### Which differences held in every round")
    w("")
    w("Each scheduler against kernel EEVDF in the same round (same boot, interleaved). "
      "\"held in every round\" means the scheduler was on the same side of kernel EEVDF in all rounds; "
      "with one round (a --quick run) that says nothing.")
    w("")
    if not orderings:
        w("No comparison could be made (no round measured both schedulers).")
    else:
        # One row per measurement, one column per scheduler: "better k/n" when
        # it beat kernel EEVDF in all n rounds, "worse 0/n" when it lost all,
        # "mixed k/n" when the order changed between rounds.
        scheds = [sc for sc in SERVER_SCHEDS[1:] if any(o[2] == sc for o in orderings)]
        rows = []
        for o in orderings:
            if (o[0], o[1]) not in rows:
                rows.append((o[0], o[1]))
        cell = {(o[0], o[1], o[2]): o for o in orderings}
        w("| vCPU | measurement | " + " | ".join(LABEL[sc] for sc in scheds) + " |")
        w("| ---: | --- |" + " --- |" * len(scheds))
        held = notheld = 0
        for smp, what in rows:
            cells = []
            lower = True
            for sc in scheds:
                o = cell.get((smp, what, sc))
                if o is None:
                    cells.append("n/a")
                    continue
                _, _, _, wins, n, lower = o
                if wins == n:
                    cells.append(f"better {wins}/{n}")
                    held += 1
                elif wins == 0:
                    cells.append(f"worse {wins}/{n}")
                    held += 1
                else:
                    cells.append(f"**mixed** {wins}/{n}")
                    notheld += 1
            w(f"| {smp} | {what} ({'lower' if lower else 'higher'} is better) | " + " | ".join(cells) + " |")
        w("")
        most = max(o[4] for o in orderings)
        if most < 2:
            w("Only one round with data: every comparison above is a single observation, "
              "so nothing can be said about which differences hold.")
        else:
            w(f"{held} of {held + notheld} comparisons kept the same order against kernel EEVDF in every round "
              f"(better or worse throughout); {notheld} changed order between rounds (**mixed**). "
              "A comparison over fewer rounds than the run had is one where a round's number was missing.")
    w("")

    # ---- targets -----------------------------------------------------------
    w("## Targets")
    w("")
    w("| target | wanted | measured | result |")
    w("| --- | --- | --- | --- |")
    for what, want, got, ok in targets:
        w(f"| {what} | {want} | {got} | {verdict(ok)} |")
    w("")
    missed = [t for t in targets if t[3] is False]
    unmeasured = [t for t in targets if t[3] is None]
    if missed:
        w(f"schedc misses {len(missed)} of {len(targets)} targets in this run: "
          + "; ".join(t[0] for t in missed) + ".")
    if unmeasured:
        w(f"{len(unmeasured)} targets could not be measured in this run: "
          + "; ".join(t[0] for t in unmeasured) + ".")
    if not missed and not unmeasured:
        w("schedc meets every target in this run.")
    w("")
    # Every chart is of measurements in the VM: a compiler-only run has none.
    charts = [] if not smps else [("fairness.png", "Weighted fairness error"),
                                  ("hackbench.png", "hackbench time")]
    charts += [(f"latency-{s}cpu.png", f"Wakeup latency, {s} vCPU") for s in smps]
    charts += [(f"servers-{s}cpu.png", f"redis and nginx p99 beside CPU hogs, {s} vCPU") for s in smps]
    charts += [(f"req-{s}cpu.png", f"reqbench short-request slowdown, {s} vCPU") for s in smps]
    if smps:
        plot(a.out, data_dir, smps)
    # A section the run left out (--only) has no points to draw: no chart.
    charts = [(png, title) for png, title in charts
              if os.path.exists(os.path.join(a.out, png)) and os.path.getsize(os.path.join(a.out, png)) > 0]
    if charts:
        w("## Charts")
        w("")
    for png, title in charts:
        w(f"![{title}]({png})")
        w("")

    report = "\n".join(out) + "\n"
    with open(os.path.join(a.out, "report.md"), "w") as f:
        f.write(report)
    sys.stdout.write(report)


def plot(out, data_dir, smps):
    colors = ["#4472c4", "#ed7d31", "#70ad47", "#a5a5a5", "#7030a0", "#ffc000"]
    common = f"""set terminal pngcairo size 1000,520 font "sans,10" noenhanced
set style data histogram
set style histogram errorbars gap 2 lw 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set key top left
set grid ytics
set xtics nomirror
set linetype 1 lc rgb "{colors[0]}"
set linetype 2 lc rgb "{colors[1]}"
set linetype 3 lc rgb "{colors[2]}"
set linetype 4 lc rgb "{colors[3]}"
set linetype 5 lc rgb "{colors[4]}"
set linetype 6 lc rgb "{colors[5]}"
"""
    scripts = []
    # fairness: columns per (smp, set): med min max
    cols, titles = [], []
    i = 2
    for s in smps:
        for n in FAIR_SETS:
            cols.append(i)
            titles.append(f"{s} vCPU, nice {n}")
            i += 3
    plots = ", ".join(f"'{data_dir}/fairness.dat' using {c}:{c + 1}:{c + 2}{':xtic(1)' if k == 0 else ''} "
                      f"title '{t}'" for k, (c, t) in enumerate(zip(cols, titles)))
    scripts.append(common + f"""set output '{out}/fairness.png'
set title 'Weighted fairness: max |CPU share - weight share| (median, min-max; log scale, lower is better)'
set logscale y
set yrange [0.0001:1]
set ylabel 'max share error'
set arrow from graph 0, first 0.01 to graph 1, first 0.01 nohead dt 2 lc rgb 'red'
set label 'target 0.01' at graph 0.01, first 0.012 tc rgb 'red'
plot {plots}
""")
    cols = [2 + 3 * k for k in range(len(smps))]
    plots = ", ".join(f"'{data_dir}/hackbench.dat' using {c}:{c + 1}:{c + 2}{':xtic(1)' if k == 0 else ''} "
                      f"title '{s} vCPU'" for k, (c, s) in enumerate(zip(cols, smps)))
    scripts.append(common + f"""set output '{out}/hackbench.png'
set title 'hackbench wall time (median, min-max; lower is better; compare within one vCPU count only)'
set yrange [0:*]
set ylabel 'seconds'
plot {plots}
""")
    for s in smps:
        f = f"{data_dir}/latency-{s}cpu.dat"
        scripts.append(common + f"""set output '{out}/latency-{s}cpu.png'
set title 'Wakeup latency of a 4 ms periodic sleeper among 2 CPU hogs, {s} vCPU (median over runs, min-max; log scale)'
set logscale y
set yrange [10:*]
set ylabel 'microseconds late'
plot '{f}' using 2:3:4:xtic(1) title 'p50', '' using 5:6:7 title 'p99', '' using 8:9:10 title 'max'
""")
    for s in smps:
        f = f"{data_dir}/servers-{s}cpu.dat"
        scripts.append(common + f"""set output '{out}/servers-{s}cpu.png'
set title 'p99 latency beside one CPU hog per vCPU, {s} vCPU (median over rounds, min-max; log scale, lower is better)'
set logscale y
set ylabel 'milliseconds'
set xtics rotate by -20
plot '{f}' using 2:3:4:xtic(1) title 'redis GET p99', '' using 5:6:7 title 'redis SET p99', '' using 8:9:10 title 'nginx p99'
""")
        f = f"{data_dir}/req-{s}cpu.dat"
        scripts.append(common + f"""set output '{out}/req-{s}cpu.png'
set title 'reqbench: slowdown of short (5 us) requests, {s} vCPU (median over rounds, min-max; log scale, lower is better)'
set logscale y
set ylabel 'latency / service time'
set xtics rotate by -20
plot '{f}' using 2:3:4:xtic(1) title '50% load p99', '' using 5:6:7 title '50% load p99.9', '' using 8:9:10 title '80% load p99', '' using 11:12:13 title '80% load p99.9'
""")
    for sc in scripts:
        try:
            subprocess.run(["gnuplot"], input=sc, text=True, check=True, capture_output=True)
        except FileNotFoundError:
            sys.stderr.write("report.py: gnuplot not found (apt-get install gnuplot-nox); no charts\n")
            return
        except subprocess.CalledProcessError as e:
            # gnuplot leaves an empty file where it had nothing to draw.
            png = re.search(r"set output '([^']*)'", sc).group(1)
            if os.path.exists(png) and os.path.getsize(png) == 0:
                os.remove(png)
            else:
                sys.stderr.write(f"report.py: gnuplot failed: {e.stderr}\n")


if __name__ == "__main__":
    main()
