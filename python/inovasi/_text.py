"""Text of exact numbers for every Python surface: the C++ core's one hundredths formatter
(the score JSON, the CLI tables and the C++ error messages all print through it)."""

from ._core import hundredths_text, hundredths_text_short

__all__ = ["hundredths_text", "hundredths_text_short"]
