"""The published layer: every number of the report, read from ``data/published/values.csv``.

Chapters never read the CSV by hand; they ask for a table or a value here::

    from barometer.data import published
    published.table("B1-8")                      # tidy rows of Table B1-8
    published.value("B1-8", year=2025, group="Totaal", statistic="pct")   # -> 76.0
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from barometer.data import paths

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


# --------------------------------------------------------------------------- corrected figures
# Two figures were garbled in the extraction in a way that can be undone on evidence; the
# errata (data/published/errata.csv, E01 and E02) give that evidence. The printed rows stay
# in values.csv; these functions return the corrected reading, and say so in a column.

LIKERT_2_12 = ["Sterk belemmerd", "Enigszins belemmerd", "Bevorderd noch belemmerd",
               "Enigszins bevorderd", "Sterk bevorderd"]


def split_item(df: pd.DataFrame) -> pd.DataFrame:
    """Split 'statement | answer' items into ``statement`` and ``answer`` columns."""
    parts = df["item"].str.split(" | ", n=1, regex=False)
    return df.assign(statement=parts.str[0], answer=parts.str[1].fillna(""))


def figure_2_12(corrected: bool = True) -> pd.DataFrame:
    """Promoting/hindering factors (Figure 2-12), one row per factor and answer.

    Corrected (erratum E01): the value rows are printed in the reverse order of the factor
    labels; rows with four values lack their first cell ('sterk belemmerd'), taken as 0.
    Printed (``corrected=False``): as extracted, with unknown columns marked.
    """
    rows = split_item(table("2-12"))
    factors = list(dict.fromkeys(rows["statement"]))
    values = {f: rows.loc[rows["statement"] == f, "value"].astype(float).tolist() for f in factors}
    out = []
    for i, factor in enumerate(factors):
        source = factors[len(factors) - 1 - i] if corrected else factor
        vals = values[source]
        if len(vals) == 4:
            vals = [0.0, *vals] if corrected else [float("nan"), *vals]
        for answer, v in zip(LIKERT_2_12, vals, strict=True):
            out.append({"factor": factor, "answer": answer, "pct": v, "rank": i + 1,
                        "reading": "corrected (E01)" if corrected else "as printed"})
    return pd.DataFrame(out)


def figure_2_19(corrected: bool = True) -> pd.DataFrame:
    """Effects of the most recent innovation (Figure 2-19), one row per area and answer.

    Corrected (erratum E02): the printed headers 'Positief' and 'Negatief' are swapped.
    """
    rows = split_item(table("2-19"))
    swap = {"Positief": "Negatief", "Negatief": "Positief"} if corrected else {}
    rows["answer"] = rows["answer"].map(lambda a: swap.get(a, a))
    return pd.DataFrame({
        "area": rows["statement"], "answer": rows["answer"], "pct": rows["value"].astype(float),
        "reading": "corrected (E02)" if corrected else "as printed",
    })


def coverage() -> pd.DataFrame:
    """Rows per source (table, figure, text section): the coverage table of the data README."""
    df = load()
    out = df.groupby("source_id", sort=False).agg(
        rows=("value", "size"),
        years=("year", lambda s: ", ".join(str(y) for y in sorted(s.unique()))),
        variables=("variable", lambda s: ", ".join(sorted(s.unique()))),
        suppressed=("value", lambda s: int(s.isna().sum())),
    )
    return out.reset_index()


def coverage_markdown() -> str:
    cov = coverage()
    lines = ["| source | rows | waves | suppressed | variables |", "|---|---:|---|---:|---|"]
    lines += [f"| {r.source_id} | {r.rows} | {r.years} | {r.suppressed} | {r.variables} |" for r in cov.itertuples()]
    lines.append(f"| **all** | **{int(cov['rows'].sum())}** | | {int(cov['suppressed'].sum())} | |")
    return "\n".join(lines)
