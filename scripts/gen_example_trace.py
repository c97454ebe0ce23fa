#!/usr/bin/python3
"""Writes traces/example.pcap: a small mixed trace for the example
configurations and the system tests.

Usage: scripts/gen_example_trace.py [OUTPUT.pcap] [--count N] [--seed S]

The trace is deterministic (fixed seed, fixed timestamps, pcap written by
hand rather than by scapy's writer), so running this again gives the same
bytes: ARP requests and replies, IPv4 TCP/UDP/ICMP, IPv6 TCP/UDP/ICMPv6 and
802.1Q-tagged IPv4, with frame sizes from 60 to about 1000 bytes.
"""
import argparse
import os
import random
import struct
import sys

from scapy.layers.inet import ICMP, IP, TCP, UDP
from scapy.layers.inet6 import ICMPv6EchoRequest, IPv6
from scapy.layers.l2 import ARP, Dot1Q, Ether
from scapy.packet import Raw

DEFAULT_COUNT = 2000
DEFAULT_SEED = 20261125
BASE_TIME_US = 1_700_000_000 * 1_000_000   # 2023-11-14, fixed
LINKTYPE_ETHERNET = 1

HOST_MACS = ["02:00:00:00:00:%02x" % i for i in range(1, 9)]
ROUTER_MAC = "02:00:00:00:00:fe"


def payload(rng, lo, hi):
    return Raw(bytes(rng.getrandbits(8) for _ in range(rng.randint(lo, hi))))


def ipv4_addr(rng):
    return "10.%d.%d.%d" % (rng.randint(0, 3), rng.randint(0, 255), rng.randint(1, 254))


def ipv6_addr(rng):
    return "2001:db8::%x:%x" % (rng.randint(0, 0xffff), rng.randint(1, 0xffff))


def make_frame(rng):
    """One Ethernet frame (bytes) of a kind drawn from a fixed mix."""
    kind = rng.choices(["arp", "tcp", "udp", "icmp", "ipv6", "vlan"],
                       weights=[5, 35, 25, 8, 17, 10])[0]
    src = rng.choice(HOST_MACS)
    if kind == "arp":
        if rng.random() < 0.5:
            pkt = Ether(src=src, dst="ff:ff:ff:ff:ff:ff") / ARP(
                op=1, hwsrc=src, psrc=ipv4_addr(rng), pdst=ipv4_addr(rng))
        else:
            pkt = Ether(src=src, dst=ROUTER_MAC) / ARP(
                op=2, hwsrc=src, psrc=ipv4_addr(rng), hwdst=ROUTER_MAC, pdst=ipv4_addr(rng))
    elif kind in ("tcp", "udp", "icmp"):
        ip = IP(src=ipv4_addr(rng), dst=ipv4_addr(rng), ttl=rng.randint(2, 64),
                id=rng.randint(0, 65535))
        if kind == "tcp":
            l4 = TCP(sport=rng.randint(1024, 65535), dport=rng.choice([80, 443, 22, 8080]),
                     seq=rng.getrandbits(32), flags=rng.choice(["S", "A", "PA", "FA"]))
            pkt = Ether(src=src, dst=ROUTER_MAC) / ip / l4 / payload(rng, 0, 900)
        elif kind == "udp":
            l4 = UDP(sport=rng.randint(1024, 65535), dport=rng.choice([53, 123, 4789, 5000]))
            pkt = Ether(src=src, dst=ROUTER_MAC) / ip / l4 / payload(rng, 0, 600)
        else:
            pkt = Ether(src=src, dst=ROUTER_MAC) / ip / ICMP(
                type=8, id=rng.randint(0, 65535), seq=rng.randint(0, 100)) / payload(rng, 0, 64)
    elif kind == "ipv6":
        ip6 = IPv6(src=ipv6_addr(rng), dst=ipv6_addr(rng), hlim=rng.randint(2, 64))
        l4 = rng.choice([
            lambda: TCP(sport=rng.randint(1024, 65535), dport=443, flags="A"),
            lambda: UDP(sport=rng.randint(1024, 65535), dport=53),
            lambda: ICMPv6EchoRequest(id=rng.randint(0, 65535)),
        ])()
        pkt = Ether(src=src, dst=ROUTER_MAC) / ip6 / l4 / payload(rng, 0, 400)
    else:
        pkt = (Ether(src=src, dst=ROUTER_MAC) / Dot1Q(vlan=rng.choice([10, 20, 30])) /
               IP(src=ipv4_addr(rng), dst=ipv4_addr(rng), ttl=64, id=rng.randint(0, 65535)) /
               UDP(sport=rng.randint(1024, 65535), dport=5000) / payload(rng, 0, 300))
    data = bytes(pkt)
    if len(data) < 60:                      # Ethernet minimum frame (without FCS)
        data += b"\x00" * (60 - len(data))
    return data


def make_packets(count=DEFAULT_COUNT, seed=DEFAULT_SEED):
    """[(timestamp_us, frame bytes)] for the trace."""
    rng = random.Random(seed)
    out, t = [], BASE_TIME_US
    for _ in range(count):
        t += rng.randint(1, 2000)            # 1 us to 2 ms apart
        out.append((t, make_frame(rng)))
    return out


def write_pcap(path, packets, linktype=LINKTYPE_ETHERNET, snaplen=65535):
    """Classic little-endian microsecond pcap."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen, linktype))
        for ts, data in packets:
            f.write(struct.pack("<IIII", ts // 1_000_000, ts % 1_000_000, len(data), len(data)))
            f.write(data)


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("output", nargs="?", default=os.path.join(here, "..", "traces", "example.pcap"))
    ap.add_argument("--count", type=int, default=DEFAULT_COUNT)
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = ap.parse_args(argv)
    packets = make_packets(args.count, args.seed)
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    write_pcap(args.output, packets)
    size = os.path.getsize(args.output)
    print("wrote %s: %d packets, %d bytes" % (os.path.normpath(args.output), len(packets), size))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
