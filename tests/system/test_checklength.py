#!/usr/bin/python3
"""CheckLength(N) sends packets longer than N bytes to output 1 and the
others to output 0."""
from pcaputil import Checker, example_packets, handler_values, run_weir, weir_binary, write_pcap

weir = weir_binary()
t = Checker("checklength")
packets = example_packets(500, seed=13)
# a packet of exactly the limit and one byte more
packets.insert(3, packets[0][:200] + b"\x00" * max(0, 200 - len(packets[0])))
packets.insert(4, packets[1][:201] + b"\x00" * max(0, 201 - len(packets[1])))
write_pcap(t.path("in.pcap"), packets)
run = run_weir(weir, ["-e", """FromDump(in.pcap, STOP true) -> cl :: CheckLength(200);
cl[0] -> short :: Counter -> ToDump(short.pcap);
cl[1] -> long :: Counter -> ToDump(long.pcap);""", "-h", "short.count", "-h", "long.count"], t.tmp)
t.ran_ok("the CheckLength configuration runs", run)
short = [p for p in packets if len(p) <= 200]
long_ = [p for p in packets if len(p) > 200]
t.check("both outputs get packets (test input sanity)", short and long_)
t.same_packets("output 0 holds the %d packets of at most 200 bytes" % len(short), short, t.path("short.pcap"))
t.same_packets("output 1 holds the %d packets over 200 bytes" % len(long_), long_, t.path("long.pcap"))
values = handler_values(run.stdout, ["short.count", "long.count"])
t.check("counters agree (%d / %d)" % (len(short), len(long_)),
        values.get("short.count") == str(len(short)) and values.get("long.count") == str(len(long_)),
        "got %r" % values)

run = run_weir(weir, ["-e", "FromDump(in.pcap, STOP true) -> CheckLength(200) -> ToDump(only.pcap)"], t.tmp)
t.ran_ok("CheckLength with output 1 unconnected drops long packets", run)
t.same_packets("with one output, long packets are dropped", short, t.path("only.pcap"))
t.exit()
