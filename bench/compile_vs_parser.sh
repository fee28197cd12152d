#!/usr/bin/env bash
# Compile time and peak memory, side by side in one run: `aasim compile` and
# `apparmor_parser -QK` on the same roddhjav/abi3 profiles with the corpus's
# features.all, each tool given the whole file list once with `-j JOBS` (both
# then run their own worker processes).
#   bench/compile_vs_parser.sh [AASIM] [CORPUS] [STRIDE] [JOBS]
# STRIDE n takes every n-th profile the parser accepts (default 1: all
# 1,603; the parser alone needs about 690 CPU seconds for them). JOBS
# defaults to 2. Peak RSS is that of the largest single process (GNU time
# reports the maximum over the tool and the workers it waited for).
# The heaviest profile, groups/flatpak/fapp, is timed on its own as well.
set -euo pipefail
aasim=${1:-build/aasim}
corpus=${2:-../shared/corpus}
stride=${3:-1}
jobs=${4:-2}
root="$corpus/profiles/roddhjav/abi3"
features="$corpus/parser-tests/features_files/features.all"
list=$(mktemp)
timing=$(mktemp)
trap 'rm -f "$list" "$timing"' EXIT
awk -F'\t' -v s="$stride" 'NR > 1 && $3 == "ok" && (++n % s) == 0 {print $1}' "$root/parser-status.tsv" |
  sed "s|^|$root/apparmor.d/|" > "$list"
echo "$(wc -l < "$list") profiles, -j$jobs each"
measure() {  # measure LABEL COMMAND... (the file list is appended)
  local label=$1; shift
  /usr/bin/time -o "$timing" -f '%e %U %S %M' xargs -a "$list" -d '\n' -s 1000000 "$@" > /dev/null 2>&1 || true
  read -r wall user sys rss < <(tail -1 "$timing")
  printf '%-16s wall %8.1f s   CPU %8.1f s   peak RSS of one process %6d MiB\n' "$label" "$wall" \
    "$(awk -v u="$user" -v s="$sys" 'BEGIN {print u + s}')" $((rss / 1024))
}
parser=(apparmor_parser --config-file="$corpus/parser-tests/parser.conf" -M "$features" -QK -b "$root/base")
measure "aasim compile" "$aasim" compile -j "$jobs" -M "$features" -b "$root/base"
measure "apparmor_parser" "${parser[@]}" -j "$jobs"
fapp="$root/apparmor.d/groups/flatpak/fapp"
for tool in aasim parser; do
  if [[ $tool == aasim ]]; then cmd=("$aasim" compile -M "$features" -b "$root/base"); else cmd=("${parser[@]}"); fi
  /usr/bin/time -o "$timing" -f '%e %U %S %M' "${cmd[@]}" "$fapp" > /dev/null 2>&1 || true
  read -r wall user sys rss < <(tail -1 "$timing")
  printf '%-16s fapp alone: wall %6.1f s   CPU %6.1f s   peak RSS %6d MiB\n' "$tool" "$wall" \
    "$(awk -v u="$user" -v s="$sys" 'BEGIN {print u + s}')" $((rss / 1024))
done
