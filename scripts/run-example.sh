#!/usr/bin/env bash
# Fresh Debian 12 -> installed dependencies, Release build, and aasim's main
# job on the shipped example: check a profile (with its include), print it
# preprocessed, and compile it to the kernel's binary policy.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
set -x
build/aasim check -b corpus/examples corpus/examples/usr.sbin.webserver
build/aasim preprocess -b corpus/examples corpus/examples/usr.sbin.webserver
build/aasim names -b corpus/examples corpus/examples/usr.sbin.webserver
build/aasim compile --stats -o build/usr.sbin.webserver.bin -b corpus/examples corpus/examples/usr.sbin.webserver
ls -l build/usr.sbin.webserver.bin
# Simulate: one decision with its rule, then a whole session of the server.
build/aasim query -b corpus/examples corpus/examples/usr.sbin.webserver -- webserver open /etc/shadow r || true
build/aasim replay -M /usr/share/apparmor-features/features -b corpus/examples corpus/examples/usr.sbin.webserver \
  --trace corpus/examples/webserver.trace
# Recorded kernel audit records, replayed: does the policy explain them?
build/aasim replay -M /usr/share/apparmor-features/features -b corpus/examples corpus/examples/usr.sbin.webserver \
  --trace corpus/examples/webserver.audit.log
# A broken profile is rejected with a located diagnostic and exit status 1.
if build/aasim check -b corpus/examples corpus/examples/broken.profile; then
  echo "expected the broken example to be rejected" >&2
  exit 1
fi
# Before it ships (docs/guide.md): what the next version changes (exit 1:
# it differs), the promises of the spec, the exec transition graph.
features=/usr/share/apparmor-features/features
build/aasim diff -M "$features" -b corpus/examples corpus/examples/usr.sbin.webserver \
  corpus/examples/next/usr.sbin.webserver || [ $? -eq 1 ]
build/aasim test -M "$features" -b corpus/examples corpus/examples/webserver.spec
build/aasim transitions -M "$features" -b corpus/examples corpus/examples/usr.sbin.webserver
