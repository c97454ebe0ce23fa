/* main.c - the weir command: parse a Click configuration, run it, print handlers. */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "weir/args.h"
#include "weir/lang.h"
#include "weir/packet.h"
#include "weir/router.h"
#include "weir/task.h"

struct options {
	const char *file;
	const char *expr;
	const char **handlers;
	int nhandlers;
	const char *exit_handler;
	const char *output;
	struct weir_lang_var *vars;
	int nvars;
	bool quit, dot, list, time, no_warnings;
	const char *doc;
	unsigned threads;
	int *cpus;
	int ncpus;
	uint64_t pool;
};

static struct weir_router *running_router;

static void
on_signal(int sig)
{
	(void)sig;
	if (running_router)
		weir_router_stop(running_router);
}

/* "0-3,6,8-9" -> o->cpus; returns 0 or -1 on a malformed list. */
static int
parse_cpus(const char *s, struct options *o)
{
	free(o->cpus);
	o->cpus = NULL;
	o->ncpus = 0;
	while (*s) {
		char *end;
		long lo = strtol(s, &end, 10), hi;
		if (end == s || lo < 0 || lo >= CPU_SETSIZE)
			return -1;
		hi = lo;
		s = end;
		if (*s == '-') {
			hi = strtol(s + 1, &end, 10);
			if (end == s + 1 || hi < lo || hi >= CPU_SETSIZE)
				return -1;
			s = end;
		}
		for (long c = lo; c <= hi; c++) {
			int *n = realloc(o->cpus, (size_t)(o->ncpus + 1) * sizeof(int));
			if (!n)
				abort();
			o->cpus = n;
			o->cpus[o->ncpus++] = (int)c;
		}
		if (*s == ',' && s[1])
			s++;
		else if (*s)
			return -1;
	}
	return o->ncpus ? 0 : -1;
}

static void
usage(FILE *f)
{
	fputs("Usage: weir [OPTION]... [CONFIGFILE | -e CONFIG] [VAR=VALUE]...\n"
	      "Run a Click configuration with weir.\n\n"
	      "  -f, --file FILE           read the configuration from FILE (- for stdin)\n"
	      "  -e, --expression CONFIG   use CONFIG as the configuration\n"
	      "  -h, --handler ELEM.H      print the value of read handler ELEM.H after the run\n"
	      "  -x, --exit-handler ELEM.H use the value of ELEM.H as the exit status\n"
	      "  -o, --output FILE         write the flattened configuration to FILE\n"
	      "  -q, --quit                initialize, print handlers, do not run\n"
	      "  -t, --time                print how long the run took\n"
	      "  -w, --no-warnings         do not print warnings\n"
	      "  -j, --threads N           worker threads, each pinned to a CPU (default 1)\n"
	      "      --cpus LIST           CPUs for the threads, e.g. 0-3 or 1,3 (thread i on\n"
	      "                            the i-th, cycling; default: the CPUs weir may use)\n"
	      "      --pool-size N         packets per pool class (default 1048576)\n"
	      "      --dot                 print the flattened graph in Graphviz format\n"
	      "      --list-elements       list the element classes\n"
	      "      --doc CLASS           show the documentation of an element class\n"
	      "      --help                print this message\n"
	      "  -v, --version             print the version\n\n"
	      "VAR=VALUE sets $VAR, overriding a define() of the same name.\n",
	      f);
}

static void
add_var(struct options *o, char *arg)
{
	char *eq = strchr(arg, '=');
	*eq = '\0';
	o->vars = realloc(o->vars, (size_t)(o->nvars + 1) * sizeof(*o->vars));
	if (!o->vars)
		abort();
	o->vars[o->nvars].name = arg[0] == '$' ? arg + 1 : arg;
	o->vars[o->nvars].value = eq + 1;
	o->nvars++;
}

