#!/usr/bin/env python3
"""inovasi's batch engine beside a numpy and a pandas implementation of the same scoring.

One process, the same arrays: levels-only (self-assessed) scoring of synthetic regions under
iid-2023 (or --edition) — SPD points, Σ innovation points of submitted innovations, n (submitted + rejected),
divisor max(d_min, n), count points, IID rounded half up once, exactly, in integer hundredths.
All three results are checked to agree region by region before any figure is printed.

    python3 benchmarks/compare_peers.py                      # 1M innovations, 20,000 regions
    python3 benchmarks/compare_peers.py --innovations 10000000 --skip-pandas

The numpy peer is the careful one: integer einsum for the per-innovation points, then
np.add.reduceat over the region offsets. Two pandas peers: "pandas wide" keeps our layout (one
row per innovation, a column per indicator: a vectorised weighted sum, then a groupby by region),
"pandas groupby" works on the tidy one-row-per-answer table a spreadsheet export gives (weights
mapped per answer, groupby by region) — the usual hand-rebuilt formula. Timings are the
best of --repeat runs (wall clock, one core for inovasi unless --threads).
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

import inovasi
import inovasi.batch as batch
import inovasi.synth as synth


def edition_constants(name: str) -> dict:
    """The numbers of the formula, read from the edition (never restated here)."""
    ed = inovasi.edition(name)

    def h(text) -> int:  # "1.5" -> 150 hundredths, exactly
        units, _, frac = str(text).partition(".")
        return int(units) * 100 + int((frac + "00")[:2])

    gov = np.array([h(r["weight"]) for r in ed.rows if not r["per_innovation"]], dtype=np.int64)
    inv = np.array([h(r["weight"]) for r in ed.rows if r["per_innovation"]], dtype=np.int64)
    count = ed.count_points
    return {"gov_w": gov, "inv_w": inv, "d_min": ed.divisor_minimum, "rate_h": h(count["rate"]),
            "cap": int(count["cap"]), "max_total_h": h(ed.max_total), "gate": count.get("gate"),
            "rounding": ed.rounding}


def numpy_peer(k: dict, gov: np.ndarray, inv: np.ndarray, offsets: np.ndarray, status: np.ndarray,
               affairs: np.ndarray | None = None) -> np.ndarray:
    scale = int(np.gcd.reduce(k["inv_w"]))
    w = (k["inv_w"] // scale).astype(np.int32)
    pts = np.einsum("ij,j->i", inv, w, dtype=np.int32)          # points ÷ scale per innovation
    pts = np.where(status == 1, pts, 0).astype(np.int64)
    counted = (status != 0).astype(np.int64)
    starts = offsets[:-1]
    nonempty = offsets[1:] > starts
    inv_sum = np.zeros(len(starts), dtype=np.int64)
    n = np.zeros(len(starts), dtype=np.int64)
    if nonempty.any():
        idx = starts[nonempty]
        inv_sum[nonempty] = np.add.reduceat(pts, idx) * scale
        n[nonempty] = np.add.reduceat(counted, idx)
    gov_h = np.einsum("ij,j->i", gov, k["gov_w"].astype(np.int32), dtype=np.int64)
    d = np.maximum(k["d_min"], n)
    count_h = k["rate_h"] * np.minimum(n, k["cap"])
    gate = k["gate"]
    if gate:
        # Affairs covered by the innovations the gate reads: OR of their bitmasks per region, popcount.
        reads = status != 0 if gate.get("counted", "counted") == "counted" else status == 1
        bits = np.where(reads, affairs, 0).astype(np.uint64)
        covered = np.zeros(len(starts), dtype=np.uint64)
        if nonempty.any():
            covered[nonempty] = np.bitwise_or.reduceat(bits, starts[nonempty])
        popcount = np.zeros(len(starts), dtype=np.int64)
        for b in range(len(gate["affairs"])):
            popcount += ((covered >> np.uint64(b)) & np.uint64(1)).astype(np.int64)
        count_h = np.where(popcount >= int(gate["min_covered"]), count_h, 0)
    num = (d * (gov_h + count_h) + inv_sum) * 10000
    den = d * k["max_total_h"]
    return (2 * num + den) // (2 * den)                          # half up, exact


def pandas_peer(k: dict, gov: np.ndarray, inv: np.ndarray, offsets: np.ndarray, status: np.ndarray) -> np.ndarray:
    import pandas as pd

    regions = len(offsets) - 1
    region = np.repeat(np.arange(regions), np.diff(offsets))
    df = pd.DataFrame(inv, copy=False)
    df["points"] = df.mul(k["inv_w"], axis=1).sum(axis=1).where(status == 1, 0)
    df["counted"] = status != 0
    df["region"] = region
    g = df.groupby("region").agg(inv_sum=("points", "sum"), n=("counted", "sum")).reindex(range(regions), fill_value=0)
    gov_h = pd.DataFrame(gov).mul(k["gov_w"], axis=1).sum(axis=1)
    d = np.maximum(k["d_min"], g["n"].to_numpy())
    num = (d * (gov_h.to_numpy() + k["rate_h"] * np.minimum(g["n"].to_numpy(), k["cap"])) + g["inv_sum"].to_numpy()) * 10000
    den = d * k["max_total_h"]
    return (2 * num + den) // (2 * den)


def long_format(gov: np.ndarray, inv: np.ndarray, offsets: np.ndarray, status: np.ndarray):
    """The tidy layout of a spreadsheet export: one row per answer (region, innovation,
    indicator, level). Built once, outside the timing: it is the peer's input, as the arrays are ours."""
    import pandas as pd

    n, k = inv.shape
    region = np.repeat(np.arange(len(offsets) - 1), np.diff(offsets))
    return pd.DataFrame({"region": np.repeat(region, k), "innovation": np.repeat(np.arange(n), k),
                         "status": np.repeat(status, k), "indicator": np.tile(np.arange(k), n),
                         "level": inv.ravel()})


