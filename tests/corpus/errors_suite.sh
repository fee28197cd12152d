#!/usr/bin/env bash
# Upstream's errors suite (parser-tests/errors): exit status and the exact
# apparmor_parser wording on stderr, through `--message-format=apparmor`.
set -euo pipefail
aasim=$1
corpus=${AASIM_CORPUS:-$2}
tool="$corpus/../tools/conformance"
if [[ ! -f "$corpus/parser-tests/errors/expected.json" || ! -x "$tool" ]]; then
  echo "SKIP: no parser-tests/errors corpus or conformance tool under $corpus (set AASIM_CORPUS)"
  exit 77
fi
# The tool exits non-zero when any case disagrees.
"$tool" --corpus "$corpus/parser-tests" --suite errors --no-progress --list-disagreements -1 \
  --parser "$aasim check --message-format=apparmor --config-file={config} -S -I {include} {file}"
