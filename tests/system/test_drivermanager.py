#!/usr/bin/python3
"""DriverManager: waits for the stop requests of its sources, runs write and
print instructions, waits for a time, and stops the router."""
import time

from pcaputil import Checker, example_packets, handler_values, run_weir, weir_binary, write_pcap

weir = weir_binary()
t = Checker("drivermanager")
packets = example_packets(100, seed=18)
write_pcap(t.path("in.pcap"), packets)

run = run_weir(weir, ["-e", """FromDump(in.pcap, STOP true) -> c :: Counter -> Discard;
DriverManager(wait, print "seen $(c.count)", write c.reset, stop);""", "-h", "c.count"], t.tmp)
t.ran_ok("wait, print, write, stop runs", run)
t.check("print expands $(c.count) to the count at that time", "seen %d" % len(packets) in run.stdout,
        "stdout %r" % run.stdout)
t.check("write c.reset zeroes the counter before exit", run.stdout.strip().split("\n")[-1] == "0",
        "stdout %r" % run.stdout)

run = run_weir(weir, ["-e", """a :: InfiniteSource(LIMIT 300, STOP true) -> ca :: Counter -> Discard;
b :: InfiniteSource(LIMIT 5000, STOP true) -> cb :: Counter -> Discard;
DriverManager(wait_stop 2, stop);""", "-h", "ca.count", "-h", "cb.count"], t.tmp)
t.ran_ok("wait_stop 2 with two sources runs", run)
v = handler_values(run.stdout, ["ca.count", "cb.count"])
t.check("wait_stop 2 waits for both sources to finish",
        v.get("ca.count") == "300" and v.get("cb.count") == "5000", "got %r" % v)

start = time.monotonic()
run = run_weir(weir, ["-e", """InfiniteSource(LIMIT -1) -> c :: Counter -> Discard;
DriverManager(wait_time 0.3s, stop);""", "-h", "c.count"], t.tmp, timeout=30)
elapsed = time.monotonic() - start
t.ran_ok("wait_time 0.3s then stop ends an endless source", run)
t.check("the run lasted about 0.3 s (%.2f s)" % elapsed, 0.25 <= elapsed < 10)
t.check("packets flowed meanwhile", run.stdout.strip().isdigit() and int(run.stdout.strip()) > 0,
        "stdout %r" % run.stdout)

start = time.monotonic()
run = run_weir(weir, ["-e", "InfiniteSource(LIMIT -1) -> Discard; DriverManager(stop);"], t.tmp, timeout=30)
t.ran_ok("DriverManager(stop) stops at once", run)
t.check("and promptly (%.2f s)" % (time.monotonic() - start), time.monotonic() - start < 10)
t.exit()
