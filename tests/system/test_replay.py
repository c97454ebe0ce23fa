#!/usr/bin/python3
"""ReplayUnqueue(STOP 3) preloads the trace and replays it three times;
Replay(STOP 2) -> Unqueue does the same twice."""
from pcaputil import Checker, example_packets, run_weir, weir_binary, write_pcap

weir = weir_binary()
t = Checker("replay")
packets = example_packets(200, seed=16)
write_pcap(t.path("in.pcap"), packets)

run = run_weir(weir, ["-e", """FromDump(in.pcap, STOP false) -> r :: ReplayUnqueue(STOP 3, QUICK_CLONE false)
  -> c :: Counter -> ToDump(out.pcap);
DriverManager(wait, stop);""", "-h", "c.count"], t.tmp)
t.ran_ok("FromDump -> ReplayUnqueue(STOP 3) -> ToDump runs", run)
t.same_packets("ReplayUnqueue(STOP 3) writes the trace three times", packets * 3, t.path("out.pcap"))
t.check("the counter saw %d packets" % (3 * len(packets)), run.stdout.strip() == str(3 * len(packets)),
        "got %r" % run.stdout.strip())

run = run_weir(weir, ["-e", """FromDump(in.pcap, STOP false) -> ReplayUnqueue(STOP 2, QUICK_CLONE true)
  -> ToDump(qc.pcap);"""], t.tmp)
t.ran_ok("ReplayUnqueue(STOP 2, QUICK_CLONE true) runs", run)
t.same_packets("with QUICK_CLONE the data is the same", packets * 2, t.path("qc.pcap"))

run = run_weir(weir, ["-e", """FromDump(in.pcap, STOP false) -> Replay(STOP 2) -> Unqueue -> ToDump(replay.pcap);"""], t.tmp)
t.ran_ok("FromDump -> Replay(STOP 2) -> Unqueue -> ToDump runs", run)
t.same_packets("Replay(STOP 2) gives the trace twice", packets * 2, t.path("replay.pcap"))
t.exit()
