#!/usr/bin/env bash
# `aasim diff`, `aasim test`, `aasim lint`, `aasim transitions` and
# `aasim suggest` as a user runs them on the shipped example: exit status,
# verdicts and witnesses, JSON that parses, JUnit XML that parses, SARIF
# that validates against the SARIF 2.1.0 schema (tests/fixtures/sarif).
set -euo pipefail
aasim=$(realpath "$1")
src=$(realpath "$2")
ex="$src/corpus/examples"
policy="$ex/usr.sbin.webserver"
next="$ex/next/usr.sbin.webserver"
schema="$src/tests/fixtures/sarif/sarif-schema-2.1.0.json"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
features=()
[[ -f /usr/share/apparmor-features/features ]] && features=(-M /usr/share/apparmor-features/features)
status() { set +e; "$@" > "$tmp/out" 2> "$tmp/err"; echo $?; set -e; }

# A Python with jsonschema (Debian's python3-jsonschema, installed by
# scripts/install-deps.sh, or the default python3's own).
py=""
for candidate in python3 /usr/bin/python3; do
  if "$candidate" -c 'import jsonschema' 2>/dev/null; then py=$candidate; break; fi
done
[[ -n $py ]] || fail "no python3 with jsonschema (scripts/install-deps.sh installs python3-jsonschema)"
validate_sarif() {
  "$py" - "$schema" "$1" <<'EOF' || fail "SARIF $1 does not validate"
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
log = json.load(open(sys.argv[2]))
jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(log)
assert log["runs"][0]["tool"]["driver"]["name"] == "aasim"
EOF
}
# The validator itself must reject a broken log.
echo '{"version":"2.1.0","runs":[{"tool":{"driver":{}}}]}' > "$tmp/bad.sarif"
if ( validate_sarif "$tmp/bad.sarif" ) >/dev/null 2>&1; then fail "the SARIF check accepts a log without a driver name"; fi

# --- diff -------------------------------------------------------------------
[[ $(status "$aasim" diff "${features[@]}" -b "$ex" "$policy" "$policy") == 0 ]] || fail "identical diff must exit 0: $(cat "$tmp/err")"
[[ ! -s "$tmp/out" ]] || fail "identical diff printed: $(cat "$tmp/out")"
[[ $(status "$aasim" diff "${features[@]}" -b "$ex" "$policy" "$next") == 1 ]] || fail "changed diff must exit 1: $(cat "$tmp/err")"
grep -q '^profile webserver: more permissive' "$tmp/out" || fail "verdict: $(cat "$tmp/out")"
grep -q 'transition changed: webserver exec /usr/bin/gzip (was Px -> gzip-helper, now ix)' "$tmp/out" || fail "transition witness: $(cat "$tmp/out")"
grep -q 'newly allowed: webserver access /var/log/webserver/a wacd (was denied, now allowed)' "$tmp/out" || fail "widened glob witness: $(cat "$tmp/out")"
# Every witness is a request: `aasim query` decides it differently under the two.
grep -o 'newly allowed: webserver [^(]*' "$tmp/out" | sed 's/newly allowed: //; s/ *$//' > "$tmp/witnesses"
[[ -s "$tmp/witnesses" ]] || fail "no witnesses"
while read -r -a words; do
  [[ $(status "$aasim" query "${features[@]}" -b "$ex" "$policy" -- "${words[@]}") == 1 ]] || fail "old policy allows ${words[*]}"
  [[ $(status "$aasim" query "${features[@]}" -b "$ex" "$next" -- "${words[@]}") == 0 ]] || fail "new policy denies ${words[*]}"
done < "$tmp/witnesses"
[[ $(status "$aasim" diff --json "${features[@]}" -b "$ex" "$policy" "$next") == 1 ]] || fail "json diff"
"$py" -c 'import json,sys; d=json.load(open(sys.argv[1])); p=d["profiles"][0]; assert not d["equivalent"] and p["profile"]=="webserver" and p["verdict"]=="more permissive", d' "$tmp/out" \
  || fail "diff json: $(cat "$tmp/out")"
[[ $(status "$aasim" diff "${features[@]}" -b "$ex" "$policy" "$next" --trace "$ex/webserver.trace") == 1 ]] || fail "trace diff"
grep -q 'webserver.trace:18: webserver exec /usr/bin/gzip: was ALLOW -> gzip-helper \[Px\], now ALLOW -> webserver \[ix\]' "$tmp/out" \
  || fail "trace diff: $(cat "$tmp/out")"
