"""`inovasi plan` and inovasi.planning: the output contract, and every plan checked against the
other paths — its steps written into the submission and scored by `inovasi score` (the
single-region path) give its iid_after, and so do its changes in the change format scored by the
scenario base (under the validated policies, with "evidence": true on the steps that need it)."""

import copy
import re
import json
import subprocess
import sys
from pathlib import Path

import pytest

import inovasi
from inovasi import planning
from inovasi.scenario import ScenarioBase

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
POLICIES = ["self_assessed", "supported", "strict", "assessor"]


def run(*args):
    return subprocess.run([sys.executable, "-m", "inovasi", *args], capture_output=True, text=True)


def applied(sub: dict, plan: dict) -> dict:
    """The submission with the plan's steps and new innovations written in (levels as claims)."""
    s = copy.deepcopy(sub)
    for st in plan["steps"]:
        if st["innovation"] is None:
            answers = s.setdefault("government", {})
        else:
            inv = next(i for i in s["innovations"] if i["id"] == st["innovation"])
            answers = inv.setdefault("answers", {})
        a = answers.setdefault(st["row"], {})
        a.pop("value", None)  # the level is the claim now; a value would have to agree with it
        a.pop("basis", None)
        a["level"] = st["to"]
    for k, new in enumerate(plan["new_innovations"]):
        s.setdefault("innovations", []).append({
            "id": f"baru-{k + 1}", "status": "submitted", "affairs": new["affairs"],
            "answers": {row: {"level": lv} for row, lv in new["profile"].items()}})
    return s


def changes(plan: dict) -> dict:
    ch = [{"region": plan["region"], "row": st["row"], "level": st["to"],
           **({"innovation": st["innovation"]} if st["innovation"] is not None else {}),
           **({"evidence": True} if st.get("evidence", {}).get("new") else {})} for st in plan["steps"]]
    for k, new in enumerate(plan["new_innovations"]):
        ch.append({"region": plan["region"], "add": {"id": f"baru-{k + 1}", "levels": new["profile"],
                                                     "affairs": new["affairs"], "status": "submitted"}})
    return {"policy": plan["policy"], "changes": ch}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_plan_rescored_by_score_and_the_scenario_base(path, tmp_path):
    sub = json.loads(path.read_text(encoding="utf-8"))
    base = ScenarioBase(path)
    code = base.codes[0]
    affairs = ["pendidikan", "kesehatan", "sosial"]
    for policy in POLICIES:
        for target, max_new in (("Sangat Inovatif", 0), ("60.00", 8), ("Inovatif", 3)):
            p = planning.plan(base, code, target, policy=policy, max_new=max_new, new_affairs=affairs, new_cost=7)
            assert set(p) >= {"region", "edition", "policy", "target_iid", "reachable", "cost", "iid_before",
                              "iid_after", "category_after", "steps", "new_innovations", "provenance"}
            assert p["provenance"]["edition_sha256"] == inovasi.edition(p["edition"]).sha256
            assert p["cost"] == sum(s["cost"] for s in p["steps"]) + sum(n["cost"] for n in p["new_innovations"])
            if p["reachable"]:
                t = p["target_iid"]
                assert p["iid_after"] >= t or p["category_after"] == p.get("target_category")
            else:
                assert p["blockers"]
            got = base.score_region(changes(p), code)["iid_h"]
            assert got == round(p["iid_after"] * 100), (policy, target)
            if policy == "self_assessed":
                s = inovasi.score(applied(sub, p))
                assert s["iid"] == p["iid_after"], (target, max_new)
                assert s["category"] == p["category_after"]


def test_cli_plan_json_and_table(tmp_path):
    path = ROOT / "examples" / "kabupaten-berau-2023.json"
    r = run("plan", str(path), "--target", "Sangat Inovatif")
    assert r.returncode == 0, r.stderr
    p = json.loads(r.stdout)
    assert p["region"] == "64.03" and p["reachable"] and p["category_after"] == "Sangat Inovatif"
    assert p["cost"] == len(p["steps"])  # cost 1 per level step, every step one level here
    r = run("plan", str(path), "--target", "60.00", "--format", "table", "--cost", "1=5", "--fixed", "16")
    assert r.returncode == 0, r.stderr
    assert "reachable at cost" in r.stdout and "pemerintah daerah (cost" in r.stdout
    # The same plan through Python
    q = planning.plan(ScenarioBase(path), "64.03", "60.00", costs={"1": 5}, fixed_rows=["16"])
    assert all(s["row"] != "16" for s in q["steps"])
    assert f"reachable at cost {q['cost']}" in r.stdout


