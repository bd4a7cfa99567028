"""Columnar batch scoring: many regions in one C++ call, numpy arrays in and out.

The layout (docs/batch.md)::

    government_levels  uint8  (regions, G)       G government rows of the edition, in order
    innovation_levels  uint8  (innovations, K)   K innovation rows of the edition, in order
    region_offsets     int64  (regions + 1,)     region r owns innovations offsets[r]:offsets[r+1]
    status             uint8  (innovations,)     0 not counted (draft, ineligible), 1 submitted, 2 rejected
    affairs            uint64 (innovations,)     bit i: covers the edition gate's i-th affair (optional)
    government_caps, innovation_caps             validated level = min(level, cap) (optional)

Arrays are read in place when dtype and layout match; otherwise a TypeError/ValueError says
what to pass. Nothing is converted silently. Results are identical to ``inovasi.score`` for
every region, policy and thread count.
"""

from __future__ import annotations

import os
from typing import Any, Iterable, Mapping, Optional, Sequence, Union

import numpy as np

from . import _core
from ._api import Edition, _utf8, edition as _edition, is_json_text, thread_count
from ._text import printable

__all__ = ["columns", "score_arrays", "score_columns", "frame", "rank", "REGION_TYPES"]

REGION_TYPES = ("province", "kabupaten", "kota")  # values of the `types` column

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
            policy: str = "self_assessed") -> dict:
    """Columns of the regions in JSON text, bytes or one or more files (JSON Lines, or JSON
    values one after another).

    With ``edition`` every record is scored under it (overriding its own); otherwise all
    records must share one edition. ``policy`` other than ``self_assessed`` runs pre-validation
    and stores the validated levels as caps. Returns a dict of numpy arrays (owning their
    memory, no copy) plus ``edition``, ``codes``, ``names``, ``provinces`` and ``types``.
    """
    parts = [_read(s) for s in (source if isinstance(source, (list, tuple)) else [source])]
    ed = _edition(edition) if edition is not None else None
    # One text (one edition check across files); "\n" between files, so file k starts on the
    # line after file k-1's last: `lines` (the record's line in the joined text) maps back to
    # FILE:LINE, kept as `files`, `file_of` (index into files) and `lines` (within the file).
    data = b"\n".join(p[0] for p in parts)
    cols = _core.columns_from_text(data, ed, _utf8(policy, "policy"), ", ".join(p[1] for p in parts))
    starts = np.cumsum([1] + [p[0].count(b"\n") + 1 for p in parts[:-1]], dtype=np.int64)
    file_of = np.searchsorted(starts, cols["lines"], side="right") - 1
    cols["files"] = [p[1] for p in parts]
    cols["file_of"] = file_of.astype(np.int32)
    cols["lines"] = cols["lines"] - starts[file_of] + 1
    return cols


def score_arrays(edition: Union[str, Edition], government_levels: np.ndarray, innovation_levels: np.ndarray,
                 region_offsets: np.ndarray, status: np.ndarray, affairs: Optional[np.ndarray] = None,
                 government_caps: Optional[np.ndarray] = None, innovation_caps: Optional[np.ndarray] = None,
                 threads: int = 1) -> dict:
    """Score columnar arrays; returns per-region arrays: ``iid_h`` (int64 hundredths),
    ``category`` (uint8 index into the edition's categories; len = lowest), ``government_h``,
    ``innovation_sum_h``, ``count_h`` (int64 hundredths), ``counted``, ``divisor`` (int32).
    The GIL is released while scoring; ``threads`` <= 0 uses every hardware thread, and more
    than ``inovasi._core.max_threads()`` (4 per hardware thread) are capped there. Every array
    is held for the call (a buffer export and a weak reference), so another thread cannot
    resize one under the kernel: its ``resize`` raises ValueError instead."""
    return _core.score_arrays(_edition(edition), government_levels, innovation_levels, region_offsets, status,
                              affairs, government_caps, innovation_caps, thread_count(threads))


def score_columns(cols: Mapping[str, Any], threads: int = 1, use_caps: bool = True) -> dict:
    """Score a columns dict (from :func:`columns` or ``inovasi.synth.generate``)."""
    return score_arrays(cols["edition"], cols["government_levels"], cols["innovation_levels"],
                        cols["region_offsets"], cols["status"], cols.get("affairs"),
                        cols.get("government_caps") if use_caps else None,
                        cols.get("innovation_caps") if use_caps else None, threads)


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


def rank(df, lowest_category: str = "Tidak Dapat Dinilai", by: str = "type"):
    """Adds ``rank`` (standard competition ranking by IID within each ``by`` group: 1, 2, 2, 4)
    and ``ranked`` (the group's number of ranked regions). Regions in the lowest category are
    left out of ranks and denominators (methodology §7); duplicate region codes are an error."""
    dup = df["code"][df["code"].duplicated()]
    if len(dup):
        raise ValueError(f"duplicate region code {dup.iloc[0]!r}: a ranking needs each region once")
    out = df.copy()
    eligible = out["category"] != lowest_category
    ranks = out.loc[eligible].groupby(by)["iid_h"].rank(method="min", ascending=False)
    out["rank"] = ranks.reindex(out.index).astype("Int64")
    out["ranked"] = out.loc[eligible].groupby(by)["code"].transform("size").reindex(out.index).astype("Int64")
    return out
