// router.click: Click's classic two-interface IP router (the configuration
// conf/make-ip-conf.pl writes), reading each interface's traffic from a pcap
// and writing what the router sends on it to another. Packets for the
// router itself go to $HOST.
//
//   interface 0: 10.0.0.1/24, 02:00:00:00:00:01
//   interface 1: 10.0.1.1/24, 02:00:00:00:01:01
//
// Run it from the repository root:
//   build/weir conf/examples/router.click IN0=if0.pcap IN1=if1.pcap \
//       OUT0=out0.pcap OUT1=out1.pcap HOST=host.pcap
// tests/system/test_router_example.py builds the inputs and checks the outputs.
define($IN0 in0.pcap, $IN1 in1.pcap, $OUT0 out0.pcap, $OUT1 out1.pcap, $HOST host.pcap);

// Shared IP input path and routing table
ip :: Strip(14)
    -> CheckIPHeader(INTERFACES 10.0.0.1/24 10.0.1.1/24)
    -> GetIPAddress(16)
    -> rt :: RadixIPLookup(10.0.0.1/32 0,
                           10.0.0.255/32 0,
                           10.0.0.0/32 0,
                           10.0.1.1/32 0,
                           10.0.1.255/32 0,
                           10.0.1.0/32 0,
                           10.0.0.0/24 1,
                           10.0.1.0/24 2,
                           255.255.255.255/32 0.0.0.0 0,
                           0.0.0.0/32 0);

// ARP responses are copied to each ARPQuerier and the host.
arpt :: Tee(3);

// Input and output paths for interface 0
c0 :: Classifier(12/0806 20/0001, 12/0806 20/0002, 12/0800, -);
FromDump($IN0, STOP true) -> c0;
out0 :: ToDump($OUT0);
c0[0] -> ar0 :: ARPResponder(10.0.0.1 02:00:00:00:00:01) -> out0;
arpq0 :: ARPQuerier(10.0.0.1, 02:00:00:00:00:01) -> out0;
c0[1] -> arpt;
arpt[0] -> [1]arpq0;
c0[2] -> Paint(1) -> ip;
c0[3] -> Print("if0 non-IP") -> Discard;

// Input and output paths for interface 1
c1 :: Classifier(12/0806 20/0001, 12/0806 20/0002, 12/0800, -);
FromDump($IN1, STOP true) -> c1;
out1 :: ToDump($OUT1);
c1[0] -> ar1 :: ARPResponder(10.0.1.1 02:00:00:00:01:01) -> out1;
arpq1 :: ARPQuerier(10.0.1.1, 02:00:00:00:01:01) -> out1;
c1[1] -> arpt;
arpt[1] -> [1]arpq1;
c1[2] -> Paint(2) -> ip;
c1[3] -> Print("if1 non-IP") -> Discard;

// Local delivery
toh :: ToDump($HOST);
arpt[2] -> toh;
rt[0] -> EtherEncap(0x0800, 1:1:1:1:1:1, 2:2:2:2:2:2) -> toh;

// Forwarding path for interface 0
rt[1] -> DropBroadcasts
    -> cp0 :: PaintTee(1)
    -> gio0 :: IPGWOptions(10.0.0.1)
    -> FixIPSrc(10.0.0.1)
    -> dt0 :: DecIPTTL
    -> fr0 :: IPFragmenter(1500)
    -> [0]arpq0;
dt0[1] -> ICMPError(10.0.0.1, timeexceeded) -> rt;
fr0[1] -> ICMPError(10.0.0.1, unreachable, needfrag) -> rt;
gio0[1] -> ICMPError(10.0.0.1, parameterproblem) -> rt;
cp0[1] -> ICMPError(10.0.0.1, redirect, host) -> rt;

// Forwarding path for interface 1
rt[2] -> DropBroadcasts
    -> cp1 :: PaintTee(2)
    -> gio1 :: IPGWOptions(10.0.1.1)
    -> FixIPSrc(10.0.1.1)
    -> dt1 :: DecIPTTL
    -> fr1 :: IPFragmenter(1500)
    -> [0]arpq1;
dt1[1] -> ICMPError(10.0.1.1, timeexceeded) -> rt;
fr1[1] -> ICMPError(10.0.1.1, unreachable, needfrag) -> rt;
gio1[1] -> ICMPError(10.0.1.1, parameterproblem) -> rt;
cp1[1] -> ICMPError(10.0.1.1, redirect, host) -> rt;

// Both inputs read: stop.
DriverManager(wait, wait, stop);
