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
oracle=${KERNEL_ORACLE:-$(realpath -m "$corpus/../tools/kernel-oracle")}
abi3=$corpus/profiles/roddhjav/abi3
if ! command -v qemu-system-x86_64 > /dev/null || [[ ! -x $oracle/run-in-kernel ]]; then
  echo "skipped: needs qemu-system-x86 and $oracle/run-in-kernel (see its README)"
  exit 77
fi
if [[ ! -f $abi3/parser-status.tsv ]]; then
  echo "skipped: no corpus at $corpus (set AASIM_CORPUS)"
  exit 77
fi
out=${5:-$(mktemp -d /tmp/aasim-kernel.XXXXXX)}
mkdir -p "$out/blobs"
started=$(date +%s)

# The kernel's own feature set, as the oracle's guest reports it.
# Its first run fetches Debian's kernel package (apt-get download): a
# machine that cannot boot the VM skips the suite and says why.
if [[ ! -s $out/features ]] && ! "$oracle/run-in-kernel" --dump-features "$out/features" -- /dev/null > "$out/boot.log" 2>&1; then
  echo "skipped: the kernel oracle could not boot its VM:"
  tail -5 "$out/boot.log"
  exit 77
fi

# Every n-th file 3.0.8 accepts, compiled by apparmor_parser and by aasim
# for that feature set (two at a time), aasim reading 3.0.8's language:
# the kernel's userspace on Debian 12 is apparmor_parser 3.0.8.
awk -F'\t' -v s="$stride" 'NR > 1 && $3 == "ok" && ++n % s == 0 { print $1 }' "$abi3/parser-status.tsv" > "$out/files"
compile_one() {
  local file=$1 tag
  tag=$(echo "$file" | tr '/' '_')
  apparmor_parser -Q -S -M "$out/features" -b "$abi3/base" "$abi3/apparmor.d/$file" \
    > "$out/blobs/$tag.parser.bin" 2> /dev/null || { rm -f "$out/blobs/$tag.parser.bin"; return 0; }
  "$aasim" compile --language=3.0 -M "$out/features" -b "$abi3/base" -o "$out/blobs/$tag.aasim.bin" "$abi3/apparmor.d/$file" \
    > /dev/null 2> "$out/blobs/$tag.aasim.err" || rm -f "$out/blobs/$tag.aasim.bin"
}
export -f compile_one
export aasim out abi3
xargs -P 2 -I{} bash -c 'compile_one "$@"' _ {} < "$out/files"
: > "$out/list"
refused=0
while read -r file; do
  tag=$(echo "$file" | tr '/' '_')
  [[ -f $out/blobs/$tag.parser.bin ]] || continue
  if [[ -f $out/blobs/$tag.aasim.bin ]]; then
    echo "$tag $out/blobs/$tag.parser.bin $out/blobs/$tag.aasim.bin" >> "$out/list"
  else
    refused=$((refused + 1))
    echo "$tag $out/blobs/$tag.parser.bin" >> "$out/list"
  fi
  echo "$tag $file" >> "$out/sources"
done < "$out/files"
"$cases_tool" --out "$out" --opens "${AASIM_KERNEL_OPENS:-60}" "$out/list"

# The kernel: the trace in two pieces, one VM per core; each piece starts
# at a load-blob line so that it holds whole cases.
total=$(wc -l < "$out/oracle.trace")
half=$(awk -v h=$((total / 2)) '/^load-blob/ && NR > h { print NR; exit }' "$out/oracle.trace")
half=${half:-$((total + 1))}
: > "$out/oracle.0"
: > "$out/oracle.1"
head -n $((half - 1)) "$out/oracle.trace" > "$out/piece.0"
tail -n +"$half" "$out/oracle.trace" > "$out/piece.1"
for i in 0 1; do
  [[ -s $out/piece.$i ]] || continue
  # Each VM holds only the blobs its piece loads (they sit in the guest's
  # memory), and has room for them.
  files=()
  while read -r blob; do files+=(--file "$out/blobs/$blob"); done < <(awk '/^load-blob/ { print $2 }' "$out/piece.$i")
  # Lines are numbered from the piece's start: shift them back.
  offset=$((i == 0 ? 0 : half - 1))
  ( "$oracle/run-in-kernel" --ops-only --mem 512 --timeout 3000 "${files[@]}" -- "$out/piece.$i" \
      | awk -F'\t' -v OFS='\t' -v o="$offset" '/^#/ { print; next } { $2 += o; print }' > "$out/oracle.$i" ) &
done
wait

# aasim's predictions: each case replayed from its source.
while read -r tag file; do
  "$aasim" replay --json --language=3.0 -M "$out/features" -b "$abi3/base" "$abi3/apparmor.d/$file" --trace "$out/$tag.trace" \
    > "$out/$tag.json" 2> "$out/$tag.replay.err" || true
done < "$out/sources"

status=0
python3 "$(dirname "$0")/compare.py" "$out" "$out/oracle.0" "$out/oracle.1" || status=1
echo "aasim refused $refused of the files apparmor_parser compiled (no aasim blob for them)"
echo "kernel suite: $(($(date +%s) - started)) s; cases in $out"
exit $status
