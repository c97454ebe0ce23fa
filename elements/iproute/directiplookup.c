/* directiplookup.c - DirectIPLookup: IP routing table using DIR-24-8 direct-indexed tables. */
/*
 * DirectIPLookup(ADDR1/MASK1 [GW1] OUT1, ADDR2/MASK2 [GW2] OUT2, ...)
 *
 * IP routing lookup using direct-indexed tables.
 *
 * Expects a destination IP address annotation with each packet (set it with
 * GetIPAddress(16) upstream). Looks up that address in its routing table, using
 * longest-prefix match, sets the destination annotation to the route's GW (if
 * it has one), and emits the packet on the route's OUTput port. Packets
 * without a route are dropped silently, as in Click, and counted.
 *
 * Each argument is a route: ADDR/MASK, an optional gateway address ("-" for
 * none), and an output port, as for LinearIPLookup. No prefix should occur more
 * than once (the first is kept).
 *
 * DirectIPLookup implements DIR-24-8-BASIC (Gupta, Lin and McKeown, Infocom
 * 1998): a first-level table of 2^24 16-bit entries (32 MB, mapped on demand)
 * indexed by the top 24 address bits, and 256-entry second-level chunks for
 * the /24s that hold longer routes, so a lookup takes one or two memory reads.
 * Chunks are taken from a reserved area as needed (at most 61440), and the
 * tables hold at most 4095 distinct (GW, OUT) pairs; an update beyond either
 * limit fails with an error.
 *
 * Unlike FastClick's DirectIPLookup, the result is the exact longest-prefix
 * match whatever the order of the routes (FastClick goes wrong when a longer
 * prefix is listed before a shorter covering one, and fails with about 20000
 * random routes, having room for only 4096 chunks).
 *
 * Handlers:
 *   table (read)     the routes, one per line, tab-separated: "ADDR/LEN GW OUT"
 *                    (GW printed as 0.0.0.0 when there is none, as Click does).
 *                    weir lists them in insertion order (Click: hash order).
 *   lookup (read/write)  write an address, then read "OUT" or "OUT GW" for it
 *                    ("-1" when there is no route; an error before any
 *                    write).
 *   add (write)      "ADDR/MASK [GW] OUT": adds a route; fails if one exists.
 *   set (write)      "ADDR/MASK [GW] OUT": adds or replaces a route.
 *   remove (write)   "ADDR/MASK [GW OUT]": removes a route ("Entry not found"
 *                    if there is none).
 *   ctrl (write)     one command per line: "add ROUTE", "set ROUTE",
 *                    "remove ROUTE"; executed as one atomic operation.
 *   flush (write)    removes every route.
 *   drops (read)     packets dropped for lack of a route (weir extension).
 *
 * Example:
 *   ... -> GetIPAddress(16) -> rt :: DirectIPLookup(10.0.0.0/8 0,
 *                                                   0.0.0.0/0 10.0.0.1 1);
 *
 * See also: RadixIPLookup, LinearIPLookup, StaticIPLookup
 */
#include "iproute_priv.h"

static const char directiplookup_doc[] =
	"DirectIPLookup(ADDR1/MASK1 [GW1] OUT1, ADDR2/MASK2 [GW2] OUT2, ...)\n"
	"\n"
	"IP routing lookup using direct-indexed tables.\n"
	"\n"
	"Expects a destination IP address annotation with each packet (set it with\n"
	"GetIPAddress(16) upstream). Looks up that address in its routing table, using\n"
	"longest-prefix match, sets the destination annotation to the route's GW (if\n"
	"it has one), and emits the packet on the route's OUTput port. Packets\n"
	"without a route are dropped silently, as in Click, and counted.\n"
	"\n"
	"Each argument is a route: ADDR/MASK, an optional gateway address (\"-\" for\n"
	"none), and an output port, as for LinearIPLookup. No prefix should occur more\n"
	"than once (the first is kept).\n"
	"\n"
	"DirectIPLookup implements DIR-24-8-BASIC (Gupta, Lin and McKeown, Infocom\n"
	"1998): a first-level table of 2^24 16-bit entries (32 MB, mapped on demand)\n"
	"indexed by the top 24 address bits, and 256-entry second-level chunks for\n"
	"the /24s that hold longer routes, so a lookup takes one or two memory reads.\n"
	"Chunks are taken from a reserved area as needed (at most 61440), and the\n"
	"tables hold at most 4095 distinct (GW, OUT) pairs; an update beyond either\n"
	"limit fails with an error.\n"
	"\n"
	"Unlike FastClick's DirectIPLookup, the result is the exact longest-prefix\n"
	"match whatever the order of the routes (FastClick goes wrong when a longer\n"
	"prefix is listed before a shorter covering one, and fails with about 20000\n"
	"random routes, having room for only 4096 chunks).\n"
	"\n"
	"Handlers:\n"
	"  table (read)     the routes, one per line, tab-separated: \"ADDR/LEN GW OUT\"\n"
	"                   (GW printed as 0.0.0.0 when there is none, as Click does).\n"
	"                   weir lists them in insertion order (Click: hash order).\n"
	"  lookup (read/write)  write an address, then read \"OUT\" or \"OUT GW\" for it\n"
	"                   (\"-1\" when there is no route; an error before any\n"
	"                   write).\n"
	"  add (write)      \"ADDR/MASK [GW] OUT\": adds a route; fails if one exists.\n"
	"  set (write)      \"ADDR/MASK [GW] OUT\": adds or replaces a route.\n"
	"  remove (write)   \"ADDR/MASK [GW OUT]\": removes a route (\"Entry not found\"\n"
	"                   if there is none).\n"
	"  ctrl (write)     one command per line: \"add ROUTE\", \"set ROUTE\",\n"
	"                   \"remove ROUTE\"; executed as one atomic operation.\n"
	"  flush (write)    removes every route.\n"
	"  drops (read)     packets dropped for lack of a route (weir extension).\n"
	"\n"
	"Example:\n"
	"  ... -> GetIPAddress(16) -> rt :: DirectIPLookup(10.0.0.0/8 0,\n"
	"                                                  0.0.0.0/0 10.0.0.1 1);\n"
	"\n"
	"See also: RadixIPLookup, LinearIPLookup, StaticIPLookup\n";

static int
directiplookup_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	return iproute_elem_configure(e, conf, errh, IPROUTE_DIRECT);
}

static const struct weir_element_class directiplookup_class = {
	.name = "DirectIPLookup",
	.port_count = "1/-",
	.processing = "h/h",
	.priv_size = sizeof(struct iproute_elem),
	.pt_size = sizeof(struct iproute_pt),
	.configure = directiplookup_configure,
	.cleanup = iproute_elem_cleanup,
	.classify = iproute_classify_direct,
	.handlers = iproute_handlers_direct,
	.doc = directiplookup_doc,
};
WEIR_ELEMENT_REGISTER(directiplookup_class)
