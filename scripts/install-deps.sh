#!/usr/bin/env bash
# Installs the Debian 12 packages aasim needs to build and test, skipping
# those already present. Used by the README commands and by CI.
set -euo pipefail
packages=(cmake ninja-build g++ python3 libboost-dev libfmt-dev llvm-14-dev
          libgtest-dev libgmock-dev librapidcheck-dev apparmor apparmor-profiles apparmor-profiles-extra)
if [[ "${AASIM_WITH_FUZZ:-0}" == 1 ]]; then
  packages+=(clang libclang-rt-14-dev)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  echo "installing: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# The kernel-in-the-loop tests (tests/kernel/, docs/kernel.md) boot a VM:
# best effort, they report a skip without these.
kernel=()
for p in qemu-system-x86 busybox-static cpio; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || kernel+=("$p")
done
if ((${#kernel[@]})); then
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  echo "installing for the kernel tests: ${kernel[*]}"
  { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${kernel[@]}"; } \
    || echo "could not install ${kernel[*]}: the kernel tests will be skipped"
fi
