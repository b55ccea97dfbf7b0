#!/usr/bin/env python3
"""Random valid schedc policies, for proving codegen against the kernel verifier.

    gen_policy.py --seed S [--count N --out DIR]   # N files DIR/gen_S_I.sched
    gen_policy.py --seed S                         # one policy on stdout

Programs follow grammar/Schedc.g4 and docs/language.md: every expression is
built for a wanted type from the names visible where it appears, divisors are
provably non-zero, slices come from ranged params. The same seed gives the
same programs. Each file starts with a `// set:` line listing `--set` options
(params at their min and max) for the attach tests.
"""
import argparse
import os
import random
import re
import sys

U64, S64, DUR, SDUR, BOOL = "u64", "s64", "duration", "sduration", "bool"
NUMERIC = [U64, S64, DUR, SDUR]
COUNT_FOR = {DUR: U64, SDUR: S64}
EVENTS = ["enable", "runnable", "enqueue", "running", "stopping", "quiescent", "exit", "tick", "reweight"]
ATTRS = {"pid": U64, "tgid": U64, "weight": U64, "nice_weight": U64, "group_weight": U64,
         "cgroup_weight": U64, "cpu": U64, "nr_cpus_allowed": U64, "nice": S64, "is_kthread": BOOL}
UNITS = ["ns", "us", "ms"]
# An expression with a name or a conversion in it has a type of its own.
TYPED = re.compile(r"\b(?:[ptcgl]\d+|a\d+_\d+|pid|tgid|weight|\w+_weight|cpu|nice|now|runtime|this_cpu|"
                   r"nr_cpus|nr_cpus_allowed|current|wakeup|u64|s64|duration|sduration|q\d+)\b")


def is_constant(text):
    """Whether an expression's text is built from literals alone (no names)."""
    text = re.sub(r"\b(u64|s64|duration|sduration|min|max|clamp|abs|log2)\(", "(", text)
    text = re.sub(r"\b\d+(ns|us|ms|s)\b", "0", text)
    return re.search(r"[A-Za-z_]", text) is None


class Scope:
    """Names an expression may use where it is generated."""

    def __init__(self, policy, task=True, wakeup=False, runtime=False, current=False,
                 own_aggs=None, qualified_aggs=True, balance=False):
        self.policy = policy
        self.task = task
        self.wakeup = wakeup
        self.runtime = runtime
        self.current = current
        self.own_aggs = own_aggs or []          # [(name, type)] of the queue being scanned
        self.qualified_aggs = qualified_aggs
        self.balance = balance                  # `busiest`
        self.locals = []                        # [(name, type, assignable)]

    def names(self, t):
        p = self.policy
        out = [n for n, pt in p.params if pt == t]
        out += [n for n, ft in p.percpu + p.globals if ft == t]
        if self.task:
            out += [n for n, ft in p.task + p.hints if ft == t]
            out += [a for a, at in ATTRS.items() if at == t]
        if self.current:
            out += ["current." + n for n, ft in p.task if ft == t]
            out += ["current." + a for a, at in ATTRS.items() if at == t and a != "is_kthread"]
        if t == U64:
            out += ["this_cpu", "nr_cpus"]
            if self.balance:
                out.append("busiest")
        if t == DUR:
            out.append("now")
            if self.runtime:
                out.append("runtime")
        if t == BOOL and self.wakeup:
            out.append("wakeup")
        if t == BOOL and self.task:
            out.append("is_kthread")
        out += [n for n, at in self.own_aggs if at == t]
        out += [n for n, lt, _ in self.locals if lt == t]
        return out


