"""Variance-based sensitivity: which inputs drive a score, a rank, the ranking (docs/sensitivity.md).

First-order (Saltelli 2010) and total (Jansen) Sobol' indices from Saltelli's pick-and-freeze
design, with bootstrap intervals drawn from the library's counter-based generator, so a study
is reproducible from its seed. For any model::

    import inovasi.sensitivity as sa
    A, B, X = sa.design(1024, ["x1", "x2", "x3"], seed=7)   # X: the N(D+2) points, SALib's order
    y = my_model(X)                                          # one output per row of X
    sa.indices(y, groups=["x1", "x2", "x3"], seed=7)         # DataFrame: group, S1, S1_lo, ...

The estimators are the C++ core's (Eigen); :func:`indices_of` takes yA, yB and yAB apart.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from . import _core

__all__ = ["COLUMNS", "counters", "design", "frame", "indices", "indices_of"]

COLUMNS = ["group", "S1", "S1_lo", "S1_hi", "ST", "ST_lo", "ST_hi", "S1_se", "ST_se"]
"""The columns of every indices DataFrame, in order."""


def design(n: int, inputs: Sequence[str], seed: int = 0) -> tuple:
    """The Saltelli design of ``n`` samples (a power of two) for inputs uniform on [0, 1):
    ``(A, B, X)`` with A and B of shape (n, d) and X the n(d + 2) evaluation points in SALib's
    order (per sample: A, A_B^(1), …, A_B^(d), B). Input i of A's sample j is
    ``random.uniform(seed, key("sensitivity", inputs[i]), 2j)``, of B's the same at 2j + 1."""
    return _core.saltelli_uniform_design(int(n), [str(s) for s in inputs], int(seed))


def counters(d: int, evaluation: int) -> list:
    """Each input's counter for evaluation ``evaluation`` (SALib's order): A's sample j is
    counter 2j, B's 2j + 1; A_B^(i) takes B's counter for input i only."""
    return _core.saltelli_counters(int(d), int(evaluation))


def indices_of(ya, yb, yab, resamples: int = 1000, confidence: float = 0.95, seed: int = 0) -> dict:
    """The indices from yA (n), yB (n) and yAB (n × d, column i = A_B^(i)) as a dict of numpy
    arrays: ``S1``, ``ST``, their bootstrap standard errors ``S1_se``, ``ST_se`` and percentile
    intervals ``S1_lo`` … ``ST_hi``, plus ``n``, ``d``, ``mean`` (the centre), ``variance`` (V)."""
    ya = np.asarray(ya, dtype=np.float64)
    yab = np.asarray(yab, dtype=np.float64)
    if yab.ndim == 1:
        yab = yab.reshape(-1, 1)
    return _core.sobol_indices(ya, np.asarray(yb, dtype=np.float64), yab, int(resamples), float(confidence),
                               int(seed))


def _split(y, d: int) -> tuple:
    y = np.asarray(y, dtype=np.float64).ravel()
    if d < 1 or y.size % (d + 2):
        raise ValueError(f"{y.size} outputs are not N(D + 2) for D = {d}")
    rows = y.reshape(-1, d + 2)
    return rows[:, 0], rows[:, d + 1], rows[:, 1:d + 1]


def frame(result: dict, groups: Sequence[str], **attrs):
    """An indices dict (:func:`indices_of`) as a DataFrame with :data:`COLUMNS`, one row per
    group, and ``attrs``: N, resamples, confidence, variance and whatever is passed."""
    import pandas as pd

    if len(groups) != result["d"]:
        raise ValueError(f"{len(groups)} group names for {result['d']} indices")
    df = pd.DataFrame({"group": pd.array(list(groups), dtype="string"),
                       **{c: result[c] for c in COLUMNS[1:]}})
    df.attrs.update({"N": int(result["n"]), "resamples": int(result["resamples"]),
                     "confidence": float(result["confidence"]), "variance": float(result["variance"])})
    df.attrs.update(attrs)
    return df


def indices(y, groups: Sequence[str], resamples: int = 1000, confidence: float = 0.95, seed: int = 0,
            **attrs):
    """The indices of ``len(groups)`` inputs from all n(d + 2) outputs in SALib's order (as
    :func:`design` lays out X) as a DataFrame (:func:`frame`)."""
    ya, yb, yab = _split(y, len(groups))
    return frame(indices_of(ya, yb, yab, resamples, confidence, seed), groups, seed=int(seed), **attrs)



