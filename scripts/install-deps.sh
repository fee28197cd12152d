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
