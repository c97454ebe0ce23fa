#!/usr/bin/python3
"""conf/examples/firewall.click, the IPFilter-based stateless firewall, on a
trace made here with scapy: each packet is labelled with the fate the rules
give it (passed, rejected and logged, dropped silently, bad IP header, ARP,
non-IP), and the output pcaps, the counters and the summary line must agree
packet for packet."""
import os
import sys

from pcaputil import SKIP, SRCDIR, Checker, handler_values, run_weir, weir_binary

try:
    from scapy.all import ARP, ICMP, IP, TCP, UDP, Dot1Q, Ether, IPv6, Raw, wrpcap
except ImportError:
    print("scapy not available")
    sys.exit(SKIP)

weir = weir_binary()
t = Checker("firewall_example")
conf = os.path.join(SRCDIR, "conf", "examples", "firewall.click")

E = Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
WEB, MAIL, DNS, HOST = "192.168.10.80", "192.168.10.25", "192.168.10.53", "192.168.10.7"
OUT = "203.0.113.9"
EIP = Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02", type=0x0800)

cases = [
    # public services
    ("pass", E / IP(src=OUT, dst=WEB) / TCP(sport=40000, dport=80, flags="S")),
    ("pass", E / IP(src=OUT, dst=WEB) / TCP(sport=40000, dport=443, flags="S")),
    ("reject", E / IP(src=OUT, dst=WEB) / TCP(sport=40000, dport=22, flags="S")),
    ("pass", E / IP(src=OUT, dst=MAIL) / TCP(sport=40001, dport=25, flags="S")),
    ("reject", E / IP(src=OUT, dst=WEB) / TCP(sport=40001, dport=25, flags="S")),
    ("pass", E / IP(src=OUT, dst=DNS) / UDP(sport=5000, dport=53)),
    ("pass", E / IP(src=OUT, dst=DNS) / TCP(sport=5000, dport=53, flags="S")),
    ("reject", E / IP(src=OUT, dst=DNS) / UDP(sport=5000, dport=54)),
    # replies to inside connections: ACK to a high port passes, a bare SYN does not
    ("pass", E / IP(src=OUT, dst=HOST) / TCP(sport=443, dport=50000, flags="SA")),
    ("pass", E / IP(src=OUT, dst=HOST) / TCP(sport=443, dport=50000, flags="A")),
    ("reject", E / IP(src=OUT, dst=HOST) / TCP(sport=443, dport=50000, flags="S")),
    ("reject", E / IP(src=OUT, dst=HOST) / TCP(sport=443, dport=1023, flags="A")),
    ("pass", E / IP(src=OUT, dst=HOST) / UDP(sport=53, dport=40000)),
    ("reject", E / IP(src=OUT, dst=HOST) / UDP(sport=123, dport=40000)),
    # ICMP
    ("pass", E / IP(src=OUT, dst=HOST) / ICMP(type=0)),
    ("pass", E / IP(src=OUT, dst=HOST) / ICMP(type=3, code=3)),
    ("pass", E / IP(src=OUT, dst=HOST) / ICMP(type=11)),
    ("pass", E / IP(src=OUT, dst=WEB) / ICMP(type=8)),
    ("reject", E / IP(src=OUT, dst=HOST) / ICMP(type=8)),
    ("reject", E / IP(src=OUT, dst=HOST) / ICMP(type=5)),
    # anti-spoofing and broadcasts: dropped silently, even to open services
    ("drop", E / IP(src="192.168.10.9", dst=WEB) / TCP(sport=40000, dport=80)),
    ("drop", E / IP(src="127.0.0.1", dst=WEB) / TCP(sport=40000, dport=80)),
    ("drop", E / IP(src="10.1.2.3", dst=DNS) / UDP(sport=1, dport=53)),
    ("drop", E / IP(src="0.1.2.3", dst=DNS) / UDP(sport=1, dport=53)),
    ("drop", E / IP(src=OUT, dst="255.255.255.255") / UDP(sport=68, dport=67)),
    ("drop", E / IP(src=OUT, dst="192.168.10.255") / UDP(sport=137, dport=137)),
    # fragments are logged, first fragments included
    ("reject", E / IP(src=OUT, dst=WEB, flags="MF") / TCP(sport=40000, dport=80)),
    ("reject", E / IP(src=OUT, dst=WEB, frag=10, proto=6) / Raw(b"\x9c\x40\x00\x50" + b"x" * 20)),
    # other protocols
    ("reject", E / IP(src=OUT, dst=HOST, proto=47) / Raw(b"gre" * 8)),
    # a TCP header cut after the ports: "dst port" can be read, the ACK flag cannot
    ("pass", E / IP(src=OUT, dst=WEB, proto=6) / Raw(b"\x9c\x40\x00\x50")),
    ("reject", E / IP(src=OUT, dst=HOST, proto=6) / Raw(b"\x01\xbb\xc3\x50")),
    # malformed IP headers and non-IP frames
    ("bad", E / IP(src=OUT, dst=WEB, chksum=0x1234) / TCP(dport=80)),
    ("bad", EIP / Raw(bytes(IP(src=OUT, dst=WEB) / TCP(dport=80))[:15])),
    ("bad", EIP / Raw(b"\x46" + bytes(IP(src=OUT, dst=WEB) / TCP(dport=80))[1:])),
    ("arp", Ether(src="02:00:00:00:00:01", dst="ff:ff:ff:ff:ff:ff") / ARP(pdst=HOST)),
    ("other", E / IPv6() / UDP()),
    ("other", E / Dot1Q(vlan=5) / IP(src=OUT, dst=WEB) / TCP(dport=80)),
]
# Ethernet frames carry at least 60 bytes; let scapy pad like a wire would.
packets = [bytes(p) for _, p in cases]
trace = t.path("in.pcap")
wrpcap(trace, [Ether(p) for p in packets])

