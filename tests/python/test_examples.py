"""The bundled example submissions (examples/*.json), scored three ways:

1. a literal table of hand-computed results (EXPECTED below),
2. an independent re-computation in this file from the published formula (docs/model.md §3),
   with the weights and raw-value bands typed in from docs/model.md §2 (never read from the
   edition files) and exact fractions,
3. the library, through the Python API and through the command line.
"""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys
from decimal import Decimal
from fractions import Fraction as F

import pytest

import inovasi

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"

# file: (iid, category, government_points, count_points, innovations_counted, divisor,
#        Σ innovation points) — worked out by hand from docs/model.md §3 (see the notes below).
EXPECTED = {
    # SPD 57.75; 22 submitted (Σ 2302) + 1 rejected (0) + 1 draft (not counted): n = 23,
    # divisor 23, count 0.38 × 23 = 8.74; total 57.75 + 2302/23 + 8.74 = 166.5769…; IID 66.63.
    "kota-surabaya-2023.json": ("66.63", "Sangat Inovatif", "57.75", "8.74", 23, 23, 2302),
    # Worked example A (docs/model.md §8): SPD 42; 11 × 74 = 814; 1 rejected; divisor 12; count 4.56.
    "kabupaten-berau-2023.json": ("45.76", "Inovatif", "42", "4.56", 12, 12, 814),
    # SPD 42.5; 12 submitted Σ 667; 1 draft; divisor 12; count 4.56; total 102.6433…; IID 41.06.
    "kabupaten-banyuwangi-2024.json": ("41.06", "Inovatif", "42.5", "4.56", 12, 12, 667),
    # SPD 57.5; raw values; 9 submitted Σ 740 + 1 rejected; divisor 10; count 3.80;
    # total 57.5 + 74 + 3.8 = 135.3; IID 54.12.
    "kabupaten-sleman-2024.json": ("54.12", "Inovatif", "57.5", "3.8", 10, 10, 740),
    # SPD 22; 5 submitted Σ 33 + 27 + 60 + 20 + 36 = 176; divisor 10 (d_min); count 1.90;
    # total 41.5; IID 16.60.
    "kabupaten-gunung-mas-2025.json": ("16.60", "Kurang Inovatif", "22", "1.9", 5, 10, 176),
    # Nothing reported: IID 0.00.
    "kabupaten-nduga-2024.json": ("0.00", "Tidak Dapat Dinilai", "0", "0", 0, 10, 0),
    # SPD from raw values 51; 14 submitted Σ 1484 + 1 rejected; n 15, divisor 15; gate open
    # (5 of 6, "sosial" only through the rejected innovation); count 5.70;
    # total 51 + 1484/15 + 5.7 = 155.6333…; IID 62.25 (Inovatif under the 2025–26 bands).
    "kota-tangerang-2026.json": ("62.25", "Inovatif", "51", "5.7", 15, 15, 1484),
    # SPD 57.25; 9 submitted Σ 914; divisor 12 (d_min); gate closed (4 of 6; the draft covering
    # a fifth does not count) → count 0; total 57.25 + 914/12 = 133.4166…; IID 53.37.
    "kota-makassar-2026.json": ("53.37", "Inovatif", "57.25", "0", 9, 12, 914),
    # Evidence example (self-assessed): SPD 47.75; 5 submitted Σ 377; divisor 12 (d_min);
    # count 0.38 × 5 = 1.90 (gate open: 5 of 6 basic affairs); total 47.75 + 377/12 + 1.9 =
    # 81.0667; IID 32.43. Validated IIDs are asserted in test_evidence_example_policies.
    "kabupaten-banyuwangi-2026-evidence.json": ("32.43", "Kurang Inovatif", "47.75", "1.9", 5, 12, 377),
}

# ---------------------------------------------------------------------------------------------
# Independent model of the published formula (docs/model.md §2–§4), typed in by hand.

