"""Dask's overhead against one machine: score a synthetic Parquet v2 data set locally
(inovasi.batch.load_parquet + score_columns) and on a dask.distributed LocalCluster of 2 worker
processes (inovasi.dask.score_parquet), same blocks of regions, and check the scores agree.

    INNOVATIONS=10000000 python3 benchmarks/dask_overhead.py      # the issue's 10M case
"""

import os
import tempfile
import time

import numpy as np


def main() -> int:
    import distributed

    import inovasi.batch as batch
    import inovasi.dask as idk
    import inovasi.synth as synth

    n = int(os.environ.get("INNOVATIONS", "10000000"))
    workers = int(os.environ.get("WORKERS", "2"))
    with tempfile.TemporaryDirectory(dir=os.environ.get("TMPDIR")) as tmp:
        path = os.path.join(tmp, "pq")
        t0 = time.perf_counter()
        synth.write_parquet(path, seed=2024, innovations=n)
        print(f"generated {n} innovations as Parquet v2 in {time.perf_counter() - t0:.1f} s "
              f"({sum(os.path.getsize(os.path.join(path, f)) for f in os.listdir(path)) / 2**20:.0f} MiB)")
        t0 = time.perf_counter()
        cols = batch.load_parquet(path)
        t_load = time.perf_counter() - t0
        t0 = time.perf_counter()
        res = batch.score_columns(cols, threads=workers)
        t_score = time.perf_counter() - t0
        del cols
        with distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                      dashboard_address=None, silence_logs=40) as cluster, \
                distributed.Client(cluster):
            t0 = time.perf_counter()
            df = idk.score_parquet(path, blocks=4 * workers).compute()
            t_dask = time.perf_counter() - t0
        same = np.array_equal(df["iid_h"].to_numpy(), res["iid_h"])
        local = t_load + t_score
        print(f"machine: {os.cpu_count()} cores; {workers} Dask workers; {len(df)} regions")
        print(f"local: load {t_load:.2f} s + score {t_score:.2f} s = {local:.2f} s")
        print(f"dask:  {t_dask:.2f} s ({t_dask / local:.2f}x local); scores equal: {same}")
        return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
