"""Markdown pieces the generated pages share (the appendices of :mod:`barometer.build.pages` and the
scorecard of :mod:`barometer.build.scorecard`): a table, and a chapter's title."""

from __future__ import annotations

from barometer.data import paths


def markdown_table(df) -> str:
    """A data frame as a Markdown table (missing values blank, pipes in cells made harmless)."""
    # (each cell by hand: astype(str) keeps a missing value missing under pandas' string dtype)
    import pandas as pd

    df = df.map(lambda v: "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v))
    lines = ["| " + " | ".join(str(c).replace("|", "/") for c in df.columns) + " |", "|" + "---|" * len(df.columns)]
    lines += ["| " + " | ".join(v.replace("|", "/") for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join(lines)


def chapter_title(slug: str) -> str:
    """A chapter's title from its notebook (the slug where there is none)."""
    import nbformat

    path = paths.NOTEBOOKS / f"{slug}.ipynb"
    if path.exists():
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "markdown" and cell.source.startswith("# "):
                return cell.source.splitlines()[0][2:].strip()
    return slug
