"""`inovasi explain`: why a region scores what it scores, and where its points are (docs/plan.md).

For one region under a policy: the points lost per indicator against its maximum (they add up,
exactly, to the maximum total minus the region's total), the distance to the next category, the
seats below the minimum divisor and what one more innovation of the region's median profile is
worth, the basic-service affairs the count gate still misses, and the evidence findings ordered
by the points they put at risk.
"""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any, Mapping, Optional

from ._text import hundredths_text, printable

__all__ = ["explain", "explain_table"]


def _h(f: Fraction) -> str:
    """An exact IID as text with two decimals (half up), for people."""
    sign = "-" if f < 0 else ""
    f = abs(f)
    h = (f * 100 * 2 + 1) // 2
    return sign + hundredths_text(int(h))


def explain(source, region: Optional[str] = None, policy: str = "self_assessed", edition=None) -> dict:
    """The explanation of one region (by code; the first when None) of ``source`` (a path or
    submission dict/JSON)."""
    import inovasi
    from . import planning
    from .scenario import ScenarioBase

    if isinstance(source, dict):
        text = inovasi._core.json_text(source)  # as score() reads a dict (numpy integers too)
    else:
        with open(source, encoding="utf-8") as f:
            text = f.read()
    try:
        subs = [json.loads(text)]
    except json.JSONDecodeError:  # JSON Lines (the scenario base below names a bad line)
        subs = []
    base = ScenarioBase(text.encode("utf-8"), edition=edition)
    if not subs:
        subs = [json.loads(line) for line in text.splitlines() if line.strip()]
    code = region or base.codes[0]
    sub = next((s for s in subs if s["region"]["code"] == code), None)
    if sub is None:
        raise inovasi.InputError(f"no region with code {code!r} in the input")
    s = inovasi.score(sub, policy=policy, edition=edition, override_edition=edition is not None).to_dict()
    ed = inovasi.edition(edition if edition is not None else s["edition"])
    M = ed.level_max
    max_total = Fraction(str(ed.max_total))
    n = s["innovations_counted"]
    D = s["divisor"]
    weights = {r["key"]: Fraction(str(r["weight"])) for r in ed.rows}

    # Points lost against the maximum, per row (in points of the total and of the IID).
    lost = []
    for r in s["indicators"]:
        pts = (M - r["level"]) * weights[r["row"]]
        lost.append({"row": r["row"], "aspect": "government", "points_lost": pts})
    per_row = {r["key"]: Fraction(0) for r in ed.rows if r["per_innovation"]}
    for inv in s["innovations"]:
        if not inv["counted"]:
            continue
        for row in per_row:  # a row the innovation did not answer is at level 0
            per_row[row] += (M - inv["levels"].get(row, 0)) * weights[row]
    for row, pts in per_row.items():
        # Innovation points are averaged over the divisor; the empty seats below it lose every row.
        empty = (D - n) * M * weights[row]
        lost.append({"row": row, "aspect": "innovation", "points_lost": (pts + empty) / D})
    cp = ed.count_points
    count_max = Fraction(str(cp["rate"])) * cp["cap"]
    count_lost = count_max - Fraction(str(s["count_points"]))
    total = Fraction(s["total_exact"])
    for x in lost:
        x["iid_lost"] = x["points_lost"] * 100 / max_total
    lost.sort(key=lambda x: (-x["points_lost"], x["row"]))

    # The next category and the distance to it.
    iid_h = round(s["iid"] * 100)
    bands = ed.categories
    nxt = None
    for b in bands:
        lower_h = int(Fraction(str(b["lower"])) * 100)
        # Read off the rounded IID, a strict bound needs the next hundredth; read off the exact
        # IID, anything above the bound (the distance is then "more than" lower - iid).
        need_h = lower_h + 1 if b["strict"] and ed.category_reading == "rounded" else lower_h
        if need_h > iid_h:
            nxt = {"category": b["label"], "iid_needed": need_h, "distance_h": need_h - iid_h}
    # One more innovation like the region's median one (scenario engine).
    gate = cp.get("gate")
    missing = [a for a in gate["affairs"] if a not in s["count_gate"]["covered"]] if gate else []
    # Only the new innovation's step: every row fixed, so no level step is scored for nothing.
    rows = planning.gains(base, code, policy=policy, max_new=1, new_profile="median", all=True,
                          fixed_rows=[r["key"] for r in ed.rows])
    new = next(r for r in rows if r["step"] == "new_innovation")
    worth = {"iid_after": new["iid_after"], "gain": new["gain"], "gain_exact": new["gain_exact"]}
    # Findings by the points they put at risk (the answer's claimed minus validated points).
    risk = {}
    for r in s["indicators"]:
        risk[(None, r["row"])] = Fraction(str(r["points_at_risk"]))
    for inv in s["innovations"]:
        for row, lv in inv["levels"].items():
            claimed = inv.get("claimed_levels", inv["levels"]).get(row, 0)
            risk[(inv["id"], row)] = (claimed - lv) * weights[row] if inv["counted"] else Fraction(0)
    findings = []
    for f in s["findings"]:
        if f["severity"] == "info":
            continue
        pts = risk.get((f.get("innovation"), f.get("row")), Fraction(0))
        findings.append({**f, "points_at_risk": pts})
    findings.sort(key=lambda f: (-f["points_at_risk"], f["pointer"]))
    return {
        "region": code, "name": s.get("name", ""), "edition": s["edition"], "policy": policy,
        "iid": s["iid"], "category": s["category"], "total_exact": total, "max_total": max_total,
        "lost": lost, "count_points_lost": count_lost,
        "next_category": nxt, "innovations_counted": n, "divisor": D,
        "divisor_minimum": ed.divisor_minimum, "seats_below_divisor": max(0, ed.divisor_minimum - n),
        "one_more_innovation": worth, "gate_missing": missing,
        "gate_open": s["count_gate"]["open"] if gate else True,
        "gate_min_covered": gate["min_covered"] if gate else 0, "findings": findings,
        "provenance": {"inovasi": inovasi.__version__, "edition": ed.name, "edition_sha256": ed.sha256,
                       "policy": policy},
    }