[[ $(status "$aasim" diff "${features[@]}" -b "$ex" "$policy" "$policy" --trace "$ex/webserver.trace") == 0 ]] || fail "same policy, same trace"
[[ $(status "$aasim" diff -b "$ex" "$policy") == 2 ]] || fail "one input must be a usage error"
[[ $(status "$aasim" diff -b "$ex" "$policy" "$ex/broken.profile") == 2 ]] || fail "a broken profile must exit 2"
grep -q 'broken.profile:[0-9]*:[0-9]*: error' "$tmp/err" || fail "broken profile diagnostic: $(cat "$tmp/err")"
# Directories: unchanged files are not compiled, a changed one is.
mkdir -p "$tmp/old" "$tmp/new"
cp -r "$ex/abstractions" "$ex/tunables" "$ex/abi" "$policy" "$tmp/old/"
cp -r "$ex/abstractions" "$ex/tunables" "$ex/abi" "$tmp/new/"
cp "$next" "$tmp/new/usr.sbin.webserver"
printf 'profile other /usr/bin/other {\n  /tmp/** r,\n}\n' > "$tmp/old/other"
cp "$tmp/old/other" "$tmp/new/other"
[[ $(status "$aasim" diff "${features[@]}" "$tmp/old" "$tmp/new") == 1 ]] || fail "directory diff: $(cat "$tmp/err")"
grep -q '1 files with the same sources on both sides' "$tmp/err" || fail "unchanged file not skipped: $(cat "$tmp/err")"
echo '  /etc/extra r,' > "$tmp/new/abstractions/example-extra"
sed -i 's|^  /tmp/\*\* r,|  /tmp/** r,\n  include <abstractions/example-extra>|' "$tmp/new/other"
[[ $(status "$aasim" diff "${features[@]}" "$tmp/old" "$tmp/new") == 1 ]] || fail "directory diff 2"
grep -q 'newly allowed: other access /etc/extra r' "$tmp/out" || fail "included change: $(cat "$tmp/out")"

# A file that does not compile (here in both versions, changed: an unchanged
# one is not compiled at all) is reported and left out; the rest is still
# compared, and the status says it (2); -j gives the same.
cp "$ex/broken.profile" "$tmp/old/broken"
{ cat "$ex/broken.profile"; echo "# changed"; } > "$tmp/new/broken"
[[ $(status "$aasim" diff "${features[@]}" "$tmp/old" "$tmp/new") == 2 ]] || fail "a broken file must exit 2"
grep -q "new/broken does not compile in either version: left out" "$tmp/err" || fail "broken file note: $(cat "$tmp/err")"
grep -q 'newly allowed: other access /etc/extra r' "$tmp/out" || fail "the rest is compared: $(cat "$tmp/out")"
cp "$tmp/out" "$tmp/sequential"
[[ $(status "$aasim" diff -j2 "${features[@]}" "$tmp/old" "$tmp/new") == 2 ]] || fail "-j2 with a broken file"
cmp -s "$tmp/out" "$tmp/sequential" || fail "-j2 differs: $(diff "$tmp/out" "$tmp/sequential")"
rm "$tmp/old/broken" "$tmp/new/broken"

# --- test -------------------------------------------------------------------
spec="$ex/webserver.spec"
[[ $(status "$aasim" test "${features[@]}" -b "$ex" "$spec") == 0 ]] || fail "example spec must pass: $(cat "$tmp/out" "$tmp/err")"
grep -q '^PASS .*webserver.spec:16: never \* write /etc/shadow' "$tmp/out" || fail "test output: $(cat "$tmp/out")"
[[ $(status "$aasim" test "${features[@]}" -b "$ex" --policy "$next" --junit "$tmp/junit.xml" --sarif "$tmp/test.sarif" "$spec") == 1 ]] \
  || fail "the next version must fail the spec"
