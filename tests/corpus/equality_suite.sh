#!/usr/bin/env bash
# Upstream's equality suite (parser-tests/equality) through `aasim compile
# -S`: policies that must be equal have to compile to identical bytes,
# policies that must differ to different bytes. Every set agrees (the
# issue's bar); the test fails on any disagreement, crash or timeout.
set -euo pipefail
aasim=$(realpath "$1")  # the tool runs each policy in a scratch directory
corpus=${AASIM_CORPUS:-$2}
tool="$corpus/../tools/conformance"
if [[ ! -f "$corpus/parser-tests/equality/groups.jsonl" || ! -x "$tool" ]]; then
  echo "SKIP: no equality suite or conformance tool under $corpus (set AASIM_CORPUS)"
  exit 77
fi
results=$(mktemp)
trap 'rm -f "$results"' EXIT
"$tool" --suite equality --corpus "$corpus/parser-tests" --no-progress --report-only --results "$results" \
  --list-disagreements 60 --parser "$aasim compile -S --config-file={config} -M {features}"
"$(dirname "$0")/conformance_bar.py" "$results" "equality suite" sets 100 agree
