"""The Python API: inputs, editions, errors, results, and the worked examples of docs/model.md §8."""

from __future__ import annotations

import json
import pathlib
from fractions import Fraction as F

import pytest

import inovasi

ROOT = pathlib.Path(__file__).resolve().parents[2]
EDITIONS = ["iid-2023", "iid-2024", "iid-2025", "iid-2026"]
BASIC = ["pendidikan", "kesehatan", "pekerjaan umum dan penataan ruang",
         "perumahan rakyat dan kawasan permukiman",
         "ketenteraman, ketertiban umum dan pelindungan masyarakat", "sosial"]


def region(code="32.73", type_="kota"):
    return {"code": code, "name": "Kota Bandung", "type": type_}


def small(edition="iid-2023"):
    return {
        "edition": edition,
        "region": region(),
        "government": {"1": {"level": 3}, "12": {"level": 2}},
        "innovations": [
            {"id": "a", "status": "submitted", "answers": {"16": {"level": 2}, "35": {"level": 3}}},
            {"id": "b", "status": "rejected", "answers": {"16": {"level": 3}}},
            {"id": "c", "status": "draft", "answers": {"16": {"level": 3}}},
        ],
    }
# small(): SPD 1×3 + 2×2 = 7; innovation a: 3×2 + 4×3 = 18; n = 2 (a, b), divisor 10;
# count 0.76; total 7 + 1.8 + 0.76 = 9.56; IID 3.824 → 3.82 Kurang Inovatif.


# --------------------------------------------------------------------------------------------
# Inputs

def test_score_accepts_dict_json_string_path_and_bytes(tmp_path):
    d = small()
    text = json.dumps(d)
    p = tmp_path / "kota-bandung.json"
    p.write_text(text, encoding="utf-8")
    results = [inovasi.score(d), inovasi.score(text), inovasi.score(p), inovasi.score(str(p)),
               inovasi.score(text.encode("utf-8"))]
    for r in results:
        assert r.iid_hundredths == 382
        assert r.category == "Kurang Inovatif"
        assert r.region == "32.73" and r.edition == "iid-2023" and r.policy == "self_assessed"
    first = results[0].to_json()
    assert all(r.to_json() == first for r in results)
    d2 = results[0].to_dict()
    assert d2["government_points"] == 7
    assert d2["innovation_average_exact"] == "9/5"
    assert d2["count_points"] == 0.76
    assert d2["total_exact"] == "239/25"  # 9.56
    assert d2["innovations_counted"] == 2 and d2["divisor"] == 10


def test_pretty_printed_json_string_with_leading_whitespace():
    text = "\n  " + json.dumps(small(), indent=2)
    assert inovasi.score(text).iid_hundredths == 382


def test_result_repr_and_item_access():
    r = inovasi.score(small())
    assert repr(r) == "<inovasi.Result 32.73 iid-2023 self_assessed: IID 3.82 Kurang Inovatif>"
    assert r["iid"] == 3.82
    assert r.iid == 3.82
    # to_dict returns a fresh copy each time
    d = r.to_dict()
    d["iid"] = 99
    assert r.to_dict()["iid"] == 3.82


def test_parse_submission():
    s = inovasi.parse_submission(small())
    assert isinstance(s, inovasi.Submission)
    assert s.region_code == "32.73"
    assert s.region_type == "kota"
    assert s.region_name == "Kota Bandung"
    assert s.province == "Jawa Barat"  # from the code's first two digits
    assert s.innovation_count == 3
    assert s.edition.name == "iid-2023"
    # a parsed submission can be scored again
    assert inovasi.score(s).iid_hundredths == 382
    assert inovasi.parse_submission(s) is s


def test_parse_submission_edition_argument():
    d = small()
    del d["edition"]
    with pytest.raises(inovasi.InputError) as ei:
        inovasi.parse_submission(d)
    assert ei.value.pointer == "/edition"
    assert inovasi.parse_submission(d, "iid-2025").edition.name == "iid-2025"
    # the submission's own edition wins unless override_edition
    assert inovasi.parse_submission(small(), "iid-2025").edition.name == "iid-2023"
    assert inovasi.parse_submission(small(), "iid-2025", override_edition=True).edition.name == "iid-2025"
    assert inovasi.parse_submission(small(), inovasi.edition("iid-2024"),
                                    override_edition=True).edition.name == "iid-2024"


