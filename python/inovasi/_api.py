"""The public Python API over the private C++ module ``_core``."""

from __future__ import annotations

import json
import math
import numbers
import os
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional, Union

from . import _core
from ._text import hundredths_text, printable

InputError = _core.InputError
InputError.__doc__ = (
    "Bad input (a ValueError): .pointer is the JSON Pointer of the offending place (None for "
    "syntax errors), .line/.column the position in the text when known, .message the rule."
)
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
    where = f"{source}:" if source else ""
    if line is not None:
        where += f"{line}:{column}: "
    elif where:
        where += " "
    err = InputError(f"{where}{pointer + ': ' if pointer else ''}{message}")
    err.pointer, err.line, err.column, err.source, err.message = pointer, line, column, source, message
    return err


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


def _json_of(data: Mapping[str, Any], max_depth: int) -> str:
    """JSON text of a dict, written without recursion so that no shape of Python object can
    raise RecursionError. Every problem is an InputError with the JSON Pointer of the place: a
    non-finite float, a value that is not JSON (a set, bytes, an object), a key that is not a
    string, a lone surrogate, a container inside itself, nesting deeper than ``max_depth``."""
    out: list[str] = []
    dumps = json.dumps
    active: set[int] = set()  # ids of the containers being written (a cycle revisits one)
    # Work items: ("v", value, pointer, depth) writes a value; ("s", text) writes text;
    # ("x", id) leaves a container.
    stack: list[tuple] = [("v", data, "", 1)]

    def fail(pointer: str, message: str) -> InputError:
        return _input_error(pointer or "/", message)

    while stack:
        item = stack.pop()
        if item[0] == "s":
            out.append(item[1])
            continue
        if item[0] == "x":
            active.discard(item[1])
            continue
        _, v, ptr, depth = item
        if v is None or v is True or v is False:
            out.append("null" if v is None else "true" if v else "false")
        elif isinstance(v, str):
            try:
                v.encode("utf-8")
            except UnicodeEncodeError as exc:
                raise fail(ptr, f"U+{ord(v[exc.start]):04X} is a lone surrogate, not a character "
                           "(not valid Unicode text)") from None
            out.append(dumps(v, ensure_ascii=False))
        elif isinstance(v, float):
            if not math.isfinite(v):
                raise fail(ptr, f"{v!r} is not a finite number")
            out.append(float.__repr__(v))  # repr: 8.17 stays 8.17 for the exact reader
        elif isinstance(v, numbers.Integral):
            out.append(str(int(v)))
        elif isinstance(v, (Mapping, list, tuple)):
            if depth > max_depth:
                raise fail(ptr, f"nesting deeper than the limit of {max_depth} levels")
            if id(v) in active:
                raise fail(ptr, "this object contains itself (a cycle): not a JSON document")
            active.add(id(v))
            stack.append(("x", id(v)))
            if isinstance(v, Mapping):
                stack.append(("s", "}"))
                items = []
                for k, x in v.items():
                    if isinstance(k, bool) or not isinstance(k, (str, int)):
                        raise fail(ptr, f"key {k!r} is not a string (JSON keys are strings)")
                    k = str(k)
                    try:
                        k.encode("utf-8")
                    except UnicodeEncodeError as exc:
                        raise fail(ptr, f"a key holds U+{ord(k[exc.start]):04X}, a lone surrogate "
                                   "(not valid Unicode text)") from None
                    items.append((k, x))
                for i in range(len(items) - 1, -1, -1):
                    k, x = items[i]
                    stack.append(("v", x, f"{ptr}/{k.replace('~', '~0').replace('/', '~1')}", depth + 1))
                    stack.append(("s", ("," if i else "") + dumps(k, ensure_ascii=False) + ":"))
                stack.append(("s", "{"))
            else:
                stack.append(("s", "]"))
                for i in range(len(v) - 1, -1, -1):
                    stack.append(("v", v[i], f"{ptr}/{i}", depth + 1))
                    if i:
                        stack.append(("s", ","))
                stack.append(("s", "["))
        elif isinstance(v, numbers.Real):  # numpy floats that are not float subclasses
            stack.append(("v", float(v), ptr, depth))
        else:
            raise fail(ptr, f"a {type(v).__name__} is not a JSON value")
    return "".join(out)


