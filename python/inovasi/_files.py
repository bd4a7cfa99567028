"""Every file the package writes goes through here (docs/reliability.md, "What --out does").

What is at the target decides how it is written:

- **nothing, or a regular file** (also through a symlink): replaced atomically. A marked
  temporary beside the file (beside the symlink's *target*, so the symlink stays a symlink) is
  written, fsync'ed, given the old file's mode, owner and group (and extended attributes), and
  renamed over it only when the writer succeeds: the previous content survives any failure,
  SIGKILL included, and a reader never sees half a file.
- **a device, a FIFO or a socket** (``/dev/null``, ``/dev/stdout``, a named pipe): written
  through, as a shell redirection ``> target`` would: opened with ``O_WRONLY|O_TRUNC``, no
  temporary, no rename. Nothing replaces the node.
- **a directory**, an empty path or one ending in ``/``: an :class:`OutputError`.

Temporaries are named ``.<name>.inovasi-tmp-<pid>-<8 hex>``; a name too long for that (the
file system allows 255 bytes) is cut and ends with ``~`` and 8 hex digits of its SHA-256. One
whose process is gone (a killed run) is removed by the next writer of the same target; any
other name -- a live process's, or a planted one that no process can have made -- is left alone.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import secrets
import stat
from typing import Iterator, Optional, Union

from ._text import printable

TMP_MARK = ".inovasi-tmp-"
NAME_MAX = 255  # bytes in one file name (Linux, and the common file systems elsewhere)
_PID_DIGITS = 10
# Room for the target's name in a temporary's name: "." + name + TMP_MARK + pid + "-" + 8 hex.
_ROOM = NAME_MAX - 1 - len(TMP_MARK) - _PID_DIGITS - 1 - 8
_TMP_TAIL = re.compile(rb"([0-9]{1,%d})-[0-9a-f]{1,64}" % _PID_DIGITS)
# Larger numbers are no process id on any system this runs on (Linux allows at most 2^22):
# such a name was not made by a run of ours, so it is left alone.
_PID_LIMIT = 1 << 22

PathLike = Union[str, bytes, os.PathLike]


class OutputError(Exception):
    """An output that cannot be written: ``PATH: cannot write (reason)`` (exit status 2)."""

    def __init__(self, path: PathLike, reason: str, option: str = ""):
        super().__init__(f"{option}{printable(path)}: cannot write ({reason})")
        self.path, self.reason = path, reason


def _stem(base: bytes) -> bytes:
    """The part of a temporary's name that comes from the target's name, cut to fit NAME_MAX."""
    if len(base) <= _ROOM:
        return base
    cut = _ROOM - 9
    while cut > 0 and (base[cut] & 0xC0) == 0x80:  # never split a UTF-8 sequence
        cut -= 1
    return base[:cut] + b"~" + hashlib.sha256(base).hexdigest()[:8].encode()


def _prefix(base: str) -> bytes:
    return b"." + _stem(os.fsencode(base)) + TMP_MARK.encode()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    except (OverflowError, OSError):
        return True  # cannot tell: keep the file
    return True


def remove_stale_temporaries(directory: str, base: str) -> None:
    """Removes the temporaries of ``directory/base`` left by processes that are gone."""
    prefix = _prefix(base)
    try:
        names = os.listdir(os.fsencode(directory))
    except OSError:
        return
    for name in names:
        if not name.startswith(prefix):
            continue
        m = _TMP_TAIL.fullmatch(name[len(prefix):])
        if not m:
            continue
        pid = int(m.group(1))
        if pid < 1 or pid >= _PID_LIMIT or pid == os.getpid() or _pid_alive(pid):
            continue
        path = os.path.join(os.fsencode(directory), name)
        try:
            if stat.S_ISREG(os.lstat(path).st_mode):  # never a planted directory or link
                os.unlink(path)
        except OSError:
            pass


def create_temporary(target: str) -> tuple[int, str]:
    """(fd, path) of a new temporary beside ``target``, after removing stale ones."""
    directory, base = os.path.split(os.path.abspath(target))
    remove_stale_temporaries(directory, base)
    prefix = os.fsdecode(_prefix(base))
    while True:
        tmp = os.path.join(directory, f"{prefix}{os.getpid()}-{secrets.token_hex(4)}")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666), tmp
        except FileExistsError:
            continue


def _keep_attributes(fd: int, old: os.stat_result, old_path: str) -> None:
    """Gives the new file the replaced one's owner, group, mode and extended attributes, as far
    as this process may: an owner it cannot set stays its own (the group too), then the mode
    is set (after chown, which may clear set-id bits)."""
    new = os.fstat(fd)
    if (new.st_uid, new.st_gid) != (old.st_uid, old.st_gid):
        for uid, gid in ((old.st_uid, old.st_gid), (-1, old.st_gid)):
            try:
                os.fchown(fd, uid, gid)
                break
            except OSError:
                continue
    os.fchmod(fd, stat.S_IMODE(old.st_mode))
    try:
        names = os.listxattr(old_path)
    except OSError:
        return
    for name in names:
        try:
            os.setxattr(fd, name, os.getxattr(old_path, name))
        except OSError:
            pass  # e.g. security.* without the privilege: the file system's default applies


class Output:
    """One output being written. ``through`` is True when the target is written in place (a
    device, FIFO or socket), and then ``open()`` gives a descriptor opened as ``>`` opens one;
    otherwise ``fd``/``path`` are the temporary's, and ``commit()`` publishes it."""

    def __init__(self, target: PathLike, option: str = ""):
        target = os.fspath(target)
        if isinstance(target, bytes):
            target = os.fsdecode(target)
        self.target, self.option = target, option
        self.fd: Optional[int] = None
        self.path: Optional[str] = None
        if not target:
            raise OutputError(target, "empty path", self.option)
        if target.endswith("/"):
            raise OutputError(target, "Is a directory", self.option)
        try:
            st = os.stat(target)  # follows symlinks: what a redirection would write to
        except FileNotFoundError:
            st = None
        except OSError as exc:
            raise OutputError(target, exc.strerror, self.option) from None
        if st is not None and stat.S_ISDIR(st.st_mode):
            raise OutputError(target, "Is a directory", self.option)
        self.through = st is not None and not stat.S_ISREG(st.st_mode)
        if self.through:
            if not os.access(target, os.W_OK):
                raise OutputError(target, "Permission denied", self.option)
            self.path = target
            return
        # A symlink (or a chain, or a dangling one) is kept: the file it leads to is replaced.
        self.real = os.path.realpath(target) if os.path.islink(target) else target
        try:
            self.fd, self.path = create_temporary(self.real)
        except OSError as exc:
            raise OutputError(target, exc.strerror, self.option) from None

    def open(self) -> int:
        """A write-through target opened as ``> target`` opens it (blocks on a FIFO until a
        reader comes, as a shell would)."""
        try:
            return os.open(self.target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
        except OSError as exc:
            raise OutputError(self.target, exc.strerror, self.option) from None

    def commit(self) -> None:
        """Publishes the written temporary: fsync, the old file's attributes, rename, fsync of
        the directory. The caller has written everything through ``fd`` (or ``path``)."""
        if self.through:
            return
        try:
            try:
                old = os.stat(self.real)
            except FileNotFoundError:
                old = None
            if old is not None and stat.S_ISREG(old.st_mode):
                _keep_attributes(self.fd, old, self.real)
            os.fsync(self.fd)
            os.close(self.fd)
            self.fd = None
            os.replace(self.path, self.real)
            self.path = None
            dfd = os.open(os.path.dirname(os.path.abspath(self.real)), os.O_RDONLY | os.O_CLOEXEC)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)
        except OSError as exc:
            raise OutputError(self.target, exc.strerror, self.option) from None

    def discard(self) -> None:
        """Removes the temporary (safe to call twice, and after commit)."""
        if self.fd is not None:
            try:
                os.close(self.fd)
            except OSError:
                pass
            self.fd = None
        if not self.through and self.path is not None:
            try:
                os.unlink(self.path)
            except OSError:
                pass
            self.path = None


@contextlib.contextmanager
def replaced_atomically(target: PathLike, option: str = "") -> Iterator[str]:
    """Yields the path to write for ``target`` (see the module's text): a temporary that replaces
    it on success and is removed otherwise, or the target itself when it is written through. An
    OSError of the writer becomes an :class:`OutputError` naming ``target``."""
    out = Output(target, option)
    try:
        try:
            yield out.path
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EACCES, errno.EROFS,
                             errno.EPIPE, errno.EFBIG, errno.ENOENT, errno.EISDIR):
                raise OutputError(target, exc.strerror, option) from None
            raise
        out.commit()
    finally:
        out.discard()


@contextlib.contextmanager
def output_descriptor(target: PathLike, option: str = "") -> Iterator[int]:
    """Like :func:`replaced_atomically`, for a writer that takes an open file descriptor (the
    C++ synthetic writer): the temporary's, or the target's opened as ``>`` opens it."""
    out = Output(target, option)
    try:
        fd = out.open() if out.through else out.fd
        try:
            yield fd
        except OSError as exc:
            raise OutputError(target, exc.strerror, option) from None
        finally:
            if out.through:
                os.close(fd)
        out.commit()
    finally:
        out.discard()
