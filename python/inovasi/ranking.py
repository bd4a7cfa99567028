"""`inovasi rank`: score many regions with the batch engine and rank them by type.

With no file it scores the bundled national dataset (regenerated from its seed and verified by
checksum on first use; see docs/synth.md).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from typing import Optional, Sequence

# batch (and with it numpy) is imported when a ranking runs, not when the CLI registers this
# subcommand: `inovasi score` and `inovasi editions` do not need it. The ranking itself needs
# numpy only; pandas is imported for ranked_frame() and --csv.

TYPE_TITLES = {"province": "Provinsi", "kabupaten": "Kabupaten", "kota": "Kota"}
TYPES = ("province", "kabupaten", "kota")  # values of the `types` column


def ranked_table(files: Sequence[str], edition: Optional[str] = None, policy: str = "self_assessed",
                 threads: int = 1) -> dict:
    """The ranking as numpy arrays, one entry per region: ``code``, ``name``, ``province``
    (lists), ``type`` (index into TYPES), ``iid_h``, ``category`` (index into ``categories``),
    ``rank`` (0: not ranked), plus ``edition``, ``categories`` and, for ranked_frame and
    --csv, the ``columns`` and the batch ``result`` they came from."""
    from . import batch

    if not files:
        from . import synth
        files = [str(synth.national_dataset())]
    cols = batch.columns(list(files), edition=edition, policy=policy, threads=threads)
    result = batch.score_columns(cols, threads=threads)
    labels = batch.category_labels(cols["edition"])
    batch.check_unique_codes(cols["codes"])
    types = cols["types"]
    eligible = result["category"] != len(labels) - 1
    return {
        "edition": cols["edition"].name,
        "categories": labels,
        "code": cols["codes"],
        "name": cols["names"],
        "province": cols["provinces"],
        "type": types,
        "iid_h": result["iid_h"],
        "category": result["category"],
        "rank": batch.competition_ranks(result["iid_h"], types, eligible),
        "columns": cols,
        "result": result,
    }


def frame_of(table: dict):
    """ranked_table() as a DataFrame (pandas), one row per region with ``rank`` and ``ranked``."""
    from . import batch

    df = batch.frame(table["columns"], table["result"])
    out = batch.rank(df, lowest_category=table["categories"][-1])
    out.attrs["edition"] = table["edition"]
    out.attrs["categories"] = table["categories"]
    return out


def ranked_frame(files: Sequence[str], edition: Optional[str] = None, policy: str = "self_assessed",
                 threads: int = 1):
    """One row per region with ``rank`` within its type (methodology §7), as a DataFrame."""
    return frame_of(ranked_table(files, edition, policy, threads))


def render(table: dict, top: int, policy: str) -> str:
    import numpy as np

    buf = io.StringIO()
    w = buf.write
    labels = table["categories"]
    lowest = len(labels) - 1
    category = np.asarray(table["category"])
    types = np.asarray(table["type"])
    iid = np.asarray(table["iid_h"]) / 100
    rank = np.asarray(table["rank"])
    codes, names, provinces = table["code"], table["name"], table["province"]
    reporting = category != lowest
    mean = iid[reporting].mean() if reporting.any() else float("nan")
    w(f"{len(codes)} regions scored under {table['edition']} ({policy}); "
      f"{int(reporting.sum())} ranked, national mean IID {mean:.2f}\n")
    for t, name in enumerate(TYPES):
        part = np.flatnonzero(types == t)
        if part.size == 0:
            continue
        ranked = sorted((int(rank[i]), codes[i], i) for i in part if rank[i] > 0)
        w(f"\n{TYPE_TITLES[name]}: top {min(top, len(ranked))} of {len(ranked)} ranked\n")
        w(f"{'rank':>5}  {'code':<9}{'name':<34}{'province':<24}{'IID':>7}  category\n")
        for r, code, i in ranked[:top]:
            w(f"{r:>5}  {code:<9}{str(names[i])[:33]:<34}{str(provinces[i])[:23]:<24}{iid[i]:>7.2f}  "
              f"{labels[category[i]]}\n")
    w("\nCategories\n")
    for c, label in enumerate(labels):
        n = int((category == c).sum())
        by_type = ", ".join(f"{TYPE_TITLES[name].lower()} {int(((types == t) & (category == c)).sum())}"
                            for t, name in enumerate(TYPES))
        w(f"  {label:<22}{n:>5}   ({by_type})\n")
    return buf.getvalue()


def add_parser(sub) -> None:
    p = sub.add_parser("rank", help="score many regions (batch engine) and rank them by type",
                       description=__doc__.split("\n\n")[0])
    p.add_argument("files", nargs="*", metavar="FILE",
                   help="JSON Lines or JSON files (default: the bundled national dataset)")
    p.add_argument("--edition", help="score every record under this edition (name or path)")
    p.add_argument("--policy", default="self_assessed",
                   choices=["self_assessed", "supported", "strict", "assessor"])
    p.add_argument("--top", type=int, default=10, help="regions shown per type (default 10)")
    p.add_argument("--threads", type=int, default=0,
                   help="threads for reading and scoring (default: every core; the result does not depend on it)")
    p.add_argument("--csv", metavar="PATH", help="also write the full ranking as CSV (atomically)")
    p.set_defaults(func=run)


def run(args) -> int:
    from . import _files

    t0 = time.perf_counter()
    try:
        table = ranked_table(args.files, args.edition, args.policy, args.threads)
    except OSError as exc:
        print(f"inovasi: {exc.filename}: cannot read ({exc.strerror})", file=sys.stderr)
        return 2
    if args.csv:
        with _files.replaced_atomically(args.csv) as tmp:
            frame_of(table).to_csv(tmp, index=False)
    sys.stdout.write(render(table, args.top, args.policy))
    sys.stdout.write(f"\n({time.perf_counter() - t0:.2f} s)\n")
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="inovasi")
    add_parser(ap.add_subparsers(dest="command", required=True))
    args = ap.parse_args(argv)
    return args.func(args)
