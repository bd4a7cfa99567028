"""Columns schema v2 and Parquet v2 (docs/batch.md, docs/synth.md): the JSON Lines reader, the
generator and the Parquet loader give the same policy columns; scores of a Parquet data set
equal scores of the JSON Lines of the same seed under every policy; `inovasi rank` reads both;
bad Parquet is an error naming file, column and row."""

import pathlib
import subprocess
import sys

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import inovasi
from inovasi import batch, synth

ROOT = pathlib.Path(__file__).resolve().parents[2]
SEED, INNOVATIONS = 11, 1500

V2_ARRAYS = ("government_levels", "innovation_levels", "region_offsets", "status", "affairs", "types", "clusters",
             "government_supported_cap", "innovation_supported_cap", "government_assessor_cap",
             "innovation_assessor_cap", "government_acceptance", "innovation_acceptance", "government_value",
             "innovation_value", "department_index")
V2_LISTS = ("codes", "names", "provinces", "innovation_ids", "departments", "government_values", "innovation_values")


def expect_same(a, b):
    for k in V2_ARRAYS:
        x, y = a[k], b[k]
        assert x.dtype == y.dtype and x.shape == y.shape, k
        assert np.array_equal(x, y), k
    for k in V2_LISTS:
        assert a[k] == b[k], k
    assert a["edition"].name == b["edition"].name


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    d = tmp_path_factory.mktemp("v2")
    jsonl = synth.write_jsonl(d / "synth.jsonl", seed=SEED, innovations=INNOVATIONS)
    pqdir = synth.write_parquet(d / "synth-parquet", seed=SEED, innovations=INNOVATIONS)
    return jsonl, pqdir


def test_every_producer_gives_the_same_policy_columns(dataset):
    jsonl, pqdir = dataset
    gen = synth.generate(seed=SEED, innovations=INNOVATIONS)
    read = batch.columns(jsonl, evidence=True, threads=2)
    loaded = batch.load_parquet(pqdir)
    assert read["policy_caps"] and gen["policy_caps"] and loaded["policy_caps"]
    expect_same(read, gen)
    expect_same(read, loaded)
    expect_same(read, batch.columns(pqdir))  # columns() dispatches on a directory
    expect_same(read, batch.load_parquet(pqdir / "regions.parquet"))
    # the generator's evidence has defects: some acceptance is lost, and every id is i<k>
    assert (read["innovation_acceptance"] < 65535).any()
    assert read["innovation_ids"][0] == "i1"
    national = synth.generate(evidence=False)  # 552 regions: Papua, border and lagging ones among them
    papua = np.array([p.startswith("Papua") for p in national["provinces"]])
    assert papua.any() and (national["clusters"][papua] & 4 == 4).all() and (national["clusters"][~papua] & 4 == 0).all()
    assert (national["clusters"] & 1).any() and (national["clusters"] & 2).any()


def test_parquet_scores_equal_json_lines_scores_under_every_policy(dataset):
    jsonl, pqdir = dataset
    loaded = batch.load_parquet(pqdir)
    for policy in batch.POLICIES:
        from_parquet = batch.score_columns(loaded, policy=policy)
        from_jsonl = batch.score_columns(batch.columns(jsonl, policy=policy))  # v1 caps at the claims
        for k in from_jsonl:
            assert np.array_equal(from_parquet[k], from_jsonl[k]), (policy, k)


def test_examples_lean_and_evidence_columns_agree(root):
    for path in sorted((root / "examples").glob("*.json")):
        lean = batch.columns(path)
        full = batch.columns(path, evidence=True)
        assert lean["government_acceptance"] is None and not lean["policy_caps"]
        for k in ("innovation_ids", "departments", "government_values", "innovation_values", "codes"):
            assert lean[k] == full[k], (path.name, k)
        for k in ("department_index", "government_value", "innovation_value", "clusters"):
            assert np.array_equal(lean[k], full[k]), (path.name, k)
        # acceptance per answer equals the single-region path's
        checks = inovasi.prevalidate(path.read_text())
        ed = full["edition"]
        inv_keys = [r["key"] for r in ed.rows if r["per_innovation"]]
        ids = full["innovation_ids"]
        for c in checks:
            if c["innovation"] is None:
                continue
            j, k = ids.index(c["innovation"]), inv_keys.index(c["row"])
            assert full["innovation_acceptance"][j, k] == int(np.floor(c["acceptance"] * 65535 + 0.5)), c["pointer"]


def test_shipped_editions_expose_their_acceptance_factors():
    for name in ("iid-2023", "iid-2024", "iid-2025", "iid-2026"):
        assert inovasi.edition(name).acceptance_factors == {"info": 1.0, "warning": 0.9, "error": 0.5}


