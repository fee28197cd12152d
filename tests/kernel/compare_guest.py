#!/usr/bin/env python3
"""Puts the kernel's verdicts from aasim's own guest driver and aasim's
predictions side by side.

    compare_guest.py CASES_DIR GUEST_OUTPUT...

CASES_DIR holds what aasim_guest_cases wrote (guest_map.tsv) and, per TAG,
TAG.guest.json: `aasim replay --json` of TAG.guest.trace. GUEST_OUTPUT are
the guest's outputs of CASES_DIR/guest.trace (or of its pieces), with
trace line numbers of the whole trace.

One kernel operation may be decided by several aasim events:
  * signal and ptrace: the kernel checks both ends (the sender's or
    tracer's profile and the target's), each may log; it fails when either
    denies;
  * pivot_root: CAP_SYS_ADMIN first, then the pivot_root rule; a socket
    bound in the filesystem: the socket's bind, then its file's creation.
    The first denial ends the syscall.
Compared per operation: the verdict, every AppArmor record (operation,
profile, kind, requested and denied masks) as a multiset, and the label
after change_hat and pivot_root. dbus: the kernel's query interface gives
the permissions of the string; the verdict and record dbus-daemon draws
from them (the kernel's audit rules: denied and not quiet logs DENIED, or
ALLOWED in complain mode; allowed and audited logs AUDIT) against aasim's.
Between the kernel under apparmor_parser's blob and under aasim's: the
whole result line but the pid. Exits 1 when anything disagrees.
"""
import collections
import json
import re
import sys

from kernel_report import read_results, report

# The first denial ends the syscall.
CHAINS = {"pivot_root", "socket", "open", "change_hat", "mount", "change_profile", "change_onexec", "exec"}
# Operations whose label after them is compared.
LABELS = {"change_hat", "pivot_root", "change_profile", "exec"}
BOTH_ENDS = {"signal", "ptrace"}
FILE_KINDS = {"open"}


def fields(record):
    return {k: v[1:-1] if v.startswith('"') else v for k, v in re.findall(r'(\w+)=("[^"]*"|\S+)', record)}


def mask_key(mask, file_kind):
    return "".join(sorted(mask)) if file_kind else " ".join(sorted(mask.split()))


# Mount records carry no permission masks (the kernel's audit_mnt_cb).
NO_MASKS = {"pivotroot", "mount", "umount"}


def record(operation, profile, kind, requested, denied, file_kind):
    if operation in NO_MASKS:
        requested = denied = ""
    return (operation, profile, kind, mask_key(requested, file_kind), mask_key(denied, file_kind))


def kernel_records(k, kind):
    out = []
    for r in k["records"]:
        f = fields(r)
        if "apparmor" not in f or f["apparmor"] == "STATUS":
            continue
        op = f.get("operation", "")
        out.append(record(op, f.get("profile", ""), f["apparmor"], f.get("requested_mask", ""),
                          f.get("denied_mask", ""), kind in FILE_KINDS or op in ("open", "mknod")))
    return sorted(out)


def volatile(record):
    """A record without what differs from run to run: pids (also in /proc
    paths) and the ephemeral ports the kernel picks."""
    record = re.sub(r" pid=\d+", "", record)
    record = re.sub(r"/proc/\d+/", "/proc/PID/", record)
    return re.sub(r"\b([lf]port)=(\d+)", lambda m: m.group(0) if int(m.group(2)) < 32768 else m.group(1) + "=EPHEMERAL",
                  record)


def label_of(detail):
    m = re.search(r"label=(\S+)", detail)
    return m.group(1) if m else None


def kernel_verdict(k, kind):
    """allow / deny, or None when the guest failed before AppArmor decided."""
    v, e = k["verdict"], k["errno"]
    if v == "allow":
        return "allow"
    if v == "died":
        return "killed"
    if v == "deny":
        return "deny"
    if kind == "change_hat":
        return "deny"  # ENOENT (hat not found) and friends: AppArmor's refusal
    if kind == "pivot_root" and e in ("EINVAL", "EBUSY"):
        return "allow"  # AppArmor let it through; the initramfs cannot be pivoted
    if kind == "mount" and e in ("EINVAL", "EBUSY", "ENOTBLK"):
        return "allow"  # AppArmor let it through; not a mount point, a mount to move, ...
    if kind in ("change_profile", "change_onexec") and e == "ENOENT":
        return "deny"  # "label not found": AppArmor's refusal
    if kind == "socket" and e not in ("EBADF", "ENOTSOCK"):
        return "allow"  # AppArmor let it through; the protocol said no (EAGAIN, ENOTCONN, ...)
    return None


