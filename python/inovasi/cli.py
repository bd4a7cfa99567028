"""The ``inovasi`` command line (README, "Scoring submissions").

Exit statuses: 0 success; 2 bad input (message on stderr, nothing written to stdout or the
output file; with --keep-going the good records are written and every bad one reported, and
the status is still 2); 1 internal error; 128 + N after signal N (the temporary removed); 141
when stdout's reader went away (quietly, as a process SIGPIPE killed).

Inputs are read and scored record by record (memory bounded by the largest record, not the
input); output is spooled and only appears when the run succeeds (docs/reliability.md).
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import io
import json
import os
import re
import shutil
import signal
import stat
import sys
import tempfile
import threading
from typing import Iterable, Iterator, Sequence

from . import _api, _core, _files
from ._api import InputError
from ._text import printable

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


class _QuietExit(Exception):
    """stdout's reader went away (``inovasi score ... | head -1``): stop without a message, with
    the status a process killed by SIGPIPE has (128 + 13), as the shell's own tools do."""


EXIT_BROKEN_PIPE = 128 + signal.SIGPIPE


def _stdout() -> "io.BufferedWriter":
    out = sys.stdout
    if out is None or _STDOUT_CLOSED[0]:
        raise UsageError("stdout: cannot write (standard output is closed)")
    return out.buffer


