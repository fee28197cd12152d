#!/usr/bin/env bash
# `aasim crosscheck` over roddhjav's pre-built profile sets with the
# corpus's features.all: every profile file that Debian 12's apparmor_parser
# 3.0.8 accepts (column 3 of each tree's parser-status.tsv) must have its
# record fields and automata proven equal to the parser's. abi3 is the
# Debian 12 build (its own base directory); abi4 and abi5 are built for
# newer parsers and use upstream's profile set as base directory, the tree
# as include directory (their README). The parser needs about 690 CPU
# seconds for abi3 alone, so by default every 8th accepted file is
# compared; AASIM_CROSSCHECK_STRIDE=1 compares them all, and
# AASIM_CROSSCHECK_TREES (default "abi3 abi4 abi5") picks the trees.
set -euo pipefail
aasim=$1
corpus=${AASIM_CORPUS:-$2}
top="$corpus/profiles/roddhjav"
stride=${AASIM_CROSSCHECK_STRIDE:-8}
if ! command -v apparmor_parser >/dev/null; then
  echo "SKIP: apparmor_parser is not installed (Debian package apparmor)"
  exit 77
fi
if [[ ! -f "$top/abi3/parser-status.tsv" ]]; then
  echo "SKIP: no roddhjav/abi3 profiles under $corpus (set AASIM_CORPUS)"
  exit 77
fi
features="$corpus/parser-tests/features_files/features.all"
fflag=()
[[ -f "$features" ]] && fflag=(-M "$features")
status=0
for tree in ${AASIM_CROSSCHECK_TREES:-abi3 abi4 abi5}; do
  root="$top/$tree"
  [[ -f "$root/parser-status.tsv" ]] || continue
  if [[ $tree == abi3 ]]; then
    dirs=(-b "$root/base")
  else
    dirs=(-I "$root/apparmor.d" -b "$corpus/profiles/upstream/apparmor.d")
  fi
  failed=0 total=0
  while IFS= read -r p; do
    total=$((total + 1))
    out=$("$aasim" crosscheck "${fflag[@]}" "${dirs[@]}" "$root/apparmor.d/$p" 2>&1) && ok=1 || ok=0
    if ((!ok)); then
      failed=$((failed + 1))
      echo "DIFFERS: $tree/$p"
      echo "$out" | grep -v ' equal ' | head -5
    fi
  done < <(awk -F'\t' -v s="$stride" 'NR > 1 && $3 == "ok" && (++n % s) == 0 {print $1}' "$root/parser-status.tsv")
  echo "$((total - failed))/$total roddhjav/$tree profile files crosscheck equal (every ${stride}th file apparmor_parser 3.0.8 accepts)"
  [[ $total -gt 0 && $failed -eq 0 ]] || status=1
done
exit $status
