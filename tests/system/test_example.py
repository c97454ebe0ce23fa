#!/usr/bin/python3
"""The embedded default example: conf/examples/ethertype_split.click on
traces/example.pcap writes the expected packets into each output file, the
committed trace is what scripts/gen_example_trace.py makes, and
scripts/run_example.sh prints its summary."""
import os
import subprocess

from pcaputil import SRCDIR, Checker, handler_values, read_pcap, run_weir, weir_binary

weir = weir_binary()
t = Checker("example")
trace = os.path.join(SRCDIR, "traces", "example.pcap")
conf = os.path.join(SRCDIR, "conf", "examples", "ethertype_split.click")

# The committed trace is reproducible.
regen = subprocess.run(["/usr/bin/python3", os.path.join(SRCDIR, "scripts", "gen_example_trace.py"),
                        t.path("regen.pcap")], capture_output=True, text=True)
t.check("gen_example_trace.py runs", regen.returncode == 0, regen.stderr[-500:])
if regen.returncode == 0:
    t.check("traces/example.pcap is what gen_example_trace.py writes",
            open(trace, "rb").read() == open(t.path("regen.pcap"), "rb").read())
t.check("traces/example.pcap is under 1 MiB", os.path.getsize(trace) < 1 << 20)

_, packets = read_pcap(trace)
etype = lambda p: p[12:14]  # noqa: E731
expected = {
    "arp": [p for p in packets if etype(p) == b"\x08\x06"],
    "ipv4_small": [p for p in packets if etype(p) == b"\x08\x00" and len(p) - 14 <= 576],
    "ipv4_large": [p for p in packets if etype(p) == b"\x08\x00" and len(p) - 14 > 576],
    "ipv6": [p for p in packets if etype(p) == b"\x86\xdd"],
    "vlan": [p for p in packets if etype(p) == b"\x81\x00"],
}
t.check("every output gets packets (test input sanity)", all(expected.values()),
        str({k: len(v) for k, v in expected.items()}))
names = ["total.count", "arp.count", "ipv4.count", "ipv4_small.count", "ipv4_large.count",
         "ipv6.count", "vlan.count", "vlan_painted.count", "other.count"]
args = [conf, "TRACE=" + trace, "OUT=" + t.tmp]
for n in names:
    args += ["-h", n]
run = run_weir(weir, args, SRCDIR)
t.ran_ok("weir runs the example configuration", run)
for name, pkts in expected.items():
    t.same_packets("%s.pcap holds the %d expected packets" % (name, len(pkts)), pkts,
                   t.path(name + ".pcap"))
v = handler_values(run.stdout, names)
want = {"total.count": len(packets), "ipv4.count": len(expected["ipv4_small"]) + len(expected["ipv4_large"]),
        "vlan_painted.count": len(expected["vlan"]), "other.count": 0}
for k in ("arp", "ipv4_small", "ipv4_large", "ipv6", "vlan"):
    want[k + ".count"] = len(expected[k])
for k, n in want.items():
    t.check("%s is %d" % (k, n), v.get(k) == str(n), "got %r" % v.get(k))
t.check("the DriverManager prints its summary line",
        "ethertype_split: %d packets" % len(packets) in run.stdout + run.stderr,
        "stdout %r stderr %r" % (run.stdout[-300:], run.stderr[-300:]))

env = dict(os.environ, WEIR=weir)
p = subprocess.run([os.path.join(SRCDIR, "scripts", "run_example.sh"), "ethertype_split", "OUT=" + t.tmp],
                   capture_output=True, text=True, env=env, timeout=120)
t.check("scripts/run_example.sh exits 0", p.returncode == 0, p.stdout[-800:] + p.stderr[-400:])
t.check("its summary lists total with %d packets" % len(packets),
        any(l.split() == ["total", str(len(packets))] for l in p.stdout.split("\n")), p.stdout[-800:])
t.check("its summary gives the wall time and the rate", "wall time:" in p.stdout and "Mpps" in p.stdout,
        p.stdout[-800:])
t.exit()
