#!/usr/bin/env bash
# Runs the FastClick conformance cases listed in conformance_cases.txt with
# ../shared/conformance/run (beside the repository). Skips (77) when the
# shared suite is absent.
# Usage: test_conformance.sh [WEIR_BINARY]   (default $WEIR, then build/weir)
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
RUN="$SRC/../shared/conformance/run"
BIN=${1:-${WEIR:-$SRC/build/weir}}

if [ ! -x "$RUN" ]; then
	echo "skipped: no conformance suite at $RUN"
	exit 77
fi
if [ ! -x "$BIN" ]; then
	echo "FAIL: weir binary $BIN not found"
	exit 1
fi
cases=()
while IFS= read -r line || [ -n "$line" ]; do
	line=${line%%#*}
	line=$(echo "$line" | tr -d '[:space:]')
	[ -n "$line" ] && cases+=("$line")
done <"$HERE/conformance_cases.txt"
if [ ${#cases[@]} -eq 0 ]; then
	echo "skipped: conformance_cases.txt lists no case"
	exit 77
fi
exec "$RUN" "$BIN" "${cases[@]}"