grep -q '^FAIL .*webserver.spec:13: transition webserver exec /usr/bin/gzip -> gzip-helper' "$tmp/out" || fail "failure line: $(cat "$tmp/out")"
grep -q 'granted by: /usr/bin/gzip ix, (.*next/usr.sbin.webserver:[0-9]*:[0-9]*)' "$tmp/out" || fail "rule of the failure: $(cat "$tmp/out")"
validate_sarif "$tmp/test.sarif"
"$py" - "$tmp/junit.xml" <<'EOF' || fail "junit: $(cat "$tmp/junit.xml")"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites" and root.get("failures") == "2", root.attrib
cases = root.findall(".//testcase")
assert len(cases) == int(root.get("tests")) and sum(1 for c in cases if c.find("failure") is not None) == 2
EOF
[[ $(status "$aasim" test --json "${features[@]}" -b "$ex" --policy "$next" "$spec") == 1 ]] || fail "json test"
"$py" -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
fails = [r for r in rows if r["result"] == "fail"]
assert len(rows) == 14 and len(fails) == 2 and fails[1]["rules"], rows' "$tmp/out" || fail "test json: $(cat "$tmp/out")"
printf 'policy %s\nnever webserver write /var/log/**\nbogus words\n' "$(realpath "$policy")" > "$tmp/bad.spec"
[[ $(status "$aasim" test "${features[@]}" -b "$ex" --sarif "$tmp/bad.sarif" "$tmp/bad.spec") == 1 ]] || fail "bad spec must fail"
grep -q 'bad.spec:3: error: unknown assertion' "$tmp/err" || fail "spec error: $(cat "$tmp/err")"
grep -q 'webserver access /var/log/webserver/.log w: allowed' "$tmp/out" || fail "never counterexample: $(cat "$tmp/out")"
validate_sarif "$tmp/bad.sarif"
[[ $(status "$aasim" test "$tmp/nosuch.spec") == 2 ]] || fail "a missing spec must exit 2"

# --- lint -------------------------------------------------------------------
lint="$src/tests/fixtures/lint"
[[ $(status "$aasim" lint "${features[@]}" -b "$ex" "$policy") == 0 ]] || fail "the example must lint clean: $(cat "$tmp/out")"
[[ $(status "$aasim" lint "${features[@]}" --sarif "$tmp/lint.sarif" "$lint/findings.profile") == 1 ]] || fail "lint fixture must exit 1"
for expect in 'findings.profile:7:3: warning: \[redundant\]' 'findings.profile:9:3: warning: \[shadowed\]' \
              'findings.profile:12:3: error: \[missing-target\]' 'findings.profile:14:3: error: \[no-attachment\]' \
              'findings.profile:16:3: warning: \[unconfined-exec\]' 'findings.profile:18:3: warning: \[unconfined-exec\]' \
              'findings.profile:20:3: warning: \[dangerous-capability\]' 'findings.profile:22:3: warning: \[sensitive-write\]' \
              'note: granted by .*findings.profile:5:3: /etc/linted/\*\* r,' 'note: denied by .*findings.profile:10:8: deny'; do
  grep -q "$expect" "$tmp/out" || fail "lint: no '$expect' in $(cat "$tmp/out")"
done
validate_sarif "$tmp/lint.sarif"
"$py" -c 'import json,sys; r=json.load(open(sys.argv[1]))["runs"][0]["results"]; assert len(r)==9 and all(x["locations"][0]["physicalLocation"]["region"]["startLine"]>0 for x in r), r' \
  "$tmp/lint.sarif" || fail "lint sarif results"
[[ $(status "$aasim" lint "${features[@]}" --json --trace "$lint/findings.trace" "$lint/findings.profile") == 1 ]] || fail "lint --trace"
"$py" -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
dead = sorted(r["location"].rsplit(":", 2)[1] for r in rows if r["kind"] == "dead")
assert dead == sorted(["5", "7", "9", "10", "12", "14", "16", "18", "22"]), dead' "$tmp/out" || fail "dead rules: $(cat "$tmp/out")"

