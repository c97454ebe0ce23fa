"""Helpers for the system tests: read and write pcap files, compare packet
lists, run weir, and report checks ("ok ..." / "FAIL ...").

Standard library only (the tests use scapy to build packets, not this file).
"""
import os
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.path.dirname(os.path.dirname(HERE))
SKIP = 77


class PcapError(Exception):
    pass


def read_pcap(path):
    """(linktype, [packet bytes]) of a classic pcap file (either byte order,
    micro- or nanosecond)."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        raise PcapError("%s: %d bytes, too short for a pcap header" % (path, len(data)))
    for order in "<>":
        magic = struct.unpack(order + "I", data[:4])[0]
        if magic in (0xA1B2C3D4, 0xA1B23C4D):
            break
    else:
        raise PcapError("%s: bad pcap magic %s" % (path, data[:4].hex()))
    linktype = struct.unpack(order + "I", data[20:24])[0] & 0x0FFFFFFF
    packets, off = [], 24
    while off < len(data):
        if off + 16 > len(data):
            raise PcapError("%s: truncated record header after %d packets" % (path, len(packets)))
        caplen = struct.unpack(order + "I", data[off + 8:off + 12])[0]
        off += 16
        if off + caplen > len(data):
            raise PcapError("%s: packet %d truncated" % (path, len(packets)))
        packets.append(data[off:off + caplen])
        off += caplen
    return linktype, packets


def write_pcap(path, packets, linktype=1, start_us=1_600_000_000_000_000, step_us=1000):
    """Write packets (bytes or scapy packets) with fixed timestamps."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, linktype))
        for i, p in enumerate(packets):
            data = bytes(p)
            ts = start_us + i * step_us
            f.write(struct.pack("<IIII", ts // 1_000_000, ts % 1_000_000, len(data), len(data)))
            f.write(data)


def first_difference(expected, got):
    """None if the two lists of packets are equal, else a one-line
    description of the first difference."""
    for i in range(min(len(expected), len(got))):
        e, g = expected[i], got[i]
        if e == g:
            continue
        off = next((k for k in range(min(len(e), len(g))) if e[k] != g[k]), min(len(e), len(g)))
        if off < len(e) and off < len(g):
            what = "byte %d is 0x%02x, expected 0x%02x" % (off, g[off], e[off])
        else:
            what = "length %d, expected %d" % (len(g), len(e))
        return "packet %d: %s (%d packets, expected %d)" % (i, what, len(got), len(expected))
    if len(expected) != len(got):
        return "%d packets, expected %d (the first %d are equal)" % (
            len(got), len(expected), min(len(got), len(expected)))
    return None


def weir_binary(argv=None):
    """The weir binary: argv[1], else $WEIR, else build/weir."""
    argv = sys.argv if argv is None else argv
    cand = argv[1] if len(argv) > 1 else os.environ.get("WEIR", os.path.join(SRCDIR, "build", "weir"))
    cand = os.path.abspath(cand)
    if not os.access(cand, os.X_OK):
        print("FAIL weir binary %s not found" % cand)
        sys.exit(1)
    return cand


class Run:
    """Result of a weir run."""

    def __init__(self, returncode, stdout, stderr, sanitizer):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr
        self.sanitizer = sanitizer      # text of sanitizer reports, "" if none

    def __repr__(self):
        return "exit %s, stderr %r" % (self.returncode, self.stderr[-300:])


def run_weir(weir, args, cwd, timeout=60):
    """Run weir with args in cwd. When the environment asks for sanitizers,
    their reports go to files and come back in Run.sanitizer."""
    env = dict(os.environ)
    sandir = tempfile.mkdtemp(prefix="weir-san.")
    try:
        for var, prefix in (("ASAN_OPTIONS", "asan"), ("UBSAN_OPTIONS", "ubsan")):
            if var in env:
                env[var] = (env[var] + ":" if env[var] else "") + "log_path=" + os.path.join(sandir, prefix)
        try:
            p = subprocess.run([weir] + list(args), cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                               capture_output=True, timeout=timeout)
            rc, out, err = p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")
        except OSError as e:
            rc, out, err = "cannot run %s: %s" % (weir, e.strerror), "", ""
        except subprocess.TimeoutExpired as e:
            rc = "timeout"
            out = (e.stdout or b"").decode(errors="replace")
            err = (e.stderr or b"").decode(errors="replace") + "\n(timed out after %ss)" % timeout
        reports = ""
        for name in sorted(os.listdir(sandir)):
            with open(os.path.join(sandir, name), errors="replace") as f:
                reports += f.read()
        return Run(rc, out, err, reports)
    finally:
        shutil.rmtree(sandir, ignore_errors=True)


class Checker:
    """Prints one line per check; exit() returns 1 if any check failed."""

    def __init__(self, name):
        self.name = name
        self.failed = 0
        self.passed = 0
        self.tmp = tempfile.mkdtemp(prefix="weir-%s." % name)

    def check(self, what, cond, detail=""):
        if cond:
            self.passed += 1
            print("ok   %s" % what)
        else:
            self.failed += 1
            print("FAIL %s%s" % (what, (": " + detail) if detail else ""))
        sys.stdout.flush()
        return cond

    def ran_ok(self, what, run):
        """A run that must succeed: exit 0 and no sanitizer report."""
        ok = run.returncode == 0 and not run.sanitizer
        detail = ""
        if not ok:
            detail = "exit %s; stderr: %s%s" % (
                run.returncode, run.stderr.strip()[-600:],
                ("\nsanitizer: " + run.sanitizer[:1500]) if run.sanitizer else "")
        return self.check(what, ok, detail)

    def same_packets(self, what, expected, path):
        if not os.path.exists(path):
            return self.check(what, False, "%s was not written" % os.path.basename(path))
        try:
            _, got = read_pcap(path)
        except PcapError as e:
            return self.check(what, False, str(e))
        diff = first_difference([bytes(p) for p in expected], got)
        return self.check(what, diff is None, diff or "")

    def path(self, name):
        return os.path.join(self.tmp, name)

    def exit(self):
        if os.environ.get("KEEP") == "1":
            print("(kept %s)" % self.tmp)
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)
        print("%s: %d checks passed, %d failed" % (self.name, self.passed, self.failed))
        sys.exit(1 if self.failed else 0)


def example_packets(count=400, seed=7):
    """A deterministic mixed trace (bytes) from scripts/gen_example_trace.py."""
    sys.path.insert(0, os.path.join(SRCDIR, "scripts"))
    import gen_example_trace
    return [data for _, data in gen_example_trace.make_packets(count, seed)]


def handler_values(stdout, names):
    """Parse weir's -h output: a bare value for one handler, "name:\\nvalue"
    blocks for several. Returns {name: value string}."""
    lines = stdout.split("\n")
    if len(names) == 1:
        return {names[0]: stdout.strip()}
    values, current = {}, None
    for line in lines:
        if line.endswith(":") and line[:-1] in names:
            current = line[:-1]
            values[current] = ""
        elif current is not None and line.strip():
            values[current] = (values[current] + "\n" + line).strip()
    return values
