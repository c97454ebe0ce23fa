/* dump.c - prints a compiled classifier program the way Click's `program` handler does. */
#include <stdio.h>
#include "weir/classifier.h"

static const char *const base_prefix[WEIR_CLS_NBASES] = { "", "net+", "tr+" };

static void
dump_target(struct weir_strbuf *out, int32_t t)
{
	if (t >= 0)
		weir_strbuf_printf(out, "step %d", (int)t);
	else if ((uint8_t)~t == WEIR_CLS_DROP)
		weir_strbuf_puts(out, "[X]");
	else
		weir_strbuf_printf(out, "[%d]", (int)(uint8_t)~t);
}

static void
dump_test(struct weir_strbuf *out, const struct weir_cls_insn *in)
{
	char off[16];
	if (!in->mask) {
		snprintf(off, sizeof(off), "%slen", base_prefix[in->base]);
		weir_strbuf_printf(out, "%3s>=%u", off, (unsigned)in->req);
		return;
	}
	uint8_t v[4], m[4];
	memcpy(v, &in->value, 4);
	memcpy(m, &in->mask, 4);
	snprintf(off, sizeof(off), "%s%u", base_prefix[in->base], (unsigned)in->offset);
	weir_strbuf_printf(out, "%3s/%02x%02x%02x%02x%%%02x%02x%02x%02x", off, v[0], v[1], v[2],
			   v[3], m[0], m[1], m[2], m[3]);
}

void
weir_cls_program_dump(const struct weir_cls_program *prog, struct weir_strbuf *out)
{
	for (uint32_t i = 0; i < prog->ninsn; i++) {
		const struct weir_cls_insn *in = &prog->insn[i];
		weir_strbuf_printf(out, "%s%u ", i < 10 ? " " : "", (unsigned)i);
		dump_test(out, in);
		weir_strbuf_puts(out, "  yes->");
		dump_target(out, in->next[1]);
		weir_strbuf_puts(out, "  no->");
		dump_target(out, in->next[0]);
		weir_strbuf_putc(out, '\n');
	}
	if (prog->ninsn == 0) {
		weir_strbuf_puts(out, "all->");
		dump_target(out, ~(int32_t)prog->all_port);
		weir_strbuf_putc(out, '\n');
	}
	weir_strbuf_printf(out, "safe length %u\n", (unsigned)prog->safe_length);
	weir_strbuf_puts(out, "alignment offset 0\n");
}
