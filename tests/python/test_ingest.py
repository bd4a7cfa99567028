"""Fast ingest from Python: ``batch.columns`` (the flat-tree reader, any thread count) gives the
very columns and errors of the record-by-record reference path. The reference is reached
through a validating policy, whose columns come from RecordReader and to_columns (its caps
aside, the arrays are the self-assessed ones). And ``inovasi rank`` prints the ranking of the
pandas frame without importing pandas."""

from __future__ import annotations

import pathlib
import subprocess
import sys

import numpy as np
import pytest

import inovasi
import inovasi.batch as batch
import inovasi.synth as synth

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
MALFORMED = sorted((ROOT / "tests" / "data" / "malformed").iterdir())
ARRAYS = ["government_levels", "innovation_levels", "region_offsets", "status", "affairs", "types"]
LISTS = ["codes", "names", "provinces"]


def outcome(source, **kw):
    try:
        return batch.columns(source, **kw)
    except inovasi.InputError as e:
        return e


def assert_same(ref, got):
    if isinstance(ref, Exception):
        assert isinstance(got, inovasi.InputError), got
        assert str(got) == str(ref)
        assert (got.pointer, got.line, got.column) == (ref.pointer, ref.line, ref.column)
        return
    assert not isinstance(got, Exception), got
    assert got["edition"].name == ref["edition"].name
    for k in ARRAYS:
        assert got[k].dtype == ref[k].dtype and np.array_equal(got[k], ref[k]), k
    for k in LISTS:
        assert got[k] == ref[k], k
    assert got["government_caps"] is None and got["innovation_caps"] is None


def check(source, **kw):
    ref = outcome(source, policy="supported", **kw)
    for threads in (1, 2, 4):
        assert_same(ref, outcome(source, threads=threads, **kw))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example(path):
    check(path)


@pytest.mark.parametrize("edition", ["iid-2023", "iid-2024", "iid-2025", "iid-2026"])
def test_synth_json_lines_of_every_edition(tmp_path, edition):
    path = synth.write_jsonl(tmp_path / "s.jsonl", seed=5, innovations=900, edition=edition)
    check(path)
    check(path.read_bytes())


def test_national_slice():
    lines = synth.national_dataset().read_bytes().splitlines()[::7]
    check(b"\n".join(lines) + b"\n")


@pytest.mark.parametrize("path", MALFORMED, ids=lambda p: p.name)
def test_every_malformed_file(path):
    ref = outcome(path, policy="supported")
    assert isinstance(ref, inovasi.InputError)
    check(path)


def test_a_late_error_is_the_one_reported_whatever_the_threads(tmp_path):
    good = synth.write_jsonl(tmp_path / "g.jsonl", seed=9, innovations=900).read_bytes()
    bad = good.replace(b'"level":2', b'"level":7', 1)
    text = good + bad[: len(bad) // 2].rsplit(b"\n", 1)[0] + b"\n" + b"{oops\n" + good
    ref = outcome(text, policy="supported")
    assert isinstance(ref, inovasi.InputError) and ref.line > good.count(b"\n")
    for threads in (1, 2, 3):
        assert_same(ref, outcome(text, threads=threads))


def test_files_are_read_mapped_or_not_alike(tmp_path):
    path = EXAMPLES[0]
    assert_same(batch.columns(path.read_bytes()), batch.columns(path))
    (tmp_path / "empty.jsonl").write_bytes(b"")
    e = outcome(tmp_path / "empty.jsonl")
    assert isinstance(e, inovasi.InputError) and "no regions" in str(e)


def test_rank_prints_the_frame_ranking_without_pandas(tmp_path):
    lines = synth.national_dataset().read_bytes().splitlines()[::5]
    path = tmp_path / "slice.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    code = ("import sys; from inovasi import cli; rc = cli.main(['rank', sys.argv[1], '--top', '7']); "
            "assert 'pandas' not in sys.modules, 'rank imported pandas'; sys.exit(rc)")
    run = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    from inovasi import ranking
    df = ranking.ranked_frame([str(path)])
    titles = {"Provinsi": "province", "Kabupaten": "kabupaten", "Kota": "kota"}
    printed, kind = {}, None
    for line in run.stdout.splitlines():
        head = line.split(":")[0]
        if head in titles and "ranked" in line:
            kind = titles[head]
            printed[kind] = []
        elif kind and line[:5].strip().isdigit():
            rank, code = line.split()[:2]
            printed[kind].append((int(rank), code, line[-len(line.rstrip()):].rstrip()))
        elif line.startswith("Categories"):
            kind = None
    for t, rows in printed.items():
        part = df[df["type"] == t].dropna(subset=["rank"]).sort_values(["rank", "code"]).head(7)
        assert [(r, c) for r, c, _ in rows] == list(zip(part["rank"].astype(int), part["code"]))
        for (_, _, line), iid, cat in zip(rows, part["iid"], part["category"]):
            assert line.endswith(f"{iid:>7.2f}  {cat}")
    assert set(printed) == {"province", "kabupaten", "kota"}
    first = run.stdout.splitlines()[0]
    reporting = df[df["category"] != df.attrs["categories"][-1]]
    assert first.startswith(f"{len(df)} regions scored under iid-2023 (self_assessed); {len(reporting)} ranked")
    assert first.endswith(f"national mean IID {reporting['iid'].mean():.2f}")
