"""Recompute published numbers from organisation-level microdata.

:func:`estimate` turns one row of the published layer (a table cell, a figure value, a number
from the prose) into the same statistic computed on microdata, when that is possible. The
chapters' reproduction records and the synthetic-data fidelity report are built on it: one
definition of "the same number" for the whole compendium.

Comparisons are made *after the errata*: Figures 2-12 and 2-19 in their corrected reading,
Figure B2-4 and the summary's climate score for GR left out (see ``data/published/errata.csv``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import microdata as md
from . import published

# Items of the prose that combine answer codes.
COMBINED = {
    ("degree_of_change", "Niet of slechts in enige mate veranderd"): [1, 2],
    ("technology_content", "Geheel of voor een belangrijk deel technologie"): [1, 2],
    ("technology_content", "Technologie maakte slechts een klein deel of helemaal geen deel uit van de innovatie"): [3, 4],
    ("origin", "Geheel of grotendeels een kopie van elders geïmplementeerde innovaties"): [1, 3],
}
# Answers of Likert-type items that the report groups.
AGREE = {"[helemaal] eens", "(helemaal) eens", "(sterk) bevorderd"}
SINGLE = {"degree_of_change", "origin", "evaluation", "strategy", "technology_content", "failure_phase"}
MULTI = {"innovation_type", "channel", "initiative_source", "collaboration_partner", "collaboration_phase",
         "funding_source", "goal", "failure_reason"}
SCALE_OF = {"climate_scale": "climate", "preconditions_scale": "preconditions",
            "human_capital_scale": "human_capital"}
# The variable whose universe is the base of each annex table.
TABLE_VARIABLE = {"B1-2": "channel", "B1-3": "initiative_source", "B1-4": "collaboration_partner",
                  "B1-5": "collaboration_phase", "B1-6": "funding_source", "B1-7": "evaluation",
                  "B1-9": "innovation_type", "2-20": "failure_reason"}
# Published rows left out of comparisons because an erratum says they are not what they claim.
EXCLUDED = {"B2-4": "E03", "summary:GR:climate_scale": "E05"}


@dataclass(frozen=True)
class Estimate:
    value: float
    base: int


def comparable_published() -> pd.DataFrame:
    """The published layer as compared with microdata: corrected figures, excluded rows dropped.

    Adds ``erratum`` (the erratum applied to the row, if any)."""
    df = published.load()
    df["erratum"] = ""
    df = df[(df["source_id"] != "B2-4") & (df["country"] == "NL") & df["value"].notna()].copy()
    gr = (df["source_id"] == "summary") & (df["group"] == "GR") & (df["variable"] == "climate_scale")
    df = df[~gr]
    fixed_12 = published.figure_2_12(corrected=True)
    key_12 = {(f, a): v for f, a, v in zip(fixed_12["factor"], fixed_12["answer"], fixed_12["pct"], strict=True)}
    m12 = df["source_id"] == "2-12"
    df = df[~m12 | ~df["item"].str.contains("kolom onbekend")]
    rows_12 = published.split_item(df[df["source_id"] == "2-12"])
    df.loc[rows_12.index, "value"] = [key_12.get((s, a), np.nan) for s, a in zip(rows_12["statement"], rows_12["answer"], strict=True)]
    df.loc[rows_12.index, "erratum"] = "E01"
    # Add the cells E01/E06 restore (the missing first column of four-value rows).
    restored = [(f, a, v) for (f, a), v in key_12.items()
                if not ((df["source_id"] == "2-12") & (df["item"] == f"{f} | {a}")).any()]
    template = df[df["source_id"] == "2-12"].iloc[0]
    extra = pd.DataFrame([{**template.to_dict(), "item": f"{f} | {a}", "value": v, "erratum": "E06",
                           "note": "restored by erratum E06"} for f, a, v in restored])
    rows_19 = published.split_item(df[df["source_id"] == "2-19"])
    swap = {"Positief": "Negatief", "Negatief": "Positief"}
    df.loc[rows_19.index, "item"] = [f"{s} | {swap.get(a, a)}" for s, a in zip(rows_19["statement"], rows_19["answer"], strict=True)]
    df.loc[rows_19.index, "erratum"] = "E02"
    out = pd.concat([df, extra], ignore_index=True)
    # E07: the base of B1-5 (2025) exceeds the collaborators implied by B1-4.
    e07 = (out["source_id"] == "B1-5") & (out["year"] == 2025) & (out["statistic"] == "n")
    out.loc[e07, "erratum"] = "E07"
    return out


def _subset(df: pd.DataFrame, row, clusters: pd.Series | None) -> pd.Series | None:
    """Rows of the group a published number refers to (None: not computable)."""
    breakdown, group = row.breakdown, row.group
    if breakdown == "none" or (breakdown == "sector" and group == "Totaal"):
        return pd.Series(True, index=df.index)
    if breakdown == "sector":
        return df["sector"].eq(md.canonical_group(breakdown, group))
    if breakdown == "national_government":
        typ = df["national_government_type"]
        if group == "Totaal":
            return typ.isin(["Kerndepartement", "Diensten en agentschappen", "ZBO"])
        if group == "Uitvoering":
            return typ.isin(["Diensten en agentschappen", "ZBO"])
        return typ.eq(group)
    if breakdown == "size":
        return df["size_class"].eq(group)
    if breakdown == "climate_cluster" and clusters is not None and group in md.CLUSTER_LABELS:
        return clusters.eq(group).fillna(False)
    return None


def estimate(df: pd.DataFrame, row, clusters: pd.Series | None = None,
             memo: dict | None = None) -> Estimate | None:
    """The microdata value of one published row (a namedtuple with the published columns).

    ``memo`` (a dict kept by the caller) keeps each wave's and each group's rows between calls:
    selecting them from the wide microdata frame was most of the time of a chapter's records."""
    if row.country != "NL" or row.statistic in ("threshold", "other", "ratio", "response_rate"):
        return None
    if row.variable in ("stated_count", "external_study", "case_fact") or row.variable.endswith("_grade"):
        return None
    memo = {} if memo is None else memo
    if ("wave", row.year) not in memo:
        data = df[df["wave"] == row.year]
        memo["wave", row.year] = (data, None if clusters is None else clusters.loc[data.index])
    data, clusters = memo["wave", row.year]
    if data.empty:
        return None
    if row.statistic == "pct_point_diff":
        return _difference(data, row, clusters, memo)
    key = ("group", row.year, row.breakdown, row.group)
    if key not in memo:
        mask = _subset(data, row, clusters)
        memo[key] = None if mask is None else data[mask]
    sub = memo[key]
    if sub is None:
        return None
    var, item, stat = row.variable, row.item, row.statistic
    if var == "response":
        if stat == "count":
            return Estimate(float(len(sub)), len(data))
        if stat == "share":
            return Estimate(100 * len(sub) / len(data), len(data))
        return None
    if stat == "n":
        return _base(sub, row)
    if var in SCALE_OF:
        score = md.scale_score(sub, SCALE_OF[var])
        if var == "human_capital_scale":
            score = score[sub["innovated"].eq(1)]
        score = score.dropna()
        if stat == "mean":
            return Estimate(float(score.mean()), len(score))
        if stat == "sd":
            return Estimate(float(score.std(ddof=1)), len(score))
        return None
    if stat != "pct":
        return None
    if var in ("innovated", "failed_attempt", "applicable_elsewhere", "knowledge_sharing_action"):
        return _share(sub, var, lambda s: s.eq(1))
    if var == "climate_cluster":
        if clusters is None:
            return None
        cl = clusters.loc[sub.index].dropna()
        return Estimate(100 * float(cl.eq(item).mean()), len(cl)) if len(cl) else None
    if var == "innovation_spectrum":
        types = md.spectrum(sub).fillna(0)
        hit = types.eq(1) if item.startswith("Enkelvoudig") else types.ge(2)
        return Estimate(100 * float(hit.mean()), len(sub))
    if var in MULTI:
        try:
            code = md.code_of(var, item)
        except KeyError:
            return None
        return _share(sub, f"{var}_{code}", lambda s: s.eq(1))
    if var in SINGLE:
        codes = COMBINED.get((var, item))
        if codes is None:
            try:
                codes = [md.code_of(var, item)]
            except KeyError:
                return None
        return _share(sub, var, lambda s: s.isin(codes))
    if var in ("promoting_factor", "climate_statement", "preconditions_statement", "effect"):
        statement, _, answer = item.partition(" | ")
        try:
            code = md.code_of(var, statement)
        except KeyError:
            return None
        col = f"{var}_{code}"
        if var == "effect":
            ans = md.code_of("effect_answer", answer)
            return _share(sub, col, lambda s: s.eq(ans))
        if answer.lower() in AGREE:
            return _share(sub, col, lambda s: s.ge(4))
        try:
            ans = md.code_of("promoting_factor_answer", answer)
        except KeyError:
            return None
        return _share(sub, col, lambda s: s.eq(ans))
    return None