@pytest.mark.parametrize("args,needle", [
    (["--target", "Luar Biasa"], "is not a category of"),
    (["--target", "60", "--cost", "1=-2"], "--cost"),
    (["--target", "60", "--cost", "99=1"], "/row_cost/99"),
    (["--target", "60", "--fixed", "nope"], "/fixed_rows/0"),
    (["--target", "60", "--new-profile", "{bad"], "--new-profile"),
    (["--target", "60", "--region", "99.99"], "99.99"),
])
def test_cli_plan_bad_options_are_clear_errors(args, needle):
    r = run("plan", str(ROOT / "examples" / "kabupaten-berau-2023.json"), *args)
    assert r.returncode == 2, r.stdout + r.stderr
    assert needle in r.stderr


def test_parse_target_reads_iid_exactly():
    assert planning.parse_target("65") == (6500, None)
    assert planning.parse_target("65.01") == (6501, None)
    assert planning.parse_target("65.1") == (6510, None)
    assert planning.parse_target("Sangat Inovatif") == (None, "Sangat Inovatif")


def test_edition_sha256_is_the_files():
    import hashlib
    for name in ("iid-2023", "iid-2026"):
        data = (ROOT / "editions" / f"{name}.json").read_bytes()
        assert inovasi.edition(name).sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("policy", POLICIES)
def test_gains_each_step_scores_what_it_says(policy):
    path = ROOT / "examples" / "kota-makassar-2026.json"
    sub = json.loads(path.read_text(encoding="utf-8"))
    base = ScenarioBase(path)
    rows = planning.gains(base, "73.71", policy=policy, max_new=1, new_profile="max", new_affairs=["sosial"], all=True)
    assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1))
    assert sum(r["step"] == "new_innovation" for r in rows) == 1
    from fractions import Fraction
    exact = [Fraction(r["gain_exact"]) for r in rows]
    assert exact == sorted(exact, reverse=True)
    for r in rows:
        if r["step"] != "level":
            continue
        ch = {"region": "73.71", "row": r["row"], "level": r["to"],
              **({"innovation": r["innovation"]} if r["innovation"] is not None else {}),
              **({"evidence": True} if r.get("evidence", {}).get("new") else {})}
        got = base.score_region({"policy": policy, "changes": [ch]}, "73.71")["iid_h"]
        assert got == round(r["iid_after"] * 100)
        if policy == "self_assessed":
            p = {"steps": [{"innovation": r["innovation"], "row": r["row"], "to": r["to"]}], "new_innovations": []}
            assert inovasi.score(applied(sub, p))["iid"] == r["iid_after"]
    # The new innovation (at the top level, covering sosial: Makassar's gate needs one more affair).
    new = next(r for r in rows if r["step"] == "new_innovation")
    before = base.nominal(policy)["iid_h"][0]
    assert round(new["iid_after"] * 100) > before


def test_cli_gains_table():
    r = run("gains", str(ROOT / "examples" / "kabupaten-gunung-mas-2025.json"), "--max-new", "1",
            "--new-profile", "max", "--format", "table", "--top", "3")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert "one new innovation" in lines[2] and lines[-1].startswith("... ")


def test_gains_and_explain_carry_provenance():
    from inovasi import explain as ex
    path = ROOT / "examples" / "kota-makassar-2026.json"
    sha = inovasi.edition("iid-2026").sha256
    rows = planning.gains(ScenarioBase(path), "73.71", policy="strict")
    assert rows and all(r["provenance"] == {"inovasi": inovasi.__version__, "edition": "iid-2026",
                                            "edition_sha256": sha, "policy": "strict"} for r in rows)
    assert ex.explain(path, policy="strict")["provenance"]["edition_sha256"] == sha


