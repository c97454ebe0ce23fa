#!/usr/bin/env bash
# make bench: microbenchmarks, then the anchor configurations (P1-P4, P6) run unchanged;
# GEN=DIR adds the cases whose inputs the anchors tools generate into DIR.
set -eu
BUILD=${1:-build-bench}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
echo "== machine: $(nproc) cpus, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
for b in "$BUILD"/bench/bench_*; do
	[ -x "$b" ] || continue
	echo "== $(basename "$b")"
	taskset -c 1 "$b" || "$b"
done
echo "== anchors (median of ${RUNS:-5}; Mpps from STOP=S vs 2S difference)"
/usr/bin/python3 bench/anchors.py --weir "$ROOT/$BUILD/weir" --anchors "$ROOT/../shared/anchors" \
	--runs "${RUNS:-5}" ${GEN:+--gen "$GEN"}
echo "== thread scaling (1 -> 2 threads, RSS-sharded replay; median of ${RUNS:-3})"
/usr/bin/python3 bench/scaling.py --weir "$ROOT/$BUILD/weir" --anchors "$ROOT/../shared/anchors" \
	--runs "${RUNS:-3}"
