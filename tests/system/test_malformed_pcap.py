#!/usr/bin/python3
"""FromDump on broken pcap files: an empty file, a short header, a bad magic
number, a truncated last packet and a missing file. weir must not crash or
hang: it exits normally (no signal, no sanitizer report) and its error
output names the file. A truncated file still delivers its complete
packets."""
import struct

from pcaputil import Checker, example_packets, read_pcap, run_weir, weir_binary, write_pcap

weir = weir_binary()
t = Checker("malformed_pcap")
packets = example_packets(20, seed=17)
write_pcap(t.path("good.pcap"), packets)
good = open(t.path("good.pcap"), "rb").read()

cases = {
    "empty.pcap": b"",
    "short-header.pcap": good[:10],
    "bad-magic.pcap": b"\xde\xad\xbe\xef" + good[4:],
    "truncated.pcap": good[:-7],
    "huge-caplen.pcap": good[:24] + struct.pack("<IIII", 1, 0, 0x7FFFFFF0, 0x7FFFFFF0) + b"\x00" * 64,
}
for name, data in cases.items():
    with open(t.path(name), "wb") as f:
        f.write(data)


def run_on(name):
    return run_weir(weir, ["-e", "FromDump(%s, STOP true) -> c :: Counter -> ToDump(out-%s)" % (name, name),
                           "-h", "c.count"], t.tmp, timeout=30)


for name in list(cases) + ["missing.pcap"]:
    run = run_on(name)
    t.check("%s: weir runs and does not hang" % name, isinstance(run.returncode, int), repr(run))
    if not isinstance(run.returncode, int):
        continue
    t.check("%s: weir is not killed by a signal" % name, run.returncode >= 0, repr(run))
    t.check("%s: no sanitizer report" % name, not run.sanitizer, run.sanitizer[:1500])
    if name == "huge-caplen.pcap":
        # The header is valid, so the error comes while reading: any exit
        # status, but the error must be said.
        t.check("%s: stderr names the file" % name, name in run.stderr, repr(run))
    elif name == "truncated.pcap":
        t.check("%s: stderr names the file" % name, name in run.stderr, repr(run))
        try:
            _, got = read_pcap(t.path("out-" + name))
            t.check("%s: the %d complete packets are delivered" % (name, len(packets) - 1),
                    got == packets[:-1], "got %d packets" % len(got))
        except Exception as e:  # noqa: BLE001 - reported as a failed check
            t.check("%s: output readable" % name, False, str(e))
    elif name == "empty.pcap" and run.returncode == 0:
        # Accepting an empty file as "no packets" is allowed if said clearly.
        t.check("%s: accepted with a message naming the file" % name, name in run.stderr, repr(run))
    else:
        t.check("%s: exit status is non-zero" % name, run.returncode > 0, repr(run))
        t.check("%s: stderr names the file" % name, name in run.stderr, repr(run))
t.exit()
