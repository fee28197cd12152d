#!/usr/bin/env bash
# `aasim crosscheck` over upstream AppArmor's profile set in the corpus
# (profiles/upstream: apparmor.d and extra-profiles), without a features
# file and with features.all: every file the installed apparmor_parser
# accepts must have its records and automata proven equal to the parser's.
# Most of the set is written for newer parsers (@{exec_path}, abi 4.0) and
# is rejected by 3.0.8; those files are counted, not compared.
set -euo pipefail
aasim=$1
corpus=${AASIM_CORPUS:-$2}
base="$corpus/profiles/upstream/apparmor.d"
if ! command -v apparmor_parser >/dev/null; then
  echo "SKIP: apparmor_parser is not installed (Debian package apparmor)"
  exit 77
fi
if [[ ! -d "$base" ]]; then
  echo "SKIP: no upstream profiles under $corpus (set AASIM_CORPUS)"
  exit 77
fi
features="$corpus/parser-tests/features_files/features.all"
modes=(none)
[[ -f "$features" ]] && modes+=("$features")
total=0 failed=0 rejected=0
for mode in "${modes[@]}"; do
  fflag=()
  [[ $mode != none ]] && fflag=(-M "$mode")
  for f in "$base"/* "$corpus/profiles/upstream/extra-profiles"/*; do
    [[ -f $f && $(basename "$f") != README* ]] || continue
    if ! apparmor_parser -QK "${fflag[@]}" -b "$base" "$f" >/dev/null 2>&1; then
      rejected=$((rejected + 1))
      continue
    fi
    total=$((total + 1))
    if ! out=$("$aasim" crosscheck "${fflag[@]}" -b "$base" "$f" 2>&1); then
      failed=$((failed + 1))
      echo "DIFFERS (${mode##*/}): $f"
      echo "$out" | grep -v ' equal ' | head -5
    fi
  done
done
echo "$((total - failed))/$total upstream profile files crosscheck equal, without features and with features.all ($rejected rejected by apparmor_parser 3.0.8)"
[[ $total -gt 0 && $failed -eq 0 ]]
