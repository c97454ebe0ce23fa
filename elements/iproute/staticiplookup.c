/* staticiplookup.c - StaticIPLookup: static IP routing table (LinearIPLookup without updates). */
/*
 * StaticIPLookup(ADDR1/MASK1 [GW1] OUT1, ADDR2/MASK2 [GW2] OUT2, ...)
 *
 * Simple static IP routing table.
 *
 * Acts like LinearIPLookup (same route syntax, longest-prefix match on the
 * destination IP annotation, gateway written to the annotation, packets without
 * a route dropped and counted), but does not allow routes to be added or
 * removed at run time: it has no add, set, remove or ctrl handlers.
 *
 * Handlers:
 *   table (read)     the routes, one per line: "ADDR/LEN GW OUT".
 *   lookup (read/write)  write an address, then read "OUT" or "OUT GW" for it
 *                    ("-1" when there is no route; an error before any
 *                    write). Click reads it with a parameter; weir handlers
 *                    have none.
 *   drops (read)     packets dropped for lack of a route (weir extension).
 *
 * Example:
 *   rt :: StaticIPLookup(10.0.0.0/8 0, 0.0.0.0/0 10.0.0.1 1);
 *
 * See also: LinearIPLookup, RadixIPLookup, DirectIPLookup
 */
#include "iproute_priv.h"

static const char staticiplookup_doc[] =
	"StaticIPLookup(ADDR1/MASK1 [GW1] OUT1, ADDR2/MASK2 [GW2] OUT2, ...)\n"
	"\n"
	"Simple static IP routing table.\n"
	"\n"
	"Acts like LinearIPLookup (same route syntax, longest-prefix match on the\n"
	"destination IP annotation, gateway written to the annotation, packets without\n"
	"a route dropped and counted), but does not allow routes to be added or\n"
	"removed at run time: it has no add, set, remove or ctrl handlers.\n"
	"\n"
	"Handlers:\n"
	"  table (read)     the routes, one per line: \"ADDR/LEN GW OUT\".\n"
	"  lookup (read/write)  write an address, then read \"OUT\" or \"OUT GW\" for it\n"
	"                   (\"-1\" when there is no route; an error before any\n"
	"                   write). Click reads it with a parameter; weir handlers\n"
	"                   have none.\n"
	"  drops (read)     packets dropped for lack of a route (weir extension).\n"
	"\n"
	"Example:\n"
	"  rt :: StaticIPLookup(10.0.0.0/8 0, 0.0.0.0/0 10.0.0.1 1);\n"
	"\n"
	"See also: LinearIPLookup, RadixIPLookup, DirectIPLookup\n";

static int
staticiplookup_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	return iproute_elem_configure(e, conf, errh, IPROUTE_LINEAR);
}

static const struct weir_element_class staticiplookup_class = {
	.name = "StaticIPLookup",
	.port_count = "1/-",
	.processing = "h/h",
	.priv_size = sizeof(struct iproute_elem),
	.pt_size = sizeof(struct iproute_pt),
	.configure = staticiplookup_configure,
	.cleanup = iproute_elem_cleanup,
	.classify = iproute_classify_linear,
	.handlers = iproute_handlers_static,
	.doc = staticiplookup_doc,
};
WEIR_ELEMENT_REGISTER(staticiplookup_class)
