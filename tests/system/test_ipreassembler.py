#!/usr/bin/python3
"""IPReassembler on random traffic: 300 datagrams cut at random places,
with duplicated and overlapping pieces, all interleaved and shuffled, come
out byte for byte as they went in; and under a flood of incomplete
datagrams (and of tiny pieces of one datagram) memory stays under HIMEM,
the oldest datagrams are given up on output 1, and a complete datagram
sent after the flood is still reassembled."""
import random
import struct

from pcaputil import Checker, handler_values, read_pcap, run_weir, weir_binary, write_pcap

ETH = bytes.fromhex("020000000002" "020000000001" "0800")


def cksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def ip(ident, payload, off=0, src=(10, 0, 0, 1), dst=(10, 0, 0, 2), proto=17):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, off, 64, proto, 0,
                    bytes(src), bytes(dst))
    return h[:10] + struct.pack("!H", cksum(h)) + h[12:] + payload


def piece(dgram, a, b):
    ident = struct.unpack("!H", dgram[4:6])[0]
    payload = dgram[20:]
    mf = 0x2000 if b < len(payload) else 0
    return ip(ident, payload[a:b], off=mf | (a // 8), src=dgram[12:16], dst=dgram[16:20],
              proto=dgram[9])


def random_pieces(r, dgram):
    """The datagram cut at random places, plus duplicated and overlapping
    pieces (same bytes), in random order except that the last piece (MF
    clear) comes last, so the datagram completes exactly then."""
    n = len(dgram) - 20
    units = (n + 7) // 8
    cuts = sorted(set(8 * r.randrange(1, units) for _ in range(r.randrange(0, 6)) if units > 1))
    bounds = [0] + cuts + [n]
    base = [piece(dgram, a, b) for a, b in zip(bounds, bounds[1:])]
    last = base.pop()
    if not base:
        return [last]  # not fragmented at all
    out = list(base)
    for _ in range(r.randrange(0, 3)):  # overlapping extra pieces
        a = 8 * r.randrange(0, units)
        b = min(n - 1, a + 8 * r.randrange(1, 40)) // 8 * 8
        if b > a:
            out.append(piece(dgram, a, b))
    if r.random() < 0.3:
        out.append(r.choice(base))  # a duplicate
    r.shuffle(out)
    return out + [last]


def interleave(r, queues):
    """Merges the lists at random, keeping each list's order."""
    queues = [list(q) for q in queues]
    out = []
    while queues:
        q = r.choice(queues)
        out.append(q.pop(0))
        if not q:
            queues.remove(q)
    return out


weir = weir_binary()
t = Checker("ipreassembler")
r = random.Random(20251126)

# ---- random traffic --------------------------------------------------------------------------
originals, queues = [], []
for i in range(300):
    n = r.choice([8, 17, 100, 576, 1480, 3000, 9000, r.randrange(1, 12000)])
    payload = bytes(r.randrange(256) for _ in range(n))
    src = (10, 1, r.randrange(4), 1)
    d = ip(1000 + i % 100, payload, src=src)  # IDs repeat across sources
    if (src, 1000 + i % 100) in {(tuple(o[12:16]), struct.unpack("!H", o[4:6])[0]) for o in originals}:
        continue
    originals.append(d)
    queues.append(random_pieces(r, d))
frags = interleave(r, queues)
write_pcap(t.path("frags.pcap"), [ETH + f for f in frags])
run = run_weir(weir, ["-e", """FromDump(frags.pcap, STOP true) -> MarkIPHeader(14)
    -> re :: IPReassembler(HIMEM 8000000) -> ToDump(out.pcap, SNAPLEN 0);""",
                      "-h", "re.reassembled", "-h", "re.datagrams", "-h", "re.mem_used",
                      "-h", "re.bad", "-h", "re.failed"], t.tmp)
t.ran_ok("reassembling %d datagrams from %d shuffled fragments runs" % (len(originals), len(frags)), run)
v = handler_values(run.stdout, ["re.reassembled", "re.datagrams", "re.mem_used", "re.bad", "re.failed"])
got = read_pcap(t.path("out.pcap"))[1] if run.returncode == 0 else []
got_ip = sorted(g[14:] for g in got)
t.check("every datagram comes out once, byte for byte (%d)" % len(originals),
        got_ip == sorted(originals),
        "%d out, %d in; %d differ" % (len(got_ip), len(originals),
                                      len(set(got_ip) ^ set(originals))))
nfrag = sum(1 for q in queues if len(q) > 1)
t.check("handlers: all %d fragmented ones reassembled, nothing held or failed" % nfrag,
        v.get("re.reassembled") == str(nfrag) and v.get("re.datagrams") == "0"
        and v.get("re.mem_used") == "0" and v.get("re.bad") == "0" and v.get("re.failed") == "0",
        "got %r" % v)

# ---- flood of incomplete datagrams -----------------------------------------------------------
HIMEM = 65536
flood = []
for i in range(6000):
    d = ip(i % 65536, bytes(r.randrange(256) for _ in range(400)),
           src=(10, 2, (i >> 16) & 255, 1 + (i >> 8) % 200))
    flood.append(piece(d, 0, 200))  # first halves only: never complete
one = ip(4242, bytes(range(256)) * 8, src=(10, 3, 3, 3))
tiny_target = ip(777, bytes(64000), src=(10, 4, 4, 4))
flood += [piece(tiny_target, 8 * k, 8 * k + 8) for k in range(0, 7000, 2)]  # tiny, with holes
flood += [piece(one, 0, 1024), piece(one, 1024, 2048)]
write_pcap(t.path("flood.pcap"), [ETH + f for f in flood])
names = ["re.reassembled", "re.datagrams", "re.mem_used", "re.failed", "re.bad", "given_up.count"]
run = run_weir(weir, ["-e", """FromDump(flood.pcap, STOP true) -> MarkIPHeader(14)
    -> re :: IPReassembler(HIMEM %d) -> ToDump(done.pcap, SNAPLEN 0);
    re[1] -> given_up :: Counter -> Discard;""" % HIMEM] + sum((["-h", n] for n in names), []),
               t.tmp)
t.ran_ok("a flood of %d incomplete fragments runs" % len(flood), run)
v = handler_values(run.stdout, names)
mem = int(v.get("re.mem_used", "-1"))
held = int(v.get("re.datagrams", "-1"))
failed = int(v.get("re.failed", "-1"))
t.check("memory stays under HIMEM (%s <= %d)" % (mem, HIMEM), 0 <= mem <= HIMEM, "got %r" % v)
t.check("datagrams held are bounded (%d <= %d)" % (held, HIMEM // 160), 0 <= held <= HIMEM // 160)
t.check("given-up datagrams leave on output 1 (%s = %s)" % (failed, v.get("given_up.count")),
        failed > 5000 and str(failed) == v.get("given_up.count"))
done = read_pcap(t.path("done.pcap"))[1] if run.returncode == 0 else []
t.check("a complete datagram after the flood is reassembled",
        v.get("re.reassembled") == "1" and len(done) == 1 and done[0][14:] == one,
        "got %r, %d packets" % (v, len(done)))
t.exit()
