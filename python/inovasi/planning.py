"""`inovasi plan`: the cheapest path of each region to a target IID or category (docs/plan.md).

The planner is exact (a multiple-choice knapsack over cost, solved for each count of new
innovations): the steps it returns, applied to the submission with the evidence it lists and
scored under the same policy, give ``iid_after``, which reaches the target when ``reachable``.
"""

from __future__ import annotations

import json
import re
from typing import Any, Mapping, Optional, Sequence, Union

from ._text import printable

__all__ = ["plan", "plan_json", "gains", "gains_table", "parse_target", "plan_table", "evidence_items",
           "apply_plan"]

_IID = re.compile(r"^\d{1,3}(\.\d{1,2})?$")


def parse_target(text: str) -> tuple[Optional[int], Optional[str]]:
    """``"65.01"`` -> (6501, None): an IID, read exactly; anything else is a category label."""
    t = text.strip()
    if _IID.match(t):
        whole, _, frac = t.partition(".")
        return int(whole) * 100 + int((frac + "00")[:2]), None
    return None, t


def _profile(core, new_profile, max_new):
    """(profile mapping, median?) for the core: "max", "median", a mapping, or None."""
    if new_profile == "max":  # every innovation row at the edition's top level
        ed = core.edition
        new_profile = {r["key"]: ed.level_max for r in ed.rows if r["per_innovation"]}
    elif isinstance(new_profile, str) and new_profile != "median":
        raise ValueError(f'new_profile: {new_profile!r} is not "median", "max" or a mapping of row keys to levels')
    median = new_profile == "median" or (new_profile is None and max_new > 0)
    return ({} if median or new_profile is None else dict(new_profile)), median


def gains(base, region: str, policy: str = "self_assessed", costs: Optional[Mapping[str, int]] = None,
          default_cost: int = 1, fixed_rows: Sequence[str] = (), max_new: int = 0,
          new_profile: Union[Mapping[str, int], str, None] = None, new_affairs: Sequence[str] = (),
          new_cost: int = 1, all: bool = False) -> list[dict]:
    """Marginal gains of one region: every single step (one level more on one answer; one new
    innovation when ``max_new`` > 0) with the IID it gains, best first (docs/plan.md)."""
    return [json.loads(line) for line in gains_json(base, region, policy, costs, default_cost, fixed_rows, max_new,
                                                    new_profile, new_affairs, new_cost, all).splitlines()]


def gains_json(base, region: str, policy: str = "self_assessed", costs: Optional[Mapping[str, int]] = None,
               default_cost: int = 1, fixed_rows: Sequence[str] = (), max_new: int = 0,
               new_profile: Union[Mapping[str, int], str, None] = None, new_affairs: Sequence[str] = (),
               new_cost: int = 1, all: bool = False) -> str:
    core = getattr(base, "_base", base)
    profile, median = _profile(core, new_profile, max_new)
    return core.gains(region, policy=policy, row_cost=dict(costs or {}), default_cost=default_cost,
                      fixed_rows=list(fixed_rows), max_new=max_new, new_profile=profile, median_profile=median,
                      new_affairs=list(new_affairs), new_cost=new_cost, all=all)


def gains_table(rows: Sequence[Mapping[str, Any]], top: int = 20) -> str:
    """The best `top` steps for people, one line each."""
    if not rows:
        return "no single step gains anything"
    r0 = rows[0]
    lines = [f"{r0['region']} ({r0['edition']}, {r0['policy']}): the best single steps, IID gained first",
             f"{'#':>3}  {'gain':>6}  {'cost':>4}  {'IID after':>9}  step"]
    for r in rows[:top]:
        if r["step"] == "new_innovation":
            what = "one new innovation" + (f" ({', '.join(r['affairs'])})" if r["affairs"] else "")
        else:
            who = "pemerintah daerah" if r["innovation"] is None else f"inovasi {r['innovation']}"
            what = f"indikator {r['row']} {r['from']}->{r['to']}, {who}"
            ev = r.get("evidence", {})
            if ev.get("new"):
                what += ("; no evidence rules (unchecked row)" if ev.get("unchecked")
                         else f"; evidence: {', '.join(ev.get('kinds', [])) or 'no kind supports this level'}")
        lines.append(printable(f"{r['rank']:>3}  {r['gain']:>6.2f}  {r['cost']:>4}  {r['iid_after']:>9.2f}  {what}"))
    if len(rows) > top:
        lines.append(f"... {len(rows) - top} more (--top N)")
    return "\n".join(lines)


