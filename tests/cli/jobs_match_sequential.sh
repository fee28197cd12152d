#!/usr/bin/env bash
# `-j N` runs files in worker processes; what comes out must not depend on
# it: the same policy bytes (compile -S), the same diagnostics in input
# order, and the worst exit status (a broken and a missing file included).
set -euo pipefail
aasim=$1
src=$2
ex="$src/corpus/examples"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
good=("$ex/usr.sbin.webserver" "$src/tests/fixtures/mixed.sd" "$src/tests/fixtures/two_rules.sd")
for jobs in 1 2 3; do
  "$aasim" compile -j "$jobs" -S -b "$ex" "${good[@]}" "${good[@]}" > "$tmp/policy.$jobs" 2> "$tmp/err.$jobs"
  set +e
  "$aasim" check -j "$jobs" -b "$ex" "${good[@]}" "$ex/broken.profile" "$tmp/missing.sd" "${good[@]}" \
    > "$tmp/check.$jobs" 2>&1
  echo "exit $?" >> "$tmp/check.$jobs"
  set -e
done
[[ -s "$tmp/policy.1" ]] || { echo "compile -S wrote nothing"; exit 1; }
grep -q "exit 2" "$tmp/check.1" || { echo "a missing file must give exit 2:"; cat "$tmp/check.1"; exit 1; }
for jobs in 2 3; do
  cmp "$tmp/policy.1" "$tmp/policy.$jobs" || { echo "compile -S -j $jobs wrote other bytes"; exit 1; }
  cmp "$tmp/err.1" "$tmp/err.$jobs" || { echo "compile -j $jobs: other diagnostics"; exit 1; }
  diff "$tmp/check.1" "$tmp/check.$jobs" || { echo "check -j $jobs: other output"; exit 1; }
done
echo "compile and check agree for -j 1, 2 and 3 ($(wc -c < "$tmp/policy.1") policy bytes)"