def test_score_with_edition_override_changes_category():
    # small() under 2025 has the same IID; a B-like region shows the band change (see below).
    r = inovasi.score(small(), "iid-2025", override_edition=True)
    assert r.edition == "iid-2025" and r.iid_hundredths == 382


# --------------------------------------------------------------------------------------------
# Editions and policies

def test_edition_names_and_policies():
    assert inovasi.edition_names() == EDITIONS
    assert inovasi.policies() == ["self_assessed", "supported", "strict", "assessor"]


def test_edition_2026_parameters():
    e = inovasi.edition("iid-2026")
    assert e.name == "iid-2026"
    assert e.divisor_minimum == 12
    assert F(e.max_total) == 250  # exact decimal text, like the weights
    assert e.assessment_year == 2026
    assert e.rounding == "half_up"
    assert e.category_reading == "rounded"
    assert e.lowest_category == "Tidak Dapat Dinilai"
    assert inovasi.edition(e) is e
    assert inovasi.edition("iid-2023").divisor_minimum == 10


def test_edition_rows():
    for name in EDITIONS:
        rows = inovasi.edition(name).rows
        assert isinstance(rows, list)
        keys = [r["key"] for r in rows]
        assert keys == ["1", "2a", "2b", "3", "4", "5a", "5b", "6", "7", "8", "9", "10a", "10b",
                        "11a", "11b", "12", "13a", "13b", "14", "15"] + [str(k) for k in range(16, 36)]
        gov = [r for r in rows if not r["per_innovation"]]
        inn = [r for r in rows if r["per_innovation"]]
        assert len(gov) == 20 and len(inn) == 20
        assert sum(F(r["weight"]) for r in gov) == 21
        assert sum(F(r["weight"]) for r in inn) == 37
        weights = {r["key"]: F(r["weight"]) for r in rows}
        assert weights["5a"] == F(3, 4) and weights["6"] == F(3, 2) and weights["35"] == 4
        for r in rows:
            assert len(r["levels"]) == 4  # levels 0..3


def test_edition_mandatory_rows():
    m2023 = {r["key"] for r in inovasi.edition("iid-2023").rows if r["mandatory"] and r["per_innovation"]}
    m2024 = {r["key"] for r in inovasi.edition("iid-2024").rows if r["mandatory"] and r["per_innovation"]}
    assert m2023 == set()
    assert m2024 == {"16", "17", "32", "33", "35"}
    gov = {r["key"] for r in inovasi.edition("iid-2026").rows if r["mandatory"] and not r["per_innovation"]}
    assert gov == {"1", "3", "4", "5a", "5b", "6", "7", "8", "9", "10a", "10b", "11a", "11b"}


def test_edition_provenance_marks():
    for name in EDITIONS:
        e = inovasi.edition(name)
        prov = e.provenance
        for key in ("divisor_minimum", "count_points", "rounding", "category_reading", "categories",
                    "max_total"):
            assert prov[key]["mark"] in ("C", "P", "U"), (name, key)
            assert prov[key]["note"], (name, key)
        for r in e.rows:
            for k in ("weight", "levels", "mandatory"):
                assert r["provenance"][k]["mark"] in ("C", "P", "U")
                assert r["provenance"][k]["note"]
    # docs/model.md §3/§5: d_min is confirmed for 2023, probable for 2026, uncertain for 2024–25
    assert inovasi.edition("iid-2023").provenance["divisor_minimum"]["mark"] == "C"
    assert inovasi.edition("iid-2024").provenance["divisor_minimum"]["mark"] == "U"
    assert inovasi.edition("iid-2025").provenance["divisor_minimum"]["mark"] == "U"
    assert inovasi.edition("iid-2026").provenance["divisor_minimum"]["mark"] == "P"
    # the rounding rule is unpublished everywhere
    for name in EDITIONS:
        assert inovasi.edition(name).provenance["rounding"]["mark"] == "U"


def test_unknown_edition_is_an_input_error():
    with pytest.raises(inovasi.InputError):
        inovasi.edition("iid-1999")
    d = small()
    d["edition"] = "iid-1999"
    with pytest.raises(inovasi.InputError) as ei:
        inovasi.score(d)
    assert ei.value.pointer == "/edition"


def test_bad_policy_is_an_input_error():
    with pytest.raises(inovasi.InputError):
        inovasi.score(small(), policy="lenient")


# --------------------------------------------------------------------------------------------
# Errors

