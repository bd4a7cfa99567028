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


CLUSTERS = ("tertinggal", "perbatasan", "papua")  # bits 1, 2, 4 of the `clusters` column
TIE_BREAKS = ("none", "exact", "exact,code")


def _split_by_edition(files: Sequence[str]) -> dict:
    """{edition name: [bytes per file]} where each file keeps only that edition's records and
    blanks the others' lines, so a record keeps its line number (errors still name FILE:LINE).
    Used only when the inputs mix editions; a file is then one JSON object (one region) or JSON
    Lines (one region per line)."""
    import json

    from ._api import _input_error

    out: dict[str, list] = {}
    texts = []
    for f in files:
        with open(f, "rb") as fh:
            data = fh.read()
        try:
            whole = json.loads(data)
        except ValueError:
            whole = None
        if isinstance(whole, dict):
            # A file holding one (pretty-printed) region: a record of its own, kept whole.
            ed = whole.get("edition")
            texts.append((ed, data))
            if isinstance(ed, str):
                out.setdefault(ed, None)
            continue
        texts.append((None, data.split(b"\n")))
    for k, (whole_ed, lines) in enumerate(texts):
        if whole_ed is not None or isinstance(lines, bytes):
            if not isinstance(whole_ed, str):
                raise _input_error(None, f"{printable(files[k])}: /edition: a string naming the edition is "
                                   "required when the inputs mix editions")
            continue
        for n, line in enumerate(lines):
            if not line.strip():
                continue
            try:
                ed = json.loads(line).get("edition")
            except (ValueError, AttributeError) as exc:
                raise _input_error(None, f"{printable(files[k])}:{n + 1}: inputs that mix editions are read "
                                   f"as JSON Lines (one region per line), and this line is not one ({exc})") from None
            if not isinstance(ed, str):
                raise _input_error(None, f"{printable(files[k])}:{n + 1}: /edition: a string naming the edition is "
                                   "required when the inputs mix editions")
            out.setdefault(ed, None)
    for ed in out:
        out[ed] = [(lines if whole_ed == ed else b"") if isinstance(lines, bytes) else
                   b"\n".join(line if line.strip() and json.loads(line).get("edition") == ed else b""
                               for line in lines) for whole_ed, lines in texts]
    return out


def _load(files: Sequence[str], edition, policy: str, threads: int) -> list:
    """[(columns, batch result)], one pair per edition in the inputs (in order of first
    appearance): records of different editions are never ranked together."""
    from . import batch
    from ._api import InputError

    if not files:
        from . import synth
        files = [str(synth.national_dataset())]
    files = [str(f) for f in files]
    if len(files) == 1 and batch._is_parquet(files[0]):
        # Parquet v2: policy columns, scored under the policy from their claim-independent caps.
        cols = batch.load_parquet(files[0], edition=edition)
        _refuse_duplicates(cols)
        return [(cols, batch.score_columns(cols, threads=threads, policy=policy))]
    if any(batch._is_parquet(f) for f in files):
        from ._api import _input_error
        raise _input_error(None, "a Parquet data set is ranked on its own (one directory or file), "
                           "not beside other files")
    # A validated policy reads policy columns (schema v2) and scores the policy from them; the
    # self-assessed ranking needs no evidence at all.
    evidence = policy != "self_assessed"
    try:
        parts = [batch.columns(list(files), edition=edition, threads=threads, evidence=evidence)]
    except InputError as exc:
        if edition is not None or "columns hold one edition" not in str(exc):
            raise
        parts = []
        for texts in _split_by_edition(files).values():
            cols = batch.columns(texts, threads=threads, evidence=evidence)
            cols["files"] = [printable(f) for f in files]
            parts.append(cols)
    out = []
    for cols in parts:
        _refuse_duplicates(cols)
        out.append((cols, batch.score_columns(cols, threads=threads, policy=policy if evidence else None)))
    return out


