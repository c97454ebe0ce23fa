/* test_lang.c - unit tests for the Click-language parser: syntax, compounds, variables, errors, limits. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "weir/element.h"
#include "weir/lang.h"

/* ---- dummy classes: the parser only needs their names -------------------------- */

#define DUMMY(var, cname) static const struct weir_element_class var = { .name = cname, \
	.port_count = "-/-", .processing = "a/a" }
DUMMY(dummy_counter, "Counter");
DUMMY(dummy_discard, "Discard");
DUMMY(dummy_tee, "Tee");
DUMMY(dummy_queue, "Queue");
DUMMY(dummy_infsrc, "InfiniteSource");
DUMMY(dummy_print, "Print");
DUMMY(dummy_classifier, "Classifier");
DUMMY(dummy_idle, "Idle");
DUMMY(dummy_script, "Script");

static int
register_dummies(void **state)
{
	(void)state;
	static bool done;
	if (done)
		return 0;
	done = true;
	const struct weir_element_class *cls[] = {
		&dummy_counter, &dummy_discard, &dummy_tee, &dummy_queue, &dummy_infsrc,
		&dummy_print, &dummy_classifier, &dummy_idle, &dummy_script,
	};
	for (size_t i = 0; i < sizeof(cls) / sizeof(cls[0]); i++)
		if (!weir_element_class_find(cls[i]->name))
			weir_element_class_register(cls[i]);
	return 0;
}

/* ---- helpers ------------------------------------------------------------------------ */

#define assert_contains(hay, needle)                                                  \
	do {                                                                           \
		const char *_h = (hay), *_n = (needle);                               \
		if (!strstr(_h, _n))                                                   \
			fail_msg("expected '%s' in:\n%s", _n, _h);                    \
	} while (0)

static struct weir_strbuf errs = WEIR_STRBUF_INIT;

static int
parse_vars(const char *text, const struct weir_lang_var *vars, int nvars, struct weir_graph *g)
{
	struct weir_errh errh;
	weir_strbuf_reset(&errs);
	weir_errh_init_buffer(&errh, &errs);
	int r = weir_lang_parse(text, "t.click", vars, nvars, g, &errh);
	if (r == 0 && errh.nerrors)
		fail_msg("parse succeeded but reported:\n%s", weir_strbuf_str(&errs));
	if (r != 0 && !errh.nerrors)
		fail_msg("parse failed (%d) without reporting an error", r);
	return r;
}

/* Parses text, which must succeed. */
static void
parse_ok(const char *text, struct weir_graph *g)
{
	if (parse_vars(text, NULL, 0, g) != 0)
		fail_msg("parse of '%s' failed:\n%s", text, weir_strbuf_str(&errs));
}

/* Parses text, which must fail with a message containing `message`. */
static void
parse_error(const char *text, const char *message)
{
	struct weir_graph g;
	int r = parse_vars(text, NULL, 0, &g);
	if (r != -EINVAL)
		fail_msg("parse of '%s' returned %d, expected -EINVAL", text, r);
	assert_int_equal(g.nelements, 0);
	assert_null(g.elements);
	assert_contains(weir_strbuf_str(&errs), message);
	weir_graph_free(&g);
}

static int
find_element(const struct weir_graph *g, const char *name)
{
	for (int i = 0; i < g->nelements; i++)
		if (strcmp(g->elements[i].name, name) == 0)
			return i;
	return -1;
}

static void
check_element(const struct weir_graph *g, const char *name, const char *cls, const char *config)
{
	int i = find_element(g, name);
	if (i < 0)
		fail_msg("no element '%s'", name);
	assert_string_equal(g->elements[i].class_name, cls);
	assert_string_equal(g->elements[i].config, config);
}

static bool
has_conn(const struct weir_graph *g, const char *from, int fport, const char *to, int tport)
{
	int f = find_element(g, from), t = find_element(g, to);
	for (int i = 0; i < g->nconnections; i++) {
		const struct weir_graph_connection *c = &g->connections[i];
		if (c->from == f && c->from_port == fport && c->to == t && c->to_port == tport)
			return true;
	}
	return false;
}

