#!/usr/bin/env bash
# Compile time and peak memory, side by side in one run: `aasim compile` and
# `apparmor_parser -QK` on the same roddhjav/abi3 profiles, both with two
# jobs (xargs -P2) and the corpus's features.all.
#   bench/compile_vs_parser.sh [AASIM] [CORPUS] [STRIDE]
# STRIDE n takes every n-th profile the parser accepts (default 1: all
# 1,603; the parser alone needs about 690 CPU seconds for them).
# aasim builds the file automaton only so far (see docs/dfa.md), so this is
# an interim comparison.
set -euo pipefail
aasim=${1:-build/aasim}
corpus=${2:-../shared/corpus}
stride=${3:-1}
root="$corpus/profiles/roddhjav/abi3"
features="$corpus/parser-tests/features_files/features.all"
list=$(mktemp)
timing=$(mktemp)
trap 'rm -f "$list" "$timing"' EXIT
awk -F'\t' -v s="$stride" 'NR > 1 && $3 == "ok" && (++n % s) == 0 {print $1}' "$root/parser-status.tsv" |
  sed "s|^|$root/apparmor.d/|" > "$list"
echo "$(wc -l < "$list") profiles, 2 jobs each"
measure() {  # measure LABEL COMMAND...
  local label=$1; shift
  /usr/bin/time -o "$timing" -f '%e %M' xargs -P2 -n1 "$@" < "$list" > /dev/null 2>&1 || true
  read -r wall rss < <(tail -1 "$timing")
  printf '%-16s wall %8.1f s   peak RSS of one process %6d MiB\n' "$label" "$wall" $((rss / 1024))
}
measure "aasim compile" "$aasim" compile -M "$features" -b "$root/base"
measure "apparmor_parser" apparmor_parser --config-file="$corpus/parser-tests/parser.conf" -M "$features" -QK -b "$root/base"
