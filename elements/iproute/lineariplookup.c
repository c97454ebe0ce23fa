/* lineariplookup.c - LinearIPLookup: simple IP routing table (longest-prefix match, exact). */
/*
 * LinearIPLookup(ADDR1/MASK1 [GW1] OUT1, ADDR2/MASK2 [GW2] OUT2, ...)
 *
 * Simple IP routing table.
 *
 * Expects a destination IP address annotation with each packet (set it with
 * GetIPAddress(16) upstream). Looks up that address in its routing table, using
 * longest-prefix match, sets the destination annotation to the route's GW (if
 * it has one), and emits the packet on the route's OUTput port. Packets
 * without a route are dropped and counted (the first 5 are reported on
 * standard error); there is no output for them.
 *
 * Each argument is a route: ADDR/MASK (MASK a prefix length or a contiguous
 * mask; a bare ADDR is a /32), an optional gateway address ("-" for none), and
 * an output port. The address is masked. When two arguments name the same
 * prefix, the first is kept, silently, as in Click. A malformed route, or an
 * output port that does not exist, is an error naming the argument.
 *
 * Click searches the routes one by one; weir probes an exact-match hash once
 * per prefix length present, longest first (at most 33 probes), with the same
 * result. Non-contiguous masks are not accepted.
 *
 * Handlers:
 *   table (read)     the routes, one per line: "ADDR/LEN GW OUT" ("-" when no
 *                    gateway).
 *   lookup (read/write)  write an address, then read "OUT" or "OUT GW" for it
 *                    ("-1" when there is no route; an error before any
 *                    write). Click reads it with a parameter; weir handlers
 *                    have none.
 *   add (write)      "ADDR/MASK [GW] OUT": adds a route; fails if one exists for
 *                    ADDR/MASK ("conflict with existing route").
 *   set (write)      "ADDR/MASK [GW] OUT": adds or replaces a route.
 *   remove (write)   "ADDR/MASK [GW OUT]": removes the route for ADDR/MASK (with
 *                    GW and OUT, only if they match); fails if none.
 *   ctrl (write)     one command per line: "add ROUTE", "set ROUTE",
 *                    "remove ROUTE"; executed as one atomic operation (all or
 *                    none).
 *   drops (read)     packets dropped for lack of a route (weir extension).
 *
 * Example:
 *   ... -> GetIPAddress(16) -> rt;
 *   rt :: LinearIPLookup(18.26.4.24/32 0, 18.26.4.255/32 0, 18.26.4.0/32 0,
 *                        18.26.4/24 1, 0/0 18.26.4.1 1);
 *   rt[0] -> ToHost; rt[1] -> ... -> ToDevice(eth0);
 *
 * See also: StaticIPLookup, RadixIPLookup, DirectIPLookup, GetIPAddress
 */
#include "iproute_priv.h"

static const char lineariplookup_doc[] =
	"LinearIPLookup(ADDR1/MASK1 [GW1] OUT1, ADDR2/MASK2 [GW2] OUT2, ...)\n"
	"\n"
	"Simple IP routing table.\n"
	"\n"
	"Expects a destination IP address annotation with each packet (set it with\n"
	"GetIPAddress(16) upstream). Looks up that address in its routing table, using\n"
	"longest-prefix match, sets the destination annotation to the route's GW (if\n"
	"it has one), and emits the packet on the route's OUTput port. Packets\n"
	"without a route are dropped and counted (the first 5 are reported on\n"
	"standard error); there is no output for them.\n"
	"\n"
	"Each argument is a route: ADDR/MASK (MASK a prefix length or a contiguous\n"
	"mask; a bare ADDR is a /32), an optional gateway address (\"-\" for none), and\n"
	"an output port. The address is masked. When two arguments name the same\n"
	"prefix, the first is kept, silently, as in Click. A malformed route, or an\n"
	"output port that does not exist, is an error naming the argument.\n"
	"\n"
	"Click searches the routes one by one; weir probes an exact-match hash once\n"
	"per prefix length present, longest first (at most 33 probes), with the same\n"
	"result. Non-contiguous masks are not accepted.\n"
	"\n"
	"Handlers:\n"
	"  table (read)     the routes, one per line: \"ADDR/LEN GW OUT\" (\"-\" when no\n"
	"                   gateway).\n"
	"  lookup (read/write)  write an address, then read \"OUT\" or \"OUT GW\" for it\n"
	"                   (\"-1\" when there is no route; an error before any\n"
	"                   write). Click reads it with a parameter; weir handlers\n"
	"                   have none.\n"
	"  add (write)      \"ADDR/MASK [GW] OUT\": adds a route; fails if one exists for\n"
	"                   ADDR/MASK (\"conflict with existing route\").\n"
	"  set (write)      \"ADDR/MASK [GW] OUT\": adds or replaces a route.\n"
	"  remove (write)   \"ADDR/MASK [GW OUT]\": removes the route for ADDR/MASK (with\n"
	"                   GW and OUT, only if they match); fails if none.\n"
	"  ctrl (write)     one command per line: \"add ROUTE\", \"set ROUTE\",\n"
	"                   \"remove ROUTE\"; executed as one atomic operation (all or\n"
	"                   none).\n"
	"  drops (read)     packets dropped for lack of a route (weir extension).\n"
	"\n"
	"Example:\n"
	"  ... -> GetIPAddress(16) -> rt;\n"
	"  rt :: LinearIPLookup(18.26.4.24/32 0, 18.26.4.255/32 0, 18.26.4.0/32 0,\n"
	"                       18.26.4/24 1, 0/0 18.26.4.1 1);\n"
	"  rt[0] -> ToHost; rt[1] -> ... -> ToDevice(eth0);\n"
	"\n"
	"See also: StaticIPLookup, RadixIPLookup, DirectIPLookup, GetIPAddress\n";

static int
lineariplookup_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	return iproute_elem_configure(e, conf, errh, IPROUTE_LINEAR);
}

static const struct weir_element_class lineariplookup_class = {
	.name = "LinearIPLookup",
	.port_count = "1/-",
	.processing = "h/h",
	.priv_size = sizeof(struct iproute_elem),
	.pt_size = sizeof(struct iproute_pt),
	.configure = lineariplookup_configure,
	.cleanup = iproute_elem_cleanup,
	.classify = iproute_classify_linear,
	.handlers = iproute_handlers_dynamic,
	.doc = lineariplookup_doc,
};
WEIR_ELEMENT_REGISTER(lineariplookup_class)
