#!/usr/bin/python3
"""icmpgen.py - test packets for the icmp clicktests, and independent checkers.

  icmpgen.py check OUT.pcap      CheckICMPHeader set (CHECK_SET)
  icmpgen.py ping OUT.pcap       ICMPPingResponder set (PING_SET)
  icmpgen.py errors OUT.pcap     ICMPError set (ERROR_SET)
  icmpgen.py show FILE...        IP ID, ICMP type/code, checksum validity
  icmpgen.py replies IN OUT      checks each packet of OUT (IP, no link header
                                 after Unstrip... Ethernet frames) against the
                                 echo reply computed here from the request in
                                 IN with the same IP ID
  icmpgen.py errcheck IN OUT [MTU]  checks each ICMP error in OUT (raw IP
                                 packets in Ethernet frames) against the one
                                 computed here from the packet of IN it quotes

Checksums and expected packets are computed with plain Python, not scapy
and not weir code.
"""
import struct
import sys

from scapy.all import RawPcapReader

ETH = bytes.fromhex("020000000002" "020000000001" "0800")
SRC = bytes([10, 0, 0, 5])
DST = bytes([10, 0, 0, 9])


def cksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def ip(ident, proto, payload, opts=b"", off=0, ttl=64, src=SRC, dst=DST, total=None):
    hl = 20 + len(opts)
    total = hl + len(payload) if total is None else total
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | (hl // 4), 0, total, ident, off, ttl, proto, 0,
                    src, dst) + opts
    return h[:10] + struct.pack("!H", cksum(h)) + h[12:] + payload


def icmp(type_, code, rest=b"\0\0\0\0", data=b"", good=True):
    m = struct.pack("!BBH", type_, code, 0) + rest + data
    s = cksum(m) ^ (0 if good else 0x5555)
    return m[:2] + struct.pack("!H", s) + m[4:]


def udp(data):
    return struct.pack("!HHHH", 1000, 2000, 8 + len(data), 0) + data


def check_set():
    quote = ip(99, 17, udp(b""))  # 28 bytes: IP header + 8
    return [
        ip(1, 1, icmp(8, 0, data=b"ping")),                       # echo, good
        ip(2, 1, icmp(8, 0, data=b"ping", good=False)),           # bad checksum
        ip(3, 1, icmp(3, 3, data=quote)),                         # unreachable + 28 bytes
        ip(4, 1, icmp(3, 3, data=quote[:20])),                    # error quote too short
        ip(5, 1, icmp(13, 0, data=b"\0" * 12)),                   # timestamp: 20 bytes
        ip(6, 1, icmp(13, 0, data=b"\0" * 16)),                   # timestamp: 24 bytes
        ip(7, 1, icmp(15, 0)),                                    # info request: 8 bytes
        ip(8, 1, icmp(15, 0, data=b"\0" * 4)),                    # info request: 12 bytes
        ip(9, 1, icmp(8, 0)[:4]),                                 # truncated ICMP header
        ip(10, 17, udp(b"udp")),                                  # not ICMP
        ip(11, 1, icmp(11, 0, data=quote + b"more")),             # time exceeded, good
        ip(12, 1, icmp(0, 0, rest=b"\0\1\0\2", data=b"x")),       # echo reply, odd length
    ]


def ping_set():
    return [
        ip(1, 1, icmp(8, 0, rest=b"\x12\x34\0\1", data=b"abcdefgh" * 4)),   # echo request
        ip(2, 1, icmp(8, 0, rest=b"\x12\x34\0\2", data=b"odd"), off=0x4000, ttl=3),  # DF, TTL 3
        ip(3, 1, icmp(8, 0, rest=b"\0\0\0\0")),                   # all-zero reply: sum 0xFFFF
        ip(4, 1, icmp(0, 0, rest=b"\x12\x34\0\4")),               # echo reply: output 1
        ip(5, 17, udp(b"not icmp")),                              # UDP: output 1
        ip(6, 1, icmp(8, 0)[:4]),                                 # truncated: output 1
        ip(7, 1, icmp(8, 0, rest=b"\x12\x34\0\7", data=b"bad", good=False)),  # bad checksum
        ip(8, 1, icmp(8, 0, rest=b"\x55\x55\0\x08", data=b"opt"),
           opts=bytes([1, 1, 1, 0])),                             # IP options
    ]


def lsrr(route, ptr):
    body = bytes([137 if False else 131, 3 + 4 * len(route), ptr]) + b"".join(route)
    return body + b"\0" * (-len(body) % 4)


def error_set():
    r = [bytes([10, 1, 1, 1]), bytes([10, 2, 2, 2]), bytes([10, 0, 0, 9])]
    return [
        ip(1, 17, udp(b"x" * 20)),                                # 48 bytes: quoted whole
        ip(2, 17, udp(b"y" * 1000)),                              # cut at MTU
        ip(3, 1, icmp(8, 0, data=b"echo")),                       # echo: gets an error
        ip(4, 1, icmp(3, 1, data=ip(0, 17, udp(b"")))),           # ICMP error: none
        ip(5, 17, udp(b"b"), dst=bytes([255] * 4)),               # broadcast: none
        ip(6, 17, udp(b"m"), dst=bytes([224, 0, 0, 1])),          # multicast: none
        ip(7, 17, udp(b"z"), src=bytes([0, 1, 2, 3])),            # source net 0: none
        ip(8, 17, udp(b"l"), src=bytes([127, 0, 0, 1])),          # loopback: none
        ip(9, 17, udp(b"e"), src=bytes([240, 0, 0, 1])),          # class E: none
        ip(10, 17, b"later fragment", off=1),                     # not first fragment: none
        ip(11, 17, udp(b"first fragment"), off=0x2000),           # first fragment: error
        ip(12, 17, udp(b"routed"), opts=lsrr(r, 12)),             # source routed: reversed
        ip(13, 17, udp(b"badaddr"), dst=bytes([10, 255, 255, 255])),  # BADADDRS: none
        ip(14, 1, b"\x03\x01", total=22),                         # truncated ICMP: none
        ip(15, 17, udp(b"m"), src=bytes([224, 0, 0, 7])),         # multicast source: none
    ]


