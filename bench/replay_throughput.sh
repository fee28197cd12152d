#!/usr/bin/env bash
# Replay speed: a synthetic trace of N events (default 1,000,000) over the
# shipped example's web server (opens of allowed and denied paths, execs
# across fork, capabilities, sockets, signals), replayed by `aasim replay`
# against the source policy and against its compiled binary policy.
# Prints events per second; timings are never test assertions.
set -euo pipefail
aasim=${1:-build/aasim}
events=${2:-1000000}
ex=corpus/examples
features=()
[[ -f /usr/share/apparmor-features/features ]] && features=(-M /usr/share/apparmor-features/features)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 - "$events" > "$tmp/trace" <<'PY'
import random, sys
n = int(sys.argv[1]); rnd = random.Random(1)
print("#aasim-trace 1")
ops = ["open /srv/www/site{}/index.html r", "open /var/www/app{}/x.php r", "open /etc/shadow r",
       "open /var/log/webserver/a{}.log w", "open /etc/passwd{} r", "capability net_bind_service",
       "capability sys_admin", "network connect inet stream", "network create inet dgram",
       "signal hup unconfined receive", "mmap /usr/sbin/webserver rx"]
pid, written = 1000, 0
while written < n:
    print(f"{pid} start /usr/sbin/webserver"); written += 1
    for _ in range(50):
        print(f"{pid} " + rnd.choice(ops).format(rnd.randrange(1000))); written += 1
    print(f"{pid} fork {pid + 1}"); print(f"{pid + 1} exec /usr/bin/gzip")
    print(f"{pid + 1} open /var/log/webserver/a{rnd.randrange(100)}.log rw"); written += 3
    pid += 2
PY
"$aasim" compile "${features[@]}" -o "$tmp/policy.bin" -b "$ex" "$ex/usr.sbin.webserver"
for source in "$ex/usr.sbin.webserver" "$tmp/policy.bin"; do
  start=$(date +%s.%N)
  /usr/bin/time -f '%M' -o "$tmp/rss" "$aasim" replay "${features[@]}" -b "$ex" "$source" --trace "$tmp/trace" \
    > /dev/null 2> "$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
  end=$(date +%s.%N)
  count=$(grep -o '[0-9]* events replayed' "$tmp/err" | cut -d' ' -f1)
  awk -v c="$count" -v s="$start" -v e="$end" -v r="$(cat "$tmp/rss")" -v f="$(basename "$source")" \
    'BEGIN { printf "%-20s %9d events  %6.2f s  %9.0f events/s  peak RSS %d MiB\n", f, c, e - s, c / (e - s), r / 1024 }'
done
