#!/usr/bin/env bash
# `aasim crosscheck` on every installed profile (/etc/apparmor.d and the
# extra profiles): each profile's file automaton must be proven equal to
# the one the installed apparmor_parser builds. Needs apparmor_parser.
set -euo pipefail
aasim=$1
if ! command -v apparmor_parser >/dev/null; then
  echo "SKIP: apparmor_parser is not installed (Debian package apparmor)"
  exit 77
fi
base=/etc/apparmor.d
failed=0 total=0 equal=0
for f in "$base"/* /usr/share/apparmor/extra-profiles/*; do
  [[ -f $f && $(basename "$f") != README* ]] || continue
  # Only what the oracle itself accepts is compared.
  apparmor_parser -QK -b "$base" "$f" >/dev/null 2>&1 || continue
  total=$((total + 1))
  if out=$("$aasim" crosscheck -b "$base" "$f" 2>&1); then
    equal=$((equal + $(grep -c ' equal ' <<<"$out")))
  else
    failed=$((failed + 1))
    echo "DIFFERS: $f"
    echo "$out" | grep -v ' equal ' | head -5
  fi
done
echo "$((total - failed))/$total installed profile files crosscheck equal ($equal profile automata proven equal)"
if [[ $total -eq 0 ]]; then
  echo "SKIP: no installed profiles"
  exit 77
fi
[[ $failed -eq 0 ]]