def write_pcap(path, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, d in enumerate(frames):
            f.write(struct.pack("<IIII", 1600000000 + i, 0, len(d), len(d)) + d)


def packets(path):
    return [bytes(d)[14:] for d, _ in RawPcapReader(path)]


def show(path):
    for i, b in enumerate(packets(path)):
        hl = (b[0] & 15) * 4
        ident, proto = struct.unpack("!H", b[4:6])[0], b[9]
        m = b[hl:]
        line = "%s %d id=%d p=%d" % (path, i, ident, proto)
        if proto == 1 and len(m) >= 4:
            line += " type=%d code=%d ok=%s" % (m[0], m[1], cksum(m) == 0)
        print(line)


def update16(s, old, new):
    """RFC 1624 eqn. 3, as a router would update a checksum."""
    x = (~s & 0xFFFF) + (~old & 0xFFFF) + new
    while x >> 16:
        x = (x & 0xFFFF) + (x >> 16)
    return ~x & 0xFFFF


def expected_reply(req):
    hl = (req[0] & 15) * 4
    h = bytearray(req[:hl])
    h[12:16], h[16:20] = req[16:20], req[12:16]
    h[6:8] = b"\0\0"
    h[8] = 255
    h[10:12] = b"\0\0"
    h[10:12] = struct.pack("!H", cksum(bytes(h)))
    m = bytearray(req[hl:])
    old = struct.unpack("!H", m[2:4])[0]
    m[0] = m[1] = 0
    if cksum(req[hl:]) == 0:
        m[2:4] = b"\0\0"
        m[2:4] = struct.pack("!H", cksum(bytes(m)))
    else:  # a bad checksum stays bad, by the same amount
        m[2:4] = struct.pack("!H", update16(old, 0x0800, 0))
    return bytes(h) + bytes(m)


def replies(inp, out):
    reqs = {struct.unpack("!H", b[4:6])[0]: b for b in packets(inp)}
    for i, b in enumerate(packets(out)):
        ident = struct.unpack("!H", b[4:6])[0]
        exp = expected_reply(reqs[ident])
        hl = (b[0] & 15) * 4
        print("reply %d id=%d %s sum=%04x" % (i, ident, "matches" if b == exp else
                                              "DIFFERS %s vs %s" % (b.hex(), exp.hex()),
                                              struct.unpack("!H", b[hl + 2:hl + 4])[0]))


def reversed_route(opt):
    ptr = opt[2]
    hops = [opt[k:k + 4] for k in range(3, ptr - 1, 4)]
    body = bytes([opt[0], ptr - 1, 4]) + b"".join(reversed(hops)) + b"\0"
    return body + b"\0" * (-len(body) % 4)


def errcheck(inp, out, src, type_, code, mtu=576, rest=b"\0\0\0\0"):
    ins = {struct.unpack("!H", b[4:6])[0]: b for b in packets(inp)}
    for i, b in enumerate(packets(out)):
        hl = (b[0] & 15) * 4
        quoted = b[hl + 8:]
        qid = struct.unpack("!H", quoted[4:6])[0]
        orig = ins[qid]
        opts = b""
        ohl = (orig[0] & 15) * 4
        if ohl > 20 and orig[20] in (131, 137):
            opts = reversed_route(orig[20:ohl])
        xlen = min(len(orig), mtu - 20 - len(opts) - 8)
        m = struct.pack("!BBH", type_, code, 0) + rest + orig[:xlen]
        m = m[:2] + struct.pack("!H", cksum(m)) + m[4:]
        nhl = 20 + len(opts)
        h = struct.pack("!BBHHHBBH4s4s", 0x40 | (nhl // 4), 0, nhl + len(m), 0, 0, 200, 1, 0,
                        bytes(map(int, src.split("."))), orig[12:16]) + opts
        h = h[:4] + b[4:6] + h[6:]  # the IP ID is checked separately
        h = h[:10] + struct.pack("!H", cksum(h)) + h[12:]
        exp = h + m
        print("error %d ipid=%d about=%d len=%d %s" % (
            i, struct.unpack("!H", b[4:6])[0], qid, len(b),
            "matches" if b == exp else "DIFFERS %s vs %s" % (b.hex(), exp.hex())))


def main():
    cmd = sys.argv[1]
    sets = {"check": check_set, "ping": ping_set, "errors": error_set}
    if cmd in sets:
        write_pcap(sys.argv[2], [ETH + b for b in sets[cmd]()])
    elif cmd == "show":
        for f in sys.argv[2:]:
            show(f)
    elif cmd == "replies":
        replies(sys.argv[2], sys.argv[3])
    elif cmd == "errcheck":
        args = sys.argv[2:]
        mtu = int(args[5]) if len(args) > 5 else 576
        rest = bytes.fromhex(args[6]) if len(args) > 6 else b"\0\0\0\0"
        errcheck(args[0], args[1], args[2], int(args[3]), int(args[4]), mtu, rest)


if __name__ == "__main__":
    main()
