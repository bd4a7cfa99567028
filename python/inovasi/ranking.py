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

# batch (and with it numpy and pandas) is imported when a ranking runs, not when the CLI
# registers this subcommand: `inovasi score` and `inovasi editions` do not need them.

from ._text import hundredths_text

TYPE_TITLES = {"province": "Provinsi", "kabupaten": "Kabupaten", "kota": "Kota"}


def ranked_frame(files: Sequence[str], edition: Optional[str] = None, policy: str = "self_assessed",
                 threads: int = 1):
    """One row per region with ``rank`` within its type (methodology §7)."""
    from . import batch

    if not files:
        from . import synth
        files = [str(synth.national_dataset())]
    cols = batch.columns(list(files), edition=edition, policy=policy)
    df = batch.frame(cols, batch.score_columns(cols, threads=threads))
    labels = batch.category_labels(cols["edition"])
    out = batch.rank(df, lowest_category=labels[-1])
    out.attrs["edition"] = cols["edition"].name
    out.attrs["categories"] = labels
    return out


def render(df, top: int, policy: str) -> str:
    buf = io.StringIO()
    w = buf.write
    labels = df.attrs["categories"]
    reporting = df[df["category"] != labels[-1]]
    w(f"{len(df)} regions scored under {df.attrs['edition']} ({policy}); "
      f"{len(reporting)} ranked, national mean IID {reporting['iid'].mean():.2f}\n")
    for t in ("province", "kabupaten", "kota"):
        part = df[df["type"] == t]
        if part.empty:
            continue
        ranked = part.dropna(subset=["rank"]).sort_values(["rank", "code"])
        w(f"\n{TYPE_TITLES[t]}: top {min(top, len(ranked))} of {len(ranked)} ranked\n")
        w(f"{'rank':>5}  {'code':<9}{'name':<34}{'province':<24}{'IID':>7}  category\n")
        for r in ranked.head(top).itertuples():
            w(f"{int(r.rank):>5}  {r.code:<9}{str(r.name)[:33]:<34}{str(r.province)[:23]:<24}{hundredths_text(r.iid_h):>7}  {r.category}\n")
    w("\nCategories\n")
    counts = df["category"].value_counts()
    for label in labels:
        n = int(counts.get(label, 0))
        by_type = ", ".join(f"{TYPE_TITLES[t].lower()} {int(((df['type'] == t) & (df['category'] == label)).sum())}"
                            for t in ("province", "kabupaten", "kota"))
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
    p.add_argument("--threads", type=int, default=0, help="scoring threads (default: every core)")
    p.add_argument("--csv", metavar="PATH", help="also write the full ranking as CSV (atomically)")
    p.set_defaults(func=run)


def run(args) -> int:
    from . import _files

    t0 = time.perf_counter()
    try:
        df = ranked_frame(args.files, args.edition, args.policy, args.threads)
    except OSError as exc:
        print(f"inovasi: {exc.filename}: cannot read ({exc.strerror})", file=sys.stderr)
        return 2
    if args.csv:
        with _files.replaced_atomically(args.csv) as tmp:
            df.to_csv(tmp, index=False)
    sys.stdout.write(render(df, args.top, args.policy))
    sys.stdout.write(f"\n({time.perf_counter() - t0:.2f} s)\n")
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="inovasi")
    add_parser(ap.add_subparsers(dest="command", required=True))
    args = ap.parse_args(argv)
    return args.func(args)
