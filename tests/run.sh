#!/usr/bin/env bash
# Runs every test of one build: cmocka unit tests (meson test), the element
# .clicktest files and the system tests, then prints "N passed, N failed"
# (", N skipped" when any) as its last line. Exits non-zero on any failure.
#
# Usage: tests/run.sh BUILD_DIR [--label NAME] [--sanitize] [--verbose]
#   --sanitize  exports ASAN_OPTIONS/UBSAN_OPTIONS for a sanitizer build
#   --tsan      ThreadSanitizer build: only the threaded tests (the unit tests
#               of tests/unit/threads and tests/elements/threads), and any
#               race report fails the test
#   --label     prefixes the per-part lines (e.g. "release", "asan")
# Environment: TEST_JOBS (parallel clicktests, default 2),
#   SYSTEM_TIMEOUT (seconds per system test, default 300).
set -u

ARGS=("$@")
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

usage() {
	echo "usage: $0 BUILD_DIR [--label NAME] [--sanitize] [--verbose]" >&2
	exit 2
}

BUILD=""
LABEL=""
SANITIZE=0
TSAN=0
VERBOSE=0
while [ $# -gt 0 ]; do
	case $1 in
	--label) [ $# -ge 2 ] || usage; LABEL=$2; shift ;;
	--label=*) LABEL=${1#--label=} ;;
	--sanitize) SANITIZE=1 ;;
	--tsan) TSAN=1 ;;
	--verbose|-v) VERBOSE=1 ;;
	-*) usage ;;
	*) [ -z "$BUILD" ] || usage; BUILD=$1 ;;
	esac
	shift
done
[ -n "$BUILD" ] || usage
[ -d "$BUILD" ] || { echo "$0: $BUILD: no such build directory" >&2; exit 2; }
BUILD=$(cd "$BUILD" && pwd)
WEIR="$BUILD/weir"
[ -n "$LABEL" ] || LABEL=$(basename "$BUILD")
JOBS=${TEST_JOBS:-2}
SYSTEM_TIMEOUT=${SYSTEM_TIMEOUT:-300}
LOGDIR="$BUILD/test-logs"
mkdir -p "$LOGDIR"

if [ $SANITIZE = 1 ]; then
	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
	export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
fi
if [ $TSAN = 1 ]; then
	export TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1"
	# Some kernels randomise mmap so that TSan cannot map its shadow
	# ("unexpected memory mapping"): run without ASLR there.
	if ! "$BUILD/weir" -q -e 'Idle' >/dev/null 2>&1 &&
	    setarch "$(uname -m)" -R "$BUILD/weir" -q -e 'Idle' >/dev/null 2>&1; then
		echo "[$LABEL] TSan needs ASLR off here: re-running under setarch -R"
		exec setarch "$(uname -m)" -R bash "$0" "${ARGS[@]}"
	fi
fi
export WEIR

total_pass=0
total_fail=0
total_skip=0

# tally PART PASSED FAILED SKIPPED
tally() {
	total_pass=$((total_pass + $2))
	total_fail=$((total_fail + $3))
	total_skip=$((total_skip + $4))
	echo "[$LABEL] $1: $2 passed, $3 failed, $4 skipped"
}

# --- unit tests -------------------------------------------------------------
echo "[$LABEL] unit tests: meson test -C $BUILD"
rm -f "$BUILD/meson-logs/testlog.json"   # never count a stale log
suite=()
[ $TSAN = 1 ] && suite=(--suite threads)
meson test -C "$BUILD" --print-errorlogs "${suite[@]}" >"$LOGDIR/meson-test.out" 2>&1
meson_rc=$?
[ $VERBOSE = 1 ] && cat "$LOGDIR/meson-test.out"
# Count the cmocka cases in each test's output (an executable without cmocka
# markers counts as one test); a test that fails after all its cases passed
# (a leak report at exit, a crash in teardown) adds one failure.
counts=$("$PY" - "$BUILD/meson-logs/testlog.json" "$meson_rc" <<'EOF'
import json, re, sys
path, rc = sys.argv[1], int(sys.argv[2])
p = f = s = 0
try:
    entries = [json.loads(l) for l in open(path) if l.strip()]
except OSError:
    entries = []
for e in entries:
    out = (e.get("stdout") or "") + (e.get("stderr") or "")
    result = e.get("result", "")
    run = len(re.findall(r"^\[ RUN      \]", out, re.M))
    ok = len(re.findall(r"^\[       OK \]", out, re.M))
    skipped = len(re.findall(r"^\[  SKIPPED \] (?!\d+ test)", out, re.M))
    if run:
        p += ok
        s += skipped
        f += run - ok - skipped
        if result not in ("OK", "EXPECTEDFAIL") and run == ok + skipped:
            f += 1
    elif result in ("OK", "EXPECTEDFAIL"):
        p += 1
    elif result == "SKIP":
        s += 1
    else:
        f += 1
if rc != 0 and f == 0:
    f = 1      # meson itself failed (build error, no log): never report success
print(p, f, s)
EOF
)
read -r up uf us <<<"$counts"
if [ "$uf" -ne 0 ]; then
	grep -E '^ *[0-9]+/[0-9]+ .*(FAIL|ERROR|TIMEOUT)' "$LOGDIR/meson-test.out" | awk '!seen[$0]++' | sed 's/^/    /'
	[ $VERBOSE = 1 ] || tail -n 40 "$LOGDIR/meson-test.out" | sed 's/^/    | /'
