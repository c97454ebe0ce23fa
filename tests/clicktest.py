#!/usr/bin/python3
"""Runs behaviour tests written in Click's testie/clicktest format.

Usage: clicktest.py --weir BUILD/weir [--jobs N] [--timeout S] [--verbose]
                    [--keep] [VAR=VALUE...] FILES_OR_DIRS...

Directories are searched recursively for *.clicktest (and *.testie) files.
Prints "PASS name", "FAIL name: reason" or "SKIP name: reason" per test, then
"N passed, N failed" (", N skipped" when any were skipped). Exits 1 when a
test failed, 2 on a usage error or when no test was found.

The format follows Click's clicktest:

  %info / %desc / %cut      ignored text
  %require [-q]             shell commands; if one fails, the test is skipped
  %script                   shell commands run by "bash -e" in a fresh
                            directory; as in Click, every command must
                            succeed (exit 0) unless %expect_exit says else
  %file [-d] [-e] [+LEN] NAME...   create NAME (stdin: the script's input);
                            -d drops the first character of each line,
                            -e decodes base64, +LEN takes exactly LEN bytes
  %stdin [+LEN]             same as "%file stdin"
  %expect [-a] [-d] [-i] [-w] [+LEN] NAME...   compare NAME (stdout, stderr
                            or a file the script wrote) line by line:
                            trailing whitespace and blank lines are ignored,
                            {{REGEX}} holes match a Python regular expression,
                            {{~ A - B}} and {{~ V +- D[%]}} match integers in
                            a range, {{?comment}} is a note shown on failure;
                            -i makes the holes case-insensitive, -w ignores
                            whitespace within lines, -a adds an alternative
  %stdout / %stderr [...]   same as "%expect stdout" / "%expect stderr"
  %expectx [...] NAME...    like %expect, but every line is a regex
  %expectv [-a] [-e] NAME   the file must match byte for byte
  %ignore [-i] [-w] [NAME]  output lines matching one of these lines ({{}}
                            holes as in %expect) are dropped before comparing;
                            NAME defaults to "all"
  %ignorex / %ignorev       the same with whole-line regexes / literal lines
  %expect_exit N|nonzero|any   (weir extension) the script's exit status;
                            with "bash -e" the script stops at the first
                            failing command, whose status becomes the
                            script's
  %include FILE             read another file here
  %eot / %eof               end of this test (another follows) / of the file

The script runs with PATH starting with a directory holding "weir" and
"click" (both the binary given with --weir), and with these variables set:
WEIR (the binary), TESTDIR (the directory holding the test file), SRCDIR
(the repository root) and rundir (".."). VAR=VALUE arguments are exported
too. When ASAN_OPTIONS or UBSAN_OPTIONS is set, sanitizer reports are also
written to log files, and a test whose programs reported anything fails.
"""
import argparse
import base64
import concurrent.futures
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

SRCDIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_TIMEOUT = 30
IGNORED_MARK = "\x00clicktest-ignored\x00"
HSPACE = " \f\r\t\v"


class TestFileError(Exception):
    """A malformed test file."""


# ---------------------------------------------------------------- parsing

class Section:
    """One %expect/%file/%ignore body with its flags."""

    def __init__(self, kind, data, flags, lineno):
        self.kind = kind          # 'file', 'expect', 'expectx', 'expectv', 'ignore', ...
        self.data = data          # bytes
        self.flags = flags        # set of single letters
        self.lineno = lineno      # line number of the first data line


class Test:
    def __init__(self, path, index):
        self.path = path
        self.index = index        # 1 for the first test of a file, 2 after %eot...
        self.script = []          # [(lineno, text)]
        self.require = []
        self.require_quiet = False
        self.files = {}           # name -> Section
        self.expects = {}         # name -> [Section, ...] in order
        self.ignores = {}         # name -> [Section, ...]
        self.expect_exit = "0"
        self.errors = []

    @property
    def name(self):
        return self.path if self.index == 1 else "%s<%d>" % (self.path, self.index)


