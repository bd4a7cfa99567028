"""The synthetic generator from Python: arrays, Parquet, the bundled dataset, the CLI."""

from __future__ import annotations

import gc
import json
import pathlib
import subprocess
import sys

import numpy as np
import pytest

import inovasi
from inovasi import synth

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_generate_dtypes_and_shapes():
    c = synth.generate(seed=5, innovations=3000)
    R, N = len(c["codes"]), int(c["region_offsets"][-1])
    G, K = 20, 20  # iid-2023: 20 government rows, 20 innovation rows
    expected = {
        "government_levels": (np.uint8, (R, G)), "government_caps": (np.uint8, (R, G)),
        "innovation_levels": (np.uint8, (N, K)), "innovation_caps": (np.uint8, (N, K)),
        "region_offsets": (np.int64, (R + 1,)), "status": (np.uint8, (N,)),
        "affairs": (np.uint64, (N,)), "types": (np.uint8, (R,)),
    }
    for key, (dtype, shape) in expected.items():
        a = c[key]
        assert a.dtype == dtype, key
        assert a.shape == shape, key
        assert a.flags.c_contiguous, key
        assert not a.flags.owndata, key  # the C++ vector, not a copy
    assert c["edition"].name == "iid-2023"
    assert len(c["names"]) == len(c["provinces"]) == R
    assert R == round(552 * 3000 / 31719)
    assert int((c["status"] != 0).sum()) == 3000  # counted innovations: exactly the target
    assert set(np.unique(c["status"])) <= {0, 1, 2}
    assert (c["innovation_caps"] <= c["innovation_levels"]).all()
    assert c["innovation_levels"].max() <= 3


def test_arrays_outlive_the_dict():
    c = synth.generate(seed=3, innovations=2000)
    levels = c["innovation_levels"]
    expected = synth.generate(seed=3, innovations=2000)["innovation_levels"].copy()
    del c
    gc.collect()
    junk = [np.ones(1 << 16, dtype=np.uint8) for _ in range(50)]  # reuse freed memory if any
    assert np.array_equal(levels, expected)
    del junk


def test_same_seed_same_arrays_different_seed_differs():
    a = synth.generate(seed=1, innovations=2000)
    b = synth.generate(seed=1, innovations=2000)
    d = synth.generate(seed=2, innovations=2000)
    for key in ("government_levels", "innovation_levels", "innovation_caps", "status", "region_offsets"):
        assert np.array_equal(a[key], b[key]), key
    assert not np.array_equal(a["innovation_levels"], d["innovation_levels"])


def test_jsonl_matches_columns(tmp_path):
    path = synth.write_jsonl(tmp_path / "s.jsonl", seed=9, innovations=1500)
    c = synth.generate(seed=9, innovations=1500)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(c["codes"])
    for line, code, start, end in zip(lines, c["codes"], c["region_offsets"][:-1], c["region_offsets"][1:]):
        rec = json.loads(line)
        assert rec["region"]["code"] == code
        assert len(rec["innovations"]) == end - start
    # Parses and scores as ordinary submissions.
    scores = [inovasi.score(json.loads(line)) for line in lines[:20]]
    assert all(0 <= s.iid <= 100 for s in scores)
    assert not list(tmp_path.glob("*.tmp-*"))  # the temporary file was renamed


def test_write_parquet_round_trip(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    out = synth.write_parquet(tmp_path / "pq", seed=4, innovations=2000)
    c = synth.generate(seed=4, innovations=2000)
    regions = pq.read_table(out / "regions.parquet")
    invs = pq.read_table(out / "innovations.parquet")
    meta = json.loads(regions.schema.metadata[b"inovasi.synth"])
    assert meta["seed"] == 4 and meta["edition"] == "iid-2023"
    assert regions.column("code").to_pylist() == c["codes"]
    assert regions.column("type").to_pylist()[0] == "province"
    assert np.array_equal(regions.column("spd_1").to_numpy(), c["government_levels"][:, 0])
    assert np.array_equal(regions.column("spd_cap_15").to_numpy(), c["government_caps"][:, -1])
    assert invs.num_rows == int(c["region_offsets"][-1])
    assert np.array_equal(invs.column("sid_16").to_numpy(), c["innovation_levels"][:, 0])
    assert np.array_equal(invs.column("sid_cap_35").to_numpy(), c["innovation_caps"][:, -1])
    assert np.array_equal(invs.column("status").to_numpy(), c["status"])
    region = invs.column("region").to_numpy()
    assert np.array_equal(np.bincount(region, minlength=len(c["codes"])), np.diff(c["region_offsets"]))
    assert invs.column("code").to_pylist()[-1] == c["codes"][region[-1]]
    assert sorted(p.name for p in out.iterdir()) == ["innovations.parquet", "regions.parquet"]


def test_manifest_matches_the_packaged_copy():
    manifest = json.loads((ROOT / "data" / "national" / "manifest.json").read_text(encoding="utf-8"))
    for key, value in synth.NATIONAL.items():
        assert manifest[key] == value, key


def test_national_dataset_verified_and_tampering_rejected(tmp_path):
    path = synth.national_dataset(tmp_path / "national.jsonl")
    assert path.stat().st_size == synth.NATIONAL["bytes"]
    assert synth.national_dataset(path) == path  # verified again, not regenerated
    data = bytearray(path.read_bytes())
    i = data.index(b'"level":2')
    data[i + 8] = ord("3")  # one claimed level changed
    path.write_bytes(bytes(data))
    with pytest.raises(inovasi.InputError, match="checksum mismatch"):
        synth.national_dataset(path)
    assert synth.national_dataset(path, regenerate=True) == path


def test_cli_synth(tmp_path):
    out = tmp_path / "cli.jsonl"
    cmd = [sys.executable, "-m", "inovasi", "synth", "--seed", "3", "--innovations", "800", "--out", str(out)]
    r = subprocess.run(cmd, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert out.read_bytes() == synth.write_jsonl(tmp_path / "api.jsonl", seed=3, innovations=800).read_bytes()
    r = subprocess.run([sys.executable, "-m", "inovasi", "synth", "--innovations", "500", "--format", "parquet",
                        "--out", str(tmp_path / "pq")], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "pq" / "innovations.parquet").is_file()
    r = subprocess.run([sys.executable, "-m", "inovasi", "synth", "--edition", "iid-1999", "--out",
                        str(tmp_path / "bad.jsonl")], capture_output=True, text=True)
    assert r.returncode == 2
    assert "iid-1999" in r.stderr
    assert not (tmp_path / "bad.jsonl").exists()