def _ranks(keys: list, groups: list, eligible) -> tuple:
    """Standard competition ranks (1, 2, 2, 4) of ``keys`` (higher is better; equal keys tie)
    within each group, and each group's number of eligible regions; 0 where not eligible or
    the group is None."""
    n = len(keys)
    rank = [0] * n
    size = [0] * n
    members: dict = {}
    for i in range(n):
        if eligible[i] and groups[i] is not None:
            members.setdefault(groups[i], []).append(i)
    for idx in members.values():
        idx.sort(key=lambda i: keys[i], reverse=True)
        prev, r = None, 0
        for pos, i in enumerate(idx):
            if keys[i] != prev:
                r, prev = pos + 1, keys[i]
            rank[i] = r
            size[i] = len(idx)
    return rank, size


def _sort_keys(cols, result, tie_break: str) -> list:
    """Rank keys: the rounded IID in hundredths, then (``exact``) the unrounded IID, compared
    exactly as the fraction total = SPD + count + Σ innovation points / divisor (the IID is
    total x 100 / the edition's maximum, so the order is the same), then (``exact,code``) the
    region code, ascending (so no two regions tie)."""
    from fractions import Fraction

    if tie_break not in TIE_BREAKS:
        raise ValueError(f"tie_break must be one of {', '.join(TIE_BREAKS)}, not {tie_break!r}")
    iid_h = result["iid_h"].tolist()
    if tie_break == "none":
        return iid_h
    base = (result["government_h"] + result["count_h"]).tolist()
    inv, d = result["innovation_sum_h"].tolist(), result["divisor"].tolist()
    exact = [Fraction(b * dv + s, dv) if dv else Fraction(b) for b, s, dv in zip(base, inv, d)]
    if tie_break == "exact":
        return list(zip(iid_h, exact))
    # Negated code order: keys sort descending, and the lower code must come first.
    codes = cols["codes"]
    order = {c: i for i, c in enumerate(sorted(codes, reverse=True))}
    return [(a, b, order[c]) for a, b, c in zip(iid_h, exact, codes)]


def ranked_table(files: Sequence[str], edition: Optional[str] = None, policy: str = "self_assessed",
                 threads: int = 1, tie_break: str = "none") -> list:
    """The rankings, one dict per edition in the inputs (pure Python lists and numpy, no pandas):
    ``edition``, ``categories`` (labels, lowest last), ``policy``, ``code``, ``name``,
    ``province``, ``type`` (index into TYPES), ``clusters`` (bits), ``iid_h``, ``category``
    (index into ``categories``), ``rank``/``ranked`` (national by type: rank, 0 when not ranked,
    and the denominator), ``province_rank``/``province_ranked`` (same type and province),
    ``<cluster>_rank``/``<cluster>_ranked`` for each of CLUSTERS (same type and cluster; 0 and 0
    outside the cluster), plus the ``columns`` and batch ``result`` they came from."""
    tables = []
    for cols, result in _load(files, edition, policy, threads):
        from . import batch

        labels = batch.category_labels(cols["edition"])
        category = result["category"]
        eligible = (category != len(labels) - 1).tolist()
        types = cols["types"].tolist()
        provinces = list(cols["provinces"])
        clusters = cols["clusters"].tolist() if "clusters" in cols else [0] * len(types)
        keys = _sort_keys(cols, result, tie_break)
        t = {
            "edition": cols["edition"].name, "categories": labels, "policy": policy, "tie_break": tie_break,
            "code": cols["codes"], "name": cols["names"], "province": provinces, "type": cols["types"],
            "clusters": clusters, "iid_h": result["iid_h"], "category": category,
            "columns": cols, "result": result,
        }
        t["rank"], t["ranked"] = _ranks(keys, types, eligible)
        t["province_rank"], t["province_ranked"] = _ranks(keys, list(zip(types, provinces)), eligible)
        for bit, cname in enumerate(CLUSTERS):
            groups = [ty if c >> bit & 1 else None for ty, c in zip(types, clusters)]
            t[f"{cname}_rank"], t[f"{cname}_ranked"] = _ranks(keys, groups, eligible)
        tables.append(t)
    return tables


