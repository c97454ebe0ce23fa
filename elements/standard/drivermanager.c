/* drivermanager.c - DriverManager: a Script that decides when the router stops. */
/*
 * =c
 * DriverManager(INSTRUCTIONS...)
 *
 * =s control
 * a Script that manages driver stop events
 *
 * =d
 * DriverManager is a Script element whose default TYPE is DRIVER; see
 * Script for the instructions.
 *
 * Sources ask the router to stop when they are done (a `STOP true` keyword
 * argument), and a router with nothing left to do asks the same. Without a
 * DriverManager the router then stops. With one, each request advances the
 * DriverManager's script by one step (it runs on the next loop iteration):
 * `wait` or `pause` wait for such a request, `wait TIME` waits for a time or
 * a request. The router stops when the script executes `stop`, when it runs
 * out of instructions (an implicit `stop` follows the last one), or when a
 * request arrives after the script ended. A DriverManager without
 * instructions waits for one request, then stops the router. There may be
 * one driver script per router.
 *
 * =e
 * Print a counter once the source is done, then stop:
 *   InfiniteSource(LIMIT 100, STOP true) -> d :: Counter -> Discard;
 *   DriverManager(wait, print "RESULT count $(d.count)", stop);
 *
 * =a Script
 */
#include "script_priv.h"

static const char drivermanager_doc[] =
	"DriverManager(INSTRUCTIONS...)\n"
	"\n"
	"A Script that manages driver stop events.\n"
	"\n"
	"DriverManager is a Script element whose default TYPE is DRIVER; see\n"
	"Script for the instructions.\n"
	"\n"
	"Sources ask the router to stop when they are done (a 'STOP true' keyword\n"
	"argument), and a router with nothing left to do asks the same. Without a\n"
	"DriverManager the router then stops. With one, each request advances the\n"
	"DriverManager's script by one step (it runs on the next loop iteration):\n"
	"'wait' or 'pause' wait for such a request, 'wait TIME' waits for a time or\n"
	"a request. The router stops when the script executes 'stop', when it runs\n"
	"out of instructions (an implicit 'stop' follows the last one), or when a\n"
	"request arrives after the script ended. A DriverManager without\n"
	"instructions waits for one request, then stops the router. There may be\n"
	"one driver script per router.\n"
	"\n"
	"Example: print a counter once the source is done, then stop:\n"
	"  InfiniteSource(LIMIT 100, STOP true) -> d :: Counter -> Discard;\n"
	"  DriverManager(wait, print \"RESULT count $(d.count)\", stop);\n";

static int
drivermanager_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	return weir_script_configure(e, conf, WEIR_SCRIPT_DRIVER, errh);
}

static const struct weir_element_class drivermanager_class = {
	.name = "DriverManager",
	.port_count = "0/0",
	.processing = "a/a",
	.priv_size = sizeof(struct weir_script),
	.configure = drivermanager_configure,
	.initialize = weir_script_initialize,
	.cleanup = weir_script_cleanup,
	.handlers = weir_script_handlers,
	.doc = drivermanager_doc,
};
WEIR_ELEMENT_REGISTER(drivermanager_class)
