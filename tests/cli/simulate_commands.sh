#!/usr/bin/env bash
# `aasim query` and `aasim replay` as a user runs them: exit status by
# verdict, rules named with locations, the same decisions from source and
# from its compiled binary policy, JSON that parses, malformed trace lines
# reported with their line numbers.
set -euo pipefail
aasim=$1
src=$2
ex="$src/corpus/examples"
policy="$ex/usr.sbin.webserver"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
features=()
[[ -f /usr/share/apparmor-features/features ]] && features=(-M /usr/share/apparmor-features/features)

status() { set +e; "$@" > "$tmp/out" 2> "$tmp/err"; echo $?; set -e; }

[[ $(status "$aasim" query -b "$ex" "$policy" -- webserver open /srv/www/index.html r) == 0 ]] || fail "allowed read must exit 0"
grep -q '^ALLOW webserver open /srv/www/index.html r' "$tmp/out" || fail "allow line: $(cat "$tmp/out")"
grep -q 'granted by .*usr.sbin.webserver:[0-9]*:[0-9]*: @{WEBROOT}/\*\* r,' "$tmp/out" || fail "rule not named: $(cat "$tmp/out")"

[[ $(status "$aasim" query -b "$ex" "$policy" -- webserver open /etc/shadow r) == 1 ]] || fail "denied read must exit 1"
grep -q 'deny by .*: deny /etc/shadow rw,' "$tmp/out" || fail "deny rule not named: $(cat "$tmp/out")"

[[ $(status "$aasim" query -b "$ex" "$policy" -- webserver exec /usr/bin/gzip) == 0 ]] || fail "exec gzip"
grep -q -- '-> gzip-helper \[Px, scrub\]' "$tmp/out" || fail "transition: $(cat "$tmp/out")"

[[ $(status "$aasim" query -b "$ex" "$policy" -- nosuch open /x r) == 2 ]] || fail "unknown profile must exit 2"
[[ $(status "$aasim" query -b "$ex" "$policy" -- webserver frob /x) == 2 ]] || fail "unknown operation must exit 2"
grep -q "unknown operation 'frob'" "$tmp/err" || fail "operation error: $(cat "$tmp/err")"

[[ $(status "$aasim" query --json -b "$ex" "$policy" -- webserver open /etc/shadow r) == 1 ]] || fail "json query"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["decision"]=="deny" and d["rules"][0]["effect"]=="deny", d' "$tmp/out" \
  || fail "json: $(cat "$tmp/out")"

# Replay from source and from the binary policy compiled from it.
"$aasim" compile "${features[@]}" -o "$tmp/policy.bin" -b "$ex" "$policy"
"$aasim" replay "${features[@]}" -b "$ex" "$policy" --trace "$ex/webserver.trace" > "$tmp/from-source" 2> "$tmp/err" \
  || fail "replay from source: $(cat "$tmp/err")"
"$aasim" replay "${features[@]}" "$tmp/policy.bin" --trace "$ex/webserver.trace" > "$tmp/from-blob" 2> "$tmp/err" \
  || fail "replay from the blob: $(cat "$tmp/err")"
diff "$tmp/from-source" "$tmp/from-blob" > /dev/null \
  || fail "source and blob decide differently: $(diff "$tmp/from-source" "$tmp/from-blob")"
grep -q '^ALLOW line 18 pid 101 webserver exec /usr/bin/gzip x -> gzip-helper' "$tmp/from-source" || fail "fork+exec"
grep -q '^DENY  \[DENIED\] line 20 pid 101 gzip-helper open /srv/www/index.html r' "$tmp/from-source" \
  || fail "the child runs under gzip-helper: $(cat "$tmp/from-source")"
"$aasim" replay --json "${features[@]}" -b "$ex" "$policy" --trace "$ex/webserver.trace" 2>/dev/null \
  | python3 -c 'import json,sys; rows=[json.loads(l) for l in sys.stdin]; assert len(rows)==15 and all({"line","pid","profile","decision","log","rules","transition"} <= r.keys() for r in rows), rows'

# A malformed line is reported with its number, and the replay fails.
printf '#aasim-trace 1\n1 start /usr/sbin/webserver\n1 open\n1 open /srv/www/x r\n' > "$tmp/bad.trace"
[[ $(status "$aasim" replay -b "$ex" "$policy" --trace "$tmp/bad.trace") == 1 ]] || fail "malformed trace must exit 1"
grep -q "bad.trace:3: error: usage: open PATH" "$tmp/err" || fail "malformed line: $(cat "$tmp/err")"
grep -q '^ALLOW line 4 pid 1 webserver open /srv/www/x r' "$tmp/out" || fail "later lines still replayed"
# Recorded audit log: every event agrees with its prediction; after a
# what-if change that grants the denied read, that event no longer does.
"$aasim" replay "${features[@]}" -b "$ex" "$policy" --trace "$ex/webserver.audit.log" > "$tmp/out" 2> "$tmp/err" \
  || fail "recorded replay: $(cat "$tmp/err")"
