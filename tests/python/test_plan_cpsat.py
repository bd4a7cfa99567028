"""The planner against a second solver: OR-Tools CP-SAT, on medium regions (20-60 innovations,
random claims and statuses, random costs and fixed rows, new innovations allowed, iid-2026 with
its count gate and iid-2023 without), modelled here from the edition files themselves. The
minimum cost (and reachability) must agree; every plan's iid_after must be what `inovasi score`
gives for the submission with the plan written in."""

import json
import random
from fractions import Fraction
from pathlib import Path

import pytest

import inovasi
from inovasi import planning
from inovasi.scenario import ScenarioBase

cp_model = pytest.importorskip("ortools.sat.python.cp_model")

ROOT = Path(__file__).resolve().parents[2]
BASIC = ["pendidikan", "kesehatan", "pekerjaan umum dan penataan ruang", "perumahan rakyat dan kawasan permukiman",
         "ketenteraman, ketertiban umum dan pelindungan masyarakat", "sosial"]


def edition_data(name):
    d = json.loads((ROOT / "editions" / f"{name}.json").read_text(encoding="utf-8"))
    cp = d["count_points"]["value"]
    rows = d["rows"]
    gate = cp.get("gate")
    return {
        "gov": [(r["key"], round(Fraction(str(r["weight"])) * 100)) for r in rows if r["aspect"] == d["aspects"][0]["key"]],
        "inv": [(r["key"], round(Fraction(str(r["weight"])) * 100)) for r in rows if r["aspect"] == d["aspects"][1]["key"]],
        "dmin": d["divisor_minimum"]["value"],
        "rate_h": round(Fraction(str(cp["rate"])) * 100), "cap": cp["cap"],
        "gate": gate, "max_total_h": round(Fraction(str(d["max_total"]["value"])) * 100),
        "level_max": d["levels"]["value"]["max"], "rounding": d["rounding"]["value"],
    }


def random_case(rng, name):
    e = edition_data(name)
    n = rng.randint(20, 60)
    gov = {k: {"level": rng.randint(0, 3)} for k, _ in e["gov"]}
    invs = []
    for j in range(n):
        st = rng.choice(["submitted"] * 8 + ["draft", "rejected"])
        aff = rng.sample(BASIC + ["pariwisata", "perhubungan"], rng.randint(0, 1))
        answers = {k: {"level": rng.randint(0, 3)} for k, _ in e["inv"] if rng.random() < 0.8}
        invs.append({"id": f"i{j}", "status": st, "affairs": aff, "answers": answers})
    sub = {"edition": name, "region": {"code": "64.03", "type": "kabupaten"}, "government": gov, "innovations": invs}
    keys = [k for k, _ in e["gov"] + e["inv"]]
    opts = {
        "costs": {k: rng.randint(0, 3) for k in keys if rng.random() < 0.5},
        "fixed_rows": rng.sample(keys, rng.randint(0, 10)),
        "max_new": rng.randint(0, 12),
        "new_profile": {k: rng.randint(0, 3) for k, _ in e["inv"]},
        "new_affairs": rng.sample(BASIC, rng.randint(0, 6)),
        "new_cost": rng.randint(0, 20),
    }
    return e, sub, opts


