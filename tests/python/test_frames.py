"""inovasi.frames: submissions as DataFrames, Arrow and Parquet, and results as DataFrames.

The round trip submission -> DataFrames -> Parquet -> DataFrames -> JSON Lines -> .xlsx -> CSV
keeps every field but the documented exceptions (frames.canonical spells them), checked on
generated submissions with every field of the format, by the canonical JSON and by the scores
and findings the engine gives the re-read submission under every policy."""

import glob
import json
from fractions import Fraction

import pandas as pd
import pytest
from hypothesis import given, settings

import inovasi
from inovasi import frames, spreadsheet

from submission_strategies import ROOT, submissions

pytestmark = pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")
EXAMPLES = sorted(glob.glob(str(ROOT / "examples" / "*.json")))
ONCE = [p for p in EXAMPLES if "banyuwangi-2024" not in p]  # each region code once (frames' key)


def engine_view(sub):
    """Everything the engine makes of a submission: its score and its pre-validation, per policy."""
    return [(inovasi.score(sub, policy=p).to_json(), json.dumps(inovasi.prevalidate(sub, policy=p), sort_keys=True))
            for p in inovasi.policies()]


@settings(max_examples=60)
@given(submissions())
def test_round_trip_through_every_format(tmp_path_factory, sub):
    tmp = tmp_path_factory.mktemp("rt")
    want = frames.canonical_json(sub)
    fr = frames.to_frames(sub)
    frames.write_parquet(fr, tmp / "pq")
    fr2 = frames.read_parquet(tmp / "pq")
    for (name, a), (_, b) in zip(fr.items(), fr2.items()):
        assert list(a.dtypes.astype(str)) == list(b.dtypes.astype(str)), name
    [via_parquet] = frames.from_frames(fr2)
    assert frames.canonical_json(via_parquet) == want
    [via_arrow] = frames.from_arrow(frames.to_arrow(sub))
    assert frames.canonical_json(via_arrow) == want
    frames.write_jsonl([via_parquet], tmp / "s.jsonl")
    [via_jsonl] = frames.read_submissions(str(tmp / "s.jsonl"))
    assert frames.canonical_json(via_jsonl) == want
    assert engine_view(via_jsonl) == engine_view(sub)

    # Spreadsheets cannot tell "" from an empty cell, nor {} from level 0 (documented).
    want_sheet = frames.canonical(sub, spreadsheet=True)
    spreadsheet.write_xlsx(via_jsonl, tmp / "s.xlsx", rows=3)
    via_xlsx = spreadsheet.read_xlsx(tmp / "s.xlsx")
    assert frames.canonical_json(via_xlsx, spreadsheet=True) == frames.canonical_json(want_sheet)
    spreadsheet.write_csv(via_xlsx, tmp / "s.csv")
    [via_csv] = spreadsheet.read_csv(tmp / "s.csv")
    assert frames.canonical_json(via_csv, spreadsheet=True) == frames.canonical_json(want_sheet)
    assert engine_view(via_csv) == engine_view(want_sheet)


def test_the_exceptions_are_read_alike_by_the_engine():
    """What canonical() changes -- x- keys, integer ids and groups, 2.0 for 2, empty containers,
    and (spreadsheets) {} for level 0 and "" for absent text -- changes no score and no finding."""
    sub = json.loads(open(EXAMPLES[1]).read())
    sub["x-origin"] = "test"
    inv = sub["innovations"][0]
    inv["id"] = 12345
    inv["x-note"] = "kept out"
    for a in inv["answers"].values():
        for it in a.get("evidence", []):
            it["group"] = 7
        a.setdefault("evidence", [])
    sub["innovations"][1]["answers"]["17"] = {}
    sub["government"]["1"]["level"] = 3.0
    sub["region"]["name"] = ""
    assert engine_view(sub) == engine_view(frames.canonical(sub))
    assert engine_view(sub) == engine_view(frames.canonical(sub, spreadsheet=True))
    c = frames.canonical(sub)
    assert "x-origin" not in c and c["innovations"][0]["id"] == "12345"
    assert c["government"]["1"]["level"] == 3 and isinstance(c["government"]["1"]["level"], int)


@pytest.mark.parametrize("path", EXAMPLES)
def test_examples_round_trip_and_keep_their_scores(path, tmp_path):
    [sub] = frames.read_submissions(path)
    fr = frames.to_frames(path)
    [back] = frames.from_frames(fr)
    assert frames.canonical_json(back) == frames.canonical_json(sub)
    assert engine_view(back) == engine_view(sub)
    with_json = frames.answers_frame(path, evidence="json")
    n_items = sum(len(a.get("evidence", [])) for a in [*sub.get("government", {}).values(),
                  *(x for i in sub.get("innovations", []) for x in i.get("answers", {}).values())])
    assert len(fr.evidence) == n_items
    assert sum(len(json.loads(e)) for e in with_json["evidence"].dropna()) == n_items
    [back2] = frames.from_frames({"regions": fr.regions, "innovations": fr.innovations, "answers": with_json})
    assert frames.canonical_json(back2) == frames.canonical_json(sub)


