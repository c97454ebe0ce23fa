#!/usr/bin/python3
"""conf/examples/router.click, Click's two-interface IP router, on generated
traffic: it answers ARP for its own addresses, resolves next hops with ARP
(replies learnt from either interface), forwards IP between the two nets
with the TTL decremented and the checksum fixed, sends ICMP time exceeded
for an expiring packet, delivers packets for itself to the host output,
drops bad IP headers, and prints non-IP frames. Packets from the two inputs
may interleave in any order, so outputs are checked as sets where the
order is not fixed."""
import os
import struct

from pcaputil import SKIP, SRCDIR, Checker, read_pcap, run_weir, weir_binary, write_pcap

try:
    from scapy.all import ARP, ICMP, IP, UDP, Ether, IPv6, Raw
except ImportError:
    print("scapy not available")
    raise SystemExit(SKIP)

weir = weir_binary()
t = Checker("router_example")
conf = os.path.join(SRCDIR, "conf", "examples", "router.click")

R0, R1 = "02:00:00:00:00:01", "02:00:00:00:01:01"
A, B = "02:00:00:00:00:0a", "02:00:00:00:01:0b"
IPA, IPB = "10.0.0.10", "10.0.1.11"
BCAST = "ff:ff:ff:ff:ff:ff"

fwd_ab = Ether(src=A, dst=R0) / IP(src=IPA, dst=IPB, ttl=64, id=1) / UDP(sport=1234, dport=5678) / b"hello"
dying = Ether(src=A, dst=R0) / IP(src=IPA, dst=IPB, ttl=1, id=2) / UDP(sport=1234, dport=5679) / b"dying"
ping = Ether(src=A, dst=R0) / IP(src=IPA, dst="10.0.0.1", id=3) / ICMP(type=8, id=1, seq=1)
badsum = bytearray(bytes(Ether(src=A, dst=R0) / IP(src=IPA, dst=IPB, id=4) / UDP() / b"bad"))
badsum[24] ^= 0xFF  # corrupt the IP checksum
fwd_ba = Ether(src=B, dst=R1) / IP(src=IPB, dst=IPA, ttl=30, id=5) / UDP(sport=9, dport=10) / b"world"
reply_a = Ether(src=A, dst=R0) / ARP(op=2, hwsrc=A, psrc=IPA, hwdst=R0, pdst="10.0.0.1")
reply_b = Ether(src=B, dst=R1) / ARP(op=2, hwsrc=B, psrc=IPB, hwdst=R1, pdst="10.0.1.1")
who_has_r0 = Ether(src=A, dst=BCAST) / ARP(op=1, hwsrc=A, psrc=IPA, pdst="10.0.0.1")
who_has_other = Ether(src=A, dst=BCAST) / ARP(op=1, hwsrc=A, psrc=IPA, pdst="10.0.0.99")
short_arp = bytes(who_has_r0)[:30]
ipv6 = Ether(src=A, dst=R0) / IPv6(src="fe80::1", dst="fe80::2") / UDP()

in0 = [reply_a, who_has_r0, who_has_other, Raw(short_arp), fwd_ab, dying, ping, Raw(bytes(badsum)), ipv6]
in1 = [reply_b, fwd_ba]
write_pcap(t.path("in0.pcap"), in0)
write_pcap(t.path("in1.pcap"), in1)

run = run_weir(weir, [conf, "IN0=in0.pcap", "IN1=in1.pcap", "OUT0=out0.pcap", "OUT1=out1.pcap",
                      "HOST=host.pcap", "-h", "arpq0.drops", "-h", "arpq1.drops"], t.tmp)
t.ran_ok("weir runs the router example", run)


def load(name):
    path = t.path(name)
    if not os.path.exists(path):
        t.check("%s was written" % name, False)
        return []
    return read_pcap(path)[1]


out0, out1, host = load("out0.pcap"), load("out1.pcap"), load("host.pcap")


def cksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def ip_ok(p):
    hl = (p[14] & 0xF) * 4
    return cksum(bytes(p[14:14 + hl])) == 0xFFFF


def forwarded(orig, smac, dmac):
    """The frame the router must send for orig: new MACs, TTL - 1, fixed checksum."""
    e = Ether(bytes(orig))
    e.src, e.dst = smac, dmac
    e[IP].ttl -= 1
    del e[IP].chksum
    return bytes(e)


def arp_frames(pkts):
    return [p for p in pkts if p[12:14] == b"\x08\x06"]


