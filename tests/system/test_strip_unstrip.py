#!/usr/bin/python3
"""Strip(14) removes the Ethernet header; Strip(14) -> Unstrip(14) gives the
input back byte for byte."""
from pcaputil import Checker, example_packets, run_weir, weir_binary, write_pcap

weir = weir_binary()
t = Checker("strip_unstrip")
packets = example_packets(300, seed=12)
write_pcap(t.path("in.pcap"), packets)

run = run_weir(weir, ["-e", "FromDump(in.pcap, STOP true) -> Strip(14) -> Unstrip(14) -> ToDump(out.pcap)"], t.tmp)
t.ran_ok("Strip(14) -> Unstrip(14) runs", run)
t.same_packets("Strip(14) -> Unstrip(14) output equals the input", packets, t.path("out.pcap"))

run = run_weir(weir, ["-e", "FromDump(in.pcap, STOP true) -> Strip(14) -> ToDump(stripped.pcap)"], t.tmp)
t.ran_ok("Strip(14) alone runs", run)
t.same_packets("Strip(14) removes exactly 14 bytes from every packet",
               [p[14:] for p in packets], t.path("stripped.pcap"))

run = run_weir(weir, ["-e", "FromDump(in.pcap, STOP true) -> Strip(6) -> Strip(8) -> Unstrip(4) -> ToDump(partial.pcap)"], t.tmp)
t.ran_ok("Strip(6) -> Strip(8) -> Unstrip(4) runs", run)
t.same_packets("Strip(6) -> Strip(8) -> Unstrip(4) leaves the packet 10 bytes shorter at the front",
               [p[10:] for p in packets], t.path("partial.pcap"))
t.exit()
