"""The public Python API over the private C++ module ``_core``."""

from __future__ import annotations

import copy
import json
import numbers
import os
from pathlib import Path
from typing import Any, Mapping, NamedTuple, Optional, Union

from . import _core
from ._text import hundredths_text, printable

InputError = _core.InputError
InputError.__doc__ = (
    "Bad input (a ValueError): .pointer is the JSON Pointer of the offending place (None for "
    "syntax errors), .line/.column the position in the text when known, .source the file, "
    ".message the rule. Raised from Python as InputError(message, pointer, line=, column=, "
    "source=), it reads as the core's errors do: 'source:line:column: pointer: message'."
)


def _input_error_init(self: Any, message: str = "", pointer: Optional[str] = None, *,
                      line: Optional[int] = None, column: Optional[int] = None,
                      source: Optional[str] = None) -> None:
    # One constructor for the core's errors (which set the attributes after it) and the
    # package's own, so that every InputError has .pointer, .line, .column, .source, .message.
    where = f"{source}:" if source else ""
    if line is not None:
        where += f"{line}:{column}: "
    elif where:
        where += " "
    ValueError.__init__(self, f"{where}{pointer + ': ' if pointer else ''}{message}")
    self.pointer, self.line, self.column, self.source, self.message = pointer, line, column, source, message


InputError.__init__ = _input_error_init  # type: ignore[method-assign]
Edition = _core.Edition
Submission = _core.Submission

SubmissionLike = Union[Mapping[str, Any], str, bytes, os.PathLike, "Submission"]


def edition_names() -> list[str]:
    """Names of the editions shipped with the library."""
    return list(_core.builtin_edition_names())


def policies() -> list[str]:
    """Validation policies, the default first."""
    return list(_core.policies())


def _input_error(pointer: Optional[str], message: str, source: Optional[str] = None,
                 line: Optional[int] = None, column: Optional[int] = None) -> InputError:
    return InputError(message, pointer, line=line, column=column, source=source)


