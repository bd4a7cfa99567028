"""The malformed-input corpus from Python and the command line: every file of tests/data/malformed/
is rejected with exit status 2, nothing on stdout, the manifest's place and message on stderr,
and a pre-existing --out file untouched; malformed editions likewise via --edition.

Each file goes through the CLI's main() in-process (fast), and the whole corpus also through one
real `python3 -m inovasi` process, so the per-file checks do not need ~170 interpreter starts."""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys

import pytest

import inovasi
from inovasi import cli

ROOT = pathlib.Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
SUB_DIR = DATA / "malformed"
ED_DIR = DATA / "malformed_editions"
MANIFEST = json.loads((DATA / "malformed_manifest.json").read_text(encoding="utf-8"))
SUBS = MANIFEST["submissions"]
EDS = MANIFEST["editions"]
SINGLE = [e for e in SUBS if not e["file"].endswith(".jsonl")]
JSONL = [e for e in SUBS if e["file"].endswith(".jsonl")]
OLD = b"previous output\n"


def ids(entries):
    return [e["file"] for e in entries]


def run(*args, input=None):
    return subprocess.run([sys.executable, "-m", "inovasi", *map(str, args)], input=input,
                          capture_output=True, cwd=ROOT, timeout=120)


def main(capfd, *args):
    """cli.main in-process: (exit status, stdout, stderr)."""
    status = cli.main([str(a) for a in args])
    out, err = capfd.readouterr()
    return status, out, err


def error_lines(stderr: str, path) -> list[str]:
    return [l for l in stderr.splitlines() if l.startswith(f"{path}:")]


def assert_reported(stderr: str, path, entry) -> None:
    """stderr reports `entry`'s error for `path`: its pointer (or line) and message substring."""
    lines = error_lines(stderr, path)
    assert lines, f"no error for {path} in:\n{stderr}"
    if "pointer" in entry:
        hit = [l for l in lines if f": {entry['pointer']}: " in l and entry["message"] in l]
    elif entry["line"] == 0:  # the whole input (an empty file): no line to name
        hit = [l for l in lines if entry["message"] in l]
    else:
        hit = [l for l in lines if l.startswith(f"{path}:{entry['line']}:") and entry["message"] in l]
    assert hit, f"expected {entry} in:\n{stderr}"


@pytest.fixture(scope="module")
def control_submission(tmp_path_factory):
    p = tmp_path_factory.mktemp("control") / "control.json"
    p.write_text(json.dumps(MANIFEST["submission_control"]), encoding="utf-8")
    return p


@pytest.fixture(scope="module")
def plain_submission(tmp_path_factory):
    """Valid under iid-2024 and under the small edition the malformed editions derive from."""
    p = tmp_path_factory.mktemp("plain") / "plain.json"
    p.write_text(json.dumps({"edition": "iid-2024", "region": {"code": "64.03", "type": "kabupaten"},
                             "government": {"1": {"level": 2}},
                             "innovations": [{"id": "a", "status": "submitted",
                                              "answers": {"16": {"level": 3}}}]}), encoding="utf-8")
    return p


# ---- the manifest and the folders agree ---------------------------------------------------------

def test_every_file_is_listed_and_every_entry_exists():
    assert sorted(ids(SUBS)) == sorted(p.name for p in SUB_DIR.iterdir())
    assert len(set(ids(SUBS))) == len(SUBS)
    assert sorted(ids(EDS)) == sorted(p.name for p in ED_DIR.iterdir())
    assert len(set(ids(EDS))) == len(EDS)
    assert len(SUBS) >= 65 and len(EDS) >= 10 and len(JSONL) >= 2
    for e in SINGLE + EDS:
        assert ("pointer" in e) != ("line" in e), e
        assert e["message"], e


