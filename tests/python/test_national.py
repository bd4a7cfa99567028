"""The bundled national dataset from Python: the batch API gives exactly the single-region
results (the whole dataset, every edition, policy and thread count, is checked in C++ by
tests/cpp/national_test.cpp; here a slice of it keeps the Python suite quick)."""

from __future__ import annotations

import json

import numpy as np
import pytest

import inovasi
import inovasi.batch as batch
import inovasi.synth as synth

POLICIES = ["self_assessed", "supported", "strict", "assessor"]


@pytest.fixture(scope="module")
def national():
    path = synth.national_dataset()
    return path, path.read_bytes()


@pytest.fixture(scope="module")
def national_slice(national, tmp_path_factory):
    """Every 10th region of the national dataset (56 regions, all three types)."""
    lines = national[1].splitlines()[::10]
    path = tmp_path_factory.mktemp("national") / "slice.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path, path.read_bytes()


@pytest.mark.parametrize("edition", ["iid-2023", "iid-2024", "iid-2025", "iid-2026"])
@pytest.mark.parametrize("policy", POLICIES)
def test_batch_equals_single_region_on_national_dataset(national_slice, edition, policy):
    path, text = national_slice
    single = inovasi.score_many(text, edition, override_edition=True, policy=policy)
    assert all(err is None for (_, _, _, _, err, _) in single)
    records = [json.loads(js) for (_, _, _, js, _, _) in single]
    cols = batch.columns(path, edition=edition, policy=policy)
    labels = batch.category_labels(edition)
    want_iid = np.array([round(r["iid"] * 100) for r in records])
    for threads in (1, 2, 7, 8):
        res = batch.score_columns(cols, threads=threads)
        assert np.array_equal(res["iid_h"], want_iid), (edition, policy, threads)
        assert [labels[c] for c in res["category"]] == [r["category"] for r in records]
        assert res["counted"].tolist() == [r["innovations_counted"] for r in records]
        assert res["divisor"].tolist() == [r["divisor"] for r in records]


def test_policies_differ_on_national_dataset(national_slice):
    path, _ = national_slice
    means = {p: batch.score_columns(batch.columns(path, policy=p))["iid_h"].mean() for p in POLICIES}
    # Validation only ever lowers a claim, and the dataset carries defective evidence.
    assert means["supported"] < means["self_assessed"]
    assert means["strict"] <= means["supported"]


def test_national_ranking(national):
    from inovasi import ranking
    df = ranking.ranked_frame([str(national[0])])
    assert len(df) == 552
    assert set(df["type"]) == {"province", "kabupaten", "kota"}
    lowest = df.attrs["categories"][-1]
    for t, part in df.groupby("type"):
        ranked = part.dropna(subset=["rank"])
        assert (part.loc[part["category"] == lowest, "rank"].isna()).all()
        assert ranked["rank"].min() == 1
        # competition ranking: rank = 1 + number of strictly higher IIDs in the type
        iid = ranked["iid_h"].to_numpy()
        expect = np.array([1 + (iid > v).sum() for v in iid])
        assert ranked["rank"].to_numpy(dtype=np.int64).tolist() == expect.tolist()


def test_a_verified_file_is_hashed_again_once_it_changes(tmp_path):
    import hashlib
    import os

    f = tmp_path / "data.jsonl"
    f.write_bytes(b'{"a": 1}\n')
    manifest = {"sha256": hashlib.sha256(f.read_bytes()).hexdigest(), "bytes": f.stat().st_size,
                "seed": 1, "profile": "national", "edition": "iid-2023"}
    synth._verify(f, manifest)
    assert (tmp_path / ".data.jsonl.verified").exists()
    synth._verify(f, manifest)  # unchanged: the stamp answers
    before = f.stat().st_mtime_ns
    f.write_bytes(b'{"a": 2}\n')  # same size, new content
    os.utime(f, ns=(before + 10**9, before + 10**9))
    with pytest.raises(inovasi.InputError, match="checksum mismatch"):
        synth._verify(f, manifest)
