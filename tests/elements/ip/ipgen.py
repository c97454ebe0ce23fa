#!/usr/bin/python3
"""ipgen.py - test packets for the tests/elements/ip clicktests, and a pcap dumper.

  ipgen.py set OUT.pcap     the standard set: good, optioned and malformed
                            IPv4 packets in Ethernet frames (see SET below)
  ipgen.py opts OUT.pcap    packets with Record Route / Timestamp options
  ipgen.py dump FILE...     one line per packet: "FILE IDX LEN HEX"
  ipgen.py ip FILE [SKIP]   one line per packet: IP fields after SKIP bytes
                            (default 14) and whether the header checksum is
                            valid, computed here independently of weir
"""
import struct
import sys


ETH = bytes.fromhex("020000000002" "020000000001" "0800")


def cksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def fix(h):
    """Recomputes the header checksum of the IP header in h (bytes)."""
    hl = (h[0] & 0xF) * 4
    h = bytearray(h)
    h[10:12] = b"\0\0"
    h[10:12] = struct.pack("!H", cksum(bytes(h[:hl])))
    return bytes(h)


def udp(src="10.0.0.1", dst="10.0.0.2", ttl=64, payload=b"hello", **kw):
    from scapy.all import IP, UDP, Raw  # slow to import: only when generating
    return bytes(IP(src=src, dst=dst, ttl=ttl, id=7, **kw) / UDP(sport=1000, dport=2000) / Raw(payload))


def SET():
    good = udp()
    pk = []
    pk.append(good + b"\0" * 6)                                   # 0 good, Ethernet padding
    from scapy.all import IPOption_NOP
    pk.append(udp(ttl=1, options=[IPOption_NOP()] * 4))           # 1 good, IHL 6, TTL 1
    pk.append(good[:10])                                          # 2 tiny
    pk.append(fix(bytes([0x65]) + good[1:]))                      # 3 version 6
    pk.append(fix(bytes([0x44]) + good[1:]))                      # 4 IHL 4
    pk.append(fix(good[:2] + struct.pack("!H", 200) + good[4:]))  # 5 length past end
    pk.append(fix(good[:2] + struct.pack("!H", 19) + good[4:]))   # 6 length < header
    bad = bytearray(good)
    bad[10] ^= 0x55
    pk.append(bytes(bad))                                         # 7 bad checksum
    h = bytearray(good[:28])
    h[0] = 0x4F
    h[2:4] = struct.pack("!H", 28)
    pk.append(fix(bytes(h[:20]) + bytes(8)))                      # 8 IHL 15 past the end
    pk.append(b"")                                                # 9 empty
    pk.append(udp(src="255.255.255.255", ttl=0))                  # 10 broadcast src, TTL 0
    pk.append(udp(src="0.0.0.0", dst="10.0.0.9"))                 # 11 zero src
    pk.append(udp(dst="224.0.0.5", ttl=5))                        # 12 multicast dst
    pk.append(udp(src="0.0.0.0", dst="10.0.0.1"))                 # 13 zero src to 10.0.0.1
    return [ETH + p for p in pk]


def opt_pkt(opts, ttl=64):
    """UDP packet whose IP options are the raw bytes opts (padded to 4)."""
    opts = opts + b"\0" * (-len(opts) % 4)
    base = bytearray(udp(ttl=ttl))
    hl = 20 + len(opts)
    h = bytearray(base[:20])
    h[0] = 0x40 | (hl // 4)
    h[2:4] = struct.pack("!H", len(base) + len(opts))
    return ETH + fix(bytes(h) + opts) + bytes(base[20:])


def OPTS():
    return [
        opt_pkt(b""),                                           # 0 no options
        opt_pkt(bytes([7, 11, 4]) + bytes(8)),                  # 1 RR, room for 2
        opt_pkt(bytes([7, 7, 8]) + bytes(4)),                   # 2 RR full (ptr = len+1)
        opt_pkt(bytes([7, 7, 2]) + bytes(4)),                   # 3 RR bad pointer
        opt_pkt(bytes([1, 1, 7, 1])),                           # 4 NOPs then RR length 1
        opt_pkt(bytes([68, 12, 5, 0x00]) + bytes(8)),           # 5 TS flag 0
        opt_pkt(bytes([68, 12, 5, 0x01]) + bytes(8)),           # 6 TS flag 1
        opt_pkt(bytes([68, 12, 5, 0x03]) + bytes([10, 0, 0, 1]) + bytes(4)),  # 7 TS flag 3, ours
        opt_pkt(bytes([68, 12, 5, 0x03]) + bytes([10, 9, 9, 9]) + bytes(4)),  # 8 TS flag 3, not ours
        opt_pkt(bytes([68, 8, 9, 0x20]) + bytes(4)),            # 9 TS full: overflow 2 -> 3
        opt_pkt(bytes([68, 8, 9, 0xF0]) + bytes(4)),            # 10 TS full, overflow 15
        opt_pkt(bytes([68, 8, 5, 0x02]) + bytes(4)),            # 11 TS flag 2
        opt_pkt(bytes([68, 8, 3, 0x00]) + bytes(4)),            # 12 TS pointer 3
        opt_pkt(bytes([130, 11]) + bytes(9)),                   # 13 security: skipped
        opt_pkt(bytes([0, 7, 3, 9])),                           # 14 EOL first
        opt_pkt(bytes([7, 40, 4]) + bytes(1)),                  # 15 length past header
    ]


def write_pcap(path, frames):
    """Ethernet pcap, microsecond timestamps 1 s apart."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, p in enumerate(frames):
            f.write(struct.pack("<IIII", 1000 + i, 0, len(p), len(p)))
            f.write(p)


def read_pcap(path):
    """Yields the captured bytes of each packet (any pcap byte order, us or ns)."""
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    end = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    off = 24
    while off + 16 <= len(data):
        _, _, caplen, _ = struct.unpack(end + "IIII", data[off:off + 16])
        off += 16
        yield data[off:off + caplen]
        off += caplen


def dump(files):
    for f in files:
        for i, p in enumerate(read_pcap(f)):
            print(f, i, len(p), bytes(p).hex())


def ipinfo(f, skip):
    for i, p in enumerate(read_pcap(f)):
        b = bytes(p)[skip:]
        if len(b) < 20:
            print(f, i, "short", len(b))
            continue
        hl = (b[0] & 0xF) * 4
        ok = len(b) >= hl and cksum(b[:hl]) == 0
        src = ".".join(str(x) for x in b[12:16])
        dst = ".".join(str(x) for x in b[16:20])
        print(f, i, "len=%d iplen=%d hl=%d ttl=%d src=%s dst=%s sum=%04x ok=%s opts=%s" % (
            len(b), struct.unpack("!H", b[2:4])[0], hl, b[8], src, dst,
            struct.unpack("!H", b[10:12])[0], ok, b[20:hl].hex()))


def main():
    cmd = sys.argv[1]
    if cmd == "set":
        write_pcap(sys.argv[2], SET())
    elif cmd == "opts":
        write_pcap(sys.argv[2], OPTS())
    elif cmd == "dump":
        dump(sys.argv[2:])
    elif cmd == "ip":
        ipinfo(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 14)
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main()
