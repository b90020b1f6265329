"""A family of items compared between two waves: one test per item, Holm within the family.

The annex tables of the report print, for each answer option of a question, a percentage in
2021 and in 2025 with the base of each wave. :func:`compare_items` turns such a table (a tidy
frame with ``item``, ``pct_<first>``, ``n_<first>``, ``pct_<second>``, ``n_<second>``) into
the comparison the report does not print: the difference in points with a Newcombe interval, a
two-proportion z-test per item, Holm-corrected p-values within the table, Cohen's h and a
verdict. :func:`from_published` and :func:`from_microdata` build the input frame from the
published layer and from organisation-level microdata; :func:`check_claims` holds a report's
claims against the results.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import confint_proportions_2indep

from barometer.analysis import stats
from barometer.data import codebook as md

#: Cohen's (1988) conventional thresholds for |h|.
MAGNITUDES = ((0.2, "negligible"), (0.5, "small"), (0.8, "medium"), (math.inf, "large"))


def magnitude(h: float) -> str:
    """Cohen's label for an effect size h: negligible, small, medium or large."""
    if h is None or not np.isfinite(h):
        return ""
    return next(label for bound, label in MAGNITUDES if abs(h) < bound)


def _cols(first, second) -> tuple[str, str, str, str]:
    return f"pct_{first}", f"n_{first}", f"pct_{second}", f"n_{second}"


def compare_items(df: pd.DataFrame, *, first=2021, second=2025, alpha: float = 0.05,
                  level: float = 0.95) -> pd.DataFrame:
    """Per item, ``second`` against ``first``: difference in points (second minus first) with a
    Newcombe hybrid-score interval, two-sided two-proportion z-test, Holm-corrected p within the
    frame (the family), Cohen's h (positive: higher in ``second``) and a verdict.

    Counts are reconstructed from the printed percentages and bases (``stats.count_from_pct``).
    Items missing a percentage or base in either wave are kept, untested (verdict 'not tested');
    items at 0% (or 100%) in both waves get z = 0 and p = 1. Other columns are passed through."""
    p1, n1, p2, n2 = _cols(first, second)
    missing = [c for c in ("item", p1, n1, p2, n2) if c not in df]
    if missing:
        raise KeyError(f"compare_items needs columns {missing}")
    out = df.copy().reset_index(drop=True)
    rows = []
    for r in out.itertuples(index=False):
        a, na, b, nb = (getattr(r, c) for c in (p1, n1, p2, n2))
        if any(pd.isna(v) for v in (a, na, b, nb)) or int(na) < 1 or int(nb) < 1:
            rows.append((np.nan,) * 6)
            continue
        na, nb = int(na), int(nb)
        ka, kb = stats.count_from_pct(float(a), na), stats.count_from_pct(float(b), nb)
        h = stats.cohens_h(100 * kb / nb, 100 * ka / na)
        if ka + kb in (0, na + nb):  # no variation at all: nothing to test
            z, p = 0.0, 1.0
        else:
            res = stats.two_proportions(100 * kb / nb, nb, 100 * ka / na, na)
            z, p = res.statistic, res.p_value
        lo, hi = confint_proportions_2indep(kb, nb, ka, na, method="newcomb", compare="diff",
                                            alpha=1 - level)
        rows.append((100 * (kb / nb - ka / na), 100 * float(lo), 100 * float(hi), z, p, h))
    res = pd.DataFrame(rows, columns=["diff", "diff_low", "diff_high", "statistic", "p", "cohens_h"])
    tested = res["p"].notna()
    res["p_holm"] = np.nan
    if tested.any():
        corrected, _ = stats.holm(res.loc[tested, "p"].tolist(), alpha=alpha)
        res.loc[tested, "p_holm"] = corrected
    res["magnitude"] = [magnitude(h) for h in res["cohens_h"]]
    res["verdict"] = [
        "not tested" if pd.isna(p) else
        "not significant" if p >= alpha else
        ("significant increase" if d > 0 else "significant decrease")
        for p, d in zip(res["p_holm"], res["diff"], strict=True)
    ]
    return pd.concat([out, res], axis=1)


