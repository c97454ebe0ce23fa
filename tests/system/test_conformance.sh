#!/usr/bin/env bash
# Runs every FastClick conformance case of ../shared/conformance (beside the
# repository) with its own runner, which compares weir's output pcaps and
# handler values with FastClick's packet by packet. Skips (77) when the
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
exec "$RUN" "$BIN"