names = ["total.count", "fw_pass.count", "fw_reject.count", "bad.count", "arp.count", "nonip.count"]
args = [conf, "TRACE=" + trace, "OUT=" + t.tmp]
for n in names:
    args += ["-h", n]
run = run_weir(weir, args, SRCDIR)
t.ran_ok("weir runs the firewall example", run)

by = {k: [p for (lab, _), p in zip(cases, packets) if lab == k]
      for k in ("pass", "reject", "drop", "bad", "arp", "other")}
t.same_packets("pass.pcap holds the %d allowed packets, in order" % len(by["pass"]), by["pass"],
               t.path("pass.pcap"))
t.same_packets("rejected.pcap holds the %d logged packets, in order" % len(by["reject"]),
               by["reject"], t.path("rejected.pcap"))
t.same_packets("arp.pcap holds the ARP request", by["arp"], t.path("arp.pcap"))
v = handler_values(run.stdout, names)
want = {"total.count": len(packets), "fw_pass.count": len(by["pass"]),
        "fw_reject.count": len(by["reject"]), "bad.count": len(by["bad"]),
        "arp.count": len(by["arp"]), "nonip.count": len(by["other"])}
for k, n in want.items():
    t.check("%s is %d" % (k, n), v.get(k) == str(n), "got %r" % v.get(k))
summary = "firewall: %d packets, %d passed, %d rejected, %d bad, %d ARP, %d other" % (
    len(packets), len(by["pass"]), len(by["reject"]), len(by["bad"]), len(by["arp"]), len(by["other"]))
t.check("the DriverManager prints the summary line", summary in run.stdout + run.stderr,
        "stdout %r stderr %r" % (run.stdout[-300:], run.stderr[-300:]))

# The default trace runs too (its 10/8 sources are all dropped as spoofed).
run = run_weir(weir, [conf, "OUT=" + t.tmp], SRCDIR)
t.ran_ok("the example runs on its default trace", run)
t.check("the default trace's IP packets are dropped as spoofed",
        " 0 passed, 0 rejected" in run.stdout + run.stderr, (run.stdout + run.stderr)[-300:])
t.exit()
