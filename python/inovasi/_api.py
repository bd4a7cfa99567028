"""The public Python API over the private C++ module ``_core``."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional, Union

from . import _core
from ._text import hundredths_text

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


def edition(name_or_path: Union[str, os.PathLike, Edition]) -> Edition:
    """A shipped edition by name (``"iid-2026"``) or an edition file by path."""
    if isinstance(name_or_path, Edition):
        return name_or_path
    return _core.resolve_edition(os.fspath(name_or_path))


def _reject_non_finite(value: Any, pointer: str) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        err = InputError(f"{pointer or '/'}: {value!r} is not a finite number")
        err.pointer, err.line, err.column, err.source, err.message = (
            pointer or "/", None, None, None, f"{value!r} is not a finite number")
        raise err
    if isinstance(value, Mapping):
        for k, v in value.items():
            _reject_non_finite(v, f"{pointer}/{str(k).replace('~', '~0').replace('/', '~1')}")
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            _reject_non_finite(v, f"{pointer}/{i}")


def _text_of(data: SubmissionLike) -> tuple[Union[str, bytes], str]:
    """(JSON text, source name) for a dict, a JSON string, bytes or a path. Bytes go to the
    core undecoded, so invalid UTF-8 is reported there with its position."""
    if isinstance(data, Mapping):
        _reject_non_finite(data, "")
        # json.dumps writes floats through repr, so 8.17 stays 8.17 for the exact reader.
        return json.dumps(data, ensure_ascii=False, allow_nan=False), ""
    if isinstance(data, bytes):
        return data, ""
    if isinstance(data, str) and data.lstrip().startswith(("{", "[")):
        return data, ""
    path = Path(os.fspath(data))
    try:
        raw = path.read_bytes()
    except OSError as exc:
        err = InputError(f"{path}: cannot read ({exc.strerror})")
        err.pointer, err.line, err.column, err.source, err.message = None, None, None, str(path), exc.strerror
        raise err from None
    return raw, str(path)


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
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive integer, not {value!r}")
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
    text, source = _text_of(data)
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
        """Compact JSON per formats.md (iid with exactly two decimals)."""
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
    return Result(_core.score(sub, policy))


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
    return _core.score_records(text, ed, override_edition, policy, source, limits)
