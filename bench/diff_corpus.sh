#!/bin/bash
# `aasim diff` of two versions of the whole profile corpus: the corpus's
# profiles/ copied twice, a handful of changes planted in the second copy
# (a widened glob, a removed deny, Px turned into ix, a dropped include, a
# rule added to an abstraction that a few profiles include), then one diff
# per profile set, each with the set's own search paths:
#
#   upstream/apparmor.d         its own base
#   upstream/extra-profiles     -b extra-profiles -I apparmor.d
#   roddhjav/abi3               -b abi3/base (3.0 language), -r
#   roddhjav/abi4, abi5         -I abiN/apparmor.d -b upstream/apparmor.d, -r
#
# usage: bench/diff_corpus.sh AASIM CORPUS [WORKDIR]
# Prints each diff's wall time and the total; the planted changes must be
# found (the script fails otherwise).
set -euo pipefail

aasim=$(realpath "$1")
corpus=$(realpath "$2")
work=${3:-$(mktemp -d /tmp/aasim-diff-bench.XXXXXX)}
mkdir -p "$work"
features=$corpus/parser-tests/features_files/features.all

rm -rf "$work/old" "$work/new"
cp -r "$corpus/profiles" "$work/old"
cp -r "$corpus/profiles" "$work/new"
cd "$work"

plant() {  # FILE SED-SCRIPT: the change must alter the file
  local file=new/$1
  cp "$file" "$file.orig"
  sed -i -e "$2" "$file"
  if cmp -s "$file" "$file.orig"; then
    echo "diff_corpus: the change to $1 did not apply" >&2
    exit 1
  fi
  rm "$file.orig"
}
# A widened glob, Px turned into ix, a dropped include, a removed deny,
# a rule added to an abstraction (every profile that includes it changes).
plant roddhjav/abi4/apparmor.d/profiles-g-l/kdump-config 's|^  /etc/magic r,|  /etc/** r,|'
plant upstream/apparmor.d/samba-dcerpcd 's|rpcd_classic Px -> samba-rpcd-classic,|rpcd_classic ix,|'
plant upstream/apparmor.d/lsb_release '/include <abstractions\/python>/d'
plant roddhjav/abi5/apparmor.d/profiles-a-f/acpi-powerbtn '/^  deny \/ r,/d'
plant upstream/apparmor.d/abstractions/xad '$a /var/lib/xad/** rw,'

total=0
run() {  # NAME EXPECTED-DIFFERING ARGS...
  local name=$1 expect=$2
  shift 2
  local start end status=0
  start=$(date +%s%N)
  "$aasim" diff -q -M "$features" "$@" > "$name.out" 2> "$name.err" || status=$?
  end=$(date +%s%N)
  local ms=$(( (end - start) / 1000000 ))
  total=$(( total + ms ))
  printf '%-24s %3d.%02d s  exit %d  %s\n' "$name" $((ms / 1000)) $((ms % 1000 / 10)) "$status" "$(tail -1 "$name.err")"
  if [ "$status" -gt 1 ]; then
    cat "$name.err" >&2
    exit 1
  fi
  for profile in $expect; do
    if ! grep -q "^profile $profile:" "$name.out"; then
      echo "diff_corpus: $name: the change to profile $profile was not reported" >&2
      cat "$name.out" >&2
      exit 1
    fi
  done
}

run upstream "samba-dcerpcd lsb_release ntpd" old/upstream/apparmor.d new/upstream/apparmor.d
run upstream-extra "" -b old/upstream/extra-profiles -I old/upstream/apparmor.d --rebase old=new \
  old/upstream/extra-profiles new/upstream/extra-profiles
run roddhjav-abi3 "" --language=3.0 -r -b old/roddhjav/abi3/base --rebase old=new \
  old/roddhjav/abi3/apparmor.d new/roddhjav/abi3/apparmor.d
run roddhjav-abi4 "kdump-config" -r -I old/roddhjav/abi4/apparmor.d -b old/upstream/apparmor.d --rebase old=new \
  old/roddhjav/abi4/apparmor.d new/roddhjav/abi4/apparmor.d
run roddhjav-abi5 "acpi-powerbtn" -r -I old/roddhjav/abi5/apparmor.d -b old/upstream/apparmor.d --rebase old=new \
  old/roddhjav/abi5/apparmor.d new/roddhjav/abi5/apparmor.d
printf '%-24s %3d.%02d s\n' total $((total / 1000)) $((total % 1000 / 10))
echo "reports in $work/*.out"
