#!/usr/bin/env bash
# Every roddhjav/abi3 file that apparmor_parser 3.0.8 accepts, compiled by
# aasim for the kernel's own features and loaded into Debian's 6.1 kernel
# by aasim's guest driver (tests/kernel/run_guest.sh): the kernel must
# accept every blob aasim writes. (The decisions under those blobs are
# compared with apparmor_parser's by run_suite.sh and run_guest_suite.sh.)
#
#   tests/kernel/load_all_blobs.sh AASIM GUEST_DRIVER [CORPUS] [OUT]
#
# Exit 77 (skip) when the VM cannot run, 1 when the kernel refuses a blob
# or aasim refuses a file apparmor_parser accepts.
set -euo pipefail
aasim=$(realpath "$1")
guest_driver=$(realpath "$2")
corpus=$(realpath -m "${AASIM_CORPUS:-${3:-$(dirname "$0")/../../../shared/corpus}}")
out=${4:-$(mktemp -d /tmp/aasim-loads.XXXXXX)}
here=$(cd "$(dirname "$0")" && pwd)
stride=1
started=$(date +%s)
# shellcheck source=suite_common.sh
source "$here/suite_common.sh"

awk -F'\t' 'NR > 1 && $3 == "ok" { print $1 }' "$abi3/parser-status.tsv" > "$out/files"
: > "$out/trace"
refused=0
while read -r file; do
  tag=$(echo "$file" | tr '/' '_')
  if "$aasim" compile --language=3.0 -M "$out/features" -b "$abi3/base" -o "$out/blobs/$tag.aasim.bin" \
       "$abi3/apparmor.d/$file" > /dev/null 2> "$out/blobs/$tag.err"; then
    printf 'load-blob %s\nunload-all\n' "$tag.aasim.bin" >> "$out/trace"
  else
    refused=$((refused + 1))
    echo "aasim refused $file: $(head -1 "$out/blobs/$tag.err")"
  fi
done < "$out/files"

split_trace "$out/trace" lpiece
run_piece() {
  local piece=$1 blobs=()
  while read -r blob; do blobs+=("$out/blobs/$blob"); done < <(awk '/^load-blob/ { print $2 }' "$piece")
  "$here/run_guest.sh" "$guest_driver" "$piece" "$out/loaded.${piece##*.}" "${blobs[@]}" || true
}
export -f run_piece
export out here guest_driver
rm -f "$out"/loaded.*
run_pieces lpiece run_piece

blobs=$(grep -c '^load-blob' "$out/trace" || true)
loaded=$(cat "$out"/loaded.* | awk -F'\t' '$3 ~ /^load-blob/ && $4 == "ok"' | wc -l)
cat "$out"/loaded.* | awk -F'\t' '$3 ~ /^load-blob/ && $4 != "ok" { print "the kernel refused " $3 ": " $5 " " $7 }'
echo "the kernel loaded $loaded of $blobs aasim blobs ($(wc -l < "$out/files") files apparmor_parser accepts, $refused refused by aasim); $(($(date +%s) - started)) s"
[[ $loaded -eq $blobs && $refused -eq 0 ]]
