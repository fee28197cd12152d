#!/usr/bin/env bash
# `aasim crosscheck` over roddhjav's abi3 build (the profile set Debian 12's
# apparmor_parser 3.0.8 compiles), with the corpus's features.all: every
# profile file the parser accepts (parser-status.tsv) must have file
# automata proven equal to the parser's. The parser needs about 690 CPU
# seconds for all 1,603 files, so by default every 8th file is compared;
# AASIM_CROSSCHECK_STRIDE=1 compares them all.
set -euo pipefail
aasim=$1
corpus=${AASIM_CORPUS:-$2}
root="$corpus/profiles/roddhjav/abi3"
stride=${AASIM_CROSSCHECK_STRIDE:-8}
if ! command -v apparmor_parser >/dev/null; then
  echo "SKIP: apparmor_parser is not installed (Debian package apparmor)"
  exit 77
fi
if [[ ! -f "$root/parser-status.tsv" ]]; then
  echo "SKIP: no roddhjav/abi3 profiles under $corpus (set AASIM_CORPUS)"
  exit 77
fi
features="$corpus/parser-tests/features_files/features.all"
fflag=()
[[ -f "$features" ]] && fflag=(-M "$features")
failed=0 total=0 notcompared=0
while IFS= read -r p; do
  total=$((total + 1))
  out=$("$aasim" crosscheck "${fflag[@]}" -b "$root/base" "$root/apparmor.d/$p" 2>&1) && ok=1 || ok=0
  notcompared=$((notcompared + $(grep -c ' not compared: ' <<<"$out" || true)))
  if ((!ok)); then
    failed=$((failed + 1))
    echo "DIFFERS: $p"
    echo "$out" | grep -v ' equal ' | head -5
  fi
done < <(awk -F'\t' -v s="$stride" 'NR > 1 && $3 == "ok" && (++n % s) == 0 {print $1}' "$root/parser-status.tsv")
echo "$((total - failed))/$total roddhjav/abi3 profile files crosscheck equal (every ${stride}th file the parser accepts; $notcompared policy automata not compared: mount rules)"
[[ $total -gt 0 && $failed -eq 0 ]]
