// ethertype_split.click: an example middlebox built from the basic elements.
// It reads a trace, splits it by Ethernet type, separates large IPv4
// packets from small ones, passes IPv6 through a queue, and writes one pcap
// per class into $OUT (which must exist). Run it from the repository root:
//   scripts/run_example.sh ethertype_split
//   build/weir conf/examples/ethertype_split.click TRACE=my.pcap OUT=/tmp
define($TRACE traces/example.pcap, $OUT out);

src :: FromDump($TRACE, STOP true);
c :: Classifier(12/0806,      // ARP
                12/0800,      // IPv4
                12/86dd,      // IPv6
                12/8100,      // 802.1Q VLAN
                -);           // anything else

src -> total :: Counter -> c;

c[0] -> arp :: Counter -> ToDump($OUT/arp.pcap);

// IPv4: look at the IP packet without its Ethernet header, split at 576
// bytes (the minimum datagram every host must accept), then restore it.
c[1] -> ipv4 :: Counter -> Strip(14) -> len :: CheckLength(576);
len[0] -> ipv4_small :: Counter -> Unstrip(14) -> ToDump($OUT/ipv4_small.pcap);
len[1] -> ipv4_large :: Counter -> Unstrip(14) -> ToDump($OUT/ipv4_large.pcap);

// IPv6 goes through a queue, drained by Unqueue's task.
c[2] -> ipv6 :: Counter -> q :: Queue(4096) -> Unqueue -> ToDump($OUT/ipv6.pcap);

// VLAN traffic is copied: one copy kept whole, one painted and counted.
c[3] -> vlan :: Counter -> t :: Tee(2);
t[0] -> ToDump($OUT/vlan.pcap);
t[1] -> Paint(1) -> ps :: PaintSwitch;
ps[0] -> Discard;
ps[1] -> vlan_painted :: Counter -> Discard;

c[4] -> other :: Counter -> Discard;

// When the trace is done, let the queue drain, then print a summary.
DriverManager(wait,
              wait_time 0.05s,
              print "ethertype_split: $(total.count) packets: $(arp.count) ARP, $(ipv4.count) IPv4 ($(ipv4_large.count) over 576 bytes), $(ipv6.count) IPv6, $(vlan.count) VLAN, $(other.count) other",
              stop);
