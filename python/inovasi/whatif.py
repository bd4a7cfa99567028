"""`inovasi whatif`: a scenario in the change format (docs/scenario.md) applied to a data set,
with what it changes — per region the IID and category before and after and the ranks by
region type before and after; for the regions it touches, the delta per indicator, innovation
and department.

The totals come from the scenario base (the exact engine). The breakdown comes from scoring the
changed submissions themselves: the scenario's level changes written in as claims, switched-off
innovations as drafts, added innovations appended. Both must agree, and a disagreement is an
error, never a silent difference. A change that brings new evidence (`"evidence": true`), or an added
innovation (whose evidence the scenario takes to support its levels), under a validated policy
has no submission to score without its documents; those regions get totals only, and say so.
"""

from __future__ import annotations

import copy
import json
from typing import Any, Mapping, Optional, Sequence, Union

from ._text import hundredths_text, printable

__all__ = ["whatif", "whatif_table", "applied"]


def _changes(changes: Union[Mapping[str, Any], str, bytes]) -> dict:
    if isinstance(changes, (bytes, bytearray)):
        changes = changes.decode("utf-8")
    if isinstance(changes, str):
        return json.loads(changes)
    return dict(changes)


def applied(sub: Mapping[str, Any], changes: Sequence[Mapping[str, Any]]) -> dict:
    """The submission with the changes that name its region written in (level changes as claims,
    switches as draft/submitted, added innovations appended)."""
    s = copy.deepcopy(dict(sub))
    code = s["region"]["code"]
    invs = s.setdefault("innovations", [])

    def innovation(ref):
        if isinstance(ref, int):
            return invs[ref]
        return next(i for i in invs if i["id"] == ref)

    original_status = {i["id"]: i["status"] for i in invs}
    for c in changes:
        if c["region"] != code:
            continue
        if "add" in c:
            a = c["add"]
            invs.append({"id": a.get("id", f"baru-{len(invs) + 1}"), "status": a.get("status", "submitted"),
                         "affairs": a.get("affairs", []),
                         "answers": {k: {"level": v} for k, v in a.get("levels", {}).items()}})
        elif "enabled" in c:
            inv = innovation(c["innovation"])
            was = original_status[inv["id"]]
            inv["status"] = "draft" if not c["enabled"] else ("rejected" if was == "rejected" else "submitted")
            if c["enabled"]:  # switched on, an ineligible innovation counts too
                inv.pop("applied_date", None)
        else:
            answers = s.setdefault("government", {}) if "innovation" not in c else \
                innovation(c["innovation"]).setdefault("answers", {})
            a = answers.setdefault(c["row"], {})
            a.pop("value", None)  # the claim is the level now; a value would have to agree with it
            a.pop("basis", None)
            a["level"] = c["level"]
    return s


def _rows_of(score: Mapping[str, Any]) -> dict:
    out = {r["row"]: r["points"] for r in score["indicators"]}
    for r in score["innovation_indicators"]:
        out[r["row"]] = r["average_share"]
    return out


