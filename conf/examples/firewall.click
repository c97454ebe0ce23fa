// firewall.click: a stateless packet filter for a small site, built on
// IPFilter. The site network is 192.168.10.0/24 with a web server (.80),
// a mail server (.25) and a DNS server (.53). The filter reads a trace of
// traffic arriving from the Internet and writes what it lets in to
// $OUT/pass.pcap and what it rejects (and logs) to $OUT/rejected.pcap; ARP
// is passed through, malformed IP and non-IP frames are counted and dropped.
// Run it from the repository root:
//   build/weir conf/examples/firewall.click TRACE=my.pcap OUT=/tmp -h fw_pass.count
define($TRACE traces/example.pcap, $OUT out);

src :: FromDump($TRACE, STOP true);
eth :: Classifier(12/0800,    // IPv4
                  12/0806,    // ARP
                  -);         // anything else

src -> total :: Counter -> eth;

eth[1] -> arp :: Counter -> ToDump($OUT/arp.pcap);
eth[2] -> nonip :: Counter -> Discard;

// The IP header must be sane before any rule reads it: CheckIPHeader sets
// the IP header annotation IPFilter relies on, and sends bad headers out 1.
eth[0] -> check :: CheckIPHeader(OFFSET 14, CHECKSUM true);
check[1] -> bad :: Counter -> Discard;

// First matching rule wins. "drop"/"deny" discard silently, "allow" is
// output 0, "1" is the logged-reject output.
check[0] -> fw :: IPFilter(
	// anti-spoofing: our own, loopback and unroutable sources cannot
	// arrive from outside
	drop src net 192.168.10.0/24,
	drop src net 127.0.0.0/8 or src net 0.0.0.0/8 or src net 10.0.0.0/8,
	drop dst host 255.255.255.255 or dst host 192.168.10.255,
	// fragments carry no ports after the first: log and drop them all
	1 ip frag,
	// public services
	allow tcp && dst host 192.168.10.80 && (dst port www or dst port https),
	allow tcp && dst host 192.168.10.25 && dst port smtp,
	allow udp && dst host 192.168.10.53 && dst port dns,
	allow tcp && dst host 192.168.10.53 && dst port dns,
	// replies to connections opened from inside (no SYN without ACK)
	allow tcp && dst net 192.168.10.0/24 && dst port > 1023 && ack,
	allow udp && dst net 192.168.10.0/24 && src port dns && dst port > 1023,
	// ICMP: errors and echo replies in, pings only to the web server
	allow icmp type echo-reply or icmp type unreachable or icmp type timeexceeded,
	allow icmp type echo && dst host 192.168.10.80,
	// everything else is logged
	1 all);

fw[0] -> fw_pass :: Counter -> ToDump($OUT/pass.pcap);
fw[1] -> fw_reject :: Counter -> ToDump($OUT/rejected.pcap);

DriverManager(wait,
	print "firewall: $(total.count) packets, $(fw_pass.count) passed, $(fw_reject.count) rejected, $(bad.count) bad, $(arp.count) ARP, $(nonip.count) other",
	stop);
