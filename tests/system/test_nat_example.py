#!/usr/bin/python3
"""conf/examples/nat.click, a source NAT: inside TCP/UDP flows leave with the
public address (source ports kept when free, a colliding flow gets another
port), replies from outside come back to the right inside host, unsolicited
outside packets, ICMP and bad IP headers are dropped; every rewritten packet
has valid IP/TCP/UDP checksums (recomputed with scapy) and the router's
Ethernet addresses."""
import os
import sys

from pcaputil import SKIP, SRCDIR, Checker, handler_values, read_pcap, run_weir, weir_binary

try:
    from scapy.all import ARP, ICMP, IP, TCP, UDP, Ether, Raw, wrpcap
except ImportError:
    print("scapy not available")
    sys.exit(SKIP)

weir = weir_binary()
t = Checker("nat_example")
conf = os.path.join(SRCDIR, "conf", "examples", "nat.click")
PUBLIC = "198.51.100.1"
HOSTS_MAC, ROUTER_IN, ROUTER_OUT, UPSTREAM = ("02:00:00:00:00:10", "02:00:00:00:00:01",
                                              "02:00:00:00:01:01", "02:00:00:00:01:fe")
IN = Ether(src=HOSTS_MAC, dst=ROUTER_IN)
OUT = Ether(src=UPSTREAM, dst=ROUTER_OUT)

# (inside host, sport, server, dport, proto, payloads)
flows = [
    ("10.0.0.1", 40001, "8.8.8.8", 53, "udp", [b"query one", b"query two"]),
    ("10.0.0.2", 40002, "1.1.1.1", 53, "udp", [b"query three"]),
    ("10.0.0.3", 50000, "93.184.216.34", 80, "tcp", [b"", b"GET / HTTP/1.0\r\n\r\n"]),
    # same source port and server as the first flow: must get another port
    ("10.0.0.4", 40001, "8.8.8.8", 53, "udp", [b"collides"]),
]


def l4(proto, sport, dport, payload, flags="S"):
    if proto == "udp":
        return UDP(sport=sport, dport=dport) / Raw(payload)
    return TCP(sport=sport, dport=dport, flags=flags if not payload else "PA") / Raw(payload)


inside = []
for host, sport, server, dport, proto, payloads in flows:
    for pl in payloads:
        inside.append(IN / IP(src=host, dst=server) / l4(proto, sport, dport, pl))
inside.insert(3, IN / IP(src="10.0.0.5", dst="8.8.8.8") / ICMP())
inside.insert(5, IN / ARP(psrc="10.0.0.1", pdst="10.0.0.254"))
bad = IN / IP(src="10.0.0.1", dst="8.8.8.8", chksum=0x1234) / UDP(sport=40001, dport=53) / Raw(b"bad")
inside.append(bad)
n_inside_ok = sum(len(f[5]) for f in flows)

outside = [
    OUT / IP(src="8.8.8.8", dst=PUBLIC) / UDP(sport=53, dport=40001) / Raw(b"answer one"),
    OUT / IP(src="1.1.1.1", dst=PUBLIC) / UDP(sport=53, dport=40002) / Raw(b"answer three"),
    OUT / IP(src="93.184.216.34", dst=PUBLIC) / TCP(sport=80, dport=50000, flags="SA"),
    OUT / IP(src="6.6.6.6", dst=PUBLIC) / UDP(sport=1234, dport=999) / Raw(b"unsolicited"),
    OUT / IP(src="8.8.8.8", dst=PUBLIC) / UDP(sport=53, dport=40001) / Raw(b"answer two"),
]
replies_to = ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.1"]
wrpcap(t.path("inside.pcap"), inside)
wrpcap(t.path("outside.pcap"), outside)

names = ["nat.nmappings", "nat.mapping_failures", "nat.table", "in_bad.count", "in_nonip.count"]
args = [conf, "INSIDE=" + t.path("inside.pcap"), "OUTSIDE=" + t.path("outside.pcap"), "OUT=" + t.tmp]
for n in names:
    args += ["-h", n]
run = run_weir(weir, args, SRCDIR)
t.ran_ok("weir runs conf/examples/nat.click", run)
v = handler_values(run.stdout, names)


def checksums_ok(ip):
    """(ip ok, l4 ok) of a scapy IP packet, recomputed from scratch."""
    fresh = IP(bytes(ip))
    del fresh.chksum
    ip_ok = IP(bytes(fresh)).chksum == ip.chksum
    for proto in (TCP, UDP):
        if proto in ip:
            if proto is UDP and ip[UDP].chksum == 0:
                return ip_ok, True
            again = IP(bytes(ip))
            del again[proto].chksum
            return ip_ok, IP(bytes(again))[proto].chksum == ip[proto].chksum
    return ip_ok, False


