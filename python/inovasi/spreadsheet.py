"""Submissions in spreadsheets: the planners' .xlsx workbook and a flat CSV (docs/spreadsheets.md).

A workbook holds one region: sheets ``Region``, ``Government`` (one row per government
indicator), ``Innovations`` (one row per innovation), ``Levels`` (innovations x indicators: the
claimed level of each, and beside it the level the engine validated, filled in on export),
``Answer details`` (raw values, bases, acceptance of innovation answers) and ``Evidence`` (one row
per evidence item). ``Indicators`` and ``Lists`` are for reading and for the dropdowns; ``Score``,
``Explanation`` and ``Plan`` are written on export. Import ignores every sheet it does not read.

A CSV holds any number of regions, one row per answer with its region's and innovation's fields
beside it (:data:`CSV_COLUMNS`).

Import is all or nothing: the whole file is read into submissions, the core validates each, and
any problem -- a missing sheet, an unknown column, a level written "tiga", merged cells, an Excel
serial number where a date belongs, a formula, or any rule of the format -- is an
:class:`inovasi.InputError` naming the sheet (or file), the row and the column.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import json
import os
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any, Mapping, Optional, Sequence, Union

from . import _api, frames as _frames
from ._inputs import is_spreadsheet  # noqa: F401 (part of this module's surface)
from ._text import printable

__all__ = ["read", "read_xlsx", "read_csv", "write_xlsx", "write_csv", "make_template", "export",
           "SHEETS", "CSV_COLUMNS"]

REGION, GOVERNMENT, INNOVATIONS, LEVELS, DETAILS, EVIDENCE = (
    "Region", "Government", "Innovations", "Levels", "Answer details", "Evidence")
INDICATORS, LISTS, SCORE, EXPLANATION, PLAN = "Indicators", "Lists", "Score", "Explanation", "Plan"
SHEETS = (REGION, GOVERNMENT, INNOVATIONS, LEVELS, DETAILS, EVIDENCE)
REQUIRED_SHEETS = (REGION, GOVERNMENT, INNOVATIONS, LEVELS)  # Answer details and Evidence may be left out

REGION_HEADERS = ("edition", "region", "name", "type", "province", "clusters")
GOVERNMENT_HEADERS = ("row", "indicator", "level", "validated_level", "value", "value_code", "value_years", "basis",
                      "acceptance")
INNOVATION_HEADERS = ("innovation", "name", "department", "stage", "status", "form", "kind", "applied_date")
AFFAIR = "affair_"  # affair_1, affair_2, ...: one dropdown cell per affair
DETAIL_HEADERS = ("innovation", "row", "value", "value_code", "value_years", "basis", "acceptance")
EVIDENCE_HEADERS = ("innovation", "row", "kind", "file", "date", "year", "group", "value", "signed",
                    "names_innovation", "highlighted", "in_force", "on_behalf_of_regional_head", "has_cover",
                    "duration_s", "verdict", "supported_level")
VALIDATED = " validated"  # Levels: "16" is the claimed level, "16 validated" the engine's
_BOOLS = _frames._BOOL_FIELDS
# The evidence kinds of the format (docs/submission.schema.json), offered in the Evidence sheet's
# dropdown; an edition's own kinds may still be typed (the dropdown warns, the core decides).
EVIDENCE_KINDS = ("regional_law", "regional_head_regulation", "regional_head_decree", "department_head_decree",
                  "assignment_letter", "budget_document", "work_plan", "invitation", "agreement", "manual",
                  "evaluation_report", "photo", "screenshot", "video", "report", "survey_report", "sop",
                  "attendance_list", "certificate", "beneficiary_list", "press_clipping", "external_study",
                  "other", "link")
CSV_COLUMNS = ("edition", "region", "region_name", "region_type", "province", "clusters", "innovation",
               "innovation_name", "department", "stage", "status", "form", "kind", "affairs", "applied_date",
               "row", "level", "value", "value_code", "value_years", "basis", "acceptance", "evidence")
TEMPLATE_ROWS = 200  # rows of the template's innovation sheets that carry the dropdowns
_EXCEL_EPOCH = _dt.date(1899, 12, 30)  # day 0 of Excel's serial dates (1900 system, leap-year bug included)
_FIXED_TIME = _dt.datetime(2026, 1, 1)  # workbook properties: the same file content on every run


# ---------------------------------------------------------------------------------------------
# Errors with places.

def _error(place: str, message: str, source: str = ""):
    err = _api._input_error(None, f"{place}: {message}", source or None)
    err.place = place
    return err


class _Sheet:
    """One imported sheet: its header (column letter -> name) and its rows, each cell with its
    place ("sheet 'Levels', row 5, column C (16)")."""

    def __init__(self, ws, known, required, source: str):
        from openpyxl.utils import get_column_letter

        self.name, self.source = ws.title, source
        for rng in ws.merged_cells.ranges:
            raise _error(f"sheet {ws.title!r}, row {rng.min_row}, column {get_column_letter(rng.min_col)}",
                         f"merged cells ({rng.coord}) cannot be imported: unmerge them and give every cell "
                         "its own value", source)
        rows = list(ws.iter_rows())
        self.header: dict[int, str] = {}
        self.letters: dict[int, str] = {}
        head = rows[0] if rows else ()
        for cell in head:
            v = cell.value
            if v is None or (isinstance(v, str) and not v.strip()):
                continue
            name = str(v).strip()
            place = f"sheet {ws.title!r}, row 1, column {cell.column_letter}"
            if cell.data_type == "f":
                raise _error(place, "a formula in the header: write the column's name", source)
            if not known(name):
                raise _error(place, f"unknown column {name!r}", source)
            if name in self.header.values():
                raise _error(place, f"column {name!r} is given twice", source)
            self.header[cell.column] = name
            self.letters[cell.column] = cell.column_letter
        for name in required:
            if name not in self.header.values():
                raise _error(f"sheet {ws.title!r}, row 1", f"missing column {name!r}", source)
        self.rows: list[tuple[int, dict]] = []
        for r in rows[1:]:
            cells = {}
            for cell in r:
                v = cell.value
                if v is None or (isinstance(v, str) and v == ""):
                    continue
                place = self.place(cell.row, cell.column)
                if cell.column not in self.header:
                    raise _error(place, "a value in a column without a header", source)
                if cell.data_type == "f":
                    raise _error(place, f"a formula ({printable(str(v))[:40]}): the importer reads values; "
                                 "write the value itself", source)
                cells[self.header[cell.column]] = (v, place)
            if cells:
                self.rows.append((r[0].row, cells))

    def place(self, row: int, column: int) -> str:
        from openpyxl.utils import get_column_letter

        letter = get_column_letter(column)
        name = self.header.get(column)
        return f"sheet {self.name!r}, row {row}, column {letter}" + (f" ({name})" if name else "")

    def row_place(self, row: int) -> str:
        return f"sheet {self.name!r}, row {row}"


# ---------------------------------------------------------------------------------------------
# Cell values.

def _text(cell, source: str) -> str:
    v, place = cell
    if isinstance(v, bool):
        raise _error(place, f"{v} is not text", source)
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, (_dt.datetime, _dt.date, _dt.time)):
        raise _error(place, "a date or time cell where text belongs: format the cell as text", source)
    return str(v)


def _level(cell, source: str, level_max: Optional[int]) -> int:
    v, place = cell
    hint = ("write the level as a whole number" +
            (f" from 0 to {level_max}" if level_max is not None else ""))
    if isinstance(v, bool):
        raise _error(place, f"{v} is not a level: {hint}", source)
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, int):
        return v
    if isinstance(v, str) and v.strip().isdigit() and v.strip().isascii():
        return int(v.strip())
    shown = printable(repr(v) if not isinstance(v, str) else f'"{v}"')
    raise _error(place, f"{shown} is not a level: {hint}", source)


def _number(cell, source: str):
    v, place = cell
    if isinstance(v, bool):
        raise _error(place, f"{v} is not a number", source)
    if isinstance(v, (int, float)):
        return _frames._number(v)
    if isinstance(v, str):
        try:
            d = Decimal(v.strip())
        except InvalidOperation:
            d = None
        if d is not None and d.is_finite():
            return _frames._number(float(d)) if d != d.to_integral_value() or abs(d) >= 2 ** 53 else int(d)
    raise _error(place, f"{printable(repr(v))} is not a number", source)


def _whole(cell, source: str) -> int:
    n = _number(cell, source)
    if not isinstance(n, int):
        raise _error(cell[1], f"{n!r} is not a whole number", source)
    return n


def _date(cell, source: str) -> str:
    v, place = cell
    if isinstance(v, _dt.datetime):
        if v.time() != _dt.time(0):
            raise _error(place, f"{v.isoformat(sep=' ')} has a time of day: a date is a day, YYYY-MM-DD", source)
        return v.date().isoformat()
    if isinstance(v, _dt.date):
        return v.isoformat()
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        day = ""
        if 0 < v < 2958466:
            day = f" (day {(_EXCEL_EPOCH + _dt.timedelta(days=int(v))).isoformat()} in Excel's count)"
        raise _error(place, f"{_frames._number(v)} is an Excel serial number where a date belongs{day}: "
                     "write the date as text, YYYY-MM-DD", source)
    return _text(cell, source)


def _bool(cell, source: str) -> bool:
    v, place = cell
    if isinstance(v, bool):
        return v
    if isinstance(v, str) and v.strip().lower() in ("true", "false"):
        return v.strip().lower() == "true"
    raise _error(place, f"{printable(repr(v))} is not TRUE or FALSE", source)


def _list(text: str) -> list[str]:
    return [] if text == "" else text.split(_frames.LIST_SEPARATOR)


# ---------------------------------------------------------------------------------------------
# Reading a workbook.

def _edition_of(region_edition: Optional[str], edition, place: str, source: str):
    try:
        if edition is not None:
            return _api.edition(edition)
        if region_edition is None:
            raise _error(place, "no edition: give one in the Region sheet's edition column (or --edition)", source)
        return _api.edition(region_edition)
    except _api.InputError as exc:
        if getattr(exc, "place", None):
            raise
        raise _error(place, exc.message, source) from None


def read_xlsx(path: Union[str, os.PathLike], edition=None) -> dict:
    """The submission of one workbook (see the module's text), validated by the core. ``edition``
    is used when the Region sheet names none (and then for the Levels sheet's columns)."""
    import openpyxl

    source = printable(os.fspath(path))
    try:
        wb = openpyxl.load_workbook(os.fspath(path), data_only=False)
    except OSError as exc:
        raise _api._input_error(None, f"cannot read ({exc.strerror})", source) from None
    except Exception as exc:  # not a zip, not a workbook: openpyxl's many exception types
        raise _api._input_error(None, f"not an .xlsx workbook ({type(exc).__name__}: {exc})", source) from None
    for name in REQUIRED_SHEETS:
        if name not in wb.sheetnames:
            raise _error(f"sheet {name!r}", f"missing (the workbook has {', '.join(map(repr, wb.sheetnames))}; "
                         "inovasi.spreadsheet.make_template makes one with every sheet)", source)
    where = _frames._Where()
    region = _Sheet(wb[REGION], lambda n: n in REGION_HEADERS, ("region", "type"), source)
    if len(region.rows) != 1:
        raise _error(f"sheet {REGION!r}", f"one region per workbook: {len(region.rows)} rows are filled in", source)
    rrow, rc = region.rows[0]
    sub: dict = {}
    en = _text(rc["edition"], source) if "edition" in rc else None
    ed = _edition_of(en, edition, rc["edition"][1] if "edition" in rc else region.row_place(rrow), source)
    level_max = ed.level_max
    if en is not None:
        sub["edition"] = en
        where.add("/edition", rc["edition"][1])
    reg: dict = {}
    for h, f in (("region", "code"), ("name", "name"), ("type", "type"), ("province", "province")):
        if h in rc:
            reg[f] = _text(rc[h], source)
            where.add(f"/region/{f}", rc[h][1])
    if "clusters" in rc:
        reg["clusters"] = _list(_text(rc["clusters"], source))
        where.add("/region/clusters", rc["clusters"][1])
    sub["region"] = reg
    where.add("/region", region.row_place(rrow))

    gov_keys = [r["key"] for r in ed.rows if not r["per_innovation"]]
    inv_keys = [r["key"] for r in ed.rows if r["per_innovation"]]
    answers: dict[tuple[str, str], tuple[dict, str]] = {}  # (innovation, row) -> (answer, pointer)

    gsheet = _Sheet(wb[GOVERNMENT], lambda n: n in GOVERNMENT_HEADERS, ("row", "level"), source)
    government: dict = {}
    for rnum, cells in gsheet.rows:
        if "row" not in cells:
            if set(cells) - {"indicator", "validated_level"}:
                raise _error(gsheet.row_place(rnum), "an answer without its indicator: fill in the row column", source)
            continue
        key = _text(cells["row"], source)
        a = _answer(cells, source, level_max)
        if a is None:
            continue
        if key in government:
            raise _error(cells["row"][1], f"indicator {key!r} is given twice", source)
        government[key] = a
        ptr = f"/government/{key}"
        answers[("", key)] = (a, ptr)
        _place_answer(where, ptr, cells, gsheet.row_place(rnum))
    if government:
        sub["government"] = government

    isheet = _Sheet(wb[INNOVATIONS], lambda n: n in INNOVATION_HEADERS or _is_affair(n), ("innovation", "status"),
                    source)
    innovations: list = []
    by_id: dict[str, tuple[dict, str]] = {}
    for rnum, cells in isheet.rows:
        if "innovation" not in cells:
            raise _error(isheet.row_place(rnum), "an innovation without its id: fill in the innovation column", source)
        iid = _text(cells["innovation"], source)
        if iid in by_id:
            raise _error(cells["innovation"][1], f"innovation {iid!r} is given twice", source)
        ptr = f"/innovations/{len(innovations)}"
        inv: dict = {"id": iid}
        where.add(ptr, isheet.row_place(rnum))
        where.add(f"{ptr}/id", cells["innovation"][1])
        for f in ("name", "department", "stage", "status", "form", "kind"):
            if f in cells:
                inv[f] = _text(cells[f], source)
                where.add(f"{ptr}/{f}", cells[f][1])
        affairs = sorted((int(h[len(AFFAIR):]), c) for h, c in cells.items() if _is_affair(h))
        if affairs:
            inv["affairs"] = []
            for k, (_n, c) in enumerate(affairs):
                inv["affairs"].append(_text(c, source))
                where.add(f"{ptr}/affairs/{k}", c[1])
            where.add(f"{ptr}/affairs", affairs[0][1][1])
        if "applied_date" in cells:
            inv["applied_date"] = _date(cells["applied_date"], source)
            where.add(f"{ptr}/applied_date", cells["applied_date"][1])
        innovations.append(inv)
        by_id[iid] = (inv, ptr)

    def innovation_answer(iid: str, key: str, place: str) -> tuple[dict, str]:
        if (iid, key) in answers:
            return answers[(iid, key)]
        if iid not in by_id:
            raise _error(place, f"innovation {iid!r} is not in the {INNOVATIONS} sheet", source)
        inv, ptr = by_id[iid]
        a: dict = {}
        inv.setdefault("answers", {})[key] = a
        answers[(iid, key)] = (a, f"{ptr}/answers/{key}")
        return answers[(iid, key)]

    lsheet = _Sheet(wb[LEVELS], lambda n: n in ("innovation", "name") or n in inv_keys
                    or (n.endswith(VALIDATED) and n[:-len(VALIDATED)] in inv_keys), ("innovation",), source)
    seen: set = set()
    for rnum, cells in lsheet.rows:
        if "innovation" not in cells:
            raise _error(lsheet.row_place(rnum), "levels without their innovation: fill in the innovation column",
                         source)
        iid = _text(cells["innovation"], source)
        if iid in seen:
            raise _error(cells["innovation"][1], f"innovation {iid!r} has a second row of levels", source)
        seen.add(iid)
        if iid not in by_id:
            raise _error(cells["innovation"][1], f"innovation {iid!r} is not in the {INNOVATIONS} sheet", source)
        for key in inv_keys:
            if key in cells:
                a, ptr = innovation_answer(iid, key, cells[key][1])
                a["level"] = _level(cells[key], source, level_max)
                where.add(ptr, cells[key][1])
                where.add(f"{ptr}/level", cells[key][1])

    if DETAILS in wb.sheetnames:
        dsheet = _Sheet(wb[DETAILS], lambda n: n in DETAIL_HEADERS, ("innovation", "row"), source)
        done: set = set()
        for rnum, cells in dsheet.rows:
            for h in ("innovation", "row"):
                if h not in cells:
                    raise _error(dsheet.row_place(rnum), f"fill in the {h} column (the government's details go in "
                                 f"the {GOVERNMENT} sheet)", source)
            iid, key = _text(cells["innovation"], source), _text(cells["row"], source)
            if (iid, key) in done:
                raise _error(cells["row"][1], f"indicator {key!r} of innovation {iid!r} has a second row", source)
            done.add((iid, key))
            a, ptr = innovation_answer(iid, key, cells["innovation"][1])
            a.update(_answer(cells, source, level_max) or {})
            _place_answer(where, ptr, cells, dsheet.row_place(rnum))

    if EVIDENCE in wb.sheetnames:
        esheet = _Sheet(wb[EVIDENCE], lambda n: n in EVIDENCE_HEADERS, ("row", "kind"), source)
        for rnum, cells in esheet.rows:
            if "row" not in cells:
                raise _error(esheet.row_place(rnum), "an evidence item without its indicator: fill in the row column",
                             source)
            iid = _text(cells["innovation"], source) if "innovation" in cells else ""
            key = _text(cells["row"], source)
            if iid == "":
                if ("", key) not in answers:
                    government[key] = {}
                    sub["government"] = government
                    answers[("", key)] = (government[key], f"/government/{key}")
                    where.add(f"/government/{key}", cells["row"][1])
                a, ptr = answers[("", key)]
            else:
                a, ptr = innovation_answer(iid, key, cells["innovation"][1])
            items = a.setdefault("evidence", [])
            ip = f"{ptr}/evidence/{len(items)}"
            item = _item(cells, source, level_max)
            items.append(item)
            where.add(ip, esheet.row_place(rnum))
            for h in EVIDENCE_HEADERS[2:]:
                if h in cells:
                    where.add(f"{ip}/{h}", cells[h][1])
    if innovations:
        sub["innovations"] = innovations
    _frames.validate_located(sub, where, edition, source)
    return sub


def _is_affair(name: str) -> bool:
    return name.startswith(AFFAIR) and name[len(AFFAIR):].isdigit() and name[len(AFFAIR):].isascii()


def _answer(cells: Mapping[str, Any], source: str, level_max: int) -> Optional[dict]:
    """An answer of a Government or Answer details row: None when the row says nothing."""
    a: dict = {}
    if "level" in cells:
        a["level"] = _level(cells["level"], source, level_max)
    given = [h for h in ("value", "value_code", "value_years") if h in cells]
    if len(given) > 1:
        raise _error(cells[given[1]][1], f"one raw value per answer: {given[0]} is given too", source)
    if given:
        h = given[0]
        if h == "value":
            a["value"] = _number(cells[h], source)
        elif h == "value_code":
            a["value"] = _text(cells[h], source)
        else:
            a["value"] = [_frames._year_item(x) for x in _list(_text(cells[h], source))]
    if "basis" in cells:
        a["basis"] = _text(cells["basis"], source)
    if "acceptance" in cells:
        a["acceptance"] = _number(cells["acceptance"], source)
    if not a and "level" not in cells and not (set(cells) & {"innovation"}):
        return None
    return a


def _place_answer(where, ptr: str, cells: Mapping[str, Any], row_place: str) -> None:
    where.add(ptr, cells.get("level", (None, row_place))[1] if "level" in cells else row_place)
    for f, h in (("level", "level"), ("basis", "basis"), ("acceptance", "acceptance")):
        if h in cells:
            where.add(f"{ptr}/{f}", cells[h][1])
    for h in ("value", "value_code", "value_years"):
        if h in cells:
            where.add(f"{ptr}/value", cells[h][1])


def _item(cells: Mapping[str, Any], source: str, level_max: int) -> dict:
    it: dict = {}
    for h in EVIDENCE_HEADERS[2:]:
        if h not in cells:
            continue
        c = cells[h]
        if h == "date":
            it[h] = _date(c, source)
        elif h == "year":
            it[h] = _whole(c, source)
        elif h in ("value", "duration_s"):
            it[h] = _number(c, source)
        elif h in _BOOLS:
            it[h] = _bool(c, source)
        elif h == "supported_level":
            it[h] = _level(c, source, level_max)
        else:
            it[h] = _text(c, source)
    return it


# ---------------------------------------------------------------------------------------------
# Writing a workbook.

def _put(ws, row: int, column: int, value) -> None:
    """A value in a cell, as a value: text is always text (never a formula, whatever it starts
    with); text that a workbook cannot hold (control characters) is an error naming the cell."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value is None:
        return
    cell = ws.cell(row=row, column=column)
    if isinstance(value, Fraction):
        value = float(value)
    if isinstance(value, str) and ILLEGAL_CHARACTERS_RE.search(value):
        raise _error(f"sheet {ws.title!r}, row {row}, column {cell.column_letter}",
                     f"{printable(value)[:60]!r} holds a control character, which a workbook cannot hold")
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # "=..." stays text, not a formula


def _header(ws, names: Sequence[str], widths: Optional[Mapping[str, int]] = None) -> None:
    from openpyxl.styles import Font

    for c, n in enumerate(names, 1):
        _put(ws, 1, c, n)
        ws.cell(row=1, column=c).font = Font(bold=True)
        ws.column_dimensions[ws.cell(row=1, column=c).column_letter].width = (widths or {}).get(n, max(10, len(n) + 2))
    ws.freeze_panes = "A2"


def _validation(ws, formula: str, cells: str, strict: bool = True, prompt: str = "") -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    dv = DataValidation(type="list", formula1=formula, allow_blank=True, showDropDown=False,
                        errorStyle="stop" if strict else "warning", showErrorMessage=True)
    dv.error = "Choose a value from the list" if strict else "Not in the list: keep it only if you mean it"
    if prompt:
        dv.prompt, dv.showInputMessage = prompt, True
    dv.add(cells)
    ws.add_data_validation(dv)


def _affairs_of(ed) -> list[str]:
    gate = ed.count_points.get("gate")
    if gate:
        return list(gate["affairs"])
    out: list[str] = []
    for name in _api.edition_names():
        g = _api.edition(name).count_points.get("gate")
        for a in (g or {}).get("affairs", []):
            if a not in out:
                out.append(a)
    return out


def write_xlsx(sub: Optional[Mapping[str, Any]], path: Union[str, os.PathLike], edition=None,
               score: Optional[Mapping[str, Any]] = None, explanation: Optional[Mapping[str, Any]] = None,
               plan: Optional[Mapping[str, Any]] = None, rows: int = TEMPLATE_ROWS) -> None:
    """One region's workbook at ``path`` (replaced atomically): ``sub`` (a submission dict; None
    for the empty template), with ``score`` (a score dict: the validated levels are filled in
    and a Score sheet added), ``explanation`` (inovasi.explain's dict) and ``plan``
    (inovasi.planning's plan dict) as sheets of values the engine computed."""
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.utils import get_column_letter, quote_sheetname

    from . import _files

    sub = _frames.canonical(sub) if sub is not None else None
    en = (sub or {}).get("edition")
    ed = _api.edition(edition if edition is not None else en if en is not None else "iid-2026")
    M = ed.level_max
    gov_rows = [r for r in ed.rows if not r["per_innovation"]]
    inv_rows = [r for r in ed.rows if r["per_innovation"]]
    wb = openpyxl.Workbook()
    wb.properties.created = wb.properties.modified = _FIXED_TIME
    wb.properties.creator = "inovasi"

    # Lists: the dropdowns' sources (hidden).
    lists = {"level": list(range(M + 1)), "affair": _affairs_of(ed), "type": list(_frames.REGION_TYPES),
             "stage": list(_frames.STAGES), "status": list(_frames.STATUSES), "form": list(_frames.FORMS),
             "kind": list(_frames.KINDS), "evidence_kind": list(EVIDENCE_KINDS), "verdict": list(_frames.VERDICTS),
             "basis": list(_frames.BASES), "boolean": ["TRUE", "FALSE"]}
    ref = {}
    ws_lists = wb.active
    ws_lists.title = LISTS
    for c, (name, values) in enumerate(lists.items(), 1):
        _put(ws_lists, 1, c, name)
        for r, v in enumerate(values, 2):
            _put(ws_lists, r, c, v)
        col = get_column_letter(c)
        ref[name] = f"{quote_sheetname(LISTS)}!${col}$2:${col}${len(values) + 1}"

    last = max(rows, len((sub or {}).get("innovations", [])) + 1) + 1

    # Region.
    ws = wb.create_sheet(REGION)
    _header(ws, REGION_HEADERS, {"name": 30, "province": 24, "clusters": 24})
    reg = (sub or {}).get("region", {})
    _put(ws, 2, 1, en if sub is not None else ed.name)
    for c, f in enumerate(("code", "name", "type", "province"), 2):
        _put(ws, 2, c, reg.get(f))
    if reg.get("clusters"):
        _put(ws, 2, 6, _frames.LIST_SEPARATOR.join(reg["clusters"]))
    _validation(ws, ref["type"], "D2")

    # Government: every government row of the edition, the submission's answers filled in.
    validated_gov = {r["row"]: r["level"] for r in (score or {}).get("indicators", [])}
    ws = wb.create_sheet(GOVERNMENT)
    _header(ws, GOVERNMENT_HEADERS, {"indicator": 40, "validated_level": 16})
    government = dict((sub or {}).get("government", {}))
    keys = [r["key"] for r in gov_rows] + [k for k in government if k not in {r["key"] for r in gov_rows}]
    names = {r["key"]: r["name"] for r in ed.rows}
    for i, key in enumerate(keys, 2):
        a = government.get(key)
        _put(ws, i, 1, key)
        _put(ws, i, 2, names.get(key))
        if a is not None:
            _write_answer(ws, i, {h: c for c, h in enumerate(GOVERNMENT_HEADERS, 1)}, a)
        if key in validated_gov and a is not None:
            _put(ws, i, 4, validated_gov[key])
    _validation(ws, ref["level"], f"C2:C{len(keys) + 1}")
    _validation(ws, ref["basis"], f"H2:H{len(keys) + 1}", strict=False)

    # Innovations.
    innovations = (sub or {}).get("innovations", [])
    n_aff = max([3] + [len(inv.get("affairs", [])) for inv in innovations])
    ws = wb.create_sheet(INNOVATIONS)
    heads = list(INNOVATION_HEADERS[:-1]) + [f"{AFFAIR}{k}" for k in range(1, n_aff + 1)] + ["applied_date"]
    _header(ws, heads, {"name": 36, "department": 28, **{f"{AFFAIR}{k}": 30 for k in range(1, n_aff + 1)},
                        "applied_date": 14})
    col = {h: c for c, h in enumerate(heads, 1)}
    for i, inv in enumerate(innovations, 2):
        _put(ws, i, 1, inv["id"])
        for f in ("name", "department", "stage", "status", "form", "kind", "applied_date"):
            _put(ws, i, col[f], inv.get(f))
        for k, a in enumerate(inv.get("affairs", []), 1):
            _put(ws, i, col[f"{AFFAIR}{k}"], a)
    for f in ("stage", "status", "form", "kind"):
        letter = get_column_letter(col[f])
        _validation(ws, ref[f], f"{letter}2:{letter}{last}")
    first, lastc = get_column_letter(col[f"{AFFAIR}1"]), get_column_letter(col[f"{AFFAIR}{n_aff}"])
    _validation(ws, ref["affair"], f"{first}2:{lastc}{last}", strict=False,
                prompt="an affair (urusan); others may be typed")
    date_col = get_column_letter(col["applied_date"])
    for r in range(2, last + 1):
        ws[f"{date_col}{r}"].number_format = "@"  # typed dates stay text: YYYY-MM-DD

    # Levels: innovations x indicators, the engine's validated level beside each claim.
    validated_inv = {inv["id"]: inv["levels"] for inv in (score or {}).get("innovations", [])}
    ws = wb.create_sheet(LEVELS)
    heads = ["innovation", "name"]
    for r in inv_rows:
        heads += [r["key"], r["key"] + VALIDATED]
    _header(ws, heads, {"name": 36, **{r["key"] + VALIDATED: 12 for r in inv_rows}})
    for c, r in enumerate(inv_rows):
        ws.cell(row=1, column=3 + 2 * c).comment = Comment(f"{r['key']}: {r['name']}", "inovasi")
    for i, inv in enumerate(innovations, 2):
        _put(ws, i, 1, inv["id"])
        _put(ws, i, 2, inv.get("name"))
        ans = inv.get("answers", {})
        val = validated_inv.get(inv["id"], {})
        for c, r in enumerate(inv_rows):
            a = ans.get(r["key"])
            if a is None:
                continue
            if "level" in a:
                _put(ws, i, 3 + 2 * c, a["level"])
            elif a == {}:
                _put(ws, i, 3 + 2 * c, 0)  # an empty answer: level 0, as the engine reads it
            if r["key"] in val:
                _put(ws, i, 4 + 2 * c, val[r["key"]])
    if inv_rows:
        _validation(ws, ref["level"], f"C2:{get_column_letter(2 + 2 * len(inv_rows))}{last}")
    ws.freeze_panes = "C2"

    # Answer details: raw values, bases, acceptance of innovation answers.
    ws = wb.create_sheet(DETAILS)
    _header(ws, DETAIL_HEADERS)
    r_out = 2
    for inv in innovations:
        for key, a in inv.get("answers", {}).items():
            if not ({"value", "basis", "acceptance"} & set(a)):
                continue
            _put(ws, r_out, 1, inv["id"])
            _put(ws, r_out, 2, key)
            _write_answer(ws, r_out, {h: c for c, h in enumerate(DETAIL_HEADERS, 1)}, a, level=False)
            r_out += 1
    _validation(ws, ref["basis"], f"F2:F{max(last, r_out)}", strict=False)

    # Evidence: one row per item, in each answer's order.
    ws = wb.create_sheet(EVIDENCE)
    _header(ws, EVIDENCE_HEADERS, {"kind": 26, "file": 36, "date": 12})
    r_out = 2
    col = {h: c for c, h in enumerate(EVIDENCE_HEADERS, 1)}
    blocks = [("", (sub or {}).get("government", {}))] + [(inv["id"], inv.get("answers", {})) for inv in innovations]
    for iid, block in blocks:
        for key, a in block.items():
            for it in a.get("evidence", []):
                _put(ws, r_out, 1, iid or None)
                _put(ws, r_out, 2, key)
                for h in EVIDENCE_HEADERS[2:]:
                    if h in it:
                        _put(ws, r_out, col[h], it[h])
                r_out += 1
    erows = max(5 * rows, r_out)
    for h, src, strict in (("kind", "evidence_kind", False), ("verdict", "verdict", True),
                           ("supported_level", "level", True)):
        letter = get_column_letter(col[h])
        _validation(ws, ref[src], f"{letter}2:{letter}{erows}", strict=strict)
    first, lastc = get_column_letter(col["signed"]), get_column_letter(col["has_cover"])
    _validation(ws, ref["boolean"], f"{first}2:{lastc}{erows}")
    letter = get_column_letter(col["date"])
    for r in range(2, erows + 1):
        ws[f"{letter}{r}"].number_format = "@"

    # Indicators: what each row means (not read on import).
    ws = wb.create_sheet(INDICATORS)
    _header(ws, ("row", "aspect", "indicator", "english", "weight", "mandatory", "levels"),
            {"indicator": 40, "english": 50, "levels": 80})
    for i, r in enumerate(ed.rows, 2):
        for c, v in enumerate((r["key"], r["aspect"], r["name"], r["english"], r["weight"], r["mandatory"],
                               "; ".join(f"{k}: {t}" for k, t in enumerate(r["levels"]))), 1):
            _put(ws, i, c, v)

    if score is not None:
        _score_sheet(wb.create_sheet(SCORE), score)
    if explanation is not None:
        _explanation_sheet(wb.create_sheet(EXPLANATION), explanation)
    if plan is not None:
        _plan_sheet(wb.create_sheet(PLAN), plan)
    wb.move_sheet(LISTS, offset=len(wb.sheetnames))
    wb[LISTS].sheet_state = "hidden"
    wb.active = 0
    with _files.replaced_atomically(path) as tmp:
        wb.save(tmp)


def _write_answer(ws, row: int, col: Mapping[str, int], a: Mapping[str, Any], level: bool = True) -> None:
    if level:
        if "level" in a:
            _put(ws, row, col["level"], a["level"])
        elif a == {}:
            _put(ws, row, col["level"], 0)  # an empty answer: level 0, as the engine reads it
    v = a.get("value")
    if isinstance(v, list):
        _put(ws, row, col["value_years"], _frames.LIST_SEPARATOR.join(str(x) for x in v))
    elif isinstance(v, str):
        _put(ws, row, col["value_code"], v)
    elif v is not None:
        _put(ws, row, col["value"], v)
    _put(ws, row, col["basis"], a.get("basis"))
    _put(ws, row, col["acceptance"], a.get("acceptance"))


def _pairs(ws, start: int, pairs) -> int:
    from openpyxl.styles import Font

    for k, (name, value) in enumerate(pairs):
        _put(ws, start + k, 1, name)
        ws.cell(row=start + k, column=1).font = Font(bold=True)
        _put(ws, start + k, 2, value)
    return start + len(pairs)


def _table(ws, start: int, heads: Sequence[str], rows) -> int:
    from openpyxl.styles import Font

    for c, h in enumerate(heads, 1):
        _put(ws, start, c, h)
        ws.cell(row=start, column=c).font = Font(bold=True)
    r = start + 1
    for row in rows:
        for c, v in enumerate(row, 1):
            _put(ws, r, c, v)
        r += 1
    return r


def _exact(x) -> Optional[str]:
    return None if x is None else str(Fraction(str(x)))


def _score_sheet(ws, s: Mapping[str, Any]) -> None:
    risk = s.get("points_at_risk", {})
    gate = s.get("count_gate", {})
    r = _pairs(ws, 1, [
        ("region", s["region"]), ("name", s.get("name", "")), ("edition", s["edition"]), ("policy", s["policy"]),
        ("iid", s["iid"]), ("iid_exact", s.get("iid_exact")), ("category", s["category"]),
        ("government_points", s["government_points"]), ("innovation_average", s["innovation_average"]),
        ("innovation_average_exact", s.get("innovation_average_exact")), ("count_points", s["count_points"]),
        ("total", s["total"]), ("total_exact", s.get("total_exact")),
        ("innovations_counted", s["innovations_counted"]), ("divisor", s["divisor"]),
        ("count_gate_open", gate.get("open", True)), ("self_assessed_iid", s.get("self_assessed_iid")),
        ("points_at_risk", risk.get("points")), ("iid_at_risk", risk.get("iid")),
        ("points_at_risk_compares", risk.get("compares")),
        ("inovasi", _version()), ("edition_sha256", _api.edition(s["edition"]).sha256)])
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 30
    _table(ws, r + 1, ("innovation", "name", "department", "status", "counted", "points", "claimed_points",
                       "points_at_risk"),
           [(i["id"], i.get("name", ""), i.get("department", ""), i["status"], i["counted"], i["points"],
             i.get("claimed_points"), i.get("points_at_risk")) for i in s.get("innovations", [])])


def _version() -> str:
    from . import __version__
    return __version__


def _explanation_sheet(ws, x: Mapping[str, Any]) -> None:
    from ._text import hundredths_text

    nc = x.get("next_category")
    w = x.get("one_more_innovation") or {}
    r = _pairs(ws, 1, [
        ("region", x["region"]), ("edition", x["edition"]), ("policy", x["policy"]), ("iid", x["iid"]),
        ("category", x["category"]), ("total_exact", str(x["total_exact"])), ("max_total", str(x["max_total"])),
        ("next_category", nc["category"] if nc else None),
        ("iid_needed", float(hundredths_text(nc["iid_needed"])) if nc else None),
        ("distance", float(hundredths_text(nc["distance_h"])) if nc else None),
        ("innovations_counted", x["innovations_counted"]), ("divisor", x["divisor"]),
        ("divisor_minimum", x["divisor_minimum"]), ("seats_below_divisor", x["seats_below_divisor"]),
        ("one_more_innovation_gain", w.get("gain")), ("one_more_innovation_iid_after", w.get("iid_after")),
        ("gate_open", x["gate_open"]), ("gate_missing", _frames.LIST_SEPARATOR.join(x["gate_missing"])),
        ("count_points_lost", float(x["count_points_lost"])), ("count_points_lost_exact", str(x["count_points_lost"]))])
    ws.column_dimensions["A"].width = 30
    r = _table(ws, r + 1, ("row", "aspect", "points_lost", "points_lost_exact", "iid_lost", "iid_lost_exact"),
               [(l["row"], l["aspect"], float(l["points_lost"]), str(l["points_lost"]), float(l["iid_lost"]),
                 str(l["iid_lost"])) for l in x["lost"]])
    _table(ws, r + 1, ("severity", "rule", "row", "innovation", "points_at_risk", "points_at_risk_exact", "message",
                       "pointer"),
           [(f["severity"], f["rule"], f.get("row"), f.get("innovation"), float(f["points_at_risk"]),
             str(f["points_at_risk"]), f["message"], f["pointer"]) for f in x["findings"]])


def _plan_sheet(ws, p: Mapping[str, Any]) -> None:
    r = _pairs(ws, 1, [
        ("region", p["region"]), ("edition", p["edition"]), ("policy", p["policy"]),
        ("target_iid", p.get("target_iid")), ("target_category", p.get("target_category")),
        ("reachable", p["reachable"]), ("cost", p["cost"]), ("iid_before", p["iid_before"]),
        ("category_before", p["category_before"]), ("iid_after", p["iid_after"]),
        ("category_after", p["category_after"]), ("new_innovations", len(p.get("new_innovations", []))),
        ("blockers", "; ".join(p.get("blockers", [])))])
    ws.column_dimensions["A"].width = 20
    r = _table(ws, r + 1, ("innovation", "row", "from", "to", "cost", "evidence_kinds"),
               [(st["innovation"] or "", st["row"], st["from"], st["to"], st["cost"],
                 _frames.LIST_SEPARATOR.join((st.get("evidence") or {}).get("kinds", []))) for st in p["steps"]])
    if p.get("new_innovations"):
        _table(ws, r + 1, ("new_innovation", "cost", "affairs", "profile"),
               [(k + 1, n["cost"], _frames.LIST_SEPARATOR.join(n.get("affairs", [])),
                 json.dumps(n.get("profile", {}))) for k, n in enumerate(p["new_innovations"])])


def make_template(path: Union[str, os.PathLike], edition="iid-2026", rows: int = TEMPLATE_ROWS) -> None:
    """The empty planners' workbook for ``edition`` (examples/template.xlsx is this for iid-2026)."""
    write_xlsx(None, path, edition=edition, rows=rows)


def export(source, path: Union[str, os.PathLike], policy: str = "self_assessed", edition=None,
           target: Optional[str] = None, max_new: int = 0) -> dict:
    """One region's workbook with what the engine computed: the submission (any input
    read_submissions takes, one region), its validated levels beside the claimed ones, and the
    Score, Explanation and (with ``target``, an IID or a category) Plan sheets. Returns the score."""
    from . import explain as _explain, planning
    from .scenario import ScenarioBase

    subs = _frames.read_submissions(source, edition)
    if len(subs) != 1:
        raise _api._input_error(None, f"a workbook holds one region; the input has {len(subs)}")
    sub = subs[0]
    s = _api.score(sub, edition, policy, override_edition=edition is not None).to_dict()
    x = _explain.explain(sub, policy=policy, edition=edition)
    plan = None
    if target is not None:
        text = json.dumps(sub, ensure_ascii=False).encode("utf-8")
        base = ScenarioBase(text, edition=edition)
        plan = planning.plan(base, s["region"], target, policy=policy, max_new=max_new)
    write_xlsx(sub, path, edition=edition, score=s, explanation=x, plan=plan)
    return s


# ---------------------------------------------------------------------------------------------
# CSV: one row per answer, its region's and innovation's fields beside it.

def write_csv(source, path: Union[str, os.PathLike], edition=None) -> None:
    """Submissions as one CSV (:data:`CSV_COLUMNS`; UTF-8), replaced atomically."""
    from . import _files

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    seen: dict = {}
    for k, sub in enumerate(_frames.read_submissions(source, edition)):
        sub = _frames.canonical(sub)
        code = sub["region"]["code"]
        if code in seen:  # a CSV's rows name their region by its code: each region once
            raise _api._input_error("/region/code", f"region {printable(repr(code))} is submission {seen[code] + 1} "
                                    f"and {k + 1} of the input: a CSV holds each region once")
        seen[code] = k
        reg = sub["region"]
        head = {"edition": sub.get("edition"), "region": reg["code"], "region_name": reg.get("name"),
                "region_type": reg.get("type"), "province": reg.get("province"),
                "clusters": None if "clusters" not in reg else _frames.LIST_SEPARATOR.join(reg["clusters"])}
        rows = []
        for key, a in sub.get("government", {}).items():
            rows.append({**head, "innovation": "", **_csv_answer(key, a)})
        for inv in sub.get("innovations", []):
            ih = {**head, "innovation": inv["id"], "innovation_name": inv.get("name"),
                  "department": inv.get("department"), "stage": inv.get("stage"), "status": inv.get("status"),
                  "form": inv.get("form"), "kind": inv.get("kind"), "applied_date": inv.get("applied_date"),
                  "affairs": None if "affairs" not in inv else _frames._join(inv["affairs"], "/affairs")}
            ans = inv.get("answers", {})
            for key, a in ans.items():
                rows.append({**ih, **_csv_answer(key, a)})
            if not ans:
                rows.append(ih)
        if not rows:
            rows.append(head)
        for r in rows:
            w.writerow(["" if r.get(c) is None else _csv_text(r[c]) for c in CSV_COLUMNS])
    with _files.replaced_atomically(path) as tmp:
        with open(tmp, "w", encoding="utf-8", newline="") as f:
            f.write(buf.getvalue())


def _csv_text(v) -> str:
    return str(v)


def _csv_answer(key: str, a: Mapping[str, Any]) -> dict:
    out = {"row": key, "level": a.get("level"), "basis": a.get("basis"), "acceptance": a.get("acceptance")}
    v = a.get("value")
    if isinstance(v, list):
        out["value_years"] = _frames.LIST_SEPARATOR.join(str(x) for x in v)
    elif isinstance(v, str):
        out["value_code"] = v
    elif v is not None:
        out["value"] = repr(v) if isinstance(v, float) else str(v)
    if "evidence" in a:
        out["evidence"] = json.dumps(a["evidence"], ensure_ascii=False, separators=(",", ":"))
    return out


_CSV_REGION = {"edition": "edition", "region_name": "name", "region_type": "type", "province": "province",
               "clusters": "clusters"}
_CSV_INNOVATION = {"innovation_name": "name", "department": "department", "stage": "stage", "status": "status",
                   "form": "form", "kind": "kind", "affairs": "affairs", "applied_date": "applied_date"}


def read_csv(path: Union[str, os.PathLike], edition=None) -> list[dict]:
    """The submissions of a CSV (:data:`CSV_COLUMNS`), every one validated by the core; an error
    names the file, the row (the line's number, the header is row 1) and the column."""
    source = printable(os.fspath(path))
    try:
        with open(os.fspath(path), encoding="utf-8-sig", newline="") as f:
            rows = list(csv.reader(f))
    except OSError as exc:
        raise _api._input_error(None, f"cannot read ({exc.strerror})", source) from None
    except UnicodeDecodeError as exc:
        raise _api._input_error(None, f"not UTF-8 text (byte {exc.start})", source) from None
    except csv.Error as exc:
        raise _api._input_error(None, f"not CSV ({exc})", source) from None
    if not rows:
        raise _api._input_error(None, "empty: expected a header row and one row per answer", source)

    def place(r: int, c: str) -> str:
        return f"{source}, row {r}, column {c}"

    header = [h.strip() for h in rows[0]]
    for k, h in enumerate(header):
        if h not in CSV_COLUMNS:
            raise _error(f"{source}, row 1, column {k + 1}", f"unknown column {h!r} (the columns are "
                         f"{', '.join(CSV_COLUMNS)})")
        if header.index(h) != k:
            raise _error(f"{source}, row 1, column {k + 1}", f"column {h!r} is given twice")
    if "region" not in header:
        raise _error(f"{source}, row 1", "missing column 'region'")
    regions, innovations, answers = {}, {}, []
    reg_line, inv_line, ans_line = [], [], []
    first: dict = {}
    for n, raw in enumerate(rows[1:], 2):
        if not any(x.strip() for x in raw):
            continue
        if len(raw) > len(header):
            raise _error(f"{source}, row {n}", f"{len(raw)} cells, the header has {len(header)}")
        cells = {h: (v, place(n, h)) for h, v in zip(header, raw) if v != ""}
        if "region" not in cells:
            raise _error(place(n, "region"), "every row names its region")
        code = cells["region"][0]
        r = regions.setdefault(code, {"region": code})
        if len(regions) > len(reg_line):
            reg_line.append(n)
        for h, f in _CSV_REGION.items():
            _agree(r, f, cells, h, first, ("region", code), source)
        iid = cells["innovation"][0] if "innovation" in cells else ""
        if iid:
            inv = innovations.setdefault((code, iid), {"region": code, "innovation": iid})
            if len(innovations) > len(inv_line):
                inv_line.append(n)
            for h, f in _CSV_INNOVATION.items():
                if h == "applied_date" and h in cells:
                    cells[h] = (_date(cells[h], source), cells[h][1])
                _agree(inv, f, cells, h, first, ("innovation", code, iid), source)
        elif any(h in cells for h in _CSV_INNOVATION):
            h = next(h for h in _CSV_INNOVATION if h in cells)
            raise _error(cells[h][1], "an innovation's field on a row without an innovation id")
        if "row" in cells:
            level_max = _level_max(edition if edition is not None else r.get("edition"))
            a = {"region": code, "innovation": iid, "row": cells["row"][0]}
            if "level" in cells:
                a["level"] = _level(cells["level"], source, level_max)
            for h in ("value", "acceptance"):
                if h in cells:
                    a[h] = _number(cells[h], source)
            for h in ("value_code", "value_years", "basis", "evidence"):
                if h in cells:
                    a[h] = cells[h][0]
            answers.append(a)
            ans_line.append(n)
        elif any(h in cells for h in ("level", "value", "value_code", "value_years", "basis", "acceptance",
                                      "evidence")):
            raise _error(place(n, "row"), "an answer without its indicator: fill in the row column")
    pd = _frames._pd()
    lines = {"regions": reg_line, "innovations": inv_line, "answers": ans_line}
    to_csv = {"regions": {v: k for k, v in _CSV_REGION.items()}, "innovations": {v: k for k, v in _CSV_INNOVATION.items()}}

    def frame_place(frame: str, i: int, column: Optional[str] = None) -> str:
        line = lines[frame][i] if frame in lines and i < len(lines[frame]) else None
        c = to_csv.get(frame, {}).get(column, column)
        return f"{source}, row {line}" + (f", column {c}" if c else "")

    fr = _frames.Frames(pd.DataFrame(list(regions.values())), pd.DataFrame(list(innovations.values())),
                        pd.DataFrame(answers), None)
    for name, df in fr.items():
        if df is not None and len(df) == 0:
            setattr(fr, name, None)
    if fr.innovations is None:
        fr.innovations = pd.DataFrame(columns=["region", "innovation", "status"])
    if fr.answers is None:
        fr.answers = pd.DataFrame(columns=["region", "innovation", "row"])
    return _frames.from_frames(fr, edition, place=frame_place)


def _level_max(edition) -> Optional[int]:
    """The edition's top level, for the hint of a bad level (None when the edition is unknown:
    the core then reports the edition)."""
    try:
        return _api.edition(edition).level_max if edition is not None else None
    except (_api.InputError, TypeError):
        return None


def _agree(target: dict, field: str, cells, h: str, first: dict, who: tuple, source: str) -> None:
    """A region's or innovation's field, given on several rows: each row that gives it agrees."""
    if h not in cells:
        return
    v, place = cells[h]
    if field not in target:
        target[field] = v
        first[who + (field,)] = place
    elif target[field] != v:
        raise _error(place, f"{v!r} differs from {target[field]!r} given at {first[who + (field,)]}")


# ---------------------------------------------------------------------------------------------

def read(path: Union[str, os.PathLike], edition=None) -> list[dict]:
    """The submissions of a .xlsx workbook (one) or a .csv file (any number), by extension."""
    p = os.fspath(path)
    if p.lower().endswith(".xlsx"):
        return [read_xlsx(p, edition)]
    if p.lower().endswith(".csv"):
        return read_csv(p, edition)
    raise ValueError(f"{printable(p)}: not a .xlsx or .csv file")
