"""The command line: `inovasi score` / `inovasi check` (README, "Scoring submissions")."""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import sys
import sysconfig

import pytest

import inovasi

ROOT = pathlib.Path(__file__).resolve().parents[2]
BASIC = ["pendidikan", "kesehatan", "pekerjaan umum dan penataan ruang",
         "perumahan rakyat dan kawasan permukiman",
         "ketenteraman, ketertiban umum dan pelindungan masyarakat", "sosial"]


def run(*args, input=None, cwd=None):
    return subprocess.run([sys.executable, "-m", "inovasi", *map(str, args)], input=input,
                          capture_output=True, text=True, cwd=cwd or ROOT)


def keys(edition, per_innovation):
    return [r["key"] for r in inovasi.edition(edition).rows if r["per_innovation"] == per_innovation]


def example_B(edition="iid-2023", code="35.78"):
    """Worked example B (docs/model.md §8): SPD all 3; 8 innovations, every SID level 3."""
    return {
        "edition": edition,
        "region": {"code": code, "name": "Kota Contoh", "type": "kota"},
        "government": {k: {"level": 3} for k in keys(edition, False)},
        "innovations": [{"id": f"b-{i}", "status": "submitted", "affairs": [BASIC[i % 6]],
                         "answers": {k: {"level": 3} for k in keys(edition, True)}} for i in range(8)],
    }


def example_D(edition="iid-2023", code="62.10"):
    """Worked example D: SPD rows worth 10 points (1×3 + 2×2 + 1.5×2), no innovations → 4.00."""
    return {"edition": edition, "region": {"code": code, "type": "kabupaten"},
            "government": {"1": {"level": 3}, "12": {"level": 2}, "6": {"level": 2}}}


@pytest.fixture
def files(tmp_path):
    b = tmp_path / "kota-b-2023.json"
    b.write_text(json.dumps(example_B(), indent=2), encoding="utf-8")
    d = tmp_path / "kab-d-2023.json"
    d.write_text(json.dumps(example_D(), indent=2), encoding="utf-8")
    return b, d


def only_files(directory):
    return sorted(p.name for p in pathlib.Path(directory).iterdir())


# --------------------------------------------------------------------------------------------

def test_score_one_file(files):
    b, _ = files
    p = run("score", b)
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert len(lines) == 1
    rec = json.loads(lines[0])
    assert rec["region"] == "35.78" and rec["iid"] == 61.94 and rec["category"] == "Sangat Inovatif"
    assert '"iid":61.94' in lines[0]
    assert p.stderr == ""


def test_score_several_files_in_order(files):
    b, d = files
    p = run("score", d, b, d)
    assert p.returncode == 0, p.stderr
    got = [(json.loads(l)["region"], json.loads(l)["iid"]) for l in p.stdout.splitlines()]
    assert got == [("62.10", 4.00), ("35.78", 61.94), ("62.10", 4.00)]
    assert '"iid":4.00' in p.stdout.splitlines()[0]


def test_stdin_dash(files):
    b, d = files
    p = run("score", "-", input=b.read_text(encoding="utf-8"))
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["iid"] == 61.94
    p = run("score", d, "-", input=json.dumps(example_B()))
    assert p.returncode == 0, p.stderr
    assert [json.loads(l)["iid"] for l in p.stdout.splitlines()] == [4.00, 61.94]


def test_json_lines_and_concatenated_pretty_objects(tmp_path):
    jl = tmp_path / "nasional.jsonl"
    jl.write_text(json.dumps(example_D(code="62.10")) + "\n" + json.dumps(example_B(code="35.78")) + "\n"
                  + json.dumps(example_D(code="62.11")) + "\n", encoding="utf-8")
    p = run("score", jl)
    assert p.returncode == 0, p.stderr
    assert [json.loads(l)["region"] for l in p.stdout.splitlines()] == ["62.10", "35.78", "62.11"]
    pretty = tmp_path / "two.json"
    pretty.write_text(json.dumps(example_B(), indent=2) + "\n" + json.dumps(example_D(), indent=2) + "\n",
                      encoding="utf-8")
    p = run("score", pretty)
    assert p.returncode == 0, p.stderr
    assert [json.loads(l)["iid"] for l in p.stdout.splitlines()] == [61.94, 4.00]


def test_edition_override(files):
    b, _ = files
    p = run("score", b, "--edition", "iid-2025")
    assert p.returncode == 0, p.stderr
    rec = json.loads(p.stdout)
    assert rec["edition"] == "iid-2025"
    assert rec["iid"] == 61.94
    assert rec["category"] == "Inovatif"  # 61.94 < 65.01 under the 2025 bands


