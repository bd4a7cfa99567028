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

# numpy is imported where the estimators run, not when the CLI registers this subcommand.
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
    import numpy as np

    ya = np.asarray(ya, dtype=np.float64)
    yab = np.asarray(yab, dtype=np.float64)
    if yab.ndim == 1:
        yab = yab.reshape(-1, 1)
    return _core.sobol_indices(ya, np.asarray(yb, dtype=np.float64), yab, int(resamples), float(confidence),
                               int(seed))


def _split(y, d: int) -> tuple:
    import numpy as np

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



# --- Studies of the IID model -------------------------------------------------------------------

OUTPUTS = ("region:CODE", "rank:CODE", "province-rank:CODE", "rank-shift")
"""The outputs a study can explain: one region's IID, its national rank (by type), its rank
within its province, or the mean absolute national rank shift against the nominal ranks."""


def _model(files_or_model, uncertainty, edition, seed, threads):
    from . import _core, uncertainty as unc

    if isinstance(files_or_model, _core.UncertaintyModel):
        return files_or_model
    return unc.model(files_or_model, uncertainty, edition, None, seed, threads)


def parse_output(output: str, codes: Sequence[str]) -> tuple:
    """``(kind, region index)`` of an output spec (:data:`OUTPUTS`); ValueError naming it."""
    if output == "rank-shift":
        return "rank_shift", 0
    kinds = {"region": "iid", "rank": "national_rank", "province-rank": "province_rank"}
    head, sep, code = output.partition(":")
    if not sep or head not in kinds or not code:
        raise ValueError(f"output {output!r}: one of {', '.join(OUTPUTS)}")
    try:
        return kinds[head], list(codes).index(code)
    except ValueError:
        raise ValueError(f"output {output!r}: no region {code!r} in the inputs") from None


def provenance(mdl, **extra) -> dict:
    from . import __version__

    ed = mdl.editions[0]
    return {"inovasi": __version__, "edition": ed.name, "edition_sha256": ed.sha256,
            "editions": [e.name for e in mdl.editions], "policy": mdl.policy, "seed": int(mdl.seed), **extra}


def run(files_or_model, uncertainty=None, output: str = "rank-shift", samples: int = 256, seed: int | None = None,
        threads: int = 1, resamples: int = 1000, confidence: float = 0.95, edition=None,
        progress: bool | None = None):
    """Sobol' indices of ``output`` (:data:`OUTPUTS`) for every input group of the uncertainty
    model (``evidence:<row>``, ``weights``, ``divisor_minimum``, ``edition``: what the
    uncertainty file varies), from ``samples`` (N, a power of two) × (groups + 2) evaluations of
    the model over all regions. Returns the indices DataFrame (:data:`COLUMNS`) with attrs
    ``provenance`` (version, edition, its sha256, policy, seed) and ``N``, ``output``,
    ``resamples``, ``confidence``, ``variance``, ``outputs`` (the N(D + 2) evaluations' values,
    SALib's order). ``progress``: a bar (None: on a terminal only);
    Ctrl-C stops the run cleanly (KeyboardInterrupt)."""
    from ._progress import bar

    mdl = _model(files_or_model, uncertainty, edition, seed, threads)
    kind, region = parse_output(output, mdl.region_table()["codes"])
    groups = list(mdl.groups)
    with bar(int(samples) * (len(groups) + 2), "evaluations", enabled=progress) as update:
        res = _core.sensitivity_run(mdl, kind, region, int(samples), int(threads), int(resamples),
                                    float(confidence), update)
    df = frame(res, res["groups"], output=output,
               provenance=provenance(mdl, N=int(samples), output=output))
    df.attrs["seed"] = int(mdl.seed)
    # A list, not an array: pandas compares attrs with == when it combines frames.
    df.attrs["outputs"] = res["outputs"].tolist()
    return df


def leave_one_out(files_or_model, uncertainty=None, edition=None, threads: int = 1,
                  progress: bool | None = None):
    """Impact of each row on the national ranking (by type): the row dropped — its weight 0,
    the maximum total recomputed from the remaining weights so the IID stays on 0–100 — and every
    region rescored under the uncertainty file's policy, nothing drawn. One DataFrame row per
    edition row: ``row``, ``mean_abs_rank_shift`` (over the regions ranked nominally; a region
    that becomes unranked counts one below the last of its type), ``max_abs_rank_shift``,
    ``regions_moved`` (rank changed), ``mean_iid_change`` (points). attrs: ``provenance``."""
    import pandas as pd

    from ._progress import bar

    mdl = _model(files_or_model, uncertainty, edition, None, threads)
    n_rows = len(mdl.editions[0].rows)
    with bar(n_rows, "rows", enabled=progress) as update:
        rows = _core.leave_one_row_out(mdl, int(threads), update)
    df = pd.DataFrame(rows, columns=["row", "mean_abs_rank_shift", "max_abs_rank_shift", "regions_moved",
                                     "mean_iid_change"])
    df["row"] = df["row"].astype("string")
    df.attrs["provenance"] = provenance(mdl, regions=int(mdl.regions))
    return df


