#!/usr/bin/env bash
# Runs upstream's parser tests (simple_tests) through `aasim check` with the
# shared conformance tool and holds aasim to the issue's bar, 99.5%
# agreement, on the hand-written tests, with no crash or timeout. (The
# ~53,000 generated tests take longer than CI allows for them; the issue
# notes quote their full run.)
set -euo pipefail
aasim=$1
corpus=${AASIM_CORPUS:-$2}
tool="$corpus/../tools/conformance"
if [[ ! -d "$corpus/parser-tests" || ! -x "$tool" ]]; then
  echo "SKIP: no parser-tests corpus or conformance tool under $corpus (set AASIM_CORPUS)"
  exit 77
fi
results=$(mktemp)
trap 'rm -f "$results"' EXIT
"$tool" --corpus "$corpus/parser-tests" --no-progress --report-only --results "$results" \
  --only '^(?!generated_)' --list-disagreements 100 \
  --parser "$aasim check --config-file={config} -M {features} -I {include}"
python3 - "$results" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
header = [h.lstrip("# ") for h in rows[0]]
col = {name: i for i, name in enumerate(header)}
rows = [r for r in rows[1:] if len(r) == len(header)]
counted = [r for r in rows if r[col["todo"]] == "-" and r[col["outcome"]] != "disabled"]
agree = [r for r in counted if r[col["outcome"]] in ("pass-ok", "fail-ok")]
crashes = [r[0] for r in counted if r[col["outcome"]] in ("crash", "timeout")]
print(f"hand-written simple tests: {len(agree)}/{len(counted)} agree")
if not counted:
    sys.exit("no tests were run")
if crashes:
    sys.exit(f"crashes or timeouts: {crashes[:10]}")
pct = 100.0 * len(agree) / len(counted)
if pct < 99.5:
    sys.exit(f"agreement {pct:.1f}% is below 99.5%")
PY
