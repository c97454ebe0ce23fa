/* script.c - Script: runs Click's scripting language (set, print, wait, goto, write, stop...). */
/*
 * =c
 * Script([TYPE type,] INSTRUCTIONS...)
 *
 * =s control
 * script a router configuration
 *
 * =d
 * Each argument is an instruction, run in order. Texts are expanded before
 * use: $VAR and ${VAR} (script variables), $(HANDLER [ARGS]) (the value of a
 * read handler: "$(c.count)", or a function such as "$(add $x 1)"), $? (the
 * status of the last write), $args, $1..$9 and $# (the arguments of the run
 * handler), $$ (the process id). Nothing is expanded inside single quotes.
 * The q forms (setq, printq, readq, writeq, returnq, initq, errorq) also
 * remove one layer of quotes.
 *
 * Instructions:
 *   set VAR TEXT, setq     set a variable
 *   init VAR TEXT, initq   set a variable once, when the router initializes
 *   export VAR TEXT        like init (no read handler is made)
 *   print [>FILE|>>FILE] TEXT|HANDLER
 *                          print TEXT (one layer of quotes removed), or the
 *                          value of HANDLER when the text starts with a
 *                          letter, '@' or '_', then a newline, on standard
 *                          output (or to FILE)
 *   printn, printq, printnq  the same without newline / unquoting HANDLER
 *   read HANDLER, readq    print "HANDLER:\nVALUE" on standard error
 *   write HANDLER [VALUE]  call a write handler; $? is its status
 *   pause [COUNT]          wait for COUNT steps (default 1)
 *   wait                   same as pause
 *   wait TIME              wait TIME seconds ("1.5", "10ms"), or one step
 *   label L                a target for goto
 *   goto L [COND]          jump to L if COND (a boolean) is true or absent;
 *                          L may also be exit, end, stop, error, begin or loop
 *   loop                   go back to the first instruction
 *   return [VALUE]         end; the run handler returns VALUE
 *   end, exit              end the script
 *   stop                   end the script and ask the router to stop
 *                          (a DriverManager may intercept the request)
 *   error [MSG]            end the script with an error
 * A script that jumps 1000 times without blocking is disabled.
 *
 * Functions usable as $(NAME ARGS): add, sub, mul, div, idiv, mod, rem,
 * min, max, neg, abs, eq, ne, lt, gt, le, ge (numeric, else string
 * comparison), not, and, or, nand, nor, if, in, first, length, unquote,
 * sprintf, now, get. They may also be written $(SCRIPT.NAME ARGS).
 *
 * Keyword:
 *   TYPE  ACTIVE (default: runs when the router starts), PASSIVE (runs only
 *         through its handlers) or DRIVER (like DriverManager).
 *
 * =h step write-only
 * Advance past the current blocking instruction; a number gives that many
 * steps.
 * =h goto write-only
 * Move to the given label and run from there.
 * =h run read/write
 * Run the script from its first instruction (a written value becomes
 * $args); reading returns the value of `return`.
 *
 * =e
 *   Script(set x 0, label l, print $x, set x $(add $x 1), goto l $(lt $x 5))
 *   s :: Script(TYPE PASSIVE, return $(add $(c1.count) $(c2.count)))
 *
 * =a DriverManager
 */
#include "script_priv.h"

static const char script_doc[] =
	"Script([TYPE type,] INSTRUCTIONS...)\n"
	"\n"
	"Script a router configuration.\n"
	"\n"
	"Each argument is an instruction, run in order. Texts are expanded before\n"
	"use: $VAR and ${VAR} (script variables), $(HANDLER [ARGS]) (the value of a\n"
	"read handler: \"$(c.count)\", or a function such as \"$(add $x 1)\"), $? (the\n"
	"status of the last write), $args, $1..$9 and $# (the arguments of the run\n"
	"handler), $$ (the process id). Nothing is expanded inside single quotes.\n"
	"The q forms (setq, printq, readq, writeq, returnq, initq, errorq) also\n"
	"remove one layer of quotes.\n"
	"\n"
	"Instructions:\n"
	"  set VAR TEXT, setq     set a variable\n"
	"  init VAR TEXT, initq   set a variable once, when the router initializes\n"
	"  export VAR TEXT        like init (no read handler is made)\n"
	"  print [>FILE|>>FILE] TEXT|HANDLER\n"
	"                         print TEXT (one layer of quotes removed), or the\n"
	"                         value of HANDLER when the text starts with a\n"
	"                         letter, '@' or '_', then a newline, on standard\n"
	"                         output (or to FILE)\n"
	"  printn, printq, printnq  the same without newline / unquoting HANDLER\n"
	"  read HANDLER, readq    print \"HANDLER:\\nVALUE\" on standard error\n"
	"  write HANDLER [VALUE]  call a write handler; $? is its status\n"
	"  pause [COUNT]          wait for COUNT steps (default 1)\n"
	"  wait                   same as pause\n"
	"  wait TIME              wait TIME seconds (\"1.5\", \"10ms\"), or one step\n"
	"  label L                a target for goto\n"
	"  goto L [COND]          jump to L if COND (a boolean) is true or absent;\n"
	"                         L may also be exit, end, stop, error, begin or loop\n"
	"  loop                   go back to the first instruction\n"
	"  return [VALUE]         end; the run handler returns VALUE\n"
	"  end, exit              end the script\n"
	"  stop                   end the script and ask the router to stop\n"
	"                         (a DriverManager may intercept the request)\n"
	"  error [MSG]            end the script with an error\n"
	"A script that jumps 1000 times without blocking is disabled.\n"
	"\n"
	"Functions usable as $(NAME ARGS): add, sub, mul, div, idiv, mod, rem,\n"
	"min, max, neg, abs, eq, ne, lt, gt, le, ge (numeric, else string\n"
	"comparison), not, and, or, nand, nor, if, in, first, length, unquote,\n"
	"sprintf, now, get. They may also be written $(SCRIPT.NAME ARGS).\n"
	"\n"
	"Keyword:\n"
	"  TYPE  ACTIVE (default: runs when the router starts), PASSIVE (runs only\n"
	"        through its handlers) or DRIVER (like DriverManager).\n"
	"\n"
	"Handlers:\n"
	"  step (write)      advance past the current blocking instruction; a\n"
	"                    number gives that many steps\n"
	"  goto (write)      move to the given label and run from there\n"
	"  run (read/write)  run from the first instruction (a written value\n"
	"                    becomes $args); reading returns the value of return\n"
	"\n"
	"Examples:\n"
	"  Script(set x 0, label l, print $x, set x $(add $x 1), goto l $(lt $x 5))\n"
	"  s :: Script(TYPE PASSIVE, return $(add $(c1.count) $(c2.count)))\n";

static int
script_configure(struct weir_element *e, struct weir_conf *conf, struct weir_errh *errh)
{
	return weir_script_configure(e, conf, WEIR_SCRIPT_ACTIVE, errh);
}

static const struct weir_element_class script_class = {
	.name = "Script",
	.port_count = "0/0",
	.processing = "a/a",
	.priv_size = sizeof(struct weir_script),
	.configure = script_configure,
	.initialize = weir_script_initialize,
	.cleanup = weir_script_cleanup,
	.handlers = weir_script_handlers,
	.doc = script_doc,
};
WEIR_ELEMENT_REGISTER(script_class)