fi
tally "unit tests (cmocka cases)" "$up" "$uf" "$us"

# --- element clicktests ----------------------------------------------------
dirs=()
for d in "$SRC/tests/elements" "$SRC/tests/clicktest_selftest"; do
	[ -d "$d" ] && dirs+=("$d")
done
[ $TSAN = 1 ] && dirs=("$SRC/tests/elements/threads")
if [ ! -x "$WEIR" ]; then
	echo "[$LABEL] clicktests: $WEIR missing"
	tally "clicktests" 0 1 0
else
	vflag=()
	[ $VERBOSE = 1 ] && vflag=(--verbose)
	"$PY" "$SRC/tests/clicktest.py" --weir "$WEIR" --jobs "$JOBS" "${vflag[@]}" "${dirs[@]}" \
		>"$LOGDIR/clicktest.out" 2>&1
	ct_rc=$?
	if [ $VERBOSE = 1 ]; then
		cat "$LOGDIR/clicktest.out"
	else
		# failures (with their detail lines) only
		awk '/^(PASS|SKIP) /{show=0} /^FAIL /{show=1} show' "$LOGDIR/clicktest.out" | sed 's/^/    /'
	fi
	last=$(tail -n 1 "$LOGDIR/clicktest.out")
	if [[ $last =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed(,\ ([0-9]+)\ skipped)?$ ]]; then
		cp=${BASH_REMATCH[1]} cf=${BASH_REMATCH[2]} cs=${BASH_REMATCH[4]:-0}
		[ $ct_rc -ne 0 ] && [ "$cf" -eq 0 ] && cf=1
	else
		echo "    clicktest.py did not finish: $last"
		cp=0 cf=1 cs=0
	fi
	tally "clicktests" "$cp" "$cf" "$cs"
fi

# --- system tests ----------------------------------------------------------
sp=0 sf=0 ss=0
for t in "$SRC"/tests/system/test_*; do
	[ -f "$t" ] || continue
	[ $TSAN = 1 ] && continue
	name=$(basename "$t")
	case $name in
	*.py) cmd=("$PY" "$t" "$WEIR") ;;
	*.sh) cmd=(bash "$t" "$WEIR") ;;
	*) continue ;;
	esac
	log="$LOGDIR/system-$name.log"
	start=$(date +%s%N)
	(cd "$SRC" && timeout -k 5 "$SYSTEM_TIMEOUT" "${cmd[@]}") >"$log" 2>&1 </dev/null
	rc=$?
	ms=$((($(date +%s%N) - start) / 1000000))
	secs=$((ms / 1000)).$((ms % 1000 / 100))
	[ $VERBOSE = 1 ] && sed 's/^/    | /' "$log"
	if [ $rc -eq 0 ]; then
		echo "PASS system/$name (${secs}s)"
		sp=$((sp + 1))
	elif [ $rc -eq 77 ]; then
		why=$(grep -v '^[[:space:]]*$' "$log" | tail -n 1 | cut -c1-120)
		echo "SKIP system/$name: $why"
		ss=$((ss + 1))
	else
		what="exit status $rc"
		[ $rc -eq 124 ] && what="timed out after ${SYSTEM_TIMEOUT}s"
		echo "FAIL system/$name: $what (log: $log)"
		[ $VERBOSE = 1 ] || tail -n 25 "$log" | sed 's/^/    | /'
		sf=$((sf + 1))
	fi
done
tally "system tests" "$sp" "$sf" "$ss"

line="$total_pass passed, $total_fail failed"
[ $total_skip -gt 0 ] && line="$line, $total_skip skipped"
echo "$line"
[ $total_fail -eq 0 ]
