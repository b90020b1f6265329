"""The reproduction scorecard: every chapter's reproduction records, aggregated.

Each chapter saves ``files/<chapter>/_reproduction.csv`` (see :meth:`barometer.book.chapter.Chapter.reproduce`):
published numbers beside the same numbers recomputed from the configured microdata. Here they
are collected and summarised per chapter and overall; calibration targets (the margins) are
kept apart from the fitted tables by climate cluster (see :mod:`barometer.synthesis.fidelity`):
on synthetic data both are matched by construction, which proves only that the generator and its
fit work; how realistic the synthetic data are is the held-out measure of the fidelity page.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from barometer.book.chapter import RECORDS
from barometer.build.markdown import chapter_title, markdown_table
from barometer.data import paths
from barometer.synthesis import fidelity

#: What identifies a published number in the records (a chapter may compare one another chapter compares).
IDENTITY = ["source_id", "year", "breakdown", "group", "variable", "item", "statistic"]


def collect(chapters: Path) -> pd.DataFrame:
    """All records under ``chapters/files/*/_reproduction.csv`` (one number may appear in two chapters)."""
    frames = []
    for path in sorted((chapters / paths.FILES).glob(f"*/{RECORDS}")):
        rec = pd.read_csv(path, keep_default_na=False, na_values={"recomputed": [""], "published": [""]})
        if rec.empty:
            continue
        frames.append(rec)
    if not frames:
        return pd.DataFrame(columns=["chapter", "source_id", "within", "role"])
    rec = pd.concat(frames, ignore_index=True)
    rec["within"] = rec["within"].astype(str).str.lower() == "true"
    rec["role"] = np.where(fidelity.is_held_out(rec), "fitted", "calibration")
    return rec


def summary(rec: pd.DataFrame) -> pd.DataFrame:
    """Per chapter and role: numbers compared, within tolerance, share, median absolute difference."""
    if rec.empty:
        return pd.DataFrame(columns=["chapter", "role", "compared", "within", "share within (%)", "median |difference|"])
    rec = rec.assign(abs_diff=pd.to_numeric(rec["difference"], errors="coerce").abs())
    groups = [*(g for g in rec.groupby(["chapter", "role"], sort=True)), (("all chapters", "all"), rec)]
    rows = []
    for (chapter, role), g in groups:
        rows.append({"chapter": chapter, "role": role, "compared": len(g), "within": int(g["within"].sum()),
                     "share within (%)": round(100 * g["within"].mean(), 1),
                     "median |difference|": round(float(g["abs_diff"].median()), 2)})
    return pd.DataFrame(rows)


def markdown(rec: pd.DataFrame) -> str:
    """The scorecard appendix page."""
    kinds = sorted(set(rec.get("data_source", pd.Series(dtype=str))))
    out = ["# Reproduction scorecard", "",
           "Every chapter recomputes the published numbers it can from organisation-level microdata and "
           "saves the comparison. This page collects them. A number *reproduces* when the recomputed value "
           "lies within the printed rounding of the published one (percentages ±0.5 points, means to their "
           "printed decimals, counts exactly; wider for numbers the report gives as approximate).", ""]
    if "synthetic" in kinds:
        out += ["```{admonition} Computed on synthetic data\n:class: warning\n"
                "The records below compare the report with the **synthetic** stand-in. Calibration targets "
                "and the fitted tables by climate cluster are reproduced by construction; only the held-out "
                "measure of the fidelity page (each table left out of the fit in turn) says something about "
                "how realistic the synthetic data are. Neither is a finding about Dutch government.\n```", ""]
    if rec.empty:
        return "\n".join([*out, "No chapter has saved reproduction records yet."]) + "\n"
    table = summary(rec)
    # (chapter titles wrap where slugs do not: the table fits the page)
    table["chapter"] = [_title(c) for c in table["chapter"]]
    table = table.rename(columns={"median |difference|": "median difference (absolute)"})
    distinct = len(rec.drop_duplicates([c for c in IDENTITY if c in rec]))
    out += ["## Per chapter", "", markdown_table(table), "",
            f"The last row counts {len(rec)} comparisons of {distinct} distinct published numbers: a number "
            "that two chapters use is compared in each."
            + (" The fidelity appendix of the synthetic data compares every number that organisation-level "
               "data determine once, whether a chapter uses it or not, so its counts differ from these."
               if "synthetic" in kinds else ""), ""]
    misses = rec[~rec["within"]]
    out += ["## Numbers not reproduced", ""]
    if misses.empty:
        out += ["Every compared number is reproduced within tolerance.", ""]
    else:
        item = [i if isinstance(i, str) and i else v for i, v in zip(misses["item"], misses["variable"], strict=True)]
        # (seven columns, so that the table fits the page: the table with its wave, the item with
        # its group and statistic)
        shown = misses.assign(
            chapter=[c[:2].lstrip("0") if c[:2].isdigit() else c for c in misses["chapter"]],
            where=[f"{t} ({y})" if str(y) not in ("", "nan", "<NA>") else t
                   for t, y in zip(misses["source_id"], misses["year"], strict=True)],
            item=[", ".join(str(x) for x in parts if str(x) not in ("", "nan", "<NA>"))
                  for parts in zip(item, misses["group"], misses["statistic"], strict=True)],
            recomputed=[_rounded(v) for v in misses["recomputed"]], difference=[_rounded(v) for v in misses["difference"]])
        cols = ["chapter", "role", "where", "item", "published", "recomputed", "difference"]
        out += [f"{len(misses)} of {len(rec)} comparisons lie outside their tolerance (chapter by number; the "
                "report's table with its wave; the item, or the variable where the report names no item, with "
                "its group and statistic):", "",
                markdown_table(shown[[c for c in cols if c in shown]].rename(columns={"where": "report table (wave)",
                                                                                     "chapter": "ch."})),
                ""]
    out += ["The records themselves are downloadable per chapter (see the downloads appendix).", ""]
    return "\n".join(out)


def _rounded(v, digits: int = 2):
    """A number to ``digits`` decimals; anything else (the mark of a hidden value) as it is."""
    try:
        return round(float(v), digits)
    except (TypeError, ValueError):
        return v


def _title(slug: str) -> str:
    return chapter_title(slug) if slug[:2].isdigit() else slug


__all__ = ["collect", "summary", "markdown"]