# --- Leave one row out --------------------------------------------------------------------------

def _policy_columns(source, edition, threads: int) -> dict:
    """Policy columns (schema v2: every policy and the acceptances from one read) of a path, a
    list of paths, a Parquet v2 data set, or a columns dict as given; None: the bundled
    national dataset."""
    from . import batch

    if isinstance(source, dict):
        return source
    if source is None:
        from . import synth
        source = str(synth.national_dataset())
    if isinstance(source, (list, tuple)):
        files = [str(s) for s in source]
        if len(files) == 1 and batch._is_parquet(files[0]):
            return batch.load_parquet(files[0], edition=edition)
        return batch.columns(files, edition=edition, threads=threads, evidence=True)
    if batch._is_parquet(source):
        return batch.load_parquet(source, edition=edition)
    return batch.columns(str(source), edition=edition, threads=threads, evidence=True)


def national_ranks(cols: dict, result: dict):
    """National ranks by type (batch.competition_ranks: 1, 2, 2, 4; the lowest category
    unranked, 0) and, per region, the number of ranked regions of its type."""
    from . import batch

    lowest = len(batch.category_labels(cols["edition"])) - 1
    types = np.asarray(cols["types"])
    eligible = np.asarray(result["category"]) != lowest
    rank = batch.competition_ranks(result["iid_h"], types, eligible)
    counts = np.bincount(types[eligible], minlength=len(batch.REGION_TYPES))
    return rank, counts[types]


def rank_shift(rank, of_type, nominal_rank) -> np.ndarray:
    """|rank − nominal rank| of every region ranked nominally; a region that falls to the
    lowest category (unranked) counts as one below the last ranked region of its type."""
    rank = np.where(rank > 0, rank, of_type + 1)
    ranked = nominal_rank > 0
    return np.abs(rank[ranked] - nominal_rank[ranked])


def leave_one_out(source=None, edition=None, policy: str = "self_assessed", threads: int = 0,
                  rows: Sequence[str] | None = None, on_row=None):
    """Impact of each row on the national ranking (by type): the row dropped — its weight 0,
    the maximum total recomputed from the remaining weights so the IID stays on 0–100 — and every
    region rescored under ``policy``. One DataFrame row per edition row: ``row``, ``aspect``,
    ``weight``, ``mean_abs_rank_shift`` (over the regions ranked nominally), ``max_abs_rank_shift``,
    ``regions_moved`` (rank changed), ``mean_iid_change`` (mean IID difference, points). attrs:
    provenance (version, edition, edition_sha256, policy, regions). ``on_row(k)`` is called
    after each row (progress; it may raise to stop)."""
    import pandas as pd

    from . import __version__, batch

    cols = _policy_columns(source, edition, threads)
    ed = cols["edition"]
    nominal = batch.score_columns(cols, threads=threads, policy=policy)
    nominal_rank, _ = national_ranks(cols, nominal)
    keys = [r["key"] for r in ed.rows] if rows is None else list(rows)
    info = {r["key"]: r for r in ed.rows}
    out = []
    for k, key in enumerate(keys):
        if key not in info:
            raise ValueError(f"edition {ed.name} has no row {key!r}")
        dropped = dict(cols, edition=_core.edition_reweighted(ed, {key: 0}))
        res = batch.score_columns(dropped, threads=threads, policy=policy)
        rank, of_type = national_ranks(dropped, res)
        shift = rank_shift(rank, of_type, nominal_rank)
        out.append({"row": key, "aspect": info[key]["aspect"], "weight": float(info[key]["weight"]),
                    "mean_abs_rank_shift": float(shift.mean()) if shift.size else float("nan"),
                    "max_abs_rank_shift": int(shift.max()) if shift.size else 0,
                    "regions_moved": int((shift > 0).sum()),
                    "mean_iid_change": float((res["iid_h"] - nominal["iid_h"]).mean() / 100)})
        if on_row is not None:
            on_row(k + 1)
    df = pd.DataFrame(out, columns=["row", "aspect", "weight", "mean_abs_rank_shift", "max_abs_rank_shift",
                                    "regions_moved", "mean_iid_change"])
    df.attrs.update({"version": __version__, "edition": ed.name, "edition_sha256": ed.sha256, "policy": policy,
                     "regions": len(cols["codes"])})
    return df
