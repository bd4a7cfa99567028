"""`inovasi rank`: score many regions with the batch engine and rank them by type.

With no file it scores the bundled national dataset (regenerated from its seed and verified by
checksum on first use; see docs/synth.md).
"""

from __future__ import annotations

import argparse
import io
import time
from typing import Optional, Sequence

# batch (and with it numpy) is imported when a ranking runs, not when the CLI registers this
# subcommand: `inovasi score` and `inovasi editions` do not need it. The ranking itself needs
# numpy only; pandas is imported for ranked_frame() and --csv.

from ._text import hundredths_text, printable

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
    if len(files) == 1 and batch._is_parquet(files[0]):
        # Parquet v2: policy columns, scored under the policy from their claim-independent caps.
        cols = batch.load_parquet(files[0], edition=edition)
        _refuse_duplicates(cols)
        result = batch.score_columns(cols, threads=threads, policy=policy)
    else:
        if any(batch._is_parquet(f) for f in files):
            from ._api import _input_error
            raise _input_error(None, "a Parquet data set is ranked on its own (one directory or file), "
                               "not beside other files")
        cols = batch.columns(list(files), edition=edition, policy=policy, threads=threads)
        _refuse_duplicates(cols)
        result = batch.score_columns(cols, threads=threads)
    labels = batch.category_labels(cols["edition"])
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
    iid_h = np.asarray(table["iid_h"])
    iid = iid_h / 100
    rank = np.asarray(table["rank"])
    codes, names, provinces = table["code"], table["name"], table["province"]
    reporting = category != lowest
    mean = iid[reporting].mean() if reporting.any() else float("nan")
    w(f"{len(codes)} regions scored under {printable(table['edition'])} ({policy}); "
      f"{int(reporting.sum())} ranked, national mean IID {mean:.2f}\n")
    for t, name in enumerate(TYPES):
        part = np.flatnonzero(types == t)
        if part.size == 0:
            continue
        ranked = sorted((int(rank[i]), codes[i], i) for i in part if rank[i] > 0)
        w(f"\n{TYPE_TITLES[name]}: top {min(top, len(ranked))} of {len(ranked)} ranked\n")
        w(f"{'rank':>5}  {'code':<9}{'name':<34}{'province':<24}{'IID':>7}  category\n")
        for r, code, i in ranked[:top]:
            w(f"{r:>5}  {printable(code):<9}{printable(names[i])[:33]:<34}{printable(provinces[i])[:23]:<24}"
              f"{hundredths_text(int(iid_h[i])):>7}  {printable(labels[category[i]])}\n")
    w("\nCategories\n")
    for c, label in enumerate(labels):
        n = int((category == c).sum())
        by_type = ", ".join(f"{TYPE_TITLES[name].lower()} {int(((types == t) & (category == c)).sum())}"
                            for t, name in enumerate(TYPES))
        w(f"  {printable(label):<22}{n:>5}   ({by_type})\n")
    return buf.getvalue()


def add_parser(sub) -> None:
    p = sub.add_parser("rank", help="score many regions (batch engine) and rank them by type",
                       description=__doc__.split("\n\n")[0])
    p.add_argument("files", nargs="*", metavar="FILE",
                   help="JSON Lines or JSON files, or one Parquet v2 data set (a directory from `inovasi synth "
                        "--format parquet`; default: the bundled national dataset)")
    from .cli import integer, nonempty

    p.add_argument("--edition", type=nonempty, help="score every record under this edition (name or path)")
    p.add_argument("--policy", default="self_assessed",
                   choices=["self_assessed", "supported", "strict", "assessor"])
    p.add_argument("--top", type=integer(0, None, "a whole number of at least 0"), default=10,
                   help="regions shown per type (default 10; 0: the summary only)")
    p.add_argument("--threads", type=integer(0, None, "a whole number of at least 0"), default=0,
                   help="threads for reading and scoring (default 0: every hardware thread; at most 4 per hardware thread; "
                        "the result does not depend on it)")
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
        table = ranked_table(args.files, args.edition, args.policy, args.threads)
    except OSError as exc:
        raise UsageError(f"{printable(exc.filename or '')}: cannot read ({exc.strerror})") from None
    if args.csv:
        with _files.replaced_atomically(args.csv, "--csv ") as tmp:
            frame_of(table).to_csv(tmp, index=False)
    text = render(table, args.top, args.policy) + f"\n({time.perf_counter() - t0:.2f} s)\n"
    write_stdout([text.encode("utf-8")])
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="inovasi")
    add_parser(ap.add_subparsers(dest="command", required=True))
    args = ap.parse_args(argv)
    return args.func(args)
