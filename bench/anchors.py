#!/usr/bin/python3
"""Run the reference configurations of ../shared/anchors unchanged and report Mpps.

Each configuration is run twice per sample, with STOP=S and STOP=2S loops over
the preloaded trace; the difference in packets over the difference in wall time
is the steady-state rate, free of process start-up and of the pcap preload
(FastClick's figures are taken from the end of the preload too). ns/packet is
1000/Mpps; cycles/packet uses the TSC frequency from /proc/cpuinfo when given.
Peak RSS comes from /usr/bin/time -v on the longer run. Median of --runs samples.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import time

CASES = [
    # name, config, extra vars, FastClick A Mpps (anchors/README.md)
    ("P1 null", "p1_null.click", [], 131.2),
    ("P1 null QC=false", "p1_null.click", ["QC=false"], 40.3),
    ("P2 5 x Counter", "p2_chain.click", [], 45.7),
    ("P2 5 x Counter NO_RATE", "p2_chain_norate.click", [], 75.6),
]


def run_once(weir, cfg, extra, stop, cpu):
    cmd = ["/usr/bin/time", "-v", weir, cfg, f"STOP={stop}"] + extra
    if cpu is not None:
        cmd = ["taskset", "-c", str(cpu)] + cmd
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True)
    t = time.perf_counter() - t0
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {p.stderr.strip()[:400]}")
    m = re.search(r"RESULT count (\d+)", p.stdout)
    if not m:
        raise RuntimeError(f"no RESULT line from {' '.join(cmd)}: {p.stdout[:200]}")
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
    return int(m.group(1)), t, int(rss.group(1)) if rss else 0


def measure(weir, cfg, extra, stop, cpu, runs):
    rates, rss = [], 0
    for _ in range(runs):
        n1, t1, _ = run_once(weir, cfg, extra, stop, cpu)
        n2, t2, r2 = run_once(weir, cfg, extra, 2 * stop, cpu)
        rates.append((n2 - n1) / (t2 - t1) / 1e6)
        rss = max(rss, r2)
    return statistics.median(rates), rss


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--weir", required=True)
    ap.add_argument("--anchors", default=os.path.join(os.path.dirname(__file__), "../../shared/anchors"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--stop", type=int, default=20000)
    ap.add_argument("--cpu", type=int, default=1)
    ap.add_argument("--only", default="")
    a = ap.parse_args()
    cfgdir = os.path.join(a.anchors, "configs")
    if not os.path.isdir(cfgdir):
        print(f"anchors not found at {a.anchors}", file=sys.stderr)
        return 77
    os.chdir(a.anchors)
    cpu = a.cpu if a.cpu < os.cpu_count() else None
    print(f"| pipeline | configuration | weir Mpps | ns/pkt | peak RSS | FastClick A | ratio |")
    print(f"|---|---|---|---|---|---|---|")
    for name, cfg, extra, fc in CASES:
        if a.only and a.only not in name:
            continue
        mpps, rss = measure(os.path.abspath(os.path.join(os.path.dirname(__file__), a.weir))
                            if not os.path.isabs(a.weir) else a.weir,
                            os.path.join("configs", cfg), extra, a.stop, cpu, a.runs)
        print(f"| {name} | {cfg} {' '.join(extra)} | {mpps:.1f} | {1000 / mpps:.2f} | "
              f"{rss / 1024:.0f} MB | {fc} | {mpps / fc:.2f}x |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
