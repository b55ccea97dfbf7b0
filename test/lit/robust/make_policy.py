#!/usr/bin/env python3
"""Writes pathological policies for the robust/ tests to stdout.

    make_policy.py KIND N
KIND: parens, negations, chain, blocks, elseif (N levels), ident (a name of
N characters), tokens (a file of about N bytes of statements), comments (a
valid policy padded with N bytes of comments).
"""
import sys

HEAD = "policy t;\nglobal g: u64;\nqueue q: global fifo;\nenqueue into q;\ndispatch q;\n"


def main():
    kind, n = sys.argv[1], int(sys.argv[2])
    out = sys.stdout
    if kind == "parens":
        out.write(HEAD + "on tick { g = " + "(" * n + "1" + ")" * n + "; }\n")
    elif kind == "negations":
        out.write(HEAD.replace("g: u64", "g: s64") + "on tick { g = " + "- " * n + "1; }\n")
    elif kind == "chain":
        out.write(HEAD + "on tick { g = " + "1 + " * n + "1; }\n")
    elif kind == "blocks":
        out.write(HEAD + "on tick { " + "if true { " * n + "g = 1;" + " }" * n + " }\n")
    elif kind == "elseif":
        out.write(HEAD + "on tick { if g == 0 { g = 1; }" + " else if g == 1 { g = 2; }" * n + " }\n")
    elif kind == "ident":
        name = "x" * n
        out.write(HEAD + "global %s: u64;\non tick { %s = 1; }\n" % (name, name))
    elif kind == "tokens":
        body = "    g += 1;\n" * (n // 12)
        out.write(HEAD + "on tick {\n" + body + "}\n")
    elif kind == "comments":
        out.write(HEAD + ("// " + "x" * 96 + "\n") * (n // 100))
    else:
        sys.exit("make_policy.py: unknown kind " + kind)


if __name__ == "__main__":
    main()