SECTION_RE = re.compile(rb"^%\s*(\w+)\s*(.*?)\s*$")
FILENAME_RE = re.compile(r"^[-A-Za-z_0-9.]+(/[-A-Za-z_0-9.]+)*$")


class Reader:
    """Yields lines (bytes, with newline) and their file and line number,
    following %include."""

    def __init__(self, path):
        self.stack = []
        self.push(path)

    def push(self, path):
        if len(self.stack) > 16:
            raise TestFileError("%include nested too deeply")
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError as e:
            raise TestFileError("%s: %s" % (path, e.strerror))
        self.stack.append([path, data.splitlines(keepends=True), 0])

    def peek(self):
        while self.stack and self.stack[-1][2] >= len(self.stack[-1][1]):
            self.stack.pop()
        if not self.stack:
            return None
        top = self.stack[-1]
        return top[1][top[2]]

    def next(self):
        line = self.peek()
        if line is not None:
            self.stack[-1][2] += 1
        return line

    def where(self):
        """Line number of the line last returned by next()."""
        if not self.stack:
            return 0
        return self.stack[-1][2]

    def current_file(self):
        return self.stack[-1][0] if self.stack else ""

    def take_bytes(self, n):
        """Exactly n bytes from the following lines (the rest of a split
        line stays for the next read)."""
        out = b""
        while len(out) < n:
            line = self.peek()
            if line is None:
                break
            top = self.stack[-1]
            need = n - len(out)
            if len(line) <= need:
                out += line
                top[2] += 1
            else:
                out += line[:need]
                top[1][top[2]] = line[need:]
        return out


def read_body(reader):
    """Lines up to the next section; a leading backslash escapes '%'."""
    body = []
    while True:
        line = reader.peek()
        if line is None or line.startswith(b"%"):
            return b"".join(body)
        reader.next()
        if line.startswith(b"\\%"):
            line = line[1:]
        body.append(line)


def split_flags(args, allowed):
    """Leading -x flags (possibly combined, -dw) and +LENGTH; returns
    (flags, length, rest)."""
    flags, length = set(), None
    words = args.split()
    while words:
        w = words[0]
        if re.match(r"^\+\d+$", w):
            length = int(w[1:])
        elif w.startswith("-") and len(w) > 1:
            for ch in w[1:]:
                if ch not in allowed:
                    raise TestFileError("flag -%s not allowed here" % ch)
                flags.add(ch)
        else:
            break
        words.pop(0)
    return flags, length, words


def parse_tests(path):
    """Parse a file into a list of Test objects (one per %eot block)."""
    reader = Reader(path)
    tests = []
    test = Test(path, 1)
    while True:
        line = reader.next()
        if line is None:
            break
        lineno = reader.where()
        m = SECTION_RE.match(line)
        if not m:
            if line.startswith(b"%"):
                test.errors.append("%d: bad '%%' line" % lineno)
            continue
        cmd = m.group(1).decode().lower()
        args = m.group(2).decode("utf-8", "replace")
        try:
            if cmd in ("script", "test", "require"):
                body = read_body(reader).decode("utf-8", "surrogateescape")
                target = test.require if cmd == "require" else test.script
                if cmd == "require" and args.strip() == "-q":
                    test.require_quiet = True
                for i, text in enumerate(body.split("\n")):
                    target.append((lineno + 1 + i, text))
            elif cmd in ("info", "desc", "cut"):
                read_body(reader)
            elif cmd in ("file", "stdin", "input"):
                add_file_section(reader, test, "file", args,
                                 "stdin" if cmd != "file" else None, lineno)
            elif cmd in ("expect", "stdout", "output", "stderr", "expectx",
                         "expectv", "expect_verbatim", "verbatim"):
                kind = {"expectx": "expectx", "expectv": "expectv",
                        "expect_verbatim": "expectv", "verbatim": "expectv"}.get(cmd, "expect")
                default = {"stdout": "stdout", "output": "stdout", "stderr": "stderr"}.get(cmd)
                add_file_section(reader, test, kind, args, default, lineno)
            elif cmd in ("ignore", "ignorex", "ignorev"):
                add_file_section(reader, test, cmd, args, None, lineno)
            elif cmd == "expect_exit":
                value = args.strip().lower()
                if not re.match(r"^(\d+|nonzero|any)$", value):
                    raise TestFileError("%%expect_exit wants a number, 'nonzero' or 'any', not '%s'" % args)
                test.expect_exit = value
                read_body(reader)
            elif cmd == "include":
                inc = args.strip()
                if not os.path.isabs(inc):
                    inc = os.path.join(os.path.dirname(reader.current_file()), inc)
                reader.push(inc)
            elif cmd == "eot":
                tests.append(test)
                test = Test(path, len(tests) + 1)
            elif cmd == "eof":
                break
            else:
                test.errors.append("%d: unknown section '%%%s'" % (lineno, cmd))
                read_body(reader)
        except TestFileError as e:
            test.errors.append("%d: %s" % (lineno, e))
    if test.script or test.errors or not tests:
        tests.append(test)
    for t in tests:
        if not t.script and not t.errors:
            t.errors.append("no %script section")
    return tests