#define assert_conn(g, from, fport, to, tport)                                         \
	do {                                                                            \
		if (!has_conn((g), (from), (fport), (to), (tport)))                     \
			fail_msg("no connection %s [%d] -> [%d] %s", (from), (fport),   \
				 (tport), (to));                                        \
	} while (0)

static void
check_names(const struct weir_graph *g, const char *const *names)
{
	int n = 0;
	while (names[n])
		n++;
	if (g->nelements != n)
		fail_msg("%d elements, expected %d", g->nelements, n);
	for (int i = 0; i < n; i++)
		assert_string_equal(g->elements[i].name, names[i]);
}

/* ---- declarations and connections ------------------------------------------------- */

static void
test_declaration_and_connection(void **state)
{
	struct weir_graph g;
	parse_ok("a :: Counter;\nb :: Discard;\na -> b;", &g);
	check_names(&g, (const char *[]){ "a", "b", NULL });
	check_element(&g, "a", "Counter", "");
	assert_string_equal(g.elements[1].landmark, "t.click:2");
	assert_int_equal(g.nconnections, 1);
	assert_conn(&g, "a", 0, "b", 0);
	assert_string_equal(g.connections[0].landmark, "t.click:3");
	weir_graph_free(&g);
	assert_int_equal(g.nelements, 0);
}

static void
test_config_is_raw(void **state)
{
	struct weir_graph g;
	parse_ok("c :: Print(a (b) \"x)y\" 'p)q' /* ) */ // )\n z, \\));", &g);
	check_element(&g, "c", "Print", "a (b) \"x)y\" 'p)q' /* ) */ // )\n z, \\)");
	weir_graph_free(&g);
}

static void
test_multiple_declaration(void **state)
{
	struct weir_graph g;
	parse_ok("a, b :: Queue(10); c :: Queue", &g);
	check_element(&g, "a", "Queue", "10");
	check_element(&g, "b", "Queue", "10");
	check_element(&g, "c", "Queue", "");
	weir_graph_free(&g);
}

static void
test_anonymous_names(void **state)
{
	struct weir_graph g;
	parse_ok("InfiniteSource(LIMIT 5) -> Counter -> Discard;", &g);
	check_names(&g, (const char *[]){ "InfiniteSource@1", "Counter@2", "Discard@3", NULL });
	check_element(&g, "InfiniteSource@1", "InfiniteSource", "LIMIT 5");
	assert_conn(&g, "InfiniteSource@1", 0, "Counter@2", 0);
	assert_conn(&g, "Counter@2", 0, "Discard@3", 0);
	weir_graph_free(&g);

	/* Click counts every element of the scope, named ones too */
	parse_ok("c :: Counter; Idle -> c -> Discard; Idle -> Discard", &g);
	check_names(&g, (const char *[]){ "c", "Idle@2", "Discard@3", "Idle@4", "Discard@5",
					  NULL });
	weir_graph_free(&g);

	/* a declared name taken by the user is skipped */
	parse_ok("Idle@2 :: Idle; Counter -> Idle -> Discard", &g);
	check_names(&g, (const char *[]){ "Idle@2", "Counter@2", "Idle@3", "Discard@4", NULL });
	weir_graph_free(&g);
}

static void
test_inline_declarations(void **state)
{
	struct weir_graph g;
	parse_ok("Idle -> x :: Counter -> y :: Discard; z :: Idle -> x", &g);
	check_names(&g, (const char *[]){ "Idle@1", "x", "y", "z", NULL });
	assert_conn(&g, "Idle@1", 0, "x", 0);
	assert_conn(&g, "x", 0, "y", 0);
	assert_conn(&g, "z", 0, "x", 0);
	assert_int_equal(g.nconnections, 3);
	weir_graph_free(&g);
}

static void
test_ports(void **state)
{
	struct weir_graph g;
	parse_ok("t :: Tee(3); c :: Classifier(12/0800, -); d :: Discard;\n"
		 "Idle -> t; t [1] -> [0] d; t[2]->[1]c[1]->d; c -> [2] d; t -> [ ] d",
		 &g);
	assert_conn(&g, "Idle@4", 0, "t", 0);
	assert_conn(&g, "t", 1, "d", 0);
	assert_conn(&g, "t", 2, "c", 1);
	assert_conn(&g, "c", 1, "d", 0);
	assert_conn(&g, "c", 0, "d", 2);
	assert_conn(&g, "t", 0, "d", 0);
	assert_int_equal(g.nconnections, 6);
	weir_graph_free(&g);
}