WEIGHTS = {
    # SPD (docs/model.md §2.1)
    "1": F(1), "2a": F(1), "2b": F(1), "3": F(1), "4": F(1), "5a": F(3, 4), "5b": F(3, 4),
    "6": F(3, 2), "7": F(3, 2), "8": F(3, 2), "9": F(1), "10a": F(3, 4), "10b": F(3, 4),
    "11a": F(3, 4), "11b": F(3, 4), "12": F(2), "13a": F(1), "13b": F(1), "14": F(1), "15": F(1),
    # SID (docs/model.md §2.2)
    "16": F(3), "17": F(2), "18": F(2), "19": F(2), "20": F(1), "21": F(2), "22": F(1), "23": F(1),
    "24": F(1), "25": F(1), "26": F(1), "27": F(1), "28": F(2), "29": F(1), "30": F(2), "31": F(3),
    "32": F(2), "33": F(3), "34": F(2), "35": F(4),
}
GOV_KEYS = ["1", "2a", "2b", "3", "4", "5a", "5b", "6", "7", "8", "9", "10a", "10b", "11a", "11b",
            "12", "13a", "13b", "14", "15"]
INN_KEYS = [str(k) for k in range(16, 36)]
BASIC_AFFAIRS = {"pendidikan", "kesehatan", "pekerjaan umum dan penataan ruang",
                 "perumahan rakyat dan kawasan permukiman",
                 "ketenteraman, ketertiban umum dan pelindungan masyarakat", "sosial"}
D_MIN = {"iid-2023": 10, "iid-2024": 10, "iid-2025": 10, "iid-2026": 12}
# Category bands on the rounded IID in hundredths (docs/model.md §4): (SI above, I from, strict?)
BANDS = {"iid-2023": (6000, 3500, False), "iid-2024": (6000, 3500, False),
         "iid-2025": (6500, 4000, True), "iid-2026": (6500, 4000, True)}


def test_weights_typed_in_match_the_published_totals():
    assert sum(WEIGHTS[k] for k in GOV_KEYS) == 21          # SPD: 21 × 3 = 63
    assert sum(WEIGHTS[k] for k in INN_KEYS) == 37          # SID: 37 × 3 = 111
    assert 21 * 3 + 37 * 3 + F(38, 100) * 200 == 250


def band(direction, thresholds, otherwise, integer=False):
    """thresholds: (level, value, inclusive) from the top level down (docs/model.md §2.1)."""
    def level(v):
        v = F(v)
        if integer:
            assert v.denominator == 1 and v >= 0
        for lv, t, inclusive in thresholds:
            t = F(t)
            if direction == "higher" and (v >= t if inclusive else v > t):
                return lv
            if direction == "lower" and (v <= t if inclusive else v < t):
                return lv
        return otherwise
    return level


def hi(*ts, otherwise=0, integer=True):
    return band("higher", [(lv, Decimal(t) if isinstance(t, str) else t, inc) for lv, t, *r in ts
                           for inc in [r[0] if r else True]], otherwise, integer)


def lo(*ts, otherwise=1, integer=True):
    return band("lower", [(lv, Decimal(t) if isinstance(t, str) else t, True) for lv, t in ts],
                otherwise, integer)


def years_2023_18(ys):  # budget: T-0 only / T-1 or T-2 / all three
    return 3 if {0, 1, 2} <= ys else 2 if ys & {1, 2} else 1 if 0 in ys else 0


def years_2026_18(ys):  # one year / two consecutive / all three
    if len(ys) == 3:
        return 3
    if {0, 1} <= ys or {1, 2} <= ys:
        return 2
    return 1 if ys else 0


def years_21(ys):  # plan: T-1 or T-2 / T-1 and T-2 / all three
    return 3 if {0, 1, 2} <= ys else 2 if {1, 2} <= ys else 1 if ys & {1, 2} else 0


