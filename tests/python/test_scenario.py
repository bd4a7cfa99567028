"""The scenario base from Python (inovasi.scenario): results equal inovasi.score() of the
submission each scenario describes, built independently here by editing the submission dict."""

import copy
import json

import numpy as np
import pytest
from hypothesis import given, strategies as st

import inovasi
from inovasi.scenario import ScenarioBase

POLICIES = ["self_assessed", "supported", "strict", "assessor"]
EVIDENCE = "examples/kabupaten-banyuwangi-2026-evidence.json"


def load(root, rel):
    return json.loads((root / rel).read_text())


def with_level(sub, innovation, row, level):
    """The submission with one claimed level changed (a raw value gives way to the level)."""
    out = copy.deepcopy(sub)
    answers = out["government"] if innovation is None else out["innovations"][innovation]["answers"]
    ans = {k: v for k, v in answers.get(row, {}).items() if k not in ("value", "basis")}
    ans["level"] = level
    answers[row] = ans
    return out


def expected(sub, policy):
    r = inovasi.score(sub, policy=policy)
    d = r.to_dict()
    return r.iid_hundredths, d["innovations_counted"], d["divisor"]


@pytest.fixture(scope="module")
def evidence_base(request):
    root = request.config.rootpath
    return ScenarioBase(str(root / EVIDENCE)), load(root, EVIDENCE)


def test_nominal_equals_score_under_every_policy(root):
    for path in sorted((root / "examples").glob("*.json")):
        base = ScenarioBase(str(path))
        sub = json.loads(path.read_text())
        for p in POLICIES:
            assert int(base.nominal(p)["iid_h"][0]) == inovasi.score(sub, policy=p).iid_hundredths, (path.name, p)


@given(data=st.data())
def test_single_answer_overrides_equal_score_of_the_changed_submission(evidence_base, data):
    base, sub = evidence_base
    ed = inovasi.edition(sub["edition"])
    gov_rows = [r["key"] for r in ed.rows if not r["per_innovation"]]
    inv_rows = [r["key"] for r in ed.rows if r["per_innovation"]]
    policy = data.draw(st.sampled_from(POLICIES))
    level = data.draw(st.integers(0, 3))
    if data.draw(st.booleans()):
        j = None
        row = data.draw(st.sampled_from(gov_rows))
        change = {"region": sub["region"]["code"], "row": row, "level": level}
    else:
        j = data.draw(st.integers(0, len(sub["innovations"]) - 1))
        row = data.draw(st.sampled_from(inv_rows))
        change = {"region": sub["region"]["code"], "innovation": sub["innovations"][j]["id"], "row": row,
                  "level": level}
    got = base.score_region({"policy": policy, "changes": [change]}, sub["region"]["code"])
    want = expected(with_level(sub, j, row, level), policy)
    assert (got["iid_h"], got["counted"], got["divisor"]) == want


def test_switching_an_innovation_off_equals_scoring_it_as_a_draft(evidence_base):
    base, sub = evidence_base
    code = sub["region"]["code"]
    for j, inv in enumerate(sub["innovations"]):
        if inv["status"] != "submitted":
            continue
        changed = copy.deepcopy(sub)
        changed["innovations"][j]["status"] = "draft"
        for p in POLICIES:
            got = base.score_region({"policy": p, "changes": [
                {"region": code, "innovation": inv["id"], "enabled": False}]}, code)
            assert (got["iid_h"], got["counted"], got["divisor"]) == expected(changed, p), (inv["id"], p)


def test_national_scenario_arrays_and_frame(root):
    paths = [str(p) for p in sorted((root / "examples").glob("*2024*.json"))]
    base = ScenarioBase(paths)
    assert base.regions == len(paths)
    codes = base.codes
    changes = {"policy": "supported", "changes": [{"region": c, "row": "1", "level": 3} for c in codes]}
    res = base.score(changes, threads=2)
    assert res["iid_h"].dtype == np.int64 and res["iid_h"].shape == (len(paths),)
    assert np.array_equal(res["iid_h"], base.score(json.dumps(changes), threads=1)["iid_h"])
    for path, code, got in zip(paths, codes, res["iid_h"]):
        sub = json.loads(open(path).read())
        assert int(got) == inovasi.score(with_level(sub, None, "1", 3), policy="supported").iid_hundredths
    df = base.frame(changes)
    assert list(df["code"]) == codes
    assert np.array_equal(df["scenario_iid_h"].to_numpy(), res["iid_h"])
    assert np.allclose(df["change"], (res["iid_h"] - base.nominal("supported")["iid_h"]) / 100)


def test_bad_changes_are_input_errors_with_pointers(evidence_base):
    base, sub = evidence_base
    code = sub["region"]["code"]
    with pytest.raises(inovasi.InputError) as e:
        base.score({"changes": [{"region": code, "row": "1", "level": 9}]})
    assert e.value.pointer == "/changes/0/level"
    with pytest.raises(inovasi.InputError) as e:
        base.score({"changes": [{"region": "00.00", "row": "1", "level": 1}]})
    assert e.value.pointer == "/changes/0/region"
    assert "no region" in str(e.value)