def ranks(source=None, edition: Optional[str] = None, policy: str = "self_assessed", threads: int = 1,
          tie_break: str = "none"):
    """The rankings as one pandas DataFrame, one row per region (columns in docs/decisions.md):
    ``code``, ``name``, ``type``, ``province``, ``clusters``, ``edition``, ``policy``, ``iid``
    (float, 2 decimals), ``iid_h`` (int64, exact hundredths), ``category``, then the rank and
    denominator of each ranking (nullable Int64; <NA> where not ranked): ``rank_national``,
    ``of_national``, ``rank_province``, ``of_province``, ``rank_<cluster>``, ``of_<cluster>``.
    ``source``: a path, a list of paths (JSON Lines) or one Parquet v2 data set; None: the
    bundled national dataset. Mixed editions are ranked per edition."""
    if source is None:
        files = []
    elif isinstance(source, (list, tuple)):
        files = list(source)
    else:
        files = [source]
    return frame_of(ranked_table(files, edition, policy, threads, tie_break))


def frame_of(tables: list):
    """ranked_table()'s output as one DataFrame (see :func:`ranks`)."""
    import pandas as pd

    frames = []
    labels = None
    for t in tables:
        labels = labels or t["categories"]
        n = len(t["code"])
        d = {
            "code": pd.array(list(t["code"]), dtype="string"),
            "name": pd.array(list(t["name"]), dtype="string"),
            "type": [TYPES[i] for i in t["type"].tolist()],
            "province": list(t["province"]),
            "clusters": pd.array([",".join(c for b, c in enumerate(CLUSTERS) if v >> b & 1) for v in t["clusters"]],
                                 dtype="string"),
            "edition": [t["edition"]] * n,
            "policy": [t["policy"]] * n,
            "iid": (t["iid_h"] / 100).round(2),
            "iid_h": t["iid_h"].astype("int64"),
            "category": [t["categories"][c] for c in t["category"].tolist()],
        }
        for prefix, key in [("national", ""), ("province", "province_")] + [(c, f"{c}_") for c in CLUSTERS]:
            r = pd.array([v or None for v in t[f"{key}rank"]], dtype="Int64")
            d[f"rank_{prefix}"] = r
            d[f"of_{prefix}"] = pd.array([v or None for v in t[f"{key}ranked"]], dtype="Int64")
        frames.append(pd.DataFrame(d))
    df = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if len(df):
        cats = []
        for t in tables:
            cats += [c for c in t["categories"] if c not in cats]
        df["type"] = pd.Categorical(df["type"], categories=list(TYPES))
        df["province"] = df["province"].astype("category")
        df["edition"] = df["edition"].astype("category")
        df["policy"] = df["policy"].astype("category")
        df["category"] = pd.Categorical(df["category"], categories=cats, ordered=len(tables) == 1)
    df.attrs["editions"] = [t["edition"] for t in tables]
    df.attrs["tie_break"] = tables[0]["tie_break"] if tables else "none"
    return df


