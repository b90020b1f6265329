"""Recompute published numbers from organisation-level microdata.

:func:`estimate` turns one row of the published layer (a table cell, a figure value, a number
from the prose) into the same statistic computed on microdata, when that is possible. The
chapters' reproduction records and the synthetic-data fidelity report are built on it: one
definition of "the same number" for the whole compendium.

Comparisons are made *after the errata*: Figures 2-12 and 2-19 in their corrected reading,
Figure B2-4 and the summary's climate score for GR left out (see ``data/published/errata.csv``).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from barometer.data import codebook as md
from barometer.data import published

# Figures whose total column counts only the organisations with a climate cluster (a climate
# score): the total of Figure 2-17 is, for each of its 17 factors, the average of its three
# cluster columns weighted by cluster (within 0.63 points with the fitted bases 52/152/46),
# not the share among all innovators of Figure 2-12 (up to 2 points away).
CLUSTER_TOTALS = {"2-17"}
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


class _Recomputer:
    """Recomputes published rows as typed values (:mod:`barometer.book.gate`) from one builder.

    A published number refers to a *group* (a sector, a type of national government, a size
    class, or everyone, in one wave) and to a *measure* (who was asked, who gave the answer).
    Climate clusters are not a spanning attribute of the gate: a cluster is part of the measure
    ("in the strong climate cluster and innovated")."""

    def __init__(self, builder, cuts):
        self.b = builder
        data = builder.data
        self.clusters = md.climate_cluster(md.scale_score(data, "climate"), cuts)
        self._measures: dict = {}
        #: bases of values that are not a share, count or mean (a difference of two shares)
        self.bases: dict[int, int] = {}

    def _m(self, key, make):
        if key not in self._measures:
            self._measures[key] = make()
        return self._measures[key]

    def group(self, row) -> tuple[dict, object] | None:
        """(spanning group, extra measure or None) of a published row; None: not computable."""
        g = {"wave": int(row.year)}
        breakdown, group = row.breakdown, row.group
        if row.source_id in CLUSTER_TOTALS and breakdown == "none":
            return g, self._m("has cluster", lambda: self.b.where(self.clusters, name="has a climate cluster"))
        if breakdown == "none" or (breakdown == "sector" and group == "Totaal"):
            return g, None
        if breakdown == "sector":
            return {**g, "sector": md.canonical_group(breakdown, group)}, None
        if breakdown == "national_government":
            if group == "Totaal":
                return {**g, "national_government_type": ["Kerndepartement", "Diensten en agentschappen", "ZBO"]}, None
            if group == "Uitvoering":
                return {**g, "national_government_type": ["Diensten en agentschappen", "ZBO"]}, None
            return {**g, "national_government_type": group}, None
        if breakdown == "size":
            return {**g, "size_class": group}, None
        if breakdown == "climate_cluster" and group in md.CLUSTER_LABELS:
            cl = self._m(("cluster", group), lambda: self.b.where(self.clusters, group, name=f"climate cluster {group}"))
            return g, cl
        return None

    def everyone(self):
        return self._m("everyone", self.b.everyone)

    def asked_answered(self, column: str):
        return self._m(("asked", column), lambda: self.b.asked(column) & self.b.where(column))

    def value(self, row):
        """The typed value of one published row, or None when microdata cannot give it."""
        if row.country != "NL" or row.statistic in ("threshold", "other", "ratio", "response_rate"):
            return None
        if row.variable in ("stated_count", "external_study", "case_fact") or row.variable.endswith("_grade"):
            return None
        if str(row.year) not in self.b.pop.waves:
            return None
        if row.statistic == "pct_point_diff":
            return self._difference(row)
        found = self.group(row)
        if found is None:
            return None
        group, extra = found
        within = (lambda m: m & extra) if extra is not None else (lambda m: m)
        var, item, stat = row.variable, row.item, row.statistic
        b = self.b
        if var == "response":
            if stat == "count":
                value = b.count(within(self.everyone()), **group)
                # its base, as the report gives it: all respondents of the wave
                self.bases[id(value)] = b.count(self.everyone(), wave=group["wave"])
                return value
            if stat == "share" and extra is None:
                return b.share_of_group(self.everyone(), part=group, whole={"wave": group["wave"]})
            return None
        if stat == "n":
            return self._base(row, group, within)
        if var in SCALE_OF:
            score = self._m(("score", var), lambda: md.scale_score(b.data, SCALE_OF[var]))
            base = within(self.everyone())
            if var == "human_capital_scale":
                base = within(self._m("innovators", lambda: b.universe("innovators")))
            if stat in ("mean", "sd"):
                return b.summary(base, score, stat, **group)
            return None
        if stat != "pct":
            return None
        if var in ("innovated", "failed_attempt", "applicable_elsewhere", "knowledge_sharing_action"):
            return self._share(var, [1], group, within)
        if var == "climate_cluster":
            has = within(self._m("has cluster", lambda: b.where(self.clusters, name="has a climate cluster")))
            hit = self._m(("cluster", item), lambda: b.where(self.clusters, item, name=f"climate cluster {item}"))
            return b.share(has, hit, **group)
        if var == "innovation_spectrum":
            types = self._m("spectrum", lambda: md.spectrum(b.data).fillna(0).rename("number of types"))
            hit = b.where(types, [1] if item.startswith("Enkelvoudig") else [2, 3, 4],
                          name="one type" if item.startswith("Enkelvoudig") else "two or more types")
            return b.share(within(self.everyone()), hit, **group)
        if var in MULTI:
            try:
                code = md.code_of(var, item)
            except KeyError:
                return None
            return self._share(f"{var}_{code}", [1], group, within)
        if var in SINGLE:
            codes = COMBINED.get((var, item))
            if codes is None:
                try:
                    codes = [md.code_of(var, item)]
                except KeyError:
                    return None
            return self._share(var, codes, group, within)
        if var in ("promoting_factor", "climate_statement", "preconditions_statement", "effect"):
            statement, _, answer = item.partition(" | ")
            try:
                code = md.code_of(var, statement)
            except KeyError:
                return None
            col = f"{var}_{code}"
            if var == "effect":
                return self._share(col, [md.code_of("effect_answer", answer)], group, within)
            if answer.lower() in AGREE:
                return self._share(col, [4, 5], group, within)
            try:
                ans = md.code_of("promoting_factor_answer", answer)
            except KeyError:
                return None
            return self._share(col, [ans], group, within)
        return None

    def _share(self, column, codes, group, within):
        """Percentage among those asked ``column`` who answered it."""
        base = within(self.asked_answered(column))
        hit = self.b.where(column, list(codes))
        # A base of zero is kept (its value is not computable, and the gate decides whether the
        # zero itself may be shown): leaving the row out would tell that the base is empty.
        return self.b.share(base, hit, **group)

    def _base(self, row, group, within):
        """The n of an annex table cell: who was asked the table's question, in the group."""
        b = self.b
        if row.variable in SCALE_OF:
            score = self._m(("score", row.variable), lambda: md.scale_score(b.data, SCALE_OF[row.variable]))
            return b.count(within(self._m(("has score", row.variable),
                                          lambda: b.where(score, name=f"has a {row.variable}"))), **group)
        if row.source_id == "B1-8" or row.variable == "innovated":
            return b.count(within(self.everyone()), **group)
        variable = TABLE_VARIABLE.get(row.source_id, row.variable)
        cols = md.items(variable) or [variable]
        asked = self._m(("asked only", cols[0]), lambda: b.asked(cols[0]))
        return b.count(within(asked), **group)

    def _difference(self, row):
        if row.breakdown != "climate_cluster":
            return None
        parts = []
        for group in ("Krachtig", "Beperkt"):
            v = self.value(row._replace(group=group, statistic="pct"))
            if v is None:
                return None
            parts.append(v)
        from barometer.disclosure.values import difference, plain, statistic

        value = difference(parts[0], parts[1], what="strong minus limited climate")
        bases = [_base_n(p) for p in parts]
        self.bases[id(value)] = statistic(sum(plain(x) for x in bases), bases, what="sum of the two bases")
        return value


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


