// nat.click: source NAT (NAPT) for a small site. Hosts of 10.0.0.0/24 reach
// the Internet behind one public address, $PUBLIC; replies are mapped back to
// the inside host that opened the flow, and unsolicited traffic from outside
// is dropped.
//
// The router reads the frames its inside port received from $INSIDE and,
// once they are done, the frames its outside port received from $OUTSIDE
// (DriverManager orders the two so that replies find their mappings). What
// it sends out of each port goes to $OUT/to_outside.pcap and
// $OUT/to_inside.pcap, with the router's own Ethernet addresses.
//
// IPRewriter keeps each inside flow's source port when it is free (port
// preservation, as Linux and most NATs do) and picks another port of
// 1024-65535 otherwise. TCP and UDP only: ICMP and fragments are dropped,
// as Click's IPRewriter does. Run it from the repository root:
//   build/weir conf/examples/nat.click INSIDE=in.pcap OUTSIDE=out.pcap OUT=/tmp -h nat.table
define($INSIDE nat_inside.pcap, $OUTSIDE nat_outside.pcap, $OUT out,
       $PUBLIC 198.51.100.1,
       $INSIDE_MAC 02:00:00:00:00:01, $INSIDE_HOSTS_MAC 02:00:00:00:00:10,
       $OUTSIDE_MAC 02:00:00:00:01:01, $UPSTREAM_MAC 02:00:00:00:01:fe);

inside :: FromDump($INSIDE, STOP true);
outside :: FromDump($OUTSIDE, STOP true, ACTIVE false);

// input 0: new flows from inside get the public address;
// input 1: from outside, only replies to known flows pass (mappings are
// looked up before the input's spec, whatever the input).
nat :: IPRewriter(pattern $PUBLIC 1024-65535 - - 0 1, drop,
	UDP_TIMEOUT 2min, TCP_DONE_TIMEOUT 1min, REAP_INTERVAL 30s);

inside -> in_count :: Counter
	-> in_eth :: Classifier(12/0800, -)
	-> in_check :: CheckIPHeader(OFFSET 14)
	-> [0] nat;
in_eth[1] -> in_nonip :: Counter -> Discard;
in_check[1] -> in_bad :: Counter -> Discard;

outside -> out_count :: Counter
	-> out_eth :: Classifier(12/0800, -)
	-> out_check :: CheckIPHeader(OFFSET 14)
	-> [1] nat;
out_eth[1] -> out_nonip :: Counter -> Discard;
out_check[1] -> out_bad :: Counter -> Discard;

// Rewritten packets leave with the router's MAC on that side.
nat[0] -> Strip(14) -> EtherEncap(0x0800, $OUTSIDE_MAC, $UPSTREAM_MAC)
	-> to_outside :: Counter -> ToDump($OUT/to_outside.pcap);
nat[1] -> Strip(14) -> EtherEncap(0x0800, $INSIDE_MAC, $INSIDE_HOSTS_MAC)
	-> to_inside :: Counter -> ToDump($OUT/to_inside.pcap);

DriverManager(wait, write outside.active true, wait,
	print "nat: $(to_outside.count) packets out, $(to_inside.count) in, $(nat.nmappings) mappings, $(nat.mapping_failures) failures, $(nat.drops) dropped",
	stop);
