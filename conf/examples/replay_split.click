// replay_split.click: the ethertype split as a throughput test. The trace is
// loaded once, then ReplayUnqueue replays it $LOOPS times from memory through
// a Counter and a Classifier into Discards, so the run measures the pipeline
// rather than file reading.
//   scripts/run_example.sh replay_split LOOPS=2000
define($TRACE traces/example.pcap, $LOOPS 500, $BURST 32);

FromDump($TRACE, STOP false)
  -> ReplayUnqueue(STOP $LOOPS, QUICK_CLONE true, BURST $BURST)
  -> total :: Counter
  -> c :: Classifier(12/0806, 12/0800, 12/86dd, -);
c[0] -> arp :: Counter -> Discard;
c[1] -> ipv4 :: Counter -> Strip(14) -> len :: CheckLength(576) -> Discard;
len[1] -> ipv4_large :: Counter -> Discard;
c[2] -> ipv6 :: Counter -> Discard;
c[3] -> other :: Counter -> Discard;

DriverManager(wait, print "replay_split: $(total.count) packets", stop);