static void
test_forward_reference(void **state)
{
	struct weir_graph g;
	parse_ok("Idle -> c; c :: Counter -> Discard;", &g);
	check_names(&g, (const char *[]){ "Idle@1", "c", "Discard@3", NULL });
	assert_conn(&g, "Idle@1", 0, "c", 0);
	assert_string_equal(g.elements[1].landmark, "t.click:1");
	weir_graph_free(&g);
}

static void
test_optional_semicolons_and_names(void **state)
{
	struct weir_graph g;
	parse_ok("a/b :: Idle\nx_1@y :: Discard a/b -> x_1@y//c/d\n", &g);
	check_names(&g, (const char *[]){ "a/b", "x_1@y", NULL });
	assert_conn(&g, "a/b", 0, "x_1@y", 0);
	weir_graph_free(&g);
}

static void
test_duplicate_connections(void **state)
{
	struct weir_graph g;
	parse_ok("a :: Idle; b :: Discard; a -> b; a -> b; a [0] -> [0] b", &g);
	assert_int_equal(g.nconnections, 1);
	weir_graph_free(&g);
}

static void
test_element_and_port_lists(void **state)
{
	struct weir_graph g;
	parse_ok("a, b :: Idle; c, d :: Discard; t :: Tee;\n"
		 "a, b -> c; t -> c, d; a => [1] c; t => [3] d, [4] c; t [5, 6] -> d;\n"
		 "a, b => [7] c, [8] d",
		 &g);
	assert_conn(&g, "a", 0, "c", 0);
	assert_conn(&g, "b", 0, "c", 0);
	assert_conn(&g, "t", 0, "c", 0);
	assert_conn(&g, "t", 0, "d", 0);
	assert_conn(&g, "a", 0, "c", 1);
	assert_conn(&g, "t", 0, "d", 3);
	assert_conn(&g, "t", 1, "c", 4);
	assert_conn(&g, "t", 5, "d", 0);
	assert_conn(&g, "t", 6, "d", 0);
	assert_conn(&g, "a", 0, "c", 7);
	assert_conn(&g, "b", 0, "d", 8);
	assert_int_equal(g.nconnections, 11);
	weir_graph_free(&g);
	parse_error("a, b :: Idle; c, d :: Discard;\na, b -> c, d",
		    "t.click:2:6: many-to-many connections require '=>'");
	parse_error("a, b, e :: Idle; c, d :: Discard;\na [0], b, e => c, d",
		    "t.click:2:13: connection mismatch: 3 outputs connected to 2 inputs");
}

static void
test_comments(void **state)
{
	struct weir_graph g;
	parse_ok("// line comment -> x\n/* block\n comment */ a :: Idle /* in */ -> // here\n"
		 " b :: Discard;",
		 &g);
	check_names(&g, (const char *[]){ "a", "b", NULL });
	assert_string_equal(g.elements[0].landmark, "t.click:3");
	assert_string_equal(g.elements[1].landmark, "t.click:4");
	weir_graph_free(&g);
	parse_error("/* one\n two */ x -> y", "t.click:2:9: undeclared element 'x'");
}

/* ---- compounds ------------------------------------------------------------------------- */

static void
test_compound_basic(void **state)
{
	struct weir_graph g;
	parse_ok("elementclass Foo { input -> Counter -> output }\n"
		 "f :: Foo; Idle -> f -> Discard;",
		 &g);
	check_names(&g, (const char *[]){ "f/Counter@1", "Idle@2", "Discard@3", NULL });
	assert_conn(&g, "Idle@2", 0, "f/Counter@1", 0);
	assert_conn(&g, "f/Counter@1", 0, "Discard@3", 0);
	assert_int_equal(g.nconnections, 2);
	assert_string_equal(g.elements[0].landmark, "t.click:1");
	weir_graph_free(&g);
}

