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