def plan(base, region: str, target: Union[str, float, int], policy: str = "self_assessed",
         costs: Optional[Mapping[str, int]] = None, default_cost: int = 1, fixed_rows: Sequence[str] = (),
         max_new: int = 0, new_profile: Union[Mapping[str, int], str, None] = None,
         new_affairs: Sequence[str] = (), new_cost: int = 1,
         budgets: Optional[Mapping[str, int]] = None, government_budget: Optional[int] = None,
         new_department: str = "") -> dict:
    return json.loads(plan_json(base, region, target, policy, costs, default_cost, fixed_rows, max_new,
                                new_profile, new_affairs, new_cost, budgets, government_budget, new_department))


def plan_json(base, region: str, target: Union[str, float, int], policy: str = "self_assessed",
              costs: Optional[Mapping[str, int]] = None, default_cost: int = 1, fixed_rows: Sequence[str] = (),
              max_new: int = 0, new_profile: Union[Mapping[str, int], str, None] = None,
              new_affairs: Sequence[str] = (), new_cost: int = 1,
              budgets: Optional[Mapping[str, int]] = None, government_budget: Optional[int] = None,
              new_department: str = "") -> str:
    """The cheapest path of one region (by code) of a :class:`inovasi.scenario.ScenarioBase`
    to ``target`` (an IID such as ``"65.00"`` or a category label). ``new_profile``: levels of a
    new innovation by row key, ``"max"`` (every row at the top level) or ``"median"`` (the lower
    median of the region's counted innovations, the default when new innovations are allowed).
    ``budgets``: the most each named department may be charged (its innovations' steps, and the
    new innovations when it is ``new_department``); ``government_budget``: the same for the
    government rows. Returns the plan as a dict (docs/plan.md); plan_json gives its JSON text (the
    numbers as the library writes them)."""
    iid_h, category = parse_target(target if isinstance(target, str) else f"{target:.2f}")
    core = getattr(base, "_base", base)
    profile, median = _profile(core, new_profile, max_new)
    text = core.plan(region, target_iid_h=iid_h, target_category=category, policy=policy,
                     row_cost=dict(costs or {}), default_cost=default_cost, fixed_rows=list(fixed_rows),
                     max_new=max_new, new_profile=profile, median_profile=median,
                     new_affairs=list(new_affairs), new_cost=new_cost, department_budget=dict(budgets or {}),
                     government_budget=government_budget, new_department=new_department)
    return text


def _submission_text(submission) -> str:
    if isinstance(submission, (bytes, bytearray)):
        return bytes(submission).decode("utf-8")
    return submission if isinstance(submission, str) else json.dumps(submission, ensure_ascii=False)


def evidence_items(p: dict, submission, edition=None) -> dict:
    """The plan with the evidence items its steps need built in (under a validated policy):
    each step that needs new evidence gets ``evidence["items"]``, a list of evidence items in
    the submission format that supports its ``to`` level with no error-severity finding on
    that answer (checked by pre-validation on ``submission``: the innovation's kind and applied
    date as they are), or None when the search finds none; each new innovation gets
    ``evidence``, row -> items, for the rows with evidence rules above the lowest level.
    :func:`apply_plan` writes them in. ``submission``: the region's JSON (dict or text)."""
    from . import _core
    from ._api import edition as _edition

    if p["policy"] == "self_assessed":
        return p
    ed = _edition(edition) if edition is not None else None
    text = _submission_text(submission)
    for st in p["steps"]:
        ev = st.get("evidence") or {}
        if ev.get("new") and not ev.get("unchecked"):
            items = _core.supporting_evidence(text, st["innovation"], st["row"], st["to"], ed)
            ev["items"] = None if items is None else json.loads(items)
    if p["new_innovations"]:
        sub = json.loads(text)
        for k, new in enumerate(p["new_innovations"]):
            one = apply_plan(sub, {"steps": [], "new_innovations": p["new_innovations"][:k + 1]})
            t = json.dumps(one, ensure_ascii=False)
            built = {}
            for row, lv in new["profile"].items():
                items = _core.supporting_evidence(t, f"baru-{k + 1}", row, lv, ed)
                if items is not None:
                    built[row] = json.loads(items)
            new["evidence"] = built
    return p


