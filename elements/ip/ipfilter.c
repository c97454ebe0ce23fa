/* ipfilter.c - IPFilter: filters IP packets with ACTION PATTERN rules, first match wins. */
/*
 * IPFilter(ACTION_1 PATTERN_1, ..., ACTION_N PATTERN_N)
 *
 * filters IP packets by contents
 *
 * Filters IP packets. IPFilter can have an arbitrary number of filters,
 * which are ACTION-PATTERN pairs. The ACTIONs describe what to do with
 * packets, while the PATTERNs are tcpdump(1)-like patterns; see IPClassifier
 * for their syntax. Packets are tested against the filters in order, and are
 * processed according to the ACTION of the first filter that matched; packets
 * that match no filter are dropped.
 *
 * Each ACTION is either a port number, which sends the packet out on that
 * port; "allow", which is equivalent to "0"; or "drop", which drops the
 * packet. "deny" is the same as "drop"; it draws a warning on an element with
 * more than one output, since it formerly meant "1" there (Click's
 * documented compatibility note; FastClick dropped the warning, weir follows
 * the documentation). A rule with an ACTION alone matches every packet.
 *
 * The IPFilter element has an arbitrary number of outputs; every numbered
 * ACTION must name one of them. Input packets must have their IP header
 * annotation set; CheckIPHeader and MarkIPHeader do this.
 *
 * Handler:
 *   program (read-only)  the compiled program (see IPClassifier).
 *
 * Example:
 *   IPFilter(allow src host 10.0.0.1 && tcp dst port www,
 *            1 icmp type echo,
 *            deny all);
 *
 * See also: IPClassifier, Classifier, CheckIPHeader, MarkIPHeader.
 */
#include "weir/classifier.h"
#include "weir/element.h"

static const char ipfilter_doc[] =
	"IPFilter(ACTION_1 PATTERN_1, ..., ACTION_N PATTERN_N)\n"
	"\n"
	"filters IP packets by contents\n"
	"\n"
	"Filters IP packets. IPFilter can have an arbitrary number of filters,\n"
	"which are ACTION-PATTERN pairs. The ACTIONs describe what to do with\n"
	"packets, while the PATTERNs are tcpdump(1)-like patterns; see IPClassifier\n"
	"for their syntax. Packets are tested against the filters in order, and are\n"
	"processed according to the ACTION of the first filter that matched; packets\n"
	"that match no filter are dropped.\n"
	"\n"
	"Each ACTION is either a port number, which sends the packet out on that\n"
	"port; \"allow\", which is equivalent to \"0\"; or \"drop\", which drops the\n"
	"packet. \"deny\" is the same as \"drop\"; it draws a warning on an element with\n"
	"more than one output, since it formerly meant \"1\" there (Click's\n"
	"documented compatibility note; FastClick dropped the warning, weir follows\n"
	"the documentation). A rule with an ACTION alone matches every packet.\n"
	"\n"
	"The IPFilter element has an arbitrary number of outputs; every numbered\n"
	"ACTION must name one of them. Input packets must have their IP header\n"
	"annotation set; CheckIPHeader and MarkIPHeader do this.\n"
	"\n"
	"Handler:\n"
	"  program (read-only)  the compiled program (see IPClassifier).\n"
	"\n"
	"Example:\n"
	"  IPFilter(allow src host 10.0.0.1 && tcp dst port www,\n"
	"           1 icmp type echo,\n"
	"           deny all);\n"
	"\n"
	"See also: IPClassifier, Classifier, CheckIPHeader, MarkIPHeader.\n";

struct ipfilter {
	struct weir_cls_program *prog;
	struct weir_cls_accel *accel;
};

static void
ipfilter_cleanup(struct weir_element *e)
{
	struct ipfilter *c = weir_element_priv(e);
	weir_cls_accel_free(c->accel);
	weir_cls_program_free(c->prog);
	c->accel = NULL;
	c->prog = NULL;
}

static int
ipfilter_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	struct ipfilter *c = weir_element_priv(e);
	struct weir_cls_program *prog;
	struct weir_cls_accel *accel;
	int r = weir_cls_compile_ip(conf->argc, conf->argv, true, e->noutputs, &prog, errh);
	if (r < 0)
		return r;
	if (weir_cls_accel_build(prog, &accel) < 0) {
		weir_cls_program_free(prog);
		return weir_error(errh, "out of memory");
	}
	ipfilter_cleanup(e);
	c->prog = prog;
	c->accel = accel;
	return 0;
}

static void
ipfilter_classify(struct weir_element *e, struct weir_batch *b, uint8_t *ports)
{
	const struct ipfilter *c = weir_element_priv(e);
	weir_cls_classify_ip(c->prog, c->accel, b->pkts, b->n, ports);
}

static int
ipfilter_read_program(struct weir_element *e, const struct weir_handler *h,
                      struct weir_strbuf *out)
{
	const struct ipfilter *c = weir_element_priv(e);
	(void)h;
	if (c->prog)
		weir_cls_program_dump(c->prog, out);
	return 0;
}

static const struct weir_handler ipfilter_handlers[] = {
	{ .name = "program", .read = ipfilter_read_program },
	WEIR_HANDLER_END
};

static const struct weir_element_class ipfilter_class = {
	.name = "IPFilter",
	.port_count = "1/-",
	.processing = "h/h",
	.priv_size = sizeof(struct ipfilter),
	.configure = ipfilter_configure,
	.cleanup = ipfilter_cleanup,
	.classify = ipfilter_classify,
	.handlers = ipfilter_handlers,
	.doc = ipfilter_doc,
};

WEIR_ELEMENT_REGISTER(ipfilter_class)
