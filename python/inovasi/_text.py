"""Text the package prints (tables, messages, file names) made safe for a terminal and a log.

Region names, codes, file names and error messages come from the user's input. Printed raw, a
newline forges a table row or a log line, an ESC sequence drives the terminal, a bidirectional
override reorders what the reader sees, and a file name that is not UTF-8 cannot even be
encoded. :func:`printable` is the one escaper every printer uses (docs/reliability.md).
"""

from __future__ import annotations

import os
from typing import Union

# Exact numbers: the C++ core's one hundredths formatter (the score JSON, the CLI tables and the
# C++ error messages all print through it).
from ._core import hundredths_text, hundredths_text_short

__all__ = ["hundredths_text", "hundredths_text_short", "printable"]


def _escapes() -> dict[int, str]:
    table: dict[int, str] = {}
    for c in (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)):  # C0, DEL, C1 controls
        table[c] = f"\\x{c:02x}"
    table.update({0x09: "\\t", 0x0A: "\\n", 0x0D: "\\r"})
    # Line and paragraph separators end a line in many viewers; the bidirectional controls
    # reorder the text around them ("Trojan source").
    for c in (0x2028, 0x2029, 0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)):
        table[c] = f"\\u{c:04x}"
    # Surrogates: U+DC80..U+DCFF are the bytes of a file name that is not UTF-8 (Python's
    # surrogateescape), shown as those bytes; any other one is a lone surrogate.
    for c in range(0xD800, 0xE000):
        table[c] = f"\\x{c - 0xDC00:02x}" if 0xDC80 <= c <= 0xDCFF else f"\\u{c:04x}"
    return table


_ESCAPES = _escapes()


def printable(text: Union[str, bytes, os.PathLike]) -> str:
    """``text`` with every control character, line separator, bidirectional control and
    surrogate written as a visible escape (``\\n``, ``\\x1b``, ``\\u202e``); other characters,
    backslashes included, are kept, so a clean name prints unchanged."""
    if isinstance(text, os.PathLike):
        text = os.fspath(text)
    if isinstance(text, bytes):
        text = os.fsdecode(text)
    return str(text).translate(_ESCAPES)
