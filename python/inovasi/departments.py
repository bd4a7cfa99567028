"""`inovasi departments`: one region's IID split exactly by department (OPD), plus the
government (SPD) and count lines, and the department ranking ("OPD terinovatif").

Built on the per-department roll-up `inovasi.score` already carries: nothing of the arithmetic is
recomputed here, only added up. The IID is total x 100 / the edition's maximum total, and the total
is SPD points + count points + the innovation average; each department's `iid_contribution_exact`
is its share of the innovation average on the IID scale, so the lines below add up exactly (as
fractions) to the unrounded `iid_exact`. A score whose parts do not is an error, never a table.
"""

from __future__ import annotations

import argparse
import io
from fractions import Fraction
from typing import Optional, Sequence

from ._text import hundredths_text, printable


def _exact(text) -> Fraction:
    return Fraction(str(text))


def _points(x) -> Fraction:
    """Points the score JSON writes as numbers with two decimals are exact hundredths (scoring
    is in integer hundredths); read them from their text, not as binary floats."""
    return Fraction(f"{x:.2f}") if isinstance(x, float) else Fraction(x)


def breakdown(data, edition=None, policy: str = "self_assessed") -> dict:
    """The exact split of one region's IID: ``lines`` (one dict per department, then
    ``government`` and ``count``: ``line`` kind, ``name``, ``innovations``, ``mean_points``
    (Fraction or None), ``iid`` (Fraction, the IID it contributes), ``rank`` (departments only:
    competition rank by mean points, ties share a rank)), ``iid_exact`` (Fraction, their sum),
    ``iid_h``, ``region``, ``edition``, ``policy``. ``data``: what ``inovasi.score`` takes, or
    its Result, or a score JSON as a dict."""
    from . import _api

    if isinstance(data, dict) and "iid_exact" in data:
        s = data  # a score JSON already parsed
    else:
        result = data if isinstance(data, _api.Result) else _api.score(data, edition, policy)
        s = result.to_dict()
    iid_h = round(_points(s["iid"]) * 100)
    ed = _api.edition(s["edition"])
    scale = Fraction(100) / _exact(ed.max_total)  # IID per point of the total
    gov, count = _points(s["government_points"]), _points(s["count_points"])
    inv_avg = _exact(s["innovation_average_exact"])
    iid_exact = _exact(s["iid_exact"])
    if (gov + count + inv_avg) * scale != iid_exact or _exact(s["total_exact"]) != gov + count + inv_avg:
        raise ArithmeticError(f"region {s['region']}: the score's parts do not add up to its IID "
                              "(government + count + innovation average)")
    lines = [{"line": "department", "name": d["name"], "innovations": d["innovations"],
              "mean_points": _exact(d["mean_points_exact"]), "iid": _exact(d["iid_contribution_exact"])}
             for d in s["departments"]]
    # Standard competition ranking by mean points (1, 2, 2, 4); equal means share a rank.
    means = sorted((x["mean_points"] for x in lines), reverse=True)
    for x in lines:
        x["rank"] = 1 + sum(1 for m in means if m > x["mean_points"])
    lines.sort(key=lambda x: (x["rank"], x["name"]))
    lines.append({"line": "government", "name": "SPD (government indicators)", "innovations": None,
                  "mean_points": None, "iid": gov * scale, "rank": None})
    lines.append({"line": "count", "name": "count points", "innovations": None,
                  "mean_points": None, "iid": count * scale, "rank": None})
    total = sum((x["iid"] for x in lines), Fraction(0))
    if total != iid_exact:
        raise ArithmeticError(f"region {s['region']}: departments + government + count = {total}, "
                              f"not the IID {iid_exact}")
    return {"region": s["region"], "name": s.get("name"), "edition": s["edition"], "policy": s["policy"],
            "edition_sha256": ed.sha256, "iid_exact": iid_exact, "iid_h": int(iid_h),
            "category": s["category"], "lines": lines}


def frame(data, edition=None, policy: str = "self_assessed"):
    """:func:`breakdown` as a pandas DataFrame, one row per line (docs/decisions.md): ``line``
    (categorical: department, government, count), ``department`` (string), ``innovations``
    (Int64), ``mean_points`` (float, 2 decimals), ``iid`` (float, 2 decimals, for reading),
    ``iid_exact`` (object: fractions.Fraction; these add up exactly to the region's unrounded
    IID), ``rank`` (Int64, departments only)."""
    import pandas as pd

    b = breakdown(data, edition, policy)
    ls = b["lines"]
    df = pd.DataFrame({
        "line": pd.Categorical([x["line"] for x in ls], categories=["department", "government", "count"]),
        "department": pd.array([x["name"] for x in ls], dtype="string"),
        "innovations": pd.array([x["innovations"] for x in ls], dtype="Int64"),
        "mean_points": [round(float(x["mean_points"]), 2) if x["mean_points"] is not None else float("nan")
                        for x in ls],
        "iid": [round(float(x["iid"]), 2) for x in ls],
        "iid_exact": pd.Series([x["iid"] for x in ls], dtype=object),
        "rank": pd.array([x["rank"] for x in ls], dtype="Int64"),
    })
    df.attrs.update({k: b[k] for k in ("region", "edition", "policy", "edition_sha256", "iid_h")})
    return df