# --- transitions ------------------------------------------------------------
graph="$src/tests/fixtures/transitions/graph.profile"
[[ $(status "$aasim" transitions "${features[@]}" -b "$ex" "$policy") == 0 ]] || fail "example transitions: $(cat "$tmp/err")"
grep -q '^  /usr/bin/gzip Px -> gzip-helper ' "$tmp/out" || fail "example edge: $(cat "$tmp/out")"
[[ $(status "$aasim" transitions "${features[@]}" "$graph") == 1 ]] || fail "missing targets must exit 1"
for expect in '^  /usr/bin/gzip Cx -> backupd//gzip ' '^  /usr/bin/sh ux -> unconfined ' \
              '^  /usr/bin/logger pux -> (no profile attaches) \[missing\] (else ux) ' \
              '^  change_profile -> idle ' '^backupd//maintenance: hat' '^rsync: attaches to /usr/bin/rsync; reached from backupd' \
              'graph.profile:7:3: profile backupd: /usr/bin/ssh Px -> nosuch: no profile nosuch'; do
  grep -q -- "$expect" "$tmp/out" || fail "transitions: no '$expect' in $(cat "$tmp/out")"
done
sed -n '/^unreachable/,/^$/p' "$tmp/out" | grep -q '^  lonely$' || fail "unreachable: $(cat "$tmp/out")"
[[ $(status "$aasim" transitions --dot "${features[@]}" "$graph") == 1 ]] || fail "transitions --dot"
grep -q '"backupd" -> "backupd//gzip"' "$tmp/out" || fail "dot edge: $(cat "$tmp/out")"
dot -Tsvg "$tmp/out" > "$tmp/graph.svg" || fail "dot does not render: $(cat "$tmp/out")"
[[ $(status "$aasim" transitions --json "${features[@]}" "$graph") == 1 ]] || fail "transitions --json"
"$py" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert any(t["missing"]=="nosuch" for t in d["transitions"]), d' "$tmp/out" \
  || fail "transitions json: $(cat "$tmp/out")"

# --- suggest ----------------------------------------------------------------
cp -r "$src/tests/fixtures/suggest" "$tmp/s"
(
  cd "$tmp"
  [[ $(status "$aasim" suggest -b s s/app.profile --trace s/app.trace --spec s/app.spec --patch app.diff) == 1 ]] \
    || fail "suggest must exit 1 (a deny rule and two rejected suggestions): $(cat "$tmp/out" "$tmp/err")"
  for expect in '^  + include <abstractions/hosts-lookup>    # s/app.trace:3 open /etc/hosts (or: owner /etc/hosts r,)' \
                '^  + owner @{APPDIR}/data/cache.db rw,' '^  + @{HOME}/.apprc r,' \
                '^  - capability net_admin,    # not suggested: it would break s/app.spec:4' \
                '^  - owner @{APPDIR}/secret.key r,    # not suggested: it would break s/app.spec:3' \
                '^not suggested: s/app.trace:6: app open /etc/shadow: denied by s/app.profile:7:8'; do
    grep -q -- "$expect" "$tmp/out" || fail "suggest: no '$expect' in $(cat "$tmp/out")"
  done
  grep -q '3 now allowed, 3 still denied; spec: no assertion broken' "$tmp/err" || fail "suggest summary: $(cat "$tmp/err")"
  # The patch applies, and the patched policy allows what was suggested and keeps the spec.
  patch -s -p1 < app.diff || fail "the suggested patch does not apply: $(cat app.diff)"
  "$aasim" replay -b s s/app.profile --trace s/app.trace > replayed 2>/dev/null || fail "replay of the patched policy"
  for line in 3 4 5; do
    grep -q "^ALLOW line $line " replayed || fail "line $line still denied: $(cat replayed)"
  done
  [[ $(status "$aasim" test -b s s/app.spec) == 0 ]] || fail "the patched policy breaks the spec: $(cat "$tmp/out")"
  # Without a spec or abstractions: every denial but the deny rule's gets its smallest rule.
  cp "$src/tests/fixtures/suggest/app.profile" s/app.profile
  [[ $(status "$aasim" suggest --no-abstractions -b s s/app.profile --trace s/app.trace) == 1 ]] || fail "suggest without spec"
  grep -q '^  + owner /etc/hosts r,' "$tmp/out" || fail "no-abstractions: $(cat "$tmp/out")"
  grep -q '^  + capability net_admin,' "$tmp/out" || fail "capability suggestion: $(cat "$tmp/out")"
  grep -q '5 now allowed, 1 still denied' "$tmp/err" || fail "suggest summary 2: $(cat "$tmp/err")"
)
[[ $(status "$aasim" suggest -b "$ex" "$policy") == 2 ]] || fail "suggest without a trace must exit 2"

echo "analysis commands: ok"
