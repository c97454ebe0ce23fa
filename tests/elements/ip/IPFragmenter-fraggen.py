#!/usr/bin/python3
"""IPFragmenter-fraggen.py - packets for the IPFragmenter and IPReassembler
clicktests, and independent checkers (plain Python, no scapy, no weir code).

  big OUT.pcap              IPFragmenter input set (see big_set)
  fragcheck IN OUT MTU      checks the fragments in OUT (Ethernet frames)
                            against the datagrams of IN: one line per IP ID
                            with the fragment sizes, offsets, MF bits, the
                            options of later fragments, header checksums, and
                            whether the data put back together equals the
                            original
  frags OUT.pcap            IPReassembler input: fragments of several
                            datagrams, shuffled, duplicated, overlapping,
                            plus non-fragments and bad fragments
  orig OUT.pcap             the datagrams `frags` was made from
  same A B                  compares two pcaps packet for packet (IP part)
  partial OUT.pcap          fragments of one datagram with a hole
"""
import random
import struct
import sys

from scapy.all import RawPcapReader

ETH = bytes.fromhex("020000000002" "020000000001" "0800")
SRC = bytes([10, 0, 0, 1])
DST = bytes([10, 0, 0, 2])


def cksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def ip(ident, payload, opts=b"", off=0, total=None, proto=17, src=SRC, dst=DST):
    hl = 20 + len(opts)
    total = hl + len(payload) if total is None else total
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | (hl // 4), 0, total, ident, off, 64, proto, 0,
                    src, dst) + opts
    return h[:10] + struct.pack("!H", cksum(h)) + h[12:] + payload


def data(n, seed):
    r = random.Random(seed)
    return bytes(r.randrange(256) for _ in range(n))


def write_pcap(path, pkts):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, d in enumerate(pkts):
            d = ETH + d
            f.write(struct.pack("<IIII", 1600000000 + i, 0, len(d), len(d)) + d)


def read(path):
    return [bytes(d)[14:] for d, _ in RawPcapReader(path)]


OPTS = bytes([131, 7, 4, 10, 9, 9, 9]) + bytes([1]) + bytes([7, 7, 4, 0, 0, 0, 0]) + bytes([0])


def big_set():
    return [
        ip(1, data(80, 1)),                                   # small: unchanged
        ip(2, data(2980, 2)),                                 # 3 fragments
        ip(3, data(1980, 3), opts=OPTS),                      # options: LSRR copied, RR not
        ip(4, data(1980, 4), off=0x4000),                     # DF: output 1
        ip(5, data(1600, 5), off=0x2000 | 100),               # a fragment: MF kept
        ip(6, data(1580, 6), total=10),                       # IP length < header: output 1
        ip(7, data(80, 7)) + data(1500, 77),                  # trailing bytes: cut
        ip(8, data(1473, 8)),                                 # 1493 bytes: fits exactly? no: 1493 < 1500
        ip(9, data(1481, 9)),                                 # 1501 bytes: 2 fragments
    ]


def fragcheck(inp, out, mtu):
    orig = {}
    for b in read(inp):
        orig.setdefault(struct.unpack("!H", b[4:6])[0], b)
    got = {}
    for b in read(out):
        got.setdefault(struct.unpack("!H", b[4:6])[0], []).append(b)
    for ident in sorted(got):
        o = orig.get(ident)
        frs = got[ident]
        ohl = (o[0] & 15) * 4
        olen = struct.unpack("!H", o[2:4])[0]
        base = (struct.unpack("!H", o[6:8])[0] & 0x1FFF) * 8
        buf = bytearray(olen - ohl)
        sizes, offs, mfs, lopts, sums = [], [], [], set(), True
        for f in frs:
            hl = (f[0] & 15) * 4
            flen, foff = struct.unpack("!H", f[2:4])[0], struct.unpack("!H", f[6:8])[0]
            sums &= cksum(f[:hl]) == 0 and flen == len(f)
            sizes.append(len(f))
            offs.append((foff & 0x1FFF) * 8 - base)
            mfs.append(foff >> 13 & 1)
            if offs[-1]:
                lopts.add(f[20:hl].hex())
            start = offs[-1]
            buf[start:start + flen - hl] = f[hl:flen]
            sums &= len(f) <= mtu
        same = bytes(buf) == o[ohl:olen] and frs[0][:ohl].hex()[24:] == o[:ohl].hex()[24:]
        print("id=%d n=%d sizes=%s offs=%s mf=%s later_opts=%s sums=%s data=%s" % (
            ident, len(frs), ",".join(map(str, sizes)), ",".join(map(str, offs)),
            "".join(map(str, mfs)), ",".join(sorted(lopts)) or "-", sums,
            "ok" if same else "DIFFERS"))


