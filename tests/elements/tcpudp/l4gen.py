#!/usr/bin/python3
"""l4gen.py - test packets for the tcpudp clicktests, and an independent checker.

  l4gen.py udp OUT.pcap     UDP set: good, zero checksum, bad checksum, short
                            and long UDP lengths, truncated, TCP, source
                            routed, odd length, empty, tiny (see UDP_SET)
  l4gen.py tcp OUT.pcap     TCP set (see TCP_SET)
  l4gen.py unsummed OUT.pcap  UDP and TCP packets with wrong checksums, plus
                            fragments and short packets (SetXXXChecksum)
  l4gen.py hostile OUT.pcap N  N mangled packets of every kind (fuzzing)
  l4gen.py show FILE...     one line per packet of Ethernet frames: IP ID,
                            protocol, TCP data offset, and whether the
                            transport checksum is valid, computed here
                            (pseudo-header with the final hop of a source
                            route, as RFC 791 and Click want)

Every packet's IP ID is its number in the set, so outputs can be told apart.
Checksums are computed here with plain Python, not scapy, so the checker
does not share code with what it checks.
"""
import struct
import sys

from scapy.all import RawPcapReader

ETH = bytes.fromhex("020000000002" "020000000001" "0800")
SRC = bytes([10, 0, 0, 1])
DST = bytes([10, 0, 0, 2])
LSRR_HOP = bytes([10, 9, 9, 9])
LSRR_FINAL = bytes([10, 7, 7, 7])


def cksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def lsrr():
    # loose source route, pointer 4: two hops left, final one LSRR_FINAL; NOP pad
    return bytes([131, 11, 4]) + LSRR_HOP + LSRR_FINAL + bytes([1])


def final_dst(opts, dst):
    i = 0
    while i < len(opts):
        t = opts[i]
        if t == 1:
            i += 1
            continue
        if t == 0 or i + 1 >= len(opts) or opts[i + 1] < 2 or i + opts[i + 1] > len(opts):
            break
        if t in (131, 137) and opts[i + 1] >= 7:
            return opts[i + opts[i + 1] - 4:i + opts[i + 1]]
        i += opts[i + 1]
    return dst


def ip(ident, proto, payload, opts=b"", total=None, off=0, src=SRC, dst=DST):
    hl = 20 + len(opts)
    if total is None:
        total = hl + len(payload)
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | (hl // 4), 0, total, ident, off, 64, proto, 0,
                    src, dst) + opts
    h = h[:10] + struct.pack("!H", cksum(h)) + h[12:]
    return h + payload


def l4sum(seg, proto, opts=b"", src=SRC, dst=DST):
    pseudo = src + final_dst(opts, dst) + struct.pack("!BBH", 0, proto, len(seg))
    return cksum(pseudo + seg)


def udp(data, opts=b"", ulen=None, sum_=None, good=True):
    ulen = 8 + len(data) if ulen is None else ulen
    seg = struct.pack("!HHHH", 1000, 2000, ulen, 0) + data
    if sum_ is None:
        sum_ = l4sum(seg[:max(ulen, 8)] if ulen <= len(seg) else seg, 17, opts)
        if not good:
            sum_ ^= 0x1234
    return seg[:6] + struct.pack("!H", sum_) + seg[8:]


def tcp(data, opts=b"", doff=5, good=True, topts=b""):
    seg = struct.pack("!HHIIBBHHH", 1000, 80, 1, 0, doff << 4, 0x18, 8192, 0, 0) + topts + data
    s = l4sum(seg, 6, opts)
    if not good:
        s ^= 0x4321
    return seg[:16] + struct.pack("!H", s) + seg[18:]


def frame(b):
    return ETH + b


