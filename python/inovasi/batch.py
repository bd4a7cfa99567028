"""Columnar batch scoring: many regions in one C++ call, numpy arrays in and out.

The layout (docs/batch.md)::

    government_levels  uint8  (regions, G)       G government rows of the edition, in order
    innovation_levels  uint8  (innovations, K)   K innovation rows of the edition, in order
    region_offsets     int64  (regions + 1,)     region r owns innovations offsets[r]:offsets[r+1]
    status             uint8  (innovations,)     0 not counted (draft, ineligible), 1 submitted, 2 rejected
    affairs            uint64 (innovations,)     bit i: covers the edition gate's i-th affair (optional)
    government_caps, innovation_caps             v1: validated level = min(level, cap) (optional, superseded)

Schema v2 (docs/batch.md) adds, per answer, the claim-independent caps of every policy
(``*_supported_cap``, ``*_assessor_cap``, uint8) and the acceptance probability
(``*_acceptance``, uint16, 65535 = 1) — filled by ``columns(..., evidence=True)``, the
generator and Parquet v2 — and, in every form, raw values (``*_value`` int32 indices into
``*_values``, -1 = none), ``innovation_ids``, ``departments`` + ``department_index`` (uint32)
and ``clusters`` (uint8 bits, :data:`CLUSTER_BITS`).

Arrays are read in place when dtype and layout match; otherwise a TypeError/ValueError says
what to pass. Nothing is converted silently. Results are identical to ``inovasi.score`` for
every region, policy and thread count.
"""

from __future__ import annotations

import os
import warnings
from typing import Any, Iterable, Mapping, Optional, Sequence, Union

import numpy as np

from . import _core
from ._api import Edition, _utf8, edition as _edition, is_json_text, thread_count
from ._text import printable

__all__ = ["columns", "load_parquet", "score_arrays", "score_columns", "frame", "rank", "competition_ranks", "REGION_TYPES"]

REGION_TYPES = ("province", "kabupaten", "kota")  # values of the `types` column
CLUSTER_BITS = {"tertinggal": 1, "perbatasan": 2, "papua": 4}  # bits of the `clusters` column
POLICIES = ("self_assessed", "supported", "strict", "assessor")

PathLike = Union[str, os.PathLike]


