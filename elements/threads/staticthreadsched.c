/* staticthreadsched.c - StaticThreadSched: places elements (their tasks) on given threads. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "weir/args.h"
#include "weir/element.h"
#include "weir/router.h"

/*
 * StaticThreadSched(ELEMENT THREAD, ...)
 *
 * specifies the threads that run elements' tasks
 *
 * Places each ELEMENT on worker thread THREAD: its tasks and timers run
 * there. A THREAD beyond the number of threads (weir -j N) wraps around
 * (THREAD modulo N), so a configuration written for many threads runs on
 * fewer. Elements not named are spread over the threads automatically
 * (sources and other task owners round-robin; the rest run on the threads
 * that push into them). The same placement can be written on a source
 * itself with a THREAD keyword: InfiniteSource(THREAD 1).
 *
 * Example:
 *   s0 :: InfiniteSource -> Discard; s1 :: InfiniteSource -> Discard;
 *   StaticThreadSched(s0 0, s1 1);
 */
static const char sts_doc[] =
	"StaticThreadSched(ELEMENT THREAD, ...)\n"
	"\n"
	"specifies the threads that run elements' tasks\n"
	"\n"
	"Places each ELEMENT on worker thread THREAD: its tasks and timers run\n"
	"there. A THREAD beyond the number of threads (weir -j N) wraps around\n"
	"(THREAD modulo N), so a configuration written for many threads runs on\n"
	"fewer. Elements not named are spread over the threads automatically\n"
	"(sources and other task owners round-robin; the rest run on the threads\n"
	"that push into them). The same placement can be written on a source\n"
	"itself with a THREAD keyword: InfiniteSource(THREAD 1).\n"
	"\n"
	"Example:\n"
	"  s0 :: InfiniteSource -> Discard; s1 :: InfiniteSource -> Discard;\n"
	"  StaticThreadSched(s0 0, s1 1);\n";

/* One "ELEMENT THREAD" argument. */
static int
sts_place(struct weir_element *e, const char *arg, struct weir_errh *errh)
{
	char **w = NULL;
	int n = weir_split_words(arg, &w);
	int rc = 0;
	int32_t t;

	if (n != 2) {
		rc = weir_error(errh, "expected 'ELEMENT THREAD', got '%s'", arg);
		goto out;
	}
	struct weir_element *x = weir_router_find(e->router, w[0], e);
	if (x == NULL) {
		rc = weir_error(errh, "'%s': no element named '%s'", arg, w[0]);
		goto out;
	}
	if (weir_parse_int(w[1], &t) < 0 || t < 0) {
		rc = weir_error(errh, "'%s': expected a thread number, got '%s'", arg, w[1]);
		goto out;
	}
	x->home_thread = (int)(t % (int32_t)weir_element_nthreads(e));
out:
	weir_words_free(w, n < 0 ? 0 : n);
	return rc;
}

static int
sts_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	int rc = 0;

	for (int i = 0; i < conf->argc; i++)
		if (conf->argv[i][0] && sts_place(e, conf->argv[i], errh) < 0)
			rc = -EINVAL;
	return rc;
}

static const struct weir_element_class staticthreadsched_class = {
	.name = "StaticThreadSched",
	.port_count = "0/0",
	.processing = "a/a",
	.configure_phase = WEIR_CONFIGURE_PHASE_LAST,
	.configure = sts_configure,
	.doc = sts_doc,
};
WEIR_ELEMENT_REGISTER(staticthreadsched_class)