static void
test_compound_ports(void **state)
{
	struct weir_graph g;
	parse_ok("compound :: {\n input -> X :: Counter -> output;\n input [1] -> Y :: Queue -> [1] output;\n};\n"
		 "a, b, c, d :: Idle; e, f :: Discard;\n"
		 "a -> compound -> e; c -> [1] compound [1] -> f;",
		 &g);
	assert_conn(&g, "a", 0, "compound/X", 0);
	assert_conn(&g, "compound/X", 0, "e", 0);
	assert_conn(&g, "c", 0, "compound/Y", 0);
	assert_conn(&g, "compound/Y", 0, "f", 0);
	assert_int_equal(g.nconnections, 4);
	weir_graph_free(&g);
}

static void
test_compound_formals(void **state)
{
	struct weir_graph g;
	parse_ok("elementclass Foo { $cap, $what |\n"
		 "  input -> q :: Queue($cap) -> Print(\"${what}!\", $cap) -> output }\n"
		 "Idle -> f :: Foo(5, hello) -> Discard;",
		 &g);
	check_element(&g, "f/q", "Queue", "5");
	check_element(&g, "f/Print@2", "Print", "\"hello!\", 5");
	weir_graph_free(&g);

	parse_ok("elementclass K { $x, LIMIT $l, __REST__ $r | input -> Queue($x $l [$r]) -> output }\n"
		 "Idle -> k1 :: K(1, LIMIT 7) -> Discard; Idle -> k2 :: K(2, a, b) -> Discard",
		 &g);
	check_element(&g, "k1/Queue@1", "Queue", "1 7 []");
	check_element(&g, "k2/Queue@1", "Queue", "2  [a, b]");
	weir_graph_free(&g);
}

static void
test_compound_nested(void **state)
{
	struct weir_graph g;
	parse_ok("elementclass Inner { $n | input -> x :: Counter($n) -> output }\n"
		 "elementclass Outer { $m |\n"
		 "  elementclass Local { input -> Queue($m) -> output }\n"
		 "  input -> i :: Inner($m) -> l :: Local -> output }\n"
		 "Idle -> o :: Outer(3) -> Discard; Idle -> Outer(4) -> Discard",
		 &g);
	check_element(&g, "o/i/x", "Counter", "3");
	check_element(&g, "o/l/Queue@1", "Queue", "3");
	check_element(&g, "Outer@5/i/x", "Counter", "4");
	assert_conn(&g, "Idle@1", 0, "o/i/x", 0);
	assert_conn(&g, "o/i/x", 0, "o/l/Queue@1", 0);
	assert_conn(&g, "o/l/Queue@1", 0, "Discard@3", 0);
	weir_graph_free(&g);
	/* Local is scoped to Outer */
	parse_error("elementclass Outer { elementclass Local { input -> output } input -> Local -> output }\n"
		    "Idle -> Local -> Discard",
		    "t.click:2:9: undeclared element 'Local'");
}

static void
test_compound_synonym_and_shadowing(void **state)
{
	struct weir_graph g;
	parse_ok("elementclass MyC Counter; Idle -> MyC -> Discard;\n"
		 "elementclass Queue { input -> Queue(7) -> output } Idle -> Queue -> Discard",
		 &g);
	check_element(&g, "MyC@2", "Counter", "");
	check_element(&g, "Queue@5/Queue@1", "Queue", "7");
	weir_graph_free(&g);
}

static void
test_compound_passthrough_and_anonymous(void **state)
{
	struct weir_graph g;
	parse_ok("elementclass P { input -> output }\n"
		 "Idle -> P -> P -> Discard; Idle -> { input -> Counter -> output } -> Discard",
		 &g);
	assert_conn(&g, "Idle@1", 0, "Discard@4", 0);
	assert_conn(&g, "Idle@5", 0, "@6/Counter@1", 0);
	assert_conn(&g, "@6/Counter@1", 0, "Discard@7", 0);
	assert_int_equal(g.nconnections, 3);
	weir_graph_free(&g);
}

