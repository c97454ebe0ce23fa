#!/usr/bin/env bash
# Runs the whole suite on a release build and on a sanitizer (ASan+UBSan)
# build, and the threaded tests on a ThreadSanitizer build, then prints the combined "N passed, N failed" line as the very last
# line. Exits non-zero if anything failed.
#
# Usage: tests/run_all.sh RELEASE_BUILD_DIR [SANITIZER_BUILD_DIR [TSAN_BUILD_DIR]]
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ $# -lt 1 ] || [ $# -gt 3 ]; then
	echo "usage: $0 RELEASE_BUILD_DIR [SANITIZER_BUILD_DIR [TSAN_BUILD_DIR]]" >&2
	exit 2
fi

pass=0 fail=0 skip=0 status=0
# run_one BUILD ARGS...: runs tests/run.sh and adds its last line to the sums.
run_one() {
	local out last
	out=$(mktemp)
	bash "$HERE/run.sh" "$@" | tee "$out"
	[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
	last=$(tail -n 1 "$out")
	rm -f "$out"
	if [[ $last =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed(,\ ([0-9]+)\ skipped)?$ ]]; then
		pass=$((pass + BASH_REMATCH[1]))
		fail=$((fail + BASH_REMATCH[2]))
		skip=$((skip + ${BASH_REMATCH[4]:-0}))
	else
		echo "run.sh $1 did not print a summary" >&2
		fail=$((fail + 1))
		status=1
	fi
}

echo "=== release build: $1"
run_one "$1" --label release
if [ $# -ge 2 ]; then
	echo "=== sanitizer build: $2"
	run_one "$2" --label asan --sanitize
fi
if [ $# -ge 3 ]; then
	echo "=== ThreadSanitizer build (threaded tests): $3"
	run_one "$3" --label tsan --tsan
fi
[ $fail -gt 0 ] && status=1
line="$pass passed, $fail failed"
[ $skip -gt 0 ] && line="$line, $skip skipped"
echo "$line"
exit $status
