#!/usr/bin/env bash
# Self-test of tests/clicktest.py: the good tests must pass, and every test in
# tests/clicktest_selftest_fail/ must be reported as a failure (a runner that
# cannot fail would hide every broken element test).
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TESTS=$(dirname "$HERE")
RUNNER="$TESTS/clicktest.py"
PY=/usr/bin/python3
BIN=/bin/true          # the self-tests never run weir; any executable will do
failures=0

check() {   # check DESCRIPTION COMMAND...
	local what=$1
	shift
	if "$@"; then
		echo "ok   $what"
	else
		echo "FAIL $what"
		failures=$((failures + 1))
	fi
}

out=$("$PY" "$RUNNER" --weir "$BIN" --jobs 2 "$TESTS/clicktest_selftest")
rc=$?
echo "$out" | sed 's/^/    /'
check "good tests: exit status 0" test $rc -eq 0
check "good tests: no FAIL line" bash -c '! grep -q "^FAIL" <<<"$1"' _ "$out"
check "good tests: summary says 0 failed" bash -c 'tail -n 1 <<<"$1" | grep -Eq "^[1-9][0-9]* passed, 0 failed$"' _ "$out"

out=$("$PY" "$RUNNER" --weir "$BIN" --timeout 1 --jobs 2 "$TESTS/clicktest_selftest_fail")
rc=$?
echo "$out" | sed 's/^/    /'
check "bad tests: exit status 1" test $rc -eq 1
check "bad tests: no PASS line" bash -c '! grep -q "^PASS" <<<"$1"' _ "$out"
for f in "$TESTS"/clicktest_selftest_fail/*.clicktest; do
	name=$(basename "$f")
	case $name in
	require-*) check "$name is skipped" bash -c 'grep -q "^SKIP .*/$2" <<<"$1"' _ "$out" "$name" ;;
	*) check "$name is reported as a failure" bash -c 'grep -q "^FAIL .*/$2: " <<<"$1"' _ "$out" "$name" ;;
	esac
done
nfail=$(ls "$TESTS"/clicktest_selftest_fail/*.clicktest | grep -vc '/require-')
check "bad tests: summary counts $nfail failures" bash -c 'tail -n 1 <<<"$1" | grep -Eq "^0 passed, $2 failed, 1 skipped$"' _ "$out" "$nfail"
check "a wrong line names the line and both values" \
	bash -c 'grep -q "wrong-line.clicktest: stdout line 2: expected .three., got .two." <<<"$1"' _ "$out"
check "a failing command names its line in the test file" \
	bash -c 'grep -q "command-fails.clicktest: exit status 1 at line 5 .false." <<<"$1"' _ "$out"
check "a timeout is reported" bash -c 'grep -q "timeout.clicktest: timed out" <<<"$1"' _ "$out"

"$PY" "$RUNNER" --weir /nonexistent/weir "$TESTS/clicktest_selftest" >/dev/null 2>&1
check "a missing binary is a usage error (exit 2)" test $? -eq 2
"$PY" "$RUNNER" --weir "$BIN" /nonexistent/dir >/dev/null 2>&1
check "a missing test path is an error" test $? -ne 0

if [ $failures -ne 0 ]; then
	echo "$failures check(s) failed"
	exit 1
fi
echo "all checks passed"
