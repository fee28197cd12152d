"""What both kernel comparisons share (compare.py for the kernel oracle's
runs, compare_guest.py for aasim's own guest driver): reading the result
lines and the summary they print."""


def read_results(paths, load_failures, leading_columns):
    """Trace line -> {as, cmd, verdict, errno, detail, records} from result
    lines `[SEQ] LINE AS COMMAND VERDICT ERRNO DETAIL RECORDS` (the oracle
    writes SEQ first: leading_columns 1; the guest driver 0). Policy the
    kernel did not load goes to `load_failures`."""
    out = {}
    for path in paths:
        for line in open(path, errors="replace"):
            if line.startswith("#"):
                continue
            f = line.rstrip("\n").split("\t")[leading_columns:]
            if len(f) < 7:
                continue
            records = [] if f[6] == "-" else f[6].split(" || ")
            if f[2].startswith("load-blob") and f[3] != "ok":
                load_failures.append(f"{f[2]}: {f[3]} {f[4]} {f[5]} {' || '.join(records)}")
            out[int(f[0])] = {"as": f[1], "cmd": f[2], "verdict": f[3], "errno": f[4], "detail": f[5],
                              "records": records}
    return out


def report(title, counts, agree, profiles, environment, disagreements, blob_agree, blob_total, environment_note):
    """Prints what was not comparable (a few), the disagreements (the first
    200) and the tallies; returns the exit status: 1 on any disagreement or
    when nothing was compared."""
    total = sum(counts.values())
    for e in environment[:20]:
        print("not comparable:", e)
    for d in disagreements[:200]:
        print(d)
    if len(disagreements) > 200:
        print(f"... {len(disagreements) - 200} more disagreements")
    print(f"{title}: {sum(agree.values())}/{total} operations agree over {len(profiles)} profiles; "
          + ", ".join(f"{k} {agree[k]}/{counts[k]}" for k in sorted(counts)))
    if environment:
        print(f"{len(environment)} operations {environment_note} (not compared)")
    if blob_total:
        print(f"kernel under aasim's blob vs apparmor_parser's: {blob_agree}/{blob_total} operations decided alike")
    return 0 if not disagreements and total else 1