def test_controls_are_valid(control_submission, plain_submission, tmp_path, capfd):
    # The documents the cases derive from are good: each case fails for its own defect.
    status, out, err = main(capfd, "score", control_submission)
    assert status == 0, err
    assert json.loads(out)["region"] == "64.03"
    ed = tmp_path / "mini.json"
    ed.write_text(json.dumps(MANIFEST["edition_control"]), encoding="utf-8")
    status, out, err = main(capfd, "score", plain_submission, "--edition", ed)
    assert status == 0, err
    score = json.loads(out)
    assert score["edition"] == "mini"
    # SPD 1 × 2 = 2; SID 3 × 3 = 9 over divisor max(1, 10) = 0.9; count 0.25 × 1; total 3.15
    # of 49 → IID 6.43 (6.428…)
    assert (score["government_points"], score["total"], score["iid"]) == (2, 3.15, 6.43)


# ---- each submission file, through the CLI's main() ----------------------------------------------

@pytest.mark.parametrize("entry", SUBS, ids=ids(SUBS))
def test_cli_rejects_the_file(entry, tmp_path, capfd):
    path = SUB_DIR / entry["file"]
    status, out, err = main(capfd, "score", path)
    assert status == 2, err
    assert out == ""
    # Without --keep-going the run may stop at the first bad record: that one must be reported.
    assert_reported(err, path, entry["errors"][0] if "errors" in entry else entry)
    # --out: the previous output survives, and no temporary file is left next to it.
    target = tmp_path / "scores.jsonl"
    target.write_bytes(OLD)
    status, out, err = main(capfd, "score", path, "--out", target)
    assert status == 2 and out == ""
    assert target.read_bytes() == OLD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scores.jsonl"]


@pytest.mark.parametrize("entry", SINGLE, ids=ids(SINGLE))
def test_python_api_raises_input_error(entry):
    path = SUB_DIR / entry["file"]
    with pytest.raises(inovasi.InputError) as ei:
        inovasi.parse_submission(path)
    e = ei.value
    assert isinstance(e, ValueError)
    assert entry["message"] in e.message
    if "pointer" in entry:
        assert e.pointer == entry["pointer"]
    else:
        assert e.pointer is None
        # An error of the whole input (line 0, e.g. an empty file) is placed at 1:1 of a named file.
        assert e.line == (entry["line"] or 1)
    assert e.source == str(path)


# ---- JSON Lines: --keep-going ----------------------------------------------------------------------

def regions_of(path, records):
    lines = path.read_bytes().split(b"\n")
    return [json.loads(lines[i])["region"]["code"] for i in records]


@pytest.mark.parametrize("entry", JSONL, ids=ids(JSONL))
def test_keep_going_scores_the_good_lines_and_reports_the_bad(entry, tmp_path, capfd):
    path = SUB_DIR / entry["file"]
    status, out, err = main(capfd, "score", path, "--keep-going")
    # The documented contract: with --keep-going the exit status still says that some records failed.
    assert status == 2, err
    scored = [json.loads(l)["region"] for l in out.splitlines()]
    assert scored == regions_of(path, entry["good"])  # each record is one line in these files
    for x in entry["errors"]:
        assert_reported(err, path, x)
    assert len(error_lines(err, path)) == len(entry["errors"])
    # With --out the good records are written (atomically) and the bad ones still reported.
    target = tmp_path / "scores.jsonl"
    target.write_bytes(OLD)
    status, out2, err2 = main(capfd, "score", path, "--keep-going", "--out", target)
    assert status == 2 and out2 == ""
    assert target.read_text(encoding="utf-8") == out
    assert err2 == err


def test_one_bad_line_through_python_m(tmp_path):
    entry = next(e for e in JSONL if e["file"] == "jsonl-one-bad-line.jsonl")
    path = SUB_DIR / entry["file"]
    p = run("score", path)
    assert p.returncode == 2 and p.stdout == b""
    assert_reported(p.stderr.decode(), path, entry["errors"][0])
    assert f"{path}:3:".encode() in p.stderr
    p = run("score", path, "--keep-going")
    assert p.returncode == 2
    assert [json.loads(l)["region"] for l in p.stdout.splitlines()] == ["64.01", "64.02", "64.03", "64.04"]
    assert_reported(p.stderr.decode(), path, entry["errors"][0])


# ---- the whole corpus through one real `python3 -m inovasi` ------------------------------------

