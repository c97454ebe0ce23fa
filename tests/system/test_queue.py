#!/usr/bin/python3
"""Queue -> Unqueue keeps the order of packets and loses none when the queue
is large enough; with a small queue, drops + output = input and the output
is an in-order subsequence of the input."""
from pcaputil import Checker, example_packets, handler_values, read_pcap, run_weir, weir_binary, write_pcap

weir = weir_binary()
t = Checker("queue")
packets = example_packets(800, seed=15)
write_pcap(t.path("in.pcap"), packets)
names = ["c1.count", "c2.count", "q.drops", "q.length"]


def run_queue(capacity, out):
    args = ["-e", """FromDump(in.pcap, STOP true) -> c1 :: Counter -> q :: Queue(%d)
  -> u :: Unqueue -> c2 :: Counter -> ToDump(%s);
DriverManager(wait, wait_time 0.2s, stop);""" % (capacity, out)]
    for n in names:
        args += ["-h", n]
    return run_weir(weir, args, t.tmp)


run = run_queue(2000, "out.pcap")
t.ran_ok("FromDump -> Queue(2000) -> Unqueue -> ToDump runs", run)
t.same_packets("every packet comes out, in order", packets, t.path("out.pcap"))
v = handler_values(run.stdout, names)
t.check("c1.count = c2.count = %d" % len(packets),
        v.get("c1.count") == v.get("c2.count") == str(len(packets)), "got %r" % v)
t.check("q.drops is 0 and the queue is empty at the end",
        v.get("q.drops") == "0" and v.get("q.length") == "0", "got %r" % v)

run = run_queue(8, "small.pcap")
t.ran_ok("the same with Queue(8) runs", run)
v = handler_values(run.stdout, names)
try:
    _, got = read_pcap(t.path("small.pcap"))
except Exception as e:  # noqa: BLE001 - reported as a failed check
    got = None
    t.check("small.pcap is readable", False, str(e))
if got is not None:
    it = iter(packets)
    t.check("the output is an in-order subsequence of the input", all(p in it for p in got))
    try:
        drops, c1, c2 = int(v["q.drops"]), int(v["c1.count"]), int(v["c2.count"])
        t.check("drops (%d) + output (%d) = input (%d) and the file holds the output" % (drops, c2, c1),
                drops + c2 == c1 == len(packets) and len(got) == c2)
    except (KeyError, ValueError):
        t.check("handlers readable", False, "got %r" % v)
t.exit()
