"""A change text naming another edition ("edition", docs/scenario.md): the scenario base and
``inovasi whatif`` re-bind the records to it, and the results equal scoring the JSON read with
that edition (the changes written in)."""
from __future__ import annotations

import json
import pathlib
import subprocess
import sys

import pytest

import inovasi
import inovasi.scenario as sc
from inovasi.whatif import applied, whatif

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"
POLICIES = ["self_assessed", "supported", "strict", "assessor"]
CASES = [("kabupaten-berau-2023.json", "iid-2026"), ("kota-makassar-2026.json", "iid-2023"),
         ("kabupaten-sleman-2024.json", "iid-2025")]


def changes_for(sub, edition, policy):
    code = sub["region"]["code"]
    inv = sub["innovations"][0]["id"]
    return {"edition": edition, "policy": policy, "changes": [
        {"region": code, "row": "1", "level": 3},
        {"region": code, "innovation": inv, "row": "16", "level": 1},
    ]}


@pytest.mark.parametrize("example,other", CASES)
@pytest.mark.parametrize("policy", POLICIES)
def test_scenario_with_an_edition_equals_the_json_read_with_it(example, other, policy):
    path = EXAMPLES / example
    sub = json.loads(path.read_text())
    ch = changes_for(sub, other, policy)
    base = sc.ScenarioBase(path)
    assert base.edition.name != other
    got = base.score(ch)
    want = inovasi.score(applied(sub, ch["changes"]), edition=other, override_edition=True, policy=policy)
    assert int(got["iid_h"][0]) == want.iid_hundredths
    assert base.for_changes(ch).edition.name == other
    assert base.for_changes(ch) is base.for_edition(other)  # re-bound once, kept
    # The same as a base built under the other edition, scored with the edition-free text.
    plain = {k: v for k, v in ch.items() if k != "edition"}
    ref = sc.ScenarioBase(path, rebind_to=other).score(plain)
    for key in ref:
        assert ref[key].tolist() == got[key].tolist(), key
    # score_region and the edition's own name in the text take the same path.
    assert base.score_region(ch, sub["region"]["code"])["iid_h"] == want.iid_hundredths
    assert base.for_edition(base.edition) is base


@pytest.mark.parametrize("example,other", CASES)
def test_whatif_with_an_edition_change(example, other):
    path = EXAMPLES / example
    sub = json.loads(path.read_text())
    ch = changes_for(sub, other, "supported")
    w = whatif(str(path), ch)
    assert w["edition"] == other and w["edition_before"] == sub["edition"]
    (r,) = w["regions"]
    assert w["touched"] == [sub["region"]["code"]]
    before = inovasi.score(sub, policy="supported")
    after = inovasi.score(applied(sub, ch["changes"]), edition=other, override_edition=True, policy="supported")
    assert round(r["iid_before"] * 100) == before.iid_hundredths
    assert round(r["iid_after"] * 100) == after.iid_hundredths
    assert r["category_after"] == after.category
    # An edition alone (no other change) is a what-if too: every region is touched.
    w2 = whatif(str(path), {"edition": other})
    assert round(w2["regions"][0]["iid_after"] * 100) == inovasi.score(
        sub, edition=other, override_edition=True).iid_hundredths


def test_errors_name_the_edition_field():
    base = sc.ScenarioBase(EXAMPLES / "kabupaten-berau-2023.json")
    with pytest.raises(inovasi.InputError) as e:
        base.score({"edition": "iid-1999", "changes": []})
    assert "/edition" in str(e.value) and "iid-1999" in str(e.value)


def test_cli_whatif_with_an_edition(tmp_path):
    path = EXAMPLES / "kabupaten-berau-2023.json"
    sub = json.loads(path.read_text())
    ch = changes_for(sub, "iid-2026", "self_assessed")
    out = subprocess.run([sys.executable, "-m", "inovasi", "whatif", str(path), "--changes", json.dumps(ch),
                          "--format", "table"], capture_output=True, text=True, check=True).stdout
    assert "what-if (iid-2023 -> iid-2026, self_assessed)" in out