def test_input_error_is_a_value_error_with_pointer_and_line():
    assert issubclass(inovasi.InputError, ValueError)
    d = small()
    d["innovations"][0]["answers"]["21"] = {"level": 5}
    with pytest.raises(inovasi.InputError) as ei:
        inovasi.score(d)
    e = ei.value
    assert isinstance(e, ValueError)
    assert str(e) == "/innovations/0/answers/21/level: 5 is out of range 0..3 (iid-2023, indicator 21)"
    assert e.pointer == "/innovations/0/answers/21/level"
    assert hasattr(e, "line")


def test_level_error_message_in_other_editions():
    d = small("iid-2026")
    d["innovations"][0]["answers"]["21"] = {"level": 5}
    with pytest.raises(inovasi.InputError) as ei:
        inovasi.score(d)
    assert str(ei.value) == "/innovations/0/answers/21/level: 5 is out of range 0..3 (iid-2026, indicator 21)"


def test_syntax_error_has_line_and_no_pointer():
    text = '{"edition": "iid-2023",\n "region": {"code": "1",, "type": "kota"}}'
    with pytest.raises(inovasi.InputError) as ei:
        inovasi.score(text)
    assert ei.value.pointer is None
    assert ei.value.line == 2
    assert ":2:" in str(ei.value)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf")])
def test_non_finite_float_in_a_dict_is_an_input_error(bad):
    d = {"edition": "iid-2026", "region": region(), "government": {"3": {"value": bad}}}
    with pytest.raises(inovasi.InputError) as ei:
        inovasi.score(d)
    assert ei.value.pointer == "/government/3/value"


@pytest.mark.parametrize("value,level", [
    (8.17, 3), (8.16, 2), (8.169999999999999, 2), (-50.33, 2), (-50.34, 1), (9.5, 3),
])
def test_floats_go_through_repr_2026_row_3(value, level):
    d = {"edition": "iid-2026", "region": region(), "government": {"3": {"value": value}}}
    got = {row["row"]: row["level"] for row in inovasi.score(d).to_dict()["indicators"]}
    assert got["3"] == level
    assert inovasi.score(d).to_dict()["government_points"] == level  # weight 1


def test_float_and_text_agree_exactly():
    # 0.1 + 0.2 is 0.30000000000000004 (repr) — below 0.36, above 0.01: level 2 of 5a
    d = {"edition": "iid-2026", "region": region(), "government": {"5a": {"value": 0.1 + 0.2}}}
    got = {row["row"]: row["level"] for row in inovasi.score(d).to_dict()["indicators"]}
    assert got["5a"] == 2
    text = '{"edition":"iid-2026","region":{"code":"32.73","type":"kota"},"government":{"3":{"value":8.17000}}}'
    got = {row["row"]: row["level"] for row in inovasi.score(text).to_dict()["indicators"]}
    assert got["3"] == 3


def test_value_and_level_must_agree():
    d = {"edition": "iid-2026", "region": region(), "government": {"3": {"value": 9.5, "level": 2}}}
    with pytest.raises(inovasi.InputError) as ei:
        inovasi.score(d)
    assert "gives level 3" in str(ei.value)
    d["government"]["3"]["level"] = 3
    assert inovasi.score(d).to_dict()["government_points"] == 3


def test_value_on_a_level_only_row_names_the_edition():
    d = {"edition": "iid-2023", "region": region(), "government": {"3": {"value": 9.5}}}
    with pytest.raises(inovasi.InputError) as ei:
        inovasi.score(d)
    assert ei.value.pointer == "/government/3/value"
    assert "iid-2023" in str(ei.value)


@pytest.mark.parametrize("mutate,pointer", [
    (lambda d: d["region"].pop("type"), "/region"),
    (lambda d: d["region"].update(type="city"), "/region/type"),
    (lambda d: d.update(extra=1), "/extra"),
    (lambda d: d["innovations"][0].update(status="approved"), "/innovations/0/status"),
    (lambda d: d["innovations"][1].update(id="a"), "/innovations/1/id"),
    (lambda d: d["innovations"][0].update(applied_date="2023-02-30"), "/innovations/0/applied_date"),
    (lambda d: d["innovations"][0]["answers"].update({"99": {"level": 1}}), "/innovations/0/answers/99"),
    (lambda d: d["innovations"][0]["answers"].update({"1": {"level": 1}}), "/innovations/0/answers/1"),
    (lambda d: d["government"].update({"16": {"level": 1}}), "/government/16"),
    (lambda d: d["government"]["1"].update(level=1.5), "/government/1/level"),
])
def test_input_errors_name_the_place(mutate, pointer):
    d = small()
    mutate(d)
    with pytest.raises(inovasi.InputError) as ei:
        inovasi.score(d)
    assert ei.value.pointer == pointer, str(ei.value)
    assert str(ei.value).startswith(pointer + ": ")