def aasim_answer(events, kind):
    verdict, records, label = "allow", [], None
    file_kind = kind in FILE_KINDS
    for e in events:
        if e["log"] != "none":
            records.append(record(e["operation"], e["profile"], e["log"], e["requested"], e["denied"],
                                  file_kind or e["class"] == "file"))
        for f in e.get("following", []):  # an open after the creation it logged, another profile of a stack
            records.append(record(f["operation"], f["profile"], f["log"], f["requested"], f["denied"],
                                  file_kind or e["class"] == "file"))
        if e["log"] == "KILLED":
            verdict = "killed"
        elif e["decision"] == "deny" and verdict == "allow":
            verdict = "deny"
        if kind in CHAINS and verdict != "allow":
            break
    last = events[-1]
    if kind in LABELS:
        t = last.get("transition")
        label = t["target"] if t and verdict == "allow" else last["profile"]
    return verdict, sorted(records), label


def dbus_expected(k, extra):
    mask, mode = extra.split(":")
    mask = int(mask)
    perms = {m.group(1): int(m.group(2), 16) for m in re.finditer(r"(\w+) 0x([0-9a-f]+)", k["detail"])}
    denied = mask & ~perms["allow"]
    if denied:
        logged = denied & ~perms["quiet"]
        if mode == "complain":
            return "allow", "ALLOWED" if logged else "none"
        return "deny", "DENIED" if logged else "none"
    return "allow", "AUDIT" if perms["audit"] & mask else "none"


def main():
    cases = sys.argv[1]
    failures = []
    kernel = read_results(sys.argv[2:], failures, 0)
    rows = [l.rstrip("\n").split("\t") for l in open(f"{cases}/guest_map.tsv")]
    predictions = {}
    for tag in {r[2] for r in rows}:
        try:
            predictions[tag] = {e["line"]: e for e in map(json.loads, open(f"{cases}/{tag}.guest.json"))}
        except FileNotFoundError:
            predictions[tag] = {}
    disagreements = [f"the kernel did not load {f}" for f in failures]
    environment = []
    counts, agree = collections.Counter(), collections.Counter()
    profiles = set()
    blob_total = blob_agree = 0
    for parser_line, aasim_line, tag, kind, events, extra in rows:
        k = kernel.get(int(parser_line))
        if k is None:
            disagreements.append(f"{tag}: guest line {parser_line} ({kind}) has no kernel result")
            continue
        evs = [predictions[tag].get(int(n)) for n in events.split(",")]
        if any(e is None for e in evs):
            disagreements.append(f"{tag}: {k['cmd']}: aasim made no prediction for trace lines {events}")
            continue
        if kind == "dbus":
            kv = dbus_expected(k, extra)
            av = (evs[0]["decision"], evs[0]["log"])
            profiles.add((tag, evs[0]["profile"]))
            same = kv == av
            kshow, ashow = f"{kv} from {k['detail']}", f"{av}"
        else:
            v = kernel_verdict(k, kind)
            if v is None:
                environment.append(f"{tag}: {k['cmd']}: {k['verdict']} {k['errno']}")
                continue
            ka = (v, kernel_records(k, kind), label_of(k["detail"]) if kind in LABELS else None)
            aa = aasim_answer(evs, kind)
            profiles.add((tag, evs[0]["profile"]))
            same = ka == aa
            kshow, ashow = f"{ka}  [{k['verdict']} {k['errno']}]", f"{aa}  info={[e.get('info', '') for e in evs]}"
        counts[kind] += 1
        if same:
            agree[kind] += 1
        else:
            rules = "; ".join(f'{r["location"]}: {r["rule"]}' for e in evs for r in e.get("rules", [])) or "no rule"
            disagreements.append(f"{tag}: {k['cmd']} ({kind})\n    kernel: {kshow}\n    aasim:  {ashow}\n"
                                 f"    rules:  {rules}")
        if aasim_line != "0":
            b = kernel.get(int(aasim_line))
            blob_total += 1
            strip = lambda r: (r["verdict"], r["errno"], r["detail"], [volatile(x) for x in r["records"]])
            if b is not None and strip(b) == strip(k):
                blob_agree += 1
            else:
                disagreements.append(f"{tag}: {k['cmd']}: the kernel decides differently under aasim's blob\n"
                                     f"    parser's: {strip(k)}\n    aasim's:  {strip(b) if b else None}")
    return report("guest kernel vs aasim", counts, agree, profiles, environment, disagreements, blob_agree, blob_total,
                  "failed in the guest before AppArmor decided")


if __name__ == "__main__":
    sys.exit(main())