def add_file_section(reader, test, kind, args, default_name, lineno):
    allowed = {"file": "de", "expect": "adiwe", "expectx": "adiw", "expectv": "ade",
               "ignore": "diw", "ignorex": "diw", "ignorev": "dw"}[kind]
    flags, length, names = split_flags(args, allowed)
    if length is not None:
        data = reader.take_bytes(length)
        if len(data) != length:
            raise TestFileError("file data shorter than +%d" % length)
    else:
        data = read_body(reader)
    if "d" in flags:
        data = b"".join(l[1:] for l in data.splitlines(keepends=True))
    if "e" in flags:
        try:
            data = base64.b64decode(b"".join(data.split()), validate=True)
        except ValueError:
            raise TestFileError("bad base64 data")
        if kind == "expect":
            kind = "expectv"
    if not names:
        names = [default_name or {"file": "stdin", "ignore": "all", "ignorex": "all",
                                  "ignorev": "all"}.get(kind, "stdout")]
    sec = Section(kind, data, flags, lineno + 1)
    for name in names:
        if not FILENAME_RE.match(name) or ".." in name.split("/"):
            raise TestFileError("bad file name '%s'" % name)
        if kind == "file":
            if name in ("stdout", "stderr"):
                raise TestFileError("'%s' is not an input file" % name)
            if name in test.files:
                raise TestFileError("%%file %s defined twice" % name)
            test.files[name] = sec
        elif kind.startswith("ignore"):
            test.ignores.setdefault(name, []).append(sec)
        else:
            if name == "stdin" or name == "all":
                raise TestFileError("'%s' cannot be expected" % name)
            prev = test.expects.get(name)
            if prev and "a" not in flags and not all("a" in p.flags for p in prev):
                raise TestFileError("%%expect %s defined twice (use -a for alternatives)" % name)
            test.expects.setdefault(name, []).append(sec)


# ---------------------------------------------------------------- matching

def find_holes(line):
    """Split a line into [(is_hole, text)], honouring one level of nested
    {{ }} inside a hole."""
    parts, pos = [], 0
    while True:
        start = line.find("{{", pos)
        if start < 0:
            break
        depth, i = 1, start + 2
        while depth and i < len(line):
            if line.startswith("{{", i):
                depth += 1
                i += 2
            elif line.startswith("}}", i):
                depth -= 1
                i += 2
            else:
                i += 1
        if depth:
            break
        parts.append((False, line[pos:start]))
        parts.append((True, line[start + 2:i - 2]))
        pos = i
    parts.append((False, line[pos:]))
    return parts


RANGE_A_B = re.compile(r"^~\s*(\d+)\s*-\s*(\d+)\s*$")
RANGE_PM = re.compile(r"^~\s*(\d+)\s*\+-\s*(\d+)\s*(%?)\s*$")