def test_x_keys_are_ignored():
    d = small()
    d["x-note"] = "dari Bappeda"
    d["innovations"][0]["answers"]["x-catatan"] = {"anything": True}
    assert inovasi.score(d).iid_hundredths == 382


def test_duplicate_key_top_level_pointer():
    text = '{"edition":"iid-2023","edition":"iid-2024","region":{"code":"1","type":"kota"}}'
    with pytest.raises(inovasi.InputError) as ei:
        inovasi.score(text)
    assert ei.value.pointer == "/edition"


def test_duplicate_key_nested_pointer():
    # BUG: the pointer of a duplicate key inside a nested object drops the last segment (the
    # key or index of the object holding the duplicate): the core (src/io/json_dom.cpp,
    # Handler::on_object_end pops the frame before computing pointer()) gives
    # "/government/level" here; likewise {"region": {"code":..,"code":..}} gives "/code" and a
    # duplicate "id" in /innovations/0 gives "/innovations/id".
    text = ('{"edition":"iid-2023","region":{"code":"1","type":"kota"},'
            '"government":{"1":{"level":1,"level":2}}}')
    with pytest.raises(inovasi.InputError) as ei:
        inovasi.score(text)
    assert ei.value.pointer == "/government/1/level"


# --------------------------------------------------------------------------------------------
# The result

def test_result_to_dict_has_the_documented_keys():
    d = inovasi.score(small()).to_dict()
    for key in ("region", "edition", "policy", "iid", "category", "government_points",
                "innovation_average", "count_points", "total", "innovations_counted", "divisor",
                "self_assessed_iid", "points_at_risk", "indicators", "innovations"):
        assert key in d, key
    assert d["category"] in ("Sangat Inovatif", "Inovatif", "Kurang Inovatif", "Tidak Dapat Dinilai")
    assert [i["id"] for i in d["innovations"]] == ["a", "b", "c"]
    by_id = {i["id"]: i for i in d["innovations"]}
    assert by_id["a"]["points"] == 18 and by_id["a"]["counted"] is True
    assert by_id["b"]["points"] == 0 and by_id["b"]["counted"] is True
    assert by_id["c"]["counted"] is False
    assert d["self_assessed_iid"] == d["iid"]


def test_result_json_prints_iid_with_two_decimals():
    js = inovasi.score(small()).to_json()
    assert '"iid":3.82' in js
    js0 = inovasi.score({"edition": "iid-2023", "region": region()}).to_json()
    assert '"iid":0.00' in js0


# --------------------------------------------------------------------------------------------
# Worked examples of docs/model.md §8, built from each edition's rows.

def rows_of(edition):
    rows = inovasi.edition(edition).rows
    return ([r["key"] for r in rows if not r["per_innovation"]],
            [r["key"] for r in rows if r["per_innovation"]])


def build(edition, spd_level, innovations, affairs_cover=6):
    """innovations: list of (status, level). Affairs assigned round-robin over the first
    `affairs_cover` basic-service affairs."""
    gov_keys, inn_keys = rows_of(edition)
    invs = []
    for i, (status, level) in enumerate(innovations):
        inv = {"id": f"inv-{i:03d}", "status": status,
               "affairs": [BASIC[i % affairs_cover]] if affairs_cover else [],
               "answers": {k: {"level": level} for k in inn_keys}}
        invs.append(inv)
    return {"edition": edition, "region": region("64.03", "kabupaten"),
            "government": {k: {"level": spd_level} for k in gov_keys},
            "innovations": invs}


def example_A(edition):
    return build(edition, 2, [("submitted", 2)] * 11 + [("rejected", 2)])


def example_B(edition, cover=6):
    return build(edition, 3, [("submitted", 3)] * 8, cover)


def example_E(edition):
    return build(edition, 3, [("submitted", 3)] * 200)


def example_C(edition):
    return {"edition": edition, "region": region("95.08", "kabupaten"), "government": {}, "innovations": []}