def test_department_budgets_hold_and_the_plan_rescores():
    path = ROOT / "examples" / "kabupaten-banyuwangi-2024.json"
    sub = json.loads(path.read_text(encoding="utf-8"))
    dept = {i["id"]: i.get("department", "") for i in sub["innovations"]}
    base = ScenarioBase(path)
    free = planning.plan(base, "35.10", "50.00")
    assert "budgets" not in free and any(dept[s["innovation"]] == "Dinas Kesehatan"
                                         for s in free["steps"] if s["innovation"])
    p = planning.plan(base, "35.10", "50.00", budgets={"Dinas Kesehatan": 0, "Dinas Sosial": 3},
                      government_budget=1, max_new=2, new_department="Dinas Sosial", new_cost=2)
    assert p["reachable"] and p["cost"] >= free["cost"]
    charged = {b["department"]: b["charged"] for b in p["budgets"]}
    assert charged[None] == sum(s["cost"] for s in p["steps"] if s["innovation"] is None) <= 1
    assert charged["Dinas Kesehatan"] == 0
    assert charged["Dinas Sosial"] == (sum(s["cost"] for s in p["steps"] if s.get("department") == "Dinas Sosial")
                                       + 2 * len(p["new_innovations"])) <= 3
    assert all(s["department"] == dept[s["innovation"]] for s in p["steps"] if s["innovation"])
    assert inovasi.score(applied(sub, p))["iid"] == p["iid_after"]
    r = run("plan", str(path), "--target", "50.00", "--budget", "Dinas Kesehatan=0", "--government-budget", "1",
            "--format", "table")
    assert r.returncode == 0, r.stderr
    assert "Dinas Kesehatan 0/0" in r.stdout
    r = run("plan", str(path), "--target", "50.00", "--budget", "Dinas Kesehatan")
    assert r.returncode == 2 and "--budget" in r.stderr


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_validated_plans_with_built_evidence_keep_their_levels(path):
    """Under each validated policy: the plan's evidence items written into the submission
    (apply_plan), pre-validation supports every planned level with no error on those answers,
    and `score` under the policy gives iid_after."""
    sub = json.loads(path.read_text(encoding="utf-8"))
    base = ScenarioBase(path)
    code = base.codes[0]
    built = 0
    for policy in POLICIES[1:]:
        for target, max_new in (("Sangat Inovatif", 0), ("60.00", 8), ("Inovatif", 3)):
            p = planning.plan(base, code, target, policy=policy, max_new=max_new, new_profile="max",
                              new_affairs=["pendidikan", "kesehatan", "sosial"], new_cost=7)
            planning.evidence_items(p, sub)
            s = planning.apply_plan(sub, p)
            checks = {(c["innovation"], c["row"]): c for c in inovasi.prevalidate(s, policy=policy)}
            for st in p["steps"]:
                ev = st["evidence"]
                c = checks[(st["innovation"], st["row"])]
                assert c["claimed_level"] == st["to"]
                if ev["new"] and not ev["unchecked"]:
                    assert ev["items"] is not None, (policy, st)
                    built += 1
                    assert c["supported_level"] >= st["to"] and not c["has_error"], (policy, st, c["findings"])
            for k, new in enumerate(p["new_innovations"]):
                for row, lv in new["profile"].items():
                    c = checks[(f"baru-{k + 1}", row)]
                    assert c["claimed_level"] == lv
                    if c["checked"]:
                        built += 1
                        assert c["supported_level"] >= lv and not c["has_error"], (policy, row, c["findings"])
            assert inovasi.score(s, policy=policy)["iid"] == p["iid_after"], (policy, target)
    assert built > 0, "evidence was built and checked"


def test_cli_plan_builds_evidence_items_under_a_validated_policy():
    path = ROOT / "examples" / "kota-makassar-2026.json"
    r = run("plan", str(path), "--target", "60.00", "--policy", "strict", "--max-new", "4", "--new-profile", "max",
            "--new-affair", "sosial")
    assert r.returncode == 0, r.stderr
    assert '"iid_after":' in r.stdout and re.search(r'"iid_after":\d+\.\d\d[,}]', r.stdout)
    p = json.loads(r.stdout)
    steps = [s for s in p["steps"] if s["evidence"]["new"] and not s["evidence"]["unchecked"]]
    assert steps and all(isinstance(s["evidence"]["items"], list) for s in steps)
    s = planning.apply_plan(json.loads(path.read_text(encoding="utf-8")), p)
    assert inovasi.score(s, policy="strict")["iid"] == p["iid_after"]