def from_published(rows: pd.DataFrame, *, first=2021, second=2025) -> pd.DataFrame:
    """The input of :func:`compare_items` from published rows (``published.table(...)``): one row
    per item, in the order of the ``first`` wave (items only in ``second`` follow).

    Uses the ``pct`` rows; the base is the row's ``base_n`` (or, where that is empty, the table's
    ``n`` row of the same wave). ``variable`` is passed through."""
    pct = rows[rows["statistic"] == "pct"]
    bases = rows[(rows["statistic"] == "n") & rows["value"].notna()]
    base_of = {int(y): int(v) for y, v in zip(bases["year"], bases["value"], strict=True)}
    out: dict[str, dict] = {}
    for r in pct.sort_values("year", key=lambda y: y != int(first), kind="stable").itertuples(index=False):
        if int(r.year) not in (int(first), int(second)):
            continue
        entry = out.setdefault(r.item, {"item": r.item, "variable": r.variable})
        base = r.base_n if pd.notna(r.base_n) else base_of.get(int(r.year))
        entry[f"pct_{r.year}"] = float(r.value) if pd.notna(r.value) else np.nan
        entry[f"n_{r.year}"] = int(base) if base is not None and pd.notna(base) else np.nan
    frame = pd.DataFrame(list(out.values()))
    for c in _cols(first, second):
        if c not in frame:
            frame[c] = np.nan
    return frame[["item", "variable", *_cols(first, second)]]


def shares(df: pd.DataFrame, variable: str) -> pd.DataFrame:
    """Percentage choosing each option of ``variable`` among the organisations asked who answered
    (its universe; see ``microdata.asked``), with that base: columns ``code``, ``item`` (the
    Dutch label, as in the published layer), ``pct``, ``n`` and ``count``."""
    cols = [c for c in md.items(variable) if md.column(c).kind == "option"]
    rows = []
    if cols:  # multiple answers: one 0/1 column per option (all asked of the same organisations)
        asked = md.asked(df, md.column(cols[0]))
        for name in cols:
            col = md.column(name)
            values = df.loc[asked, name].dropna().astype("int64")
            n, k = len(values), int(values.eq(1).sum())
            rows.append((int(name.rsplit("_", 1)[1]), col.label_nl, 100 * k / n if n else np.nan, n, k))
    else:  # one answer: a code per organisation
        col = md.column(variable)
        values = df.loc[md.asked(df, col), variable].dropna().astype("int64")
        n = len(values)
        for code in col.codes:
            k = int(values.eq(code).sum())
            rows.append((int(code), col.labels.get(code, str(code)), 100 * k / n if n else np.nan, n, k))
    return pd.DataFrame(rows, columns=["code", "item", "pct", "n", "count"])


def from_microdata(df: pd.DataFrame, variable: str, *, first=2021, second=2025,
                   wave: str = "wave") -> pd.DataFrame:
    """The input of :func:`compare_items` recomputed from microdata (both waves in ``df``):
    per option of ``variable``, its share among those asked who answered in each wave, the
    base and the count (``count_<wave>``)."""
    parts = []
    for year in (first, second):
        s = shares(df[df[wave] == int(year)], variable).set_index(["code", "item"])
        parts.append(s.rename(columns={c: f"{c}_{year}" for c in s.columns}))
    out = pd.concat(parts, axis=1).reset_index()
    out.insert(2, "variable", variable)
    return out


def check_claims(results: pd.DataFrame, claimed_significant: bool | Mapping[str, bool], *,
                 use: str = "p_holm", alpha: float = 0.05) -> pd.Series:
    """``stats.claim_check`` for each tested item: does the family's result support the claim
    that the item changed (True) or did not (False)? ``claimed_significant`` is one claim for all
    items or a mapping item -> claim (items without a claim get an empty verdict)."""
    verdicts = []
    for r in results.itertuples(index=False):
        claim = (claimed_significant.get(r.item) if isinstance(claimed_significant, Mapping)
                 else claimed_significant)
        p = getattr(r, use)
        if claim is None or pd.isna(p):
            verdicts.append("")
            continue
        result = stats.TestResult(float(r.statistic), float(p), float(r.cohens_h), "Cohen's h")
        verdicts.append(stats.claim_check(bool(claim), result, alpha))
    return pd.Series(verdicts, index=results.index, name="claim_verdict")


__all__ = ["compare_items", "from_published", "from_microdata", "shares", "check_claims",
           "magnitude", "MAGNITUDES"]
