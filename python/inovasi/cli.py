"""The ``inovasi`` command line (formats.md, "Command line").

Exit statuses: 0 success; 2 bad input (message on stderr, nothing written to stdout or the
output file; with --keep-going the good records are written and every bad one reported, and
the status is still 2); 1 internal error.

Inputs are read and scored record by record (memory bounded by the largest record, not the
input); output is spooled and only appears when the run succeeds (docs/reliability.md).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import stat
import sys
import tempfile
from typing import Iterable, Iterator, Sequence

from . import _api, _core, _files
from ._api import InputError

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT = 0, 1, 2


class UsageError(Exception):
    pass


def _check_readable(name: str) -> None:
    """Fail before any work when an input cannot be opened (a typo in the last of many files)."""
    if name == "-":
        return
    try:
        st = os.stat(name)
        if stat.S_ISDIR(st.st_mode):
            raise UsageError(f"{name}: cannot read (Is a directory)")
        if not stat.S_ISFIFO(st.st_mode):  # opening a FIFO would wait for its writer
            os.close(os.open(name, os.O_RDONLY | os.O_CLOEXEC))
    except OSError as exc:
        raise UsageError(f"{name}: cannot read ({exc.strerror})") from None


class _Spool:
    """Output held back until the run succeeds, never in memory for a big run. With --out: a
    temporary file next to the target, fsync'ed and renamed over it at the end (the old file
    survives any failure, a reader never sees half a file). For stdout: memory up to 8 MiB, then
    an unlinked temporary file, copied to stdout at the end. discard() leaves nothing behind."""

    def __init__(self, out: str | None):
        self.out, self.tmp = out, None
        self._synced = False
        if out is None:
            self.f = tempfile.SpooledTemporaryFile(max_size=8 << 20)
            return
        try:
            fd, tmp = _files.create_temporary(out)
        except OSError as exc:
            raise UsageError(f"--out {out}: cannot write ({exc.strerror})") from None
        self.tmp = tmp
        self.f = os.fdopen(fd, "wb", buffering=1 << 20)

    def write(self, data: bytes) -> None:
        try:
            self.f.write(data)
        except OSError as exc:
            raise UsageError(f"--out {self.out or '<stdout spool>'}: cannot write ({exc.strerror})") from None
        if not self._synced:
            self._synced = True
            # Test-only hook (tests/python/test_cli_reliability.py): say "the first record is
            # spooled" through a FIFO, so a test can kill the run at a known point without sleeping.
            sync = os.environ.get("INOVASI_TEST_SYNC_FIFO")
            if sync:
                self.f.flush()
                with open(sync, "wb") as fifo:
                    fifo.write(b"1")

    def commit(self) -> None:
        if self.out is None:
            self.f.seek(0)
            shutil.copyfileobj(self.f, sys.stdout.buffer, 1 << 20)
            sys.stdout.buffer.flush()
            self.f.close()
            return
        try:
            self.f.flush()
            os.fsync(self.f.fileno())
            self.f.close()
            _files.publish(self.tmp, self.out)
            self.tmp = None
        except OSError as exc:
            raise UsageError(f"--out {self.out}: cannot write ({exc.strerror})") from None

    def discard(self) -> None:
        try:
            self.f.close()
        except OSError:
            pass
        if self.tmp is not None:
            try:
                os.unlink(self.tmp)
            except OSError:
                pass
            self.tmp = None


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


class _Stop(Exception):
    """A bad record without --keep-going: the run ends, nothing is written."""


def _prepare(args):
    """Checks everything that can be checked before reading: the edition, the policy, the inputs."""
    edition = _api.edition(args.edition) if args.edition else None
    if args.policy not in _api.policies():
        raise UsageError(f'--policy: "{args.policy}" is not one of: {", ".join(_api.policies())}')
    for name in args.files:
        _check_readable(name)
    return edition


def _positive_int(text: str) -> int:
    """argparse type for a limit: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {text!r}")
    return value


def _scored_batches(args, edition, errors: list) -> Iterator[list[str]]:
    """The JSON scores of the good records of every input, in input order, a batch at a time as
    the input is read. Each bad record is reported on stderr at once and appended to `errors`;
    without --keep-going the first one stops the run (_Stop)."""
    limits = _api.parse_limits(args.max_innovations, args.max_depth, args.max_document_bytes,
                               args.max_evidence_items)
    for name in args.files:
        source = "<stdin>" if name == "-" else name
        try:
            f = None if name == "-" else open(name, "rb", buffering=0)
        except OSError as exc:
            raise UsageError(f"{name}: cannot read ({exc.strerror})") from None
        try:
            try:
                fd = sys.stdin.fileno() if f is None else f.fileno()
            except (AttributeError, ValueError, OSError):
                raise UsageError(f"{source}: cannot read (no standard input)") from None
            stream = _core.ScoreStream(fd, edition, edition is not None, args.policy, source, limits)
            seen = 0
            while True:
                try:
                    batch = stream.next_batch(1024, 1 << 20)
                except OSError as exc:
                    raise UsageError(f"{source}: cannot read ({exc.strerror})") from None
                if not batch:
                    break
                seen += len(batch)
                good = []
                for _idx, _line, _col, js, err, _ptr in batch:
                    if err is None:
                        good.append(js)
                        continue
                    errors.append(err)
                    print(err, file=sys.stderr, flush=True)
                    if not args.keep_going:
                        raise _Stop()
                if good:
                    yield good
            if not seen:
                err = f"{source}: empty input: expected a JSON object per region"
                errors.append(err)
                print(err, file=sys.stderr, flush=True)
                if not args.keep_going:
                    raise _Stop()
        finally:
            if f is not None:
                f.close()