def example_D(edition):
    # SPD rows worth 10 points: 1 (w 1) × 3 + 12 (w 2) × 2 + 6 (w 1.5) × 2 = 3 + 4 + 3
    weights = {r["key"]: F(r["weight"]) for r in inovasi.edition(edition).rows}
    gov = {"1": 3, "12": 2, "6": 2}
    assert sum(weights[k] * v for k, v in gov.items()) == 10
    return {"edition": edition, "region": region("62.10", "kabupaten"),
            "government": {k: {"level": v} for k, v in gov.items()}, "innovations": []}


@pytest.mark.parametrize("edition", EDITIONS)
def test_worked_example_A(edition):
    d = inovasi.score(example_A(edition)).to_dict()
    assert d["government_points"] == 42
    assert d["innovations_counted"] == 12
    assert d["divisor"] == 12
    assert F(d["innovation_average_exact"]) == F(814, 12)  # 67.8333…
    assert d["innovation_average_exact"] == "407/6"
    assert d["count_points"] == 4.56
    assert F(d["total_exact"]) == 42 + F(814, 12) + F(456, 100)  # 114.3933…
    assert d["iid"] == 45.76
    assert d["category"] == "Inovatif"


@pytest.mark.parametrize("edition,category", [
    ("iid-2023", "Sangat Inovatif"), ("iid-2024", "Sangat Inovatif"), ("iid-2025", "Inovatif")])
def test_worked_example_B(edition, category):
    d = inovasi.score(example_B(edition)).to_dict()
    assert d["government_points"] == 63
    assert d["divisor"] == 10
    assert F(d["innovation_average_exact"]) == F(888, 10)
    assert d["count_points"] == 3.04
    assert F(d["total_exact"]) == F(15484, 100)
    assert d["iid"] == 61.94
    assert d["category"] == category


@pytest.mark.parametrize("cover", [6, 5])
def test_worked_example_B_prime_2026(cover):
    d = inovasi.score(example_B("iid-2026", cover)).to_dict()
    assert d["divisor"] == 12
    assert F(d["innovation_average_exact"]) == 74
    assert d["count_points"] == 3.04
    assert F(d["total_exact"]) == F(14004, 100)
    assert d["iid"] == 56.02
    assert d["category"] == "Inovatif"


def test_worked_example_B_double_prime_2026():
    d = inovasi.score(example_B("iid-2026", 4)).to_dict()
    assert d["count_points"] == 0
    assert F(d["total_exact"]) == 137
    assert d["iid"] == 54.80
    assert d["category"] == "Inovatif"


@pytest.mark.parametrize("edition", EDITIONS)
def test_worked_example_C(edition):
    r = inovasi.score(example_C(edition))
    assert r.iid_hundredths == 0
    assert r.category == "Tidak Dapat Dinilai"


@pytest.mark.parametrize("edition", EDITIONS)
def test_worked_example_D(edition):
    d = inovasi.score(example_D(edition)).to_dict()
    assert F(d["total_exact"]) == 10
    assert d["iid"] == 4.00
    assert d["category"] == "Kurang Inovatif"


@pytest.mark.parametrize("edition", EDITIONS)
def test_worked_example_E(edition):
    d = inovasi.score(example_E(edition)).to_dict()
    assert d["government_points"] == 63
    assert F(d["innovation_average_exact"]) == 111
    assert d["count_points"] == 76
    assert F(d["total_exact"]) == 250
    assert d["iid"] == 100.00
    assert d["category"] == "Sangat Inovatif"


def test_rejected_only_region_is_kurang_inovatif():
    # docs/model.md §3: only rejected innovations still earn count points → Kurang Inovatif.
    d = inovasi.score(build("iid-2023", 0, [("rejected", 3)] * 2)).to_dict()
    assert d["count_points"] == 0.76 and d["iid"] == 0.30  # 0.76 / 250 × 100 = 0.304
    assert d["category"] == "Kurang Inovatif"


def test_drafts_never_count():
    d = inovasi.score(build("iid-2023", 0, [("draft", 3)] * 5)).to_dict()
    assert d["innovations_counted"] == 0 and d["count_points"] == 0
    assert d["category"] == "Tidak Dapat Dinilai"


# --------------------------------------------------------------------------------------------
# score_many