def category_counts(source=None, edition: Optional[str] = None, policy: str = "self_assessed",
                    threads: int = 1):
    """Regions per edition, type and category (all categories, the lowest included), as a
    DataFrame with ``edition``, ``type``, ``category`` (categoricals) and ``regions`` (int64)."""
    import pandas as pd

    df = ranks(source, edition, policy, threads)
    return (df.groupby(["edition", "type", "category"], observed=False).size()
            .rename("regions").astype("int64").reset_index())


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
    """One edition's regions with ``rank`` within their type and ``ranked`` (its denominator),
    beside batch.frame's components (the --csv layout). Mixed editions: use :func:`ranks`."""
    from . import batch

    tables = ranked_table(files, edition, policy, threads)
    if len(tables) != 1:
        raise ValueError("ranked_frame takes one edition; inputs that mix editions are ranked by ranks()")
    t = tables[0]
    out = batch.rank(batch.frame(t["columns"], t["result"]), lowest_category=t["categories"][-1])
    out.attrs["edition"] = t["edition"]
    out.attrs["categories"] = t["categories"]
    return out


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
    rank = table["rank"]
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


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def standing(table: dict, i: int) -> list:
    """Region i's standings as sentences: "325th of 415 kabupaten", "7th in Kalimantan Timur
    (of 10 kabupaten)", one per cluster it belongs to; or why it is not ranked."""
    kind = TYPES[int(table["type"][i])]
    label = table["categories"][int(table["category"][i])]
    if not table["rank"][i]:
        return [f"not ranked: {printable(label)} (the lowest category is left out of every ranking)"]
    out = [f"{_ordinal(table['rank'][i])} of {table['ranked'][i]} {kind}",
           f"{_ordinal(table['province_rank'][i])} in {printable(table['province'][i])} "
           f"(of {table['province_ranked'][i]} {kind})"]
    for c in CLUSTERS:
        if table[f"{c}_rank"][i]:
            out.append(f"{_ordinal(table[f'{c}_rank'][i])} of {table[f'{c}_ranked'][i]} {kind} {c}")
    return out


def render_neighbours(table: dict, i: int, n: int) -> str:
    """Region i, its standings and the n regions ranked just above and below it nationally
    (same type), in ranking order (ties by code)."""
    buf = io.StringIO()
    w = buf.write
    codes, labels = table["code"], table["categories"]
    w(f"{printable(codes[i])} {printable(table['name'][i])} under {printable(table['edition'])} "
      f"({table['policy']}): IID {hundredths_text(int(table['iid_h'][i]))} "
      f"{printable(labels[int(table['category'][i])])}\n")
    for line in standing(table, i):
        w(f"  {line}\n")
    if not table["rank"][i]:
        return buf.getvalue()
    t = table["type"][i]
    order = sorted((table["rank"][j], codes[j], j) for j in range(len(codes))
                   if table["type"][j] == t and table["rank"][j])
    pos = next(k for k, o in enumerate(order) if o[2] == i)
    w(f"\n{'rank':>5}  {'code':<9}{'name':<34}{'province':<24}{'IID':>7}  category\n")
    for r, code, j in order[max(0, pos - n):pos + n + 1]:
        mark = ">" if j == i else " "
        w(f"{mark}{r:>4}  {printable(code):<9}{printable(table['name'][j])[:33]:<34}"
          f"{printable(table['province'][j])[:23]:<24}{hundredths_text(int(table['iid_h'][j])):>7}  "
          f"{printable(labels[int(table['category'][j])])}\n")
    return buf.getvalue()


def json_lines(table: dict) -> list:
    """One JSON object per region (docs/decisions.md): ranks (null where not ranked) and
    denominators, edition, policy and provenance."""
    import json

    from . import __version__
    from ._api import edition as _edition

    prov = {"inovasi": __version__, "edition": table["edition"],
            "edition_sha256": _edition(table["columns"]["edition"]).sha256,
            "policy": table["policy"], "tie_break": table["tie_break"]}
    out = []
    labels = table["categories"]
    for i, code in enumerate(table["code"]):
        ranks_ = {"national": table["rank"][i] or None, "national_of": table["ranked"][i] or None,
                  "province": table["province_rank"][i] or None,
                  "province_of": table["province_ranked"][i] or None}
        for c in CLUSTERS:
            ranks_[c] = table[f"{c}_rank"][i] or None
            ranks_[f"{c}_of"] = table[f"{c}_ranked"][i] or None
        h = int(table["iid_h"][i])
        obj = {"region": code, "name": table["name"][i], "type": TYPES[int(table["type"][i])],
               "province": table["province"][i],
               "clusters": [c for b, c in enumerate(CLUSTERS) if table["clusters"][i] >> b & 1],
               "edition": table["edition"], "policy": table["policy"],
               "iid": hundredths_text(h), "iid_h": h, "category": labels[int(table["category"][i])],
               "ranked": bool(table["rank"][i]), "ranks": ranks_, "provenance": prov}
        line = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
        # The IID as a JSON number with exactly two decimals (as `inovasi score` writes it).
        out.append(line.replace(f'"iid":"{obj["iid"]}"', f'"iid":{obj["iid"]}', 1) + "\n")
    return out