static void
test_compound_implicit_ports(void **state)
{
	struct weir_graph g;
	parse_ok("elementclass Imp { -> a :: Counter ->; [1] -> b :: Queue -> [1] }\n"
		 "x, y :: Idle; i :: Imp; x -> i -> Discard; y -> [1] i [1] -> Discard",
		 &g);
	assert_conn(&g, "x", 0, "i/a", 0);
	assert_conn(&g, "i/a", 0, "Discard@4", 0);
	assert_conn(&g, "y", 0, "i/b", 0);
	assert_conn(&g, "i/b", 0, "Discard@5", 0);
	assert_int_equal(g.nconnections, 4);
	weir_graph_free(&g);
}

static void
test_compound_port_errors(void **state)
{
	const char *foo = "elementclass Foo { input -> Counter -> output }\n";
	char text[256];
	snprintf(text, sizeof(text), "%sf :: Foo; Idle -> f;", foo);
	parse_error(text, "t.click:2:1: 'f' output 0 unused");
	snprintf(text, sizeof(text), "%sf :: Foo; Idle -> [1] f -> Discard;", foo);
	parse_error(text, "t.click:2:1: 'f' has no input 1");
	assert_contains(weir_strbuf_str(&errs), "t.click:2:1: 'f' input 0 unused");
	snprintf(text, sizeof(text), "%sf :: Foo; Idle -> f [2] -> Discard;", foo);
	parse_error(text, "t.click:2:1: 'f' has no output 2");
	parse_error("elementclass G { input [1] -> Counter -> output }",
		    "t.click:1:16: compound element 'G' input 0 unused");
	parse_error("elementclass B { input -> Counter -> input }",
		    "t.click:1:35: 'input' may only be used as a source");
	parse_error("elementclass B { output -> Counter -> output }",
		    "t.click:1:25: 'output' may only be used as a destination");
}

/* ---- variables and requirements -------------------------------------------------- */

static void
test_define_and_variables(void **state)
{
	struct weir_graph g;
	const char *text = "define($X 1, $Y two words);\n"
			   "c :: Script($X $Y ${X}x $(h.x) $unknown ${Z} '$X' \"$X\" \\$X $);";
	parse_ok(text, &g);
	check_element(&g, "c", "Script", "1 two words 1x $(h.x) $unknown ${Z} '$X' \"1\" \\$X $");
	weir_graph_free(&g);

	const struct weir_lang_var vars[] = { { "X", "9" }, { "Z", "zz" } };
	assert_int_equal(parse_vars(text, vars, 2, &g), 0);
	check_element(&g, "c", "Script", "9 two words 9x $(h.x) $unknown zz '$X' \"9\" \\$X $");
	weir_graph_free(&g);

	/* defines are file-wide; a compound's formals shadow them */
	parse_ok("c :: Counter($A); define($A a);\n"
		 "elementclass F { $A | input -> Counter($A) -> output }\n"
		 "Idle -> F(b) -> Discard",
		 &g);
	check_element(&g, "c", "Counter", "a");
	check_element(&g, "F@3/Counter@1", "Counter", "b");
	weir_graph_free(&g);

	parse_error("define(X 1)", "t.click:1:1: bad 'define' declaration");
	parse_error("define($X 1, $X 2)", "t.click:1:1: parameter '$X' multiply defined");
}

static void
test_require(void **state)
{
	struct weir_graph g;
	parse_ok("require(foo, package \"bar\"); require(compact_config)\nIdle -> Discard", &g);
	assert_int_equal(g.nrequirements, 2);
	assert_string_equal(g.requirements[0], "foo");
	assert_string_equal(g.requirements[1], "bar");
	weir_graph_free(&g);
	parse_error("require(a b c)", "t.click:1:1: bad requirement 'a b c'");
}

/* ---- errors --------------------------------------------------------------------------- */

