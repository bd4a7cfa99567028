"""inovasi — exact, explainable scoring of Indonesia's regional innovation index (IID).

The C++ core (``inovasi._core``) does the arithmetic; this package is the Python surface::

    import inovasi
    result = inovasi.score("examples/kabupaten-berau-2023.json")
    result.iid, result.category          # (45.76, 'Inovatif')
    result.innovations                   # the breakdown, read from the score (no JSON)
    result.to_dict()["innovations"]      # the full JSON form

Editions are the methodology as data: ``inovasi.edition("iid-2026")`` or a path to your own
edition file (see docs/editions.md). Every subpackage (``inovasi.batch``, ``inovasi.scenario``,
...) is an attribute, imported on first use: ``import inovasi`` itself loads neither pandas nor
pyarrow (docs/python.md).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from . import _core
from ._api import (
    Edition,
    InputError,
    Result,
    ScoredRecord,
    Submission,
    edition,
    edition_names,
    parse_limits,
    parse_submission,
    policies,
    prevalidate,
    score,
    score_many,
    thread_count,
)

if TYPE_CHECKING:  # what the lazy attributes below are, for type checkers
    from . import (batch, cli, dask, departments, editions, explain, frames, planning, random, ranking,
                   scenario, spreadsheet, synth, uncertainty, whatif)

__all__ = [
    "Edition",
    "InputError",
    "Result",
    "ScoredRecord",
    "Submission",
    "edition",
    "edition_names",
    "parse_limits",
    "parse_submission",
    "policies",
    "prevalidate",
    "score",
    "score_many",
    "thread_count",
]
__version__: str = _core.version()

# Subpackages reachable as attributes, imported when first used (PEP 562): the heavy ones
# (pandas, pyarrow, openpyxl, dask) load only with the module that needs them.
_SUBMODULES = frozenset({
    "batch", "cli", "departments", "editions", "explain", "frames", "planning", "random", "ranking",
    "scenario", "synth", "whatif", "dask", "spreadsheet", "uncertainty", "sensitivity",
})


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        try:
            module = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise  # the module exists and needs a package that is not installed: say which
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
        globals()[name] = module
        return module
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _SUBMODULES)
