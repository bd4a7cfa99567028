#!/usr/bin/env python3
"""The batch engine against its streaming-read bound, on 1 and 2 threads.

Runs the Google Benchmark binary with its six cases per size interleaved at random
(BM_Batch, BM_ReadBound and BM_ReadBoundPooled, 1 and 2 threads), then prints, per size:

  - the median time of each case;
  - the engine's share of the read bound on one thread (bound time / engine time);
  - how two threads scale, for the engine and for the bound, and the ratio of those scalings.
    The read bound starts and joins its second thread on every call, as a plain std::thread
    implementation does; the engine keeps a worker pool. The pooled bound runs the same read
    on that pool, so neither side pays thread start-up: its ratio is printed too.

The VM this project is measured on is shared and noisy, so the ratios are also taken within each
round of the interleaving (the four cases of round i ran close together in time) and the median
over rounds is printed beside the ratio of medians. Figures are printed, never asserted.

Usage: python3 benchmarks/scaling.py [--binary PATH] [--rounds N] [--sizes 1000000,10000000]
(the binary defaults to the `default` preset's build/default/benchmarks/inovasi_benchmarks)
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(binary: Path, sizes: list[int], rounds: int) -> dict:
    pattern = "BM_(Batch|ReadBound|ReadBoundPooled)/(" + "|".join(str(n) for n in sizes) + ")/[12]/"
    cmd = [
        str(binary),
        f"--benchmark_filter={pattern}",
        f"--benchmark_repetitions={rounds}",
        "--benchmark_enable_random_interleaving=true",
        "--benchmark_format=json",
    ]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", type=Path, default=ROOT / "build/default/benchmarks/inovasi_benchmarks")
    ap.add_argument("--rounds", type=int, default=16)
    ap.add_argument("--sizes", default="1000000,10000000")
    args = ap.parse_args()
    if not args.binary.exists():
        sys.exit(
            f"{args.binary} not found: build it with\n"
            "  cmake --preset default && cmake --build --preset default -j"
        )
    sizes = [int(s) for s in args.sizes.split(",")]
    data = run(args.binary, sizes, args.rounds)

    # times[(kind, size, threads)] = per-round real times (ms), in round order
    times: dict[tuple[str, int, int], list[float]] = defaultdict(list)
    for b in data["benchmarks"]:
        if b.get("run_type") != "iteration":
            continue
        kind, size, threads = b["run_name"].split("/")[:3]
        times[(kind, int(size), int(threads))].append(b["real_time"])

    print(f"{os.cpu_count()} cores, {args.rounds} interleaved rounds; times are medians (ms)")
    med = statistics.median
    for n in sizes:
        e1, e2 = times[("BM_Batch", n, 1)], times[("BM_Batch", n, 2)]
        se = med(e1) / med(e2)
        print(f"\n{n:,} innovations")
        print(f"  engine       1 thread {med(e1):7.2f}   2 threads {med(e2):7.2f}   scaling {se:4.2f}x")
        for kind, label in (("BM_ReadBound", "read bound"), ("BM_ReadBoundPooled", "pooled bound")):
            b1, b2 = times[(kind, n, 1)], times[(kind, n, 2)]
            sb = med(b1) / med(b2)
            per_round = [(x1 / x2) / (y1 / y2) for x1, x2, y1, y2 in zip(e1, e2, b1, b2)]
            share_round = [y / x for x, y in zip(e1, b1)]
            print(f"  {label:<13}1 thread {med(b1):7.2f}   2 threads {med(b2):7.2f}   scaling {sb:4.2f}x")
            print(f"    engine / {label}, 1 thread: {med(b1) / med(e1):5.1%} (per round: median "
                  f"{med(share_round):5.1%}, range {min(share_round):5.1%}-{max(share_round):5.1%})  target >= 50%")
            print(f"    scaling ratio (engine / {label}): {se / sb:4.2f} (per round: median {med(per_round):4.2f}, "
                  f"range {min(per_round):4.2f}-{max(per_round):4.2f})  target >= 0.90")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
