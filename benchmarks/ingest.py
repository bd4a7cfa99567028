"""Fast ingest figures: JSON Lines -> columns (batch.columns, every record validated) beside
Boost.JSON's DOM parser merely parsing the same bytes, on 1 and 2 threads, in the same run; then
`inovasi rank` of the national dataset, wall time and its parts.

    PYTHONPATH=python python3 benchmarks/ingest.py [--repeat 5] [FILE]

FILE defaults to the bundled national dataset (generated on first use: that set-up is not
timed). Figures are best-of-repeat wall times (the machine is shared; the best run is the one
least disturbed). CPU seconds of the process are printed beside them.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time


def best(fn, repeat):
    walls, cpus, out = [], [], None
    for _ in range(repeat):
        c0, t0 = time.process_time(), time.perf_counter()
        out = fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    i = walls.index(min(walls))
    return walls[i], cpus[i], out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("file", nargs="?")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()

    from inovasi import _core, synth
    import inovasi.batch as batch

    path = args.file or str(synth.national_dataset())
    data = open(path, "rb").read()
    mb = len(data) / 1e6
    print(f"{path}: {mb:.1f} MB, nproc {os.cpu_count()}")
    print(f"{'threads':>7}  {'parse-only MB/s':>15}  {'columns MB/s':>12}  {'ratio':>5}   (wall; CPU s parse/columns)")
    for threads in (1, 2):
        pw, pc, _ = best(lambda: _core.parse_only_baseline(data, threads), args.repeat)
        cw, cc, _ = best(lambda: _core.columns_from_text(data, None, "self_assessed", path, threads), args.repeat)
        print(f"{threads:>7}  {mb / pw:>15.1f}  {mb / cw:>12.1f}  {pw / cw:>5.2f}   ({pc:.2f} / {cc:.2f})")

    # inovasi rank: its parts in this process, then the whole command.
    from inovasi import ranking
    files = [path]
    cw, _, cols = best(lambda: batch.columns(files, threads=0), args.repeat)
    sw, _, result = best(lambda: batch.score_columns(cols, threads=0), args.repeat)

    def rank_and_render():
        labels = batch.category_labels(cols["edition"])
        eligible = result["category"] != len(labels) - 1
        table = {"edition": cols["edition"].name, "categories": labels, "code": cols["codes"],
                 "name": cols["names"], "province": cols["provinces"], "type": cols["types"],
                 "iid_h": result["iid_h"], "category": result["category"],
                 "rank": batch.competition_ranks(result["iid_h"], cols["types"], eligible)}
        return ranking.render(table, 10, "self_assessed")

    rw, _, _ = best(rank_and_render, args.repeat)
    env = dict(os.environ)
    cmd = [sys.executable, "-m", "inovasi", "rank"] + ([path] if args.file else [])
    ww, _, _ = best(lambda: subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, check=True), args.repeat)
    print(f"inovasi rank: {ww:.2f} s wall (the command); in process: ingest {cw:.3f} s + score {sw * 1e3:.1f} ms"
          f" + rank and table {rw * 1e3:.1f} ms = {cw + sw + rw:.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
