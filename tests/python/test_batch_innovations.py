"""Per-innovation kernel outputs from Python (score_columns(..., innovations=True)): each
innovation's points and whether it counts, equal to score()'s per-innovation results, on the
examples and on a synthetic set, under every policy."""

from __future__ import annotations

import glob
import json
import pathlib

import numpy as np
import pytest

import inovasi
import inovasi.batch as batch
from inovasi import synth

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLES = sorted(glob.glob(str(ROOT / "examples" / "*.json")))
POLICIES = ["self_assessed", "supported", "strict", "assessor"]


def by_edition(paths):
    groups: dict[str, list[str]] = {}
    for f in paths:
        groups.setdefault(inovasi.parse_submission(f).edition.name, []).append(f)
    return groups


def expected(records, policy):
    """score()'s per-innovation points (hundredths) and counted flags, innovations in order."""
    points, counted = [], []
    for rec in records:
        for inv in inovasi.score(rec, policy=policy).to_dict()["innovations"]:
            points.append(round(inv["points"] * 100))
            counted.append(bool(inv["counted"]))
    return points, counted


def check(cols, records, scored_as, **kw):
    res = batch.score_columns(cols, innovations=True, **kw)
    pts, cnt = res["innovation_points_h"], res["innovation_counted"]
    n = cols["innovation_levels"].shape[0]
    assert pts.dtype == np.int64 and pts.shape == (n,)
    assert cnt.dtype == np.bool_ and cnt.shape == (n,)
    want_pts, want_cnt = expected(records, scored_as)
    assert len(want_pts) == n
    assert pts.tolist() == want_pts
    assert cnt.tolist() == want_cnt
    # The per-region outputs are the same as without them, and agree with the innovations.
    plain = batch.score_columns(cols, **kw)
    for key in plain:
        np.testing.assert_array_equal(res[key], plain[key])
    off = cols["region_offsets"]
    for r in range(len(off) - 1):
        assert res["innovation_sum_h"][r] == pts[off[r]:off[r + 1]].sum()
        assert res["counted"][r] == cnt[off[r]:off[r + 1]].sum()
    return res


@pytest.mark.parametrize("policy", POLICIES)
def test_examples_v1_caps(policy):
    for _, files in by_edition(EXAMPLES).items():
        check(batch.columns(files, policy=policy), files, policy)


@pytest.mark.parametrize("policy", POLICIES)
def test_examples_policy_columns(policy):
    for _, files in by_edition(EXAMPLES).items():
        check(batch.columns(files, evidence=True), files, policy, policy=policy)


@pytest.mark.parametrize("edition", ["iid-2023", "iid-2026"])
@pytest.mark.parametrize("policy", POLICIES)
def test_synthetic_set(tmp_path, edition, policy):
    path = synth.write_jsonl(tmp_path / "s.jsonl", seed=31, innovations=800, edition=edition)
    records = path.read_text().splitlines()
    cols = batch.columns(path, evidence=True)
    res = check(cols, records, policy, policy=policy)
    # Not a vacuous comparison: some innovations count, some do not, points vary.
    assert res["innovation_counted"].any() and not res["innovation_counted"].all()
    assert len(set(res["innovation_points_h"].tolist())) > 10


def test_off_by_default_and_zero_copy():
    files = by_edition(EXAMPLES)["iid-2023"]
    cols = batch.columns(files)
    assert "innovation_points_h" not in batch.score_columns(cols)
    res = batch.score_columns(cols, innovations=True)
    # numpy owns the kernel's output buffers (written in place, no copy back).
    assert res["innovation_points_h"].flags["OWNDATA"] and res["innovation_points_h"].flags["C_CONTIGUOUS"]
    assert res["innovation_counted"].flags["OWNDATA"]