def test_derived_acceptance_is_the_product_of_the_edition_factors():
    # row 19: a photo in a .docx dated 2015 gives file_type (error), window (warning) and
    # unsupported (error): 0.5 × 0.9 × 0.5 = 0.225 under the shipped factors, stored as
    # round(0.225 × 65535) = 14745 (14745.375)
    text = ('{"edition":"iid-2023","region":{"code":"64.03","type":"kabupaten"},"government":{},'
            '"innovations":[{"id":"a","status":"submitted","answers":{"19":{"level":2,"evidence":'
            '[{"kind":"photo","file":"tools.docx","date":"2015-05-01"}]}}}]}')
    (check,) = [c for c in inovasi.prevalidate(text) if c["row"] == "19"]
    assert sorted(f["severity"] for f in check["findings"]) == ["error", "error", "warning"]
    assert check["acceptance"] == pytest.approx(0.225, abs=1e-15)
    cols = batch.columns(text, evidence=True)
    k = [r["key"] for r in cols["edition"].rows if r["per_innovation"]].index("19")
    assert cols["innovation_acceptance"][0, k] == 14745


def test_given_acceptance_is_the_answer_own():
    text = ('{"edition":"iid-2023","region":{"code":"64.03","type":"kabupaten"},"government":{},'
            '"innovations":[{"id":"a","status":"submitted","department":"Dinas X",'
            '"answers":{"19":{"level":2,"acceptance":0.25}}}]}')
    checks = inovasi.prevalidate(text)
    assert [c["acceptance"] for c in checks if c["row"] == "19"] == [0.25]
    cols = batch.columns(text, evidence=True)
    k = [r["key"] for r in cols["edition"].rows if r["per_innovation"]].index("19")
    assert cols["innovation_acceptance"][0, k] == 16384  # round(0.25 × 65535) = round(16383.75)
    assert cols["departments"] == ["Dinas X"] and cols["department_index"].tolist() == [0]


def rank(*args):
    p = subprocess.run([sys.executable, "-m", "inovasi", "rank", *map(str, args)], capture_output=True, text=True,
                       cwd=ROOT)
    assert p.returncode == 0, p.stderr
    return p.stdout.rsplit("\n(", 1)[0]  # without the timing line


def test_rank_of_parquet_equals_rank_of_json_lines(dataset, tmp_path):
    jsonl, pqdir = dataset
    for policy in ("self_assessed", "strict"):
        a = rank(jsonl, "--policy", policy, "--top", "50", "--csv", tmp_path / "a.csv")
        b = rank(pqdir, "--policy", policy, "--top", "50", "--csv", tmp_path / "b.csv")
        assert a == b and "regions scored under iid-2023" in a
        assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


def _rewrite(src, dst, name, change):
    dst.mkdir()
    for f in ("regions.parquet", "innovations.parquet"):
        t = pq.read_table(src / f)
        if f == name:
            t = change(t)
        pq.write_table(t, dst / f)


def test_bad_parquet_names_file_column_and_row(dataset, tmp_path):
    _, pqdir = dataset
    ed = inovasi.edition("iid-2023")
    key = [r["key"] for r in ed.rows if r["per_innovation"]][2]

    _rewrite(pqdir, tmp_path / "missing", "innovations.parquet", lambda t: t.drop_columns([f"sid_{key}"]))
    with pytest.raises(inovasi.InputError, match=rf"innovations\.parquet: column 'sid_{key}': is missing"):
        batch.load_parquet(tmp_path / "missing")

    def wrong_type(t):
        i = t.column_names.index(f"sid_{key}")
        return t.set_column(i, f"sid_{key}", t.column(i).cast(pa.float64()))
    _rewrite(pqdir, tmp_path / "type", "innovations.parquet", wrong_type)
    with pytest.raises(inovasi.InputError, match=rf"innovations\.parquet: column 'sid_{key}': has type double, "
                                                 r"expected uint8"):
        batch.load_parquet(tmp_path / "type")

    def out_of_range(t):
        i = t.column_names.index(f"sid_{key}")
        a = t.column(i).to_numpy().copy()
        a[7] = 4
        return t.set_column(i, f"sid_{key}", pa.array(a))
    _rewrite(pqdir, tmp_path / "range", "innovations.parquet", out_of_range)
    with pytest.raises(inovasi.InputError, match=rf"innovations\.parquet: column 'sid_{key}': row 7: 4 is above 3"):
        batch.load_parquet(tmp_path / "range")
    # the CLI names them too (exit 1 or 2, never a traceback)
    p = subprocess.run([sys.executable, "-m", "inovasi", "rank", str(tmp_path / "range")], capture_output=True,
                       text=True, cwd=ROOT)
    assert p.returncode != 0 and "row 7: 4 is above 3" in p.stderr and "Traceback" not in p.stderr

    def v1(t):  # a Parquet v1 file: the generator's metadata only
        return t.replace_schema_metadata({b"inovasi.synth": b"{}"})
    _rewrite(pqdir, tmp_path / "v1", "regions.parquet", v1)
    with pytest.raises(inovasi.InputError, match=r"regions\.parquet: .*Parquet v1.*regenerate it with "
                                                 r"`inovasi synth --format parquet"):
        batch.load_parquet(tmp_path / "v1")

    with pytest.raises(inovasi.InputError, match="nothing-here.parquet: not a file of a Parquet data set"):
        batch.load_parquet(tmp_path / "nothing-here.parquet")
    (tmp_path / "half").mkdir()
    pq.write_table(pq.read_table(pqdir / "regions.parquet"), tmp_path / "half" / "regions.parquet")
    with pytest.raises(inovasi.InputError, match=r"innovations\.parquet: missing"):
        batch.load_parquet(tmp_path / "half")