def test_score_many_json_lines_with_a_bad_middle_line():
    good1 = json.dumps(small())
    bad = json.dumps({"edition": "iid-2023", "region": {"code": "2"}})  # no type
    good3 = json.dumps(example_B("iid-2023"))
    text = good1 + "\n" + bad + "\n" + good3 + "\n"
    # Errors are raised, located (source, line, column, pointer) ...
    with pytest.raises(inovasi.InputError) as e:
        inovasi.score_many(text, source="nasional.jsonl")
    assert str(e.value).startswith("nasional.jsonl:2:") and e.value.pointer == "/region"
    assert (e.value.line, e.value.column, e.value.source) == (2, 1, "nasional.jsonl")
    # ... or, with keep_going, returned in their record while the others are scored.
    out = inovasi.score_many(text, source="nasional.jsonl", keep_going=True)
    assert len(out) == 3
    (i0, l0, _c0, js0, e0, _p0), (i1, l1, _c1, js1, e1, p1), (i2, l2, _c2, js2, e2, _p2) = out
    assert (i0, i1, i2) == (0, 1, 2)
    assert (l0, l1, l2) == (1, 2, 3)
    assert e0 is None and e2 is None
    assert json.loads(js0)["iid"] == 3.82
    assert json.loads(js2)["iid"] == 61.94
    assert js1 is None
    assert ":2:" in e1 and e1.startswith("nasional.jsonl:2:")
    assert p1 == "/region"


def test_score_many_agrees_with_score():
    out = inovasi.score_many(json.dumps(small()))
    assert len(out) == 1
    assert out[0][3] == inovasi.score(small()).to_json()


def test_score_many_edition_override():
    text = json.dumps(example_B("iid-2023"))
    out = inovasi.score_many(text, "iid-2025", override_edition=True)
    rec = json.loads(out[0][3])
    assert rec["edition"] == "iid-2025"
    assert rec["iid"] == 61.94 and rec["category"] == "Inovatif"


# --------------------------------------------------------------------------------------------
# Band edges and the rule that decided (docs/model.md §3)

def test_category_reading_decides_at_60_004():
    # iid-2023, n = 27 (divisor 27): SPD 63 − 3 × 0.75 = 60.75 (5a, 5b, 10a at level 2);
    # each innovation all level 2 (74) with 20 and 35 at level 3 (+1, +4) = 79, average 79;
    # count 0.38 × 27 = 10.26; total 150.01; exact IID 60.004 → 60.00, which is not > 60.00:
    # Inovatif when read off the rounded value; Sangat Inovatif off the unrounded one.
    sub = build("iid-2023", 3, [("submitted", 2)] * 27)
    for k in ("5a", "5b", "10a"):
        sub["government"][k]["level"] = 2
    for inv in sub["innovations"]:
        inv["answers"]["20"]["level"] = 3
        inv["answers"]["35"]["level"] = 3
    d = inovasi.score(sub).to_dict()
    assert d["government_points"] == 60.75
    assert d["innovation_average_exact"] == "79"
    assert d["count_points"] == 10.26
    assert d["total_exact"] == "15001/100"
    assert d["iid_exact"] == "15001/250"
    assert d["iid"] == 60.00
    assert d["category"] == "Inovatif"
    assert d["decided_by"] == [{"rule": "category_reading", "chosen": "rounded", "alternative": "unrounded",
                                "alternative_iid": 60.00, "alternative_category": "Sangat Inovatif"}]


def test_rounding_rule_decides_at_a_half_hundredth():
    # iid-2026, 16 submitted innovations without basic-service affairs (gate closed, count 0),
    # divisor 16; one innovation has row 20 (weight 1) at level 1: total 1/16; exact IID
    # 1/16 × 100/250 = 0.025 → half up 0.03, half even 0.02.
    sub = build("iid-2026", 0, [("submitted", 0)] * 16, affairs_cover=0)
    sub["innovations"][0]["answers"]["20"]["level"] = 1
    d = inovasi.score(sub).to_dict()
    assert d["divisor"] == 16 and d["count_points"] == 0
    assert d["total_exact"] == "1/16"
    assert d["iid_exact"] == "1/40"
    assert d["iid"] == 0.03
    assert d["category"] == "Kurang Inovatif"
    assert d["decided_by"] == [{"rule": "rounding", "chosen": "half_up", "alternative": "half_even",
                                "alternative_iid": 0.02, "alternative_category": "Kurang Inovatif"}]


def test_no_decided_by_away_from_edges():
    assert inovasi.score(example_A("iid-2023")).to_dict()["decided_by"] == []


