"""Property tests over random submissions (hypothesis; the CI profile in conftest.py makes them
deterministic)."""

from __future__ import annotations

import json
import pathlib
import sys

from hypothesis import given, strategies as st

import inovasi

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from test_examples import GOV_KEYS, INN_KEYS, model  # noqa: E402  (the independent model)

EDITIONS = ["iid-2023", "iid-2024", "iid-2025", "iid-2026"]
BASIC = ["pendidikan", "kesehatan", "pekerjaan umum dan penataan ruang",
         "perumahan rakyat dan kawasan permukiman",
         "ketenteraman, ketertiban umum dan pelindungan masyarakat", "sosial"]
CATEGORIES = {"Sangat Inovatif", "Inovatif", "Kurang Inovatif", "Tidak Dapat Dinilai"}

levels20 = st.lists(st.integers(0, 3), min_size=20, max_size=20)
innovation = st.fixed_dictionaries({
    "status": st.sampled_from(["submitted", "rejected", "draft"]),
    "levels": levels20,
    "affairs": st.lists(st.sampled_from(BASIC), unique=True, max_size=6),
})
spec = st.fixed_dictionaries({
    "edition": st.sampled_from(EDITIONS),
    "gov": levels20,
    "innovations": st.lists(innovation, max_size=40),
})


def to_submission(s):
    return {
        "edition": s["edition"],
        "region": {"code": "33.74", "name": "Kota Semarang", "type": "kota"},
        "government": {k: {"level": lv} for k, lv in zip(GOV_KEYS, s["gov"])},
        "innovations": [
            {"id": f"inv-{i:03d}", "status": inv["status"], "affairs": list(inv["affairs"]),
             "answers": {k: {"level": lv} for k, lv in zip(INN_KEYS, inv["levels"])}}
            for i, inv in enumerate(s["innovations"])
        ],
    }


def summary(result):
    d = result.to_dict()
    return (d["iid"], d["iid_exact"], d["category"], d["government_points"],
            d["innovation_average_exact"], d["count_points"], d["total_exact"],
            d["innovations_counted"], d["divisor"])


@given(spec)
def test_iid_in_range_and_agrees_with_the_independent_model(s):
    sub = to_submission(s)
    r = inovasi.score(sub)
    assert 0 <= r.iid_hundredths <= 10000
    assert 0 <= r.iid <= 100
    assert r.category in CATEGORIES
    h, cat, gov, count, n, divisor, points = model(sub)
    d = r.to_dict()
    assert r.iid_hundredths == h
    assert r.category == cat
    assert d["government_points"] == float(gov)
    assert d["count_points"] == float(count)
    assert d["innovations_counted"] == n
    assert d["divisor"] == divisor


@given(spec, st.data())
def test_raising_one_level_never_lowers_the_iid(s, data):
    sub = to_submission(s)
    before = inovasi.score(sub).iid_hundredths
    places = [("government", k) for k, lv in zip(GOV_KEYS, s["gov"]) if lv < 3]
    places += [(i, k) for i, inv in enumerate(s["innovations"])
               for k, lv in zip(INN_KEYS, inv["levels"]) if lv < 3]
    if not places:
        return
    where, key = data.draw(st.sampled_from(places))
    answers = sub["government"] if where == "government" else sub["innovations"][where]["answers"]
    answers[key]["level"] += 1
    after = inovasi.score(sub).iid_hundredths
    assert after >= before


@given(spec, st.randoms(use_true_random=False))
def test_order_of_innovations_does_not_matter(s, rnd):
    sub = to_submission(s)
    base = summary(inovasi.score(sub))
    shuffled = dict(sub)
    shuffled["innovations"] = list(sub["innovations"])
    rnd.shuffle(shuffled["innovations"])
    assert summary(inovasi.score(shuffled)) == base


@given(spec, st.randoms(use_true_random=False))
def test_order_of_answer_keys_does_not_matter(s, rnd):
    sub = to_submission(s)
    base = inovasi.score(sub).to_json()

    def reorder(d):
        items = list(d.items())
        rnd.shuffle(items)
        return dict(items)

    other = {
        "innovations": [dict(reorder({k: v for k, v in inv.items() if k != "answers"}),
                             answers=reorder(inv["answers"])) for inv in sub["innovations"]],
        "government": reorder(sub["government"]),
        "region": reorder(sub["region"]),
        "edition": sub["edition"],
    }
    assert inovasi.score(other).to_json() == base


@given(spec)
def test_score_and_score_many_agree(s):
    sub = to_submission(s)
    out = inovasi.score_many(json.dumps(sub))
    assert len(out) == 1
    _i, _line, _col, js, err, _ptr = out[0]
    assert err is None
    assert js == inovasi.score(sub).to_json()


@given(spec, levels20)
def test_levels_of_a_rejected_innovation_do_not_matter(s, claimed):
    sub = to_submission(s)
    sub["innovations"].append({"id": "rejected-x", "status": "rejected",
                               "answers": {k: {"level": 0} for k in INN_KEYS}})
    base = summary(inovasi.score(sub))
    sub["innovations"][-1]["answers"] = {k: {"level": lv} for k, lv in zip(INN_KEYS, claimed)}
    assert summary(inovasi.score(sub)) == base


@given(spec)
def test_drafts_do_not_count(s):
    sub = to_submission(s)
    base = summary(inovasi.score(sub))
    sub["innovations"] = [inv for inv in sub["innovations"] if inv["status"] != "draft"]
    assert summary(inovasi.score(sub)) == base
