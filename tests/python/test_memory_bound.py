"""Memory per record is bounded: `inovasi score FILE` on one adversarial record of 20-40 MiB peaks
at most at 8 x the record's bytes + 64 MiB above the interpreter's own baseline (measured here
with a tiny record), whatever the record's shape: a long array of zeros in an ignored x- field,
nesting down to the depth limit, many small keys, evidence-heavy innovations, the most
evidence items a region may hold (and a record beyond that, refused within the bound).

Each record is generated in tmp_path and scored in a process of its own, started by a small
wrapper that reports that process's peak resident set (RUSAGE_CHILDREN of the wrapper).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MIB = 1 << 20
HEAD = '{"edition":"iid-2026","region":{"code":"95.08","type":"kabupaten"}'


def zeros(size):
    return HEAD + ',"x-pad":[' + ",".join(["0"] * (size // 2)) + "]}\n"


def deep(size, depth=60):
    # The record is depth 1, the x- array 2: nests of 60 reach 62 of the 64 levels allowed.
    unit = "[" * depth + "]" * depth
    return HEAD + ',"x-pad":[' + ",".join([unit] * (size // (2 * depth + 1))) + "]}\n"


def keys(size):
    return HEAD + ',"x-pad":{' + ",".join('"%x":0' % i for i in range(size // 9)) + "}}\n"


def evidence(size, item):
    edition = json.loads((ROOT / "editions" / "iid-2026.json").read_text(encoding="utf-8"))
    scope = edition["aspects"][1]["key"]
    rows = [r["key"] for r in edition["rows"] if r["aspect"] == scope]
    answer = '{"level":1,"evidence":[' + ",".join([item] * 200) + "]}"
    answers = "{" + ",".join('"%s":%s' % (k, answer) for k in rows) + "}"
    one = '{"id":"i%d","status":"submitted","kind":"digital","answers":' + answers + "}"
    count = max(1, size // len(one))
    return HEAD + ',"innovations":[' + ",".join(one % i for i in range(count)) + "]}\n"


# ~210 bytes: 20 MiB of them stay under the 100,000 evidence items a region may hold.
FULL_ITEM = ('{"kind":"budget_document","file":"' + "dokumen-pelaksanaan-anggaran-" * 4 +
             'a.pdf","date":"2024-03-01","year":2024,"highlighted":true,"signed":true,"verdict":"accepted"}')

SHAPES = {
    "zeros-in-x-field": lambda: zeros(40 * MIB),
    "deep-nesting": lambda: deep(20 * MIB),
    "many-small-keys": lambda: keys(20 * MIB),
    "evidence-heavy": lambda: evidence(20 * MIB, FULL_ITEM),
}


# The wrapper runs the command as its own child and reports that child's peak RSS. A direct
# child of pytest would not do: ru_maxrss survives exec, so a child forked from a large pytest
# process starts at pytest's size. The wrapper is small when it forks.
WRAPPER = (
    "import resource, subprocess, sys\n"
    "with open(sys.argv[1], 'wb') as out:\n"
    "    rc = subprocess.run(sys.argv[2:], stdout=out, stderr=subprocess.DEVNULL).returncode\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, rc)\n"
)


def peak_rss(path, out, command="score"):
    """(peak RSS in bytes, exit status) of `inovasi COMMAND path`, in a process of its own."""
    p = subprocess.run([sys.executable, "-c", WRAPPER, str(out), sys.executable, "-m", "inovasi", command, str(path)],
                       capture_output=True, text=True, check=True, env=os.environ.copy())
    kib, rc = map(int, p.stdout.split())
    return kib * 1024, rc  # ru_maxrss is in KiB on Linux


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    d = tmp_path_factory.mktemp("baseline")
    tiny = d / "tiny.json"
    tiny.write_text(HEAD + "}\n", encoding="utf-8")
    rss, rc = peak_rss(tiny, d / "out.jsonl")
    assert rc == 0
    return rss


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_peak_rss_is_within_the_bound(shape, baseline, tmp_path):
    path = tmp_path / (shape + ".json")
    path.write_text(SHAPES[shape](), encoding="utf-8")
    size = path.stat().st_size
    assert size >= 19 * MIB
    out = tmp_path / "out.jsonl"
    rss, rc = peak_rss(path, out)
    assert rc == 0, out.read_text(encoding="utf-8")[:500]
    # The record was scored, not refused: one line, its region's score.
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["region"] == "95.08"
    bound = 8 * size + 64 * MIB + baseline
    assert rss <= bound, f"{shape}: peak {rss / MIB:.0f} MiB for {size / MIB:.0f} MiB (bound {bound / MIB:.0f} MiB)"


def evidence_items(count, item='{"kind":"sop"}'):
    """One innovation per 200 items, 200 on each answer: `count` evidence items in all."""
    edition = json.loads((ROOT / "editions" / "iid-2026.json").read_text(encoding="utf-8"))
    scope = edition["aspects"][1]["key"]
    rows = [r["key"] for r in edition["rows"] if r["aspect"] == scope]
    answer = '{"level":1,"evidence":[' + ",".join([item] * 200) + "]}"
    invs, i = [], 0
    while count > 0:
        answers = ",".join('"%s":%s' % (k, answer) for k in rows[:max(1, min(len(rows), count // 200))])
        count -= 200 * max(1, min(len(rows), count // 200))
        invs.append('{"id":"i%d","status":"submitted","answers":{%s}}' % (i, answers))
        i += 1
    return HEAD + ',"innovations":[' + ",".join(invs) + "]}\n"


def test_minimal_evidence_items_up_to_the_region_limit(baseline, tmp_path):
    # 15-byte items ({"kind":"sop"}) take ~300 bytes each parsed: a region holds at most
    # 100,000 of them (ParseLimits::max_region_evidence_items), scored within the bound ...
    path = tmp_path / "region-limit.json"
    path.write_text(evidence_items(100000), encoding="utf-8")
    size = path.stat().st_size
    out = tmp_path / "out.jsonl"
    rss, rc = peak_rss(path, out)
    assert rc == 0
    assert json.loads(out.read_text(encoding="utf-8"))["region"] == "95.08"
    assert rss <= 8 * size + 64 * MIB + baseline, f"peak {rss / MIB:.0f} MiB for {size / MIB:.1f} MiB"


def test_minimal_evidence_items_beyond_the_region_limit_are_refused_within_the_bound(baseline, tmp_path):
    # ... and 20 MiB of them (1.3 million) are refused while building, not after.
    path = tmp_path / "minimal-evidence.json"
    path.write_text(evidence(20 * MIB, '{"kind":"sop"}'), encoding="utf-8")
    size = path.stat().st_size
    rss, rc = peak_rss(path, tmp_path / "out.jsonl")
    assert rc == 2
    assert rss <= 8 * size + 64 * MIB + baseline, f"peak {rss / MIB:.0f} MiB for {size / MIB:.0f} MiB"


# The most innovations a region may hold (ParseLimits::max_innovations), each as small as the
# format allows, with no answer or one: an innovation's answers are stored only where given, so
# 35 bytes of input do not become an Answer per row of the edition (they once took ~10 KB).
MINIMAL_INNOVATIONS = {
    "no-answers": '{"id":"%d","status":"submitted"}',
    "one-answer": '{"id":"%d","status":"submitted","answers":{"16":{"level":1}}}',
}


@pytest.mark.parametrize("shape", sorted(MINIMAL_INNOVATIONS))
@pytest.mark.parametrize("command", ["score", "check"])
def test_many_minimal_innovations_are_within_the_bound(shape, command, baseline, tmp_path):
    path = tmp_path / "innovations.json"
    one = MINIMAL_INNOVATIONS[shape]
    path.write_text(HEAD + ',"innovations":[' + ",".join(one % i for i in range(10000)) + "]}\n", encoding="utf-8")
    size = path.stat().st_size
    rss, rc = peak_rss(path, tmp_path / "out.jsonl", command)
    assert rc == 0
    assert rss <= 8 * size + 64 * MIB + baseline, f"{shape}: peak {rss / MIB:.0f} MiB for {size / MIB:.2f} MiB"
