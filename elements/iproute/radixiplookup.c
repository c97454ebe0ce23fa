/* radixiplookup.c - RadixIPLookup: IP routing table using a multibit radix trie. */
/*
 * RadixIPLookup(ADDR1/MASK1 [GW1] OUT1, ADDR2/MASK2 [GW2] OUT2, ...)
 *
 * IP lookup using a radix trie.
 *
 * Expects a destination IP address annotation with each packet (set it with
 * GetIPAddress(16) upstream). Looks up that address in its routing table, using
 * longest-prefix match, sets the destination annotation to the route's GW (if
 * it has one), and emits the packet on the route's OUTput port. Packets
 * without a route are dropped and counted (the first 5 are reported on
 * standard error, as Click's IPRouteTable does); there is no output for them.
 *
 * Each argument is a route: ADDR/MASK (MASK a prefix length or a contiguous
 * mask; a bare ADDR is a /32), an optional gateway address ("-" for none), and
 * an output port. When two arguments name the same prefix, the first is kept,
 * silently, as in Click. A malformed route, or an output port that does not
 * exist, is an error naming the argument.
 *
 * The trie's first level has 2^16 entries (Click: 256) and each further level
 * 16, so a lookup reads at most 5 entries. Each node remembers every prefix
 * that ends inside it, so removing a route restores the next covering one. The
 * result does not depend on the order in which routes were given.
 *
 * Handlers:
 *   table (read)     the routes, one per line, tab-separated: "ADDR/LEN GW OUT"
 *                    ("-" when no gateway).
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
 *                    "remove ROUTE"; executed as one atomic operation.
 *   drops (read)     packets dropped for lack of a route (weir extension).
 *
 * Example:
 *   ... -> GetIPAddress(16) -> rt :: RadixIPLookup(10.0.0.0/8 0,
 *                                                  0.0.0.0/0 10.0.0.1 1);
 *
 * See also: DirectIPLookup, LinearIPLookup, StaticIPLookup
 */
#include "iproute_priv.h"

static const char radixiplookup_doc[] =
	"RadixIPLookup(ADDR1/MASK1 [GW1] OUT1, ADDR2/MASK2 [GW2] OUT2, ...)\n"
	"\n"
	"IP lookup using a radix trie.\n"
	"\n"
	"Expects a destination IP address annotation with each packet (set it with\n"
	"GetIPAddress(16) upstream). Looks up that address in its routing table, using\n"
	"longest-prefix match, sets the destination annotation to the route's GW (if\n"
	"it has one), and emits the packet on the route's OUTput port. Packets\n"
	"without a route are dropped and counted (the first 5 are reported on\n"
	"standard error, as Click's IPRouteTable does); there is no output for them.\n"
	"\n"
	"Each argument is a route: ADDR/MASK (MASK a prefix length or a contiguous\n"
	"mask; a bare ADDR is a /32), an optional gateway address (\"-\" for none), and\n"
	"an output port. When two arguments name the same prefix, the first is kept,\n"
	"silently, as in Click. A malformed route, or an output port that does not\n"
	"exist, is an error naming the argument.\n"
	"\n"
	"The trie's first level has 2^16 entries (Click: 256) and each further level\n"
	"16, so a lookup reads at most 5 entries. Each node remembers every prefix\n"
	"that ends inside it, so removing a route restores the next covering one. The\n"
	"result does not depend on the order in which routes were given.\n"
	"\n"
	"Handlers:\n"
	"  table (read)     the routes, one per line, tab-separated: \"ADDR/LEN GW OUT\"\n"
	"                   (\"-\" when no gateway).\n"
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
	"                   \"remove ROUTE\"; executed as one atomic operation.\n"
	"  drops (read)     packets dropped for lack of a route (weir extension).\n"
	"\n"
	"Example:\n"
	"  ... -> GetIPAddress(16) -> rt :: RadixIPLookup(10.0.0.0/8 0,\n"
	"                                                 0.0.0.0/0 10.0.0.1 1);\n"
	"\n"
	"See also: DirectIPLookup, LinearIPLookup, StaticIPLookup\n";

static int
radixiplookup_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	return iproute_elem_configure(e, conf, errh, IPROUTE_RADIX);
}

static const struct weir_element_class radixiplookup_class = {
	.name = "RadixIPLookup",
	.port_count = "1/-",
	.processing = "h/h",
	.priv_size = sizeof(struct iproute_elem),
	.pt_size = sizeof(struct iproute_pt),
	.configure = radixiplookup_configure,
	.cleanup = iproute_elem_cleanup,
	.classify = iproute_classify_radix,
	.handlers = iproute_handlers_dynamic,
	.doc = radixiplookup_doc,
};
WEIR_ELEMENT_REGISTER(radixiplookup_class)