def _stdout_failed(exc: OSError) -> Exception:
    """The exception to raise for a failed write to stdout. Fd 1 then points at /dev/null, so
    the interpreter's own flush at exit cannot fail a second time (and print a traceback)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
    if exc.errno == errno.EPIPE:
        return _QuietExit()
    return UsageError(f"stdout: cannot write ({exc.strerror})")


def write_stdout(chunks: Iterable[bytes]) -> None:
    """Writes to stdout, turning a full disk, a closed or broken stdout into a clear exit."""
    out = _stdout()
    try:
        for c in chunks:
            out.write(c)
        out.flush()
    except OSError as exc:
        raise _stdout_failed(exc) from None


def _copy_to(f, fd: int, name: str) -> None:
    f.seek(0)
    with os.fdopen(fd, "wb", closefd=True) as dst:
        try:
            shutil.copyfileobj(f, dst, 1 << 20)
            dst.flush()
        except OSError as exc:
            raise _files.OutputError(name, exc.strerror, "--out ") from None


class _Spool:
    """Output held back until the run succeeds, never in memory for a big run. With --out at a
    regular file (or nothing yet): a temporary file next to the target, fsync'ed and renamed
    over it at the end (the old file survives any failure, a reader never sees half a file;
    _files.Output). For stdout, and an --out that is written through (a device, a FIFO): memory
    up to 8 MiB, then an unlinked temporary file, copied at the end. discard() leaves nothing."""

    def __init__(self, out: str | None):
        self.out, self.target = out, None
        self._synced = False
        if out is not None:
            self.target = _files.Output(out, "--out ")
            if not self.target.through:
                self.f = os.fdopen(self.target.fd, "wb", buffering=1 << 20, closefd=False)
                return
        self.f = tempfile.SpooledTemporaryFile(max_size=8 << 20)

    def write(self, data: bytes) -> None:
        try:
            self.f.write(data)
        except OSError as exc:
            raise _files.OutputError(self.out or "<stdout spool>", exc.strerror, "--out " if self.out else "") from None
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
        if self.target is None:
            self.f.seek(0)
            write_stdout(iter(lambda: self.f.read(1 << 20), b""))
            self.f.close()
            return
        if self.target.through:
            _copy_to(self.f, self.target.open(), self.out)
            self.f.close()
            return
        try:
            self.f.flush()
            self.f.close()
        except OSError as exc:
            raise _files.OutputError(self.out, exc.strerror, "--out ") from None
        self.target.commit()

    def discard(self) -> None:
        try:
            self.f.close()
        except OSError:
            pass
        if self.target is not None:
            self.target.discard()

def _fmt_points(x) -> str:
    return f"{x:.2f}" if isinstance(x, float) else str(x)


_TABLE_HEADERS = ["Region", "Name", "Type", "Edition", "Policy", "IID", "Category", "SPD",
                  "SID avg", "Count", "n", "Divisor", "At risk"]
_TABLE_RIGHT = {"IID", "SPD", "SID avg", "Count", "n", "Divisor", "At risk"}


class _Table:
    """`score --format table` in memory that does not grow with the number of regions: each
    region's cells (escaped: _text.printable) and notes go to spooled temporary files as they
    come; only the column widths and the error count stay in memory. The rows are read back
    once at the end, when the widths are known."""

    def __init__(self):
        self.rows = tempfile.SpooledTemporaryFile(max_size=4 << 20)
        self.notes = tempfile.SpooledTemporaryFile(max_size=1 << 20)
        self.widths = [len(h) for h in _TABLE_HEADERS]
        self.errors = 0

    def add(self, s: dict) -> None:
        row = [printable(c) for c in (
            s["region"], s.get("name", ""), s["type"], s["edition"], s["policy"],
            f'{s["iid"]:.2f}', s["category"], _fmt_points(s["government_points"]),
            _fmt_points(s["innovation_average"]), _fmt_points(s["count_points"]),
            str(s["innovations_counted"]), str(s["divisor"]),
            f'{s["points_at_risk"]["iid"]:.2f}')]
        self.widths = [max(w, len(c)) for w, c in zip(self.widths, row)]
        # Cells hold no tab or newline once escaped, so one line of tab-separated cells each.
        self.rows.write(("\t".join(row) + "\n").encode("utf-8"))
        region = printable(s["region"])
        for d in s.get("decided_by", []):
            self._note(f'{region}: {d["rule"]} {d["chosen"]} decided it '
                       f'({d["alternative"]} gives {d["alternative_iid"]:.2f} {d["alternative_category"]})')
        if "count_gate" in s and not s["count_gate"]["open"]:
            g = s["count_gate"]
            self._note(f'{region}: count points 0: innovations cover {g["affairs_covered"]} '
                       f'basic-service affairs, {g["min_covered"]} needed')
        self.errors += sum(1 for f in s.get("findings", []) if f["severity"] == "error")

    def _note(self, text: str) -> None:
        self.notes.write((printable(text) + "\n").encode("utf-8"))

    def _line(self, cells) -> str:
        return "  ".join(c.rjust(w) if h in _TABLE_RIGHT else c.ljust(w)
                         for c, w, h in zip(cells, self.widths, _TABLE_HEADERS)).rstrip() + "\n"

    def render(self) -> Iterator[bytes]:
        yield (self._line(_TABLE_HEADERS) + "  ".join("-" * w for w in self.widths) + "\n").encode("utf-8")
        self.rows.seek(0)
        for raw in self.rows:
            yield self._line(raw.decode("utf-8").rstrip("\n").split("\t")).encode("utf-8")
        if self.errors:
            self._note(f"{self.errors} error-severity evidence finding(s) in all: "
                       "`inovasi check FILE --format table` lists them; "
                       "'At risk' is the IID a validated policy would take away")
        if self.notes.tell():
            yield b"\n"
            self.notes.seek(0)
            yield from iter(lambda: self.notes.read(1 << 20), b"")
        self.rows.close()
        self.notes.close()


def _table(scores: Sequence[dict]) -> str:
    """The whole table of `scores` as one string (what `score --format table` prints)."""
    t = _Table()
    for s in scores:
        t.add(s)
    return b"".join(t.render()).decode("utf-8")


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
    edition = _api.edition(args.edition) if args.edition is not None else None
    if args.policy not in _api.policies():
        raise UsageError(f'--policy: "{printable(args.policy)}" is not one of: {", ".join(_api.policies())}')
    for name in args.files:
        _check_readable(name)
    return edition


_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")


def integer(low: int | None = None, high: int | None = None, what: str = "a whole number",
            high_text: str | None = None):
    """argparse type for a whole number in low..high, written in ASCII digits (int() alone also
    takes "1_000", " 5 " and other scripts' digits). Every integer option uses it."""
    def parse(text: str) -> int:
        value = int(text) if _WHOLE_NUMBER.fullmatch(text) else None
        if value is not None and high is not None and value > high:
            raise argparse.ArgumentTypeError(f"must be at most {high_text or high}, not {printable(repr(text))}")
        if value is None or (low is not None and value < low):
            raise argparse.ArgumentTypeError(f"must be {what}, not {printable(repr(text))}")
        return value
    return parse


# A limit: at least 1 and at most what the library's size_t holds on every platform it builds on.
_positive_int = integer(1, _api.MAX_LIMIT, "a whole number of at least 1", "2^63-1")


def nonempty(text: str) -> str:
    """argparse type for a name or path that must not be empty (--edition '' is a mistake, not
    "the default")."""
    if not text.strip():
        raise argparse.ArgumentTypeError("must not be empty")
    return text


def _scored_batches(args, edition, failed: list) -> Iterator[list[str]]:
    """The JSON scores of the good records of every input, in input order, a batch at a time as
    the input is read. Each bad record is reported on stderr at once (and only counted:
    failed[0]); without --keep-going the first one stops the run (_Stop)."""
    limits = _api.parse_limits(args.max_innovations, args.max_depth, args.max_document_bytes,
                               args.max_evidence_items)
    for name in args.files:
        source = "<stdin>" if name == "-" else printable(name)
        try:
            f = None if name == "-" else open(name, "rb", buffering=0)
        except OSError as exc:
            raise UsageError(f"{source}: cannot read ({exc.strerror})") from None
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
                    _report(err, failed)
                    if not args.keep_going:
                        raise _Stop()
                if good:
                    yield good
            if not seen:
                _report(f"{source}: empty input: expected a JSON object per region", failed)
                if not args.keep_going:
                    raise _Stop()
        finally:
            if f is not None:
                f.close()


def _report(message: str, failed: list) -> None:
    failed[0] += 1
    print(printable(message), file=sys.stderr, flush=True)


def _run(args, per_batch, at_end=None) -> int:
    """Streams every input through `per_batch(lines) -> bytes` into the spool (and `at_end()` ->
    bytes chunks for whole-run formats), then publishes the spool only if the run may write."""
    edition = _prepare(args)
    failed = [0]
    spool = _Spool(args.out)
    try:
        for lines in _scored_batches(args, edition, failed):
            data = per_batch(lines)
            if data:
                spool.write(data)
        if at_end is not None:
            for data in at_end():
                spool.write(data)
        spool.commit()
    except _Stop:
        spool.discard()
        return EXIT_INPUT
    except BaseException:
        spool.discard()
        raise
    return EXIT_INPUT if failed[0] else EXIT_OK


def _escaped(value):
    """A score record with every string escaped for printing (_text.printable)."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {k: _escaped(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    return value


def _cmd_score(args) -> int:
    if args.format == "table":
        table = _Table()

        def add(lines):
            for l in lines:
                table.add(json.loads(l))
        return _run(args, add, table.render)
    return _run(args, lambda lines: "".join(l + "\n" for l in lines).encode("utf-8"))


def _cmd_check(args) -> int:
    if args.format == "table":
        # Each region's block depends on that region only: printed as it comes (blocks are
        # separated by a blank line, as _findings_table separates them).
        first = [True]

        def blocks(lines):
            text = _findings_table([_escaped(json.loads(l)) for l in lines], args.verbose)
            if not text:
                return b""
            text, first[0] = ("" if first[0] else "\n") + text, False
            return text.encode("utf-8")
        return _run(args, blocks)

    def findings(lines):
        out = []
        for l in lines:
            r = json.loads(l)
            for f in r["findings"]:
                out.append(json.dumps({"region": r["region"], "edition": r["edition"],
                                       "policy": r["policy"], **f}, ensure_ascii=False) + "\n")
        return "".join(out).encode("utf-8")
    return _run(args, findings)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="inovasi", description="Exact scoring of the Indeks Inovasi Daerah (IID).",
        epilog="Exit status: 0 success; 2 bad input (nothing written, or with --keep-going the "
               "good records written and the bad ones reported); 1 internal error; 128+N after "
               "signal N (nothing written); 141 when stdout's reader went away. Input is "
               "streamed record by record; output appears only when the run succeeds.")
    p.add_argument("--version", action="version", version=f"inovasi {_core.version()}")
    sub = p.add_subparsers(dest="command", required=True)

    def common(sp):
        sp.add_argument("files", nargs="+", metavar="FILE",
                        help="submission files (one JSON object or JSON Lines); - for stdin")
        sp.add_argument("--edition", type=nonempty,
                        help="shipped edition name or edition file; overrides each record's")
        sp.add_argument("--policy", default="self_assessed",
                        help="validation policy: self_assessed (default), supported, strict, assessor")
        sp.add_argument("--format", choices=["json", "table"], default="json")
        sp.add_argument("--out", type=nonempty,
                        help="write here instead of stdout, atomically: only a run that succeeds "
                        "replaces the file (temporary .NAME.inovasi-tmp-PID-* beside it; a device "
                        "or FIFO is written through, a symlink's target is replaced)")
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
    from . import editions
    editions.add_parser(sub)
    from . import ranking
    ranking.add_parser(sub)
    from . import departments
    departments.add_parser(sub)
    from . import planning
    planning.add_parser(sub)
    from . import explain
    explain.add_parser(sub)
    from . import whatif
    whatif.add_parser(sub)
    from . import synth
    synth.add_parser(sub)
    from . import uncertainty
    uncertainty.add_parser(sub)
    from . import workbook
    workbook.add_parser(sub)
    return p


# Signals that end a run: its temporary is removed first, then the status says which one
# (128 + the signal's number, as a shell reports a process the signal killed).
_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
_STDOUT_CLOSED = [False]


class _Signalled(BaseException):
    """Raised by the signal handler wherever the run is; unwinds through every cleanup."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _on_signal(signum, _frame):
    for s in _STOP_SIGNALS:  # the cleanup runs once, undisturbed by a second signal
        with contextlib.suppress(ValueError, OSError):
            signal.signal(s, signal.SIG_IGN)
    raise _Signalled(signum)


@contextlib.contextmanager
def _signal_handlers():
    """Installs _on_signal for SIGINT, SIGTERM and SIGHUP while main() runs (in the main thread
    only; a signal ignored when the run started, as under nohup, stays ignored), then restores
    the previous handlers."""
    previous = {}
    if threading.current_thread() is threading.main_thread():
        for s in _STOP_SIGNALS:
            old = signal.getsignal(s)
            if old is signal.SIG_IGN:
                continue
            previous[s] = old
            signal.signal(s, _on_signal)
    try:
        yield
    finally:
        for s, old in previous.items():
            signal.signal(s, old if old is not None else signal.SIG_DFL)


def _standard_fds() -> None:
    """A closed fd 0, 1 or 2 is opened on /dev/null, so no file this run opens can take its
    number (and receive output meant for stdout); output to a stdout that was closed is then
    refused (write_stdout)."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            if fd == 1:
                _STDOUT_CLOSED[0] = True
            with contextlib.suppress(OSError):
                opened = os.open(os.devnull, os.O_RDWR)
                if opened != fd:
                    os.dup2(opened, fd)
                    os.close(opened)


def _error(message: str) -> None:
    with contextlib.suppress(OSError, ValueError, AttributeError):
        print(printable(message), file=sys.stderr, flush=True)


def main(argv: Iterable[str] | None = None) -> int:
    _standard_fds()
    with _signal_handlers():
        try:
            args = _parser().parse_args(list(argv) if argv is not None else None)
            from . import _inputs  # .xlsx and .csv inputs read as JSON Lines
            with _inputs.converted(args):
                return args.func(args)
        except (InputError, UsageError, _files.OutputError) as exc:
            _error(f"inovasi: {exc}")
            return EXIT_INPUT
        except _QuietExit:
            return EXIT_BROKEN_PIPE
        except _Signalled as exc:
            _error(f"inovasi: stopped by {signal.Signals(exc.signum).name}; nothing written")
            return 128 + exc.signum
        except KeyboardInterrupt:  # raised where our handler is not installed (another thread)
            _error("inovasi: interrupted; nothing written")
            return 128 + signal.SIGINT
        except BrokenPipeError as exc:
            raise_quiet = _stdout_failed(exc)
            return EXIT_BROKEN_PIPE if isinstance(raise_quiet, _QuietExit) else EXIT_INPUT
        except Exception as exc:  # an internal error: a bug, not the user's input
            _error(f"inovasi: internal error: {type(exc).__name__}: {exc}")
            return EXIT_INTERNAL