def _share(sub: pd.DataFrame, column: str, hit) -> Estimate | None:
    """Percentage among those asked ``column`` who answered it."""
    col = md.column(column)
    asked = md.asked(sub, col)
    values = sub.loc[asked, column].dropna()
    if values.empty:
        return None
    return Estimate(100 * float(hit(values.astype("int64")).mean()), len(values))


def _base(sub: pd.DataFrame, row) -> Estimate | None:
    """The n of an annex table cell: who was asked the table's question, in the group."""
    if row.variable in SCALE_OF:
        score = md.scale_score(sub, SCALE_OF[row.variable]).dropna()
        return Estimate(float(len(score)), len(score))
    if row.source_id == "B1-8" or row.variable == "innovated":
        return Estimate(float(len(sub)), len(sub))
    variable = TABLE_VARIABLE.get(row.source_id, row.variable)
    cols = md.items(variable) or [variable]
    asked = md.asked(sub, md.column(cols[0]))
    return Estimate(float(asked.sum()), int(asked.sum()))


def _difference(data: pd.DataFrame, row, clusters, memo: dict) -> Estimate | None:
    if row.breakdown != "climate_cluster" or clusters is None:
        return None
    out = []
    for group in ("Krachtig", "Beperkt"):
        r = row._replace(group=group, statistic="pct")
        est = estimate(data, r, clusters, memo)
        if est is None:
            return None
        out.append(est)
    return Estimate(out[0].value - out[1].value, out[0].base + out[1].base)