def raw_rules(edition):
    y = int(edition[-4:])
    r = {
        "17": hi((3, 31), (2, 11), (1, 1)),
        "20": hi((3, 3), (2, 2), (1, 1)),
        "22": hi((3, 5), (2, 4), (1, 3)),
        "24": hi((3, 5), (2, 3), (1, 2 if y == 2026 else 1)),
        "28": lo((3, 1), (2, 5)),
        "31": hi((3, 3), (2, 2), (1, 1)),
        "32": lo((3, 4), (2, 8)),
        "35": hi((3, 5), (2, 3), (1, 1)),
        "18": years_2026_18 if y == 2026 else years_2023_18,
        "21": years_21,
    }
    if y == 2023:
        r["29"] = hi((3, 71), (2, "40.01"), otherwise=1, integer=False)
    elif y in (2024, 2025):
        r["29"] = hi((3, 86), (2, 51), otherwise=1, integer=False)
    else:
        r["29"] = hi((3, 91), (2, 51), otherwise=1, integer=False)
    if y >= 2024:
        r["27"] = hi((3, 3), (2, 2), (1, 1))
    bases = {"people": hi((3, 201), (2, 101), (1, 1))}
    if y >= 2024:
        bases.update({
            "target_units": hi((3, 50, False), (2, "20.01"), (1, 5), integer=False),
            "spending_saved": hi((3, "20.01"), (2, "10.01"), (1, "0.01"), integer=False),
            "revenue_increase": hi((3, 100), (2, 50), (1, "0.01"), integer=False),
            "products": hi((3, 200, False), (2, 101), (1, 1)),
        })
    if y == 2026:
        bases["people"] = hi((3, 501), (2, 201), (1, 1))
        bases["revenue_increase"] = hi((3, 20), (2, 10), (1, "0.01"), integer=False)
        bases["positive_trend"] = hi((3, 3), (2, 2), (1, 1))
        r.update({
            "2a": hi((3, 3), (2, 2), (1, 1)),
            "2b": hi((3, 4), (2, 3), (1, 2)),
            "3": hi((3, "8.17"), (2, "-50.33"), otherwise=1, integer=False),
            "4": hi((3, "5.23"), (2, "2.05"), otherwise=1, integer=False),
            "5a": hi((3, "0.36"), (2, "0.01"), otherwise=1, integer=False),
            "5b": lo((3, "2.35"), (2, "5.92"), integer=False),
            "6": hi((3, "94.76"), (2, "-47.43"), otherwise=1, integer=False),
            "7": hi((3, "33.85"), (2, "-5.15"), otherwise=1, integer=False),
            "8": {"wtp": 3, "wdp": 2, "tw": 1, "tmp": 1}.__getitem__,
            "9": {"aa": 3, "a": 3, "bb": 2, "b": 2, "cc": 1, "c": 1, "d": 1}.__getitem__,
            "10a": hi((3, "1.16"), (2, "0.08"), otherwise=1, integer=False),
            "10b": lo((3, "4.82"), (2, "13.11"), integer=False),
            "11a": hi((3, "0.90"), (2, "0.56"), otherwise=1, integer=False),
            "11b": hi((3, 80), (2, 70), otherwise=1, integer=False),
            "13a": hi((3, 8), (2, 4), (1, 1)),
        })
    r["33"] = bases
    return r


def answer_level(edition, key, answer):
    rules = raw_rules(edition)
    if "value" not in answer:
        return answer.get("level", 0)
    v = answer["value"]
    if key == "33":
        lv = rules["33"][answer.get("basis", "people")](v)
    elif key in ("18", "21"):
        lv = rules[key]({int(s[2:]) for s in v})
    elif isinstance(v, str):
        lv = rules[key](v.lower())
    else:
        lv = rules[key](v)
    if "level" in answer:
        assert answer["level"] == lv
    return lv


def model(sub):
    """(IID hundredths, category, government, count, n, divisor, Σ innovation points)."""
    ed = sub["edition"]
    gov = sum((WEIGHTS[k] * answer_level(ed, k, a) for k, a in sub.get("government", {}).items()), F(0))
    n, total_points, covered = 0, F(0), set()
    for inv in sub.get("innovations", []):
        if inv["status"] == "draft":
            continue
        n += 1
        covered |= {a.strip().lower() for a in inv.get("affairs", [])} & BASIC_AFFAIRS
        if inv["status"] == "rejected":
            continue
        total_points += sum((WEIGHTS[k] * answer_level(ed, k, a)
                             for k, a in inv.get("answers", {}).items()), F(0))
    divisor = max(D_MIN[ed], n)
    count = F(38, 100) * min(n, 200)
    if ed == "iid-2026" and len(covered) < 5:
        count = F(0)
    total = gov + total_points / divisor + count
    exact_h = total / 250 * 100 * 100
    h = int(exact_h + F(1, 2))  # round half up (non-negative)
    si, inov, strict = BANDS[ed]
    if h > si:
        cat = "Sangat Inovatif"
    elif h > inov or (h == inov and not strict):
        cat = "Inovatif"
    elif h > 0:
        cat = "Kurang Inovatif"
    else:
        cat = "Tidak Dapat Dinilai"
    return h, cat, gov, count, n, divisor, total_points


