"""Output files written atomically: a marked temporary beside the target, fsync'ed and renamed
over it only when the writer succeeds (the previous file survives any failure, SIGKILL included).

Temporaries are named ``.<name>.inovasi-tmp-<pid>-<random>``: hidden and marked, so never
mistaken for output; one whose process is gone (a killed run) is removed by the next writer of
the same target.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from typing import Iterator, Union

TMP_MARK = ".inovasi-tmp-"
_TMP_TAIL = re.compile(r"(\d+)-[0-9a-f]+")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def remove_stale_temporaries(directory: str, base: str) -> None:
    prefix = f".{base}{TMP_MARK}"
    try:
        names = os.listdir(directory)
    except OSError:
        return
    for name in names:
        m = _TMP_TAIL.fullmatch(name[len(prefix):]) if name.startswith(prefix) else None
        if m and int(m.group(1)) != os.getpid() and not _pid_alive(int(m.group(1))):
            try:
                os.unlink(os.path.join(directory, name))
            except OSError:
                pass


def create_temporary(target: str) -> tuple[int, str]:
    """(fd, path) of a new temporary beside ``target``, after removing stale ones."""
    directory, base = os.path.split(os.path.abspath(target))
    remove_stale_temporaries(directory, base)
    while True:
        tmp = os.path.join(directory, f".{base}{TMP_MARK}{os.getpid()}-{secrets.token_hex(4)}")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666), tmp
        except FileExistsError:
            continue


def publish(tmp: str, target: str) -> None:
    """Renames a written, fsync'ed temporary over ``target`` and makes the rename durable."""
    os.replace(tmp, target)
    dfd = os.open(os.path.dirname(os.path.abspath(target)), os.O_RDONLY)
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)


@contextlib.contextmanager
def replaced_atomically(target: Union[str, os.PathLike]) -> Iterator[str]:
    """Yields a temporary path to write; on success it replaces ``target``, else it is removed."""
    target = os.fspath(target)
    fd, tmp = create_temporary(target)
    os.close(fd)
    try:
        yield tmp
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        publish(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
