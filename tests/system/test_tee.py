#!/usr/bin/python3
"""Tee copies every packet to each output: all ToDump files equal the input.
Paint and PaintSwitch: packets painted on two paths come out on the port of
their colour."""
from pcaputil import Checker, example_packets, run_weir, weir_binary, write_pcap

weir = weir_binary()
t = Checker("tee_paint")
packets = example_packets(300, seed=14)
write_pcap(t.path("in.pcap"), packets)

run = run_weir(weir, ["-e", """FromDump(in.pcap, STOP true) -> t :: Tee;
t[0] -> ToDump(a.pcap); t[1] -> ToDump(b.pcap); t[2] -> c :: Counter -> ToDump(c.pcap);""",
                      "-h", "c.count"], t.tmp)
t.ran_ok("a three-way Tee runs", run)
for name in "abc":
    t.same_packets("Tee output %s equals the input" % name, packets, t.path(name + ".pcap"))
t.check("the counter after Tee sees every packet", run.stdout.strip() == str(len(packets)),
        "got %r" % run.stdout.strip())

run = run_weir(weir, ["-e", """FromDump(in.pcap, STOP true) -> t :: Tee(2);
t[0] -> ToDump(x.pcap); t[1] -> Strip(14) -> ToDump(y.pcap);"""], t.tmp)
t.ran_ok("Tee(2) with a Strip on one branch runs", run)
t.same_packets("the unmodified branch is unaffected by Strip on the other", packets, t.path("x.pcap"))
t.same_packets("the stripped branch is stripped", [p[14:] for p in packets], t.path("y.pcap"))

ipv4 = [p for p in packets if p[12:14] == b"\x08\x00"]
rest = [p for p in packets if p[12:14] != b"\x08\x00"]
run = run_weir(weir, ["-e", """c :: Classifier(12/0800, -);
ps :: PaintSwitch;
FromDump(in.pcap, STOP true, BURST 1) -> c;
c[0] -> Paint(1) -> ps;
c[1] -> Paint(2) -> ps;
ps[0] -> zero :: Counter -> Discard;
ps[1] -> ToDump(paint1.pcap);
ps[2] -> ToDump(paint2.pcap);""", "-h", "zero.count"], t.tmp)
t.ran_ok("Paint -> PaintSwitch runs", run)
t.same_packets("PaintSwitch output 1 holds the IPv4 packets (painted 1)", ipv4, t.path("paint1.pcap"))
t.same_packets("PaintSwitch output 2 holds the others (painted 2)", rest, t.path("paint2.pcap"))
t.check("nothing comes out of PaintSwitch output 0", run.stdout.strip() == "0", "got %r" % run.stdout.strip())
t.exit()
