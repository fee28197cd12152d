#!/usr/bin/env bash
# Fresh Debian 12 -> installed dependencies, Release build, every test.
# Corpus-driven tests read AASIM_CORPUS (default ../shared/corpus) and say
# so when they skip because it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
export AASIM_CORPUS="${AASIM_CORPUS:-$(cd .. && pwd)/shared/corpus}"
cd build
ctest --output-on-failure -j "$(nproc)"