def fragment(dgram, cuts):
    """Fragments of dgram (a 20-byte-header IP packet) at the data offsets
    in cuts (multiples of 8): list of (off, end) -> packets."""
    ident = struct.unpack("!H", dgram[4:6])[0]
    payload = dgram[20:]
    out = []
    bounds = [0] + cuts + [len(payload)]
    for a, b in zip(bounds, bounds[1:]):
        mf = 0x2000 if b < len(payload) else 0
        out.append(ip(ident, payload[a:b], off=mf | (a // 8)))
    return out


def piece(dgram, a, b, fill=None):
    """One fragment of dgram covering [a, b); fill replaces the bytes."""
    ident = struct.unpack("!H", dgram[4:6])[0]
    payload = dgram[20:]
    mf = 0x2000 if b < len(payload) else 0
    body = payload[a:b] if fill is None else bytes([fill]) * (b - a)
    return ip(ident, body, off=mf | (a // 8))


def originals():
    return [ip(100 + i, data(n, 100 + i)) for i, n in enumerate([1000, 3000, 17, 4000, 64, 8000])]


def frags_set():
    o = originals()
    r = random.Random(7)
    pkts = []
    # 100: in order
    pkts += [("a", p) for p in fragment(o[0], [496])]
    # 101: shuffled, with a duplicate
    f = fragment(o[1], [1000, 2000])
    f.append(f[1])
    r.shuffle(f)
    pkts += [("b", p) for p in f]
    # 103: overlapping pieces (same bytes), last one first
    pkts += [("c", piece(o[3], 2400, 4000)), ("c", piece(o[3], 800, 2400)),
             ("c", piece(o[3], 0, 1600))]
    # 104: a conflicting overlap: the later bytes win
    pkts += [("d", piece(o[4], 0, 32, fill=0xEE)), ("d", piece(o[4], 0, 32)),
             ("d", piece(o[4], 32, 64))]
    # 105: many small fragments, shuffled
    f = fragment(o[5], list(range(8, 8000, 480)))
    r.shuffle(f)
    pkts += [("e", p) for p in f]
    # non-fragments pass: 102 and a plain one
    pkts.insert(3, ("n", o[2]))
    # bad fragments (dropped): zero length, middle fragment length not a
    # multiple of 8, past 65535, truncated (IP length past the data)
    pkts += [("x", ip(200, b"", off=0x2000)),
             ("x", ip(201, b"abcde", off=0x2000)),
             ("x", ip(202, b"12345678" * 2, off=8190)),
             ("x", ip(203, b"x" * 16, off=0x2000, total=100))]
    return [p for _, p in pkts]


def same(a, b):
    pa, pb = read(a), read(b)
    print("%d vs %d packets" % (len(pa), len(pb)))
    for i, (x, y) in enumerate(zip(pa, pb)):
        print("%d %s" % (i, "same" if x == y else "DIFFERS id=%d len %d vs %d" % (
            struct.unpack("!H", x[4:6])[0], len(x), len(y))))


def main():
    cmd = sys.argv[1]
    if cmd == "big":
        write_pcap(sys.argv[2], big_set())
    elif cmd == "fragcheck":
        fragcheck(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif cmd == "frags":
        write_pcap(sys.argv[2], frags_set())
    elif cmd == "orig":
        o = originals()
        write_pcap(sys.argv[2], [o[0], o[2], o[1], o[3], o[4], o[5]])
    elif cmd == "same":
        same(sys.argv[2], sys.argv[3])
    elif cmd == "partial":
        o = originals()[1]
        write_pcap(sys.argv[2], [piece(o, 0, 1000), piece(o, 2000, 3000)])


if __name__ == "__main__":
    main()