def whatif(source, changes, edition=None) -> dict:
    """Apply ``changes`` (the change format, a dict or its JSON) to ``source`` (a path, a list of
    paths or bytes of JSON Lines)."""
    import numpy as np

    import inovasi
    from . import batch
    from .scenario import ScenarioBase

    sc = _changes(changes)
    policy = sc.get("policy", "self_assessed")
    base = ScenarioBase(source, edition=edition)
    # A scenario naming another edition ("edition") is scored against the records re-bound to
    # it: "before" is the data under its own edition, "after" the scenario under the named one.
    rebound = base.for_changes(json.dumps(sc))
    before = base.nominal(policy)
    after = rebound.score(sc)
    types = np.asarray(base._base.types)
    labels = batch.category_labels(base.edition)
    labels_after = batch.category_labels(rebound.edition)
    rank_before = batch.competition_ranks(before["iid_h"], types, before["category"] != len(labels) - 1)
    rank_after = batch.competition_ranks(after["iid_h"], types, after["category"] != len(labels_after) - 1)
    # Another edition touches every region.
    touched = sorted(set(base.codes) if rebound is not base else {c["region"] for c in sc.get("changes", [])})
    # New evidence, and an added innovation (whose evidence the scenario takes to support every
    # level), have no submission to score under a validated policy.
    evidenced = policy != "self_assessed" and any(c.get("evidence") or "add" in c for c in sc.get("changes", []))
    subs = {}
    if touched and not evidenced:
        # Each input on its own (one JSON value, or JSON Lines); the scenario base read them all.
        texts = [source.decode("utf-8")] if isinstance(source, (bytes, bytearray)) else [
            open(p, encoding="utf-8").read() for p in ([source] if not isinstance(source, (list, tuple)) else source)]
        records = []
        for text in texts:
            try:
                records.append(json.loads(text))
            except json.JSONDecodeError:
                records.extend(json.loads(x) for x in text.splitlines() if x.strip())
        subs = {r["region"]["code"]: r for r in records}
    regions = []
    for i, code in enumerate(base.codes):
        row = {"region": code, "iid_before": int(before["iid_h"][i]) / 100, "iid_after": int(after["iid_h"][i]) / 100,
               "category_before": labels[before["category"][i]], "category_after": labels_after[after["category"][i]],
               "rank_before": int(rank_before[i]), "rank_after": int(rank_after[i])}
        if code in touched:
            if code in subs:
                kw = {"edition": edition, "override_edition": True} if edition is not None else {}
                kw1 = {"edition": rebound.edition, "override_edition": True} if rebound is not base else kw
                s0 = inovasi.score(subs[code], policy=policy, **kw).to_dict()
                s1 = inovasi.score(applied(subs[code], sc.get("changes", [])), policy=policy, **kw1).to_dict()
                if round(s1["iid"] * 100) != int(after["iid_h"][i]) or round(s0["iid"] * 100) != int(before["iid_h"][i]):
                    raise RuntimeError(f"whatif: the scenario base and score() disagree on region {code} (a bug)")
                r0, r1 = _rows_of(s0), _rows_of(s1)
                row["rows"] = {k: round(r1.get(k, 0) - r0.get(k, 0), 4) for k in r1 if r1.get(k, 0) != r0.get(k, 0)}
                p0 = {x["id"]: x["points"] for x in s0["innovations"]}
                row["innovations"] = {x["id"]: round(x["points"] - p0.get(x["id"], 0), 2) for x in s1["innovations"]
                                      if x["points"] != p0.get(x["id"], 0)}
                d0 = {d["name"]: d["iid_contribution"] for d in s0["departments"]}
                row["departments"] = {d["name"]: round(d["iid_contribution"] - d0.get(d["name"], 0), 4)
                                      for d in s1["departments"] if d["iid_contribution"] != d0.get(d["name"], 0)}
            else:
                row["breakdown"] = ("totals only: new evidence (or an added innovation's) under a validated policy has "
                                    "no submission to score")
        regions.append(row)
    out = {"edition": rebound.edition.name, "policy": policy, "touched": touched, "regions": regions,
           "provenance": {"inovasi": inovasi.__version__, "edition": rebound.edition.name,
                          "edition_sha256": rebound.edition.sha256, "policy": policy}}
    if rebound is not base:
        out["edition_before"] = base.edition.name
        out["provenance"]["edition_before_sha256"] = base.edition.sha256
    return out


def whatif_table(w: Mapping[str, Any], all_regions: bool = False) -> str:
    ed = f"{w['edition_before']} -> {w['edition']}" if w.get("edition_before") else w["edition"]
    lines = [f"what-if ({ed}, {w['policy']}): {len(w['touched'])} region(s) changed",
             f"{'region':<8} {'IID':>6} -> {'IID':>6}  {'rank':>5} -> {'rank':>5}  category"]
    for r in w["regions"]:
        if not all_regions and r["region"] not in w["touched"]:
            continue
        cat = r["category_before"] if r["category_before"] == r["category_after"] else \
            f"{r['category_before']} -> {r['category_after']}"
        lines.append(f"{r['region']:<8} {r['iid_before']:6.2f} -> {r['iid_after']:6.2f}  "
                     f"{r['rank_before'] or '-':>5} -> {r['rank_after'] or '-':>5}  {cat}")
        for key, label in (("rows", "indicators (points)"), ("innovations", "innovations (points)"),
                           ("departments", "departments (IID)")):
            if r.get(key):
                lines.append(f"    {label}: " + ", ".join(f"{k} {v:+g}" for k, v in r[key].items()))
        if r.get("breakdown"):
            lines.append(f"    {r['breakdown']}")
    return "\n".join(printable(x) for x in lines)


def add_parser(sub) -> None:
    from .cli import nonempty

    p = sub.add_parser("whatif", help="a scenario in the change format applied to a data set: deltas and ranks")
    p.add_argument("files", nargs="+", metavar="FILE", help="JSON Lines or JSON submission files")
    p.add_argument("--changes", required=True, type=nonempty, metavar="JSON|FILE",
                   help="the scenario (docs/scenario.md): its JSON text or a file holding it")
    p.add_argument("--edition", type=nonempty, help="score every record under this edition (name or path)")
    p.add_argument("--all", action="store_true", help="table: list every region, not only those changed")
    p.add_argument("--format", choices=["json", "table"], default="json")
    p.set_defaults(func=run)


def run(args) -> int:
    import os

    from .cli import UsageError, write_stdout

    text = args.changes
    if not text.lstrip().startswith("{"):
        if not os.path.exists(text):
            raise UsageError(f"--changes {printable(text)}: neither JSON nor a file")
        with open(text, encoding="utf-8") as f:
            text = f.read()
    try:
        changes = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"--changes: not JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") from None
    files = list(args.files) if len(args.files) > 1 else args.files[0]
    w = whatif(files, changes, args.edition)
    out = whatif_table(w, args.all) if args.format == "table" else json.dumps(w, ensure_ascii=False)
    write_stdout([(out + "\n").encode("utf-8")])
    return 0