def cpsat_cost(e, sub, opts, target_h, budgets=None):
    """Minimum cost by CP-SAT (None: unreachable). Self-assessed, no mandatory zeroing in these
    editions: a step raises a claim by one level at its row's cost, so a row's steps over all
    answers are one integer (their count, up to the levels left) — the model per count m of new
    innovations is one knapsack over rows, the divisor, count points and gate fixed by m. With ``budgets``
    (department -> budget, None -> the government rows' budget, plus "new": the new innovations'
    department) the steps are counted per row and department, and each budget bounds its department's."""
    cost = lambda k: opts["costs"].get(k, 1)
    fixed = set(opts["fixed_rows"])
    M = e["level_max"]
    budgets = dict(budgets or {})
    new_dept = budgets.pop("new", "")
    # A variable per (row, department): None for the government rows.
    room = {}
    gov_now = sum(w * sub["government"][k]["level"] for k, w in e["gov"])
    for k, _ in e["gov"]:
        room[(k, None)] = M - sub["government"][k]["level"]
    inv_now, n0, covered = 0, 0, set()
    for inv in sub["innovations"]:
        if inv["status"] == "draft":
            continue
        n0 += 1
        covered |= set(inv["affairs"]) & set(BASIC)
        if inv["status"] == "rejected":
            continue
        for k, w in e["inv"]:
            lv = inv["answers"].get(k, {}).get("level", 0)
            inv_now += w * lv
            key = (k, inv.get("department", ""))
            room[key] = room.get(key, 0) + M - lv
    new_pts = sum(w * opts["new_profile"].get(k, 0) for k, w in e["inv"])
    best = None
    for m in range(opts["max_new"] + 1):
        n = n0 + m
        D = max(e["dmin"], n)
        gate_open = True
        if e["gate"]:
            gate_open = len(covered | (set(opts["new_affairs"]) if m else set())) >= e["gate"]["min_covered"]
        count_h = e["rate_h"] * min(n, e["cap"]) if gate_open else 0
        # Smallest total X (hundredths x D) with round_half_up(X * 10000 / (D * max_total_h)) >= target.
        x_min = -(-((2 * target_h - 1) * D * e["max_total_h"]) // 20000) if target_h > 0 else 0
        model = cp_model.CpModel()
        t = {key: model.NewIntVar(0, 0 if key[0] in fixed else room[key], f"{key}") for key in room}
        gov_w = dict(e["gov"])
        inv_w = dict(e["inv"])
        model.Add(D * (gov_now + count_h + sum(gov_w[k] * v for (k, d), v in t.items() if d is None)) + inv_now +
                  m * new_pts + sum(inv_w[k] * v for (k, d), v in t.items() if d is not None) >= x_min)
        for dept, budget in budgets.items():
            model.Add(sum(cost(k) * v for (k, d), v in t.items() if d == dept) +
                      (m * opts["new_cost"] if dept == new_dept else 0) <= budget)
        model.Minimize(sum(cost(k) * v for (k, _), v in t.items()))
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = 7
        status = solver.Solve(model)
        if status == cp_model.INFEASIBLE:
            continue
        assert status == cp_model.OPTIMAL, solver.StatusName(status)
        c = round(solver.ObjectiveValue()) + m * opts["new_cost"]
        best = c if best is None else min(best, c)
    return best


def test_planner_agrees_with_cpsat_on_medium_regions():
    rng = random.Random(20261201)
    reachable = 0
    for case in range(56):
        name = "iid-2026" if case % 4 else "iid-2023"
        e, sub, opts = random_case(rng, name)
        assert e["rounding"] == "half_up"
        base = ScenarioBase(json.dumps(sub).encode())
        before = base.nominal()["iid_h"][0]
        target_h = min(10000, int(before) + rng.randint(0, 3500))
        target = f"{target_h // 100}.{target_h % 100:02d}"
        p = planning.plan(base, "64.03", target, costs=opts["costs"], fixed_rows=opts["fixed_rows"],
                          max_new=opts["max_new"], new_profile=opts["new_profile"], new_affairs=opts["new_affairs"],
                          new_cost=opts["new_cost"])
        truth = cpsat_cost(e, sub, opts, target_h)
        assert p["reachable"] == (truth is not None), (case, p["blockers"])
        if truth is not None:
            reachable += 1
            assert p["cost"] == truth, case
            assert round(p["iid_after"] * 100) >= target_h
        # The plan written into the submission scores what the plan says.
        s = json.loads(json.dumps(sub))
        for st in p["steps"]:
            ans = s["government"] if st["innovation"] is None else next(
                i for i in s["innovations"] if i["id"] == st["innovation"]).setdefault("answers", {})
            ans[st["row"]] = {"level": st["to"]}
        for k, new in enumerate(p["new_innovations"]):
            s["innovations"].append({"id": f"baru-{k}", "status": "submitted", "affairs": new["affairs"],
                                     "answers": {r: {"level": v} for r, v in new["profile"].items()}})
        assert inovasi.score(s)["iid"] == p["iid_after"], case
    assert reachable >= 20


def test_planner_agrees_with_cpsat_under_department_budgets():
    """The same medium regions with their innovations in three departments (and some without
    one) and random budgets: the government rows', some departments', the new innovations'."""
    rng = random.Random(20261202)
    depts = ["Dinas Kesehatan", "Dinas Pendidikan", "Dinas Sosial", ""]
    reachable = bound = 0
    for case in range(50):
        name = "iid-2026" if case % 4 else "iid-2023"
        e, sub, opts = random_case(rng, name)
        for inv in sub["innovations"]:
            d = rng.choice(depts)
            if d:
                inv["department"] = d
        present = sorted({inv.get("department", "") for inv in sub["innovations"]})
        budgets = {d: rng.randint(0, 40) for d in present if rng.random() < 0.5}
        gov_budget = rng.randint(0, 15) if rng.random() < 0.5 else None
        new_dept = rng.choice(present + ["Dinas Baru"])
        if rng.random() < 0.5:
            budgets[new_dept] = rng.randint(0, 60)
        base = ScenarioBase(json.dumps(sub).encode())
        before = base.nominal()["iid_h"][0]
        target_h = min(10000, int(before) + rng.randint(0, 3500))
        target = f"{target_h // 100}.{target_h % 100:02d}"
        kw = dict(costs=opts["costs"], fixed_rows=opts["fixed_rows"], max_new=opts["max_new"],
                  new_profile=opts["new_profile"], new_affairs=opts["new_affairs"], new_cost=opts["new_cost"])
        p = planning.plan(base, "64.03", target, budgets=budgets, government_budget=gov_budget,
                          new_department=new_dept, **kw)
        model_budgets = dict(budgets, new=new_dept)
        if gov_budget is not None:
            model_budgets[None] = gov_budget
        truth = cpsat_cost(e, sub, opts, target_h, model_budgets)
        assert p["reachable"] == (truth is not None), (case, p["blockers"])
        if truth is not None:
            reachable += 1
            assert p["cost"] == truth, case
            assert round(p["iid_after"] * 100) >= target_h
        for b in p.get("budgets", []):
            assert b["charged"] <= b["budget"], (case, b)
        free = planning.plan(base, "64.03", target, **kw)
        bound += free["reachable"] != p["reachable"] or free["cost"] != p["cost"]
        assert inovasi.score(planning.apply_plan(sub, p))["iid"] == p["iid_after"], case
    assert reachable >= 15 and bound >= 10, (reachable, bound)