def typed_records(builder, rows: pd.DataFrame | None = None, cuts=md.CLUSTER_CUTS) -> pd.DataFrame:
    """Reproduction records as typed values: each computable published row beside its value
    recomputed from the builder's microdata (``recomputed``, a typed share, count, mean or
    difference), the published value, the difference and whether it lies within tolerance
    (both resting on the recomputed value)."""
    from barometer.disclosure.values import plain, printed, published, statistic, verdict

    if rows is None:
        rows = comparable_published()
    r = _Recomputer(builder, cuts)
    out = []
    for row in rows.itertuples(index=False):
        value = r.value(row)
        if value is None:
            continue
        tol = tolerance(row)
        # The base is published as a count in its own right (a wave's total beside a sector's
        # count is not the sector's count): it rests on its own cell, checked like any count.
        base_value = r.bases.get(id(value))  # (before rounding makes a new value)
        if base_value is None:
            base_value = _base_n(value)
        base = plain(base_value)
        if row.statistic == "mean" and row.variable in SCALE_OF and base:
            # A mean of k whole-number items over n organisations lies on a grid of 1/(n k).
            k = len(md.scale_items(SCALE_OF[row.variable]))
            tol = max(tol, 0.005 + 0.5 / (base * k))
        diff = float(value.value) - float(row.value)
        within = bool(abs(diff) <= tol + 1e-9) if np.isfinite(diff) else None
        if isinstance(value.value, float):
            value = dataclasses.replace(value, value=round(value.value, 4))
        out.append({
            "source_id": row.source_id, "year": row.year, "breakdown": row.breakdown, "group": row.group,
            "variable": row.variable, "item": row.item, "statistic": row.statistic,
            "published": printed(published(float(row.value), what=f"{row.source_id} {row.item}"), value, tol),
            "recomputed": value, "difference": statistic(round(diff, 4), [value], what="recomputed - published"),
            "tolerance": tol,
            "within": verdict({True: "True", False: "False", None: "–"}[within], [value],
                              what="within tolerance"),
            "base_n": base_value,
            "approx": bool(row.approx), "erratum": getattr(row, "erratum", ""),
        })
    columns = ["source_id", "year", "breakdown", "group", "variable", "item", "statistic", "published",
               "recomputed", "difference", "tolerance", "within", "base_n", "approx", "erratum"]
    return pd.DataFrame(out, columns=columns)