def ip_frames(pkts):
    return [p for p in pkts if p[12:14] == b"\x08\x00"]


# ARP for the router's own address is answered on interface 0, once.
want_reply = bytes(Ether(src=R0, dst=A) / ARP(op=2, hwsrc=R0, psrc="10.0.0.1", hwdst=A, pdst=IPA))
t.check("out0 holds the ARP reply for 10.0.0.1 (42 bytes, Click's layout)",
        arp_frames(out0).count(want_reply) == 1, "got %s" % [p.hex() for p in arp_frames(out0)])

# Forwarding 0 -> 1 and 1 -> 0, with the next hop's MAC learnt by ARP.
t.check("out1 holds A's UDP datagram forwarded to B (TTL 63, checksum fixed)",
        ip_frames(out1) == [forwarded(fwd_ab, R1, B)], "got %s" % [p.hex() for p in ip_frames(out1)])
t.check("forwarded packets carry a valid IP checksum", all(ip_ok(p) for p in ip_frames(out1)))
queries1 = arp_frames(out1)
want_query1 = bytes(Ether(src=R1, dst=BCAST) / ARP(op=1, hwsrc=R1, psrc="10.0.1.1", hwdst="00:00:00:00:00:00", pdst=IPB))
t.check("out1 holds at most one ARP query, for 10.0.1.11 (sent only if B's reply came later)",
        queries1 in ([], [want_query1]), "got %s" % [p.hex() for p in queries1])

ip0 = ip_frames(out0)
fwd0 = [p for p in ip0 if p[23] == 17]
t.check("out0 holds B's UDP datagram forwarded to A (TTL 29)",
        fwd0 == [forwarded(fwd_ba, R0, A)], "got %s" % [p.hex() for p in fwd0])
queries0 = [p for p in arp_frames(out0) if p != want_reply]
want_query0 = bytes(Ether(src=R0, dst=BCAST) / ARP(op=1, hwsrc=R0, psrc="10.0.0.1", hwdst="00:00:00:00:00:00", pdst=IPA))
t.check("out0 holds at most one ARP query, for 10.0.0.10 (sent only if A's reply came later)",
        queries0 in ([], [want_query0]), "got %s" % [p.hex() for p in queries0])

# TTL expiry: ICMP time exceeded (11/0) from 10.0.0.1 back to A, quoting the packet.
icmp0 = [p for p in ip0 if p[23] == 1]
ok = len(icmp0) == 1
if ok:
    e = Ether(icmp0[0])
    quoted = bytes(e[ICMP].payload)
    ok = (e.src == R0 and e.dst == A and e[IP].src == "10.0.0.1" and e[IP].dst == IPA
          and e[ICMP].type == 11 and e[ICMP].code == 0 and ip_ok(icmp0[0])
          and cksum(bytes(e[ICMP])) == 0xFFFF
          and quoted[:20] == bytes(dying[IP])[:20] and len(quoted) >= 28)
t.check("out0 holds one ICMP time exceeded to A quoting the TTL-1 datagram", ok,
        "got %s" % [p.hex() for p in icmp0])
t.check("the expiring datagram is not forwarded",
        not any(p[14 + 4:14 + 6] == b"\x00\x02" for p in ip_frames(out1)))

# Local delivery: the ping (IP part unchanged) and copies of the ARP replies.
host_ip = ip_frames(host)
t.check("host.pcap holds the ping to the router, re-encapsulated by EtherEncap",
        host_ip == [bytes(Ether(src="01:01:01:01:01:01", dst="02:02:02:02:02:02") / ping[IP])],
        "got %s" % [p.hex() for p in host_ip])
t.check("host.pcap holds a copy of both ARP replies",
        sorted(arp_frames(host)) == sorted([bytes(reply_a), bytes(reply_b)]))

# Bad input: the bad checksum, the short ARP, the unanswered request, IPv6.
t.check("the datagram with a bad IP checksum goes nowhere",
        not any(p[18:20] == b"\x00\x04" for p in ip_frames(out0 + out1 + host)))
t.check("nothing else is written (ARP request for another host, truncated ARP)",
        len(out0) == 3 + len(queries0) and len(out1) == 1 + len(queries1) and len(host) == 3,
        "out0 %d, out1 %d, host %d packets" % (len(out0), len(out1), len(host)))
t.check("the IPv6 frame is printed as non-IP", "if0 non-IP" in run.stderr, run.stderr[-400:])
t.exit()
