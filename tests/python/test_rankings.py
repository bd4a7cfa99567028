"""Rankings (national by type, province, clusters; ties, tie-breakers, the lowest category,
neighbours, mixed editions, several files, Parquet) and the exact department split, checked
against an independent oracle: every region scored on its own by ``inovasi.score`` and ranked
by the definition (1 + the number of eligible regions of its group with a higher rounded IID)."""

from __future__ import annotations

import copy
import json
import pathlib
import re
import subprocess
import sys
from fractions import Fraction

import pandas as pd
import pytest

import inovasi
from inovasi import departments, ranking, synth

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
POLICIES = ("self_assessed", "supported", "strict", "assessor")
BERAU = json.loads((ROOT / "examples" / "kabupaten-berau-2023.json").read_text())
MAKASSAR = json.loads((ROOT / "examples" / "kota-makassar-2026.json").read_text())


def variant(base, code, province, clusters=(), level=None, innovations=None, kind=None):
    """A copy of an example under another code, province and clusters; ``level`` sets every
    government answer to that level (moves the IID); ``innovations`` keeps that many."""
    s = copy.deepcopy(base)
    s["region"].update(code=code, name=f"Region {code}", province=province, clusters=list(clusters))
    if kind:
        s["region"]["type"] = kind
    if level is not None:
        for a in s["government"].values():
            a["level"] = level
            a.pop("value", None)
    if innovations is not None:
        s["innovations"] = s["innovations"][:innovations]
    return s


def hand_set():
    """Kabupaten in two provinces and three clusters, with a tie (64.02 = 64.03, a copy) and a
    region with no innovation (the lowest category), plus one kota."""
    kt, kb = "Kalimantan Timur", "Kalimantan Barat"
    return [
        variant(BERAU, "64.01", kt, ["perbatasan"], level=3),
        variant(BERAU, "64.02", kt, ["perbatasan", "tertinggal"], level=2),
        variant(BERAU, "64.03", kt, ["perbatasan"], level=2),
        variant(BERAU, "64.04", kt, [], level=1),
        variant(BERAU, "61.01", kb, ["tertinggal"], level=3),
        variant(BERAU, "61.02", kb, ["tertinggal", "perbatasan"], level=0),
        variant(BERAU, "61.03", kb, ["perbatasan"], level=0, innovations=0),
        variant(BERAU, "94.01", "Papua", ["papua", "tertinggal"], level=1),
        variant(BERAU, "64.71", kt, [], level=2, kind="kota"),
    ]