def test_python_m_rejects_the_whole_corpus(tmp_path):
    files = [SUB_DIR / e["file"] for e in SUBS]
    # --keep-going: every bad record of every file is reported; the only records scored are the
    # good lines of the JSON Lines files and the objects the manifest counts as sequence_good.
    p = run("score", "--keep-going", *files)
    assert p.returncode == 2
    err = p.stderr.decode("utf-8", errors="replace")
    for e, path in zip(SUBS, files):
        for x in e.get("errors", [e]):
            assert_reported(err, path, x)
    expected_good = sum(len(e.get("good", [])) + e.get("sequence_good", 0) for e in SUBS)
    assert len(p.stdout.splitlines()) == expected_good
    # Without it: exit 2, nothing on stdout, and a previous --out file survives untouched with
    # no temporary file left behind.
    p = run("score", *files)
    assert p.returncode == 2 and p.stdout == b""
    assert_reported(p.stderr.decode("utf-8", errors="replace"), files[0], SUBS[0])
    target = tmp_path / "out.jsonl"
    target.write_bytes(OLD)
    p = run("score", *files, "--out", target)
    assert p.returncode == 2 and p.stdout == b""
    assert target.read_bytes() == OLD
    assert [x.name for x in tmp_path.iterdir()] == ["out.jsonl"]


# ---- malformed editions -------------------------------------------------------------------------

@pytest.mark.parametrize("entry", EDS, ids=ids(EDS))
def test_malformed_edition_is_rejected(entry, plain_submission, capfd):
    path = ED_DIR / entry["file"]
    with pytest.raises(inovasi.InputError) as ei:
        inovasi.edition(path)
    e = ei.value
    assert entry["message"] in e.message
    assert e.source == str(path)
    if "pointer" in entry:
        assert e.pointer == entry["pointer"]
    else:
        assert e.pointer is None and (e.line or 0) == entry["line"]
    status, out, err = main(capfd, "score", plain_submission, "--edition", path)
    assert status == 2 and out == ""
    assert str(path) in err and entry["message"] in err
    if "pointer" in entry:
        assert f": {entry['pointer']}: " in err
    elif entry["line"]:
        assert f"{path}:{entry['line']}:" in err


def test_malformed_edition_through_python_m(plain_submission):
    path = ED_DIR / "max-total-inconsistent.json"
    p = run("score", plain_submission, "--edition", path)
    assert p.returncode == 2 and p.stdout == b""
    assert b"/max_total/value: " in p.stderr and b"does not match the weights" in p.stderr


# ---- limits -------------------------------------------------------------------------------------

def with_innovations(n: int) -> dict:
    doc = json.loads(json.dumps(MANIFEST["submission_control"]))
    doc["innovations"] = [{"id": f"i{i}", "status": "draft"} for i in range(n)]
    return doc


def test_max_innovations_option(tmp_path, capfd):
    f = tmp_path / "four.json"
    f.write_text(json.dumps(with_innovations(4)), encoding="utf-8")
    status, out, err = main(capfd, "score", f, "--max-innovations", "3")
    assert status == 2 and out == ""
    assert "/innovations: 4 innovations exceed the limit of 3 per region" in err
    status, out, err = main(capfd, "score", f, "--max-innovations", "4")
    assert status == 0 and json.loads(out)["region"] == "64.03"


def test_default_limit_of_10000_innovations():
    with pytest.raises(inovasi.InputError) as ei:
        inovasi.parse_submission(with_innovations(10001))
    assert ei.value.pointer == "/innovations"
    assert "10001 innovations exceed the limit of 10000" in ei.value.message
    assert inovasi.parse_submission(with_innovations(10000)).innovation_count == 10000


