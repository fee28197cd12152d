#!/usr/bin/env bash
# `aasim crosscheck` on every installed profile (/etc/apparmor.d and the
# extra profiles): each profile's automata must be proven equal to the ones
# the installed apparmor_parser builds, without a features file (file DFA
# only, 3.0.8's built-in features) and with Debian 12's kernel features
# (policy DFA too). Needs apparmor_parser.
set -euo pipefail
aasim=$1
if ! command -v apparmor_parser >/dev/null; then
  echo "SKIP: apparmor_parser is not installed (Debian package apparmor)"
  exit 77
fi
base=/etc/apparmor.d
modes=(none)
[[ -f /usr/share/apparmor-features/features ]] && modes+=(/usr/share/apparmor-features/features)
failed=0 total=0 notcompared=0 equal=0
for mode in "${modes[@]}"; do
  fflag=()
  [[ $mode != none ]] && fflag=(-M "$mode")
  for f in "$base"/* /usr/share/apparmor/extra-profiles/*; do
    [[ -f $f && $(basename "$f") != README* ]] || continue
    # Only what the oracle itself accepts is compared.
    apparmor_parser -QK "${fflag[@]}" -b "$base" "$f" >/dev/null 2>&1 || continue
    total=$((total + 1))
    out=$("$aasim" crosscheck "${fflag[@]}" -b "$base" "$f" 2>&1) && ok=1 || ok=0
    notcompared=$((notcompared + $(grep -c ' not compared: ' <<<"$out" || true)))
    if ((ok)); then
      equal=$((equal + $(grep -c ' equal ' <<<"$out" || true)))
    else
      failed=$((failed + 1))
      echo "DIFFERS ($mode): $f"
      echo "$out" | grep -v ' equal ' | head -5
    fi
  done
done
echo "$((total - failed))/$total installed profile files crosscheck equal over ${#modes[@]} feature sets ($equal automata proven equal, $notcompared policy automata not compared: mount rules)"
if [[ $total -eq 0 ]]; then
  echo "SKIP: no installed profiles"
  exit 77
fi
[[ $failed -eq 0 ]]
