"""Submissions and results as tidy pandas DataFrames, Arrow tables and Parquet (docs/dataframes.md).

A submission is four frames (:class:`Frames`), one row per

- ``regions``: region (its record: edition, code, name, type, province, clusters);
- ``innovations``: innovation (id, name, department, stage, status, form, kind, affairs,
  applied_date);
- ``answers``: answer, government and innovation alike (``innovation`` is "" for the
  government's rows), with the indicator's name from the edition beside its row key;
- ``evidence``: evidence item, keyed by region, innovation, row and the item's position.

``from_frames(to_frames(x))`` gives back every field of ``x`` except the documented exceptions
(:func:`canonical_json` spells them): keys starting with ``x-`` are dropped, ids and groups given
as JSON integers come back as strings, and whole numbers given as ``2.0`` come back as ``2``;
each is read by the engine exactly as before. Frames hold only submissions the engine accepts:
everything is validated by the core on the way in and on the way out, and a bad frame is an
:class:`inovasi.InputError` naming the frame, the row and the column.

Results (:func:`scores_frame`, :func:`indicators_frame`, :func:`innovation_scores_frame`,
:func:`findings_frame`) follow docs/decisions.md: snake_case columns, the IID as ``iid`` and
``iid_h``, categoricals for categories and region types, exact values as Fractions, provenance
in ``df.attrs``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Optional, Sequence, Union

from . import _api
from ._inputs import is_spreadsheet
from ._text import printable

__all__ = [
    "Frames", "to_frames", "from_frames", "answers_frame", "innovations_frame", "regions_frame",
    "government_frame", "evidence_frame", "to_arrow", "from_arrow", "write_parquet", "read_parquet",
    "write_jsonl", "read_submissions", "canonical", "canonical_json", "scores_frame",
    "indicators_frame", "innovation_scores_frame", "findings_frame", "explanation_frame", "plan_frame", "conform",
    "REGION_TYPES", "STAGES", "STATUSES", "FORMS", "KINDS", "VERDICTS", "BASES", "SEVERITIES",
    "LIST_SEPARATOR",
]

_NA = [object()]  # pandas.NA once _pd() has imported pandas (only the functions that need it do)

# The enumerations of the submission format (docs/submission.schema.json), in the format's order:
# the categories of the categorical columns, so frames of different regions always agree.
REGION_TYPES = ("province", "kabupaten", "kota")
STAGES = ("initiative", "trial", "applied")
STATUSES = ("draft", "submitted", "rejected")
FORMS = ("governance", "public_service", "other")
KINDS = ("digital", "non_digital")
VERDICTS = ("accepted", "revision", "rejected")
BASES = ("people", "target_units", "spending_saved", "revenue_increase", "products", "positive_trend")
ASPECTS = ("government", "innovation")
SEVERITIES = ("error", "warning", "info")  # the most severe first: the ordered categorical's order
# Affairs, clusters and years in one text cell: affairs hold commas ("ketenteraman, ketertiban
# umum ..."), so the separator is a semicolon; a name that holds one cannot be written.
LIST_SEPARATOR = ";"
_BOOL_FIELDS = ("signed", "names_innovation", "highlighted", "in_force", "on_behalf_of_regional_head", "has_cover")

REGION_COLUMNS = ("region", "edition", "name", "type", "province", "clusters")
INNOVATION_COLUMNS = ("region", "innovation", "name", "department", "stage", "status", "form", "kind",
                      "affairs", "applied_date")
ANSWER_COLUMNS = ("region", "innovation", "row", "indicator", "aspect", "level", "value", "value_code",
                  "value_years", "basis", "acceptance")
EVIDENCE_COLUMNS = ("region", "innovation", "row", "item", "kind", "file", "date", "year", "group", "value",
                    *_BOOL_FIELDS, "duration_s", "verdict", "supported_level")


def _pd():
    import pandas as pd
    _NA[0] = pd.NA
    return pd


# ---------------------------------------------------------------------------------------------
# Canonical form: what a round trip keeps.

def _number(v):
    """A JSON number as the frames give it back: a whole float as an int (2.0 -> 2)."""
    if isinstance(v, float) and v.is_integer() and abs(v) < 2 ** 53:
        return int(v)
    return v


def canonical(sub: Mapping[str, Any], spreadsheet: bool = False) -> dict:
    """The submission dict as a round trip gives it back: ``x-`` keys dropped, integer ids and
    groups as strings, whole floats as ints. ``spreadsheet=True`` adds what a spreadsheet cannot
    tell apart (docs/spreadsheets.md): an empty text or list is absent, and an answer with nothing
    in it (``{}``) is level 0 (the engine scores and checks the two alike)."""
    def clean(v, key=None):
        if isinstance(v, Mapping):
            out = {}
            for k, x in v.items():
                if isinstance(k, str) and k.startswith("x-"):
                    continue
                x = clean(x, k)
                if spreadsheet and (x == "" or x == []):
                    continue
                out[k] = x
            return out
        if isinstance(v, list):
            return [clean(x) for x in v]
        if isinstance(v, bool) or v is None:
            return v
        if key in ("id", "group") and isinstance(v, int):
            return str(v)
        return _number(v)

    out = clean(sub)
    # Empty containers say nothing: the engine reads {"government": {}}, "innovations": [],
    # "answers": {} and "evidence": [] as their absence.
    for k in ("government", "innovations"):
        if out.get(k) in ({}, []):
            del out[k]
    for inv in out.get("innovations", []):
        if inv.get("answers") == {}:
            del inv["answers"]
    for answers in [out.get("government", {})] + [i.get("answers", {}) for i in out.get("innovations", [])]:
        for a in answers.values():
            if a.get("evidence") == []:
                del a["evidence"]
    if spreadsheet:
        for answers in [out.get("government", {})] + [i.get("answers", {}) for i in out.get("innovations", [])]:
            for k, a in answers.items():
                if a == {}:
                    answers[k] = {"level": 0}
    return out


def canonical_json(sub: Mapping[str, Any], spreadsheet: bool = False) -> str:
    """:func:`canonical` as JSON text with sorted keys: equal texts, equal submissions."""
    return json.dumps(canonical(sub, spreadsheet), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


# ---------------------------------------------------------------------------------------------
# Reading submissions (validated by the core) into dicts.

SubmissionsLike = Union[Mapping[str, Any], str, bytes, os.PathLike, Sequence[Any]]


def _records_of_text(text: str, source: str) -> list[tuple[str, str]]:
    """(record text, where) of a JSON document or JSON Lines."""
    try:
        json.loads(text)
        return [(text, source)]
    except ValueError:
        pass
    return [(line, f"{source}:{n}" if source else f"line {n}")
            for n, line in enumerate(text.splitlines(), 1) if line.strip()]


def read_submissions(source: SubmissionsLike, edition=None) -> list[dict]:
    """Submission dicts of a dict, JSON text, bytes, a path (one JSON object or JSON Lines; a
    .xlsx or .csv goes through :mod:`inovasi.spreadsheet`; a Parquet directory of
    :func:`write_parquet` through :func:`read_parquet`), or a list of these. Each is validated
    by the core (duplicate keys included), and a bad one raises the core's InputError, prefixed
    with its FILE:LINE."""
    items = list(source) if isinstance(source, (list, tuple)) else [source]
    out: list[dict] = []
    for item in items:
        if isinstance(item, Mapping):
            text = _api._json_of(item, _api._MAX_DEPTH_ANY)  # numpy numbers as JSON's; a located error
            _api.parse_submission(text, edition)
            out.append(json.loads(text))  # a copy
            continue
        if isinstance(item, (bytes, bytearray)):
            item = bytes(item).decode("utf-8")
            records = _records_of_text(item, "")
        elif isinstance(item, str) and _api.is_json_text(item):
            records = _records_of_text(item, "")
        elif isinstance(item, (str, os.PathLike)):
            path = os.fspath(item)
            if is_spreadsheet(path):
                from . import spreadsheet
                out += spreadsheet.read(path, edition=edition)
                continue
            if os.path.isdir(path):
                out += from_frames(read_parquet(path), edition=edition)
                continue
            with open(path, encoding="utf-8") as f:
                records = _records_of_text(f.read(), printable(path))
        else:
            raise TypeError(f"a submission is a dict, JSON text, bytes or a path, not {type(item).__name__}")
        for text, where in records:
            try:
                _api.parse_submission(text, edition)
            except _api.InputError as exc:
                raise _api._input_error(exc.pointer, exc.message, where or None) from None
            out.append(json.loads(text))
    return out


# ---------------------------------------------------------------------------------------------
# Submissions to frames.

@dataclass
class Frames:
    """The four frames of a set of submissions (see the module's text). Row order is the
    submissions' order: regions as given, innovations in each region's order, answers in each
    answers object's order, evidence items in each answer's order."""
    regions: Any
    innovations: Any
    answers: Any
    evidence: Any

    def items(self):
        return (("regions", self.regions), ("innovations", self.innovations), ("answers", self.answers),
                ("evidence", self.evidence))


def _join(items, where: str) -> str:
    for i, x in enumerate(items):
        if LIST_SEPARATOR in str(x):
            raise _api._input_error(f"{where}/{i}", f"{x!r} holds {LIST_SEPARATOR!r}, the separator of lists "
                                    "in a frame cell: it cannot be written to a frame")
    return LIST_SEPARATOR.join(str(_number(x)) for x in items)


def _indicator_names(edition_name, cache: dict) -> dict:
    if edition_name not in cache:
        try:
            ed = _api.edition(edition_name) if edition_name is not None else None
        except _api.InputError:
            ed = None
        cache[edition_name] = {r["key"]: r["name"] for r in ed.rows} if ed is not None else {}
    return cache[edition_name]


def to_frames(source: SubmissionsLike, edition=None) -> Frames:
    """The four frames of ``source`` (anything :func:`read_submissions` takes). ``edition``
    (name, path or Edition) is the one used for the records that name none, as in
    ``inovasi.score``; it also names their indicators."""
    subs = read_submissions(source, edition)
    ed_name = _api.edition(edition).name if edition is not None else None
    regions, innovations, answers, evidence = [], [], [], []
    names_cache: dict = {}
    seen: dict[str, int] = {}
    for k, s in enumerate(subs):
        reg = s.get("region", {})
        code = reg["code"]
        if code in seen:
            # The region code is the frames' key (answers and evidence name their region by it).
            raise _api._input_error("/region/code", f"region {printable(repr(code))} is submission {seen[code] + 1} "
                                    f"and {k + 1} of the input: frames hold each region once (give each edition's "
                                    "submissions frames of their own)")
        seen[code] = k
        en = s.get("edition", None)
        names = _indicator_names(en if en is not None else ed_name, names_cache)
        clusters = reg.get("clusters")
        regions.append({"region": code, "edition": en, "name": reg.get("name"), "type": reg["type"],
                        "province": reg.get("province"),
                        "clusters": None if clusters is None else _join(clusters, "/region/clusters")})

        def add_answers(block, innovation: str, aspect: str, base: str):
            for key, a in block.items():
                if key.startswith("x-"):
                    continue
                v = a.get("value")
                row = {"region": code, "innovation": innovation, "row": key, "indicator": names.get(key),
                       "aspect": aspect, "level": a.get("level"), "value": None, "value_code": None,
                       "value_years": None, "basis": a.get("basis"), "acceptance": a.get("acceptance")}
                if isinstance(v, list):
                    row["value_years"] = _join(v, f"{base}/{key}/value")
                elif isinstance(v, str):
                    row["value_code"] = v
                elif v is not None:
                    row["value"] = float(v)
                answers.append(row)
                for i, it in enumerate(a.get("evidence", ()) or ()):
                    e = {"region": code, "innovation": innovation, "row": key, "item": i}
                    for f in EVIDENCE_COLUMNS[5:]:
                        x = it.get(f)
                        if f == "group" and x is not None:
                            x = str(x)
                        e[f] = x
                    e["kind"] = it.get("kind")
                    evidence.append(e)

        add_answers(s.get("government", {}) or {}, "", "government", "/government")
        for k, inv in enumerate(s.get("innovations", []) or []):
            iid = str(inv["id"])
            affairs = inv.get("affairs")
            innovations.append({"region": code, "innovation": iid, "name": inv.get("name"),
                                "department": inv.get("department"), "stage": inv.get("stage"),
                                "status": inv.get("status"), "form": inv.get("form"), "kind": inv.get("kind"),
                                "affairs": None if affairs is None else _join(affairs, f"/innovations/{k}/affairs"),
                                "applied_date": inv.get("applied_date")})
            add_answers(inv.get("answers", {}) or {}, iid, "innovation", f"/innovations/{k}/answers")
    return Frames(_typed(regions, REGION_COLUMNS), _typed(innovations, INNOVATION_COLUMNS),
                  _typed(answers, ANSWER_COLUMNS), _typed(evidence, EVIDENCE_COLUMNS))


# Enumerations the core fixes (never an edition's own vocabulary: evidence kinds and bases stay strings).
_CATEGORIES = {"type": REGION_TYPES, "stage": STAGES, "status": STATUSES, "form": FORMS, "verdict": VERDICTS,
               "aspect": ASPECTS}
_INT_COLUMNS = {"level", "year", "supported_level", "item"}
_FLOAT_COLUMNS = {"value", "acceptance", "duration_s"}


def _dtype_of(column: str, columns: tuple):
    pd = _pd()
    if column == "kind" and columns is INNOVATION_COLUMNS:
        return pd.CategoricalDtype(KINDS)
    if column in _CATEGORIES:
        return pd.CategoricalDtype(_CATEGORIES[column])
    if column == "edition":
        return "category"
    if column == "item":
        return "int64"
    if column in _INT_COLUMNS:
        return "Int64"
    if column in _FLOAT_COLUMNS:
        return "Float64"
    if column in _BOOL_FIELDS:
        return "boolean"
    return "string"


def _typed(rows: list, columns: tuple):
    """A frame of ``rows`` with the documented dtype of each column (docs/dataframes.md)."""
    pd = _pd()
    data = {}
    for c in columns:
        values = [r.get(c) for r in rows]
        dt = _dtype_of(c, columns)
        if isinstance(dt, pd.CategoricalDtype):  # first: a CategoricalDtype == "category" too
            data[c] = pd.Categorical(values, dtype=dt)
        elif dt == "category":
            data[c] = pd.Categorical(values)
        else:
            data[c] = pd.array(values, dtype=dt)
    return pd.DataFrame(data, columns=list(columns))


def regions_frame(source: SubmissionsLike, edition=None):
    """One row per region: region, edition, name, type, province, clusters (docs/dataframes.md)."""
    return to_frames(source, edition).regions


def innovations_frame(source: SubmissionsLike, edition=None):
    """One row per innovation (docs/dataframes.md)."""
    return to_frames(source, edition).innovations


def answers_frame(source: SubmissionsLike, edition=None, evidence: str = "frame"):
    """One row per answer (docs/dataframes.md). ``evidence="json"`` adds an ``evidence`` column,
    each answer's items as a JSON array (<NA> where it has none), instead of the evidence frame."""
    fr = to_frames(source, edition)
    if evidence == "json":
        return with_evidence_json(fr.answers, fr.evidence)
    if evidence != "frame":
        raise ValueError(f'evidence must be "frame" or "json", not {evidence!r}')
    return fr.answers


def government_frame(source: SubmissionsLike, edition=None):
    """One row per answered government row: the answers with ``innovation == ""``."""
    a = to_frames(source, edition).answers
    return a[a["innovation"] == ""].reset_index(drop=True)


def evidence_frame(source: SubmissionsLike, edition=None):
    """One row per evidence item (docs/dataframes.md)."""
    return to_frames(source, edition).evidence


def _item_dict(row: Mapping[str, Any]) -> dict:
    """An evidence item of a frame row: its present fields, as the JSON form writes them."""
    it = {}
    for f in EVIDENCE_COLUMNS[4:]:
        x = row.get(f)
        if _missing(x):
            continue
        if f in _BOOL_FIELDS:
            x = bool(x)
        elif f in ("year", "supported_level"):
            x = int(x)
        elif f in ("value", "duration_s"):
            x = _number(float(x))
        else:
            x = str(x)
        it[f] = x
    return it


def with_evidence_json(answers, evidence):
    """``answers`` with an ``evidence`` column: each answer's items as one JSON array text."""
    pd = _pd()
    by: dict = {}
    for rec in evidence.to_dict("records"):
        by.setdefault((rec["region"], rec["innovation"], rec["row"]), []).append((rec["item"], _item_dict(rec)))
    col = []
    for r, i, k in zip(answers["region"], answers["innovation"], answers["row"]):
        items = by.get((r, i, k))
        col.append(None if items is None else
                   json.dumps([x for _, x in sorted(items, key=lambda t: t[0])], ensure_ascii=False))
    out = answers.copy()
    out["evidence"] = pd.array(col, dtype="string")
    return out


# ---------------------------------------------------------------------------------------------
# Frames to submissions.

def _missing(x) -> bool:
    # x != x: NaN (of any float type); pd.NA is the nullable dtypes' missing value.
    return x is None or x is _NA[0] or (isinstance(x, float) and x != x)




class _Where:
    """JSON Pointers of a built submission mapped to the places they came from, so the core's
    error (a pointer) can be told as a frame row and column, or a sheet cell. A pointer maps to
    a place (``add``), or to a frame row whose fields are its columns (``row``: the place is
    only written when an error needs it)."""

    def __init__(self, place_of: Callable = None):
        self.places: dict[str, Any] = {}
        self.place_of = place_of

    def add(self, pointer: str, place: str) -> None:
        self.places.setdefault(pointer, place)

    def row(self, pointer: str, frame: str, index: int, columns: Mapping[str, str]) -> None:
        self.places.setdefault(pointer, (frame, index, columns))

    def of(self, pointer: Optional[str]) -> Optional[str]:
        p = pointer or ""
        field = None
        while True:
            hit = self.places.get(p)
            if isinstance(hit, tuple):
                frame, index, columns = hit
                return self.place_of(frame, index, columns.get(field) if field is not None else None)
            if hit is not None:
                return hit
            if not p:
                return None
            p, field = p.rsplit("/", 1)


def _text_of_built(sub: dict, max_depth: int = 1024) -> str:
    """JSON text of a submission built here from plain values (json.dumps: the careful writer
    _api._json_of is for users' objects, and costs ten times more)."""
    try:
        return json.dumps(sub, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):  # a non-finite number or an odd type from a user's frame
        return _api._json_of(sub, max_depth)


def validate_located(sub: dict, where: _Where, edition=None, source: str = "") -> None:
    """Parse ``sub`` with the core; its error is raised again naming the place ``where`` knows
    for the pointer (and keeping the pointer and the rule)."""
    try:
        _api.parse_submission(_text_of_built(sub), edition)
    except _api.InputError as exc:
        place = where.of(exc.pointer)
        msg = f"{place}: {exc.message}" if place else exc.message
        err = _api._input_error(exc.pointer, msg, source or None)
        err.place = place
        raise err from None


def frame_place(frame: str, index: int, column: Optional[str] = None) -> str:
    """Where a frame's value is, for people: "answers frame, row 12, column level"."""
    return f"{frame} frame, row {index}" + (f", column {column}" if column else "")


def _frame_error(frame: str, index: int, column: Optional[str], message: str, source: str = "",
                 place_of: Callable = frame_place):
    place = place_of(frame, index, column)
    err = _api._input_error(None, f"{place}: {message}", source or None)
    err.place = place
    return err


def _records(E, df, name: str, required: Sequence[str], known: Sequence[str]):
    if df is None:
        return []
    cols = list(df.columns)
    for c in cols:
        if c not in known:
            raise E(name, 0, c, f"unknown column {c!r} (the columns are {', '.join(known)})")
    for c in required:
        if c not in cols:
            raise E(name, 0, c, f"missing column {c!r}")
    values = [[None if _missing(v) else v for v in df[c].tolist()] for c in cols]
    return [dict(zip(cols, r)) for r in zip(*values)] if cols else [{} for _ in range(len(df))]


def _split(text: str) -> list[str]:
    return str(text).split(LIST_SEPARATOR)


def _year_item(x: str):
    return int(x) if x.strip().isdigit() else x


# The column each field of a built object came from (for the places of errors).
_REGION_FIELDS = {"code": "region", "name": "name", "type": "type", "province": "province", "clusters": "clusters"}
_INNOVATION_FIELDS = {"id": "innovation", **{f: f for f in INNOVATION_COLUMNS[2:]}}
_ANSWER_FIELDS = {c: {"level": "level", "value": c, "basis": "basis", "acceptance": "acceptance", "evidence": "evidence"}
                  for c in ("value", "value_code", "value_years")}
_ITEM_FIELDS = {f: f for f in EVIDENCE_COLUMNS[4:]}


def from_frames(frames: Union[Frames, Mapping[str, Any]], edition=None, source: str = "",
                place: Callable[[str, int, Optional[str]], str] = frame_place) -> list[dict]:
    """Submission dicts of four frames (a :class:`Frames`, or a mapping with the keys regions,
    innovations, answers and evidence; an ``evidence`` column of JSON in answers replaces the
    evidence frame). Every submission is validated by the core; an error names the frame, its
    row (the position, from 0) and the column."""
    P = place
    _pd()  # _missing knows pandas' NA

    def E(frame, i, column, message):
        return _frame_error(frame, i, column, message, source, place)

    if not isinstance(frames, Frames):
        frames = Frames(frames.get("regions"), frames.get("innovations"), frames.get("answers"),
                        frames.get("evidence"))
    regions = _records(E, frames.regions, "regions", ("region", "type"), REGION_COLUMNS)
    innovations = _records(E, frames.innovations, "innovations", ("region", "innovation", "status"),
                           INNOVATION_COLUMNS)
    answers = _records(E, frames.answers, "answers", ("region", "innovation", "row"),
                       ANSWER_COLUMNS + ("evidence",))
    evidence = _records(E, frames.evidence, "evidence", ("region", "innovation", "row", "kind"), EVIDENCE_COLUMNS)
    subs: dict[str, tuple[dict, _Where]] = {}
    order: list[str] = []
    for i, r in enumerate(regions):
        code = str(r["region"])
        if code in subs:
            raise E("regions", i, "region", f"region {code!r} is given twice")
        where = _Where(place)
        d: dict = {}
        if r.get("edition") is not None:
            d["edition"] = str(r["edition"])
            where.add("/edition", P("regions", i, "edition"))
        reg = {"code": code}
        for f in ("name", "type", "province"):
            if r.get(f) is not None:
                reg[f] = str(r[f])
        if r.get("clusters") is not None:
            reg["clusters"] = [] if r["clusters"] == "" else _split(r["clusters"])
        d["region"] = reg
        where.row("/region", "regions", i, _REGION_FIELDS)
        subs[code] = (d, where)
        order.append(code)

    def sub_of(frame: str, i: int, r: dict):
        code = str(r["region"])
        if code not in subs:
            raise E(frame, i, "region", f"region {code!r} is not in the regions frame")
        return subs[code]

    inv_index: dict[tuple[str, str], tuple[dict, str]] = {}
    for i, r in enumerate(innovations):
        d, where = sub_of("innovations", i, r)
        iid = str(r["innovation"])
        if (r["region"], iid) in inv_index:
            raise E("innovations", i, "innovation", f"innovation {iid!r} of region {r['region']!r} "
                               "is given twice")
        lst = d.setdefault("innovations", [])
        base = f"/innovations/{len(lst)}"
        inv: dict = {"id": iid}
        for f in ("name", "department", "stage", "status", "form", "kind", "applied_date"):
            if r.get(f) is not None:
                inv[f] = str(r[f])
        if r.get("affairs") is not None:
            inv["affairs"] = [] if r["affairs"] == "" else _split(r["affairs"])
        lst.append(inv)
        where.row(base, "innovations", i, _INNOVATION_FIELDS)
        inv_index[(str(r["region"]), iid)] = (inv, base)

    ans_index: dict[tuple[str, str, str], tuple[dict, str]] = {}
    for i, r in enumerate(answers):
        d, where = sub_of("answers", i, r)
        code, iid, key = str(r["region"]), str(r["innovation"]), str(r["row"])
        if iid == "":
            block, base = d.setdefault("government", {}), "/government"
        else:
            if (code, iid) not in inv_index:
                raise E("answers", i, "innovation", f"innovation {iid!r} of region {code!r} is not "
                                   "in the innovations frame")
            inv, base = inv_index[(code, iid)]
            block, base = inv.setdefault("answers", {}), f"{base}/answers"
        if key in block:
            raise E("answers", i, "row", f"indicator {key!r} is answered twice for "
                               f"{'the government' if iid == '' else 'innovation ' + repr(iid)} of {code!r}")
        a: dict = {}
        if r.get("level") is not None:
            a["level"] = _whole(E, r["level"], "answers", i, "level")
        given = [c for c in ("value", "value_code", "value_years") if r.get(c) is not None]
        if len(given) > 1:
            raise E("answers", i, given[1], f"one raw value per answer: {given[0]} is given too")
        if given:
            c = given[0]
            v = r[c]
            a["value"] = (_number(float(v)) if c == "value" else str(v) if c == "value_code"
                          else [] if v == "" else [_year_item(x) for x in _split(v)])
        if r.get("basis") is not None:
            a["basis"] = str(r["basis"])
        if r.get("acceptance") is not None:
            a["acceptance"] = _number(float(r["acceptance"]))
        if r.get("evidence") is not None:
            try:
                items = json.loads(r["evidence"])
            except ValueError as exc:
                raise E("answers", i, "evidence", f"not JSON ({exc})") from None
            a["evidence"] = items
        block[key] = a
        ap = f"{base}/{key}"
        where.row(ap, "answers", i, _ANSWER_FIELDS[given[0] if given else "value"])
        ans_index[(code, iid, key)] = (a, ap)

    ordered: dict = {}
    for i, r in enumerate(evidence):
        code, iid, key = str(r["region"]), str(r["innovation"]), str(r["row"])
        d, where = sub_of("evidence", i, r)
        if (code, iid, key) not in ans_index:
            raise E("evidence", i, "row", f"no answer to indicator {key!r} of "
                               f"{'the government' if iid == '' else 'innovation ' + repr(iid)} in region "
                               f"{code!r} in the answers frame")
        a, ap = ans_index[(code, iid, key)]
        if "evidence" in a and (code, iid, key) not in ordered:
            raise E("evidence", i, None, "this answer's evidence is given in the answers frame's "
                               "evidence column too")
        pos = _whole(E, r["item"], "evidence", i, "item") if r.get("item") is not None else i
        ordered.setdefault((code, iid, key), []).append((pos, i, r))
    for (code, iid, key), rows in ordered.items():
        a, ap = ans_index[(code, iid, key)]
        where = subs[code][1]
        rows.sort(key=lambda t: (t[0], t[1]))
        a["evidence"] = []
        for k, (_pos, i, r) in enumerate(rows):
            a["evidence"].append(_item_dict(r))
            where.row(f"{ap}/evidence/{k}", "evidence", i, _ITEM_FIELDS)
    out = []
    for code in order:
        d, where = subs[code]
        validate_located(d, where, edition, source)
        out.append(d)
    return out


def _whole(E, v, frame: str, i: int, column: str) -> int:
    if isinstance(v, bool) or not float(v).is_integer():
        raise E(frame, i, column, f"{v!r} is not a whole number")
    return int(v)


# ---------------------------------------------------------------------------------------------
# Arrow, Parquet, JSON Lines.

PARQUET_FILES = {"regions": "submission_regions.parquet", "innovations": "submission_innovations.parquet",
                 "answers": "submission_answers.parquet", "evidence": "submission_evidence.parquet"}
_META_KEY = b"inovasi.frames"
FORMAT = 1


def _frames_of(source, edition=None) -> Frames:
    """Frames of ``source``; frames given as such keep their rows and get the documented dtypes,
    so what Arrow and Parquet hold is the same whoever built the frames."""
    if isinstance(source, Frames):
        return Frames(*(None if df is None else conform(df, name) for name, df in source.items()))
    return to_frames(source, edition)


def to_arrow(source, edition=None) -> dict:
    """The four frames as ``pyarrow.Table``s ({"regions": ..., "innovations": ..., "answers": ...,
    "evidence": ...}); their schema metadata carries ``inovasi.frames`` = {"format": 1}, and the
    pandas dtypes (categoricals, nullable integers) survive ``from_arrow``."""
    import pyarrow as pa

    out = {}
    for name, df in _frames_of(source, edition).items():
        t = pa.Table.from_pandas(df, preserve_index=False)
        meta = dict(t.schema.metadata or {})
        meta[_META_KEY] = json.dumps({"format": FORMAT, "frame": name}).encode()
        out[name] = t.replace_schema_metadata(meta)
    return out


_COLUMNS = {"regions": REGION_COLUMNS, "innovations": INNOVATION_COLUMNS, "answers": ANSWER_COLUMNS,
            "evidence": EVIDENCE_COLUMNS}


def conform(df, frame: str):
    """``df`` with the documented dtype on each of ``frame``'s columns it has (a table another
    tool wrote, or an empty one, whose categoricals Arrow kept as strings). A value outside a
    fixed category is an InputError naming the frame, its row and the column."""
    pd = _pd()
    columns = _COLUMNS[frame]
    out = df.copy()
    for c in df.columns:
        if c not in columns:
            continue
        dt = _dtype_of(c, columns)
        if (df[c].dtype == dt) if isinstance(dt, pd.CategoricalDtype) else str(df[c].dtype) == str(dt):
            continue
        if isinstance(dt, pd.CategoricalDtype):
            values = df[c].astype(object)
            bad = [i for i, v in enumerate(values) if not _missing(v) and v not in dt.categories]
            if bad:
                raise _frame_error(frame, bad[0], c, f"{values.iloc[bad[0]]!r} is not one of "
                                   f"{', '.join(dt.categories)}")
            out[c] = pd.Categorical([None if _missing(v) else v for v in values], dtype=dt)
        elif dt == "category":
            out[c] = df[c].astype(object).astype("category")
        else:
            out[c] = pd.array([None if _missing(v) else v for v in df[c].astype(object)], dtype=dt)
    return out


def _frames_of_arrow(tables: Mapping[str, Any]) -> Frames:
    fr = {}
    for name in PARQUET_FILES:
        t = tables.get(name)
        fr[name] = None if t is None else conform(t.to_pandas(), name)
    return Frames(fr["regions"], fr["innovations"], fr["answers"], fr["evidence"])


def from_arrow(tables: Mapping[str, Any], edition=None) -> list[dict]:
    """Submission dicts of :func:`to_arrow`'s tables (validated as :func:`from_frames` does)."""
    return from_frames(_frames_of_arrow(tables), edition)


def write_parquet(source, directory: Union[str, os.PathLike], edition=None) -> None:
    """The four frames as Parquet files in ``directory`` (created if needed): the files of
    PARQUET_FILES, each replaced atomically."""
    import pyarrow.parquet as pq

    from . import _files

    d = Path(os.fspath(directory))
    d.mkdir(parents=True, exist_ok=True)
    for name, table in to_arrow(source, edition).items():
        with _files.replaced_atomically(d / PARQUET_FILES[name]) as tmp:
            pq.write_table(table, tmp)


def read_parquet(directory: Union[str, os.PathLike]) -> Frames:
    """The four frames of a directory written by :func:`write_parquet`."""
    import pyarrow.parquet as pq

    d = Path(os.fspath(directory))
    tables = {}
    for name, fname in PARQUET_FILES.items():
        p = d / fname
        if not p.exists():
            raise _api._input_error(None, f"{printable(str(d))}: no {fname} (a directory of "
                                    "inovasi.frames.write_parquet holds all four files)")
        tables[name] = pq.read_table(p)
    return _frames_of_arrow(tables)


def write_jsonl(subs: Iterable[Mapping[str, Any]], path: Union[str, os.PathLike]) -> None:
    """Submission dicts as JSON Lines, one region a line (replaced atomically)."""
    from . import _files

    with _files.replaced_atomically(path) as tmp:
        with open(tmp, "w", encoding="utf-8") as f:
            for s in subs:
                f.write(json.dumps(s, ensure_ascii=False, separators=(",", ":")) + "\n")


# ---------------------------------------------------------------------------------------------
# Results as frames.

def _score_dicts(results) -> list[dict]:
    if isinstance(results, (_api.Result, Mapping, str)):
        results = [results]
    out = []
    for r in results:
        if isinstance(r, _api.Result):
            out.append(r.to_dict())
        elif isinstance(r, str):
            out.append(json.loads(r))
        else:
            out.append(dict(r))
    return out


def _fraction(text) -> Fraction:
    return Fraction(str(text))


def _category_dtype(scores: list[dict]):
    """The category column's dtype: the edition's labels, ordered best first when the results
    hold one edition (docs/decisions.md)."""
    pd = _pd()
    eds = []
    for s in scores:
        if s["edition"] not in eds:
            eds.append(s["edition"])
    labels: list[str] = []
    for e in eds:
        try:
            cats = [c["label"] for c in _api.edition(e).categories]
        except _api.InputError:
            cats = []
        labels += [c for c in cats if c not in labels]
    for s in scores:
        if s["category"] not in labels:
            labels.append(s["category"])
    # The edition's order, best first, as every analysis result has it (docs/decisions.md).
    return pd.CategoricalDtype(labels, ordered=len(eds) <= 1)


def _attrs(df, scores: list[dict]) -> None:
    from . import __version__

    eds = sorted({s["edition"] for s in scores})
    df.attrs["provenance"] = {
        "inovasi": __version__, "editions": eds,
        "edition_sha256": {e: _sha(e) for e in eds},
        "policies": sorted({s["policy"] for s in scores}),
    }


def _sha(name: str) -> Optional[str]:
    try:
        return _api.edition(name).sha256
    except _api.InputError:
        return None


def scores_frame(results):
    """One row per region of ``results`` (``inovasi.Result`` objects, score dicts or score JSON
    lines): region, name, type, province, edition, policy, iid, iid_h, iid_exact, category, the
    parts with their exact values, counts, the count gate, the self-assessed IID and the points
    at risk (docs/dataframes.md)."""
    pd = _pd()
    scores = _score_dicts(results)
    rows = []
    for s in scores:
        risk = s.get("points_at_risk", {})
        gate = s.get("count_gate", {})
        rows.append({
            "region": s["region"], "name": s.get("name", ""), "type": s["type"], "province": s.get("province"),
            "edition": s["edition"], "policy": s["policy"], "iid": s["iid"], "iid_h": round(s["iid"] * 100),
            "iid_exact": _fraction(s["iid_exact"]), "category": s["category"],
            "government_points": s["government_points"], "innovation_average": s["innovation_average"],
            "innovation_average_exact": _fraction(s["innovation_average_exact"]),
            "count_points": s["count_points"], "total": s["total"], "total_exact": _fraction(s["total_exact"]),
            "innovations_counted": s["innovations_counted"],
            "innovations_not_counted": s.get("innovations_not_counted", 0), "divisor": s["divisor"],
            "count_gate_open": gate.get("open", True), "affairs_covered": gate.get("affairs_covered"),
            "self_assessed_iid": s.get("self_assessed_iid"),
            "points_at_risk": risk.get("points"), "points_at_risk_exact": _fraction(risk.get("points_exact", "0")),
            "iid_at_risk": risk.get("iid"),
        })
    cols = ["region", "name", "type", "province", "edition", "policy", "iid", "iid_h", "iid_exact", "category",
            "government_points", "innovation_average", "innovation_average_exact", "count_points", "total",
            "total_exact", "innovations_counted", "innovations_not_counted", "divisor", "count_gate_open",
            "affairs_covered", "self_assessed_iid", "points_at_risk", "points_at_risk_exact", "iid_at_risk"]
    df = pd.DataFrame(rows, columns=cols)
    df["region"] = df["region"].astype("string")
    df["name"] = df["name"].astype("string")
    df["type"] = pd.Categorical(df["type"], categories=list(REGION_TYPES))
    for c in ("province", "edition", "policy"):
        df[c] = df[c].astype("category")
    df["category"] = pd.Categorical(df["category"], dtype=_category_dtype(scores))
    for c in ("iid", "government_points", "innovation_average", "count_points", "total", "self_assessed_iid",
              "points_at_risk", "iid_at_risk"):
        df[c] = df[c].astype("float64")
    for c in ("iid_h", "innovations_counted", "innovations_not_counted", "divisor"):
        df[c] = df[c].astype("int64")
    df["affairs_covered"] = pd.array(df["affairs_covered"].tolist(), dtype="Int64")
    df["count_gate_open"] = df["count_gate_open"].astype("bool")
    _attrs(df, scores)
    return df


def indicators_frame(results):
    """The breakdown, one row per (region, answer slot): the government's indicators (claimed and
    validated level, weight, points and points at risk from the score) and each innovation's
    levels (``innovation`` is "" for the government; innovation rows carry no points of their
    own: the engine sums them per innovation, see :func:`innovation_scores_frame`)."""
    pd = _pd()
    scores = _score_dicts(results)
    rows = []
    cache: dict = {}
    for s in scores:
        names = _indicator_names(s["edition"], cache)
        weights = _weights(s["edition"], cache)
        for r in s.get("indicators", []):
            rows.append({"region": s["region"], "edition": s["edition"], "policy": s["policy"], "innovation": "",
                         "row": r["row"], "indicator": names.get(r["row"]), "aspect": "government",
                         "weight": _fraction(r["weight"]), "claimed_level": r["claimed_level"], "level": r["level"],
                         "counted": True, "points": r["points"], "points_at_risk": r["points_at_risk"]})
        for inv in s.get("innovations", []):
            claimed = inv.get("claimed_levels", {})
            for key, lv in inv["levels"].items():
                rows.append({"region": s["region"], "edition": s["edition"], "policy": s["policy"],
                             "innovation": inv["id"], "row": key, "indicator": names.get(key),
                             "aspect": "innovation", "weight": weights.get(key),
                             "claimed_level": claimed.get(key, lv), "level": lv, "counted": inv["counted"],
                             "points": None, "points_at_risk": None})
    cols = ["region", "edition", "policy", "innovation", "row", "indicator", "aspect", "weight", "claimed_level",
            "level", "counted", "points", "points_at_risk"]
    df = pd.DataFrame(rows, columns=cols)
    for c in ("region", "innovation", "row", "indicator"):
        df[c] = df[c].astype("string")
    for c in ("edition", "policy"):
        df[c] = df[c].astype("category")
    df["aspect"] = pd.Categorical(df["aspect"], categories=list(ASPECTS))
    df["weight"] = df["weight"].astype("object")
    for c in ("claimed_level", "level"):
        df[c] = df[c].astype("int64")
    df["counted"] = df["counted"].astype("bool")
    for c in ("points", "points_at_risk"):
        df[c] = pd.array(df[c].tolist(), dtype="Float64")
    _attrs(df, scores)
    return df


def _weights(edition: str, cache: dict) -> dict:
    k = ("weights", edition)
    if k not in cache:
        try:
            cache[k] = {r["key"]: Fraction(str(r["weight"])) for r in _api.edition(edition).rows}
        except _api.InputError:
            cache[k] = {}
    return cache[k]


def innovation_scores_frame(results):
    """One row per innovation scored: region, innovation, name, department, status, counted,
    points, claimed_points, points_at_risk (the engine's numbers)."""
    pd = _pd()
    scores = _score_dicts(results)
    rows = [{"region": s["region"], "edition": s["edition"], "policy": s["policy"], "innovation": inv["id"],
             "name": inv.get("name", ""), "department": inv.get("department", ""), "status": inv["status"],
             "counted": inv["counted"], "points": inv["points"], "claimed_points": inv.get("claimed_points"),
             "points_at_risk": inv.get("points_at_risk")}
            for s in scores for inv in s.get("innovations", [])]
    cols = ["region", "edition", "policy", "innovation", "name", "department", "status", "counted", "points",
            "claimed_points", "points_at_risk"]
    df = pd.DataFrame(rows, columns=cols)
    for c in ("region", "innovation", "name", "department"):
        df[c] = df[c].astype("string")
    for c in ("edition", "policy"):
        df[c] = df[c].astype("category")
    df["status"] = pd.Categorical(df["status"], categories=list(STATUSES))
    df["counted"] = df["counted"].astype("bool")
    for c in ("points", "claimed_points", "points_at_risk"):
        df[c] = df[c].astype("float64")
    _attrs(df, scores)
    return df


def findings_frame(results):
    """One row per evidence finding of ``results`` (scores, or ``inovasi.prevalidate`` output
    with ``region``/``edition``/``policy`` given per score): region, edition, policy,
    innovation ("" for the government), row, indicator, evidence (item index, <NA> for the
    answer), pointer, rule, severity (ordered: error > warning > info), message."""
    pd = _pd()
    scores = _score_dicts(results)
    rows = []
    cache: dict = {}
    for s in scores:
        names = _indicator_names(s["edition"], cache)
        for f in s.get("findings", []):
            rows.append({"region": s["region"], "edition": s["edition"], "policy": s["policy"],
                         "innovation": f.get("innovation") or "", "row": f.get("row"),
                         "indicator": names.get(f.get("row")), "evidence": f.get("evidence"),
                         "pointer": f["pointer"], "rule": f["rule"], "severity": f["severity"],
                         "message": f["message"]})
    cols = ["region", "edition", "policy", "innovation", "row", "indicator", "evidence", "pointer", "rule",
            "severity", "message"]
    df = pd.DataFrame(rows, columns=cols)
    for c in ("region", "innovation", "row", "indicator", "pointer", "message"):
        df[c] = df[c].astype("string")
    for c in ("edition", "policy", "rule"):
        df[c] = df[c].astype("category")
    df["evidence"] = pd.array([None if _missing(x) else int(x) for x in df["evidence"].tolist()], dtype="Int64")
    # Ordered the most severe first, as categories are (docs/decisions.md).
    df["severity"] = pd.Categorical(df["severity"], categories=list(SEVERITIES), ordered=True)
    _attrs(df, scores)
    return df


def explanation_frame(x: Mapping[str, Any]):
    """The points lost against the maximum of one explanation (``inovasi.explain.explain``'s
    dict), one row per indicator, most lost first: row, indicator, aspect (category),
    points_lost, iid_lost (float64) and their exact Fractions. With the count points lost
    (``attrs["count_points_lost_exact"]``) they add up to the maximum total minus the total."""
    pd = _pd()
    names = _indicator_names(x["edition"], {})
    rows = [{"row": l["row"], "indicator": names.get(l["row"]), "aspect": l["aspect"],
             "points_lost": float(l["points_lost"]), "points_lost_exact": Fraction(l["points_lost"]),
             "iid_lost": float(l["iid_lost"]), "iid_lost_exact": Fraction(l["iid_lost"])} for l in x["lost"]]
    cols = ["row", "indicator", "aspect", "points_lost", "points_lost_exact", "iid_lost", "iid_lost_exact"]
    df = pd.DataFrame(rows, columns=cols)
    for c in ("row", "indicator"):
        df[c] = df[c].astype("string")
    df["aspect"] = pd.Categorical(df["aspect"], categories=list(ASPECTS))
    for c in ("points_lost", "iid_lost"):
        df[c] = df[c].astype("float64")
    for c in ("points_lost_exact", "iid_lost_exact"):
        df[c] = df[c].astype("object")
    df.attrs.update({k: x[k] for k in ("region", "edition", "policy", "iid", "category")})
    df.attrs["total_exact"], df.attrs["max_total"] = Fraction(x["total_exact"]), Fraction(x["max_total"])
    df.attrs["count_points_lost_exact"] = Fraction(x["count_points_lost"])
    df.attrs["provenance"] = x.get("provenance", {})
    return df


def plan_frame(p: Mapping[str, Any]):
    """The steps of one plan (``inovasi.planning.plan``'s dict), in the plan's order: innovation
    ("" for the government), row, indicator, from, to, cost (int64), evidence_kinds (the kinds the
    step's new level needs, ``;``-separated). The verdict (reachable, cost, IID and category
    before and after, target) is in ``attrs``; the new innovations in ``attrs["new_innovations"]``."""
    pd = _pd()
    names = _indicator_names(p["edition"], {})
    rows = [{"innovation": st["innovation"] or "", "row": st["row"], "indicator": names.get(st["row"]),
             "from": st["from"], "to": st["to"], "cost": st["cost"],
             "evidence_kinds": LIST_SEPARATOR.join((st.get("evidence") or {}).get("kinds", []))}
            for st in p["steps"]]
    cols = ["innovation", "row", "indicator", "from", "to", "cost", "evidence_kinds"]
    df = pd.DataFrame(rows, columns=cols)
    for c in ("innovation", "row", "indicator", "evidence_kinds"):
        df[c] = df[c].astype("string")
    for c in ("from", "to", "cost"):
        df[c] = df[c].astype("int64")
    df.attrs.update({k: p.get(k) for k in ("region", "edition", "policy", "target_iid", "target_category",
                                           "reachable", "cost", "iid_before", "category_before", "iid_after",
                                           "category_after", "blockers", "new_innovations", "provenance")})
    return df