def _h2(f: Fraction) -> str:
    """A fraction as a number with two decimals, rounded half up (for reading only)."""
    q = (f * 100 + Fraction(1, 2)).__floor__()
    return hundredths_text(int(q))


def render(b: dict) -> str:
    buf = io.StringIO()
    w = buf.write
    w(f"{printable(b['region'])} {printable(b['name'] or '')} under {printable(b['edition'])} ({b['policy']}): "
      f"IID {hundredths_text(b['iid_h'])} {printable(b['category'])} (unrounded {b['iid_exact']})\n\n")
    w(f"{'rank':>4}  {'department':<52}{'innovations':>11}{'mean points':>12}{'IID':>8}\n")
    for x in b["lines"]:
        rank = str(x["rank"]) if x["rank"] is not None else ""
        n = str(x["innovations"]) if x["innovations"] is not None else ""
        m = _h2(x["mean_points"]) if x["mean_points"] is not None else ""
        w(f"{rank:>4}  {printable(x['name'])[:51]:<52}{n:>11}{m:>12}{_h2(x['iid']):>8}\n")
    w(f"{'':>4}  {'IID (unrounded: ' + str(b['iid_exact']) + ')':<52}{'':>11}{'':>12}{_h2(b['iid_exact']):>8}\n")
    w("\nThe lines add up exactly to the unrounded IID; each is shown rounded to two decimals, so the "
      "shown figures may differ from the total by rounding.\n")
    return buf.getvalue()


def json_object(b: dict) -> dict:
    from . import __version__

    def ex(f):
        return None if f is None else str(f)

    return {"region": b["region"], "edition": b["edition"], "policy": b["policy"],
            "iid": float(hundredths_text(b["iid_h"])), "iid_h": b["iid_h"], "iid_exact": str(b["iid_exact"]),
            "category": b["category"],
            "lines": [{"line": x["line"], "name": x["name"], "innovations": x["innovations"],
                       "mean_points": None if x["mean_points"] is None else round(float(x["mean_points"]), 2),
                       "mean_points_exact": ex(x["mean_points"]), "iid": round(float(x["iid"]), 2),
                       "iid_exact": str(x["iid"]), "rank": x["rank"]} for x in b["lines"]],
            "provenance": {"inovasi": __version__, "edition": b["edition"],
                           "edition_sha256": b["edition_sha256"], "policy": b["policy"]}}


def add_parser(sub) -> None:
    p = sub.add_parser("departments", help="one region's IID split exactly by department, with the OPD ranking",
                       description=__doc__.split("\n\n")[0])
    p.add_argument("files", nargs="+", metavar="FILE", help="JSON submission files (JSON Lines: one region per line)")
    from .cli import nonempty

    p.add_argument("--edition", type=nonempty, help="score under this edition (name or path)")
    p.add_argument("--policy", default="self_assessed",
                   choices=["self_assessed", "supported", "strict", "assessor"])
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(func=run)


def run(args) -> int:
    import json

    from . import _api
    from .cli import UsageError, write_stdout

    chunks = []
    for f in args.files:
        try:
            with open(f, "rb") as fh:
                text = fh.read()
        except OSError as exc:
            raise UsageError(f"{printable(f)}: cannot read ({exc.strerror})") from None
        records = _api.score_many(text, args.edition, override_edition=args.edition is not None,
                                  policy=args.policy, source=printable(f))
        for _index, line, column, score_json, error, pointer in records:
            if score_json is None:
                raise _api.InputError(error)  # it names FILE:LINE:COLUMN and the JSON Pointer
            b = breakdown(json.loads(score_json))
            if args.format == "json":
                obj = json_object(b)
                line = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
                # The IID as a number with exactly two decimals, as `inovasi score` writes it.
                line = line.replace(f'"iid":{json.dumps(obj["iid"])},', f'"iid":{hundredths_text(b["iid_h"])},', 1)
                chunks.append((line + "\n").encode("utf-8"))
            else:
                chunks.append((render(b) + "\n").encode("utf-8"))
    write_stdout(chunks)
    return 0
