#!/usr/bin/env python3
"""Holds a conformance run (its --results TSV) to a bar.

    conformance_bar.py RESULTS LABEL UNIT BAR AGREE_OUTCOMES

Counts the rows that count (not TODO, not disabled), prints
"LABEL: agree/counted UNIT agree", and exits non-zero when nothing ran, on
any crash or timeout, or when agreement is below BAR percent.
AGREE_OUTCOMES is a comma-separated list of the outcomes that agree.
"""
import sys

results, label, unit, bar, agreeing = sys.argv[1:6]
agreeing = set(agreeing.split(","))
rows = [l.rstrip("\n").split("\t") for l in open(results) if l.strip()]
header = [h.lstrip("# ") for h in rows[0]]
col = {name: i for i, name in enumerate(header)}
rows = [r for r in rows[1:] if len(r) >= len(header) - 1]
counted = [r for r in rows
           if r[col["todo"]] in ("-", "") and r[col["outcome"]] != "disabled"]
agree = [r for r in counted if r[col["outcome"]] in agreeing]
crashes = [r[0] for r in counted if r[col["outcome"]] in ("crash", "timeout")]
print(f"{label}: {len(agree)}/{len(counted)} {unit} agree")
if not counted:
    sys.exit("nothing was run")
if crashes:
    sys.exit(f"crashes or timeouts: {crashes[:10]}")
pct = 100.0 * len(agree) / len(counted)
if pct < float(bar):
    sys.exit(f"agreement {pct:.2f}% is below {bar}%")