def load(name):
    with open(EXAMPLES / name, encoding="utf-8") as f:
        return json.load(f, parse_float=Decimal)


def hundredths(s):
    whole, frac = s.split(".")
    return int(whole) * 100 + int(frac)


# ---------------------------------------------------------------------------------------------

def test_every_example_file_is_listed():
    assert sorted(p.name for p in EXAMPLES.glob("*.json")) == sorted(EXPECTED)


def test_examples_cover_what_the_brief_asks():
    subs = {name: load(name) for name in EXPECTED}
    statuses = {inv["status"] for s in subs.values() for inv in s["innovations"]}
    assert {"submitted", "rejected", "draft"} <= statuses
    assert any("department" not in inv for s in subs.values() for inv in s["innovations"])
    assert {s["edition"] for s in subs.values()} == {"iid-2023", "iid-2024", "iid-2025", "iid-2026"}
    cats = {(s["edition"], EXPECTED[n][1]) for n, s in subs.items()}
    assert ("iid-2023", "Sangat Inovatif") in cats
    assert ("iid-2024", "Inovatif") in cats
    assert ("iid-2025", "Kurang Inovatif") in cats
    assert any(c == "Tidak Dapat Dinilai" for _, c in cats)
    tng = subs["kota-tangerang-2026.json"]
    assert len(tng["innovations"]) >= 12
    assert sum(1 for a in tng["government"].values() if "value" in a) >= 10
    kinds = {e["kind"] for s in subs.values() for inv in s["innovations"]
             for a in inv["answers"].values() for e in a.get("evidence", [])}
    assert len(kinds) >= 5


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hand_table_agrees_with_the_independent_model(name):
    iid, cat, gov, count, n, divisor, points = EXPECTED[name]
    h, mcat, mgov, mcount, mn, mdiv, mpoints = model(load(name))
    assert (h, mcat, mgov, mcount, mn, mdiv, mpoints) == (
        hundredths(iid), cat, F(Decimal(gov)), F(Decimal(count)), n, divisor, points)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_library_score_of_example(name):
    iid, cat, gov, count, n, divisor, points = EXPECTED[name]
    r = inovasi.score(EXAMPLES / name)
    d = r.to_dict()
    assert r.iid_hundredths == hundredths(iid)
    assert f"{r.iid:.2f}" == iid
    assert d["iid"] == float(iid)
    assert r.category == d["category"] == cat
    assert d["government_points"] == float(gov)
    assert d["count_points"] == float(count)
    assert d["innovations_counted"] == n
    assert d["divisor"] == divisor
    assert F(d["innovation_average_exact"]) == F(points, divisor)
    sub = load(name)
    assert d["region"] == sub["region"]["code"]
    assert d["edition"] == sub["edition"]
    assert d["policy"] == "self_assessed"
    assert F(d["total_exact"]) == F(Decimal(gov)) + F(points, divisor) + F(Decimal(count))


def test_rejected_and_draft_innovations_in_the_examples():
    d = inovasi.score(EXAMPLES / "kota-surabaya-2023.json").to_dict()
    by_id = {i["id"]: i for i in d["innovations"]}
    assert by_id["sby-023"]["status"] == "rejected" and by_id["sby-023"]["counted"] is True
    assert by_id["sby-023"]["points"] == 0
    assert by_id["sby-024"]["status"] == "draft" and by_id["sby-024"]["counted"] is False
    assert by_id["sby-007"]["points"] == 111  # every level 3