def _utf8(text: str, what: str) -> str:
    """``text`` if it can go to the core (valid Unicode: no lone surrogate), else an InputError
    that says where the surrogate is (pybind11 would only say "incompatible arguments")."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError as exc:
        bad = ord(text[exc.start])
        line = text.count("\n", 0, exc.start) + 1
        column = exc.start - (text.rfind("\n", 0, exc.start) + 1) + 1
        raise _input_error(None, f"{what}: U+{bad:04X} at line {line}, column {column} is a lone "
                           "surrogate, not a character (not valid Unicode text)") from None


def edition(name_or_path: Union[str, os.PathLike, Edition]) -> Edition:
    """A shipped edition by name (``"iid-2026"``) or an edition file by path."""
    if isinstance(name_or_path, Edition):
        return name_or_path
    name = os.fspath(name_or_path)
    if isinstance(name, bytes):
        name = os.fsdecode(name)
    if not isinstance(name, str):
        raise TypeError(f"edition must be a name, a path or an inovasi.Edition, not {type(name).__name__}")
    if not name.strip():
        raise _input_error(None, "the edition name or path is empty")
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        # Not UTF-8, so no shipped name: a file whose name has other bytes (surrogateescape).
        # The core takes UTF-8 names only, so the file is read here, with the core's limit on
        # one document, and parsed from its text.
        limit = _core.ParseLimits().max_document_bytes
        shown = printable(name)
        try:
            with open(name, "rb") as f:
                text = f.read(limit + 1)
        except OSError as exc:
            raise _input_error(None, f"cannot read edition file ({exc.strerror})", shown) from None
        except UnicodeEncodeError:  # a lone surrogate no file name can hold
            raise _input_error(None, "cannot read edition file (the name is not valid Unicode "
                               "text and no file system's name)", shown) from None
        if len(text) > limit:
            raise _input_error(None, f"edition file larger than the limit of {limit} bytes", shown)
        return _core.parse_edition(text, shown)
    return _core.resolve_edition(name)


_MAX_DEPTH_ANY = 1024  # the core treats any depth limit above this as this (docs/reliability.md)


def _json_of(data: Any, max_depth: int) -> str:
    """JSON text of a Python value (a dict, a list, numbers, numpy scalars), written in C++
    without recursion limits of Python. Every problem is an InputError with the JSON Pointer of
    the place: a non-finite float, a value that is not JSON (a set, bytes, an object), a key
    that is not a string, a lone surrogate, a container inside itself, nesting deeper than
    ``max_depth``."""
    return _core.json_text(data, min(max_depth, _MAX_DEPTH_ANY))


_BOM = "\ufeff"


def is_json_text(data: str) -> bool:
    """Whether a str argument is JSON text rather than a path: it starts, after white space (and
    a byte order mark, which the reader then reports), with ``{`` or ``[``."""
    return data.lstrip().lstrip(_BOM).lstrip().startswith(("{", "["))


def _text_of(data: SubmissionLike, max_depth: int) -> tuple[Any, str]:
    """(what the core reads, source name) for a dict (given as it is: the core reads it), a
    JSON string, bytes or a path. Bytes go to the core undecoded, so invalid UTF-8 is reported
    there with its position."""
    if isinstance(data, Mapping):
        return data, ""  # read directly by the core (bindings/python_json.cpp)
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data), ""
    if isinstance(data, str) and is_json_text(data):
        return _utf8(data, "JSON text"), ""
    if not isinstance(data, (str, os.PathLike)):
        raise TypeError(f"a submission is a dict, JSON text, bytes or a path, not {type(data).__name__}")
    path = Path(os.fspath(data))
    shown = printable(str(path))
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read ({exc.strerror})", source=shown) from None
    except UnicodeEncodeError:  # a lone surrogate that is no file system's byte
        raise _input_error(None, "cannot read (the name is not valid Unicode text, nor JSON text)",
                           shown) from None
    return raw, shown


MAX_LIMIT = (1 << 63) - 1  # the largest limit: a size_t on every platform the library builds on


def thread_count(threads: Any) -> int:
    """The number of threads a threaded call uses for ``threads``: 0 or less means one per
    hardware thread; more than ``_core.max_threads()`` (4 per hardware thread) is capped
    there. The one place every threaded call of the package goes through (the core caps again,
    for callers of ``_core`` itself)."""
    if isinstance(threads, bool) or not isinstance(threads, numbers.Integral):
        raise TypeError(f"threads must be an integer, not {type(threads).__name__}")
    threads = int(threads)
    cap = _core.max_threads()
    return cap if threads > cap else max(threads, 0)


def parse_limits(max_innovations: Optional[int] = None, max_depth: Optional[int] = None,
                 max_document_bytes: Optional[int] = None,
                 max_evidence_items: Optional[int] = None) -> "_core.ParseLimits":
    """The limits on one record: the library's defaults (10,000 innovations per region, 64
    levels of nesting, 64 MiB, 200 evidence items per answer; docs/reliability.md) except those
    given, each a positive integer."""
    limits = _core.ParseLimits()
    for name, value in (("max_innovations", max_innovations), ("max_depth", max_depth),
                        ("max_document_bytes", max_document_bytes),
                        ("max_evidence_items", max_evidence_items)):
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_LIMIT:
            raise ValueError(f"{name} must be a positive integer of at most 2^63-1, not {value!r}")
        setattr(limits, name, value)
    return limits


def parse_submission(data: SubmissionLike, edition: Union[str, Edition, None] = None, *,
                     override_edition: bool = False, max_innovations: Optional[int] = None,
                     max_depth: Optional[int] = None, max_document_bytes: Optional[int] = None,
                     max_evidence_items: Optional[int] = None) -> Submission:
    """Parse and validate one region's submission (a dict, a JSON string, or a file path).

    ``edition`` is used when the submission names none (or always, with ``override_edition``).
    The ``max_*`` limits default to the library's (see :func:`parse_limits`).
    Raises :class:`InputError` naming the JSON Pointer and the rule on bad input.
    """
    if isinstance(data, Submission):
        return data
    limits = parse_limits(max_innovations, max_depth, max_document_bytes, max_evidence_items)
    text, source = _text_of(data, limits.max_depth)
    ed = globals()["edition"](edition) if edition is not None else None
    return _core.parse_submission(text, ed, override_edition, source, limits)


class Result:
    """The exact score of one region under one policy.

    ``iid`` (float, 2 decimals), ``iid_hundredths`` (int, exact), ``category``; the breakdown
    read straight from the score (no JSON): ``indicators`` (government rows), ``innovations``
    (levels by row key), ``departments``, ``findings``, and the components ``government_h``,
    ``innovation_sum_h``, ``count_h`` (integer hundredths), ``innovations_counted``,
    ``divisor``, ``total_exact``, ``iid_exact`` ("p/q"). ``to_dict()`` / ``to_json()`` give the
    full JSON form. Immutable, picklable (rebuilt by scoring its submission again) and shown
    as a table in notebooks.
    """

    __slots__ = ("_score", "_dict")

    def __init__(self, core_score: Any):
        self._score = core_score
        self._dict: Optional[dict[str, Any]] = None

    @property
    def iid(self) -> float:
        return self._score.iid_hundredths / 100

    @property
    def iid_hundredths(self) -> int:
        return int(self._score.iid_hundredths)

    @property
    def category(self) -> str:
        return str(self._score.category)

    @property
    def policy(self) -> str:
        return str(self._score.policy)

    @property
    def region(self) -> str:
        return str(self._score.region_code)

    @property
    def region_name(self) -> str:
        return str(self._score.region_name)

    @property
    def edition(self) -> str:
        return str(self._score.edition)

    @property
    def submission(self) -> Submission:
        """The submission that was scored."""
        return self._score.submission

    @property
    def government_h(self) -> int:
        return int(self._score.government_h)

    @property
    def innovation_sum_h(self) -> int:
        return int(self._score.innovation_sum_h)

    @property
    def count_h(self) -> int:
        return int(self._score.count_h)

    @property
    def innovations_counted(self) -> int:
        return int(self._score.innovations_counted)

    @property
    def divisor(self) -> int:
        return int(self._score.divisor)

    @property
    def total_exact(self) -> str:
        return str(self._score.total_exact)

    @property
    def iid_exact(self) -> str:
        return str(self._score.iid_exact)

    @property
    def indicators(self) -> list[dict[str, Any]]:
        """Government rows: row, name, weight_h, claimed_level, level, points_h,
        claimed_points_h, points_at_risk_h (a new list each call)."""
        return self._score.indicators  # type: ignore[no-any-return]

    @property
    def innovations(self) -> list[dict[str, Any]]:
        """Innovations: id, name, department, status, counted, points_h, claimed_points_h,
        points_at_risk_h, levels and claimed_levels (row key -> level, every innovation row)."""
        return self._score.innovations  # type: ignore[no-any-return]

    @property
    def departments(self) -> list[dict[str, Any]]:
        return self._score.departments  # type: ignore[no-any-return]

    @property
    def findings(self) -> list[dict[str, Any]]:
        return self._score.findings  # type: ignore[no-any-return]

    def to_json(self) -> str:
        """Compact JSON (docs/schemas/score.schema.json), iid with exactly two decimals."""
        return str(self._score.to_json())

    def _parsed(self) -> dict[str, Any]:
        if self._dict is None:
            self._dict = json.loads(self.to_json())
        return self._dict

    def to_dict(self) -> dict[str, Any]:
        """The JSON form as a new dict (a deep copy: changing it changes no result)."""
        return copy.deepcopy(self._parsed())

    def __getitem__(self, key: str) -> Any:
        return copy.deepcopy(self._parsed()[key])

    def __eq__(self, other: object) -> bool:
        # Equal results: the same JSON form (every figure, row, innovation and finding).
        if not isinstance(other, Result):
            return NotImplemented
        return self is other or self.to_json() == other.to_json()

    def __hash__(self) -> int:
        return hash(self.to_json())

    def __copy__(self) -> "Result":
        return self  # immutable

    def __deepcopy__(self, memo: dict[int, Any]) -> "Result":
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (Result, (self._score,))

    def __repr__(self) -> str:
        return (f"<inovasi.Result {self.region} {self.edition} {self.policy}: "
                f"IID {hundredths_text(self.iid_hundredths)} {self.category}>")

    def _repr_html_(self) -> str:
        """A compact table for notebooks: the verdict, the components and the innovations."""
        from html import escape

        def h(x: int) -> str:
            return hundredths_text(x)

        name = f" {escape(self.region_name)}" if self.region_name else ""
        head = (f"<b>{escape(self.region)}{name}</b> · {escape(self.edition)} · {escape(self.policy)}: "
                f"IID <b>{h(self.iid_hundredths)}</b> <b>{escape(self.category)}</b>")
        comp = ("<tr><th style='text-align:left'>government points</th><td>{}</td></tr>"
                "<tr><th style='text-align:left'>innovations counted / divisor</th><td>{} / {}</td></tr>"
                "<tr><th style='text-align:left'>count points</th><td>{}</td></tr>"
                "<tr><th style='text-align:left'>IID exact</th><td>{}</td></tr>").format(
                    h(self.government_h), self.innovations_counted, self.divisor, h(self.count_h),
                    escape(self.iid_exact))
        rows = "".join(
            f"<tr><td>{escape(i['id'])}</td><td>{escape(i['name'])}</td><td>{escape(i['status'])}</td>"
            f"<td>{'yes' if i['counted'] else 'no'}</td><td style='text-align:right'>{h(i['points_h'])}</td></tr>"
            for i in self.innovations)
        inv = ("<table><thead><tr><th>innovation</th><th>name</th><th>status</th><th>counted</th>"
               f"<th>points</th></tr></thead><tbody>{rows}</tbody></table>") if rows else ""
        findings = len(self.findings)
        tail = f"<div>{findings} finding{'s' if findings != 1 else ''} (see .findings)</div>" if findings else ""
        return f"<div class='inovasi-result'><div>{head}</div><table>{comp}</table>{inv}{tail}</div>"


def score(data: SubmissionLike, edition: Union[str, Edition, None] = None,
          policy: str = "self_assessed", **parse_options: Any) -> Result:
    """Score one region exactly. ``data``: a path, a dict, JSON text, bytes or a parsed
    :class:`Submission` (the fastest: no parsing). ``policy``: self_assessed (default),
    supported, strict, assessor."""
    if type(data) is Submission and edition is None and not parse_options:
        return Result(_core.score(data, policy))
    sub = parse_submission(data, edition, **parse_options)
    return Result(_core.score(sub, _utf8(policy, "policy")))


def prevalidate(data: SubmissionLike, edition: Union[str, Edition, None] = None,
                policy: str = "self_assessed", **parse_options: Any) -> list[dict[str, Any]]:
    """Check every answer against its row's evidence rules, before submitting.

    One dict per answer given, and per mandatory row left unmet (not given or at level 0):
    ``pointer``, ``row``, ``innovation`` (id or None), ``claimed_level``, ``supported_level``
    (what the evidence supports), ``checked`` (the row has rules), ``has_error`` and
    ``findings`` (pointer, row, innovation, evidence index, rule, severity, message). The
    findings are the set that ``score(..., policy).findings`` and ``inovasi check --policy``
    show (docs/evidence.md): ``policy`` matters only for ``assessor``, which adds its
    ``unassessed`` / ``assessor_rejected`` findings. A failing document is a finding, never an
    :class:`InputError`.
    """
    return _core.prevalidate(parse_submission(data, edition, **parse_options), policy)  # type: ignore[no-any-return]


class ScoredRecord(NamedTuple):
    """One record of :func:`score_many`: a tuple ``(index, line, column, score_json, error,
    pointer)`` (as before), with the score's JSON text (None for a bad record, only with
    ``keep_going``)."""

    index: int  # type: ignore[assignment]  # the record's number (shadows tuple.index)
    line: int
    column: int
    score_json: Optional[str]
    error: Optional[str]
    pointer: Optional[str]

    def result(self) -> dict[str, Any]:
        """The record's score as a dict (its JSON form)."""
        if self.score_json is None:
            raise InputError(self.error or "", self.pointer)
        return json.loads(self.score_json)  # type: ignore[no-any-return]


