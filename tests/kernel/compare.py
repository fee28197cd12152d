#!/usr/bin/env python3
"""Puts the kernel's verdicts and aasim's predictions side by side.

    compare.py CASES_DIR ORACLE_OUTPUT...

CASES_DIR holds what aasim_kernel_cases wrote (map.tsv, TAG.trace) and,
per TAG, TAG.json: `aasim replay --json` of TAG.trace. ORACLE_OUTPUT are
the kernel oracle's outputs of CASES_DIR/oracle.trace (or of its pieces).

Per operation it compares, between the kernel under apparmor_parser's blob
and aasim's prediction: the verdict (allow, deny, killed), what was logged
(DENIED, ALLOWED, AUDIT or nothing) with the record's requested and denied
masks, and for exec the label the program runs under and whether the
environment is scrubbed (AT_SECURE). Between the kernel under
apparmor_parser's blob and under aasim's blob: the whole result line but
the pid. Prints each disagreement (profile, operation, both answers, the
rules aasim blamed) and a summary; exits 1 when anything disagrees.
"""
import collections
import json
import re
import sys

from kernel_report import read_results, report


def oracle_results(paths, load_failures):
    """Trace line -> (as, op, verdict, errno, detail, records)."""
    return {line: (r["as"], r["cmd"], r["verdict"], r["errno"], r["detail"], r["records"])
            for line, r in read_results(paths, load_failures, 1).items()}


def fields(record):
    return dict(re.findall(r'(\w+)=("[^"]*"|\S+)', record))


def unquote(v):
    return v[1:-1] if v and v.startswith('"') else v


# The operation names a kernel record carries for each kind of operation.
RECORD_OPS = {
    "open": {"open", "mknod"},
    "exec": {"exec"},
    "attach": {"exec"},
    "capability": {"capable"},
    "socket": {"create"},
}


def kernel_answer(result, kind):
    """(verdict, log, requested, denied, label, secure) from an oracle line."""
    as_, op, verdict, errno, detail, records = result
    log, requested, denied = "none", "", ""
    for r in records:
        f = fields(r)
        if unquote(f.get("operation", "")) in RECORD_OPS[kind]:
            log = unquote(f.get("apparmor", "none"))
            requested = unquote(f.get("requested_mask", f.get("requested", "")))
            denied = unquote(f.get("denied_mask", f.get("denied", "")))
            break
    label = secure = None
    if kind in ("exec", "attach"):
        m = re.search(r"label=(\S+)", detail)
        label = m.group(1) if m else None
        m = re.search(r"secure=(\d)", detail)
        secure = m.group(1) == "1" if m else None
    v = {"allow": "allow", "deny": "deny", "killed": "killed"}.get(verdict, "error:" + errno)
    if kind in ("exec", "attach") and "stopped-by=SIGSEGV" in detail:
        # The exec itself succeeded; the new program could not map itself
        # under its new profile (the kernel killed it before AT_SECURE
        # could be read: not compared).
        v = "allow"
    return v, log, requested, denied, label, secure


def guest_failure(result):
    """An errno of the guest's file system, not of AppArmor."""
    return result[2] == "error" and result[3] in ("ENOTDIR", "EISDIR", "ETXTBSY", "ENOEXEC", "ELOOP", "ENAMETOOLONG")


def masks_equal(kind, a, b):
    if kind in ("open", "exec", "attach"):
        return set(a) == set(b)
    return set(a.split()) == set(b.split())


def aasim_answer(event, kind, as_):
    verdict = event["decision"]
    log = event["log"]
    if log == "KILLED":
        verdict = "killed"
    label = secure = None
    if kind in ("exec", "attach") and verdict == "allow":
        t = event.get("transition")
        label = t["target"] if t else event["profile"]
        secure = bool(t and t["scrub"])
    return verdict, log if log != "none" else "none", event["requested"], event["denied"], label, secure


def main():
    cases = sys.argv[1]
    load_failures = []
    kernel = oracle_results(sys.argv[2:], load_failures)
    predictions = {}
    rows = [l.rstrip("\n").split("\t") for l in open(f"{cases}/map.tsv")]
    for tag in {r[2] for r in rows}:
        try:
            predictions[tag] = {e["line"]: e for e in map(json.loads, open(f"{cases}/{tag}.json"))}
        except FileNotFoundError:
            predictions[tag] = {}
    # Failures of the guest's file system rather than of AppArmor (a path
    # below a file, a directory opened for writing): not comparable, listed.
    environment = []
    counts = collections.Counter()
    agree = collections.Counter()
    blob_agree = blob_total = 0
    shown = 0
    profiles = set()
    disagreements = [f"the kernel did not load {f}" for f in load_failures]
    for parser_line, aasim_line, tag, trace_line, kind in rows:
        k = kernel.get(int(parser_line))
        if k is None:
            disagreements.append(f"{tag}: oracle line {parser_line} ({kind}) has no kernel result")
            continue
        if guest_failure(k):
            environment.append(f"{tag}: profile {k[0]}: {k[1]}: {k[3]}")
            continue
        if k[0] != "-":  # an unconfined task: the attachment cases
            profiles.add((tag, k[0]))
        counts[kind] += 1
        p = predictions[tag].get(int(trace_line))
        ka = kernel_answer(k, kind)
        if p is None:
            disagreements.append(f"{tag}: profile {k[0]}: {k[1]}: kernel {ka[:2]}, aasim made no prediction")
        else:
            pa = aasim_answer(p, kind, k[0])
            same = ka[0] == pa[0] and ka[1] == pa[1] and ka[4] == pa[4] and (ka[5] is None or ka[5] == pa[5])
            if same and ka[1] != "none":
                same = masks_equal(kind, ka[2], pa[2]) and masks_equal(kind, ka[3], pa[3])
            if same:
                agree[kind] += 1
            else:
                rules = "; ".join(f'{r["location"]}: {r["rule"]}' for r in p.get("rules", [])) or "no rule"
                disagreements.append(
                    f"{tag}: profile {k[0]}: {k[1]}\n"
                    f"    kernel: {ka[0]} log={ka[1]} requested={ka[2]!r} denied={ka[3]!r} label={ka[4]} secure={ka[5]}"
                    f"  [{k[3]} {k[4]}]\n"
                    f"    aasim:  {pa[0]} log={pa[1]} requested={pa[2]!r} denied={pa[3]!r} label={pa[4]} secure={pa[5]}"
                    f"  info={p.get('info', '')!r}\n"
                    f"    rules:  {rules}")
        if aasim_line != "0":
            b = kernel.get(int(aasim_line))
            blob_total += 1
            strip = lambda r: (r[2], r[3], r[4], [re.sub(r" pid=\d+", "", x) for x in r[5]])
            if b is not None and guest_failure(b):
                environment.append(f"{tag}: profile {b[0]}: {b[1]} (under aasim's blob): {b[3]}")
                blob_total -= 1
            elif b is not None and strip(b) == strip(k):
                blob_agree += 1
            else:
                disagreements.append(f"{tag}: profile {k[0]}: {k[1]}: the kernel decides differently under "
                                     f"aasim's blob\n    parser's: {strip(k)}\n    aasim's:  {strip(b) if b else None}")
    return report("kernel vs aasim", counts, agree, profiles, environment, disagreements, blob_agree, blob_total,
                  "failed in the guest's file system before AppArmor decided")


if __name__ == "__main__":
    sys.exit(main())
