"""The published layer: every number of the report, read from ``data/published/values.csv``.

Chapters never read the CSV by hand; they ask for a table or a value here::

    from barometer import published
    published.table("B1-8")                      # tidy rows of Table B1-8
    published.value("B1-8", year=2025, group="Totaal", statistic="pct")   # -> 76.0
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from . import paths

VALUES = "values.csv"

_DTYPES = {
    "source_id": "string",
    "year": "Int64",
    "country": "string",
    "breakdown": "string",
    "group": "string",
    "variable": "string",
    "item": "string",
    "item_en": "string",
    "statistic": "string",
    "value": "Float64",
    "base_n": "Int64",
    "base": "string",
    "approx": "boolean",
    "note": "string",
    "source_line": "Int64",
}


class PublishedValueError(LookupError):
    """A look-up in the published layer matched no row, or more than one."""


@lru_cache(maxsize=4)
def _read(path: str) -> pd.DataFrame:
    df = pd.read_csv(path, dtype=_DTYPES, keep_default_na=False, na_values={"value": [""], "base_n": [""], "year": [""], "source_line": [""]})
    for col in ("item", "item_en", "note", "group", "base", "breakdown"):
        if col in df:
            df[col] = df[col].fillna("")
    return df


def load(path: Path | None = None) -> pd.DataFrame:
    """All published values (a copy: callers may modify it)."""
    path = Path(path) if path is not None else paths.PUBLISHED / VALUES
    paths.record_input(path)
    return _read(str(path)).copy()


def table(source_id: str, *, path: Path | None = None, **filters) -> pd.DataFrame:
    """The rows of one table, figure or text section, e.g. ``table("B1-8", year=2025)``."""
    df = load(path)
    rows = df[df["source_id"] == source_id]
    if rows.empty:
        known = ", ".join(sorted(df["source_id"].unique()))
        raise PublishedValueError(f"no published source {source_id!r}; known: {known}")
    rows = _filter(rows, filters)
    return rows.reset_index(drop=True)


def value(source_id: str, *, path: Path | None = None, **filters) -> float:
    """Exactly one published number; raises PublishedValueError unless one row matches."""
    rows = table(source_id, path=path, **filters)
    if len(rows) != 1:
        shown = rows[["year", "group", "variable", "item", "statistic", "value"]].to_string()
        raise PublishedValueError(
            f"{source_id} with {filters} matches {len(rows)} rows, expected 1:\n{shown}"
        )
    return float(rows["value"].iloc[0])


def search(text: str, *, path: Path | None = None) -> pd.DataFrame:
    """Rows whose group, item, English item, variable or note contains ``text`` (any case)."""
    df = load(path)
    cols = ["group", "item", "item_en", "variable", "note", "source_id"]
    hit = pd.Series(False, index=df.index)
    for col in cols:
        hit |= df[col].astype("string").str.contains(text, case=False, regex=False, na=False)
    return df[hit].reset_index(drop=True)


def _filter(rows: pd.DataFrame, filters: dict) -> pd.DataFrame:
    for col, want in filters.items():
        if col not in rows.columns:
            raise PublishedValueError(f"unknown column {col!r}; columns: {', '.join(rows.columns)}")
        if isinstance(want, (list, tuple, set)):
            rows = rows[rows[col].isin(list(want))]
        elif want is None:
            rows = rows[rows[col].isna() | (rows[col] == "")]
        else:
            rows = rows[rows[col] == want]
    return rows
