"""`inovasi whatif`: the scenario base's totals and score() of the changed submissions agree on
every touched region (whatif raises otherwise); deltas per indicator, innovation and department
are those of score(); ranks before and after come from the same competition ranking."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

import inovasi
from inovasi import whatif as wi

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
@pytest.mark.parametrize("policy", ["self_assessed", "supported", "strict", "assessor"])
def test_whatif_agrees_with_score_of_the_changed_submission(path, policy):
    sub = json.loads(path.read_text(encoding="utf-8"))
    code = sub["region"]["code"]
    changes = [{"region": code, "row": next(iter(inovasi.edition(sub["edition"]).rows))["key"], "level": 3}]
    invs = sub.get("innovations", [])
    if invs:
        changes.append({"region": code, "innovation": invs[0]["id"], "row": "16", "level": 1})
        changes.append({"region": code, "innovation": invs[-1]["id"], "enabled": False})
    add = {"region": code, "add": {"id": "baru-1", "levels": {"16": 3, "17": 2}, "affairs": ["sosial"]}}
    if policy == "self_assessed":
        changes.append(add)
    else:  # an added innovation's evidence is assumed: totals only, said so
        w = wi.whatif(path, {"policy": policy, "changes": changes + [add]})
        assert "totals only" in w["regions"][0]["breakdown"]
    w = wi.whatif(path, {"policy": policy, "changes": changes})
    r = w["regions"][0]
    s1 = inovasi.score(wi.applied(sub, changes), policy=policy)
    assert r["iid_after"] == s1.iid and r["iid_before"] == inovasi.score(sub, policy=policy).iid
    assert "rows" in r and "innovations" in r
    if policy == "self_assessed":
        assert r["innovations"]["baru-1"] == s1.to_dict()["innovations"][-1]["points"]


def test_national_scenario_ranks_before_and_after(tmp_path):
    lines = []
    for i, path in enumerate(p for p in EXAMPLES if json.loads(p.read_text())["edition"] == "iid-2024"):
        d = json.loads(path.read_text(encoding="utf-8"))
        d["region"]["code"] = f"{d['region']['code']}"
        lines.append(json.dumps(d))
    data = tmp_path / "set.jsonl"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    codes = [json.loads(x)["region"]["code"] for x in lines]
    # The lowest-ranked region raises every government row to the top.
    ed = inovasi.edition("iid-2024")
    w0 = wi.whatif(data, {"changes": []})
    low = min(w0["regions"], key=lambda r: (r["rank_before"] == 0, -r["rank_before"]))
    ch = [{"region": low["region"], "row": r["key"], "level": 3} for r in ed.rows if not r["per_innovation"]]
    w = wi.whatif(data, {"changes": ch})
    after = {r["region"]: r for r in w["regions"]}
    assert after[low["region"]]["iid_after"] >= low["iid_before"]
    assert set(after) == set(codes)
    for r in w["regions"]:  # every other region keeps its IID
        if r["region"] != low["region"]:
            assert r["iid_after"] == r["iid_before"]


def test_cli_whatif_table_and_bad_changes(tmp_path):
    path = ROOT / "examples" / "kabupaten-berau-2023.json"
    ch = json.dumps({"changes": [{"region": "64.03", "row": "1", "level": 3}]})
    r = subprocess.run([sys.executable, "-m", "inovasi", "whatif", str(path), "--changes", ch, "--format", "table"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "64.03" in r.stdout and "indicators (points): 1 +" in r.stdout
    r = subprocess.run([sys.executable, "-m", "inovasi", "whatif", str(path), "--changes", ch],
                       capture_output=True, text=True)
    assert json.loads(r.stdout)["regions"][0]["rows"] == {"1": 1}
    r = subprocess.run([sys.executable, "-m", "inovasi", "whatif", str(path), "--changes",
                        json.dumps({"changes": [{"region": "99.99", "row": "1", "level": 3}]})],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "99.99" in r.stderr