def _read(source: Union[PathLike, bytes, str]) -> tuple[bytes, str]:
    """(bytes, source name) of JSON text (a str starting with ``{`` or ``[``, as
    ``inovasi.score`` takes it), bytes, or a file path (read whole: a batch is in memory)."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source), "<bytes>"
    if isinstance(source, str) and is_json_text(source):
        return _utf8(source, "JSON text").encode("utf-8"), "<text>"
    if not isinstance(source, (str, os.PathLike)):
        raise TypeError(f"columns() takes JSON text, bytes or a path (or a list of them), "
                        f"not {type(source).__name__}")
    path = os.fspath(source)
    with open(path, "rb") as f:
        return f.read(), printable(os.fsdecode(path))


def columns(source: Union[PathLike, bytes, str, Sequence[PathLike]], edition: Union[str, Edition, None] = None,
            policy: str = "self_assessed", threads: int = 1, evidence: bool = False) -> dict:
    """Columns of the regions in JSON text, bytes or one or more files (JSON Lines, or JSON
    values one after another).

    With ``edition`` every record is scored under it (overriding its own); otherwise all
    records must share one edition. ``policy`` other than ``self_assessed`` runs pre-validation
    and stores the validated levels as v1 caps: deprecated (a DeprecationWarning), as they
    freeze the policy at today's claims; read ``evidence=True`` and score with
    ``score_columns(cols, policy=...)`` instead. Returns a dict of numpy arrays (owning their
    memory, no copy) plus ``edition``, ``codes``, ``names``, ``provinces`` and ``types``.
    ``threads`` reads parts of the input at once (<= 0: every hardware thread); the columns,
    and the error of a bad input (its first bad record), do not depend on it.

    ``evidence=True`` gives policy columns (schema v2): every answer's evidence is kept and
    checked, and the claim-independent caps of every policy and the acceptance are filled, so
    :func:`score_columns` scores any ``policy`` from them (``policy`` must then stay
    ``self_assessed``). A Parquet v2 data set (a directory, or its ``regions.parquet``) is
    read by :func:`load_parquet`; its columns are policy columns.
    """
    if _is_parquet(source):
        if policy != "self_assessed":
            raise ValueError("a Parquet v2 data set holds policy columns: score a policy with "
                             "score_columns(cols, policy=...), not columns(..., policy=...)")
        return load_parquet(source, edition=edition)
    ed = _edition(edition) if edition is not None else None
    policy = _utf8(policy, "policy")
    if policy != "self_assessed" and not evidence:
        warnings.warn(
            "columns(..., policy=...) stores v1 caps that freeze the policy at today's claims and "
            "is deprecated: read policy columns with columns(..., evidence=True) and score any "
            "policy with score_columns(cols, policy=...) (docs/python.md, docs/batch.md)",
            DeprecationWarning, stacklevel=2)
    if evidence and policy != "self_assessed":
        raise ValueError("evidence=True gives the caps of every policy: leave policy at self_assessed and "
                         "pass the policy to score_columns")
    evidence = bool(evidence)
    threads = thread_count(threads)
    sources = list(source) if isinstance(source, (list, tuple)) else [source]
    if len(sources) == 1 and isinstance(sources[0], (str, os.PathLike)) and not (
            isinstance(sources[0], str) and is_json_text(sources[0])):
        # One file: read in place where it can be mapped (no copy of a large file).
        path = os.fspath(sources[0])
        name = printable(os.fsdecode(path))
        with open(path, "rb") as f:
            mapped = _mapped(f)
            if mapped is None:
                cols = _core.columns_from_text(f.read(), ed, policy, name, threads, evidence)
            else:
                with mapped:
                    cols = _core.columns_from_text(mapped, ed, policy, name, threads, evidence)
        cols["files"] = [name]
        cols["file_of"] = np.zeros(len(cols["lines"]), dtype=np.int32)
        return cols
    parts = [_read(s) for s in sources]
    # One text (one edition check across files); "\n" between files, so file k starts on the
    # line after file k-1's last: `lines` (the record's line in the joined text) maps back to
    # FILE:LINE, kept as `files`, `file_of` (index into files) and `lines` (within the file).
    data = b"\n".join(p[0] for p in parts)
    starts = np.cumsum([1] + [p[0].count(b"\n") + 1 for p in parts[:-1]], dtype=np.int64)
    try:
        cols = _core.columns_from_text(data, ed, policy, ", ".join(p[1] for p in parts), threads, evidence)
    except _core.InputError as exc:
        line = getattr(exc, "line", None)
        if not line or len(parts) == 1:
            raise
        # The error's line is in the joined text: name the file and the line within it.
        from ._api import _input_error
        k = int(np.searchsorted(starts, line, side="right") - 1)
        raise _input_error(exc.pointer, exc.message, parts[k][1], int(line - starts[k] + 1),
                           exc.column) from None
    file_of = np.searchsorted(starts, cols["lines"], side="right") - 1
    cols["files"] = [p[1] for p in parts]
    cols["file_of"] = file_of.astype(np.int32)
    cols["lines"] = cols["lines"] - starts[file_of] + 1
    return cols


def _is_parquet(source) -> bool:
    """A Parquet data set: a directory, or a path ending in .parquet."""
    if isinstance(source, (list, tuple)):
        return len(source) == 1 and _is_parquet(source[0])
    if isinstance(source, str) and is_json_text(source):
        return False
    if not isinstance(source, (str, os.PathLike)):
        return False
    path = os.fspath(source)
    return os.path.isdir(path) or os.fsdecode(path).endswith(".parquet")


def load_parquet(path: Union[PathLike, Sequence[PathLike]], edition: Union[str, Edition, None] = None) -> dict:
    """Policy columns (schema v2) of a Parquet v2 data set (``inovasi.synth.write_parquet``):
    a directory holding ``regions.parquet`` and ``innovations.parquet``, or either file. Read
    column by column (arrow to numpy, no per-answer Python loop) and validated: a missing
    column, a wrong type or a value out of range is an ``inovasi.InputError`` naming the file,
    the column and the first bad row. Parquet v1 files are refused (regenerate them)."""
    from . import _parquet

    if isinstance(path, (list, tuple)):
        if len(path) != 1:
            raise ValueError("load_parquet reads one data set (a directory or one of its files)")
        path = path[0]
    return _parquet.load(path, edition)


def _mapped(f):
    """The file mapped read-only (no copy of a large file into memory), or None where it cannot
    be (empty files, pipes and other non-regular files are read instead)."""
    import mmap
    import stat

    try:
        st = os.fstat(f.fileno())
        if not stat.S_ISREG(st.st_mode) or st.st_size == 0:
            return None
        return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):
        return None


def score_arrays(edition: Union[str, Edition], government_levels: np.ndarray, innovation_levels: np.ndarray,
                 region_offsets: np.ndarray, status: np.ndarray, affairs: Optional[np.ndarray] = None,
                 government_caps: Optional[np.ndarray] = None, innovation_caps: Optional[np.ndarray] = None,
                 threads: int = 1, cap_rule: str = "at_most", innovations: bool = False) -> dict:
    """Score columnar arrays; returns per-region arrays: ``iid_h`` (int64 hundredths),
    ``category`` (uint8 index into the edition's categories; len = lowest), ``government_h``,
    ``innovation_sum_h``, ``count_h`` (int64 hundredths), ``counted``, ``divisor`` (int32).
    The GIL is released while scoring; ``threads`` <= 0 uses every hardware thread, and more
    than ``inovasi._core.max_threads()`` (4 per hardware thread) are capped there. Every array
    is held for the call (a buffer export and a weak reference), so another thread cannot
    resize one under the kernel: its ``resize`` raises ValueError instead. ``cap_rule``:
    ``at_most`` keeps min(level, cap); ``all_or_nothing`` (the strict policy) keeps a level not
    above its cap and gives level 0 otherwise.

    With ``innovations=True`` the kernel also writes, per innovation (rows of
    ``innovation_levels``), ``innovation_points_h`` (int64 hundredths: the innovation's points
    as ``score()`` gives them, 0 for a rejected, uncounted or mandatory-zeroed one) and
    ``innovation_counted`` (bool: it counts in n), into numpy arrays without a copy."""
    return _core.score_arrays(_edition(edition), government_levels, innovation_levels, region_offsets, status,
                              affairs, government_caps, innovation_caps, thread_count(threads), cap_rule,
                              innovations)


def score_columns(cols: Mapping[str, Any], threads: int = 1, use_caps: bool = True,
                  policy: Optional[str] = None, innovations: bool = False) -> dict:
    """Score a columns dict (from :func:`columns`, :func:`load_parquet` or
    ``inovasi.synth.generate``). With ``policy``, policy columns (schema v2) are scored under it
    from their claim-independent caps; otherwise the v1 caps, if any, apply (``use_caps``).
    ``innovations=True`` adds the per-innovation ``innovation_points_h`` and
    ``innovation_counted`` arrays (see :func:`score_arrays`), in the columns' innovation order
    (``cols["innovation_ids"]``)."""
    if policy is not None:
        if policy not in POLICIES:
            raise ValueError(f"policy must be one of {', '.join(POLICIES)}, not {policy!r}")
        if policy == "self_assessed":
            gov = inv = None
        else:
            if not cols.get("policy_caps"):
                raise ValueError(f"these columns carry no evidence caps, so the {policy} policy cannot be "
                                 "computed from them (read them with columns(..., evidence=True), or Parquet v2)")
            which = "assessor" if policy == "assessor" else "supported"
            gov, inv = cols[f"government_{which}_cap"], cols[f"innovation_{which}_cap"]
        return score_arrays(cols["edition"], cols["government_levels"], cols["innovation_levels"],
                            cols["region_offsets"], cols["status"], cols.get("affairs"), gov, inv, threads,
                            "all_or_nothing" if policy == "strict" else "at_most", innovations)
    return score_arrays(cols["edition"], cols["government_levels"], cols["innovation_levels"],
                        cols["region_offsets"], cols["status"], cols.get("affairs"),
                        cols.get("government_caps") if use_caps else None,
                        cols.get("innovation_caps") if use_caps else None, threads, innovations=innovations)


def category_labels(edition: Union[str, Edition]) -> list[str]:
    """Labels indexed by the ``category`` codes of a batch result."""
    ed = _edition(edition)
    return [c["label"] for c in ed.categories] + [ed.lowest_category]


def frame(cols: Mapping[str, Any], result: Optional[Mapping[str, np.ndarray]] = None, threads: int = 1):
    """One row per region: code, name, type, province, iid, category and the components
    (points as floats for reading; the exact integer hundredths are kept in ``*_h`` columns)."""
    import pandas as pd

    if result is None:
        result = score_columns(cols, threads=threads)
    labels = np.array(category_labels(cols["edition"]), dtype=object)
    divisor = result["divisor"].astype(np.int64)
    total_h_times_d = (result["government_h"] + result["count_h"]) * divisor + result["innovation_sum_h"]
    return pd.DataFrame({
        "code": cols["codes"],
        "name": cols["names"],
        "type": np.array(REGION_TYPES, dtype=object)[np.asarray(cols["types"], dtype=np.intp)],
        "province": cols["provinces"],
        "iid": result["iid_h"] / 100,
        "category": labels[result["category"]],
        "government_points": result["government_h"] / 100,
        "innovation_average": result["innovation_sum_h"] / divisor / 100,
        "count_points": result["count_h"] / 100,
        "total": total_h_times_d / divisor / 100,
        "innovations_counted": result["counted"],
        "divisor": result["divisor"],
        "iid_h": result["iid_h"],
        "government_h": result["government_h"],
        "innovation_sum_h": result["innovation_sum_h"],
        "count_h": result["count_h"],
    })


def check_unique_codes(codes: Sequence[str]) -> None:
    """A ranking needs each region once: the first duplicate region code is a ValueError."""
    seen = set()
    for c in codes:
        if c in seen:
            raise ValueError(f"duplicate region code {c!r}: a ranking needs each region once")
        seen.add(c)


def competition_ranks(iid_h: np.ndarray, groups: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """Standard competition ranks by IID within each group (1, 2, 2, 4: 1 + the number of
    strictly higher IIDs of the group's eligible regions); 0 where not eligible."""
    out = np.zeros(len(iid_h), dtype=np.int64)
    for g in np.unique(groups[eligible]):
        m = eligible & (groups == g)
        v = np.asarray(iid_h)[m]
        out[m] = len(v) - np.searchsorted(np.sort(v), v, side="right") + 1
    return out


def rank(df, lowest_category: str = "Tidak Dapat Dinilai", by: str = "type"):
    """Adds ``rank`` (standard competition ranking by IID within each ``by`` group: 1, 2, 2, 4)
    and ``ranked`` (the group's number of ranked regions). Regions in the lowest category are
    left out of ranks and denominators (docs/model.md §7); duplicate region codes are an error."""
    check_unique_codes(df["code"].tolist())
    out = df.copy()
    eligible = out["category"] != lowest_category
    import pandas as pd

    groups = pd.factorize(out[by])[0]  # -1: no group (NaN), not ranked
    ok = eligible.to_numpy() & (groups >= 0)
    ranks = competition_ranks(out["iid_h"].to_numpy(), groups, ok)
    out["rank"] = pd.Series(ranks, index=out.index).where(ok).astype("Int64")
    out["ranked"] = out.loc[eligible].groupby(by)["code"].transform("size").reindex(out.index).astype("Int64")
    return out