def write_pcap(path, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, d in enumerate(frames):
            f.write(struct.pack("<IIII", 1600000000 + i, 0, len(d), len(d)) + d)


def udp_set():
    return [
        ip(1, 17, udp(b"hello world")),                      # good
        ip(2, 17, udp(b"no checksum", sum_=0)),              # sum 0: not checked
        ip(3, 17, udp(b"bad checksum", good=False)),          # bad checksum
        ip(4, 17, udp(b"short", ulen=7, sum_=0x1111)),        # UDP length < 8
        ip(5, 17, udp(b"long", ulen=40, sum_=0x1111)),        # UDP length past the end
        ip(6, 17, udp(b"")[:4]),                              # truncated UDP header
        ip(7, 6, tcp(b"tcp")),                                # not UDP
        ip(8, 17, udp(b"source routed", opts=lsrr()), opts=lsrr()),  # LSRR, final hop
        ip(9, 17, udp(b"odd")),                               # odd length
        ip(10, 17, b""),                                      # no UDP header at all
        ETH[:12] + b"\x08\x00" + b"\x45\x00\x00",             # tiny: no IP header
    ]


def tcp_set():
    p4 = tcp(b"x" * 5, doff=15)
    return [
        ip(1, 6, tcp(b"GET / HTTP/1.0\r\n")),                 # good
        ip(2, 6, tcp(b"bad", good=False)),                    # bad checksum
        ip(3, 6, tcp(b"offset4", doff=4)),                    # data offset < 5
        ip(4, 6, p4),                                         # data offset past payload
        ip(5, 6, tcp(b"")[:10]),                              # truncated TCP header
        ip(6, 17, udp(b"udp")),                               # not TCP
        ip(7, 6, tcp(b"routed", opts=lsrr()), opts=lsrr()),  # LSRR, final hop
        ip(8, 6, tcp(b"opts", doff=8, topts=b"\x02\x04\x05\xb4" + b"\x01" * 8)),  # TCP options
        ip(9, 6, tcp(b"iplen")[:20], total=10),              # IP length < header length
        ip(10, 6, tcp(b"y" * 20), total=80),                 # IP length past the data
        ip(11, 6, tcp(b"odd")),                               # odd length
    ]


def unsummed_set():
    return [
        ip(1, 17, udp(b"fix me", sum_=0xBEEF)),
        ip(2, 17, udp(b"odd", sum_=0)),
        ip(3, 17, udp(b"routed", opts=lsrr(), sum_=1), opts=lsrr()),
        ip(4, 17, udp(b"fragment", sum_=1), off=0x2000),      # MF: output 1
        ip(5, 17, udp(b"long", ulen=60, sum_=1)),             # UDP length past the end
        ip(6, 17, udp(b"")[:4]),                              # truncated
        ip(7, 6, tcp(b"fix tcp", good=False)),
        ip(8, 6, tcp(b"routed tcp", opts=lsrr(), good=False), opts=lsrr()),
        ip(9, 6, tcp(b"off3", doff=3, good=False)),           # FIXOFF: 3 -> 5
        ip(10, 6, tcp(b"z" * 8, doff=12, good=False)),        # FIXOFF: 12 -> 7
        ip(11, 6, tcp(b"")[:12]),                             # IP payload < 20: dropped
        ip(12, 6, tcp(b"w" * 8), total=100),                  # IP length past the data: dropped
    ]


def hostile_set(n, seed=5):
    """Valid packets of every kind, then mangled: truncated anywhere, header
    length, IP length, fragment field, data offset, UDP length and ICMP type
    overwritten with random values; plus empty and one-byte frames."""
    import random
    r = random.Random(seed)
    icmp = bytes([8, 0, 0, 0, 0, 1, 0, 1]) + b"ping"
    kinds = [lambda: ip(1, 17, udp(b"u" * r.randrange(40))),
             lambda: ip(2, 6, tcp(b"t" * r.randrange(40), doff=5)),
             lambda: ip(3, 1, icmp),
             lambda: ip(4, 17, udp(b"routed"), opts=lsrr()),
             lambda: ip(5, 17, udp(b"f" * 1500), off=0x2000 | r.randrange(8192)),
             lambda: ip(6, 1, bytes([3, 1, 0, 0, 0, 0, 0, 0]) + ip(9, 17, udp(b""))),
             lambda: ip(7, 17, udp(b"z" * 3000))]
    out = [b"", ETH[:1], ETH, ETH + b"\x45"]
    for _ in range(n):
        b = bytearray(r.choice(kinds)())
        for _ in range(r.randrange(1, 4)):
            what = r.randrange(8)
            if what == 0:
                b = b[:r.randrange(len(b) + 1)]
            elif what == 1 and b:
                b[0] = 0x40 | r.randrange(16)
            elif what == 2 and len(b) > 3:
                b[2:4] = struct.pack("!H", r.randrange(65536))
            elif what == 3 and len(b) > 7:
                b[6:8] = struct.pack("!H", r.randrange(65536))
            elif what == 4 and len(b) > 32:
                b[32] = r.randrange(256)  # TCP data offset (no options)
            elif what == 5 and len(b) > 25:
                b[24:26] = struct.pack("!H", r.randrange(65536))  # UDP length
            elif what == 6 and len(b) > 20:
                b[20] = r.randrange(256)  # ICMP type / first transport byte
            elif what == 7 and len(b) > 9:
                b[9] = r.choice([1, 6, 17, r.randrange(256)])
        out.append(frame(bytes(b)))
    return out


def show(path):
    for i, (data, _) in enumerate(RawPcapReader(path)):
        b = data[14:]
        if len(b) < 20:
            print("%s %d tiny len=%d" % (path, i, len(b)))
            continue
        hl = (b[0] & 15) * 4
        total, ident, off, proto = struct.unpack("!H H H", b[2:8]) + (b[9],)
        opts, src, dst = b[20:hl], b[12:16], b[16:20]
        seg = b[hl:total] if total <= len(b) else b[hl:]
        line = "%s %d id=%d p=%d" % (path, i, ident, proto)
        if proto == 6 and len(seg) >= 20:
            line += " doff=%d ok=%s" % (seg[12] >> 4, l4sum(seg, 6, opts, src, dst) == 0)
        elif proto == 17 and len(seg) >= 8:
            ulen = struct.unpack("!H", seg[4:6])[0]
            s = seg[:ulen] if 8 <= ulen <= len(seg) else seg
            line += " ok=%s" % (l4sum(s, 17, opts, src, dst) == 0)
        print(line)


def main():
    cmd = sys.argv[1]
    if cmd == "show":
        for f in sys.argv[2:]:
            show(f)
        return
    if cmd == "hostile":
        write_pcap(sys.argv[2], hostile_set(int(sys.argv[3])))
        return
    sets = {"udp": udp_set, "tcp": tcp_set, "unsummed": unsummed_set}
    write_pcap(sys.argv[2], [b if b.startswith(ETH[:12]) else frame(b) for b in sets[cmd]()])


if __name__ == "__main__":
    main()