# --------------------------------------------------------------------------------------------
# Raw values and affairs (docs/editions.md, raw values)

def one(edition, answers=None, government=None, **inv):
    return {"edition": edition, "region": region(), "government": government or {},
            "innovations": [dict({"id": "a", "status": "submitted", "answers": answers or {}}, **inv)]}


def levels_of(sub):
    d = inovasi.score(sub).to_dict()
    return d["innovations"][0]["levels"]


def test_affairs_are_matched_case_insensitively_with_spaces_trimmed():
    names = ["Pendidikan ", " KESEHATAN", "Pekerjaan Umum dan Penataan Ruang", "SOSIAL",
             "Ketenteraman, Ketertiban Umum dan Pelindungan Masyarakat"]
    sub = {"edition": "iid-2026", "region": region(), "innovations": [
        {"id": str(i), "status": "submitted", "affairs": [names[i]]} for i in range(5)]}
    d = inovasi.score(sub).to_dict()
    assert d["count_gate"]["open"] is True and d["count_gate"]["affairs_covered"] == 5
    assert d["count_points"] == 1.9  # 0.38 × 5


def test_count_points_cap_at_200():
    sub = {"edition": "iid-2023", "region": region(),
           "innovations": [{"id": str(i), "status": "submitted"} for i in range(250)]}
    d = inovasi.score(sub).to_dict()
    assert d["count_points"] == 76 and d["divisor"] == 250 and d["innovations_counted"] == 250


def test_applied_date_outside_the_2026_window_still_counts():
    # the eligibility window ships disabled (docs/model.md §6.1)
    d = inovasi.score(one("iid-2026", applied_date="2019-01-01")).to_dict()
    assert d["innovations_counted"] == 1


@pytest.mark.parametrize("years,level", [
    (["T-0", "T-1", "T-2"], 3), ([2026, 2025, 2024], 3), (["T-1", "T-2"], 2), ([2025, 2024], 2),
    (["T-2"], 1), (["T-0", "T-1"], 1), (["T-0"], 0), ([], 0)])
def test_plan_years_row_21_2026(years, level):
    assert levels_of(one("iid-2026", {"21": {"value": years}})).get("21", 0) == level


@pytest.mark.parametrize("years,level", [
    (["T-0", "T-1", "T-2"], 3), (["T-0", "T-1"], 2), (["T-1", "T-2"], 2), (["T-0", "T-2"], 1),
    (["T-1"], 1), ([], 0)])
def test_budget_years_row_18_2026(years, level):
    assert levels_of(one("iid-2026", {"18": {"value": years}})).get("18", 0) == level


@pytest.mark.parametrize("years,level", [
    (["T-0", "T-1", "T-2"], 3), (["T-1"], 2), (["T-2"], 2), (["T-0", "T-1"], 2), (["T-0"], 1), ([], 0)])
def test_budget_years_row_18_2023(years, level):
    assert levels_of(one("iid-2023", {"18": {"value": years}})).get("18", 0) == level


@pytest.mark.parametrize("bad", [["T-3"], [2027], ["T-0", "T-0"], ["2025"], "T-1"])
def test_bad_years_are_input_errors(bad):
    with pytest.raises(inovasi.InputError) as ei:
        inovasi.score(one("iid-2026", {"21": {"value": bad}}))
    assert ei.value.pointer.startswith("/innovations/0/answers/21/value")


@pytest.mark.parametrize("edition,basis,value,level", [
    ("iid-2023", None, 200, 2), ("iid-2023", "people", 201, 3), ("iid-2023", None, 0, 0),
    ("iid-2024", None, 201, 3), ("iid-2026", None, 201, 2), ("iid-2026", "people", 501, 3),
    ("iid-2024", "target_units", 50, 2), ("iid-2024", "target_units", 50.01, 3),
    ("iid-2024", "target_units", 4.99, 0), ("iid-2024", "products", 200, 2),
    ("iid-2024", "products", 201, 3), ("iid-2024", "spending_saved", 45, 3),
    ("iid-2024", "revenue_increase", 99.99, 2), ("iid-2026", "revenue_increase", 20, 3),
    ("iid-2026", "revenue_increase", 19.99, 2), ("iid-2026", "positive_trend", 1, 1),
])
def test_row_33_bases(edition, basis, value, level):
    ans = {"value": value} if basis is None else {"basis": basis, "value": value}
    assert levels_of(one(edition, {"33": ans})).get("33", 0) == level


