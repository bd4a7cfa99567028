"""The command line's one seam for spreadsheet inputs (docs/spreadsheets.md): every command that
reads submission files goes through :func:`converted`, so `score`, `check`, `explain`, `plan`,
`gains`, `rank` (and any later command with a ``files`` or ``file`` argument) take .xlsx and
.csv files without a line of their own. Light on purpose: nothing but ``os`` is imported until
a spreadsheet is among the inputs."""

from __future__ import annotations

import contextlib
import json
import os


def is_spreadsheet(path) -> bool:
    """A path the spreadsheet reader takes (by its extension, .xlsx or .csv, any case)."""
    try:
        p = os.fsdecode(os.fspath(path))
    except TypeError:
        return False
    return p.lower().endswith((".xlsx", ".csv"))


@contextlib.contextmanager
def converted(args):
    """The command line's one seam for spreadsheets: every .xlsx or .csv among the inputs of a
    command (``args.files`` or ``args.file``) is read, whole and validated, into JSON Lines in a
    private temporary directory, and the command reads that instead (its name is the input's
    with ``.jsonl`` added, so a later message still says which input). A bad spreadsheet stops
    the run before the command starts: nothing is written. The temporaries are removed after."""
    import shutil
    import tempfile

    tmp = None
    try:
        for attr in ("files", "file"):
            value = getattr(args, attr, None)
            if value is None:
                continue
            paths = list(value) if isinstance(value, (list, tuple)) else [value]
            changed = False
            for k, p in enumerate(paths):
                if p == "-" or not is_spreadsheet(p):
                    continue
                from . import spreadsheet  # imported only when a spreadsheet is given

                subs = spreadsheet.read(p, edition=getattr(args, "edition", None))
                if tmp is None:
                    tmp = tempfile.mkdtemp(prefix="inovasi-sheets-")
                target = os.path.join(tmp, f"{attr}-{k}", os.path.basename(os.fspath(p)) + ".jsonl")
                os.makedirs(os.path.dirname(target))
                with open(target, "w", encoding="utf-8") as f:
                    for s in subs:
                        f.write(json.dumps(s, ensure_ascii=False, separators=(",", ":")) + "\n")
                paths[k] = target
                changed = True
            if changed:
                setattr(args, attr, paths if isinstance(value, (list, tuple)) else paths[0])
        yield args
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
