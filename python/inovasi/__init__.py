"""inovasi — exact, explainable scoring of Indonesia's regional innovation index (IID).

The C++ core (``inovasi._core``) does the arithmetic; this package is the Python surface::

    import inovasi
    result = inovasi.score("examples/kabupaten-berau-2023.json")
    result.iid, result.category          # (45.76, 'Inovatif')
    result.to_dict()["innovations"]      # full breakdown

Editions are the methodology as data: ``inovasi.edition("iid-2026")`` or a path to your own
edition file (see docs/editions.md).
"""

from ._api import (
    Edition,
    InputError,
    Result,
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

__all__ = [
    "Edition",
    "InputError",
    "Result",
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
__version__ = "0.1.0"
