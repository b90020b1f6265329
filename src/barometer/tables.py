"""Every table of the book goes through :func:`show`: one place for disclosure control,
captions, the data-source label and the CSV download.

A table computed from real microdata is protected (``barometer.sdc``) before anything is
shown or written; a table computed from synthetic microdata carries the label *synthetic*
in its caption and in a ``data_source`` column of its CSV; a table of published numbers is
shown as published.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

import pandas as pd
from IPython.display import HTML, Markdown, display

from . import sdc

if TYPE_CHECKING:  # pragma: no cover
    from .chapter import Chapter

SOURCES = ("published", "synthetic", "own")
SYNTHETIC_PREFIX = "Synthetic data (a stand-in, not the survey):"
OWN_PREFIX = "Your microdata:"

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def check_name(name: str) -> str:
    """File names of downloads: lower case, digits, ``-`` and ``_`` only (no paths)."""
    if not _NAME.match(name):
        raise ValueError(f"download name {name!r}: use lower-case letters, digits, '-' and '_' only")
    return name


def source_of(chapter: Chapter, computed: bool) -> str:
    """'published' for numbers of the report, else the chapter's microdata source kind."""
    return chapter.data_kind if computed else "published"


def caption_text(caption: str, source: str, min_cell: int | None = None) -> str:
    if source == "synthetic":
        return f"{SYNTHETIC_PREFIX} {caption}"
    if source == "own":
        return f"{OWN_PREFIX} {caption} Cells resting on fewer than {min_cell} organisations are shown as {sdc.MARK}."
    return caption


def prepare(df: pd.DataFrame, source: str, spec: sdc.Spec | None, min_cell: int) -> pd.DataFrame:
    """What may be shown and exported: protected when from real microdata."""
    if source not in SOURCES:
        raise ValueError(f"source must be one of {SOURCES}, got {source!r}")
    if source == "own":
        if spec is None:
            raise ValueError("a table from real microdata needs an sdc.Spec (which columns are counts and bases)")
        df, _ = sdc.protect(df, spec, min_cell)
    return df


def _formatted(df: pd.DataFrame, formats: dict[str, str] | None) -> pd.DataFrame:
    """Display strings: the given formats; whole numbers without decimals; others to one decimal."""
    out = df.copy().astype(object)
    formats = formats or {}
    for col in out.columns:
        values = df[col]
        if col in formats:
            fmt = formats[col]
        elif pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
            continue
        else:
            numbers = pd.to_numeric(values, errors="coerce").dropna()
            fmt = "{:.0f}" if (numbers == numbers.round()).all() else "{:.1f}"
        out[col] = [fmt.format(v) if isinstance(v, (int, float)) and not isinstance(v, bool) and pd.notna(v)
                    else v for v in values]
    out.columns.name = None
    return out.fillna("–")


def to_html(df: pd.DataFrame, caption: str, anchor: str, index: bool) -> str:
    df = df.copy()
    df.columns.name = None
    table = df.to_html(index=index, border=0, classes=["barometer-table", "table"], na_rep="–", escape=True)
    # The first '>' closes the <table> tag: give it an anchor and a caption.
    return table.replace(">", f' id="{anchor}"><caption>{html.escape(caption)}</caption>', 1)


def write_csv(df: pd.DataFrame, path, source: str) -> None:
    out = df.copy()
    out.insert(len(out.columns), "data_source", source)
    path.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(path, index=False, lineterminator="\n", float_format="%.6g")


def show(df: pd.DataFrame, name: str, caption: str, *, chapter: Chapter, computed: bool,
         spec: sdc.Spec | None = None, formats: dict[str, str] | None = None,
         index: bool = False) -> None:
    """Protect, caption, export and display one table.

    ``computed``: True when the numbers were computed from the chapter's microdata source,
    False when they are the report's published numbers."""
    check_name(name)
    source = source_of(chapter, computed)
    shown = prepare(df, source, spec, chapter.min_cell)
    if index:
        shown = shown.reset_index()
    path = chapter.files / f"{name}.csv"
    write_csv(shown, path, source)
    text = caption_text(caption, source, chapter.min_cell)
    display(HTML(to_html(_formatted(shown, formats), text, f"tbl-{chapter.slug}-{name}", False)))
    display(Markdown(f"Download this table: {{download}}`{name}.csv <{chapter.link(path)}>`"))


__all__ = ["show", "prepare", "caption_text", "write_csv", "check_name", "SOURCES"]
