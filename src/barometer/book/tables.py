"""How a table looks and is downloaded: captions, the data-source label, display formats, HTML
and CSV. What a table may *contain* is decided by the output gate (:mod:`barometer.book.gate`); every
table of the book reaches this module through it.
"""

from __future__ import annotations

import html
import re

import pandas as pd

from barometer.book import number_format
from barometer.disclosure.rules import MARK

SOURCES = ("published", "synthetic", "own")
SYNTHETIC_PREFIX = "Synthetic data (a stand-in, not the survey):"
OWN_PREFIX = "Your microdata:"

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def check_name(name: str) -> str:
    """File names of downloads: lower case, digits, ``-`` and ``_`` only (no paths)."""
    if not _NAME.match(name):
        raise ValueError(f"download name {name!r}: use lower-case letters, digits, '-' and '_' only")
    return name


def caption_text(caption: str, provenance: str, min_cell: int | None = None) -> str:
    if provenance == "synthetic":
        return f"{SYNTHETIC_PREFIX} {caption}"
    if provenance == "own":
        return (f"{OWN_PREFIX} {caption} Numbers resting on fewer than {min_cell} organisations, and "
                f"numbers that would let one work such a number out, are shown as {MARK}.")
    return caption


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and pd.notna(v)


def formatted(df: pd.DataFrame, formats: dict[str, str] | None, lang: str = "en") -> pd.DataFrame:
    """Display strings: the given formats; whole numbers without decimals; others to one decimal;
    each written in ``lang``'s style (:mod:`barometer.book.number_format`). Cells that are not numbers
    (labels, the mark ``#``) are shown as they are."""
    out = df.copy().astype(object)
    formats = formats or {}
    for col in out.columns:
        values = df[col]
        shown = [v for v in values if _is_number(v)]
        if not shown:
            continue
        if col in formats:
            fmt = formats[col]
        else:
            fmt = "{:.0f}" if all(float(v).is_integer() for v in shown) else "{:.1f}"
        out[col] = [number_format.localised(fmt.format(v), lang) if _is_number(v) else v for v in values]
    out.columns.name = None
    return out.fillna("–")


#: A table longer than this is reference material: shown collapsed, its caption as the summary.
LONG_TABLE_ROWS = 25


def to_html(df: pd.DataFrame, caption: str, anchor: str, index: bool) -> str:
    df = df.copy()
    df.columns.name = None
    table = df.to_html(index=index, border=0, classes=["barometer-table", "table"], na_rep="–", escape=True)
    # The first '>' closes the <table> tag: give it an anchor and a caption.
    table = table.replace(">", f' id="{anchor}"><caption>{html.escape(caption)}</caption>', 1)
    if len(df) <= LONG_TABLE_ROWS:
        return table
    # A reader scrolling through the chapter passes it in one line; one click (or a link to its
    # anchor, or the browser's find, which open a closed <details>) shows every row.
    return (f'<details class="barometer-long-table" id="{anchor}-rows"><summary>{html.escape(caption)} '
            f'<span class="barometer-long-table-rows">Show all {len(df)} rows</span></summary>\n'
            f"{table}\n</details>")


def write_csv(df: pd.DataFrame, path, provenance: str) -> None:
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object:  # numbers beside the mark: written as the numeric columns are
            out[col] = [f"{v:.6g}" if isinstance(v, float) and pd.notna(v) else v for v in out[col]]
    out.insert(len(out.columns), "data_source", provenance)  # (the column keeps its name)
    path.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(path, index=False, lineterminator="\n", float_format="%.6g")


__all__ = ["LONG_TABLE_ROWS", "formatted", "to_html", "caption_text", "write_csv", "check_name", "SOURCES"]