def test_row_33_basis_unknown_to_the_edition():
    with pytest.raises(inovasi.InputError) as ei:
        inovasi.score(one("iid-2023", {"33": {"basis": "target_units", "value": 60}}))
    assert ei.value.pointer == "/innovations/0/answers/33/basis"
    with pytest.raises(inovasi.InputError):
        inovasi.score(one("iid-2024", {"33": {"basis": "positive_trend", "value": 3}}))


@pytest.mark.parametrize("value", [12.5, -1])
def test_count_rows_take_whole_numbers(value):
    with pytest.raises(inovasi.InputError) as ei:
        inovasi.score(one("iid-2024", {"17": {"value": value}}))
    assert ei.value.pointer == "/innovations/0/answers/17/value"


@pytest.mark.parametrize("key,value,level", [
    ("28", 0, 3), ("28", 1, 3), ("28", 2, 2), ("28", 5, 2), ("28", 6, 1),
    ("32", 4, 3), ("32", 5, 2), ("32", 8, 2), ("32", 9, 1),
    ("17", 0, 0), ("17", 1, 1), ("17", 10, 1), ("17", 11, 2), ("17", 30, 2), ("17", 31, 3),
    ("29", 40, 1), ("29", 40.01, 2), ("29", 70.99, 2), ("29", 71, 3),
    ("22", 2, 0), ("22", 3, 1), ("22", 5, 3), ("24", 1, 1), ("24", 3, 2), ("24", 5, 3),
    ("35", 0, 0), ("35", 2, 1), ("35", 3, 2), ("35", 5, 3), ("31", 3, 3), ("20", 3, 3),
])
def test_raw_values_2023(key, value, level):
    assert levels_of(one("iid-2023", {key: {"value": value}})).get(key, 0) == level


@pytest.mark.parametrize("edition,key,value,level", [
    ("iid-2024", "29", 50.99, 1), ("iid-2024", "29", 51, 2), ("iid-2024", "29", 86, 3),
    ("iid-2025", "29", 85.99, 2), ("iid-2026", "29", 90.99, 2), ("iid-2026", "29", 91, 3),
    ("iid-2024", "27", 0, 0), ("iid-2024", "27", 4, 3), ("iid-2026", "24", 1, 0), ("iid-2026", "24", 2, 1),
])
def test_raw_values_later_editions(edition, key, value, level):
    assert levels_of(one(edition, {key: {"value": value}})).get(key, 0) == level


def test_row_27_takes_a_level_only_in_2023():
    with pytest.raises(inovasi.InputError):
        inovasi.score(one("iid-2023", {"27": {"value": 2}}))


@pytest.mark.parametrize("key,value,level", [
    ("2a", 0, 0), ("2b", 1, 0), ("2b", 2, 1), ("2b", 4, 3), ("13a", 0, 0), ("13a", 3, 1),
    ("13a", 7, 2), ("13a", 8, 3), ("4", 2.04, 1), ("4", 2.05, 2), ("5a", 0, 1), ("5a", 0.01, 2),
    ("5b", 2.35, 3), ("5b", 2.36, 2), ("5b", 5.92, 2), ("5b", 5.93, 1), ("6", 94.76, 3),
    ("6", -47.44, 1), ("7", -5.15, 2), ("7", -5.16, 1), ("10a", 1.16, 3), ("10b", 13.11, 2),
    ("10b", 13.12, 1), ("11a", 0.56, 2), ("11a", 0.55, 1), ("11b", 69.99, 1), ("11b", 80, 3),
    ("8", "WTP", 3), ("8", "wdp", 2), ("8", "tw", 1), ("8", "TMP", 1),
    ("9", "AA", 3), ("9", "a", 3), ("9", "BB", 2), ("9", "b", 2), ("9", "CC", 1), ("9", "C", 1), ("9", "D", 1),
])
def test_spd_raw_values_2026(key, value, level):
    d = inovasi.score(one("iid-2026", government={key: {"value": value}})).to_dict()
    got = {row["row"]: row["level"] for row in d["indicators"]}
    assert got[key] == level


def test_unknown_code_is_an_input_error():
    with pytest.raises(inovasi.InputError) as ei:
        inovasi.score(one("iid-2026", government={"8": {"value": "qualified"}}))
    assert ei.value.pointer == "/government/8/value"
