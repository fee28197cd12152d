#!/usr/bin/env bash
# Every real profile of the corpus must be accepted, with the search paths
# the corpus README gives: upstream's profile set (base dir), its extra
# profiles, and roddhjav's abi4/abi5 trees (-I tree, -b upstream).
set -euo pipefail
aasim=$1
corpus=${AASIM_CORPUS:-$2}
profiles="$corpus/profiles"
if [[ ! -d "$profiles/upstream/apparmor.d" ]]; then
  echo "SKIP: no profile corpus under $corpus (set AASIM_CORPUS)"
  exit 77
fi
up="$profiles/upstream/apparmor.d"
features="$corpus/parser-tests/features_files/features.all"
fflag=()
[[ -f "$features" ]] && fflag=(-M "$features")
failed=0 total=0
check() {  # check FILE ARGS...
  local f=$1; shift
  total=$((total + 1))
  if ! out=$("$aasim" check -q "${fflag[@]}" "$@" "$f" 2>&1); then
    failed=$((failed + 1))
    echo "REJECTED: $f"
    echo "$out" | head -3
  fi
}
is_profile() { [[ -f "$1" ]] && [[ "$(basename "$1")" != README* ]]; }
for f in "$up"/*; do is_profile "$f" && check "$f" -b "$up"; done
if [[ -d "$profiles/upstream/extra-profiles" ]]; then
  for f in "$profiles/upstream/extra-profiles"/*; do
    is_profile "$f" && check "$f" -b "$profiles/upstream/extra-profiles" -I "$up"
  done
fi
for abi in abi4 abi5; do
  tree="$profiles/roddhjav/$abi/apparmor.d"
  [[ -d "$tree" ]] || continue
  while IFS= read -r f; do
    check "$f" -I "$tree" -b "$up"
  done < <(find "$tree/groups" "$tree"/profiles-* "$tree/namespaces" -type f 2>/dev/null | sort)
done
echo "$((total - failed))/$total corpus profiles accepted"
[[ $failed -eq 0 && $total -gt 0 ]]
