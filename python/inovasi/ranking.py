"""`inovasi rank`: score many regions with the batch engine and rank them by type.

With no file it scores the bundled national dataset (regenerated from its seed and verified by
checksum on first use; see docs/synth.md).
"""

from __future__ import annotations

import argparse
import io
import time
from typing import Optional, Sequence

# batch (and with it numpy and pandas) is imported when a ranking runs, not when the CLI
# registers this subcommand: `inovasi score` and `inovasi editions` do not need them.

from ._text import hundredths_text, printable

TYPE_TITLES = {"province": "Provinsi", "kabupaten": "Kabupaten", "kota": "Kota"}


def ranked_frame(files: Sequence[str], edition: Optional[str] = None, policy: str = "self_assessed",
                 threads: int = 1):
    """One row per region with ``rank`` within its type (methodology §7)."""
    from . import batch

    if not files:
        from . import synth
        files = [str(synth.national_dataset())]
    cols = batch.columns(list(files), edition=edition, policy=policy)
    _refuse_duplicates(cols)
    df = batch.frame(cols, batch.score_columns(cols, threads=threads))
    labels = batch.category_labels(cols["edition"])
    out = batch.rank(df, lowest_category=labels[-1])
    out.attrs["edition"] = cols["edition"].name
    out.attrs["categories"] = labels
    return out


def _refuse_duplicates(cols) -> None:
    """A ranking needs each region once: the first code seen twice is an InputError naming the
    file and line of every record that has it (at most ten)."""
    from ._api import _input_error

    codes = cols["codes"]
    seen: dict[str, int] = {}
    for i, code in enumerate(codes):
        first = seen.setdefault(code, i)
        if first == i:
            continue
        where = [batch_place(cols, j) for j, c in enumerate(codes) if c == code][:10]
        raise _input_error(None, f"region {printable(repr(code))} appears more than once "
                           f"({', '.join(where)}): a ranking needs each region once")


def batch_place(cols, i: int) -> str:
    """FILE:LINE of region i's record (batch.columns keeps both)."""
    files, file_of, lines = cols.get("files"), cols.get("file_of"), cols.get("lines")
    if files is None or lines is None:
        return f"region #{i + 1}"
    return f"{printable(files[int(file_of[i])])}:{int(lines[i])}"


def render(df, top: int, policy: str) -> str:
    buf = io.StringIO()
    w = buf.write
    labels = df.attrs["categories"]
    reporting = df[df["category"] != labels[-1]]
    w(f"{len(df)} regions scored under {printable(df.attrs['edition'])} ({policy}); "
      f"{len(reporting)} ranked, national mean IID {reporting['iid'].mean():.2f}\n")
    for t in ("province", "kabupaten", "kota"):
        part = df[df["type"] == t]
        if part.empty:
            continue
        ranked = part.dropna(subset=["rank"]).sort_values(["rank", "code"])
        w(f"\n{TYPE_TITLES[t]}: top {min(top, len(ranked))} of {len(ranked)} ranked\n")
        w(f"{'rank':>5}  {'code':<9}{'name':<34}{'province':<24}{'IID':>7}  category\n")
        for r in ranked.head(top).itertuples():
            w(f"{int(r.rank):>5}  {printable(r.code):<9}{printable(r.name)[:33]:<34}"
              f"{printable(r.province)[:23]:<24}{hundredths_text(r.iid_h):>7}  {printable(r.category)}\n")
    w("\nCategories\n")
    counts = df["category"].value_counts()
    for label in labels:
        n = int(counts.get(label, 0))
        by_type = ", ".join(f"{TYPE_TITLES[t].lower()} {int(((df['type'] == t) & (df['category'] == label)).sum())}"
                            for t in ("province", "kabupaten", "kota"))
        w(f"  {printable(label):<22}{n:>5}   ({by_type})\n")
    return buf.getvalue()


def add_parser(sub) -> None:
    p = sub.add_parser("rank", help="score many regions (batch engine) and rank them by type",
                       description=__doc__.split("\n\n")[0])
    p.add_argument("files", nargs="*", metavar="FILE",
                   help="JSON Lines or JSON files (default: the bundled national dataset)")
    from .cli import integer, nonempty

    p.add_argument("--edition", type=nonempty, help="score every record under this edition (name or path)")
    p.add_argument("--policy", default="self_assessed",
                   choices=["self_assessed", "supported", "strict", "assessor"])
    p.add_argument("--top", type=integer(0, None, "a whole number of at least 0"), default=10,
                   help="regions shown per type (default 10; 0: the summary only)")
    p.add_argument("--threads", type=integer(0, None, "a whole number of at least 0"), default=0,
                   help="scoring threads (default 0: every hardware thread; at most 4 per hardware thread)")
    p.add_argument("--csv", metavar="PATH", type=nonempty,
                   help="also write the full ranking as CSV (atomically; a device or FIFO is written through)")
    p.set_defaults(func=run)


def run(args) -> int:
    from . import _files
    from .cli import UsageError, write_stdout

    t0 = time.perf_counter()
    if args.csv:
        _files.Output(args.csv, "--csv ").discard()  # a --csv that cannot be written fails before the work
    try:
        df = ranked_frame(args.files, args.edition, args.policy, args.threads)
    except OSError as exc:
        raise UsageError(f"{printable(exc.filename or '')}: cannot read ({exc.strerror})") from None
    if args.csv:
        with _files.replaced_atomically(args.csv, "--csv ") as tmp:
            df.to_csv(tmp, index=False)
    text = render(df, args.top, args.policy) + f"\n({time.perf_counter() - t0:.2f} s)\n"
    write_stdout([text.encode("utf-8")])
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="inovasi")
    add_parser(ap.add_subparsers(dest="command", required=True))
    args = ap.parse_args(argv)
    return args.func(args)
