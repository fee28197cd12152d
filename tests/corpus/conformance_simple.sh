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
"$(dirname "$0")/conformance_bar.py" "$results" "hand-written simple tests" tests 99.5 pass-ok,fail-ok
