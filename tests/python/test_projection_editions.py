"""The projection editions (examples/editions/): hypothetical rules reported for 2027-2029 [U],
shipped apart from the official editions, loaded and scored by the same engine."""

import json
from pathlib import Path

import pytest

import inovasi

ROOT = Path(__file__).resolve().parents[2]
PROJECTIONS = {2027: 14, 2028: 16, 2029: 18}


@pytest.mark.parametrize("year", sorted(PROJECTIONS))
def test_projection_rules_and_marks(year):
    path = ROOT / "examples" / "editions" / f"iid-{year}-projection.json"
    ed = inovasi.edition(str(path))
    assert ed.name == f"iid-{year}-projection"
    assert ed.divisor_minimum == PROJECTIONS[year]
    assert ed.count_points["gate"]["min_covered"] == 6 == len(ed.count_points["gate"]["affairs"])
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert raw["divisor_minimum"]["mark"] == "U" and raw["count_points"]["mark"] == "U"
    assert "unofficial" in raw["title"] and ed.name not in inovasi.edition_names()  # not shipped as official


def test_a_region_under_next_years_rules():
    # Kota Tangerang (2026 example): 15 innovations covering 5 of the 6 basic-service affairs.
    sub = json.loads((ROOT / "examples" / "kota-tangerang-2026.json").read_text(encoding="utf-8"))
    now = inovasi.score(sub).to_dict()
    assert now["count_gate"]["open"] and now["count_gate"]["affairs_covered"] == 5
    later = inovasi.score(sub, edition=str(ROOT / "examples" / "editions" / "iid-2027-projection.json"),
                          override_edition=True).to_dict()
    assert not later["count_gate"]["open"] and later["count_points"] == 0
    assert later["divisor"] == 15  # n = 15 > 14
    far = inovasi.score(sub, edition=str(ROOT / "examples" / "editions" / "iid-2029-projection.json"),
                        override_edition=True).to_dict()
    assert far["divisor"] == 18  # three empty seats
    # Same government points and innovation sum: only the divisor and the count points move.
    assert far["government_points"] == later["government_points"] == now["government_points"]
    assert now["iid"] > later["iid"] > far["iid"]


def test_a_regency_department_contest_scored_by_the_same_engine():
    # examples/editions/lomba-opd-berau.json: a fictional regency contest with its own rows,
    # weights, labels and bands; each department is a record. Hand-computed:
    # government K1 3x2 + K2 2x2 + K3 1x1 = 11; innovation dk-1 = I1 2x3 + I2 3x3 + I3 1x2 + I4 2x1
    # = 19, dk-2 lacks the mandatory I1 (zero_innovation) = 0; divisor max(3, 2) = 3; count 2 x 1;
    # total 11 + 19/3 + 2 = 58/3 of a maximum 15 + 27 + 10 = 52: IID 5800/156 = 37.179... -> 37.18.
    ed = str(ROOT / "examples" / "editions" / "lomba-opd-berau.json")
    line = (ROOT / "examples" / "editions" / "lomba-opd-berau-contoh.jsonl").read_text(encoding="utf-8").splitlines()[0]
    s = inovasi.score(json.loads(line), edition=ed).to_dict()
    assert s["government_points"] == 11 and s["innovation_average_exact"] == "19/3" and s["count_points"] == 2
    assert s["divisor"] == 3 and s["total_exact"] == "58/3"
    assert s["iid"] == 37.18 and s["category"] == "OPD Kurang Inovatif"
    assert [i["points"] for i in s["innovations"]] == [19, 0]
