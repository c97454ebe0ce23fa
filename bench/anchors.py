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
    # name, config, extra vars, FastClick A Mpps (anchors/README.md), STOP S,
    # generated input needed ("" = none; else the file under --gen)
    ("P1 null", "p1_null.click", [], 131.2, 20000, ""),
    ("P1 null QC=false", "p1_null.click", ["QC=false"], 40.3, 20000, ""),
    ("P2 5 x Counter", "p2_chain.click", [], 45.7, 20000, ""),
    ("P2 5 x Counter NO_RATE", "p2_chain_norate.click", [], 75.6, 20000, ""),
    ("P3 router 1k RadixIPLookup", "p3_router_1k_radixiplookup.click", [], 19.4, 2000, ""),
    ("P3 router 1k DirectIPLookup", "p3_router_1k_directiplookup.click", [], 21.4, 2000, ""),
    ("P3 router 100k RadixIPLookup", "p3_router_100k_radixiplookup.click", [], 14.7, 500,
     "configs/p3_router_100k_radixiplookup.click"),
    ("P3 router 100k DirectIPLookup", "p3_router_100k_directiplookup.click", [], 20.3, 500,
     "configs/p3_router_100k_directiplookup.click"),
    ("P4 IPFilter 100 rules", "p4_ipfilter.click", [], 8.7, 1000, ""),
    ("P4 IPClassifier 100 patterns", "p4_ipclassifier.click", [], 4.8, 500, ""),
    ("P6 NAT 1k flows", "p6_nat_1k.click", [], 9.7, 1000, ""),
    ("P6 NAT 100k flows", "p6_nat_100k.click", [], 1.8, 10, "flows_100k.pcap"),
    ("P6 NAT 1M flows", "p6_nat_1m.click", [], 0.88, 2, "flows_1m.pcap"),
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
    ap.add_argument("--stop", type=int, default=0, help="STOP S for every case (0: per case)")
    ap.add_argument("--gen", default="", help="directory made by the anchors' tools/gen_traces.py "
                    "and gen_configs.py: enables the 100k-route and 100k/1M-flow cases")
    ap.add_argument("--cpu", type=int, default=1)
    ap.add_argument("--only", default="")
    a = ap.parse_args()
    cfgdir = os.path.join(a.anchors, "configs")
    if not os.path.isdir(cfgdir):
        print(f"anchors not found at {a.anchors}", file=sys.stderr)
        return 77
    a.gen = os.path.abspath(a.gen) if a.gen else ""
    a.weir = os.path.abspath(a.weir)
    os.chdir(a.anchors)
    cpu = a.cpu if a.cpu < os.cpu_count() else None
    print(f"| pipeline | configuration | weir Mpps | ns/pkt | peak RSS | FastClick A | ratio |")
    print(f"|---|---|---|---|---|---|---|")
    weir = os.path.abspath(a.weir)
    for name, cfg, extra, fc, stop, gen in CASES:
        if a.only and a.only not in name:
            continue
        path = os.path.join("configs", cfg)
        if gen:
            g = os.path.join(a.gen, gen) if a.gen else ""
            if not g or not os.path.exists(g):
                print(f"| {name} | {cfg} | (needs --gen with {gen}) | | | {fc} | |", flush=True)
                continue
            if g.endswith(".click"):
                path = g
            else:
                extra = extra + [f"TRACE={g}"]
        try:
            mpps, rss = measure(weir, path, extra, a.stop or stop, cpu, a.runs)
        except RuntimeError as e:
            print(f"| {name} | {cfg} | failed: {str(e)[:200]} | | | {fc} | |", flush=True)
            continue
        print(f"| {name} | {cfg} {' '.join(extra)} | {mpps:.1f} | {1000 / mpps:.2f} | "
              f"{rss / 1024:.0f} MB | {fc} | {mpps / fc:.2f}x |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
