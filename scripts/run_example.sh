#!/usr/bin/env bash
# Runs an example configuration from conf/examples/ with the weir binary
# (built beforehand by "make") and prints a readable summary: what ran, the
# packets counted by each Counter element, the wall time and the rate.
#
# Usage: scripts/run_example.sh [NAME|FILE.click] [VAR=VALUE...]
#   NAME defaults to ethertype_split; WEIR=path overrides build/weir.
# Output pcaps go to out/ (created here) unless OUT=DIR is given.
set -u
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$SRC" || exit 1
WEIR=${WEIR:-$SRC/build/weir}

name=${1:-ethertype_split}
[ $# -gt 0 ] && shift
case $name in
*.click) conf=$name ;;
*) conf=conf/examples/$name.click ;;
esac
if [ ! -f "$conf" ]; then
	echo "run_example.sh: no configuration $conf; examples:" >&2
	ls conf/examples/*.click | sed 's|.*/||; s|\.click$||; s|^|  |' >&2
	exit 2
fi
if [ ! -x "$WEIR" ]; then
	echo "run_example.sh: $WEIR not found: build it first (make)" >&2
	exit 2
fi

out=out
for v in "$@"; do
	case $v in OUT=*) out=${v#OUT=} ;; esac
done
mkdir -p "$out"
if [ ! -f traces/example.pcap ]; then
	/usr/bin/python3 scripts/gen_example_trace.py >/dev/null || exit 1
fi

# Every "NAME :: Counter" in the configuration gets its count read at exit.
mapfile -t counters < <(sed 's|//.*||' "$conf" | grep -oE '[A-Za-z_][A-Za-z0-9_/@]*[[:space:]]*::[[:space:]]*Counter\b' |
	sed -E 's/[[:space:]]*::.*//' | awk '!seen[$0]++')
hargs=()
for c in "${counters[@]}"; do
	hargs+=(-h "$c.count")
done

echo "configuration: $conf $*"
echo "binary:        $WEIR"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
start=$(date +%s%N)
"$WEIR" "$conf" "$@" "${hargs[@]}" >"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
end=$(date +%s%N)

/usr/bin/python3 - "$tmp/stdout" "$tmp/stderr" "$rc" "$((end - start))" "${counters[@]}" <<'EOF'
import sys
stdout, stderr, rc, ns = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
names = sys.argv[5:]
lines = open(stdout, errors="replace").read().split("\n")
values, driver_lines, current = {}, [], None
for line in lines:
    key = line[:-1] if line.endswith(":") else None
    if key and key.endswith(".count") and key[:-6] in names:
        current = key[:-6]
    elif current is not None and line.strip():
        values[current] = line.strip()
        current = None
    elif line.strip():
        driver_lines.append(line)
if len(names) == 1 and not values and driver_lines:
    values[names[0]] = driver_lines.pop().strip()
for l in driver_lines:
    print("driver says:   " + l)
err = [l for l in open(stderr, errors="replace").read().split("\n") if l.strip()]
for l in err[:20]:
    print("stderr:        " + l)
if names:
    print("packets per element:")
    width = max(len(n) for n in names)
    for n in names:
        print("  %-*s %12s" % (width, n, values.get(n, "?")))
secs = ns / 1e9
counts = [int(v) for v in values.values() if v.isdigit()]
total = max(counts) if counts else 0
print("wall time:     %.3f s (whole process: start-up, trace loading and run)" % secs)
if total and secs > 0:
    print("rate:          %.3f Mpps (%d packets through the busiest Counter)" % (total / secs / 1e6, total))
print("exit status:   %d" % rc)
EOF
exit $rc