def int_range(hole):
    m = RANGE_A_B.match(hole)
    if m:
        lo, hi = int(m.group(1)), int(m.group(2))
        return (min(lo, hi), max(lo, hi))
    m = RANGE_PM.match(hole)
    if m:
        v, d = int(m.group(1)), int(m.group(2))
        if m.group(3):
            d = v * d // 100
        return (max(0, v - d), v + d)
    return None


class LineMatcher:
    """Matches one expected line (mode 'v' literal, 'e' holes, 'x' regex)."""

    def __init__(self, text, mode, icase=False, wspace=False):
        self.text = text
        self.comment = None
        self.literal = None
        self.ranges = []
        self.wspace = wspace
        parts = find_holes(text) if mode != "v" else [(False, text)]
        # {{?comment}} blocks and the whitespace around them go away.
        kept, comments, strip_next = [], [], False
        for is_hole, t in parts:
            if is_hole and t.startswith("?"):
                comments.append(t[1:].strip())
                if kept and not kept[-1][0]:
                    kept[-1] = (False, kept[-1][1].rstrip(HSPACE))
                strip_next = True
                continue
            if strip_next and not is_hole:
                t = t.lstrip(HSPACE)
            strip_next = False
            kept.append((is_hole, t))
        parts = kept
        if comments:
            self.comment = " ".join(comments)
        if wspace:
            parts = [(h, t if h else strip_hspace(t)) for h, t in parts]
        if mode == "v" or (mode == "e" and not any(h for h, _ in parts)):
            self.literal = "".join(t for _, t in parts)
            return
        regex = []
        for is_hole, t in parts:
            if not is_hole:
                regex.append(re.escape(t) if mode == "e" else t)
                continue
            rng = int_range(t)
            if rng:
                regex.append("(?P<r%d>\\d+)" % len(self.ranges))
                self.ranges.append(rng)
            elif icase:
                regex.append("(?i:%s)" % t)
            else:
                regex.append("(?:%s)" % t)
        pattern = "".join(regex)
        if mode == "x" and icase:
            pattern = "(?i:%s)" % pattern
        try:
            self.regex = re.compile(pattern, re.S)
        except re.error as e:
            raise TestFileError("bad regular expression %r: %s" % (text, e))

    def match(self, line):
        if self.wspace:
            line = strip_hspace(line)
        if self.literal is not None:
            return line == self.literal
        m = self.regex.fullmatch(line)
        if not m:
            return False
        for i, (lo, hi) in enumerate(self.ranges):
            if not lo <= int(m.group("r%d" % i)) <= hi:
                return False
        return True


def strip_hspace(s):
    return "".join(ch for ch in s if ch not in HSPACE)


def normalise_lines(text):
    """Drop trailing whitespace on each line; drop blank lines (Click's
    clicktest ignores blank lines when comparing)."""
    lines = [l.rstrip(HSPACE) for l in text.split("\n")]
    return [(i + 1, l) for i, l in enumerate(lines) if l != ""]


def build_ignores(test, name):
    matchers = []
    for key in (name, "all"):
        for sec in test.ignores.get(key, []):
            mode = {"ignore": "e", "ignorex": "x", "ignorev": "v"}[sec.kind]
            text = sec.data.decode("utf-8", "surrogateescape")
            for l in text.split("\n"):
                l = l.rstrip(HSPACE)
                if l.strip() == "":
                    continue
                matchers.append(LineMatcher(l, mode, "i" in sec.flags, "w" in sec.flags))
    return matchers