#: Columns of the records that are labels (not computed from microdata).
LABELS = ("source_id", "year", "breakdown", "group", "variable", "item", "statistic", "tolerance", "approx",
          "erratum")


def _base_n(value):
    """The base of a recomputed value as a typed count of its own cell: the base cell of a
    share, the (largest) cell of a count or mean; a value resting on no cell has none (0)."""
    from barometer.disclosure.values import Value, fixed

    if value.kind == "share":
        cell = value.cells[1]
    elif value.cells:
        cell = max(value.cells, key=lambda c: c.n)
    else:
        return fixed(0, what="no base")
    return Value("count", cell.n, cells=(cell,), what=f"base: {cell.label}")


def records(df: pd.DataFrame, rows: pd.DataFrame | None = None, cuts=md.CLUSTER_CUTS) -> pd.DataFrame:
    """Reproduction records with plain values (for the synthetic-data fidelity report)."""
    from barometer.disclosure.builders import Builder
    from barometer.disclosure.values import plain

    typed = typed_records(Builder(df.reset_index(drop=True)), rows, cuts)
    out = typed.copy()
    for col in ("published", "recomputed", "difference", "base_n"):
        out[col] = [float(plain(v)) for v in typed[col]]
    out["recomputed"] = out["recomputed"].round(4)
    out["base_n"] = out["base_n"].astype(int)
    out["within"] = [plain(v) == "True" for v in typed["within"]]
    return out[out["recomputed"].notna()].reset_index(drop=True)