grep -q "5/5 recorded events agree" "$tmp/err" || fail "agreement: $(cat "$tmp/err")"
grep -q "2 lines without AppArmor events skipped" "$tmp/err" || fail "skipped lines: $(cat "$tmp/err")"
sed 's|^  deny /etc/shadow rw,|&\n  /etc/ssl/private/** r,|' "$policy" > "$tmp/whatif"
[[ $(status "$aasim" replay "${features[@]}" -b "$ex" "$tmp/whatif" --trace "$ex/webserver.audit.log") == 1 ]] \
  || fail "a changed policy must disagree with the log"
grep -q '^ALLOW line 2 .* recorded DENIED (DISAGREES)' "$tmp/out" || fail "what-if: $(cat "$tmp/out")"
grep -q "4/5 recorded events agree" "$tmp/err" || fail "what-if agreement: $(cat "$tmp/err")"
# On a terminal (here forced with --table) replay prints an aligned table.
"$aasim" replay --table "${features[@]}" -b "$ex" "$policy" --trace "$ex/webserver.trace" > "$tmp/table" 2> /dev/null \
  || fail "table replay"
python3 - "$tmp/table" <<'PY' || fail "table: $(cat "$tmp/table")"
import sys
lines = open(sys.argv[1]).read().split("\n\nsummary:")[0].splitlines()
header, rows = lines[0], lines[1:]
assert header.split() == ["LINE", "PID", "DECISION", "LOG", "PROFILE", "OPERATION", "NAME", "REQUESTED", "RESULT"], header
assert len(rows) == 15, rows
for name in ("DECISION", "PROFILE", "OPERATION", "NAME"):
    at = header.index(name)
    for r in rows:
        assert r[at - 2:at] == "  " and r[at] != " ", (name, r)
assert any(r.split()[2:7] == ["deny", "DENIED", "webserver", "capable", "sys_admin"] for r in rows), rows
PY
"$aasim" replay --lines "${features[@]}" -b "$ex" "$policy" --trace "$ex/webserver.trace" 2> /dev/null \
  | grep -q '^ALLOW line 7 pid 100 webserver open /srv/www/index.html' || fail "--lines"

# --language=3.0 reads policy as Debian 12's apparmor_parser 3.0.8 does:
# `#` after a variable's values is more values there, a comment in 6.0.
printf '@{v}=a  # b\nprofile t { /t/@{v} r, }\n' > "$tmp/lang.sd"
[[ $(status "$aasim" query --language=3.0 "$tmp/lang.sd" -- t open /t/b r) == 0 ]] || fail "3.0: # is a value"
[[ $(status "$aasim" query "$tmp/lang.sd" -- t open /t/b r) == 1 ]] || fail "6.0: # starts a comment"
[[ $(status "$aasim" query --language=4.2 "$tmp/lang.sd" -- t open /t/a r) == 2 ]] || fail "unknown language"

# Unix sockets by address on a kernel with network/af_unix.
unix_features="${AASIM_CORPUS:-$src/../shared/corpus}/parser-tests/features_files/features.all"
if [[ -f $unix_features ]]; then
  printf 'profile srv {\n  unix (bind, listen) type=stream addr=@srv,\n}\n' > "$tmp/unix.sd"
  [[ $(status "$aasim" query -M "$unix_features" "$tmp/unix.sd" -- srv network bind unix stream addr=@srv) == 0 ]] \
    || fail "unix bind by address: $(cat "$tmp/out" "$tmp/err")"
  [[ $(status "$aasim" query -M "$unix_features" "$tmp/unix.sd" -- srv network bind unix stream addr=@other) == 1 ]] \
    || fail "unix bind elsewhere must be denied: $(cat "$tmp/out")"
  grep -q 'info="failed local address match"' "$tmp/out" || fail "unix info: $(cat "$tmp/out")"
else
  echo "skipped unix socket queries: no corpus at $unix_features (set AASIM_CORPUS)"
fi
echo "query and replay behave (source and binary policy agree on $(grep -c '^[AD]' "$tmp/from-source") events)"
