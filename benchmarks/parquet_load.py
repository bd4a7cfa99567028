"""Parquet v2 load figures: `inovasi.batch.load_parquet` of the national dataset (552 regions,
~33k innovations, written by `inovasi.synth.write_parquet`) beside pyarrow alone reading the
same two files (`pyarrow.parquet.read_table`, no conversion), and beside reading the national
JSON Lines into the same policy columns (`batch.columns(..., evidence=True)`), in one run.

    PYTHONPATH=python python3 benchmarks/parquet_load.py [--repeat 7] [--innovations N]

Set-up (generating the files) is not timed. Figures are best-of-repeat wall times (the machine
is shared; the best run is the least disturbed) with the median beside, and MB/s over the
files' bytes on disk.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time


def timed(fn, repeat):
    walls = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        walls.append(time.perf_counter() - t0)
    return min(walls), statistics.median(walls)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--innovations", type=int, default=None, help="counted innovations (default: the national 31,719)")
    args = ap.parse_args()

    import numpy as np
    import pyarrow.parquet as pq

    from inovasi import batch, synth

    with tempfile.TemporaryDirectory() as d:
        pqdir = synth.write_parquet(os.path.join(d, "national-parquet"), innovations=args.innovations)
        jsonl = synth.write_jsonl(os.path.join(d, "national.jsonl"), innovations=args.innovations)
        files = [pqdir / "regions.parquet", pqdir / "innovations.parquet"]
        size = sum(f.stat().st_size for f in files)
        jsize = jsonl.stat().st_size
        cols = batch.load_parquet(pqdir)
        R, N = len(cols["codes"]), int(cols["region_offsets"][-1])
        # the loader is checked, not only timed: its columns score as the JSON Lines' do
        ref = batch.columns(jsonl, evidence=True, threads=2)
        for policy in batch.POLICIES:
            assert np.array_equal(batch.score_columns(cols, policy=policy)["iid_h"],
                                  batch.score_columns(ref, policy=policy)["iid_h"]), policy

        arrow = timed(lambda: [pq.read_table(f) for f in files], args.repeat)
        load = timed(lambda: batch.load_parquet(pqdir), args.repeat)
        j1 = timed(lambda: batch.columns(jsonl, evidence=True, threads=1), max(1, args.repeat // 2))
        j2 = timed(lambda: batch.columns(jsonl, evidence=True, threads=2), max(1, args.repeat // 2))
        lean = timed(lambda: batch.columns(jsonl, threads=2), max(1, args.repeat // 2))

    mb = size / 1e6
    print(f"{R} regions, {N} innovations; Parquet v2 {mb:.1f} MB on disk, JSON Lines {jsize / 1e6:.1f} MB "
          f"({os.cpu_count()} hardware threads)")
    print(f"  pyarrow read_table alone      {arrow[0] * 1e3:8.1f} ms (median {arrow[1] * 1e3:.1f})  {mb / arrow[0]:7.1f} MB/s")
    print(f"  batch.load_parquet (checked)  {load[0] * 1e3:8.1f} ms (median {load[1] * 1e3:.1f})  {mb / load[0]:7.1f} MB/s"
          f"  = {load[0] / arrow[0]:.2f}x pyarrow alone")
    print(f"  JSON Lines -> policy columns  {j1[0] * 1e3:8.1f} ms on 1 thread, {j2[0] * 1e3:.1f} ms on 2 "
          f"({jsize / 1e6 / j1[0]:.0f} / {jsize / 1e6 / j2[0]:.0f} MB/s)")
    print(f"  JSON Lines -> lean columns    {lean[0] * 1e3:8.1f} ms on 2 threads (self-assessed, no evidence columns)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
