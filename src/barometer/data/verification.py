"""Compare two independent transcriptions of the same tables, cell by cell.

The published layer was typed by hand from a PDF extraction. A second person transcribed
the annex tables and Figures 2-17, B2-2 and B2-3 without looking at the first; this module
matches the two on (source, year, group, item, statistic) and lists every difference, so
that each can be reconciled against the source text.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from barometer.data import paths, published

SECOND = "verification/second_transcription.csv"
KEY = ["source_id", "year", "group_key", "item_key", "statistic"]


def label_key(label: object) -> str:
    """A label reduced to what identifies it: case, spacing, footnote marks and hyphenation."""
    text = "" if label is None or (isinstance(label, float) and pd.isna(label)) else str(label)
    text = text.lower().replace("\u2019", "'").replace("*", "")
    text = re.sub(r"\s*\(n\)\s*$", "", text)
    text = re.sub(r"(\w)-\s+(\w)", r"\1\2", text)  # line-break hyphenation
    text = re.sub(r"\s+", " ", text).strip(" .")
    return text


def _keyed(df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    df["group_key"] = df["group"].map(label_key)
    # The primary layer writes Likert-type cells as "statement | answer"; the figures compared
    # here show one answer per statement, so the statement identifies the cell.
    df["item_key"] = df["item"].map(lambda s: label_key(str(s).split(" | ")[0]))
    df["year"] = df["year"].astype("Int64")
    return df


def compare(primary: pd.DataFrame | None = None, second: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every cell where the transcriptions differ: in one only, or with different values."""
    if primary is None:
        primary = published.load()
    if second is None:
        path = paths.record_input(paths.PUBLISHED / SECOND)
        second = pd.read_csv(path, dtype={"item": "string", "group": "string"}, keep_default_na=False,
                             na_values={"value": [""]})
    second = _keyed(second)
    sources = set(second["source_id"])
    first = _keyed(primary[primary["source_id"].isin(sources) & (primary["country"] == "NL")])
    merged = first[KEY + ["value", "source_line"]].merge(
        second[KEY + ["value", "source_line"]], on=KEY, how="outer",
        suffixes=("_primary", "_second"), indicator=True,
    )
    both = merged["_merge"] == "both"
    v1 = pd.to_numeric(merged["value_primary"], errors="coerce")
    v2 = pd.to_numeric(merged["value_second"], errors="coerce")
    same = (v1 - v2).abs().lt(1e-9) | (v1.isna() & v2.isna())
    diff = merged[~both | ~same].copy()
    diff["problem"] = diff["_merge"].map(
        {"left_only": "only in primary", "right_only": "only in second", "both": "values differ"}
    )
    return diff.drop(columns="_merge").sort_values(KEY).reset_index(drop=True)


def summary(diff: pd.DataFrame, second_path: Path | None = None) -> str:
    second = pd.read_csv(second_path or paths.PUBLISHED / SECOND, keep_default_na=False)
    return (
        f"{len(second)} cells in the second transcription over {second['source_id'].nunique()} "
        f"tables/figures; {len(diff)} differences"
    )
