#!/usr/bin/env bash
# Kernel in the loop, with aasim's own guest driver: the operations the
# kernel oracle lacks (signals and ptrace between confined tasks,
# change_hat, pivot_root, mount and umount of every kind, change_profile
# and change_onexec, socket operations on loopback and unix addresses, a
# non-root user's opens, dbus-daemon's label queries), drawn from corpus
# profiles (and complain/kill variants of them, and tests/kernel/fixtures),
# run by Debian's 6.1 kernel under QEMU
# (tests/kernel/run_guest.sh) and predicted by `aasim replay`; and the same
# under aasim's own compiled blobs.
#
#   tests/kernel/run_guest_suite.sh AASIM CASES_TOOL GUEST_DRIVER [CORPUS] [STRIDE] [OUT]
#
# STRIDE: every n-th roddhjav/abi3 file that apparmor_parser 3.0.8 accepts
# (default $AASIM_KERNEL_STRIDE, else 6). Policy is compiled for the
# kernel's features plus dbus (which Debian's kernel does not list: its
# rules would be dropped; the query interface answers them all the same).
# Exit 77 (skip) when QEMU or the oracle is missing, 1 on any disagreement.
set -euo pipefail
aasim=$(realpath "$1")
cases_tool=$(realpath "$2")
guest_driver=$(realpath "$3")
corpus=$(realpath -m "${AASIM_CORPUS:-${4:-$(dirname "$0")/../../../shared/corpus}}")
stride=${5:-${AASIM_KERNEL_STRIDE:-6}}
out=${6:-$(mktemp -d /tmp/aasim-guest.XXXXXX)}
here=$(cd "$(dirname "$0")" && pwd)
started=$(date +%s)
# shellcheck source=suite_common.sh
source "$here/suite_common.sh"
features=$out/features.dbus
{ cat "$out/features"; printf 'dbus {mask {acquire send receive\n}\n}\n'; } > "$features"
compile_selected "$features"
# Mode variants: every third file again with its first profile in
# complain mode and in kill mode (the corpus profiles are all enforce).
mkdir -p "$out/variants"
awk 'NR % 3 == 1' "$out/sources" > "$out/variant-sources"
while read -r tag file; do
  for mode in complain kill; do
    variant=$out/variants/${tag}__$mode
    awk -v m="$mode" '!done && /^profile / {
        if ($0 ~ /flags=\(/) sub(/flags=\(/, "flags=(" m ",")
        else sub(/ *\{ *$/, " flags=(" m ") {")
        done = 1
      } { print }' "$abi3/apparmor.d/$file" > "$variant"
    apparmor_parser -Q -S -M "$features" -b "$abi3/base" "$variant" > "$out/blobs/${tag}__$mode.parser.bin" 2> /dev/null || continue
    "$aasim" compile --language=3.0 -M "$features" -b "$abi3/base" -o "$out/blobs/${tag}__$mode.aasim.bin" "$variant" \
      > /dev/null 2>&1 || rm -f "$out/blobs/${tag}__$mode.aasim.bin"
    aasim_blob=$out/blobs/${tag}__$mode.aasim.bin
    [[ -f $aasim_blob ]] || aasim_blob=
    echo "${tag}__$mode $out/blobs/${tag}__$mode.parser.bin $aasim_blob" >> "$out/list"
    echo "${tag}__$mode $variant" >> "$out/sources"
  done
done < "$out/variant-sources"

compile_fixtures "$features"
"$cases_tool" --out "$out" --opens "${AASIM_KERNEL_OPENS:-10}" "$out/list"

# Each case's peer profiles, by both compilers.
while read -r tag file; do
  [[ -f $out/$tag.peers.sd ]] || continue
  apparmor_parser -Q -S -M "$features" "$out/$tag.peers.sd" > "$out/blobs/$tag.peers.parser.bin"
  "$aasim" compile --language=3.0 -M "$features" -o "$out/blobs/$tag.peers.aasim.bin" "$out/$tag.peers.sd"
done < "$out/sources"

# The kernel: the trace in pieces (split_trace), two VMs at a time.
split_trace "$out/guest.trace" gpiece
run_piece() {
  local piece=$1 blobs=()
  while read -r blob; do blobs+=("$out/blobs/$blob"); done < <(awk '/^load-blob/ { print $2 }' "$piece")
  local k=${piece##*.}
  if "$here/run_guest.sh" "$guest_driver" "$piece" "$out/graw.$k" "${blobs[@]}"; then
    awk -F'\t' -v OFS='\t' -v o="$(cat "$piece.offset")" '/^#/ { print; next } { $1 += o; print }' \
      "$out/graw.$k" > "$out/guest.$k"
  fi
}
export -f run_piece
export out here guest_driver
rm -f "$out"/graw.* "$out"/guest.[0-9]*
run_pieces gpiece run_piece

# aasim's predictions: each case replayed from its source and its peers.
while read -r tag file; do
  [[ -f $out/$tag.guest.trace ]] || continue
  [[ $file == /* ]] || file=$abi3/apparmor.d/$file
  peers=()
  [[ -f $out/$tag.peers.sd ]] && peers=("$out/$tag.peers.sd")
  "$aasim" replay --json --language=3.0 -M "$features" -b "$abi3/base" "$file" "${peers[@]}" \
    --trace "$out/$tag.guest.trace" > "$out/$tag.guest.json" 2> "$out/$tag.guest.err" || true
done < "$out/sources"

status=0
python3 "$here/compare_guest.py" "$out" "$out"/guest.[0-9]* || status=1
echo "aasim refused $refused of the files apparmor_parser compiled (no aasim blob for them)"
echo "guest kernel suite: $(($(date +%s) - started)) s; cases in $out"
exit $status