def _run(args, per_batch, at_end=None) -> int:
    """Streams every input through `per_batch(lines) -> bytes` into the spool (and `at_end()` ->
    bytes for whole-run formats), then publishes the spool only if the run may write."""
    edition = _prepare(args)
    errors: list[str] = []
    spool = _Spool(args.out)
    try:
        for lines in _scored_batches(args, edition, errors):
            data = per_batch(lines)
            if data:
                spool.write(data)
        if at_end is not None:
            spool.write(at_end())
        spool.commit()
    except _Stop:
        spool.discard()
        return EXIT_INPUT
    except BaseException:
        spool.discard()
        raise
    return EXIT_INPUT if errors else EXIT_OK


def _cmd_score(args) -> int:
    if args.format == "table":
        records: list[dict] = []
        return _run(args, lambda lines: records.extend(json.loads(l) for l in lines),
                    lambda: _table(records).encode("utf-8"))
    return _run(args, lambda lines: "".join(l + "\n" for l in lines).encode("utf-8"))


def _cmd_check(args) -> int:
    if args.format == "table":
        records: list[dict] = []
        return _run(args, lambda lines: records.extend(json.loads(l) for l in lines),
                    lambda: _findings_table(records, args.verbose).encode("utf-8"))

    def findings(lines):
        out = []
        for l in lines:
            r = json.loads(l)
            for f in r["findings"]:
                out.append(json.dumps({"region": r["region"], "edition": r["edition"],
                                       "policy": r["policy"], **f}, ensure_ascii=False) + "\n")
        return "".join(out).encode("utf-8")
    return _run(args, findings)


def _cmd_editions(args) -> int:
    for name in _api.edition_names():
        ed = _api.edition(name)
        print(f"{name:10}  {ed.title}")
    return EXIT_OK


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="inovasi", description="Exact scoring of the Indeks Inovasi Daerah (IID).",
        epilog="Exit status: 0 success; 2 bad input (nothing written, or with --keep-going the "
               "good records written and the bad ones reported); 1 internal error. Input is "
               "streamed record by record; output appears only when the run succeeds.")
    sub = p.add_subparsers(dest="command", required=True)

    def common(sp):
        sp.add_argument("files", nargs="+", metavar="FILE",
                        help="submission files (one JSON object or JSON Lines); - for stdin")
        sp.add_argument("--edition", help="shipped edition name or edition file; overrides each record's")
        sp.add_argument("--policy", default="self_assessed",
                        help="validation policy: self_assessed (default), supported, strict, assessor")
        sp.add_argument("--format", choices=["json", "table"], default="json")
        sp.add_argument("--out", help="write here instead of stdout, atomically: only a run that "
                        "succeeds replaces the file (temporary .NAME.inovasi-tmp-PID-* beside it)")
        sp.add_argument("--keep-going", action="store_true",
                        help="score every good record and report every bad one with its line "
                        "(the output is written; exit status still 2)")
        # Limits on one record; unset ones keep the library's defaults (docs/reliability.md).
        sp.add_argument("--max-innovations", type=_positive_int, metavar="N",
                        help="innovations per region (default 10000)")
        sp.add_argument("--max-evidence-items", type=_positive_int, metavar="N",
                        help="evidence items per answer (default 200)")
        sp.add_argument("--max-depth", type=_positive_int, metavar="N",
                        help="levels of JSON nesting (default 64; above 1024 counts as 1024)")
        sp.add_argument("--max-document-bytes", type=_positive_int, metavar="N",
                        help="bytes in one record (default 67108864, 64 MiB)")
        sp.add_argument("--verbose", action="store_true", help="check --format table: list info findings too")

    sp = sub.add_parser("score", help="score submissions: one JSON line per region")
    common(sp)
    sp.set_defaults(func=_cmd_score)
    sp = sub.add_parser("check", help="pre-validation findings only")
    common(sp)
    sp.set_defaults(func=_cmd_check)
    sp = sub.add_parser("editions", help="list the shipped editions")
    sp.set_defaults(func=_cmd_editions)
    from . import ranking
    ranking.add_parser(sub)
    from . import synth
    synth.add_parser(sub)
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