def compare_expect(sec, got, ignores):
    """None when 'got' (str) matches the section, else (got_lineno, expected,
    got_line, expected_file_lineno, comment)."""
    exp_text = sec.data.decode("utf-8", "surrogateescape")
    if sec.kind == "expectv":
        return None if exp_text == got else compare_verbatim(exp_text, got, sec)
    mode = "e" if sec.kind == "expect" else "x"
    got_lines = [(n, l) for n, l in normalise_lines(got)
                 if not any(m.match(l) for m in ignores)]
    exp_lines = normalise_lines(exp_text)
    for i in range(max(len(got_lines), len(exp_lines))):
        if i >= len(exp_lines):
            n, l = got_lines[i]
            return (n, "<end of file>", l, sec.lineno + (exp_lines[-1][0] if exp_lines else 0), None)
        en, el = exp_lines[i]
        matcher = LineMatcher(el, mode, "i" in sec.flags, "w" in sec.flags)
        if i >= len(got_lines):
            last = got_lines[-1][0] + 1 if got_lines else 1
            return (last, el, "<end of file>", sec.lineno + en - 1, matcher.comment)
        n, l = got_lines[i]
        if not matcher.match(l):
            return (n, el, l, sec.lineno + en - 1, matcher.comment)
    return None


def compare_verbatim(exp, got, sec):
    e, g = exp.split("\n"), got.split("\n")
    for i in range(max(len(e), len(g))):
        el = e[i] if i < len(e) else "<end of file>"
        gl = g[i] if i < len(g) else "<end of file>"
        if el != gl:
            return (i + 1, el, gl, sec.lineno + i, None)
    return (1, "(same lines, different bytes)", "", sec.lineno, None)


# ---------------------------------------------------------------- running

SCRIPT_PRELUDE = """\
__clicktest_status=$1
shift
trap 'printf "%s %s\\n" "$?" "$LINENO" >>"$__clicktest_status"' ERR
"""


def write_script(path, lines):
    """Write a bash script; return {script line: test file line}."""
    out = SCRIPT_PRELUDE.split("\n")[:-1]
    linemap = {}
    for lineno, text in lines:
        out.append(text)
        linemap[len(out)] = lineno
    with open(path, "w", encoding="utf-8", errors="surrogateescape") as f:
        f.write("\n".join(out) + "\n")
    return linemap


def run_script(script, cwd, env, stdin, stdout, stderr, timeout):
    """Run 'bash -e script STATUSFILE' in its own process group. Returns
    (exit status or None on timeout, failing script line or None)."""
    status_file = script + ".status"
    open(status_file, "w").close()
    with open(stdin, "rb") as fin, open(stdout, "wb") as fout, open(stderr, "wb") as ferr:
        proc = subprocess.Popen(["/bin/bash", "-e", script, status_file], cwd=cwd, env=env,
                                stdin=fin, stdout=fout, stderr=ferr, start_new_session=True)
        try:
            rc = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            rc = None
        # Whatever the script left behind (background jobs) goes too.
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                break
            if sig == signal.SIGTERM:
                time.sleep(0.05)
        if rc is None:
            proc.wait()
    fail_line = None
    with open(status_file) as f:
        records = [l.split() for l in f if l.strip()]
    if records and rc is not None:
        code, line = records[-1]
        if int(code) == rc or rc < 0:
            fail_line = int(line)
    return rc, fail_line


def shorten(s, n=100):
    s = s.replace("\t", " ")
    return s if len(s) <= n else s[:n - 3] + "..."


def tail_lines(path, n=6):
    try:
        with open(path, "rb") as f:
            text = f.read().decode("utf-8", "replace")
    except OSError:
        return []
    lines = [l for l in text.split("\n") if l.strip()]
    return lines[-n:]


def exit_ok(expected, rc):
    if expected == "any":
        return True
    if expected == "nonzero":
        return rc != 0 and rc < 128
    return rc == int(expected)


def describe_rc(rc):
    if rc < 0:
        return "killed by signal %d" % -rc
    if rc > 128:
        return "exit status %d (signal %d?)" % (rc, rc - 128)
    return "exit status %d" % rc


class Result:
    def __init__(self, name, status, reason="", details=()):
        self.name, self.status, self.reason, self.details = name, status, reason, list(details)


def sanitizer_env(env, logdir):
    for var, prefix in (("ASAN_OPTIONS", "asan"), ("UBSAN_OPTIONS", "ubsan"),
                        ("LSAN_OPTIONS", "lsan")):
        if var in env and env[var] is not None:
            opts = env[var]
            env[var] = (opts + ":" if opts else "") + "log_path=" + os.path.join(logdir, prefix)