def test_raw_values_on_innovation_rows_sleman_2024():
    # Hand-derived levels of the 2024 rubric for the raw values in the file.
    d = inovasi.score(EXAMPLES / "kabupaten-sleman-2024.json").to_dict()
    lv = {i["id"]: i["levels"] for i in d["innovations"]}
    # slm-002: 30 staff → 2; [T-1] → 2 (T-1 or T-2); 2 events → 2; [T-1,T-2] → 2; 4 actors → 2;
    # 3 departments → 2; 2 channels → 2; 5 days → 2; 85.99 % → 2; 2 replications → 2;
    # 8 months → 2; 50 % of target units (> 50 needed for 3) → 2; 4 elements → 2.
    expect2 = {"17": 2, "18": 2, "20": 2, "21": 2, "22": 2, "24": 2, "27": 2, "28": 2, "29": 2,
               "31": 2, "32": 2, "33": 2, "35": 2}
    assert {k: lv["slm-002"][k] for k in expect2} == expect2
    # slm-003: 11 staff → 2; [T-0] → 1; 1 event → 1; [T-0,T-1] → 1; 3 actors → 1; 2 depts → 1;
    # 1 channel → 1; 6 days → 1; 50.5 % (gap 50…51) → 1; 1 replication → 1; 9 months → 1;
    # 50.01 % of units → 3; 3 elements → 2.
    assert {k: lv["slm-003"][k] for k in expect2} == {
        "17": 2, "18": 1, "20": 1, "21": 1, "22": 1, "24": 1, "27": 1, "28": 1, "29": 1, "31": 1,
        "32": 1, "33": 3, "35": 2}
    # slm-004: 10 staff → 1; [T-0,T-2] → 2; 3 events → 3; [T-0] → 0 (needs T-1 or T-2); 2 actors → 0;
    # 1 dept → 1; 0 channels → 0; 2 days → 2; 51 % → 2; 0 replications → 0; 5 months → 2;
    # 200 products (> 200 needed for 3) → 2; 2 elements → 1.
    assert {k: lv["slm-004"].get(k, 0) for k in expect2} == {
        "17": 1, "18": 2, "20": 3, "21": 0, "22": 0, "24": 1, "27": 0, "28": 2, "29": 2, "31": 0,
        "32": 2, "33": 2, "35": 1}
    # slm-005: 0 staff → 0; [] → 0; 0 events → 0; 6 actors → 3; 7 depts → 3; 4 channels → 3;
    # 14 days → 1; 100 % → 3; 12 months → 1; 20.01 % spending saved → 3; 1 element → 1.
    assert {k: lv["slm-005"].get(k, 0) for k in expect2} == {
        "17": 0, "18": 0, "20": 0, "21": 0, "22": 3, "24": 3, "27": 3, "28": 1, "29": 3, "31": 0,
        "32": 1, "33": 3, "35": 1}
    # slm-006: revenue increase 100 % → 3; slm-010 (rejected) claims but scores 0.
    assert lv["slm-006"]["33"] == 3
    # slm-007: 201 products → 3; slm-008: 101 people → 2, 40 % → 1; slm-010 revenue 49.99 → 1
    assert lv["slm-007"]["33"] == 3 and lv["slm-008"]["33"] == 2 and lv["slm-008"]["29"] == 1
    pts = {i["id"]: i["points"] for i in d["innovations"]}
    assert pts["slm-010"] == 0
    assert d["province"] == "DI Yogyakarta"  # defaulted from the code's first two digits


def test_raw_spd_values_tangerang_2026():
    d = inovasi.score(EXAMPLES / "kota-tangerang-2026.json").to_dict()
    got = {row["row"]: row["level"] for row in d["indicators"]}
    # Hand-derived from the 2026 thresholds (docs/model.md §2.1).
    assert got == {
        "1": 3, "2a": 3, "2b": 3, "3": 3,  # 3 years; 4 components (> 3); 9.5 ≥ 8.17
        "4": 3,                           # 5.23 ≥ 5.23
        "5a": 3, "5b": 2,                 # 0.36 ≥ 0.36; 4.1 ≤ 5.92 but > 2.35
        "6": 2, "7": 2,                   # −12.4 ≥ −47.43; 33.84 < 33.85
        "8": 3, "9": 2,                   # wtp; BB
        "10a": 1, "10b": 3,               # 0.07 < 0.08; 4.82 ≤ 4.82
        "11a": 3, "11b": 2,               # 0.9 ≥ 0.90; 79.99 < 80
        "12": 2, "13a": 3, "13b": 2, "14": 1, "15": 3,  # 8 recommendations (> 7) → 3
    }
    lv = {i["id"]: i["levels"] for i in d["innovations"]}
    # 2026 rubric: 2 departments → 1; positive trend over 2 periods → 2; [T-1,T-0] consecutive → 2
    assert (lv["tng-003"]["24"], lv["tng-003"]["33"], lv["tng-003"]["18"]) == (1, 2, 2)
    # 11 staff → 2; [T-2,T-0] not consecutive → 1; 90 % < 91 → 2; 500 people → 2; 3 events → 3
    assert ({k: lv["tng-012"][k] for k in ("17", "18", "29", "33", "20")} ==
            {"17": 2, "18": 1, "29": 2, "33": 2, "20": 3})
    # 640 people → 3 (501 or more in 2026)
    assert lv["tng-001"]["33"] == 3
    gate = d["count_gate"]
    assert gate["open"] is True and gate["affairs_covered"] == 5
    assert "perumahan rakyat dan kawasan permukiman" not in gate["covered"]  # only a draft has it


