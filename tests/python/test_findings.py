"""Findings come from one C++ function (prevalidate(submission, policy), docs/evidence.md): on
every example and under every policy, ``inovasi.prevalidate``, ``inovasi.score(...)``'s findings
and ``inovasi check`` show the same set, and its size is pinned."""

from __future__ import annotations

import collections
import json
import pathlib
import subprocess
import sys

import pytest

import inovasi

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
POLICIES = ("self_assessed", "supported", "strict", "assessor")

# file: (findings under self_assessed, supported and strict; under assessor; of them "mandatory").
# Before the surfaces agreed (issue 10), `check` left out the answers of drafts, rejected and
# ineligible innovations (Berau 238) and prevalidate() every mandatory row (Nduga 0).
PINNED = {
    "kabupaten-banyuwangi-2024.json": (254, 503, 4),
    "kabupaten-banyuwangi-2026-evidence.json": (46, 125, 0),
    "kabupaten-berau-2023.json": (258, 498, 0),
    "kabupaten-gunung-mas-2025.json": (102, 197, 5),
    "kabupaten-nduga-2024.json": (13, 13, 13),
    "kabupaten-sleman-2024.json": (211, 401, 5),
    "kota-makassar-2026.json": (205, 405, 4),
    "kota-surabaya-2023.json": (480, 940, 0),
    "kota-tangerang-2026.json": (324, 624, 4),
}


def key(f: dict) -> tuple:
    # The score JSON leaves out an empty innovation and evidence index; prevalidate() gives None.
    return (f["pointer"], f["row"], f.get("innovation"), f.get("evidence"), f["rule"], f["severity"], f["message"])


def test_every_example_is_pinned():
    assert sorted(PINNED) == sorted(p.name for p in EXAMPLES.glob("*.json"))


@pytest.fixture(scope="module")
def check_output() -> dict:
    """`inovasi check --policy P` over every example at once: (region code, edition) -> its
    finding keys (two Banyuwangi examples share a code, under two editions)."""
    files = [str(EXAMPLES / f) for f in sorted(PINNED)]
    out = {}
    for policy in POLICIES:
        p = subprocess.run([sys.executable, "-m", "inovasi", "check", "--policy", policy, *files],
                           capture_output=True, text=True, cwd=ROOT)
        assert p.returncode == 0, p.stderr
        by_region = collections.defaultdict(list)
        for line in p.stdout.splitlines():
            f = json.loads(line)
            assert f["policy"] == policy
            by_region[(f["region"], f["edition"])].append(key(f))
        out[policy] = by_region
    return out


@pytest.mark.parametrize("name", sorted(PINNED))
@pytest.mark.parametrize("policy", POLICIES)
def test_surfaces_show_one_set(name, policy, check_output):
    path = EXAMPLES / name
    pre = [key(f) for c in inovasi.prevalidate(path, policy=policy) for f in c["findings"]]
    result = inovasi.score(path, policy=policy).to_dict()
    scored = [key(f) for f in result["findings"]]
    checked = check_output[policy].get((result["region"], result["edition"]), [])
    assert collections.Counter(pre) == collections.Counter(scored) == collections.Counter(checked)
    assert pre == scored == checked  # and in the same order
    plain, assessor, mandatory = PINNED[name]
    assert len(pre) == (assessor if policy == "assessor" else plain)
    assert sum(1 for k in pre if k[4] == "mandatory") == mandatory
    if policy != "assessor":  # the default call is the self-assessed set
        assert collections.Counter(key(f) for c in inovasi.prevalidate(path) for f in c["findings"]) == \
            collections.Counter(pre)


def test_nduga_mandatory_rows_are_listed():
    checks = inovasi.prevalidate(EXAMPLES / "kabupaten-nduga-2024.json")
    assert len(checks) == 13
    for c in checks:
        assert c["innovation"] is None and c["claimed_level"] == 0 and c["has_error"]
        assert [f["rule"] for f in c["findings"]] == ["mandatory"]
        assert c["pointer"] == f"/government/{c['row']}"
