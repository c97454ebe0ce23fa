#!/usr/bin/python3
"""Thread scaling: P2 and the P3 router pipeline on 1 and 2 worker threads with RSS-sharded traffic.

The anchor configurations are used with one change: their ReplayUnqueue gets
N_QUEUES $Q, which deals the preloaded trace out by flow (a symmetric 5-tuple
hash, like NIC RSS) to Q replay tasks on Q threads. Each is run with
`weir -j Q` for Q = 1 and 2 at STOP=S and STOP=2S; the rate is the difference
in packets over the difference in wall time (median of --runs), as in
anchors.py. Speed-up = rate(2 threads) / rate(1 thread), same run.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

CASES = [
    # name, anchor config, STOP for one sample
    ("P2 5 x Counter", "p2_chain.click", 20000),
    ("P2 5 x Counter NO_RATE", "p2_chain_norate.click", 20000),
    ("P3 router 1k RadixIPLookup", "p3_router_1k_radixiplookup.click", 5000),
    ("P3 router 1k DirectIPLookup", "p3_router_1k_directiplookup.click", 5000),
]


def sharded(text):
    """The configuration with N_QUEUES $Q on its ReplayUnqueue."""
    text, n = re.subn(r"ReplayUnqueue\(", "ReplayUnqueue(N_QUEUES $Q, ", text, count=1)
    if n != 1:
        raise ValueError("no ReplayUnqueue in the configuration")
    return re.sub(r"define\(", "define($Q 1, ", text, count=1)


def run_once(weir, cfg, q, stop, cpus):
    cmd = [weir, "-j", str(q), "--cpus", cpus, cfg, f"STOP={stop}", f"Q={q}"]
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True)
    t = time.perf_counter() - t0
    m = re.search(r"RESULT count (\d+)", p.stdout)
    if p.returncode != 0 or not m:
        raise RuntimeError(f"{' '.join(cmd)} failed: {p.stderr.strip()[:400]}")
    return int(m.group(1)), t


def measure(weir, cfg, q, stop, cpus, runs):
    rates = []
    for _ in range(runs):
        n1, t1 = run_once(weir, cfg, q, stop, cpus)
        n2, t2 = run_once(weir, cfg, q, 2 * stop, cpus)
        rates.append((n2 - n1) / (t2 - t1) / 1e6)
    return statistics.median(rates)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--weir", required=True)
    ap.add_argument("--anchors", default=os.path.join(os.path.dirname(__file__), "../../shared/anchors"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--cpus", default="0-1", help="CPUs for the threads (thread i on the i-th)")
    ap.add_argument("--only", default="")
    a = ap.parse_args()
    weir = os.path.abspath(a.weir)
    os.chdir(a.anchors)
    print(f"{'pipeline':32} {'1 thread':>10} {'2 threads':>10} {'speed-up':>9}")
    for name, cfg, stop in CASES:
        if a.only and a.only not in name:
            continue
        with open(os.path.join("configs", cfg)) as f:
            text = sharded(f.read())
        with tempfile.NamedTemporaryFile("w", suffix=".click", dir=".", delete=False) as tf:
            tf.write(text)
        try:
            r1 = measure(weir, tf.name, 1, stop, a.cpus.split(",")[-1].split("-")[-1], a.runs)
            r2 = measure(weir, tf.name, 2, stop, a.cpus, a.runs)
        except RuntimeError as e:
            print(f"{name:32} failed: {e}")
            continue
        finally:
            os.unlink(tf.name)
        print(f"{name:32} {r1:8.1f} Mpps {r2:8.1f} Mpps {r2 / r1:8.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
