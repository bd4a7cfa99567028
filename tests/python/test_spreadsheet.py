"""inovasi.spreadsheet: the planners' template, import with located errors (all or nothing), export
of the engine's numbers, and the command line on .xlsx and CSV inputs."""

import glob
import os
import subprocess
import sys

import openpyxl
import pytest

import inovasi
from inovasi import explain, frames, planning, spreadsheet as sp
from inovasi.scenario import ScenarioBase

from submission_strategies import ROOT

EXAMPLES = sorted(glob.glob(str(ROOT / "examples" / "*.json")))
BERAU = str(ROOT / "examples" / "kabupaten-berau-2023.json")
EVIDENCE = str(ROOT / "examples" / "kabupaten-banyuwangi-2026-evidence.json")


def cli(*args, **kw):
    return subprocess.run([sys.executable, "-m", "inovasi", *map(str, args)], capture_output=True, text=True, **kw)


def workbook_content(path):
    """What a workbook says: every sheet's cells (value and type), number formats of filled
    cells, comments, data validations, hidden sheets and merged cells."""
    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        cells = {c.coordinate: (c.value, c.data_type, c.number_format) for row in ws.iter_rows() for c in row
                 if c.value is not None or c.number_format != "General"}
        comments = {c.coordinate: c.comment.text for row in ws.iter_rows() for c in row if c.comment}
        dvs = sorted((str(dv.sqref), dv.type, dv.formula1, dv.errorStyle) for dv in ws.data_validations.dataValidation)
        out[ws.title] = (ws.sheet_state, cells, comments, dvs, sorted(map(str, ws.merged_cells.ranges)), ws.freeze_panes)
    return list(wb.sheetnames), out


def test_the_committed_template_is_what_the_script_makes(tmp_path):
    out = tmp_path / "template.xlsx"
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "make_template.py"), "--out", str(out)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert workbook_content(out) == workbook_content(ROOT / "examples" / "template.xlsx")


def test_the_template_has_the_sheets_and_dropdowns_planners_need():
    wb = openpyxl.load_workbook(ROOT / "examples" / "template.xlsx")
    assert wb.sheetnames[:6] == list(sp.SHEETS) and wb["Lists"].sheet_state == "hidden"
    ed = inovasi.edition("iid-2026")
    gov = [r["key"] for r in ed.rows if not r["per_innovation"]]
    inv = [r["key"] for r in ed.rows if r["per_innovation"]]
    assert [wb["Government"].cell(row=i + 2, column=1).value for i in range(len(gov))] == gov
    heads = [c.value for c in wb["Levels"][1]]
    assert heads[2:] == [x for k in inv for x in (k, k + " validated")]
    lists = {c.value: i for i, c in enumerate(wb["Lists"][1], 1)}

    def source(ws, cell):
        return [dv.formula1 for dv in ws.data_validations.dataValidation if cell in dv.sqref]

    level_col = openpyxl.utils.get_column_letter(lists["level"])
    assert [c.value for c in wb["Lists"][level_col][1:] if c.value is not None] == list(range(ed.level_max + 1))
    assert source(wb["Levels"], "C2") == [f"'Lists'!${level_col}$2:${level_col}${ed.level_max + 2}"]
    assert source(wb["Government"], "C2") == source(wb["Levels"], "C2")
    affair_col = openpyxl.utils.get_column_letter(lists["affair"])
    affairs = [c.value for c in wb["Lists"][affair_col][1:] if c.value is not None]
    assert affairs == ed.count_points["gate"]["affairs"]
    icol = {c.value: c.column_letter for c in wb["Innovations"][1]}
    assert source(wb["Innovations"], f"{icol['affair_1']}2")[0].startswith(f"'Lists'!${affair_col}$2")
    assert source(wb["Innovations"], f"{icol['status']}2")


def test_the_empty_template_asks_for_its_region():
    # The template names its edition only: the region is the planner's to fill in.
    with pytest.raises(inovasi.InputError, match=r"sheet 'Region', row 2: missing required field \"code\""):
        sp.read_xlsx(ROOT / "examples" / "template.xlsx")


def test_a_filled_in_template_is_a_submission(tmp_path):
    wb = openpyxl.load_workbook(ROOT / "examples" / "template.xlsx")
    wb["Region"]["B2"], wb["Region"]["D2"] = "64.03", "kabupaten"
    wb["Government"]["C2"] = 3
    inv = wb["Innovations"]
    col = {c.value: c.column for c in inv[1]}
    inv.cell(row=2, column=col["innovation"], value="kes-001")
    inv.cell(row=2, column=col["status"], value="submitted")
    inv.cell(row=2, column=col["affair_1"], value="kesehatan")
    wb["Levels"]["A2"], wb["Levels"]["C2"] = "kes-001", 2
    path = tmp_path / "mine.xlsx"
    wb.save(path)
    assert sp.read_xlsx(path) == {
        "edition": "iid-2026", "region": {"code": "64.03", "type": "kabupaten"}, "government": {"1": {"level": 3}},
        "innovations": [{"id": "kes-001", "status": "submitted", "affairs": ["kesehatan"],
                         "answers": {"16": {"level": 2}}}]}


