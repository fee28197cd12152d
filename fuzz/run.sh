#!/usr/bin/env bash
# Builds the fuzzers with clang + ASan/UBSan and runs them for a bounded
# time: `fuzz/run.sh [SECONDS] [frontend|blob|compile|trace|spec|all]` (default 120 s, all;
# with "all" each fuzzer gets the whole time). Seeds: fuzz/seeds (profiles)
# and fuzz/seeds-blob (binary policies apparmor_parser wrote), fuzz/seeds-trace
# (audit log lines and synthetic traces), fuzz/seeds-spec (spec files).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-120}
which=${2:-all}
AASIM_WITH_FUZZ=1 scripts/install-deps.sh
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DAASIM_BUILD_FUZZERS=ON -DAASIM_BUILD_TESTS=OFF \
  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined" >/dev/null
run() {  # run NAME SEEDS MAXLEN [MORE SEED DIRS]
  cmake --build build-fuzz --target "$1"
  mkdir -p "build-fuzz/corpus-$1"
  "build-fuzz/fuzz/$1" -max_total_time="$seconds" -max_len="$3" -timeout=10 -artifact_prefix="build-fuzz/$1-" \
    "build-fuzz/corpus-$1" "$2" "${@:4}"
}
# libapparmor's log lines seed the trace fuzzer when the corpus is there
# (read only; never copied into the repository).
trace_seeds=()
corpus=${AASIM_CORPUS:-../shared/corpus}
[[ -d "$corpus/audit-logs/test_multi" ]] && trace_seeds=("$corpus/audit-logs/test_multi")
if [[ $which == frontend || $which == all ]]; then run frontend_fuzzer fuzz/seeds 4096; fi
if [[ $which == blob || $which == all ]]; then run blob_fuzzer fuzz/seeds-blob 16384; fi
if [[ $which == compile || $which == all ]]; then run compile_fuzzer fuzz/seeds 4096; fi
if [[ $which == trace || $which == all ]]; then run trace_fuzzer fuzz/seeds-trace 8192 "${trace_seeds[@]}"; fi
if [[ $which == spec || $which == all ]]; then run spec_fuzzer fuzz/seeds-spec 4096; fi
