#!/usr/bin/env bash
# Profiles installed on this machine (/etc/apparmor.d, Debian's
# apparmor-profiles and apparmor-profiles-extra): every one that the
# installed apparmor_parser accepts must be accepted by aasim too.
set -euo pipefail
aasim=$1
parser=$(command -v apparmor_parser || true)
if [[ -z "$parser" || ! -d /etc/apparmor.d ]]; then
  echo "SKIP: apparmor_parser or /etc/apparmor.d not installed"
  exit 77
fi
failed=0 total=0
check_dir() {  # check_dir DIR BASE
  local dir=$1 base=$2
  for f in "$dir"/*; do
    [[ -f "$f" ]] || continue
    case "$(basename "$f")" in README*|*.md) continue ;; esac
    "$parser" -Q -K -b "$base" "$f" >/dev/null 2>&1 || continue
    total=$((total + 1))
    if ! out=$("$aasim" check -q -b "$base" "$f" 2>&1); then
      failed=$((failed + 1))
      echo "REJECTED (apparmor_parser accepts): $f"
      echo "$out" | head -3
    fi
  done
}
check_dir /etc/apparmor.d /etc/apparmor.d
[[ -d /usr/share/apparmor/extra-profiles ]] && check_dir /usr/share/apparmor/extra-profiles /etc/apparmor.d
echo "$((total - failed))/$total installed profiles accepted"
[[ $failed -eq 0 && $total -gt 0 ]]