def apply_plan(submission, p: Mapping[str, Any]) -> dict:
    """The submission (dict or JSON text) with the plan written in: each step's level as the
    claim (a raw value or basis dropped: the level is the claim now), with the evidence items
    :func:`evidence_items` built in place of the answer's evidence where the step needs new
    evidence; each new innovation appended (id ``baru-N``, its affairs, department and levels,
    with its evidence items). Scored under the plan's policy it gives ``iid_after``."""
    import copy

    s = copy.deepcopy(submission) if isinstance(submission, dict) else json.loads(_submission_text(submission))
    for st in p["steps"]:
        if st["innovation"] is None:
            answers = s.setdefault("government", {})
        else:
            inv = next(i for i in s["innovations"] if i["id"] == st["innovation"])
            answers = inv.setdefault("answers", {})
        a = answers.setdefault(st["row"], {})
        a.pop("value", None)
        a.pop("basis", None)
        a["level"] = st["to"]
        items = (st.get("evidence") or {}).get("items")
        if items is not None:
            a["evidence"] = items
    for k, new in enumerate(p["new_innovations"]):
        ev = new.get("evidence") or {}
        inv = {"id": f"baru-{k + 1}", "status": "submitted", "affairs": list(new["affairs"]),
               "answers": {row: {"level": lv, **({"evidence": ev[row]} if row in ev else {})}
                           for row, lv in new["profile"].items()}}
        if new.get("department"):
            inv["department"] = new["department"]
        s.setdefault("innovations", []).append(inv)
    return s


def plan_table(p: Mapping[str, Any], width: int = 100) -> str:
    """A plan for people: the verdict, then the steps grouped by who takes them (the regional
    government, each innovation), the new innovations, the evidence the steps need, and what
    blocks an unreachable target."""
    name = f" {p['name']}" if p.get("name") else ""
    target = p.get("target_category") or f"{p['target_iid']:.2f}"
    head = (f"{p['region']}{name} ({p['edition']}, {p['policy']}): IID {p['iid_before']:.2f} "
            f"{p['category_before']}; target {target}: ")
    if p["reachable"]:
        head += f"reachable at cost {p['cost']} -> IID {p['iid_after']:.2f} {p['category_after']}"
    else:
        head += f"NOT reachable; the best within reach is {p['iid_after']:.2f} {p['category_after']} (cost {p['cost']})"
    lines = [head]
    groups: dict = {}
    for st in p["steps"]:
        groups.setdefault(st["innovation"], []).append(st)

    def wrap(label: str, items: list[str]) -> None:
        line = f"  {label}:"
        for it in items:
            if len(line) + len(it) + 1 > width:
                lines.append(line)
                line = " " * (len(label) + 3)
            line += " " + it
        lines.append(line)

    for who, steps in groups.items():
        label = "pemerintah daerah" if who is None else f"inovasi {who}"
        cost = sum(st["cost"] for st in steps)
        wrap(f"{label} (cost {cost})", [f"{st['row']} {st['from']}->{st['to']}" for st in steps])
    if p["new_innovations"]:
        n, first = len(p["new_innovations"]), p["new_innovations"][0]
        wrap(f"+ {n} new innovation(s) at cost {first['cost']} each, affairs: {', '.join(first['affairs']) or '-'}; levels",
             [f"{k}:{v}" for k, v in first["profile"].items()])
    needs = {}
    for st in p["steps"]:
        ev = st.get("evidence") or {}
        if ev.get("new") and not ev.get("unchecked"):
            needs.setdefault((st["row"], st["to"]), ev)
    if needs:
        lines.append("  evidence the steps need (indicator -> level: kinds; how the level is read):")
        for (row, to), ev in needs.items():
            rules = f"; must pass: {', '.join(ev['rules'])}" if ev.get("rules") else ""
            lines.append(f"    {row} -> {to}: {', '.join(ev.get('kinds', []))}; {ev.get('how', '')}{rules}")
    if p.get("budgets"):
        wrap("budgets (charged/budget)",
             [f"{'pemerintah daerah' if b['department'] is None else (b['department'] or '(tanpa perangkat daerah)')}"
              f" {b['charged']}/{b['budget']}" for b in p["budgets"]])
    for b in p.get("blockers", []):
        lines.append(f"  blocked: {b}")
    return "\n".join(printable(x) for x in lines)


