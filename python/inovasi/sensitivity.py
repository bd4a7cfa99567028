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