def test_columns_dtypes_and_indicator_names():
    fr = frames.to_frames(ONCE)
    assert list(fr.regions.columns) == list(frames.REGION_COLUMNS)
    assert list(fr.innovations.columns) == list(frames.INNOVATION_COLUMNS)
    assert list(fr.answers.columns) == list(frames.ANSWER_COLUMNS)
    assert list(fr.evidence.columns) == list(frames.EVIDENCE_COLUMNS)
    assert list(fr.regions["type"].cat.categories) == ["province", "kabupaten", "kota"]
    assert list(fr.innovations["status"].cat.categories) == ["draft", "submitted", "rejected"]
    assert str(fr.answers["level"].dtype) == "Int64" and str(fr.answers["value"].dtype) == "Float64"
    assert str(fr.evidence["signed"].dtype) == "boolean" and str(fr.evidence["item"].dtype) == "int64"
    assert set(fr.answers["aspect"]) == {"government", "innovation"}
    assert (fr.answers.loc[fr.answers["aspect"] == "government", "innovation"] == "").all()
    # Indicator names are the edition's, beside the row keys.
    names = {(e, r["key"]): r["name"] for e in inovasi.edition_names() for r in inovasi.edition(e).rows}
    eds = dict(zip(fr.regions["region"], fr.regions["edition"]))
    for region, row, name in zip(fr.answers["region"], fr.answers["row"], fr.answers["indicator"]):
        assert name == names[(eds[region], row)]
    gov = frames.government_frame(EXAMPLES[2])
    assert len(gov) == len(json.load(open(EXAMPLES[2]))["government"]) and (gov["innovation"] == "").all()


def test_absent_and_empty_stay_apart_in_frames():
    sub = {"edition": "iid-2026", "region": {"code": "1", "type": "kota", "name": "", "clusters": []},
           "innovations": [{"id": "a", "status": "draft", "affairs": []}, {"id": "b", "status": "draft"}]}
    fr = frames.to_frames(sub)
    assert fr.regions["name"][0] == "" and pd.isna(fr.regions["province"][0])
    assert fr.innovations["affairs"][0] == "" and pd.isna(fr.innovations["affairs"][1])
    [back] = frames.from_frames(fr)
    assert back == {"edition": "iid-2026", "region": {"code": "1", "type": "kota", "name": "", "clusters": []},
                    "innovations": [{"id": "a", "status": "draft", "affairs": []}, {"id": "b", "status": "draft"}]}


def test_a_separator_inside_an_affair_is_refused_where_it_is():
    sub = {"edition": "iid-2026", "region": {"code": "1", "type": "kota"},
           "innovations": [{"id": "a", "status": "draft", "affairs": ["sosial", "x;y"]}]}
    with pytest.raises(inovasi.InputError) as e:
        frames.to_frames(sub)
    assert e.value.pointer == "/innovations/0/affairs/1"


def test_bad_frames_are_located_errors():
    fr = frames.to_frames(EXAMPLES[2])
    bad = fr.answers.copy()
    k = int(bad.index[bad["innovation"] != ""][3])
    bad.loc[k, "level"] = 7
    with pytest.raises(inovasi.InputError) as e:
        frames.from_frames(frames.Frames(fr.regions, fr.innovations, bad, fr.evidence))
    assert f"answers frame, row {k}, column level" in str(e.value) and "out of range" in str(e.value)
    assert e.value.pointer.endswith("/level")
    orphan = fr.answers.copy()
    orphan.loc[5, "innovation"] = "nobody"
    with pytest.raises(inovasi.InputError, match=r"answers frame, row 5, column innovation: innovation 'nobody'"):
        frames.from_frames(frames.Frames(fr.regions, fr.innovations, orphan, fr.evidence))
    extra = fr.regions.assign(colour="red")
    with pytest.raises(inovasi.InputError, match=r"regions frame, row 0, column colour: unknown column"):
        frames.from_frames(frames.Frames(extra, fr.innovations, fr.answers, fr.evidence))
    ev = fr.evidence.copy()
    ev.loc[0, "date"] = "2023-02-30"
    with pytest.raises(inovasi.InputError, match=r"evidence frame, row 0, column date"):
        frames.from_frames(frames.Frames(fr.regions, fr.innovations, fr.answers, ev))