def add_parser(sub) -> None:
    from .cli import integer, nonempty

    p = sub.add_parser("plan", help="the cheapest path of each region to a target IID or category",
                       description=__doc__.split("\n\n")[0])
    p.add_argument("files", nargs="+", metavar="FILE", help="JSON Lines or JSON submission files")
    p.add_argument("--target", required=True, type=nonempty,
                   help='an IID (e.g. 65.00) or a category label (e.g. "Sangat Inovatif")')
    _common_options(p, integer, nonempty)
    p.add_argument("--budget", action="append", default=[], metavar="DEPARTMENT=AMOUNT",
                   help="the most a department (perangkat daerah) may be charged: its innovations' steps, and the "
                        "new innovations when it is --new-department (repeatable)")
    p.add_argument("--government-budget", type=integer(0, None, "a whole number of at least 0"),
                   help="the most the government (SPD) rows' steps may cost")
    p.add_argument("--new-department", default="", metavar="DEPARTMENT",
                   help="the department that makes the new innovations (charged their cost)")
    p.set_defaults(func=run)
    add_gains_parser(sub)


def add_gains_parser(sub) -> None:
    from .cli import integer, nonempty

    p = sub.add_parser("gains", help="every single step of each region ranked by the IID it gains")
    p.add_argument("files", nargs="+", metavar="FILE", help="JSON Lines or JSON submission files")
    _common_options(p, integer, nonempty)
    p.add_argument("--top", type=integer(1, None, "a whole number of at least 1"), default=20,
                   help="steps shown per region in the table (default 20)")
    p.add_argument("--all", action="store_true", help="also list the steps that gain nothing")
    p.set_defaults(func=run_gains)


def _common_options(p, integer, nonempty) -> None:
    p.add_argument("--edition", type=nonempty, help="score every record under this edition (name or path)")
    p.add_argument("--policy", default="self_assessed",
                   choices=["self_assessed", "supported", "strict", "assessor"])
    p.add_argument("--region", action="append", metavar="CODE", help="only these regions (repeatable)")
    p.add_argument("--cost", action="append", default=[], metavar="ROW=COST",
                   help="cost of one level step on a row (default --default-cost)")
    p.add_argument("--default-cost", type=integer(0, None, "a whole number of at least 0"), default=1)
    p.add_argument("--fixed", action="append", default=[], metavar="ROW", help="a row that may not change")
    p.add_argument("--max-new", type=integer(0, 100000, "a whole number from 0 to 100000"), default=0,
                   help="new innovations allowed (default 0)")
    p.add_argument("--new-cost", type=integer(0, None, "a whole number of at least 0"), default=1)
    p.add_argument("--new-profile", metavar="JSON", type=nonempty,
                   help='levels of a new innovation: JSON such as \'{"16": 2, "35": 1}\', "max" (every row at the top '
                        'level) or "median" (the region\'s median innovation, the default)')
    p.add_argument("--new-affair", action="append", default=[], metavar="AFFAIR",
                   help="an affair (urusan) new innovations cover (repeatable)")
    p.add_argument("--format", choices=["json", "table"], default="json")


