"""The ``inovasi`` command line (formats.md, "Command line").

Exit statuses: 0 success; 2 bad input (message on stderr, nothing written to stdout or the
output file; with --keep-going the good records are written and every bad one reported, and
the status is still 2); 1 internal error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from typing import Iterable, Sequence

from . import _api
from ._api import InputError

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT = 0, 1, 2


class UsageError(Exception):
    pass


def _read_input(name: str) -> bytes:
    if name == "-":
        return sys.stdin.buffer.read()
    try:
        with open(name, "rb") as f:
            return f.read()
    except OSError as exc:
        raise UsageError(f"{name}: cannot read ({exc.strerror})") from None


def _write_atomically(path: str, data: bytes) -> None:
    """Temporary file in the target's directory, fsync, rename: the old file survives any
    failure, and no reader ever sees half a file."""
    directory = os.path.dirname(os.path.abspath(path)) or "."
    fd, tmp = tempfile.mkstemp(prefix=".inovasi-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        dfd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _fmt_points(x) -> str:
    return f"{x:.2f}" if isinstance(x, float) else str(x)


def _table(scores: Sequence[dict]) -> str:
    headers = ["Region", "Name", "Type", "Edition", "Policy", "IID", "Category", "SPD",
               "SID avg", "Count", "n", "Divisor", "At risk"]
    rows = []
    for s in scores:
        rows.append([
            s["region"], s.get("name", ""), s["type"], s["edition"], s["policy"],
            f'{s["iid"]:.2f}', s["category"], _fmt_points(s["government_points"]),
            _fmt_points(s["innovation_average"]), _fmt_points(s["count_points"]),
            str(s["innovations_counted"]), str(s["divisor"]),
            f'{s["points_at_risk"]["iid"]:.2f}',
        ])
    right = {"IID", "SPD", "SID avg", "Count", "n", "Divisor", "At risk"}
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
              for i, h in enumerate(headers)]

    def line(cells):
        return "  ".join(c.rjust(w) if h in right else c.ljust(w)
                         for c, w, h in zip(cells, widths, headers)).rstrip()

    out = [line(headers), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in rows]
    notes = []
    for s in scores:
        for d in s.get("decided_by", []):
            notes.append(f'{s["region"]}: {d["rule"]} {d["chosen"]} decided it '
                         f'({d["alternative"]} gives {d["alternative_iid"]:.2f} {d["alternative_category"]})')
        if "count_gate" in s and not s["count_gate"]["open"]:
            g = s["count_gate"]
            notes.append(f'{s["region"]}: count points 0: innovations cover {g["affairs_covered"]} '
                         f'basic-service affairs, {g["min_covered"]} needed')
    errors = sum(1 for s in scores for f in s.get("findings", []) if f["severity"] == "error")
    if errors:
        notes.append(f"{errors} error-severity evidence finding(s) in all: "
                     "`inovasi check FILE --format table` lists them; "
                     "'At risk' is the IID a validated policy would take away")
    if notes:
        out += ["", *notes]
    return "\n".join(out) + "\n"


_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def _findings_table(records: Sequence[dict], verbose: bool = False) -> str:
    """Findings a planner can act on: errors first, then warnings; info findings are counted
    (listed with --verbose)."""
    lines = []
    for r in records:
        fs = sorted(r["findings"], key=lambda f: _SEVERITY_ORDER.get(f["severity"], 3))
        counts = {k: sum(1 for f in fs if f["severity"] == k) for k in _SEVERITY_ORDER}
        risk = r.get("points_at_risk", {})
        lines.append(f'{r["region"]} {r.get("name", "")} ({r["edition"]}, policy {r["policy"]}): '
                     f'IID {r["iid"]:.2f} {r["category"]}; '
                     f'{counts["error"]} error(s), {counts["warning"]} warning(s), {counts["info"]} info')
        if risk:
            lines.append(f'  points at risk ({risk["compares"]}): {risk["points"]:.2f} points, '
                         f'{risk["iid"]:.2f} IID')
        for f in fs:
            if f["severity"] == "info" and not verbose:
                continue
            where = f' innovation {f["innovation"]}' if f.get("innovation") else ""
            lines.append(f'  {f["severity"].upper():7}  indicator {f["row"]}{where}: {f["message"]}'
                         f'  [{f["pointer"]}]')
        if counts["info"] and not verbose:
            lines.append(f'  ({counts["info"]} info finding(s) not shown: use --verbose)')
        lines.append("")
    return "\n".join(lines)


def _score_inputs(args) -> tuple[list[str], list[str]]:
    """The JSON score line of every good record of every input (in order), and the errors."""
    edition = None
    if args.edition:
        edition = _api.edition(args.edition)
    if args.policy not in _api.policies():
        raise UsageError(f'--policy: "{args.policy}" is not one of: {", ".join(_api.policies())}')
    lines: list[str] = []
    errors: list[str] = []
    for name in args.files:
        data = _read_input(name)
        source = "<stdin>" if name == "-" else name
        if not data.strip():
            errors.append(f"{source}: empty input: expected a JSON object per region")
            continue
        records = _api.score_many(data, edition, override_edition=edition is not None,
                                  policy=args.policy, source=source,
                                  max_innovations=args.max_innovations)
        for _idx, _line, _col, js, err, _ptr in records:
            if err is not None:
                errors.append(err)
            else:
                lines.append(js)
    return lines, errors


def _scored_or_status(args) -> tuple[list[str], list[str], int | None]:
    """Scores every input and reports bad records on stderr. Returns the score lines, the
    errors, and an exit status when nothing may be written (bad input without --keep-going)."""
    lines, errors = _score_inputs(args)
    for e in errors:
        print(e, file=sys.stderr)
    return lines, errors, EXIT_INPUT if errors and not args.keep_going else None


def _cmd_score(args) -> int:
    lines, errors, status = _scored_or_status(args)
    if status is not None:
        return status
    if args.format == "table":
        text = _table([json.loads(l) for l in lines])
    else:
        text = "".join(l + "\n" for l in lines)
    _emit(args, text)
    return EXIT_INPUT if errors else EXIT_OK


def _cmd_check(args) -> int:
    lines, errors, status = _scored_or_status(args)
    if status is not None:
        return status
    records = [json.loads(l) for l in lines]
    if args.format == "table":
        text = _findings_table(records, args.verbose)
    else:
        out = []
        for r in records:
            for f in r["findings"]:
                out.append(json.dumps({"region": r["region"], "edition": r["edition"],
                                       "policy": r["policy"], **f}, ensure_ascii=False))
        text = "".join(l + "\n" for l in out)
    _emit(args, text)
    return EXIT_INPUT if errors else EXIT_OK


def _emit(args, text: str) -> None:
    data = text.encode("utf-8")
    if args.out:
        try:
            _write_atomically(args.out, data)
        except OSError as exc:
            raise UsageError(f"--out {args.out}: cannot write ({exc.strerror})") from None
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()


def _cmd_editions(args) -> int:
    for name in _api.edition_names():
        ed = _api.edition(name)
        print(f"{name:10}  {ed.title}")
    return EXIT_OK


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="inovasi", description="Exact scoring of the Indeks Inovasi Daerah (IID).")
    sub = p.add_subparsers(dest="command", required=True)

    def common(sp):
        sp.add_argument("files", nargs="+", metavar="FILE",
                        help="submission files (one JSON object or JSON Lines); - for stdin")
        sp.add_argument("--edition", help="shipped edition name or edition file; overrides each record's")
        sp.add_argument("--policy", default="self_assessed",
                        help="validation policy: self_assessed (default), supported, strict, assessor")
        sp.add_argument("--format", choices=["json", "table"], default="json")
        sp.add_argument("--out", help="write here (atomically) instead of stdout")
        sp.add_argument("--keep-going", action="store_true",
                        help="score every good record and report every bad one (exit status still 2)")
        sp.add_argument("--max-innovations", type=int, default=10000, help="limit per region")
        sp.add_argument("--verbose", action="store_true", help="check --format table: list info findings too")

    sp = sub.add_parser("score", help="score submissions: one JSON line per region")
    common(sp)
    sp.set_defaults(func=_cmd_score)
    sp = sub.add_parser("check", help="pre-validation findings only")
    common(sp)
    sp.set_defaults(func=_cmd_check)
    sp = sub.add_parser("editions", help="list the shipped editions")
    sp.set_defaults(func=_cmd_editions)
    return p


def main(argv: Iterable[str] | None = None) -> int:
    args = _parser().parse_args(list(argv) if argv is not None else None)
    try:
        return args.func(args)
    except (InputError, UsageError) as exc:
        print(f"inovasi: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # an internal error: a bug, not the user's input
        print(f"inovasi: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_INTERNAL