def test_a_region_twice_is_refused():
    with pytest.raises(inovasi.InputError, match=r"region '35.10' is submission 1 and 2 of the input"):
        frames.to_frames([p for p in EXAMPLES if "banyuwangi" in p])


def test_read_parquet_names_a_missing_file(tmp_path):
    frames.write_parquet(EXAMPLES[0], tmp_path)
    (tmp_path / frames.PARQUET_FILES["evidence"]).unlink()
    with pytest.raises(inovasi.InputError, match="no submission_evidence.parquet"):
        frames.read_parquet(tmp_path)


# ---- results ----------------------------------------------------------------------------------

def results(policy="self_assessed"):
    return [inovasi.score(p, policy=policy) for p in EXAMPLES]


def test_scores_frame_agrees_with_each_result():
    rs = results("supported")
    df = frames.scores_frame(rs)
    assert len(df) == len(rs)
    for (_, row), r in zip(df.iterrows(), rs):
        d = r.to_dict()
        assert row["iid_h"] == r.iid_hundredths and row["category"] == r.category and row["region"] == r.region
        assert row["total_exact"] == Fraction(d["total_exact"]) and row["divisor"] == d["divisor"]
        assert row["iid_exact"] * 100 // 1 <= row["iid_h"] <= row["iid_exact"] * 100 + 1
    assert str(df["iid_h"].dtype) == "int64" and str(df["type"].dtype) == "category"
    assert list(df["type"].cat.categories) == ["province", "kabupaten", "kota"]
    assert not df["category"].cat.ordered  # the examples mix editions
    one = frames.scores_frame([r for r in rs if r.edition == "iid-2026"])
    assert one["category"].cat.ordered
    assert list(one["category"].cat.categories) == [c["label"] for c in inovasi.edition("iid-2026").categories]
    assert df.attrs["provenance"]["policies"] == ["supported"]


def test_indicator_and_innovation_frames_add_up_to_the_score():
    """An independent sum: the government rows' points add up to the SPD points, and the counted
    innovations' points over the divisor to the innovation average (exactly)."""
    for policy in inovasi.policies():
        rs = results(policy)
        assert len(frames.indicators_frame(rs)) == sum(len(frames.indicators_frame(r)) for r in rs)
        for r in rs:
            d = r.to_dict()
            ind = frames.indicators_frame(r)
            inv = frames.innovation_scores_frame(r)
            gov = ind[ind["aspect"] == "government"]
            assert sum(Fraction(str(p)) for p in gov["points"]) == Fraction(str(d["government_points"]))
            mine = inv[inv["counted"]]
            total = sum((Fraction(str(p)) for p in mine["points"]), Fraction(0))
            assert total / d["divisor"] == Fraction(d["innovation_average_exact"])
            lv = ind[ind["aspect"] == "innovation"]
            assert len(lv) == sum(len(i["levels"]) for i in d["innovations"])
            assert (lv["level"] <= lv["claimed_level"]).all()


def test_findings_frame_lists_every_finding_with_its_indicator_name():
    rs = results("strict")
    df = frames.findings_frame(rs)
    assert len(df) == sum(len(r.to_dict()["findings"]) for r in rs)
    assert list(df["severity"].cat.categories) == ["error", "warning", "info"] and df["severity"].cat.ordered
    assert df["indicator"].notna().all()
    errors = df[df["severity"] == "error"]
    assert len(errors) == sum(1 for r in rs for f in r.to_dict()["findings"] if f["severity"] == "error")


@pytest.mark.parametrize("path", EXAMPLES[:4])
def test_explanation_frame_adds_up_to_the_points_below_the_maximum(path):
    from inovasi import explain

    x = explain.explain(path, policy="supported")
    df = frames.explanation_frame(x)
    assert sum(df["points_lost_exact"]) + df.attrs["count_points_lost_exact"] == df.attrs["max_total"] - df.attrs["total_exact"]
    assert list(df["row"]) == [l["row"] for l in x["lost"]] and df["indicator"].notna().all()
    assert list(df["points_lost_exact"]) == sorted(df["points_lost_exact"], reverse=True)


def test_plan_frame_holds_the_plans_steps_and_costs():
    from inovasi import planning
    from inovasi.scenario import ScenarioBase

    for path in EXAMPLES[:4]:
        base = ScenarioBase(path)
        p = planning.plan(base, base.codes[0], "Sangat Inovatif", max_new=2)
        df = frames.plan_frame(p)
        assert len(df) == len(p["steps"]) and df.attrs["reachable"] == p["reachable"]
        assert int(df["cost"].sum()) + sum(n["cost"] for n in p["new_innovations"]) == p["cost"]
        assert (df["to"] > df["from"]).all()
        assert list(df["innovation"]) == [s["innovation"] or "" for s in p["steps"]]