def explain_table(x: Mapping[str, Any], top: int = 10) -> str:
    name = f" {x['name']}" if x["name"] else ""
    out = [f"{x['region']}{name} ({x['edition']}, {x['policy']}): IID {x['iid']:.2f} {x['category']}"]
    if x["next_category"]:
        nc = x["next_category"]
        out.append(f"  next category {nc['category']}: IID {hundredths_text(nc['iid_needed'])}, "
                   f"{hundredths_text(nc['distance_h'])} away")
    out.append(f"  innovations counted: {x['innovations_counted']}, divisor {x['divisor']} "
               f"(minimum {x['divisor_minimum']}): {x['seats_below_divisor']} seat(s) below it score 0")
    if x["one_more_innovation"]:
        w = x["one_more_innovation"]
        out.append(f"  one more innovation like the region's median one: +{w['gain']:.2f} IID (to {w['iid_after']:.2f})")
    if x["gate_missing"] or not x["gate_open"]:
        out.append(f"  count gate {'open' if x['gate_open'] else 'CLOSED'}: needs {x['gate_min_covered']} basic-service "
                   f"affairs; not covered: {', '.join(x['gate_missing']) or '-'}")
    out.append(f"  points lost against the maximum (IID): count points {_h(x['count_points_lost'] * 100 / x['max_total'])}")
    for r in x["lost"][:top]:
        if r["points_lost"] == 0:
            break
        out.append(f"    indikator {r['row']:>4} ({r['aspect']}): {_h(r['iid_lost'])}")
    fs = [f for f in x["findings"] if f["points_at_risk"] > 0]
    if fs:
        out.append("  evidence findings by the points they put at risk:")
        for f in fs[:top]:
            who = f" {f['innovation']}" if f.get("innovation") else ""
            out.append(f"    {float(f['points_at_risk']):6.2f} pts  indikator {f['row']}{who}: {f['message']}")
        if len(fs) > top:
            out.append(f"    ... {len(fs) - top} more")
    return "\n".join(printable(line) for line in out)


def add_parser(sub) -> None:
    from .cli import nonempty

    p = sub.add_parser("explain", help="why a region scores what it scores, and where its points are")
    p.add_argument("file", metavar="FILE", help="a submission (JSON) or JSON Lines")
    p.add_argument("--region", metavar="CODE", help="the region (default: the first)")
    p.add_argument("--edition", type=nonempty, help="score under this edition (name or path)")
    p.add_argument("--policy", default="self_assessed", choices=["self_assessed", "supported", "strict", "assessor"])
    p.add_argument("--top", type=int, default=10, help="rows and findings shown (default 10)")
    p.add_argument("--format", choices=["json", "table"], default="json")
    p.set_defaults(func=run)


def _jsonable(v):
    if isinstance(v, Fraction):
        return str(v)
    if isinstance(v, dict):
        return {k: _jsonable(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_jsonable(x) for x in v]
    return v


def run(args) -> int:
    from .cli import write_stdout

    x = explain(args.file, args.region, args.policy, args.edition)
    text = explain_table(x, args.top) if args.format == "table" else json.dumps(_jsonable(x), ensure_ascii=False)
    write_stdout([(text + "\n").encode("utf-8")])
    return 0