def pandas_long_peer(k: dict, gov: np.ndarray, long, offsets: np.ndarray) -> np.ndarray:
    import pandas as pd

    regions = len(offsets) - 1
    points = long["level"].to_numpy(np.int64) * k["inv_w"][long["indicator"].to_numpy()]
    df = long.assign(points=np.where(long["status"].to_numpy() == 1, points, 0))
    per_region = df.groupby("region").agg(inv_sum=("points", "sum")).reindex(range(regions), fill_value=0)
    first = df[df["indicator"] == 0]  # one row per innovation
    n = ((first["status"] != 0).groupby(first["region"]).sum()
         .reindex(range(regions), fill_value=0).to_numpy(np.int64))
    gov_h = pd.DataFrame(gov).mul(k["gov_w"], axis=1).sum(axis=1).to_numpy()
    d = np.maximum(k["d_min"], n)
    num = (d * (gov_h + k["rate_h"] * np.minimum(n, k["cap"])) + per_region["inv_sum"].to_numpy()) * 10000
    den = d * k["max_total_h"]
    return (2 * num + den) // (2 * den)


def best_of(fn, repeat: int):
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--innovations", type=int, default=1_000_000)
    ap.add_argument("--regions", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--skip-pandas", action="store_true")
    ap.add_argument("--edition", default="iid-2023",
                    help="a shipped edition; the numpy peer also implements a count gate (pandas peers: none)")
    args = ap.parse_args(argv)

    edition = args.edition
    k = edition_constants(edition)
    if k["rounding"] != "half_up":
        sys.exit("the peers round half up")
    if k["gate"] and not args.skip_pandas:
        print("the pandas peers implement no count gate: skipped for " + edition)
        args.skip_pandas = True
    t = time.perf_counter()
    cols = synth.generate(seed=args.seed, innovations=args.innovations, regions=args.regions, edition=edition)
    gen_s = time.perf_counter() - t
    gov, inv, off, st = cols["government_levels"], cols["innovation_levels"], cols["region_offsets"], cols["status"]
    aff = cols["affairs"] if k["gate"] else None
    n_inv = inv.shape[0]
    print(f"data: {n_inv:,} innovations over {len(off) - 1:,} regions ({inv.nbytes / 1e6:.0f} MB of levels), "
          f"generated in {gen_s:.2f} s; machine: {os.cpu_count()} cores")

    t_ino, r_ino = best_of(lambda: batch.score_arrays(edition, gov, inv, off, st, aff, threads=args.threads)["iid_h"],
                           args.repeat)
    t_np, r_np = best_of(lambda: numpy_peer(k, gov, inv, off, st, aff), args.repeat)
    results = {"inovasi": (t_ino, r_ino), "numpy": (t_np, r_np)}
    if not args.skip_pandas:
        results["pandas wide"] = best_of(lambda: pandas_peer(k, gov, inv, off, st), max(1, min(3, args.repeat)))
        long = long_format(gov, inv, off, st)
        results["pandas groupby"] = best_of(lambda: pandas_long_peer(k, gov, long, off), 1)
        del long

    for name, (_, r) in results.items():
        if not np.array_equal(np.asarray(r, dtype=np.int64), r_ino):
            bad = int(np.flatnonzero(np.asarray(r, dtype=np.int64) != r_ino)[0])
            print(f"DISAGREEMENT: {name} gives {r[bad]} at region {bad}, inovasi {r_ino[bad]}", file=sys.stderr)
            return 1
    print(f"all {len(results)} implementations agree on every region's IID (hundredths)")
    print(f"{'implementation':<16}{'seconds':>10}{'innovations/s':>18}{'inovasi is':>16}")
    for name, (sec, _) in results.items():
        ratio = "" if name == "inovasi" else f"{sec / t_ino:,.1f}x faster"
        print(f"{name:<16}{sec:>10.4f}{n_inv / sec:>18,.0f}{ratio:>16}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
