#!/usr/bin/env bash
# Builds the fuzzers with clang + ASan/UBSan and runs the frontend fuzzer for
# a bounded time (default 120 s) from the seed corpus in fuzz/seeds.
set -euo pipefail
cd "$(dirname "$0")/.."
AASIM_WITH_FUZZ=1 scripts/install-deps.sh
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DAASIM_BUILD_FUZZERS=ON -DAASIM_BUILD_TESTS=OFF \
  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined" >/dev/null
cmake --build build-fuzz --target frontend_fuzzer
mkdir -p build-fuzz/corpus
build-fuzz/fuzz/frontend_fuzzer -max_total_time="${1:-120}" -max_len=4096 -timeout=10 \
  build-fuzz/corpus fuzz/seeds