static void
test_syntax_errors(void **state)
{
	parse_error("Idle -> Discard )", "t.click:1:17: expected ';' or '->', got ')'");
	parse_error("a :: Idle;\na -> Discard }", "t.click:2:14: expected ';' or '->', got '}'");
	parse_error("Idle -> ;", "t.click:1:9: expected element after '->', got ';'");
	parse_error("a :: ;", "t.click:1:6: expected element class after '::', got ';'");
	parse_error("elementclass ;", "t.click:1:14: expected element class name after 'elementclass'");
	parse_error("a :: Counter(1, (2);", "t.click:1:13: unterminated configuration string");
	parse_error("a :: Idle; /* oops\n", "t.click:1:12: unterminated comment");
	parse_error("a :: Print(\"abc);\n", "t.click:1:12: unterminated string");
	parse_error("Idle -> [x] Discard;", "t.click:1:10: bad port number 'x'");
	parse_error("Idle -> [1 2] Discard;", "t.click:1:12: expected ',' or ']' in port list, got '2'");
	parse_error("Idle -> [99999] Discard;", "t.click:1:10: port number 99999 too large");
	parse_error("[1] Idle -> Discard;", "t.click:1:5: input ports ignored at start of chain");
	parse_error("Idle -> Discard [1];", "t.click:1:9: output ports ignored at end of chain");
	parse_error("1 :: Idle;", "t.click:1:1: element name '1' has an all-digit component");
	parse_error("Idle -> Discard; (Idle -> Discard)", "t.click:1:18: element groups '( ... )' are not supported");
	parse_error("elementclass A { input -> output || input -> Counter -> output }",
		    "t.click:1:34: compound element overloading");
}

static void
test_error_recovery_reports_all(void **state)
{
	parse_error("a :: Countr;\nb :: Idle -> ) ;\nc :: Discard; c :: Discard;\nIdle -> zz;",
		    "t.click:1:6: unknown element class 'Countr' (did you mean 'Counter'?)");
	const char *e = weir_strbuf_str(&errs);
	assert_contains(e, "t.click:2:14: expected element after '->', got ')'");
	assert_contains(e, "t.click:3:15: redeclaration of element 'c' (previously declared at t.click:3:1)");
	assert_contains(e, "t.click:4:9: undeclared element 'zz'");
}

static void
test_name_errors(void **state)
{
	parse_error("c :: Countr;", "t.click:1:6: unknown element class 'Countr' (did you mean 'Counter'?)");
	parse_error("c :: Zzyzx;", "t.click:1:6: unknown element class 'Zzyzx'");
	parse_error("Idle -> Countr(1);", "t.click:1:9: unknown element class 'Countr' (did you mean 'Counter'?)");
	parse_error("Idle -> x;", "t.click:1:9: undeclared element 'x'");
	parse_error("Idle -> Discrad;", "t.click:1:9: undeclared element 'Discrad' (did you mean 'Discard'?)");
	parse_error("c :: Counter;\n  c :: Counter;",
		    "t.click:2:3: redeclaration of element 'c' (previously declared at t.click:1:1)");
	parse_error("elementclass E {}", "t.click:1:16: empty compound element 'E'");
	parse_error("elementclass Foo { $a | input -> Queue($a) -> output }\nIdle -> Foo(1, 2) -> Discard",
		    "t.click:2:9: wrong number of arguments for 'Foo@2 :: Foo': expected 1, got 2");
	parse_error("elementclass Foo { $a | input -> Queue($a) -> output }\nIdle -> Foo -> Discard",
		    "expected 1, got 0");
	parse_error("elementclass R { input -> R -> output }",
		    "t.click:1:27: element class 'R' used inside its own definition");
	parse_error("elementclass A B;", "t.click:1:16: unknown element class 'B'");
	parse_error("Idle -> output;", "t.click:1:9: undeclared element 'output' ('output' is special only");
	parse_error("elementclass F { $a, $a | input -> output }", "parameter '$a' multiply defined");
}

/* ---- limits and hostile input ----------------------------------------------------------- */

static void
test_deep_nesting(void **state)
{
	struct weir_strbuf sb = WEIR_STRBUF_INIT;
	weir_strbuf_puts(&sb, "x :: ");
	for (int i = 0; i < 5000; i++)
		weir_strbuf_puts(&sb, "{ input -> ");
	parse_error(weir_strbuf_str(&sb), "compound elements nested too deeply");
	weir_strbuf_reset(&sb);
	for (int i = 0; i < 5000; i++)
		weir_strbuf_puts(&sb, "x :: {");
	for (int i = 0; i < 5000; i++)
		weir_strbuf_puts(&sb, "}");
	parse_error(weir_strbuf_str(&sb), "compound elements nested too deeply");
	weir_strbuf_free(&sb);
}

