"""Progress on long runs: one convention for every command (tqdm on stderr). A bar appears only
when stderr is a terminal and the work has enough steps to be worth one; output on stdout is
never touched, and a run without tqdm installed simply shows no bar."""

from __future__ import annotations

import sys
from typing import Iterable, Optional, TypeVar

T = TypeVar("T")


def progress(items: Iterable[T], total: Optional[int] = None, desc: str = "", min_steps: int = 50) -> Iterable[T]:
    if total is None:
        try:
            total = len(items)  # type: ignore[arg-type]
        except TypeError:
            total = None
    if total is not None and total < min_steps:
        return items
    try:
        if not sys.stderr.isatty():
            return items
        from tqdm import tqdm
    except (ImportError, AttributeError, ValueError):
        return items
    return tqdm(items, total=total, desc=desc, unit="region", file=sys.stderr, leave=False)


class _Bar:
    """A bar fed with a running count (a C++ loop reports how far it got)."""

    def __init__(self, total: int, unit: str, enabled: Optional[bool]):
        self._bar = None
        if enabled is False or total <= 0:
            return
        try:
            if enabled is None and not sys.stderr.isatty():
                return
            from tqdm import tqdm
        except (ImportError, AttributeError, ValueError):
            return
        self._bar = tqdm(total=total, unit=unit, file=sys.stderr, leave=False)

    def __enter__(self):
        return self.update if self._bar is not None else None

    def update(self, done: int) -> None:
        self._bar.update(int(done) - self._bar.n)

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.close()


def bar(total: int, unit: str = "", enabled: Optional[bool] = None) -> _Bar:
    """``with bar(n, "replicates") as update:`` gives ``update(done)`` (or None when no bar is
    shown: not a terminal, tqdm missing, or ``enabled=False``; ``enabled=True`` forces one)."""
    return _Bar(total, unit, enabled)