def add_parser(sub) -> None:
    p = sub.add_parser("rank", help="score many regions (batch engine) and rank them by type, province and cluster",
                       description=__doc__.split("\n\n")[0])
    p.add_argument("files", nargs="*", metavar="FILE",
                   help="JSON Lines or JSON files, or one Parquet v2 data set (a directory from `inovasi synth "
                        "--format parquet`; default: the bundled national dataset); records of different "
                        "editions are ranked per edition")
    from .cli import integer, nonempty

    p.add_argument("--edition", type=nonempty, help="score every record under this edition (name or path)")
    p.add_argument("--policy", default="self_assessed",
                   choices=["self_assessed", "supported", "strict", "assessor"])
    p.add_argument("--top", type=integer(0, None, "a whole number of at least 0"), default=10,
                   help="regions shown per type (default 10; 0: the summary only)")
    p.add_argument("--format", choices=["table", "json"], default="table",
                   help="table (default, for people) or json (JSON Lines: one object per region with its ranks)")
    p.add_argument("--region", type=nonempty, metavar="CODE",
                   help="one region's standings (national, province, clusters) and its neighbours")
    p.add_argument("--neighbours", type=integer(0, None, "a whole number of at least 0"), default=3,
                   help="with --region: regions shown above and below it (default 3)")
    p.add_argument("--tie-break", choices=list(TIE_BREAKS), default="none",
                   help="none (default: equal rounded IIDs share a rank), exact (then the unrounded IID), "
                        "exact,code (then the region code: no ties)")
    p.add_argument("--threads", type=integer(0, None, "a whole number of at least 0"), default=0,
                   help="threads for reading and scoring (default 0: every hardware thread; at most 4 per hardware thread; "
                        "the result does not depend on it)")
    p.add_argument("--csv", metavar="PATH", type=nonempty,
                   help="also write the full ranking as CSV (one edition; atomically; a device or FIFO is written through)")
    p.set_defaults(func=run)


def run(args) -> int:
    from . import _files
    from .cli import UsageError, write_stdout

    t0 = time.perf_counter()
    if args.csv:
        _files.Output(args.csv, "--csv ").discard()  # a --csv that cannot be written fails before the work
    try:
        tables = ranked_table(args.files, args.edition, args.policy, args.threads, args.tie_break)
    except OSError as exc:
        raise UsageError(f"{printable(exc.filename or '')}: cannot read ({exc.strerror})") from None
    if args.csv:
        if len(tables) != 1:
            raise UsageError("--csv writes one edition's ranking; these inputs mix editions (use --format json)")
        from . import batch
        t = tables[0]
        frame = batch.rank(batch.frame(t["columns"], t["result"]), lowest_category=t["categories"][-1])
        with _files.replaced_atomically(args.csv, "--csv ") as tmp:
            frame.to_csv(tmp, index=False)
    if args.region is not None:
        found = [(t, i) for t in tables for i, c in enumerate(t["code"]) if c == args.region]
        if not found:
            raise UsageError(f"--region {printable(args.region)}: no such region in the inputs")
    if args.format == "json":
        chunks = []
        for t in tables:
            lines = json_lines(t)
            if args.region is not None:
                lines = [lines[i] for tt, i in found if tt is t]
            chunks += [x.encode("utf-8") for x in lines]
        write_stdout(chunks)
        return 0
    if args.region is not None:
        text = "\n".join(render_neighbours(t, i, args.neighbours) for t, i in found)
    else:
        text = "\n".join(render(t, args.top, args.policy) for t in tables)
    write_stdout([(text + f"\n({time.perf_counter() - t0:.2f} s)\n").encode("utf-8")])
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="inovasi")
    add_parser(ap.add_subparsers(dest="command", required=True))
    args = ap.parse_args(argv)
    return args.func(args)
