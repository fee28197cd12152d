#!/usr/bin/env bash
# Installs the Debian 12 packages aasim needs to build and test, skipping
# those already present. Used by the README commands and by CI.
set -euo pipefail
packages=(cmake ninja-build g++ python3 python3-jsonschema graphviz patch libboost-dev libfmt-dev llvm-14-dev
          libgtest-dev libgmock-dev librapidcheck-dev apparmor apparmor-profiles apparmor-profiles-extra)
if [[ "${AASIM_WITH_FUZZ:-0}" == 1 ]]; then
  packages+=(clang libclang-rt-14-dev)
fi
# The packages of a list that are not installed.
missing_of() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
}
apt_install() {
  local sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@"
}
mapfile -t missing < <(missing_of "${packages[@]}")
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  apt_install "${missing[@]}"
fi
# The kernel-in-the-loop tests (tests/kernel/, docs/kernel.md) boot a VM:
# best effort, they report a skip without these.
mapfile -t kernel < <(missing_of qemu-system-x86 busybox-static cpio)
if ((${#kernel[@]})); then
  echo "installing for the kernel tests: ${kernel[*]}"
  apt_install "${kernel[@]}" || echo "could not install ${kernel[*]}: the kernel tests will be skipped"
fi