def load(name):
    path = t.path(name)
    if not os.path.exists(path):
        t.check("%s written" % name, False)
        return []
    return [Ether(p) for p in read_pcap(path)[1]]


sent = load("to_outside.pcap")
t.check("%d inside TCP/UDP packets go out (ICMP, ARP, bad header dropped)" % n_inside_ok,
        len(sent) == n_inside_ok, "got %d" % len(sent))
ports = {}
i = 0
for host, sport, server, dport, proto, payloads in flows:
    for pl in payloads:
        if i >= len(sent):
            break
        p = sent[i]
        i += 1
        L4 = UDP if proto == "udp" else TCP
        what = "%s %s:%d -> %s:%d" % (proto, host, sport, server, dport)
        if not t.check(what + " is IP/" + proto, IP in p and L4 in p, p.summary()):
            continue
        ip = p[IP]
        t.check(what + ": source is the public address", ip.src == PUBLIC, ip.src)
        t.check(what + ": destination unchanged", ip.dst == server and ip[L4].dport == dport,
                "%s:%d" % (ip.dst, ip[L4].dport))
        t.check(what + ": payload unchanged", bytes(ip[L4].payload) == pl)
        ip_ok, l4_ok = checksums_ok(ip)
        t.check(what + ": IP checksum valid", ip_ok)
        t.check(what + ": %s checksum valid" % proto, l4_ok)
        t.check(what + ": router's Ethernet addresses", p.src == ROUTER_OUT and p.dst == UPSTREAM,
                "%s > %s" % (p.src, p.dst))
        ports.setdefault((host, sport, server, dport), set()).add(ip[L4].sport)
for key, ps in ports.items():
    t.check("flow %s:%d -> %s:%d keeps one public port" % key, len(ps) == 1, str(ps))
first = ports.get(("10.0.0.1", 40001, "8.8.8.8", 53), {None})
coll = ports.get(("10.0.0.4", 40001, "8.8.8.8", 53), {None})
t.check("free source ports are kept", first == {40001}
        and ports.get(("10.0.0.2", 40002, "1.1.1.1", 53)) == {40002}
        and ports.get(("10.0.0.3", 50000, "93.184.216.34", 80)) == {50000}, str(ports))
c = next(iter(coll))
t.check("the colliding flow gets another port in 1024-65535",
        c is not None and c != 40001 and 1024 <= c <= 65535, str(coll))

back = load("to_inside.pcap")
t.check("4 replies come back (the unsolicited packet is dropped)", len(back) == 4, "got %d" % len(back))
for j, (p, host) in enumerate(zip(back, replies_to)):
    src = outside[[0, 1, 2, 4][j]][IP]
    what = "reply %d from %s" % (j, src.src)
    L4 = TCP if TCP in src else UDP
    if not t.check(what + " is IP", IP in p and L4 in p, p.summary()):
        continue
    ip = p[IP]
    t.check(what + ": destination is the inside host %s" % host, ip.dst == host, ip.dst)
    t.check(what + ": destination port restored", ip[L4].dport == src[L4].dport, str(ip[L4].dport))
    t.check(what + ": source unchanged", ip.src == src.src and ip[L4].sport == src[L4].sport)
    ip_ok, l4_ok = checksums_ok(ip)
    t.check(what + ": IP and L4 checksums valid", ip_ok and l4_ok, "%s %s" % (ip_ok, l4_ok))
    t.check(what + ": router's Ethernet addresses", p.src == ROUTER_IN and p.dst == HOSTS_MAC)

t.check("4 mappings, no failure", v.get("nat.nmappings") == "4" and v.get("nat.mapping_failures") == "0",
        str(v))
t.check("the bad IP header and the ARP frame are counted",
        v.get("in_bad.count") == "1" and v.get("in_nonip.count") == "1", str(v))
table = v.get("nat.table", "")
t.check("the table shows the first flow both ways",
        "(10.0.0.1, 40001, 8.8.8.8, 53) => (198.51.100.1, 40001, 8.8.8.8, 53) [*0 1] i0" in table
        and "(8.8.8.8, 53, 198.51.100.1, 40001) => (8.8.8.8, 53, 10.0.0.1, 40001) [0 *1] i0" in table,
        table)
t.check("the DriverManager prints its summary",
        "nat: 6 packets out, 4 in, 4 mappings, 0 failures, 2 dropped" in run.stdout + run.stderr,
        (run.stdout + run.stderr)[-400:])
t.exit()
