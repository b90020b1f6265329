"""Numbers in the reader's language: ``1,234.5`` in English, ``1.234,5`` in Dutch.

The Dutch book writes numbers as the report does: a decimal comma, a full stop between thousands,
and the percent sign straight after the number (``76%``, ``3,63``, ``1.611``). Only the text a
reader sees changes; the value glued, the CSV downloads (machine-readable, with a decimal point)
and every computation stay the same.
"""

from __future__ import annotations

import re

# A number with a decimal point or thousands separators, not part of a longer dotted token (a
# version such as 0.1.0, an id such as B1-8) and not preceded by a letter (a cell reference).
# (A letter may follow only as an exponent, 4.1e-09, or a factor, 1.5x.)
_NUMBER = re.compile(r"(?<![\w.,])(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+)(?![.,]?\d)(?!(?!e[-+]?\d|x\b)\w)")
_SWAP = str.maketrans({",": ".", ".": ","})
# After the swap, two numbers in a list ("0,12, 0,56") would read as four: Dutch separates them
# with a semicolon ("0,12; 0,56"), as it does in an interval.
_LIST = re.compile(r"(\d,\d+), (?=[-−]?\d)")


def localised(text: str, lang: str) -> str:
    """``text`` with every number written in ``lang``'s style (English: unchanged)."""
    if lang == "en" or not text:
        return text
    return _LIST.sub(r"\1; ", _NUMBER.sub(lambda m: m.group().translate(_SWAP), text))


__all__ = ["localised"]
