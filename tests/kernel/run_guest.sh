#!/usr/bin/env bash
# Boots Debian's kernel (the one ../shared/tools/kernel-oracle fetches and
# caches) with aasim's own guest driver as PID 1 and runs one trace of
# tests/kernel/guest/aasim_guest.cpp's format in it.
#
#   tests/kernel/run_guest.sh GUEST_DRIVER TRACE OUTPUT [FILE...]
#
# GUEST_DRIVER: the static aasim_guest binary; FILEs (blobs) are shipped
# into /aasim/run beside the trace. OUTPUT gets the driver's result lines
# (tab separated, see aasim_guest.cpp). The oracle is $KERNEL_ORACLE, or
# ../tools/kernel-oracle beside $AASIM_CORPUS. Exit 0 when the guest ran
# the trace to its end, 1 otherwise (the console's tail on stderr).
set -euo pipefail
driver=$(realpath "$1")
trace=$(realpath "$2")
output=$3
shift 3
corpus=${AASIM_CORPUS:-$(dirname "$0")/../../../shared/corpus}
oracle=${KERNEL_ORACLE:-$(realpath -m "$corpus/../tools/kernel-oracle")}
cache=${KERNEL_ORACLE_CACHE:-/tmp/kernel-oracle}
"$oracle/build-initramfs" > /dev/null  # the kernel, fetched once and cached

run=$(mktemp -d /tmp/aasim-guest.XXXXXX)
trap 'rm -rf "$run"' EXIT
root=$run/root
mkdir -p "$root"/{proc,sys,dev,tmp,aasim/run}
install -m 0755 "$driver" "$root/aasim/driver"
cp "$trace" "$root/aasim/run/trace"
for f in "$@"; do cp "$f" "$root/aasim/run/"; done
(cd "$root" && find . -print0 | sort -z | cpio --null -o -H newc --quiet) > "$run/initrd"

timeout "${AASIM_GUEST_TIMEOUT:-3000}" qemu-system-x86_64 -accel tcg,thread=single -m "${AASIM_GUEST_MEM:-512}" -smp 1 \
  -nodefaults -no-user-config -display none -no-reboot \
  -kernel "$cache/vmlinux" -initrd "$run/initrd" \
  -append "console=ttyS0 quiet panic=-1 apparmor=1 lsm=landlock,lockdown,yama,apparmor rdinit=/aasim/driver" \
  -serial "file:$run/console.log" -serial "file:$run/out.txt" > "$run/qemu.log" 2>&1 || true
tr -d '\r' < "$run/out.txt" > "$output"
if ! grep -q '^# end$' "$output"; then
  echo "run_guest: the guest did not finish; last console lines:" >&2
  tail -20 "$run/console.log" >&2 || true
  exit 1
fi
