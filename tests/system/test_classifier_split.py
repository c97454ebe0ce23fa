#!/usr/bin/python3
"""Classifier on Ethernet types splits a mixed trace into one file per type;
each file must hold exactly the packets of its type, in trace order, and the
Counter handlers must agree."""
from pcaputil import Checker, example_packets, handler_values, run_weir, weir_binary, write_pcap

weir = weir_binary()
t = Checker("classifier_split")
packets = example_packets(500, seed=11)
write_pcap(t.path("in.pcap"), packets)
with open(t.path("split.click"), "w") as f:
    f.write("""// split by Ethernet type
FromDump(in.pcap, STOP true) -> total :: Counter
  -> c :: Classifier(12/0806, 12/0800, 12/86dd, -);
c[0] -> arp :: Counter -> ToDump(arp.pcap);
c[1] -> ipv4 :: Counter -> ToDump(ipv4.pcap);
c[2] -> ipv6 :: Counter -> ToDump(ipv6.pcap);
c[3] -> other :: Counter -> ToDump(other.pcap);
""")
names = ["total.count", "total.byte_count", "arp.count", "ipv4.count", "ipv6.count", "other.count"]
args = ["split.click"]
for n in names:
    args += ["-h", n]
run = run_weir(weir, args, t.tmp)
t.ran_ok("weir runs the Classifier configuration", run)

subsets = {
    "arp": [p for p in packets if p[12:14] == b"\x08\x06"],
    "ipv4": [p for p in packets if p[12:14] == b"\x08\x00"],
    "ipv6": [p for p in packets if p[12:14] == b"\x86\xdd"],
}
subsets["other"] = [p for p in packets if p[12:14] not in (b"\x08\x06", b"\x08\x00", b"\x86\xdd")]
t.check("the trace holds every kind (test input sanity)", all(len(s) > 0 for s in subsets.values()),
        str({k: len(v) for k, v in subsets.items()}))
for name, expected in subsets.items():
    t.same_packets("%s.pcap holds the %d %s packets in order" % (name, len(expected), name),
                   expected, t.path(name + ".pcap"))

values = handler_values(run.stdout, names)
t.check("total.count is %d" % len(packets), values.get("total.count") == str(len(packets)),
        "got %r" % values.get("total.count"))
t.check("total.byte_count is the sum of the lengths",
        values.get("total.byte_count") == str(sum(len(p) for p in packets)),
        "got %r, expected %d" % (values.get("total.byte_count"), sum(len(p) for p in packets)))
for name, expected in subsets.items():
    t.check("%s.count is %d" % (name, len(expected)),
            values.get(name + ".count") == str(len(expected)), "got %r" % values.get(name + ".count"))
t.exit()