def test_edition_override_by_path(files):
    b, _ = files
    p = run("score", b, "--edition", ROOT / "editions" / "iid-2024.json")
    assert p.returncode == 0, p.stderr
    rec = json.loads(p.stdout)
    assert rec["edition"] == "iid-2024" and rec["category"] == "Sangat Inovatif"


def test_unknown_edition_exit_2(files):
    b, _ = files
    p = run("score", b, "--edition", "iid-1999")
    assert p.returncode == 2
    assert p.stdout == ""


def test_policy_default_and_choice(files):
    b, _ = files
    assert json.loads(run("score", b).stdout)["policy"] == "self_assessed"
    p = run("score", b, "--policy", "supported")
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["policy"] == "supported"


def test_bad_policy_exit_2(files):
    b, _ = files
    p = run("score", b, "--policy", "lenient")
    assert p.returncode == 2
    assert p.stdout == ""
    assert "lenient" in p.stderr


def test_bad_input_exit_2_nothing_written(tmp_path, files):
    b, _ = files
    bad = example_B()
    bad["innovations"][0]["answers"]["21"] = {"level": 5}
    bad_file = tmp_path / "bad.json"
    bad_file.write_text(json.dumps(bad, indent=2), encoding="utf-8")
    p = run("score", b, bad_file)
    assert p.returncode == 2
    assert p.stdout == ""
    assert "/innovations/0/answers/21/level: 5 is out of range 0..3 (iid-2023, indicator 21)" in p.stderr
    assert str(bad_file) in p.stderr


def test_bad_input_with_out_keeps_the_old_file(tmp_path, files):
    b, _ = files
    outdir = tmp_path / "out"
    outdir.mkdir()
    out = outdir / "scores.jsonl"
    out.write_text("old", encoding="utf-8")
    bad = example_B()
    bad["region"]["type"] = "city"
    bad_file = tmp_path / "bad.json"
    bad_file.write_text(json.dumps(bad), encoding="utf-8")
    p = run("score", b, bad_file, "--out", out)
    assert p.returncode == 2
    assert p.stdout == ""
    assert "/region/type" in p.stderr
    assert out.read_text(encoding="utf-8") == "old"
    assert only_files(outdir) == ["scores.jsonl"]  # no temporary files left


def test_top_level_array_exit_2_with_hint(tmp_path):
    f = tmp_path / "array.json"
    f.write_text(json.dumps([example_D(), example_D(code="62.11")]), encoding="utf-8")
    p = run("score", f)
    assert p.returncode == 2
    assert p.stdout == ""
    assert "JSON Lines" in p.stderr
    assert "array" in p.stderr


def test_json_lines_with_one_bad_line(tmp_path):
    f = tmp_path / "nasional.jsonl"
    bad = example_D(code="62.11")
    del bad["region"]["type"]
    f.write_text("\n".join(json.dumps(x) for x in [example_D(), bad, example_B()]) + "\n", encoding="utf-8")
    outdir = tmp_path / "out"
    outdir.mkdir()
    out = outdir / "scores.jsonl"
    p = run("score", f, "--out", out)
    assert p.returncode == 2
    assert p.stdout == ""
    assert f"{f}:2:" in p.stderr
    assert not out.exists()
    assert only_files(outdir) == []
    # --keep-going: the good lines are written, the bad one reported, status still 2
    p = run("score", f, "--keep-going")
    assert p.returncode == 2
    assert f"{f}:2:" in p.stderr
    assert [json.loads(l)["region"] for l in p.stdout.splitlines()] == ["62.10", "35.78"]
    p = run("score", f, "--keep-going", "--out", out)
    assert p.returncode == 2
    assert p.stdout == ""
    assert [json.loads(l)["region"] for l in out.read_text(encoding="utf-8").splitlines()] == ["62.10", "35.78"]
    assert only_files(outdir) == ["scores.jsonl"]


def test_syntax_error_is_located(tmp_path):
    f = tmp_path / "broken.jsonl"
    f.write_text(json.dumps(example_D()) + "\n" + '{"edition": "iid-2023", "region": {,}}\n', encoding="utf-8")
    p = run("score", f)
    assert p.returncode == 2
    assert p.stdout == ""
    assert f"{f}:2:" in p.stderr


def test_missing_file_exit_2(tmp_path, files):
    b, _ = files
    p = run("score", b, tmp_path / "tidak-ada.json")
    assert p.returncode == 2
    assert p.stdout == ""
    assert "tidak-ada.json" in p.stderr