def _records_text(data: Any, max_depth: int) -> tuple[Union[str, bytes], str]:
    """(text, source) of score_many's input: JSON text, bytes, a path, a dict (one record) or a
    list of dicts, texts or Submissions (one record each)."""
    if isinstance(data, (list, tuple)):
        parts = []
        for item in data:
            if isinstance(item, Submission):
                parts.append(item.text)
                continue
            t, _ = _text_of(item, max_depth)
            if isinstance(t, Mapping):
                t = _json_of(t, max_depth)
            parts.append(t.encode("utf-8") if isinstance(t, str) else bytes(t))
        # One record a line: records are compact JSON, or texts whose newlines are allowed
        # (the reader reads JSON values one after another).
        return b"\n".join(parts), ""
    if isinstance(data, Submission):
        return data.text, ""
    text, source = _text_of(data, max_depth)
    if isinstance(text, Mapping):
        text = _json_of(text, max_depth)
    return text, source


def score_many(data: Any, edition: Union[str, Edition, None] = None, *,
               override_edition: bool = False, policy: str = "self_assessed", source: str = "",
               keep_going: bool = False,
               max_innovations: Optional[int] = None, max_depth: Optional[int] = None,
               max_document_bytes: Optional[int] = None,
               max_evidence_items: Optional[int] = None) -> list[ScoredRecord]:
    """Score every record of an input (one object or JSON Lines), in one C++ call.

    ``data`` is what :func:`score` takes (a path, JSON text, bytes, a dict) or a list of
    records. Returns a :class:`ScoredRecord` per record, in input order. A bad record raises
    :class:`InputError` (naming the source, its line and column and the JSON Pointer), unless
    ``keep_going``: then its record carries the error and the others are scored.
    """
    limits = parse_limits(max_innovations, max_depth, max_document_bytes, max_evidence_items)
    ed = globals()["edition"](edition) if edition is not None else None
    text, read_from = _records_text(data, limits.max_depth)
    if isinstance(text, str):
        text = _utf8(text, "JSON text")
    name = printable(source) if source else read_from
    out = _core.score_records(text, ed, override_edition, _utf8(policy, "policy"), name, limits)
    records = [ScoredRecord(*r) for r in out]
    if not keep_going:
        for r in records:
            if r.error is not None:
                raise _located(r, name)
    return records


def _located(record: ScoredRecord, source: str) -> InputError:
    """The InputError of a bad record: its message as the core wrote it (it names the source,
    line and column), with the pointer, line, column and source as attributes."""
    err = InputError(record.error or "")
    err.pointer, err.line, err.column = record.pointer, record.line, record.column
    err.source = source or None
    err.message = record.error or ""
    return err