_BOM = "\ufeff"


def is_json_text(data: str) -> bool:
    """Whether a str argument is JSON text rather than a path: it starts, after white space (and
    a byte order mark, which the reader then reports), with ``{`` or ``[``."""
    return data.lstrip().lstrip(_BOM).lstrip().startswith(("{", "["))


def _text_of(data: SubmissionLike, max_depth: int) -> tuple[Union[str, bytes], str]:
    """(JSON text, source name) for a dict, a JSON string, bytes or a path. Bytes go to the
    core undecoded, so invalid UTF-8 is reported there with its position."""
    if isinstance(data, Mapping):
        return _json_of(data, min(max_depth, _MAX_DEPTH_ANY)), ""
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
        err = InputError(f"{shown}: cannot read ({exc.strerror})")  # .message: the reason alone
        err.pointer, err.line, err.column, err.source, err.message = None, None, None, shown, exc.strerror
        raise err from None
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
    """The exact score of one region: ``iid`` (float, 2 decimals), ``category``, ``to_dict()``."""

    __slots__ = ("_score", "_dict")

    def __init__(self, core_score: Any):
        self._score = core_score
        self._dict = None

    @property
    def iid(self) -> float:
        return self._score.iid_hundredths / 100

    @property
    def iid_hundredths(self) -> int:
        return self._score.iid_hundredths

    @property
    def category(self) -> str:
        return self._score.category

    @property
    def policy(self) -> str:
        return self._score.policy

    @property
    def region(self) -> str:
        return self._score.region_code

    @property
    def edition(self) -> str:
        return self._score.edition

    def to_json(self) -> str:
        """Compact JSON (docs/schemas/score.schema.json), iid with exactly two decimals."""
        return self._score.to_json()

    def to_dict(self) -> dict:
        if self._dict is None:
            self._dict = json.loads(self.to_json())
        return json.loads(json.dumps(self._dict))

    def __getitem__(self, key: str) -> Any:
        if self._dict is None:
            self._dict = json.loads(self.to_json())
        return self._dict[key]

    def __repr__(self) -> str:
        return (f"<inovasi.Result {self.region} {self.edition} {self.policy}: "
                f"IID {hundredths_text(self.iid_hundredths)} {self.category}>")


def score(data: SubmissionLike, edition: Union[str, Edition, None] = None,
          policy: str = "self_assessed", **parse_options: Any) -> Result:
    """Score one region exactly. ``policy``: self_assessed (default), supported, strict, assessor."""
    sub = parse_submission(data, edition, **parse_options)
    return Result(_core.score(sub, _utf8(policy, "policy")))


def prevalidate(data: SubmissionLike, edition: Union[str, Edition, None] = None,
                policy: str = "self_assessed", **parse_options: Any) -> list[dict]:
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
    return _core.prevalidate(parse_submission(data, edition, **parse_options), policy)


def score_many(text: Union[str, bytes], edition: Union[str, Edition, None] = None, *,
               override_edition: bool = False, policy: str = "self_assessed", source: str = "",
               max_innovations: Optional[int] = None, max_depth: Optional[int] = None,
               max_document_bytes: Optional[int] = None,
               max_evidence_items: Optional[int] = None) -> list[tuple]:
    """Score every record of a text (one object or JSON Lines), in one C++ call.

    Returns ``(index, line, column, score_json or None, error or None, pointer or None)`` per
    record, in input order.
    """
    limits = parse_limits(max_innovations, max_depth, max_document_bytes, max_evidence_items)
    ed = globals()["edition"](edition) if edition is not None else None
    if isinstance(text, str):
        text = _utf8(text, "JSON text")
    return _core.score_records(text, ed, override_edition, _utf8(policy, "policy"),
                               printable(source), limits)