class Gen:
    def __init__(self, rng, name):
        self.r = rng
        self.name = name
        self.params, self.task, self.percpu, self.globals = [], [], [], []
        self.hints = []
        self.param_info = {}   # name -> (type, default, min, max, infinite)
        self.counters, self.queues = [], []  # queues: dict(name, kind, shards, aggs)
        self.local_id = 0
        # Topology features draw from a generator of their own, so adding
        # them left the rest of every policy as it was for a given seed.
        self.rt = random.Random("topology:" + name)
        # So do the per-CPU timers, `move` and `dispatch ... when`.
        self.rv = random.Random("timers:" + name)
        self.mover = None  # a global queue a timer must move to CPUs

    # ------------------------------------------------------------ literals

    def lit(self, t, small=False):
        r = self.r
        hi = 8 if small else r.choice([10, 100, 1000, 100000])
        if t == U64:
            return str(r.randint(0, hi))
        if t == S64:
            # A lone literal defaults to u64; s64(...) keeps a negative one signed.
            v = r.randint(-hi, hi)
            return str(v) if v >= 0 else "s64(-%d)" % -v
        if t == DUR:
            return "%d%s" % (r.randint(0, hi), r.choice(UNITS))
        if t == SDUR:
            v = "%d%s" % (r.randint(0, hi), r.choice(UNITS))
            return r.choice(["sduration(%s)" % v, "-sduration(%s)" % v])
        return r.choice(["true", "false"])

    def positive_lit(self, t):
        v = self.r.randint(1, 64)
        return "%d%s" % (v, self.r.choice(UNITS)) if t in (DUR, SDUR) else str(v)

    # ------------------------------------------------------------ expressions

    def leaf(self, t, sc):
        names = sc.names(t)
        if names and self.r.random() < 0.7:
            name = self.r.choice(names)
            if t == U64 and self.rt.random() < 0.1:
                return self.rt.choice(["llc_of(%s)", "node_of(%s)", "core_of(%s)"]) % name
            if t == U64 and self.rt.random() < 0.05:
                return self.rt.choice(["nr_llcs", "nr_nodes"])
            return name
        return self.lit(t)

    def expr(self, t, sc, depth):
        r = self.r
        if depth <= 0 or r.random() < 0.3:
            return self.leaf(t, sc)
        d = depth - 1
        e = lambda ty: self.expr(ty, sc, d)
        if t == BOOL:
            c = r.randrange(7)
            if c == 0:
                ty = r.choice(NUMERIC)
                return "(%s %s %s)" % (e(ty), r.choice(["==", "!=", "<", "<=", ">", ">="]), e(ty))
            if c == 1:
                return "(%s %s %s)" % (e(BOOL), r.choice(["&&", "||"]), e(BOOL))
            if c == 2:
                return "!%s" % self.wrap(e(BOOL))
            if c == 3 and sc.task:
                return 'comm("%s")' % r.choice(["k", "lat", "sh", "kworker", "schedrun"])
            if c == 4:
                return "(%s == %s)" % (e(BOOL), e(BOOL))
            if c == 5 and sc.task:
                # A literal CPU past 1023 is an error; a computed one is not.
                cpu = r.choice(["this_cpu", "cpu", "(nr_cpus - 1)", "(0 + %s)" % e(U64)])
                return "allowed(%s)" % cpu
            return self.leaf(BOOL, sc)
        c = r.randrange(13)
        if c == 0:
            a, b = e(t), e(t)
            if r.random() < 0.5:
                return "(%s + %s)" % (a, b)
            if t in (U64, DUR):  # constants that go below zero are errors
                return "(%s - min(%s, %s))" % (a, a, b)
            return "(%s - %s)" % (a, b)
        if c == 1:
            if t in COUNT_FOR:
                a, b = e(t), e(COUNT_FOR[t])
                return "(%s * %s)" % ((a, b) if r.random() < 0.5 else (b, a))
            return "(%s * %s)" % (e(t), e(t))
        if c == 2:
            div = self.divisor(COUNT_FOR.get(t, t), sc, d)
            return "(%s %s %s)" % (e(t), "/" if t in COUNT_FOR or r.random() < 0.5 else "%", div)
        if c == 3 and t in (U64, S64):
            # time / time is a count of the matching signedness
            tt = DUR if t == U64 else SDUR
            return "(%s / %s)" % (e(tt), self.divisor(tt, sc, d))
        if c == 4 and t == U64:
            op = r.choice(["&", "|", "^", "<<", ">>"])
            # A shift count is taken mod 64; a literal one must say so.
            rhs = str(r.randint(0, 63)) if op in ("<<", ">>") and r.random() < 0.5 else e(U64)
            if op in ("<<", ">>"):
                rhs = str(int(rhs) % 64) if rhs.isdigit() else "(%s & 63)" % rhs
            lhs = e(U64)
            if op == "<<" and is_constant(lhs):  # a constant shifted left must not wrap
                lhs = "1"
            return "(%s %s %s)" % (lhs, op, rhs)
        if c == 5:
            f = r.choice(["min", "max"])
            return "%s(%s, %s)" % (f, e(t), e(t))
        if c == 6:
            lo = e(t)
            return "clamp(%s, %s, max(%s, %s))" % (e(t), lo, lo, e(t))
        if c == 7:
            return "%s(%s)" % (t, e(r.choice(NUMERIC)))
        if c == 8 and t in (S64, SDUR):
            x = e(t)
            if not TYPED.search(x):  # all literals: untyped, so give them the type
                x = "%s(%s)" % (t, x)
            return r.choice(["-%s", "abs(%s)"]) % self.wrap(x)
        if c == 9 and t == U64 and r.random() < 0.5:
            return "~%s" % self.wrap(e(U64))
        if c == 10:
            agg = self.qualified_agg(t, sc, d)
            if agg:
                return agg
        if c == 11:
            # Another CPU's per-CPU field (any CPU number: past the last reads 0).
            fields = [n for n, ft in self.percpu if ft == t]
            if fields:
                cpu = r.choice(["this_cpu", "cpu" if sc.task else "nr_cpus - 1", e(U64)])
                return "%s[%s]" % (r.choice(fields), cpu)
        if c == 12 and t == U64:
            return r.choice(["log2(%s)" % e(U64), "random()",
                             "(random() %% %s)" % self.divisor(U64, sc, d)])
        return self.leaf(t, sc)

    def wrap(self, s):
        return s if s.startswith("(") or s.replace("_", "").isalnum() else "(%s)" % s

    def divisor(self, t, sc, depth):
        """A divisor the safety pass can prove non-zero."""
        r = self.r
        opts = [lambda: self.positive_lit(t),
                lambda: "max(%s, %s)" % (self.expr(t, sc, depth), self.positive_lit(t))]
        if t == U64:
            if sc.task:
                opts.append(lambda: "weight")
            opts.append(lambda: "nr_cpus")
        for n, (pt, _, lo, hi, _) in self.param_info.items():
            if pt == t and lo is not None and lo > 0:
                opts.append(lambda n=n: n)
        return r.choice(opts)()

    def qualified_agg(self, t, sc, depth):
        if not sc.qualified_aggs or not self.queues:
            return None
        q = self.r.choice(self.queues)
        aggs = [("count", U64)] + q["aggs"]
        names = [a for a, at in aggs if at == t]
        if not names:
            return None
        if q["kind"] == "global":
            return "%s.%s" % (q["name"], self.r.choice(names))
        idx = self.r.choice(["cpu" if sc.task else "this_cpu", "this_cpu", self.expr(U64, sc, min(depth, 1))])
        return "%s[%s].%s" % (q["name"], idx, self.r.choice(names))

    # ------------------------------------------------------------ statements

    def new_local(self):
        self.local_id += 1
        return "l%d" % self.local_id

    def block(self, sc, depth, indent, n=None):
        lines = []
        saved = len(sc.locals)
        for _ in range(n if n is not None else self.r.randint(1, 4)):
            lines += self.stmt(sc, depth, indent)
        del sc.locals[saved:]
        return lines

    def stmt(self, sc, depth, indent):
        r, pad = self.r, "    " * indent
        if not sc.task and r.random() < 0.15:  # kick() and preempt(): timers only
            cpu = r.choice(["this_cpu", "0", "(nr_cpus - 1)", self.expr(U64, sc, 2)])
            return ["%s%s(%s);" % (pad, r.choice(["kick", "preempt"]), cpu)]
        c = r.randrange(10)
        if c <= 1:
            t = r.choice(NUMERIC + [BOOL])
            name = self.new_local()
            line = "%slet %s: %s = %s;" % (pad, name, t, self.expr(t, sc, 3))
            sc.locals.append((name, t, True))
            return [line]
        if c <= 5:
            targets = [(n, t) for n, t in (self.task if sc.task else []) + self.percpu + self.globals]
            targets += [(n, t) for n, t, ok in sc.locals if ok]
            if self.counters and r.random() < 0.3:
                return ["%s%s += %s;" % (pad, r.choice(self.counters), self.expr(U64, sc, 2))]
            if not targets:
                return []
            n, t = r.choice(targets)
            op = "=" if t == BOOL else r.choice(["=", "+=", "-="])
            return ["%s%s %s %s;" % (pad, n, op, self.expr(t, sc, 3))]
        if c <= 7 and depth > 0:
            lines = ["%sif %s {" % (pad, self.expr(BOOL, sc, 2))]
            lines += self.block(sc, depth - 1, indent + 1)
            for _ in range(r.randint(0, 2)):
                lines.append("%s} else if %s {" % (pad, self.expr(BOOL, sc, 2)))
                lines += self.block(sc, depth - 1, indent + 1)
            if r.random() < 0.5:
                lines.append("%s} else {" % pad)
                lines += self.block(sc, depth - 1, indent + 1)
            return lines + ["%s}" % pad]
        if c == 8 and depth > 0:
            name = self.new_local()
            lo = r.randint(0, 4)
            first, last = str(lo), str(lo + r.randint(0, 8))
            # A param bounds a loop when its range does (kept short: loops nest).
            bounds = [n for n, (pt, _, plo, phi, _) in self.param_info.items()
                      if pt == U64 and phi is not None and phi <= 12]
            if bounds and r.random() < 0.6:
                if r.random() < 0.7:
                    last = r.choice(bounds)
                else:
                    first = r.choice(bounds)
            lines = ["%sfor %s in %s..%s {" % (pad, name, first, last)]
            sc.locals.append((name, U64, False))
            lines += self.block(sc, depth - 1, indent + 1)
            sc.locals.pop()
            return lines + ["%s}" % pad]
        if self.counters:
            return ["%s%s += 1;" % (pad, r.choice(self.counters))]
        return []

    # ------------------------------------------------------------ declarations

    def live(self):
        """A live param is read from a writable map: the verifier knows only its range."""
        return " live" if self.r.random() < 0.3 else ""

    def gen_params(self, out):
        r = self.r
        for i in range(r.randint(0, 5)):
            n = "p%d" % i
            t = r.choice(NUMERIC + [BOOL])
            lo = hi = None
            inf = False
            if t == BOOL:
                d = r.choice([0, 1])
                text = "param %s: bool = %s%s;" % (n, ["false", "true"][d], self.live())
            else:
                unit = r.choice(UNITS) if t in (DUR, SDUR) else ""
                signed = t in (S64, SDUR)
                if r.random() < 0.7:
                    lo = r.randint(-50 if signed else 0, 50)
                    hi = lo + r.randint(0, 1000)
                    if t == U64 and r.random() < 0.4:  # short enough to bound a loop
                        lo = r.randint(0, 4)
                        hi = lo + r.randint(0, 8)
                    d = r.randint(lo, hi)
                else:
                    d = r.randint(0, 1000)
                fmt = lambda v: ("-%d%s" % (-v, unit)) if v < 0 else ("%d%s" % (v, unit))
                text = "param %s: %s = %s" % (n, t, fmt(d))
                if lo is not None:
                    text += " in %s..%s" % (fmt(lo), fmt(hi))
                if t == DUR and r.random() < 0.2:
                    inf = True
                    text += " or infinite"
                text += self.live() + ";"
                lo, hi, d = [None if v is None else (v, unit) for v in (lo, hi, d)]
            self.params.append((n, t))
            self.param_info[n] = (t, d, lo and lo[0], hi and hi[0], inf) if t != BOOL else (t, d, None, None, False)
            self.param_units = getattr(self, "param_units", {})
            self.param_units[n] = (lo, hi)
            out.append(text)

    def gen_hints(self, out):
        """Hints: per task or per process, read where a task is."""
        r = self.r
        for i in range(r.choice([0, 0, 1, 2])):
            n = "h%d" % i
            t = r.choice([U64, BOOL, DUR])
            if t == BOOL:
                text = "hint %s: bool = %s" % (n, r.choice(["false", "true"]))
            else:
                unit = "us" if t == DUR else ""
                lo = r.randint(0, 10)
                hi = lo + r.randint(0, 100)
                text = "hint %s: %s = %d%s" % (n, t, r.randint(lo, hi), unit)
                if r.random() < 0.5:
                    text += " in %d%s..%d%s" % (lo, unit, hi, unit)
            text += r.choice(["", " per task", " per process"]) + ";"
            self.hints.append((n, t))
            out.append(text)

    def gen_state(self, out):
        r = self.r
        for kind, store in (("task", self.task), ("percpu", self.percpu), ("global", self.globals)):
            for i in range(r.randint(0, 4)):
                n = "%s%d" % ({"task": "t", "percpu": "c", "global": "g"}[kind], i)
                t = r.choice(NUMERIC + [BOOL])
                init = " = %s" % self.plain_lit(t) if r.random() < 0.5 else ""
                out.append("%s %s: %s%s;" % (kind, n, t, init))
                store.append((n, t))

    def plain_lit(self, t):
        """A declaration literal: optionally negated INT or DURATION, or a bool."""
        r = self.r
        if t == BOOL:
            return r.choice(["true", "false"])
        v = r.randint(-100 if t in (S64, SDUR) else 0, 1000)
        unit = r.choice(UNITS) if t in (DUR, SDUR) else ""
        return ("-%d%s" % (-v, unit)) if v < 0 else "%d%s" % (v, unit)

    def gen_queues(self, out):
        r = self.r
        for i in range(r.randint(1, 4)):
            kind = r.choice(["global", "global", "percpu", "shards(%d)" % r.randint(1, 8)])
            if kind != "global" and self.rt.random() < 0.3:
                kind = self.rt.choice(["per_llc", "per_node"])
            q = {"name": "q%d" % i, "kind": kind.split("(")[0], "aggs": [], "loads": []}
            task_sc = Scope(self, qualified_aggs=False)
            order = "fifo" if r.random() < 0.5 else "by %s" % self.expr(r.choice([U64, DUR]), task_sc, 2)
            q["fifo"] = order == "fifo"
            scan = " scan %d" % r.choice([1, 4, 16, 32, 64]) if r.random() < 0.3 else ""
            items = []
            for j in range(r.randint(0, 4) if r.random() < 0.5 else 0):
                an = "a%d_%d" % (i, j)
                c = r.randrange(3)
                if c == 0:
                    items.append("%s = count();" % an)
                    q["aggs"].append((an, U64))
                    q["loads"].append(an)
                else:
                    kt = r.choice([U64, DUR])
                    key = self.expr(kt, task_sc, 2)
                    if c == 1:
                        items.append("%s = sum(%s);" % (an, key))
                        q["loads"].append(an)
                    else:
                        items.append("%s = wavg(%s, %s);" % (an, key, self.expr(U64, task_sc, 1)))
                    q["aggs"].append((an, kt))
            if r.random() < 0.4:
                esc = Scope(self, own_aggs=[("count", U64)] + q["aggs"], qualified_aggs=False)
                fb = r.choice(["", " else head", " else none"])
                items.append("eligible when %s%s;" % (self.expr(BOOL, esc, 3), fb))
            body = ";" if not items else " {\n" + "".join("    %s\n" % it for it in items) + "}"
            out.append("queue %s: %s %s%s%s" % (q["name"], kind, order, scan, body))
            self.queues.append(q)

    def slice_value(self, sc):
        r = self.r
        c = r.randrange(5)
        good = [n for n, (t, _, lo, _, _) in self.param_info.items() if t == DUR and lo is not None and lo > 0]
        if c == 0:
            return "infinite"
        if c == 1 and good:
            return r.choice(good)
        if c == 2:
            return "max(%s, %s)" % (self.expr(DUR, sc, 2), self.positive_lit(DUR))
        return self.positive_lit(DUR)

    def gen_rules(self, out):
        r = self.r
        if r.random() < 0.5:
            mode = r.choice(["default", "prev"])
            if self.rt.random() < 0.3:
                mode = "nearest" + self.rt.choice(["", " within llc", " within node"])
            out.append("select_cpu %s%s;" % (mode, r.choice(["", " direct"])))
        targeted, indexed = set(), set()
        n = r.randint(1, 4)
        for i in range(n):
            sc = Scope(self, wakeup=True)
            cond = " when %s" % self.expr(BOOL, sc, 3) if i < n - 1 else ""
            c = r.random()
            if c < 0.1:
                target = "local"
            elif c < 0.2 and i < n - 1:  # not last: it may not apply
                cond = cond if r.random() < 0.5 else ""
                target = "local_on(%s)" % r.choice(["0", "(nr_cpus - 1)", "this_cpu",
                                                     self.expr(U64, sc, 2)])
            else:
                q = r.choice(self.queues)
                target = q["name"]
                targeted.add(q["name"])
                if q["kind"] != "global" and r.random() < 0.5:
                    target += "[%s]" % self.expr(U64, sc, 2)
                    indexed.add(q["name"])
            sl = " slice %s" % self.slice_value(sc) if r.random() < 0.8 else ""
            out.append("enqueue%s into %s%s;" % (cond, target, sl))
        sources = []
        for q in self.queues:
            if q["name"] in targeted or r.random() < 0.3:
                sources.append(q["name"])
            if q["kind"] != "global" and (q["name"] in indexed or r.random() < 0.4):
                reach = {"percpu": ["", " within llc", " within node"],
                         "per_llc": ["", " within node"]}.get(q["kind"], [""])
                sources.append("steal " + q["name"] + self.rt.choice(reach))
        if not sources:
            sources.append(self.queues[0]["name"])
        r.shuffle(sources)
        when = ""
        movable = [q for q in self.queues if q["kind"] == "global"]
        if movable and self.rv.random() < 0.2:
            # CPUs where the condition fails get work from a timer's move.
            self.mover = self.rv.choice(movable)
            cond = self.expr(BOOL, Scope(self, task=False), 2) if self.rv.random() < 0.5 else "false"
            when = " when this_cpu == %s || %s" % (self.rv.choice(["0", "(nr_cpus - 1)"]), cond)
        out.append("dispatch %s%s;" % (", ".join(sources), when))
        if r.random() < 0.4:
            out.append("preempt wakeup when %s;" % self.expr(BOOL, Scope(self, current=True), 3))
        if r.random() < 0.4:
            out.append("preempt tick when %s;" % self.expr(BOOL, Scope(self), 3))

    def gen_balance(self, out):
        """A balance rule, drawn from a generator of its own (seeded by the
        policy's name) so that adding it left the rest of every policy as it
        was for a given seed."""
        main, self.r = self.r, random.Random("balance:" + self.name)
        try:
            spread = [q for q in self.queues if q["kind"] != "global"]
            if not spread or self.r.random() < 0.6:
                return
            q = self.r.choice(spread)
            by = self.r.choice(["count", "queued"] + q["loads"])
            interval = self.r.choice([self.positive_lit(DUR), "%s * nr_cpus" % self.positive_lit(DUR),
                                      "max(%s, %s)" % (self.expr(DUR, Scope(self, task=False), 2),
                                                       self.positive_lit(DUR))])
            cond = self.expr(BOOL, Scope(self, balance=True), 3)
            if self.r.random() < 0.5:
                cond = "%s[busiest].%s > %s[this_cpu].%s && %s" % (q["name"], by, q["name"], by, cond)
            out.append("balance %s by %s every %s when %s;" % (q["name"], by, interval, cond))
        finally:
            self.r = main

    def gen_handlers(self, out):
        for ev in self.r.sample(EVENTS, self.r.randint(0, len(EVENTS))):
            sc = Scope(self, wakeup=ev in ("runnable", "enqueue"), runtime=ev == "stopping")
            out.append("on %s {" % ev)
            out += self.block(sc, 2, 1, self.r.randint(1, 6))
            out.append("}")
        if self.r.random() < 0.3:
            # A timer: no task in context; a period of 1ms to 50ms.
            sc = Scope(self, task=False, qualified_aggs=True)
            out.append("every %dms {" % self.r.randint(1, 50))
            out += self.block(sc, 2, 1, self.r.randint(1, 5))
            out += self.moves(sc, 1)
            out.append("}")
        if self.mover or self.rv.random() < 0.3:
            # A per-CPU timer (on every CPU, or on one), last so that the
            # draws of its body leave everything above as it was.
            sc = Scope(self, task=False, qualified_aggs=True)
            where = self.rv.choice(["per cpu", "on cpu 0", "on cpu (nr_cpus - 1)",
                                    "on cpu %s" % self.expr(U64, sc, 2)])
            out.append("every %s %s {" % (self.rv.choice(["100us", "1ms", "20ms"]), where))
            out += self.block(sc, 2, 1, self.rv.randint(0, 3))
            out += self.moves(sc, 1)
            if self.mover:
                out.append("    for c in 0..64 { move %s into local_on(c); }" % self.mover["name"])
            out.append("}")

    def moves(self, sc, indent):
        """`move` statements for a timer: between global queues of one order,
        or the first task allowed on a CPU to its local queue."""
        lines, pad = [], "    " * indent
        movable = [q for q in self.queues if q["kind"] == "global"]
        for _ in range(self.rv.randint(0, 2) if movable else 0):
            q = self.rv.choice(movable)
            peers = [p for p in movable if p is not q and p["fifo"] == q["fifo"]]
            if peers and self.rv.random() < 0.5:
                lines.append("%smove %s into %s;" % (pad, q["name"], self.rv.choice(peers)["name"]))
            else:
                cpu = self.rv.choice(["this_cpu", "0", "(nr_cpus - 1)", self.expr(U64, sc, 2)])
                lines.append("%smove %s into local_on(%s);" % (pad, q["name"], cpu))
        return lines

    def set_options(self):
        """--set options putting each ranged param at its min, then its max."""
        lo, hi = [], []
        for n, (t, _, mn, mx, inf) in self.param_info.items():
            if mn is None:
                continue
            unit = self.param_units[n][0][1]
            fmt = lambda v: "%d%s" % (v, unit)
            if unit and mn < 0:
                continue  # a negative sduration is not a valid --set spelling
            lo.append("--set %s=%s" % (n, fmt(mn)))
            hi.append("--set %s=%s" % (n, "infinite" if inf else fmt(mx)))
        return " ".join(lo), " ".join(hi)

    def generate(self):
        out = ["policy %s;" % self.name]
        self.gen_params(out)
        self.gen_hints(out)
        self.gen_state(out)
        if self.r.random() < 0.5:
            self.counters = ["n%d" % i for i in range(self.r.randint(1, 3))]
            out.append("counter %s;" % ", ".join(self.counters))
        self.gen_queues(out)
        self.gen_rules(out)
        self.gen_balance(out)
        self.gen_handlers(out)
        lo, hi = self.set_options()
        return "// set-min: %s\n// set-max: %s\n%s\n" % (lo, hi, "\n".join(out))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=1)
    ap.add_argument("--out", help="directory for gen_SEED_I.sched files (default: stdout)")
    a = ap.parse_args()
    for i in range(a.count):
        name = "gen_%d_%d" % (a.seed, i)
        text = Gen(random.Random("%d/%d" % (a.seed, i)), name).generate()
        if a.out:
            os.makedirs(a.out, exist_ok=True)
            with open(os.path.join(a.out, name + ".sched"), "w") as f:
                f.write(text)
        else:
            sys.stdout.write(text)


if __name__ == "__main__":
    main()