static bool
is_var_assignment(const char *s)
{
	const char *eq = strchr(s, '=');
	if (!eq || eq == s)
		return false;
	for (const char *p = s[0] == '$' ? s + 1 : s; p < eq; p++)
		if (!(*p == '_' || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9')))
			return false;
	return true;
}

enum { OPT_DOT = 1000, OPT_LIST, OPT_DOC, OPT_HELP, OPT_POOL, OPT_CPUS };

static int
parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "file", required_argument, NULL, 'f' },
		{ "expression", required_argument, NULL, 'e' },
		{ "handler", required_argument, NULL, 'h' },
		{ "exit-handler", required_argument, NULL, 'x' },
		{ "output", required_argument, NULL, 'o' },
		{ "quit", no_argument, NULL, 'q' },
		{ "time", no_argument, NULL, 't' },
		{ "no-warnings", no_argument, NULL, 'w' },
		{ "threads", required_argument, NULL, 'j' },
		{ "version", no_argument, NULL, 'v' },
		{ "dot", no_argument, NULL, OPT_DOT },
		{ "list-elements", no_argument, NULL, OPT_LIST },
		{ "doc", required_argument, NULL, OPT_DOC },
		{ "help", no_argument, NULL, OPT_HELP },
		{ "pool-size", required_argument, NULL, OPT_POOL },
		{ "cpus", required_argument, NULL, OPT_CPUS },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	o->threads = 1;
	while ((c = getopt_long(argc, argv, "f:e:h:x:o:qtwj:v", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': o->file = optarg; break;
		case 'e': o->expr = optarg; break;
		case 'h':
			o->handlers = realloc(o->handlers, (size_t)(o->nhandlers + 1) * sizeof(char *));
			if (!o->handlers)
				abort();
			o->handlers[o->nhandlers++] = optarg;
			break;
		case 'x': o->exit_handler = optarg; break;
		case 'o': o->output = optarg; break;
		case 'q': o->quit = true; break;
		case 't': o->time = true; break;
		case 'w': o->no_warnings = true; break;
		case 'j':
			if (weir_parse_uint(optarg, &o->threads) < 0 || o->threads == 0 ||
			    o->threads > WEIR_MAX_THREADS) {
				fprintf(stderr, "weir: --threads: expected an integer from 1 to %d, got '%s'\n",
					WEIR_MAX_THREADS, optarg);
				return -1;
			}
			break;
		case OPT_CPUS:
			if (parse_cpus(optarg, o) < 0) {
				fprintf(stderr, "weir: --cpus: expected a CPU list like 0-3 or 1,3,5 "
					"(CPUs below %d), got '%s'\n", CPU_SETSIZE, optarg);
				return -1;
			}
			break;
		case 'v': printf("weir %s\n", WEIR_VERSION); exit(0);
		case OPT_DOT: o->dot = true; break;
		case OPT_LIST: o->list = true; break;
		case OPT_DOC: o->doc = optarg; break;
		case OPT_HELP: usage(stdout); exit(0);
		case OPT_POOL:
			if (weir_parse_uint64(optarg, &o->pool) < 0 || o->pool < 1024) {
				fprintf(stderr, "weir: --pool-size: expected an integer >= 1024, got '%s'\n", optarg);
				return -1;
			}
			break;
		default:
			usage(stderr);
			return -1;
		}
	}
	for (int i = optind; i < argc; i++) {
		if (is_var_assignment(argv[i]))
			add_var(o, argv[i]);
		else if (!o->file && !o->expr)
			o->file = argv[i];
		else {
			fprintf(stderr, "weir: unexpected argument '%s' (configuration already given)\n", argv[i]);
			return -1;
		}
	}
	return 0;
}

static int
list_elements(void)
{
	for (size_t i = 0; i < weir_element_class_count(); i++)
		printf("%s\n", weir_element_class_at(i)->name);
	return 0;
}

static int
show_doc(const char *name)
{
	const struct weir_element_class *cls = weir_element_class_find(name);
	if (!cls) {
		const char *s = weir_element_class_suggest(name);
		fprintf(stderr, "weir: unknown element class '%s'%s%s%s\n", name,
			s ? " (did you mean '" : "", s ? s : "", s ? "'?)" : "");
		return 1;
	}
	printf("%s\n", cls->doc ? cls->doc : "(no documentation)");
	printf("\nPorts: %s    Processing: %s\n", cls->port_count ? cls->port_count : "1/1",
	       cls->processing ? cls->processing : "a/a");
	if (cls->args) {
		struct weir_strbuf sb = WEIR_STRBUF_INIT;
		weir_args_usage(cls->args, &sb);
		printf("Arguments: %s\n", weir_strbuf_str(&sb));
		weir_strbuf_free(&sb);
	}
	if (cls->handlers) {
		printf("Handlers:");
		for (const struct weir_handler *h = cls->handlers; h->name; h++)
			printf(" %s (%s%s)", h->name, h->read ? "r" : "", h->write ? "w" : "");
		printf("\n");
	}
	return 0;
}

/* Warnings are dropped with -w; errors always print. */
static void
emit_filtered(struct weir_errh *errh, enum weir_errlevel level, const char *msg)
{
	bool *no_warnings = errh->user;
	if (level == WEIR_ERR_WARNING && *no_warnings)
		return;
	fprintf(stderr, "%s\n", msg);
}

static int
print_handlers(struct weir_router *r, const struct options *o, struct weir_errh *errh)
{
	int rc = 0;
	for (int i = 0; i < o->nhandlers; i++) {
		struct weir_strbuf sb = WEIR_STRBUF_INIT;
		if (weir_router_handler_read(r, o->handlers[i], &sb, errh) < 0) {
			rc = 1;
		} else if (o->nhandlers == 1) {
			fputs(weir_strbuf_str(&sb), stdout);
			if (!sb.len || sb.s[sb.len - 1] != '\n')
				putchar('\n');
		} else {
			printf("%s:\n%s", o->handlers[i], weir_strbuf_str(&sb));
			if (!sb.len || sb.s[sb.len - 1] != '\n')
				putchar('\n');
			putchar('\n');
		}
		weir_strbuf_free(&sb);
	}
	fflush(stdout);
	return rc;
}

static int
exit_status(struct weir_router *r, const char *spec, struct weir_errh *errh)
{
	struct weir_strbuf sb = WEIR_STRBUF_INIT;
	int status = 1;
	if (weir_router_handler_read(r, spec, &sb, errh) == 0) {
		int32_t v;
		bool b;
		const char *s = weir_strbuf_str(&sb);
		if (weir_parse_int(s, &v) == 0)
			status = v;
		else if (weir_parse_bool(s, &b) == 0)
			status = b ? 0 : 1;
	}
	weir_strbuf_free(&sb);
	return status;
}

static int
write_output(const char *path, const struct weir_graph *g, struct weir_router *r,
	     struct weir_errh *errh)
{
	(void)g;
	struct weir_strbuf sb = WEIR_STRBUF_INIT;
	weir_router_handler_read(r, "flatconfig", &sb, errh);
	FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
	if (!f) {
		weir_error(errh, "%s: %s", path, strerror(errno));
		weir_strbuf_free(&sb);
		return -1;
	}
	fputs(weir_strbuf_str(&sb), f);
	if (f != stdout)
		fclose(f);
	weir_strbuf_free(&sb);
	return 0;
}

static int
run(struct options *o, struct weir_errh *errh)
{
	struct weir_graph g;
	int rc;
	if (o->expr)
		rc = weir_lang_parse(o->expr, "<expr>", o->vars, o->nvars, &g, errh);
	else
		rc = weir_lang_parse_file(o->file ? o->file : "-", o->vars, o->nvars, &g, errh);
	if (rc < 0)
		return 1;
	if (o->dot) {
		struct weir_strbuf sb = WEIR_STRBUF_INIT;
		weir_graph_dot(&g, &sb);
		fputs(weir_strbuf_str(&sb), stdout);
		weir_strbuf_free(&sb);
		weir_graph_free(&g);
		return 0;
	}
	struct weir_router_opts ropts = { .nthreads = o->threads, .pool_packets = o->pool };
	struct weir_router *r = weir_router_new(&g, &ropts, errh);
	if (!r) {
		weir_graph_free(&g);
		weir_packets_fini();
		return 1;
	}
	int status = 0;
	if (o->ncpus && weir_router_set_cpus(r, o->cpus, o->ncpus) < 0)
		status = 1;
	if (o->output && write_output(o->output, &g, r, errh) < 0)
		status = 1;
	weir_graph_free(&g);
	if (!o->quit && status == 0) {
		running_router = r;
		signal(SIGINT, on_signal);
		signal(SIGTERM, on_signal);
		weir_router_run(r);
		running_router = NULL;
	}
	if (o->time) {
		struct weir_router_stats st;
		weir_router_get_stats(r, &st);
		fprintf(stderr, "weir: ran %.6f s, %llu loop iterations\n", (double)st.run_ns / 1e9,
			(unsigned long long)st.iterations);
	}
	if (print_handlers(r, o, errh))
		status = 1;
	if (o->exit_handler && status == 0)
		status = exit_status(r, o->exit_handler, errh);
	weir_router_free(r);
	weir_packets_fini();
	return status;
}

int
main(int argc, char **argv)
{
	struct options o = { 0 };
	struct weir_errh errh;
	if (parse_options(argc, argv, &o) < 0)
		return 1;
	weir_errh_init_stderr(&errh);
	errh.emit = emit_filtered;
	errh.user = &o.no_warnings;
	int status;
	if (o.list)
		status = list_elements();
	else if (o.doc)
		status = show_doc(o.doc);
	else
		status = run(&o, &errh);
	free(o.handlers);
	free(o.cpus);
	free(o.vars);
	return status;
}