def test_gate_closed_makassar_2026():
    d = inovasi.score(EXAMPLES / "kota-makassar-2026.json").to_dict()
    assert d["count_gate"]["open"] is False
    assert d["count_gate"]["affairs_covered"] == 4
    assert d["count_points"] == 0


def run_cli(*args, **kw):
    return subprocess.run([sys.executable, "-m", "inovasi", *args], capture_output=True, text=True,
                          cwd=ROOT, **kw)


def test_cli_scores_every_example_in_argument_order():
    names = sorted(EXPECTED, reverse=True)  # not alphabetical, to see the order kept
    p = run_cli("score", *[f"examples/{n}" for n in names])
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert len(lines) == len(names)
    for name, line in zip(names, lines):
        rec = json.loads(line)
        assert rec["region"] == load(name)["region"]["code"]
        assert f'{rec["iid"]:.2f}' == EXPECTED[name][0]
        assert rec["category"] == EXPECTED[name][1]
        # iid is printed with exactly two decimals
        assert f'"iid":{EXPECTED[name][0]}' in line.replace(" ", "")


def test_cli_table_lists_every_region_and_its_iid():
    names = sorted(EXPECTED)
    p = run_cli("score", *[f"examples/{n}" for n in names], "--format", "table")
    assert p.returncode == 0, p.stderr
    for name in names:
        code, edition = load(name)["region"]["code"], load(name)["edition"]
        # Banyuwangi appears twice (2024, and the 2026 evidence example): key rows by edition too.
        row = [l for l in p.stdout.splitlines() if l.startswith(code + " ") and f" {edition} " in l]
        assert len(row) == 1, (code, p.stdout)
        assert EXPECTED[name][0] in row[0]
        assert EXPECTED[name][1] in row[0]


def test_evidence_example_policies():
    """The four policies on the evidence example (hand-checked against the planted failures:
    see tests/cpp/evidence_test.cpp for the per-answer derivation)."""
    import inovasi

    path = EXAMPLES / "kabupaten-banyuwangi-2026-evidence.json"
    got = {p: inovasi.score(path, policy=p) for p in inovasi.policies()}
    assert {p: r.iid_hundredths for p, r in got.items()} == {
        "self_assessed": 3243, "supported": 3153, "strict": 3139, "assessor": 3133}
    assert all(r.category == "Kurang Inovatif" for r in got.values())
    # Points at risk (self-assessed − policy) is exactly the gap of the unrounded totals.
    risk = got["strict"]["points_at_risk"]
    assert risk["compares"] == "self_assessed - strict"
    assert risk["points_exact"] == "31/12" and risk["iid_exact"] == "31/30"


def test_evidence_example_prevalidate():
    import inovasi

    checks = inovasi.prevalidate(EXAMPLES / "kabupaten-banyuwangi-2026-evidence.json")
    by_ptr = {c["pointer"]: c for c in checks}
    staff = by_ptr["/innovations/0/answers/17"]
    assert (staff["claimed_level"], staff["supported_level"], staff["has_error"]) == (2, 0, True)
    rules = {f["rule"] for f in staff["findings"]}
    assert "window" in rules
    gov = by_ptr["/government/1"]
    assert gov["checked"] is False and gov["supported_level"] == gov["claimed_level"]
    assert [f["rule"] for f in gov["findings"]] == ["unchecked"]