def _read_options(args):
    from .cli import UsageError
    from .scenario import ScenarioBase

    import re

    costs = {}
    for c in args.cost:
        row, sep, value = c.partition("=")
        if not sep or not re.fullmatch(r"[0-9]{1,18}", value.strip()):
            raise UsageError(f"--cost {printable(c)}: give ROW=COST with a whole number from 0 to 999999999999999999")
        costs[row.strip()] = int(value)
    profile: Any = None
    if args.new_profile in ("median", "max"):
        profile = args.new_profile
    elif args.new_profile:
        try:
            profile = json.loads(args.new_profile)
        except json.JSONDecodeError as exc:
            raise UsageError(f"--new-profile: not JSON ({exc.msg})") from None
        if not isinstance(profile, dict) or not all(isinstance(v, int) and not isinstance(v, bool)
                                                     for v in profile.values()):
            raise UsageError('--new-profile: give an object of row keys to whole levels, e.g. {"16": 2}')
    try:
        base = ScenarioBase(list(args.files) if len(args.files) > 1 else args.files[0], edition=args.edition)
    except OSError as exc:
        raise UsageError(f"{printable(exc.filename or '')}: cannot read ({exc.strerror})") from None
    return base, costs, profile


_IID_FIELD = re.compile(r'"(target_iid|iid_before|iid_after|alternative_iid)":(\d+(?:\.\d+)?)')


def _two_decimals(text: str) -> str:
    """IIDs as the library writes them (a JSON number with exactly two decimals), after a
    round trip through Python's json."""
    return _IID_FIELD.sub(lambda m: f'"{m.group(1)}":{float(m.group(2)):.2f}', text)


def _records(files) -> dict:
    """Region code -> its record's JSON text, for building evidence items (a file is one JSON
    value or JSON Lines; the base has read and checked them already)."""
    out = {}
    for f in files:
        with open(f, encoding="utf-8") as fh:
            text = fh.read()
        try:
            values = [json.loads(text)]
        except json.JSONDecodeError:
            values = [json.loads(line) for line in text.splitlines() if line.strip()]
        for v in values:
            out[v["region"]["code"]] = json.dumps(v, ensure_ascii=False)
    return out


def run_gains(args) -> int:
    from .cli import write_stdout

    from ._progress import progress

    base, costs, profile = _read_options(args)
    out = []
    for code in progress(args.region or base.codes, desc="gains"):
        text = gains_json(base, code, policy=args.policy, costs=costs, default_cost=args.default_cost,
                          fixed_rows=args.fixed, max_new=args.max_new, new_profile=profile,
                          new_affairs=args.new_affair, new_cost=args.new_cost, all=args.all)
        if args.format == "table":
            out.append(gains_table([json.loads(x) for x in text.splitlines()], args.top) + "\n")
        else:
            out.append(text)
    write_stdout([s.encode("utf-8") for s in out])
    return 0


def run(args) -> int:
    from .cli import write_stdout

    from ._progress import progress

    from .cli import UsageError

    budgets = {}
    for b in args.budget:
        name, sep, value = b.rpartition("=")
        if not sep or not re.fullmatch(r"[0-9]{1,18}", value.strip()):
            raise UsageError(f"--budget {printable(b)}: give DEPARTMENT=AMOUNT with a whole number from 0 to "
                             "999999999999999999")
        budgets[name.strip()] = int(value)
    base, costs, profile = _read_options(args)
    records = _records(args.files) if args.policy != "self_assessed" else {}
    out = []
    for code in progress(args.region or base.codes, desc="plan"):
        text = plan_json(base, code, args.target, policy=args.policy, costs=costs, default_cost=args.default_cost,
                         fixed_rows=args.fixed, max_new=args.max_new, new_profile=profile,
                         new_affairs=args.new_affair, new_cost=args.new_cost, budgets=budgets,
                         government_budget=args.government_budget, new_department=args.new_department)
        if code in records:  # under a validated policy: the evidence items each step needs, built
            text = _two_decimals(json.dumps(evidence_items(json.loads(text), records[code], args.edition),
                                            ensure_ascii=False, separators=(",", ":")))
        out.append(plan_table(json.loads(text)) + "\n" if args.format == "table" else text + "\n")
    write_stdout([s.encode("utf-8") for s in out])
    return 0