def test_depth_and_size_limits_from_python():
    def doc(k):  # the submission object is level 1: k nested arrays make depth k + 1
        return '{"edition":"iid-2024","region":{"code":"64.03","type":"kabupaten"},"x-d":' + \
            "[" * k + "]" * k + "}"
    assert inovasi.parse_submission(doc(7), max_depth=8).region_code == "64.03"
    with pytest.raises(inovasi.InputError, match="nesting deeper than the limit of 8 levels"):
        inovasi.parse_submission(doc(8), max_depth=8)
    with pytest.raises(inovasi.InputError, match="nesting deeper than the limit of 64 levels"):
        inovasi.parse_submission(doc(100_000))
    # A raised limit is capped at 1024 levels (the parser recurses per level): no stack overflow.
    with pytest.raises(inovasi.InputError, match="nesting deeper than the limit of 1024 levels"):
        inovasi.parse_submission(doc(100_000), max_depth=1_000_000)
    text = doc(1)
    assert inovasi.parse_submission(text, max_document_bytes=len(text)).region_code == "64.03"
    with pytest.raises(inovasi.InputError, match=f"larger than the limit of {len(text) - 1} bytes"):
        inovasi.parse_submission(text, max_document_bytes=len(text) - 1)


EVIDENCE_EXAMPLE = ROOT / "examples" / "kabupaten-banyuwangi-2026-evidence.json"


def test_evidence_item_limit_from_python_and_cli(tmp_path, capfd):
    # The example's longest evidence lists have 6 items (/innovations/0/answers/20 comes first).
    text = EVIDENCE_EXAMPLE.read_text(encoding="utf-8")
    assert inovasi.parse_submission(text, max_evidence_items=6).region_code
    with pytest.raises(inovasi.InputError) as ei:
        inovasi.parse_submission(text, max_evidence_items=5)
    assert ei.value.pointer == "/innovations/0/answers/20/evidence"
    assert "6 evidence items exceed the limit of 5" in ei.value.message
    with pytest.raises(inovasi.InputError, match="6 evidence items exceed the limit of 5"):
        inovasi.score(text, max_evidence_items=5)
    assert "exceed the limit of 5" in inovasi.score_many(text, max_evidence_items=5, keep_going=True)[0][4]
    with pytest.raises(inovasi.InputError, match="6 evidence items exceed the limit of 5"):
        inovasi.score_many(text, max_evidence_items=5)

    status, out, err = main(capfd, "score", EVIDENCE_EXAMPLE, "--max-evidence-items", "5")
    assert status == 2 and out == ""
    assert "/innovations/0/answers/20/evidence: 6 evidence items exceed the limit of 5" in err
    status, out, err = main(capfd, "check", EVIDENCE_EXAMPLE, "--max-evidence-items", "6")
    assert status == 0 and out


def test_depth_and_size_limits_from_the_cli(tmp_path, capfd):
    f = tmp_path / "deep.json"
    f.write_text('{"edition":"iid-2024","region":{"code":"64.03","type":"kabupaten"},"x-d":[[[]]]}',
                 encoding="utf-8")
    status, out, err = main(capfd, "score", f, "--max-depth", "3")
    assert status == 2 and out == "" and "nesting deeper than the limit of 3 levels" in err
    status, out, err = main(capfd, "score", f, "--max-depth", "4")
    assert status == 0 and json.loads(out)["region"] == "64.03"
    size = f.stat().st_size
    status, out, err = main(capfd, "score", f, "--max-document-bytes", str(size - 1))
    assert status == 2 and out == "" and f"larger than the limit of {size - 1} bytes" in err
    status, out, err = main(capfd, "score", f, "--max-document-bytes", str(size))
    assert status == 0


@pytest.mark.parametrize("bad", ["0", "-3", "2.5", "many"])
def test_a_limit_must_be_a_whole_number_of_at_least_one(capfd, bad):
    with pytest.raises(SystemExit) as e:
        cli.main(["score", str(EVIDENCE_EXAMPLE), "--max-depth", bad])
    assert e.value.code == 2
    assert f"--max-depth: must be a whole number of at least 1, not '{bad}'" in capfd.readouterr().err


@pytest.mark.parametrize("bad", [0, -1, True, 2.0, "3"])
def test_parse_limits_names_the_bad_limit(bad):
    with pytest.raises(ValueError, match=r"max_evidence_items must be a positive integer"):
        inovasi.parse_limits(max_evidence_items=bad)
    limits = inovasi.parse_limits(max_depth=9)
    assert (limits.max_depth, limits.max_innovations, limits.max_evidence_items) == (9, 10000, 200)