def write_jsonl(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def oracle(records):
    """{code: (iid_h, category, eligible)} from inovasi.score, one region at a time."""
    out = {}
    for r in records:
        res = inovasi.score(json.dumps(r))
        ed = inovasi.edition(res.edition)
        out[r["region"]["code"]] = (res.edition, res.iid_hundredths, res.category,
                                    res.category != ed.lowest_category)
    return out


def oracle_rank(records, code, same):
    """(rank, denominator) of region ``code`` among the eligible regions r with same(r)."""
    o = oracle(records)
    group = [r["region"]["code"] for r in records if same(r) and o[r["region"]["code"]][3]
             and o[r["region"]["code"]][0] == o[code][0]]
    if not o[code][3] or code not in group:
        return None, None
    return 1 + sum(o[c][1] > o[code][1] for c in group), len(group)


@pytest.fixture()
def hand(tmp_path):
    records = hand_set()
    return records, write_jsonl(tmp_path / "hand.jsonl", records)


def test_every_rank_and_denominator_matches_the_oracle(hand):
    records, path = hand
    df = ranking.ranks(path).set_index("code")
    by_code = {r["region"]["code"]: r["region"] for r in records}
    o = oracle(records)
    assert df["iid_h"].to_dict() == {c: v[1] for c, v in o.items()}
    for code, reg in by_code.items():
        checks = {"national": lambda r: r["region"]["type"] == reg["type"],
                  "province": lambda r: r["region"]["type"] == reg["type"]
                  and r["region"]["province"] == reg["province"]}
        for c in ranking.CLUSTERS:
            checks[c] = (lambda c: lambda r: r["region"]["type"] == reg["type"] and c in r["region"]["clusters"]
                         and c in reg["clusters"])(c)
        for name, same in checks.items():
            want = oracle_rank(records, code, same)
            got = df.loc[code, f"rank_{name}"], df.loc[code, f"of_{name}"]
            got = tuple(None if pd.isna(x) else int(x) for x in got)
            assert got == want, (code, name)


def test_ties_share_a_rank_and_the_next_rank_is_skipped(hand):
    _, path = hand
    df = ranking.ranks(path).set_index("code")
    assert df.loc["64.02", "iid_h"] == df.loc["64.03", "iid_h"]
    tied = int(df.loc["64.02", "rank_national"])
    assert df.loc["64.03", "rank_national"] == tied
    below = df[(df["type"] == "kabupaten") & (df["iid_h"] < df.loc["64.02", "iid_h"]) & df["rank_national"].notna()]
    assert int(below["rank_national"].min()) == tied + 2


def test_tie_breakers(hand):
    _, path = hand
    exact = ranking.ranks(path, tie_break="exact").set_index("code")
    # Exact copies have the same unrounded IID too: still tied.
    assert exact.loc["64.02", "rank_national"] == exact.loc["64.03", "rank_national"]
    by_code = ranking.ranks(path, tie_break="exact,code").set_index("code")
    kab = by_code[(by_code["type"] == "kabupaten") & by_code["rank_national"].notna()]
    assert sorted(kab["rank_national"].astype(int)) == list(range(1, len(kab) + 1))
    assert by_code.loc["64.02", "rank_national"] + 1 == by_code.loc["64.03", "rank_national"]
    with pytest.raises(ValueError, match="tie_break"):
        ranking.ranks(path, tie_break="name")


def test_the_lowest_category_is_left_out_of_ranks_and_denominators(hand):
    records, path = hand
    df = ranking.ranks(path).set_index("code")
    lowest = inovasi.edition("iid-2023").lowest_category
    assert df.loc["61.03", "category"] == lowest
    assert df.loc["61.03", ["rank_national", "of_national", "rank_province", "rank_perbatasan"]].isna().all()
    kab = [r for r in records if r["region"]["type"] == "kabupaten"]
    assert int(df.loc["64.01", "of_national"]) == len(kab) - 1
    assert int(df.loc["61.01", "of_province"]) == 2  # 61.03 left out


def test_dataframe_conventions(hand):
    _, path = hand
    df = ranking.ranks(path)
    assert isinstance(df["type"].dtype, pd.CategoricalDtype)
    assert list(df["type"].cat.categories) == ["province", "kabupaten", "kota"]
    assert isinstance(df["province"].dtype, pd.CategoricalDtype)
    assert isinstance(df["category"].dtype, pd.CategoricalDtype) and df["category"].cat.ordered
    assert df["iid_h"].dtype == "int64" and df["iid"].dtype == "float64"
    assert (df["iid"] * 100).round().astype("int64").tolist() == df["iid_h"].tolist()
    assert str(df["rank_national"].dtype) == "Int64"
    counts = ranking.category_counts(path)
    assert counts["regions"].sum() == len(df)
    assert set(counts.columns) == {"edition", "type", "category", "regions"}


def cli(*args):
    return subprocess.run([sys.executable, "-m", "inovasi", *map(str, args)], capture_output=True, text=True)


def test_neighbours(hand):
    _, path = hand
    p = cli("rank", path, "--region", "64.03", "--neighbours", "1")
    assert p.returncode == 0, p.stderr
    df = ranking.ranks(path).set_index("code")
    r, n = int(df.loc["64.03", "rank_national"]), int(df.loc["64.03", "of_national"])
    assert f"{r}{'th' if r > 3 else {1: 'st', 2: 'nd', 3: 'rd'}[r]} of {n} kabupaten" in p.stdout
    assert "in Kalimantan Timur" in p.stdout and "kabupaten perbatasan" in p.stdout
    sections = neighbour_sections(p.stdout)
    # One window per ranking the region is in: national, its province, its one cluster.
    assert list(sections) == ["national (kabupaten)", "Kalimantan Timur (kabupaten)", "perbatasan (kabupaten)"]
    rows = sections["national (kabupaten)"]
    # 64.02 (tied, lower code) above, the next region below.
    assert len(rows) == 3 and rows[1].startswith(">") and "64.03" in rows[1] and "64.02" in rows[0]
    for title, group in (("Kalimantan Timur (kabupaten)", "province"), ("perbatasan (kabupaten)", "perbatasan")):
        window = neighbour_codes(df, "64.03", group, 1)
        assert [r.split()[1] if not r.startswith(">") else r[1:].split()[1] for r in sections[title]] == window
    bad = cli("rank", path, "--region", "99.99")
    assert bad.returncode != 0 and "99.99" in bad.stderr


def neighbour_sections(text: str) -> dict:
    """`rank --region` output: title -> its table rows (after the column header)."""
    out, title, lines = {}, None, text.splitlines()
    for k, line in enumerate(lines):
        if line.startswith(" rank  code"):
            title = lines[k - 1]
            out[title] = []
        elif title and (line.startswith(">") or line[:5].strip().isdigit()):
            out[title].append(line)
        elif not line.strip():
            title = None
    return out


def neighbour_codes(df, code: str, group: str, n: int) -> list:
    """The oracle of a window: the region's group (same type; same province or cluster) in
    (rank, code) order, n either side."""
    me = df.loc[code]
    same = df[(df["type"] == me["type"]) & df[f"rank_{group}"].notna()]
    if group == "province":
        same = same[same["province"] == me["province"]]
    else:
        same = same[same["clusters"].str.split(",").apply(lambda c: group in c)]
    order = sorted((int(r), c) for c, r in same[f"rank_{group}"].items())
    pos = [c for _, c in order].index(code)
    return [c for _, c in order[max(0, pos - n):pos + n + 1]]


def test_neighbours_in_every_cluster_and_the_kabupaten_kota_scope(tmp_path):
    # A kota in the border cluster beside the hand set's kabupaten: by type it competes alone;
    # under the kabupaten_kota scope with the border kabupaten (provinces never join them).
    records = hand_set() + [variant(BERAU, "64.72", "Kalimantan Timur", ["perbatasan"], level=3, kind="kota"),
                            variant(BERAU, "64.00", "Kalimantan Timur", ["perbatasan"], level=3, kind="province")]
    path = write_jsonl(tmp_path / "scope.jsonl", records)
    by_type = ranking.ranks(path).set_index("code")
    assert (by_type.loc["64.72", "rank_perbatasan"], by_type.loc["64.72", "of_perbatasan"]) == (1, 1)
    mixed = ranking.ranks(path, cluster_scope="kabupaten_kota").set_index("code")
    for code, reg in ((r["region"]["code"], r["region"]) for r in records):
        for c in ranking.CLUSTERS:
            def same(r, c=c, reg=reg):
                level = lambda t: "province" if t == "province" else "kabupaten/kota"
                return (level(r["region"]["type"]) == level(reg["type"]) and c in r["region"]["clusters"]
                        and c in reg["clusters"])
            got = tuple(None if pd.isna(x) else int(x) for x in (mixed.loc[code, f"rank_{c}"], mixed.loc[code, f"of_{c}"]))
            assert got == oracle_rank(records, code, same), (code, c)
    # Only the clusters change: national and province ranks stay within type.
    assert (mixed["rank_national"].equals(by_type["rank_national"])
            and mixed["rank_province"].equals(by_type["rank_province"]))
    assert mixed.loc["64.00", "of_perbatasan"] == 1
    p = cli("rank", path, "--region", "64.02", "--neighbours", "2", "--cluster-scope", "kabupaten_kota")
    assert p.returncode == 0, p.stderr
    sections = neighbour_sections(p.stdout)
    assert list(sections) == ["national (kabupaten)", "Kalimantan Timur (kabupaten)",
                              "tertinggal (kabupaten/kota)", "perbatasan (kabupaten/kota)"]
    assert any("64.72" in r for r in sections["perbatasan (kabupaten/kota)"])
    assert f"of {int(mixed.loc['64.02', 'of_perbatasan'])} kabupaten/kota perbatasan" in p.stdout
    assert int(mixed.loc["64.02", "of_perbatasan"]) == int(by_type.loc["64.02", "of_perbatasan"]) + 1
    j = cli("rank", path, "--format", "json", "--cluster-scope", "kabupaten_kota")
    assert json.loads(j.stdout.splitlines()[0])["provenance"]["cluster_scope"] == "kabupaten_kota"


def test_mixed_editions_are_ranked_per_edition(tmp_path):
    records = [variant(BERAU, "73.70", "Sulawesi Selatan", level=3, kind="kota"),
               copy.deepcopy(MAKASSAR),
               variant(MAKASSAR, "73.72", "Sulawesi Selatan")]
    path = write_jsonl(tmp_path / "mixed.jsonl", records)
    df = ranking.ranks(path).set_index("code")
    assert df.loc["73.70", "edition"] == "iid-2023" and df.loc["73.71", "edition"] == "iid-2026"
    assert (df.loc["73.70", "rank_national"], df.loc["73.70", "of_national"]) == (1, 1)
    assert df.loc["73.71", "of_national"] == 2 and df.loc["73.72", "of_national"] == 2
    for code in df.index:
        want = oracle_rank(records, code, lambda r: r["region"]["type"] == "kota")
        assert (int(df.loc[code, "rank_national"]), int(df.loc[code, "of_national"])) == want
    out = cli("rank", path, "--format", "json")
    assert out.returncode == 0, out.stderr
    objs = [json.loads(x) for x in out.stdout.splitlines()]
    assert {o["edition"] for o in objs} == {"iid-2023", "iid-2026"}
    for o in objs:
        assert o["provenance"]["edition_sha256"] == inovasi.edition(o["edition"]).sha256


def test_several_files_and_errors_name_the_file_and_line(tmp_path):
    records = hand_set()
    a = write_jsonl(tmp_path / "a.jsonl", records[:4])
    b = write_jsonl(tmp_path / "b.jsonl", records[4:])
    whole = ranking.ranks(write_jsonl(tmp_path / "all.jsonl", records)).drop(columns=[])
    split = ranking.ranks([a, b])
    pd.testing.assert_frame_equal(whole, split)
    bad = copy.deepcopy(records[5])
    bad["government"]["1"]["level"] = 99
    c = write_jsonl(tmp_path / "c.jsonl", [records[4], bad])
    with pytest.raises(inovasi.InputError, match=r"c\.jsonl:2"):
        ranking.ranks([a, c])
    p = cli("rank", a, c)
    assert p.returncode != 0 and "c.jsonl:2" in p.stderr
    # A region twice across files: both places named.
    d = write_jsonl(tmp_path / "d.jsonl", [records[1]])
    with pytest.raises(inovasi.InputError, match=r"a\.jsonl:2.*d\.jsonl:1"):
        ranking.ranks([a, d])


def test_parquet_input_equals_json_lines_input(tmp_path):
    jsonl = synth.write_jsonl(tmp_path / "s.jsonl", seed=7, innovations=4000)
    pqdir = synth.write_parquet(tmp_path / "s-parquet", seed=7, innovations=4000)
    for policy in ("self_assessed", "supported"):
        x = ranking.ranks(jsonl, policy=policy)
        y = ranking.ranks(pqdir, policy=policy)
        pd.testing.assert_frame_equal(x, y)
        assert x["rank_national"].notna().sum() > 0 and x["rank_tertinggal"].notna().sum() > 0


def test_rank_json_lines_match_the_frame_and_need_no_pandas(hand):
    _, path = hand
    code = ("import sys; from inovasi import cli; rc = cli.main(['rank', sys.argv[1], '--format', 'json']); "
            "assert 'pandas' not in sys.modules, 'rank imported pandas'; sys.exit(rc)")
    p = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    df = ranking.ranks(path).set_index("code")
    objs = [json.loads(x) for x in p.stdout.splitlines()]
    assert len(objs) == len(df)
    # The IID is a JSON number written with exactly two decimals.
    assert all(re.search(rf'"iid":{o["iid_h"] // 100}\.{o["iid_h"] % 100:02d},', x)
               for o, x in zip(objs, p.stdout.splitlines()))
    for o in objs:
        row = df.loc[o["region"]]
        assert o["iid_h"] == row["iid_h"] and o["category"] == row["category"]
        for k in ("national", "province") + ranking.CLUSTERS:
            want = row[f"rank_{k}"]
            assert o["ranks"][k] == (None if pd.isna(want) else int(want))
            assert o["ranks"][f"{k}_of"] == (None if pd.isna(row[f"of_{k}"]) else int(row[f"of_{k}"]))
        assert o["provenance"] == {"inovasi": inovasi.__version__, "edition": "iid-2023",
                                   "edition_sha256": inovasi.edition("iid-2023").sha256,
                                   "policy": "self_assessed", "tie_break": "none", "cluster_scope": "type"}
    table = cli("rank", path)
    assert table.returncode == 0 and "Kabupaten: top 7 of 7 ranked" in table.stdout


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
@pytest.mark.parametrize("policy", POLICIES)
def test_departments_government_and_count_add_up_exactly_to_the_iid(example, policy):
    text = example.read_text()
    s = inovasi.score(text, policy=policy).to_dict()
    b = departments.breakdown(text, policy=policy)
    iid_exact = Fraction(s["iid_exact"])
    assert sum((x["iid"] for x in b["lines"]), Fraction(0)) == iid_exact == b["iid_exact"]
    assert [x["line"] for x in b["lines"][-2:]] == ["government", "count"]
    deps = [x for x in b["lines"] if x["line"] == "department"]
    assert sorted(x["name"] for x in deps) == sorted(d["name"] for d in s["departments"])
    assert sum(x["innovations"] for x in deps) == sum(d["innovations"] for d in s["departments"])
    # Independent: the count line is count points on the IID scale (100 / max total).
    ed = inovasi.edition(s["edition"])
    assert b["lines"][-1]["iid"] == Fraction(f"{s['count_points']:.2f}") * 100 / Fraction(str(ed.max_total))
    # OPD ranking: standard competition ranking by mean points.
    for x in deps:
        assert x["rank"] == 1 + sum(y["mean_points"] > x["mean_points"] for y in deps)
    df = departments.frame(text, policy=policy)
    assert sum(df["iid_exact"], Fraction(0)) == iid_exact
    assert isinstance(df["line"].dtype, pd.CategoricalDtype) and str(df["rank"].dtype) == "Int64"


def test_departments_cli_table_and_json(tmp_path):
    f = ROOT / "examples" / "kabupaten-berau-2023.json"
    t = cli("departments", f)
    assert t.returncode == 0, t.stderr
    assert "SPD (government indicators)" in t.stdout and "count points" in t.stdout
    assert "17159/375" in t.stdout and "45.76" in t.stdout
    j = cli("departments", f, "--format", "json", "--policy", "strict")
    assert j.returncode == 0, j.stderr
    o = json.loads(j.stdout)
    assert j.stdout.startswith('{"region":"64.03","edition":"iid-2023","policy":"strict","iid":')
    assert f'"iid":{o["iid_h"] // 100}.{o["iid_h"] % 100:02d},' in j.stdout
    s = inovasi.score(f.read_text(), policy="strict").to_dict()
    assert o["iid_exact"] == s["iid_exact"] and o["policy"] == "strict"
    assert sum(Fraction(x["iid_exact"]) for x in o["lines"]) == Fraction(s["iid_exact"])
    assert o["provenance"]["edition_sha256"] == inovasi.edition(s["edition"]).sha256
    bad = write_jsonl(tmp_path / "bad.jsonl", [json.loads(f.read_text()), {"a": 1}])
    p = cli("departments", bad)
    assert p.returncode != 0 and "bad.jsonl:2" in p.stderr


def test_the_examples_of_every_edition_ranked_together_equal_each_edition_alone():
    together = ranking.ranks([str(p) for p in EXAMPLES])
    assert together["edition"].nunique() > 1
    for ed, part in together.groupby("edition", observed=True):
        files = [str(p) for p in EXAMPLES if json.loads(p.read_text())["edition"] == ed]
        alone = ranking.ranks(files)
        cols = ["code", "iid_h", "rank_national", "of_national", "rank_province", "of_province"]
        assert part[cols].reset_index(drop=True).equals(alone[cols].reset_index(drop=True)), ed