# ---- malformed workbooks: every one a located error, nothing half-imported ---------------------

def filled(tmp_path, source=BERAU):
    path = tmp_path / "region.xlsx"
    [sub] = frames.read_submissions(source)
    sp.write_xlsx(sub, path)
    return path


def broken(tmp_path, change, source=BERAU):
    path = filled(tmp_path, source)
    wb = openpyxl.load_workbook(path)
    change(wb)
    wb.save(path)
    return path


def column_of(ws, header):
    return next(c.column_letter for c in ws[1] if c.value == header)


CASES = {
    "missing sheet": (lambda wb: wb.remove(wb["Levels"]), r"sheet 'Levels': missing"),
    "unknown column": (lambda wb: wb["Innovations"].cell(row=1, column=30, value="colour"),
                       r"sheet 'Innovations', row 1, column AD: unknown column 'colour'"),
    "level tiga": (lambda wb: wb["Levels"].__setitem__("C3", "tiga"),
                   r"sheet 'Levels', row 3, column C \(16\): \"tiga\" is not a level: write the level as a whole "
                   r"number from 0 to 3"),
    "merged cells": (lambda wb: wb["Innovations"].merge_cells("B2:C2"),
                     r"sheet 'Innovations', row 2, column B: merged cells \(B2:C2\) cannot be imported"),
    "excel serial date": (lambda wb: wb["Innovations"].__setitem__(f"{column_of(wb['Innovations'], 'applied_date')}2", 45292),
                          r"sheet 'Innovations', row 2, column \w+ \(applied_date\): 45292 is an Excel serial number "
                          r"where a date belongs \(day 2024-01-01 in Excel's count\): write the date as text"),
    "formula": (lambda wb: wb["Government"].__setitem__("C2", "=1+1"),
                r"sheet 'Government', row 2, column C \(level\): a formula"),
    "level out of range (the core's rule)": (lambda wb: wb["Levels"].__setitem__("E2", 5),
                                             r"sheet 'Levels', row 2, column E \(17\): 5 is out of range"),
    "unknown status (the core's rule)": (lambda wb: wb["Innovations"].__setitem__(f"{column_of(wb['Innovations'], 'status')}4", "done"),
                                         r"sheet 'Innovations', row 4, column \w+ \(status\): .*done"),
    "impossible evidence date": (lambda wb: wb["Evidence"].__setitem__(f"{column_of(wb['Evidence'], 'date')}2", "2023-02-30"),
                                 r"sheet 'Evidence', row 2, column \w+ \(date\)"),
    "levels of an unknown innovation": (lambda wb: wb["Levels"].__setitem__("A3", "nobody"),
                                        r"sheet 'Levels', row 3, column A \(innovation\): innovation 'nobody' is not in "
                                        r"the Innovations sheet"),
    "two regions": (lambda wb: wb["Region"].__setitem__("B3", "64.04"), r"sheet 'Region': one region per workbook"),
    "unknown indicator": (lambda wb: wb["Government"].__setitem__("A2", "99"), r"sheet 'Government', row 2.*\"99\" is not an indicator"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_malformed_workbooks_are_located_errors(tmp_path, case):
    change, message = CASES[case]
    path = broken(tmp_path, change)
    with pytest.raises(inovasi.InputError, match=message):
        sp.read_xlsx(path)
    # The command line: exit 2, the same message, and no output at all (no half import).
    out = tmp_path / "out.jsonl"
    r = cli("score", BERAU, path, "--out", out)
    assert r.returncode == 2 and r.stdout == ""
    assert str(path) in r.stderr and not out.exists()
    assert os.listdir(tmp_path) == ["region.xlsx"]


def test_a_date_typed_as_a_date_is_read_as_that_day(tmp_path):
    import datetime

    path = broken(tmp_path, lambda wb: wb["Innovations"].__setitem__(
        f"{column_of(wb['Innovations'], 'applied_date')}2", datetime.datetime(2021, 4, 12)))
    assert sp.read_xlsx(path)["innovations"][0]["applied_date"] == "2021-04-12"


def test_csv_errors_name_the_file_row_and_column(tmp_path):
    good = tmp_path / "good.csv"
    sp.write_csv(BERAU, good)
    lines = good.read_text(encoding="utf-8").splitlines()
    head = lines[0].split(",")

    def with_cell(line_no, column, value):
        rows = [l for l in lines]
        cells = next(iter(__import__("csv").reader([rows[line_no - 1]])))
        cells[head.index(column)] = value
        import csv, io
        buf = io.StringIO()
        csv.writer(buf, lineterminator="").writerow(cells)
        rows[line_no - 1] = buf.getvalue()
        p = tmp_path / "bad.csv"
        p.write_text("\n".join(rows) + "\n", encoding="utf-8")
        return p

    bad = with_cell(3, "level", "tiga")
    with pytest.raises(inovasi.InputError, match=r"bad.csv, row 3, column level: \"tiga\" is not a level"):
        sp.read_csv(bad)
    bad = with_cell(25, "innovation_name", "Another name")
    with pytest.raises(inovasi.InputError, match=r"bad.csv, row 25, column innovation_name: 'Another name' differs from"):
        sp.read_csv(bad)
    bad = with_cell(4, "level", "9")
    with pytest.raises(inovasi.InputError, match=r"bad.csv, row 4, column level: 9 is out of range"):
        sp.read_csv(bad)
    p = tmp_path / "unknown.csv"
    p.write_text(lines[0] + ",colour\n" + lines[1] + ",red\n", encoding="utf-8")
    with pytest.raises(inovasi.InputError, match=r"unknown.csv, row 1, column 24: unknown column 'colour'"):
        sp.read_csv(p)
    r = cli("score", with_cell(3, "level", "tiga"), "--out", tmp_path / "o.jsonl")
    assert r.returncode == 2 and "row 3, column level" in r.stderr and not (tmp_path / "o.jsonl").exists()


# ---- export: the engine's values, no formulas ----------------------------------------------------

def table(ws, header):
    """The rows of the table on ``ws`` whose header row has ``header``, as dicts, to the first blank row."""
    rows = list(ws.iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if header in r)
    heads = [h for h in rows[start] if h is not None]
    out = []
    for r in rows[start + 1:]:
        if all(v is None for v in r):
            break
        out.append(dict(zip(heads, r)))
    return out


def test_export_fills_in_what_the_engine_computed(tmp_path):
    out = tmp_path / "export.xlsx"
    s = sp.export(EVIDENCE, out, policy="supported", target="Inovatif", max_new=2)
    wb = openpyxl.load_workbook(out)
    for ws in wb.worksheets:
        assert not [c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"], ws.title
    score = inovasi.score(EVIDENCE, policy="supported").to_dict()
    assert s == score
    pairs = {r[0]: r[1] for r in wb["Score"].iter_rows(values_only=True) if r[0] is not None}
    assert pairs["iid"] == score["iid"] and pairs["category"] == score["category"]
    assert pairs["total_exact"] == score["total_exact"] and pairs["divisor"] == score["divisor"]
    # Beside each claimed level, the validated one.
    lv = wb["Levels"]
    heads = [c.value for c in lv[1]]
    by_id = {i["id"]: i for i in score["innovations"]}
    checked = 0
    for row in lv.iter_rows(min_row=2, values_only=True):
        if row[0] is None:
            continue
        for k, h in enumerate(heads):
            if isinstance(h, str) and h.endswith(" validated") and row[k] is not None:
                assert row[k] == by_id[row[0]]["levels"][h[:-10]]
                checked += 1
    assert checked == sum(len(i["levels"]) for i in score["innovations"])
    gov = {r[0]: r[3] for r in wb["Government"].iter_rows(min_row=2, values_only=True) if r[3] is not None}
    assert gov == {r["row"]: r["level"] for r in score["indicators"] if r["row"] in gov} and gov
    # The explanation and the plan, as the engine gives them.
    x = explain.explain(EVIDENCE, policy="supported")
    lost = table(wb["Explanation"], "points_lost")
    assert [(r["row"], r["aspect"], r["points_lost_exact"]) for r in lost] == [
        (l["row"], l["aspect"], str(l["points_lost"])) for l in x["lost"]]
    assert [r["message"] for r in table(wb["Explanation"], "message")] == [f["message"] for f in x["findings"]]
    p = planning.plan(ScenarioBase(EVIDENCE), score["region"], "Inovatif", policy="supported", max_new=2)
    pp = {r[0]: r[1] for r in wb["Plan"].iter_rows(values_only=True) if r[0] is not None}
    assert pp["cost"] == p["cost"] and pp["reachable"] == p["reachable"] and pp["iid_after"] == p["iid_after"]
    assert [(r["innovation"], r["row"], r["from"], r["to"], r["cost"]) for r in table(wb["Plan"], "from")] == [
        (st["innovation"] or None, st["row"], st["from"], st["to"], st["cost"]) for st in p["steps"]]
    # The exported workbook is still an input: the same submission, the same score.
    assert frames.canonical_json(sp.read_xlsx(out), True) == frames.canonical_json(
        frames.read_submissions(EVIDENCE)[0], True)


# ---- the command line on spreadsheets --------------------------------------------------------------

def test_score_check_explain_read_workbooks_as_their_json(tmp_path):
    """The command line on a .xlsx and on a CSV made from each example prints what it prints for
    the example's JSON (one run over all the examples per command and format)."""
    xlsx, csvs = [], []
    for path in EXAMPLES:
        stem = os.path.basename(path)[:-5]
        [sub] = frames.read_submissions(path)
        xlsx.append(tmp_path / f"{stem}.xlsx")
        csvs.append(tmp_path / f"{stem}.csv")
        sp.write_xlsx(sub, xlsx[-1])
        sp.write_csv(sub, csvs[-1])
    for cmd in (["score"], ["check"], ["score", "--policy", "strict", "--format", "table"]):
        want = cli(cmd[0], *EXAMPLES, *cmd[1:])
        assert want.returncode == 0, want.stderr
        for sheets in (xlsx, csvs):
            got = cli(cmd[0], *sheets, *cmd[1:])
            assert (got.returncode, got.stdout) == (0, want.stdout), (cmd, got.stderr)
    for k in (1, 2, 6):
        want = cli("explain", EXAMPLES[k], "--policy", "supported")
        for sheet in (xlsx[k], csvs[k]):
            got = cli("explain", sheet, "--policy", "supported")
            assert (got.returncode, got.stdout) == (0, want.stdout), got.stderr


def test_plan_and_rank_read_workbooks_and_csv(tmp_path):
    inputs, sheets = [], []
    for k, path in enumerate(p for p in EXAMPLES if "2026" in p):
        [sub] = frames.read_submissions(path)
        sheet = tmp_path / (f"r{k}.xlsx" if k % 2 == 0 else f"r{k}.csv")
        (sp.write_xlsx if k % 2 == 0 else sp.write_csv)(sub, sheet)
        inputs.append(path)
        sheets.append(sheet)
    for cmd in (["rank", "--format", "json"], ["plan", "--target", "Inovatif", "--max-new", "2"]):
        want = cli(cmd[0], *inputs, *cmd[1:])
        got = cli(cmd[0], *sheets, *cmd[1:])
        assert want.returncode == 0, want.stderr
        assert (got.returncode, got.stdout) == (0, want.stdout), got.stderr


def test_a_csv_holds_many_regions_each_once(tmp_path):
    c = tmp_path / "all.csv"
    many = [p for p in EXAMPLES if "banyuwangi-2024" not in p]
    sp.write_csv(many, c)
    got = sp.read_csv(c)
    want = frames.read_submissions(many)
    assert [frames.canonical_json(s, True) for s in got] == [frames.canonical_json(s, True) for s in want]
    # The region code is the key: a second submission of one region (another edition) is refused.
    with pytest.raises(inovasi.InputError, match=r"region '35.10' is submission 1 and 2 of the input"):
        sp.write_csv([p for p in EXAMPLES if "banyuwangi" in p], c)


def test_the_workbook_command_writes_the_export_and_the_template(tmp_path):
    out = tmp_path / "berau.xlsx"
    r = cli("workbook", BERAU, "--out", out, "--policy", "strict", "--target", "60.00")
    assert r.returncode == 0 and r.stdout == "", r.stderr
    wb = openpyxl.load_workbook(out)
    pairs = {row[0]: row[1] for row in wb["Score"].iter_rows(values_only=True) if row[0] is not None}
    assert pairs["iid"] == inovasi.score(BERAU, policy="strict").iid and "Plan" in wb.sheetnames
    t = tmp_path / "t.xlsx"
    assert cli("workbook", "--template", "--out", t).returncode == 0
    assert workbook_content(t) == workbook_content(ROOT / "examples" / "template.xlsx")
    bad = cli("workbook", BERAU, "--template", "--out", t)
    assert bad.returncode == 2 and "takes no FILE" in bad.stderr


def test_the_cli_leaves_no_converted_temporaries(tmp_path):
    bad = broken(tmp_path, lambda wb: wb["Levels"].__setitem__("C2", "tiga"))
    good = tmp_path / "good.xlsx"
    [sub] = frames.read_submissions(BERAU)
    sp.write_xlsx(sub, good)
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    env = {**os.environ, "TMPDIR": str(tmpdir)}
    assert cli("score", good, env=env).returncode == 0
    # The good workbook is converted, then the bad one stops the run: both are cleaned up.
    assert cli("score", good, bad, env=env).returncode == 2
    assert os.listdir(tmpdir) == []