# --- Command line -------------------------------------------------------------------------------

def add_parser(sub) -> None:
    from .cli import integer, nonempty

    p = sub.add_parser("sensitivity", help="variance-based sensitivity: which inputs drive an IID, a rank, the ranking",
                       description="Sobol' first-order and total indices (Saltelli 2010, Jansen) with bootstrap "
                                   "intervals for each input group of an uncertainty file (docs/sensitivity.md)")
    p.add_argument("files", nargs="+", metavar="FILE", help="JSON Lines or JSON submission files")
    p.add_argument("--uncertainty", metavar="FILE", type=nonempty,
                   help="the uncertainty file (docs/uncertainty.md; default: every answer's evidence drawn at its "
                        "acceptance, failed answers at level 0, policy self_assessed, seed 0)")
    p.add_argument("--output", default="rank-shift", metavar="OUTPUT",
                   help="region:CODE (its IID), rank:CODE (national rank by type), province-rank:CODE, or "
                        "rank-shift (mean absolute national rank shift; the default)")
    p.add_argument("--samples", type=integer(2, 1 << 24, "a power of two from 2 to 16777216"), default=256,
                   help="N, a power of two (default 256): N × (groups + 2) evaluations")
    p.add_argument("--resamples", type=integer(0, 100000, "a whole number from 0 to 100000"), default=1000,
                   help="bootstrap resamples for the intervals (default 1000)")
    p.add_argument("--seed", type=integer(0, 2**63 - 1, "a whole number from 0 to 2^63-1"),
                   help="seed of the design and the bootstrap (overrides the file)")
    p.add_argument("--threads", type=integer(0, None, "a whole number of at least 0"), default=0,
                   help="threads (default 0: one per hardware thread); the result does not depend on it")
    p.add_argument("--edition", type=nonempty, help="score every record under this edition (name or path)")
    p.add_argument("--leave-one-out", action="store_true",
                   help="instead: each row dropped (weight 0, maximum total recomputed) and its rank impact")
    p.add_argument("--format", choices=["json", "table"], default="json",
                   help="json (default: JSON Lines, one object per group or row) or table")
    p.set_defaults(func=run_cli)


def _json(obj) -> bytes:
    import json
    import math

    clean = {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in obj.items()}
    return (json.dumps(clean, ensure_ascii=False) + "\n").encode("utf-8")


def run_cli(args) -> int:
    from ._text import printable
    from .cli import UsageError, write_stdout

    if args.samples & (args.samples - 1):
        raise UsageError(f"--samples {args.samples}: a power of two (256, 512, 1024, ...)")
    try:
        mdl = _model(list(args.files), args.uncertainty, args.edition, args.seed, args.threads)
    except OSError as exc:
        raise UsageError(f"{printable(exc.filename or '')}: cannot read ({exc.strerror})") from None
    if args.leave_one_out:
        df = leave_one_out(mdl, threads=args.threads)
        prov = df.attrs["provenance"]
        if args.format == "table":
            text = [f"leave one row out: {prov['regions']} regions, {prov['edition']}, policy {prov['policy']}\n",
                    f"{'row':<8}{'mean |shift|':>13}{'max |shift|':>12}{'moved':>7}{'mean IID change':>17}\n"]
            for r in df.itertuples():
                text.append(f"{printable(r.row):<8}{r.mean_abs_rank_shift:>13.2f}{r.max_abs_rank_shift:>12}"
                            f"{r.regions_moved:>7}{r.mean_iid_change:>17.2f}\n")
            write_stdout(["".join(text).encode("utf-8")])
            return 0
        write_stdout([_json({**rec, "provenance": prov}) for rec in df.to_dict("records")])
        return 0
    try:
        df = run(mdl, output=args.output, samples=args.samples, threads=args.threads, resamples=args.resamples)
    except ValueError as exc:
        if str(exc).startswith("output "):
            raise UsageError(f"--{exc}") from None
        raise
    prov = {**df.attrs["provenance"], "resamples": df.attrs["resamples"], "confidence": df.attrs["confidence"]}
    if args.format == "table":
        text = [f"Sobol' indices of {printable(args.output)}: N {args.samples}, seed {prov['seed']}, policy "
                f"{prov['policy']}, {prov['edition']} ({df.attrs['confidence']:.0%} bootstrap intervals)\n",
                f"{'group':<22}{'S1':>8}  {'interval':<17}{'ST':>8}  {'interval':<17}\n"]
        for r in df.itertuples():
            text.append(f"{printable(r.group):<22}{r.S1:>8.3f}  [{r.S1_lo:>6.3f}, {r.S1_hi:>6.3f}] "
                        f"{r.ST:>8.3f}  [{r.ST_lo:>6.3f}, {r.ST_hi:>6.3f}]\n")
        write_stdout(["".join(text).encode("utf-8")])
        return 0
    write_stdout([_json({**{c: (str(v) if c == "group" else float(v)) for c, v in rec.items()},
                         "output": args.output, "provenance": prov})
                  for rec in df[COLUMNS].to_dict("records")])
    return 0