def test_empty_input_exit_2(tmp_path):
    f = tmp_path / "empty.json"
    f.write_text("", encoding="utf-8")
    p = run("score", f)
    assert p.returncode == 2
    assert p.stdout == ""


def test_out_writes_the_same_as_stdout(tmp_path, files):
    b, d = files
    out = tmp_path / "scores.jsonl"
    out.write_text("old", encoding="utf-8")
    p1 = run("score", b, d)
    p2 = run("score", b, d, "--out", out)
    assert p1.returncode == 0 and p2.returncode == 0
    assert p2.stdout == ""
    assert out.read_text(encoding="utf-8") == p1.stdout
    assert sorted(x.name for x in tmp_path.iterdir()) == sorted(
        ["scores.jsonl", b.name, d.name])
    # table output too
    t1 = run("score", b, d, "--format", "table")
    t2 = run("score", b, d, "--format", "table", "--out", out)
    assert t1.returncode == 0 and t2.returncode == 0
    assert out.read_text(encoding="utf-8") == t1.stdout


def test_table_format(files):
    b, d = files
    p = run("score", b, d, "--format", "table")
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    row_b = [l for l in lines if l.startswith("35.78 ")]
    row_d = [l for l in lines if l.startswith("62.10 ")]
    assert len(row_b) == 1 and "61.94" in row_b[0] and "Sangat Inovatif" in row_b[0]
    assert len(row_d) == 1 and "4.00" in row_d[0] and "Kurang Inovatif" in row_d[0]


def test_check_prints_findings(tmp_path):
    sub = {"edition": "iid-2024", "region": {"code": "34.04", "type": "kabupaten"},
           "government": {k: {"level": 2} for k in keys("iid-2024", False)},
           "innovations": [{"id": "slm-x", "status": "submitted",
                            "answers": {"17": {"value": 12}, "32": {"value": 3},
                                        "33": {"value": 150}, "35": {"value": 5}}}]}
    f = tmp_path / "sleman.json"
    f.write_text(json.dumps(sub, indent=2), encoding="utf-8")
    p = run("check", f)
    assert p.returncode == 0, p.stderr
    findings = [json.loads(l) for l in p.stdout.splitlines()]
    mandatory = [x for x in findings if x["rule"] == "mandatory"]
    assert len(mandatory) == 1
    m = mandatory[0]
    assert m["row"] == "16"
    assert m["pointer"] == "/innovations/0/answers/16"
    assert m["severity"] == "error"
    assert m["region"] == "34.04" and m["edition"] == "iid-2024"
    # no score on stdout: findings only
    assert all("iid" not in x for x in findings)


def test_check_bad_input_exit_2(tmp_path):
    f = tmp_path / "bad.json"
    f.write_text('{"edition": "iid-2024", "region": {"code": "34.04"}}', encoding="utf-8")
    p = run("check", f)
    assert p.returncode == 2
    assert p.stdout == ""
    assert "/region" in p.stderr


def test_check_on_examples_exit_0():
    p = run("check", *sorted((ROOT / "examples").glob("*.json")))
    assert p.returncode == 0, p.stderr
    for line in p.stdout.splitlines():
        rec = json.loads(line)
        assert {"region", "edition", "policy", "rule", "severity", "pointer"} <= set(rec)


def test_editions_command():
    p = run("editions")
    assert p.returncode == 0
    names = [l.split()[0] for l in p.stdout.splitlines()]
    assert names == ["iid-2023", "iid-2024", "iid-2025", "iid-2026"]


def test_console_script_and_python_m_agree(files):
    b, d = files
    script = shutil.which("inovasi") or os.path.join(sysconfig.get_path("scripts"), "inovasi")
    assert os.path.exists(script)
    p1 = subprocess.run([script, "score", str(b), str(d)], capture_output=True, text=True)
    p2 = run("score", b, d)
    assert p1.returncode == 0 and p2.returncode == 0, (p1.stderr, p2.stderr)
    assert p1.stdout == p2.stdout
    # and `python3 -m inovasi` from another directory
    p3 = subprocess.run([sys.executable, "-m", "inovasi", "score", str(b)], capture_output=True,
                        text=True, cwd=b.parent)
    assert p3.returncode == 0 and json.loads(p3.stdout)["iid"] == 61.94


def test_no_command_is_a_usage_error():
    p = run()
    assert p.returncode == 2
    assert p.stdout == ""
