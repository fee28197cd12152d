#!/usr/bin/env bash
# Kernel in the loop: operations drawn from corpus profiles, run by a real
# Linux kernel (../shared/tools/kernel-oracle: Debian's 6.1 kernel under
# QEMU) and predicted by `aasim replay`; and the same operations run by the
# kernel under aasim's own compiled blobs, which it must load and decide
# exactly as apparmor_parser's.
#
#   tests/kernel/run_suite.sh AASIM CASES_TOOL [CORPUS] [STRIDE] [OUT]
#
# The corpus is $AASIM_CORPUS when set, else CORPUS (the oracle is looked
# for beside it, in ../tools/kernel-oracle, or at $KERNEL_ORACLE).
# STRIDE: every n-th roddhjav/abi3 file that apparmor_parser 3.0.8 accepts
# (default $AASIM_KERNEL_STRIDE, else 6: about 270 files);
# AASIM_KERNEL_OPENS: file opens per profile (default 60). Exit 77 (skip)
# when QEMU or the oracle is missing, 1 on any disagreement.
set -euo pipefail
aasim=$(realpath "$1")
cases_tool=$(realpath "$2")
corpus=$(realpath -m "${AASIM_CORPUS:-${3:-$(dirname "$0")/../../../shared/corpus}}")
stride=${4:-${AASIM_KERNEL_STRIDE:-6}}
out=${5:-$(mktemp -d /tmp/aasim-kernel.XXXXXX)}
started=$(date +%s)
# shellcheck source=suite_common.sh
source "$(dirname "$0")/suite_common.sh"
compile_selected "$out/features"
compile_fixtures "$out/features"
"$cases_tool" --out "$out" --opens "${AASIM_KERNEL_OPENS:-60}" "$out/list"

# The kernel: the trace in pieces (split_trace), two VMs at a time; each
# VM holds only the blobs its piece loads, and has room for them.
split_trace "$out/oracle.trace" piece
run_piece() {
  local piece=$1 files=()
  while read -r blob; do files+=(--file "$out/blobs/$blob"); done < <(awk '/^load-blob/ { print $2 }' "$piece")
  "$oracle/run-in-kernel" --ops-only --mem 512 --timeout 3000 "${files[@]}" -- "$piece" \
    | awk -F'\t' -v OFS='\t' -v o="$(cat "$piece.offset")" '/^#/ { print; next } { $2 += o; print }' \
    > "$out/oracle.${piece##*.}"
}
export -f run_piece
export out oracle
rm -f "$out"/oracle.[0-9]*
run_pieces piece run_piece

# aasim's predictions: each case replayed from its source.
while read -r tag file; do
  [[ $file == /* ]] || file=$abi3/apparmor.d/$file
  "$aasim" replay --json --language=3.0 -M "$out/features" -b "$abi3/base" "$file" --trace "$out/$tag.trace" \
    > "$out/$tag.json" 2> "$out/$tag.replay.err" || true
done < "$out/sources"

status=0
python3 "$(dirname "$0")/compare.py" "$out" "$out"/oracle.[0-9]* || status=1
echo "aasim refused $refused of the files apparmor_parser compiled (no aasim blob for them)"
echo "kernel suite: $(($(date +%s) - started)) s; cases in $out"
exit $status
