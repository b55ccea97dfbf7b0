#!/usr/bin/env python3
"""bench/schedsim's per-policy tables, from the profile-POLICY-CPUS.{json,txt}
files it writes: the host time of a scheduling decision as the CPUs grow, and
the quality numbers of the same runs.

    sim_costs.py DATA_DIR SIMULATED_SECONDS
"""
import json
import os
import re
import sys

CPUS = (16, 64, 256)
DECIDING = ("select_cpu", "enqueue", "dispatch")


def read_profile(path):
    """{callback: (calls, ns per call)} from schedsim --profile's stderr."""
    costs = {}
    with open(path) as f:
        for line in f:
            m = re.match(r"schedsim: (\w+)\s+(\d+)\s+([\d.]+)$", line)
            if m:
                costs[m.group(1)] = (int(m.group(2)), float(m.group(3)))
    return costs


def decision_ns(costs):
    calls = sum(costs.get(c, (0, 0))[0] for c in DECIDING)
    ns = sum(costs.get(c, (0, 0))[0] * costs.get(c, (0, 0))[1] for c in DECIDING)
    return ns / calls if calls else None


def main():
    data, secs = sys.argv[1], float(sys.argv[2])
    policies = sorted({m.group(1) for name in os.listdir(data)
                       for m in [re.match(r"profile-(.+)-\d+\.json$", name)] if m})
    runs = {}
    for p in policies:
        for n in CPUS:
            base = os.path.join(data, f"profile-{p}-{n}")
            try:
                with open(base + ".json") as f:
                    report = json.load(f)
                runs[p, n] = (report, read_profile(base + ".txt"))
            except (OSError, ValueError):
                runs[p, n] = None

    def cell(value, fmt):
        return "n/a" if value is None else fmt.format(value)

    print("## Every policy at 16, 64 and 256 CPUs\n")
    print(f"N CPUs, N/2 CPU hogs and 2N tasks that run exp(1 ms) and sleep exp(3 ms) "
          f"(about the machine's capacity), 2 NUMA nodes with an LLC per 8 CPUs, "
          f"{secs:g} simulated s, `--profile`. A decision is a call of `select_cpu`, "
          f"`enqueue` or `dispatch`; its cost is the host time of the policy's lowered "
          f"code and the simulator's kfuncs it calls (the timer's own cost, some tens "
          f"of ns, included). Host times are of one run on a shared host: read the "
          f"growth, not the third digit.\n")
    print("| policy | ns/decision, 16 CPUs | 64 | 256 | 256 vs 16 | costliest callback at 256 CPUs |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for p in policies:
        ns = [decision_ns(runs[p, n][1]) if runs[p, n] else None for n in CPUS]
        growth = ns[2] / ns[0] if ns[0] and ns[2] else None
        worst = "n/a"
        if runs[p, 256]:
            costs = runs[p, 256][1]
            name = max(costs, key=lambda c: costs[c][1], default=None)
            if name:
                worst = f"{name} {costs[name][1]:.0f} ns ({costs[name][0]} calls)"
        print(f"| {p} | {cell(ns[0], '{:.0f}')} | {cell(ns[1], '{:.0f}')} | "
              f"{cell(ns[2], '{:.0f}')} | {cell(growth, '{:.1f}x')} | {worst} |")

    print("\nThe same runs' schedules: the sleepers' wait from wakeup to running (p99, ms), "
          "their CPU share against the ideal at 256 CPUs, the CPU time that idled while "
          "a task that could run there waited (% of all CPU time) and migrations per task "
          "and second at 256 CPUs.\n")
    print("| policy | wait p99 ms, 16 / 64 / 256 CPUs | share / ideal, 256 | "
          "idle while work waited %, 16 / 64 / 256 | migrations /task/s, 256 |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for p in policies:
        waits, idles = [], []
        share = migr = None
        for n in CPUS:
            if not runs[p, n]:
                waits.append("n/a")
                idles.append("n/a")
                continue
            report = runs[p, n][0]
            io = next(g for g in report["groups"] if g["name"] == "io")
            waits.append(f"{io['wait_ns']['p99'] / 1e6:.2f}")
            total_ms = n * report["simulated_s"] * 1000
            idles.append(f"{100 * report['idle_while_waiting_ms'] / total_ms:.1f}")
            if n == 256:
                share = f"{io['cpu_share']:.3f} / {io['ideal_share']:.3f}" \
                    if io["ideal_share"] is not None else f"{io['cpu_share']:.3f}"
                tasks = sum(g["tasks"] for g in report["groups"])
                moves = sum(g["migrations"] for g in report["groups"])
                migr = moves / tasks / report["simulated_s"]
        print(f"| {p} | {' / '.join(waits)} | {share or 'n/a'} | {' / '.join(idles)} | "
              f"{cell(migr, '{:.1f}')} |")


if __name__ == "__main__":
    main()
