"""Describe the IPv4 packets of pcaps for the NAT tests: addresses, ports and
whether the IP and TCP/UDP checksums are valid (recomputed with scapy)."""
import sys
from scapy.all import rdpcap, IP, TCP, UDP, ICMP


def verdict(given, fresh):
    return "ok" if given == fresh else "BAD(%04x!=%04x)" % (given, fresh)


def describe(pkt):
    ip = IP(bytes(pkt[IP]))
    fresh = IP(bytes(ip))
    del fresh.chksum
    fresh = IP(bytes(fresh))
    out = "ipsum %s" % verdict(ip.chksum, fresh.chksum)
    if ip.frag or ip.flags.MF:
        return "%s > %s frag %s" % (ip.src, ip.dst, out)
    for proto, name in ((TCP, "tcp"), (UDP, "udp")):
        if proto in ip:
            l4 = ip[proto]
            if name == "udp" and l4.chksum == 0:
                sumtxt = "nosum"
            else:
                again = IP(bytes(ip))
                del again[proto].chksum
                again = IP(bytes(again))
                sumtxt = "%ssum %s" % (name, verdict(l4.chksum, again[proto].chksum))
            return "%s %s:%d > %s:%d %s %s" % (name, ip.src, l4.sport, ip.dst, l4.dport, out, sumtxt)
    if ICMP in ip:
        return "icmp %s > %s %s" % (ip.src, ip.dst, out)
    return "proto%d %s > %s %s" % (ip.proto, ip.src, ip.dst, out)


for path in sys.argv[1:]:
    pkts = rdpcap(path)
    print("%s: %d" % (path, len(pkts)))
    for p in pkts:
        print("  " + describe(p))