static void
test_deep_expansion(void **state)
{
	struct weir_strbuf sb = WEIR_STRBUF_INIT;
	weir_strbuf_puts(&sb, "elementclass C0 { input -> Counter -> output }\n");
	for (int i = 1; i <= 150; i++)
		weir_strbuf_printf(&sb, "elementclass C%d { input -> C%d -> output }\n", i, i - 1);
	weir_strbuf_puts(&sb, "Idle -> C150 -> Discard;");
	parse_error(weir_strbuf_str(&sb), "compound elements expanded too deeply (limit 100)");

	/* exponential growth stops at the element limit */
	weir_strbuf_reset(&sb);
	weir_strbuf_puts(&sb, "elementclass C0 { input -> Counter -> output }\n");
	for (int i = 1; i <= 40; i++)
		weir_strbuf_printf(&sb, "elementclass C%d { input -> C%d -> C%d -> output }\n", i,
				   i - 1, i - 1);
	weir_strbuf_puts(&sb, "Idle -> C40 -> Discard;");
	parse_error(weir_strbuf_str(&sb), "configuration too large");
	weir_strbuf_free(&sb);
}

static void
test_long_inputs(void **state)
{
	struct weir_graph g;
	struct weir_strbuf sb = WEIR_STRBUF_INIT;
	weir_strbuf_puts(&sb, "Idle");
	for (int i = 0; i < 20000; i++)
		weir_strbuf_puts(&sb, " -> Counter");
	weir_strbuf_puts(&sb, " -> Discard;");
	parse_ok(weir_strbuf_str(&sb), &g);
	assert_int_equal(g.nelements, 20002);
	assert_int_equal(g.nconnections, 20001);
	assert_string_equal(g.elements[20000].name, "Counter@20001");
	weir_graph_free(&g);

	/* a long chain of pass-through compounds collapses to one connection */
	weir_strbuf_reset(&sb);
	weir_strbuf_puts(&sb, "elementclass P { input -> output }\nIdle");
	for (int i = 0; i < 20000; i++)
		weir_strbuf_puts(&sb, " -> P");
	weir_strbuf_puts(&sb, " -> Discard;");
	parse_ok(weir_strbuf_str(&sb), &g);
	assert_int_equal(g.nelements, 2);
	assert_int_equal(g.nconnections, 1);
	assert_conn(&g, "Idle@1", 0, "Discard@20002", 0);
	weir_graph_free(&g);

	/* a config string with deep parentheses is read without recursion */
	weir_strbuf_reset(&sb);
	weir_strbuf_puts(&sb, "p :: Print(");
	for (int i = 0; i < 100000; i++)
		weir_strbuf_putc(&sb, '(');
	for (int i = 0; i < 100000; i++)
		weir_strbuf_putc(&sb, ')');
	weir_strbuf_puts(&sb, ");");
	parse_ok(weir_strbuf_str(&sb), &g);
	assert_int_equal(strlen(g.elements[0].config), 200000);
	weir_graph_free(&g);
	weir_strbuf_free(&sb);
}

static void
test_garbage(void **state)
{
	parse_error("\x01\xff%% a -> b", "t.click:1:1: expected statement, got byte 0x01");
	assert_contains(weir_strbuf_str(&errs), "t.click:1:2: expected statement, got byte 0xff");

	/* a flood of garbage is cut short */
	char junk[5000];
	memset(junk, '%', sizeof(junk) - 1);
	junk[sizeof(junk) - 1] = '\0';
	parse_error(junk, "too many errors");

	/* every byte value, in every position class, never crashes */
	struct weir_graph g;
	char buf[64];
	for (int c = 1; c < 256; c++) {
		snprintf(buf, sizeof(buf), "a :: Idle%c(x%c) -> [0]%cb :: Discard%c", c, c, c, c);
		struct weir_errh errh;
		weir_errh_init_silent(&errh);
		if (weir_lang_parse(buf, "t", NULL, 0, &g, &errh) == 0)
			assert_int_equal(errh.nerrors, 0);
		weir_graph_free(&g);
	}
}

