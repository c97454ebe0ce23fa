#!/usr/bin/python3
"""Configuration errors reported by the weir driver: each must give a
non-zero exit (not a crash) and a message in Click's style naming the
place of the error."""
import re

from pcaputil import Checker, run_weir, weir_binary

weir = weir_binary()
t = Checker("config_errors")


def expect_error(what, config_text, patterns, filename="bad.click"):
    with open(t.path(filename), "w") as f:
        f.write(config_text)
    run = run_weir(weir, [filename], t.tmp, timeout=20)
    ok = isinstance(run.returncode, int) and run.returncode > 0 and not run.sanitizer
    t.check("%s: exits with an error status" % what, ok, repr(run))
    for pat in patterns:
        t.check("%s: stderr matches /%s/" % (what, pat), re.search(pat, run.stderr, re.M | re.I) is not None,
                "stderr: %r" % run.stderr[-500:])
    return run


expect_error("unknown class", "InfiniteSource(LIMIT 1, STOP true)\n  -> Countr\n  -> Discard;\n",
             [r"bad\.click:2:\d+", r"'Countr'", r"did you mean 'Counter'"])
expect_error("unknown class in a declaration", "x :: Countr;\nInfiniteSource(LIMIT 1, STOP true) -> x -> Discard;\n",
             [r"bad\.click:1:\d+: unknown element class 'Countr'", r"did you mean 'Counter'"])
expect_error("syntax error", "// comment\nsrc :: InfiniteSource(LIMIT 1, STOP true);\nsrc -> -> Discard;\n",
             [r"bad\.click:3:\d+"])
expect_error("unterminated argument list", "InfiniteSource(LIMIT 1, STOP true -> Discard;\n",
             [r"bad\.click:\d+"])
expect_error("unconnected output", "InfiniteSource(LIMIT 1, STOP true)\n  -> c :: Counter;\n",
             [r"bad\.click:2", r"'c :: Counter'", r"output 0 (unused|not connected)"])
expect_error("Classifier patterns and outputs disagree",
             "c :: Classifier(12/0800, -);\nInfiniteSource(LIMIT 1, STOP true) -> c;\nc[0] -> Discard;\n",
             [r"bad\.click:1", r"'c :: Classifier'"])
expect_error("unconnected input", "InfiniteSource(LIMIT 1, STOP true) -> Discard;\nd2 :: Counter -> Discard;\n",
             [r"d2", r"input"])
expect_error("pull output into push input",
             "q :: Queue;\nInfiniteSource(LIMIT 1, STOP true) -> q -> Tee -> Discard;\n",
             [r"bad\.click:2", r"'q :: Queue' pull output 0", r"push input 0"])
expect_error("bad argument", "InfiniteSource(LIMIT 1, STOP true) -> CheckLength(lots) -> Discard;\n",
             [r"bad\.click:1", r"CheckLength"])
expect_error("undeclared element in a connection", "InfiniteSource(LIMIT 1, STOP true) -> nosuch;\n",
             [r"nosuch"])

run = run_weir(weir, ["no-such-file.click"], t.tmp, timeout=20)
t.check("missing configuration file: error status",
        isinstance(run.returncode, int) and run.returncode > 0, repr(run))
t.check("missing configuration file: message names it", "no-such-file.click" in run.stderr, repr(run))

run = run_weir(weir, ["-e", "InfiniteSource(LIMIT 1, STOP true) -> Discard"], t.tmp, timeout=20)
t.ran_ok("a correct configuration still runs (sanity)", run)
t.exit()
