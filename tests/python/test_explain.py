"""`inovasi explain`: the points lost per indicator add up exactly to the maximum total minus the
region's total; the next category's distance lands on that category; seats, the gate's missing
affairs and the worth of one more median innovation agree with the score and the scenario base."""

import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

import inovasi
from inovasi import explain as ex
from inovasi.scenario import ScenarioBase

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
@pytest.mark.parametrize("policy", ["self_assessed", "supported", "strict", "assessor"])
def test_explanation_adds_up(path, policy):
    x = ex.explain(path, policy=policy)
    s = inovasi.score(json.loads(path.read_text(encoding="utf-8")), policy=policy).to_dict()
    assert sum(r["points_lost"] for r in x["lost"]) + x["count_points_lost"] == x["max_total"] - Fraction(s["total_exact"])
    assert all(r["points_lost"] >= 0 for r in x["lost"])
    ed = inovasi.edition(s["edition"])
    assert x["seats_below_divisor"] == max(0, ed.divisor_minimum - s["innovations_counted"])
    if x["next_category"]:
        nc = x["next_category"]
        assert nc["iid_needed"] - nc["distance_h"] == round(s["iid"] * 100)
        assert ed_category(ed, nc["iid_needed"]) == nc["category"]
        assert ed_category(ed, nc["iid_needed"] - 1) != nc["category"]
    gate = ed.count_points.get("gate")
    if gate:
        assert set(x["gate_missing"]) == set(gate["affairs"]) - set(s["count_gate"]["covered"])
    # Findings sorted by the points they put at risk, none of them info.
    pts = [f["points_at_risk"] for f in x["findings"]]
    assert pts == sorted(pts, reverse=True)
    assert all(f["severity"] != "info" for f in x["findings"])


def ed_category(ed, iid_h):
    """The category of a rounded IID, read off the edition's bands (strict: above the bound)."""
    for b in ed.categories:
        lower = int(Fraction(b["lower"]) * 100)
        if iid_h > lower or (not b["strict"] and iid_h == lower):
            return b["label"]
    return ed.lowest_category


def test_one_more_median_innovation_is_what_the_scenario_base_says():
    path = ROOT / "examples" / "kabupaten-gunung-mas-2025.json"
    x = ex.explain(path)
    base = ScenarioBase(path)
    sub = json.loads(path.read_text(encoding="utf-8"))
    ed = inovasi.edition(sub["edition"])
    rows = [r["key"] for r in ed.rows if r["per_innovation"]]
    levels = {k: sorted(i.get("answers", {}).get(k, {}).get("level", 0) for i in sub["innovations"]
                        if i["status"] != "draft") for k in rows}
    median = {k: v[(len(v) - 1) // 2] for k, v in levels.items()}
    got = base.score_region({"changes": [{"region": "62.10", "add": {"id": "x", "levels": median}}]}, "62.10")
    assert round(x["one_more_innovation"]["iid_after"] * 100) == got["iid_h"]


def test_cli_explain():
    r = subprocess.run([sys.executable, "-m", "inovasi", "explain", str(ROOT / "examples" / "kota-makassar-2026.json"),
                        "--policy", "supported", "--format", "table"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "count gate CLOSED" in r.stdout and "next category Inovatif" in r.stdout
    r = subprocess.run([sys.executable, "-m", "inovasi", "explain", str(ROOT / "examples" / "kota-makassar-2026.json"),
                        "--format", "json"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["region"] == "73.71"


def test_explain_under_a_projection_edition():
    path = ROOT / "examples" / "kota-tangerang-2026.json"
    proj = str(ROOT / "examples" / "editions" / "iid-2027-projection.json")
    x = ex.explain(path, edition=proj)
    s = inovasi.score(json.loads(path.read_text(encoding="utf-8")), edition=proj, override_edition=True).to_dict()
    assert x["edition"] == "iid-2027-projection" and not x["gate_open"]
    assert x["gate_missing"] == ["perumahan rakyat dan kawasan permukiman"]
    assert sum(r["points_lost"] for r in x["lost"]) + x["count_points_lost"] == x["max_total"] - Fraction(s["total_exact"])


@pytest.mark.parametrize("policy", ["self_assessed", "supported", "strict"])
@pytest.mark.parametrize("path", sorted((ROOT / "examples").glob("*.json")), ids=lambda p: p.stem)
def test_findings_carry_the_points_the_score_puts_at_risk(path, policy):
    """An innovation finding's points are its answer's self-assessed minus validated points: over
    the distinct answers with findings they add up to the counted innovations' points at risk in
    the score (every lowered answer has a finding), and none is negative. Under self_assessed
    they used to be 0, and under a validated policy an answer left out of claimed_levels (not
    lowered) read as claimed level 0 and went negative."""
    x = ex.explain(path, policy=policy)
    s = inovasi.score(json.loads(path.read_text(encoding="utf-8")), policy=policy).to_dict()
    by_answer = {(f["innovation"], f["row"]): f["points_at_risk"] for f in x["findings"] if f.get("innovation")}
    assert all(p >= 0 for p in by_answer.values())
    assert sum(by_answer.values(), Fraction(0)) == sum(
        (Fraction(f'{i["points_at_risk"]:.2f}') for i in s["innovations"] if i["counted"]), Fraction(0))