static void
test_nul_bytes_in_file(void **state)
{
	char path[] = "/tmp/test_lang_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	static const char data[] = "a :: Idle;\nb :: Print(x\0y);\n\0";
	assert_int_equal(write(fd, data, sizeof(data) - 1), (ssize_t)sizeof(data) - 1);
	close(fd);
	struct weir_graph g;
	struct weir_errh errh;
	weir_strbuf_reset(&errs);
	weir_errh_init_buffer(&errh, &errs);
	assert_int_equal(weir_lang_parse_file(path, NULL, 0, &g, &errh), -EINVAL);
	unlink(path);
	char expect[128];
	snprintf(expect, sizeof(expect), "%s:2:13: NUL byte in configuration string", path);
	assert_contains(weir_strbuf_str(&errs), expect);
	snprintf(expect, sizeof(expect), "%s:3:1: expected statement, got byte 0x00", path);
	assert_contains(weir_strbuf_str(&errs), expect);
}

static void
test_parse_file(void **state)
{
	struct weir_graph g;
	struct weir_errh errh;
	weir_strbuf_reset(&errs);
	weir_errh_init_buffer(&errh, &errs);
	assert_int_equal(weir_lang_parse_file("/nonexistent/nope.click", NULL, 0, &g, &errh),
			 -ENOENT);
	assert_string_equal(weir_strbuf_str(&errs),
			    "/nonexistent/nope.click: No such file or directory\n");

	char path[] = "/tmp/test_lang_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char *text = "a :: Idle -> b :: Discard;\n";
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(weir_lang_parse_file(path, NULL, 0, &g, &errh), 0);
	unlink(path);
	assert_int_equal(g.nelements, 2);
	char lm[64];
	snprintf(lm, sizeof(lm), "%s:1", path);
	assert_string_equal(g.elements[0].landmark, lm);
	weir_graph_free(&g);
}

static void
test_dot(void **state)
{
	struct weir_graph g;
	parse_ok("a :: Idle; t :: Tee; a -> t; t [1] -> Discard; t -> [2] Discard", &g);
	struct weir_strbuf sb = WEIR_STRBUF_INIT;
	weir_graph_dot(&g, &sb);
	const char *dot = weir_strbuf_str(&sb);
	assert_true(strncmp(dot, "digraph weir {", 14) == 0);
	assert_contains(dot, "n0 [label=\"a\\nIdle\"];");
	assert_contains(dot, "n2 [label=\"Discard@3\\nDiscard\"];");
	assert_contains(dot, "n0 -> n1;");
	assert_contains(dot, "n1 -> n2 [label=\"1\xe2\x86\x92" "0\"];");
	assert_contains(dot, "n1 -> n3 [label=\"0\xe2\x86\x92" "2\"];");
	assert_true(dot[sb.len - 2] == '}');
	weir_strbuf_free(&sb);
	weir_graph_free(&g);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_declaration_and_connection),
		cmocka_unit_test(test_config_is_raw),
		cmocka_unit_test(test_multiple_declaration),
		cmocka_unit_test(test_anonymous_names),
		cmocka_unit_test(test_inline_declarations),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_forward_reference),
		cmocka_unit_test(test_optional_semicolons_and_names),
		cmocka_unit_test(test_duplicate_connections),
		cmocka_unit_test(test_element_and_port_lists),
		cmocka_unit_test(test_comments),
		cmocka_unit_test(test_compound_basic),
		cmocka_unit_test(test_compound_ports),
		cmocka_unit_test(test_compound_formals),
		cmocka_unit_test(test_compound_nested),
		cmocka_unit_test(test_compound_synonym_and_shadowing),
		cmocka_unit_test(test_compound_passthrough_and_anonymous),
		cmocka_unit_test(test_compound_implicit_ports),
		cmocka_unit_test(test_compound_port_errors),
		cmocka_unit_test(test_define_and_variables),
		cmocka_unit_test(test_require),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_error_recovery_reports_all),
		cmocka_unit_test(test_name_errors),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_deep_expansion),
		cmocka_unit_test(test_long_inputs),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_nul_bytes_in_file),
		cmocka_unit_test(test_parse_file),
		cmocka_unit_test(test_dot),
	};
	int r = cmocka_run_group_tests(tests, register_dummies, NULL);
	weir_strbuf_free(&errs);
	return r;
}