def tolerance(row) -> float:
    """How far a recomputed value may be from the printed one and still 'reproduce' it."""
    if row.approx:
        return 5.0
    if row.statistic in ("mean", "sd"):
        text = f"{float(row.value):g}"
        decimals = len(text.split(".")[1]) if "." in text else 0
        return max(0.01, 0.5 * 10 ** (-decimals))
    if row.statistic in ("n", "count"):
        return 0.0
    if row.statistic == "pct_point_diff":
        return 1.0
    return 0.5


def records(df: pd.DataFrame, rows: pd.DataFrame | None = None, cuts=md.CLUSTER_CUTS) -> pd.DataFrame:
    """Reproduction records: each computable published row beside its recomputed value."""
    if rows is None:
        rows = comparable_published()
    df = df.reset_index(drop=True)  # callers concatenate waves; masks below align on the index
    clusters = md.climate_cluster(md.scale_score(df, "climate"), cuts)
    out = []
    memo: dict = {}
    for r in rows.itertuples(index=False):
        est = estimate(df, r, clusters, memo)
        if est is None:
            continue
        tol = tolerance(r)
        if r.statistic == "mean" and r.variable in SCALE_OF and est.base:
            # A mean of k whole-number items over n organisations lies on a grid of 1/(n k).
            k = len(md.scale_items(SCALE_OF[r.variable]))
            tol = max(tol, 0.005 + 0.5 / (est.base * k))
        diff = est.value - float(r.value)
        out.append({
            "source_id": r.source_id, "year": r.year, "breakdown": r.breakdown, "group": r.group,
            "variable": r.variable, "item": r.item, "statistic": r.statistic,
            "published": float(r.value), "recomputed": round(est.value, 4), "difference": round(diff, 4),
            "tolerance": tol, "within": bool(abs(diff) <= tol + 1e-9), "base_n": est.base,
            "approx": bool(r.approx), "erratum": getattr(r, "erratum", ""),
        })
    return pd.DataFrame(out)