def run_test(test, opts):
    if test.errors:
        return Result(test.name, "FAIL", "bad test file: " + "; ".join(test.errors))
    top = tempfile.mkdtemp(prefix="clicktest.")
    try:
        return run_test_in(test, opts, top)
    except TestFileError as e:
        return Result(test.name, "FAIL", "bad test file: %s" % e)
    finally:
        if opts.keep:
            sys.stderr.write("  (kept %s for %s)\n" % (top, test.name))
        else:
            shutil.rmtree(top, ignore_errors=True)


def run_test_in(test, opts, top):
    work = os.path.join(top, "work")
    out = os.path.join(top, "out")
    bindir = os.path.join(top, "bin")
    sanlog = os.path.join(top, "sanitizer")
    for d in (work, out, bindir, sanlog):
        os.mkdir(d)
    for alias in ("weir", "click"):
        os.symlink(opts.weir, os.path.join(bindir, alias))
    env = dict(os.environ)
    env.update(opts.variables)
    env["PATH"] = bindir + os.pathsep + env.get("PATH", "/usr/bin:/bin")
    env["WEIR"] = opts.weir
    env["TESTDIR"] = os.path.dirname(os.path.abspath(test.path))
    env["SRCDIR"] = SRCDIR
    env["rundir"] = ".."
    sanitizer_env(env, sanlog)

    if test.require:
        script = os.path.join(out, "require.sh")
        linemap = write_script(script, test.require)
        rc, line = run_script(script, work, env, os.devnull, os.path.join(out, "require.out"),
                              os.path.join(out, "require.err"), opts.timeout)
        if rc != 0:
            where = (" at line %d" % linemap[line]) if line in linemap else ""
            why = "requirement failed%s" % where
            if rc is None:
                why = "requirement timed out"
            return Result(test.name, "SKIP", "" if test.require_quiet else why)

    for name, sec in test.files.items():
        dest = os.path.join(work, name)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with open(dest, "wb") as f:
            f.write(sec.data)
    stdin = os.path.join(work, "stdin") if "stdin" in test.files else os.devnull
    script = os.path.join(out, "script.sh")
    linemap = write_script(script, test.script)
    stdout_path, stderr_path = os.path.join(out, "stdout"), os.path.join(out, "stderr")
    start = time.monotonic()
    rc, line = run_script(script, work, env, stdin, stdout_path, stderr_path, opts.timeout)
    elapsed = time.monotonic() - start

    details = []
    if opts.verbose:
        details.append("ran in %.2f s, %s" % (elapsed, "timeout" if rc is None else describe_rc(rc)))
    reports = sorted(os.listdir(sanlog))
    if reports:
        lines = tail_lines(os.path.join(sanlog, reports[0]), 10000)
        summary = next((l for l in lines if "SUMMARY" in l or "runtime error" in l),
                       lines[0] if lines else "")
        return Result(test.name, "FAIL", "sanitizer report: %s" % shorten(summary.strip(), 160),
                      lines[:10] + ["(full report: %d lines)" % len(lines)] + details)
    if rc is None:
        return Result(test.name, "FAIL", "timed out after %g s" % opts.timeout,
                      ["stderr: " + l for l in tail_lines(stderr_path)] + details)
    if not exit_ok(test.expect_exit, rc):
        cmd = ""
        if line in linemap:
            text = dict(test.script).get(linemap[line], "")
            cmd = " at line %d '%s'" % (linemap[line], shorten(text.strip(), 60))
        want = {"any": "any", "nonzero": "a non-zero status"}.get(test.expect_exit,
                                                                   "exit status " + test.expect_exit)
        return Result(test.name, "FAIL", "%s%s (expected %s)" % (describe_rc(rc), cmd, want),
                      ["stderr: " + l for l in tail_lines(stderr_path)] + details)

    for name, secs in test.expects.items():
        if name == "stdout":
            path = stdout_path
        elif name == "stderr":
            path = stderr_path
        else:
            path = os.path.join(work, name)
        try:
            with open(path, "rb") as f:
                raw = f.read()
        except OSError as e:
            return Result(test.name, "FAIL", "%s: %s" % (name, e.strerror), details)
        got = raw.decode("utf-8", "surrogateescape")
        ignores = build_ignores(test, name)
        best = None
        for sec in secs:
            if sec.kind == "expectv" and raw == sec.data:
                best = None
                break
            diff = compare_expect(sec, got, ignores)
            if diff is None:
                best = None
                break
            if best is None or diff[0] > best[0]:
                best = diff
        else:
            if best is not None:
                n, exp, gotl, expline, comment = best
                reason = "%s line %d: expected '%s', got '%s' (%s:%d)" % (
                    name, n, shorten(exp), shorten(gotl), os.path.basename(test.path), expline)
                extra = ["note: " + comment] if comment else []
                if opts.verbose or name != "stderr":
                    extra += ["stderr: " + l for l in tail_lines(stderr_path)]
                return Result(test.name, "FAIL", reason, extra + details)
    return Result(test.name, "PASS", "", details)


