"""`inovasi editions [NAME]`: the shipped editions, or one edition's rows (names, weights,
levels) as a table or JSON.

From Python: :func:`rows` gives the rows of an edition as dicts, :func:`table` the text the
command prints.
"""

from __future__ import annotations

import json
from typing import Any, Union

from . import _api
from ._text import printable

__all__ = ["rows", "table", "json_object"]


def rows(edition: Union[str, "_api.Edition"]) -> list[dict[str, Any]]:
    """One dict per row of the edition, in display order: key, aspect, variable, indicator,
    name, english, weight (exact text), mandatory and levels (the label of each level, from
    level 0)."""
    ed = _api.edition(edition)
    return [{k: r[k] for k in ("key", "aspect", "variable", "indicator", "name", "english", "weight",
                               "mandatory", "levels")} for r in ed.rows]


def json_object(edition: Union[str, "_api.Edition"]) -> dict[str, Any]:
    ed = _api.edition(edition)
    return {"name": ed.name, "title": ed.title, "assessment_year": ed.assessment_year,
            "sha256": ed.sha256, "level_max": ed.level_max, "max_total": ed.max_total,
            "rows": rows(ed)}


def table(edition: Union[str, "_api.Edition"]) -> str:
    """The edition's rows for people: one line per row (key, aspect, weight, mandatory mark,
    name), its levels indented below it."""
    ed = _api.edition(edition)
    out = [f"{ed.name}: {ed.title} (assessment year {ed.assessment_year}; max total {ed.max_total}; "
           f"levels 0-{ed.level_max}; * mandatory)",
           f"{'row':>4}  {'aspect':<10}  {'weight':>6}  name"]
    for r in rows(ed):
        mark = "*" if r["mandatory"] else " "
        english = f" ({r['english']})" if r["english"] else ""
        out.append(f"{r['key']:>4}  {r['aspect']:<10}  {r['weight']:>6}{mark} {r['name']}{english}")
        for level, label in enumerate(r["levels"]):
            out.append(f"{'':>26}{level}: {label}")
    return "".join(printable(line) + "\n" for line in out)


def add_parser(sub: Any) -> None:
    sp = sub.add_parser("editions", help="list the shipped editions, or show one edition's rows")
    sp.add_argument("name", nargs="?", metavar="NAME",
                    help="a shipped edition's name or an edition file: print its rows (names, weights, levels)")
    sp.add_argument("--format", choices=["table", "json"], default="table")
    sp.set_defaults(func=run)


def run(args: Any) -> int:
    from .cli import write_stdout

    if args.name is None:
        if args.format == "json":
            listing = [{"name": n, "title": _api.edition(n).title} for n in _api.edition_names()]
            write_stdout([(json.dumps(listing, ensure_ascii=False) + "\n").encode("utf-8")])
        else:
            write_stdout([f"{n:10}  {printable(_api.edition(n).title)}\n".encode("utf-8")
                          for n in _api.edition_names()])
        return 0
    if args.format == "json":
        write_stdout([(json.dumps(json_object(args.name), ensure_ascii=False) + "\n").encode("utf-8")])
    else:
        write_stdout([table(args.name).encode("utf-8")])
    return 0