# ---------------------------------------------------------------- main

def collect(paths):
    found = []
    for p in paths:
        if os.path.isdir(p):
            for root, dirs, files in os.walk(p):
                dirs.sort()
                for f in sorted(files):
                    if f.endswith(".clicktest") or f.endswith(".testie"):
                        found.append(os.path.join(root, f))
        elif os.path.exists(p):
            found.append(p)
        else:
            raise SystemExit("clicktest.py: %s: no such file or directory" % p)
    return found


def display_path(p):
    rel = os.path.relpath(p)
    return p if rel.startswith("..") else rel


def main(argv):
    ap = argparse.ArgumentParser(description="Run .clicktest files against weir.",
                                 usage="%(prog)s --weir BINARY [options] [VAR=VALUE...] FILES_OR_DIRS...")
    ap.add_argument("--weir", required=True, help="the weir binary (also run as 'click')")
    ap.add_argument("--jobs", "-j", type=int, default=1, help="tests run in parallel")
    ap.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                    help="seconds per test (default %d)" % DEFAULT_TIMEOUT)
    ap.add_argument("--verbose", "-v", action="store_true", help="print more about each test")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directories")
    ap.add_argument("paths", nargs="+", metavar="FILES_OR_DIRS")
    opts = ap.parse_args(argv)

    opts.variables = {}
    paths = []
    for p in opts.paths:
        m = re.match(r"^([A-Za-z_]\w*)=(.*)$", p, re.S)
        if m and not os.path.exists(p):
            opts.variables[m.group(1)] = m.group(2)
        else:
            paths.append(p)
    weir = shutil.which(opts.weir) if os.sep not in opts.weir else opts.weir
    if not weir or not os.path.isfile(weir) or not os.access(weir, os.X_OK):
        sys.stderr.write("clicktest.py: %s: not an executable file\n" % opts.weir)
        return 2
    opts.weir = os.path.abspath(weir)

    tests = []
    for path in collect(paths):
        try:
            tests.extend(parse_tests(display_path(path)))
        except TestFileError as e:
            t = Test(display_path(path), 1)
            t.errors.append(str(e))
            tests.append(t)
    if not tests:
        sys.stderr.write("clicktest.py: no tests found in %s\n" % " ".join(paths))
        return 2

    counts = {"PASS": 0, "FAIL": 0, "SKIP": 0}
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, opts.jobs)) as pool:
        for res in pool.map(lambda t: run_test(t, opts), tests):
            counts[res.status] += 1
            line = "%s %s" % (res.status, res.name)
            if res.reason:
                line += ": " + res.reason
            print(line)
            if res.status == "FAIL" or opts.verbose:
                for d in res.details:
                    print("    " + d)
            sys.stdout.flush()
    summary = "%d passed, %d failed" % (counts["PASS"], counts["FAIL"])
    if counts["SKIP"]:
        summary += ", %d skipped" % counts["SKIP"]
    print(summary)
    return 1 if counts["FAIL"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
