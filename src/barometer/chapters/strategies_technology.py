"""Chapter 5 (strategies and technology): the plumbing of the notebook.

The report prints only some numbers of Figures 2-10 and 2-11, so the published part reads them
from §2.2's text (with the wording of approximate numbers), reconstructs the unprinted bases and
assembles the tables, figures and claims check; the microdata part builds the typed crosstabs and
their chi-square tests. The notebook keeps the tests a student should see and the prose.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from scipy import stats as sps

from barometer.analysis import stats
from barometer.book.figures import HIGHLIGHT, MUTED, PALETTE, wrap
from barometer.data import codebook as md
from barometer.data import published

# Short names for figures and crosstabs (the full wording is in the codebook, in `lang`).
SHORT = {
    "en": {"strategy": {1: "collaborative", 2: "under the radar", 3: "in the spotlight", 4: "expert group", 5: "other"},
           "technology_content": {1: "entirely", 2: "important part", 3: "small part", 4: "none"}},
    "nl": {"strategy": {1: "samenwerking", 2: "onder de radar", 3: "in de spotlights", 4: "expertgroep", 5: "anders"},
           "technology_content": {1: "geheel", 2: "belangrijk deel", 3: "klein deel", 4: "geen"}},
}
# The two halves of technology content the report compares (answers 1-2 against 3-4).
HIGH = {"en": ("entirely or largely", "small part or none"), "nl": ("geheel of grotendeels", "klein deel of geen")}
# The report's combined items (not in the codebook).
BOTH = "Geheel of voor een belangrijk deel technologie"
SMALL_OR_NONE = "Technologie maakte slechts een klein deel of helemaal geen deel uit van de innovatie"
SIZES = ["Klein", "Middelgroot", "Groot"]
# Which types of national-government organisation a selection can hold follows from the sectors
# (the report's definition), not from the data: core departments and services and agencies form
# the sector Rijksoverheid, ZBOs the sector Zbo.
NATIONAL_TYPES = {None: ["Kerndepartement", "Diensten en agentschappen", "ZBO"],
                  "Rijksoverheid": ["Kerndepartement", "Diensten en agentschappen"], "Zbo": ["ZBO"]}
TEST_COLUMNS = ["chi2", "df", "p", "Cramér's V", "n", "cells expected < 5", "cells"]


def short(ch, variable, code) -> str:
    """The short name of an answer, in the chapter's language."""
    return SHORT[ch.lang][variable][int(code)]


def item_label(ch, variable, item, item_en) -> str:
    """The label of a published item in `lang` (combined items are not in the codebook)."""
    label = ch.option(variable, item)
    return item_en if (label == item and ch.lang == "en") else label


def qualifier(row) -> str:
    """How the report words an approximate number, read from the row's note."""
    if not row["approx"]:
        return "exact"
    note = str(row["note"]).lower()
    for words, meaning in [("iets minder dan", "slightly less than (upper bound)"),
                           ("iets meer dan", "a little over (lower bound)"),
                           ("bijna", "almost (upper bound)"), ("ongeveer", "about"),
                           ("meer dan", "more than (lower bound)")]:
        if words in note:
            return meaning
    return "approximate"


def _label_nl(variable, code_or_item) -> str:
    if isinstance(code_or_item, int):
        return md.options_of(variable).set_index("code").loc[code_or_item, "label_nl"]
    return code_or_item


# ---------------------------------------------------------------------------- published part
@dataclass
class Published:
    """The numbers of §2.2 on strategy and technology content, and the innovators' bases."""

    text22: pd.DataFrame
    strategy: pd.DataFrame
    technology: pd.DataFrame
    n_innov: dict
    spot_or_other: str

    def value(self, variable, code_or_item, group="Totaal", year=2025, country="NL"):
        """One published row of §2.2 by option code (or combined item) and group."""
        rows = self.text22 if variable != "technology_content" else self.technology
        rows = rows[(rows["variable"] == variable) & (rows["group"] == group) & (rows["year"] == year)
                    & (rows["country"] == country)]
        item = _label_nl(variable, code_or_item)
        hit = rows[rows["item"] == item]
        if len(hit) != 1:
            raise LookupError(f"{variable} {item!r} {group} {year}: {len(hit)} rows")
        return hit.iloc[0]


def published_numbers() -> Published:
    """§2.2's rows and the number of innovating organisations per wave (Table B1-3)."""
    text22 = published.table("text-2.2")
    strat = text22[text22["variable"] == "strategy"].copy()
    tech = text22[text22["variable"] == "technology_content"].copy()
    n_innov = {y: int(published.value("B1-3", year=y, group="Totaal", statistic="n")) for y in (2021, 2025)}
    spot_or_other = strat.loc[strat["item"].str.contains("/"), "item"].iloc[0]
    return Published(text22, strat, tech, n_innov, spot_or_other)


def in_brief_chart(ch) -> None:
    """In brief: the strategies and the technology content as the report prints them."""
    rows = published.table("text-2.2", year=2025, country="NL", group="Totaal")
    strat = rows[rows["variable"] == "strategy"].sort_values("value").reset_index(drop=True)
    names = {"en": ["collaborative", "under the radar", "expert group", "in the spotlight or other"],
             "nl": ["samenwerking", "onder de radar", "expertgroep", "in de spotlights of anders"]}[ch.lang]
    words = ["samenwerking", "radar", "expertgroep", "spotlights"]  # in the Dutch items, in the order of names
    strat["label"] = [names[[w in item for w in words].index(True)] for item in strat["item"]]
    tech = pd.concat([published.table("text-2.2", variable="technology_content", item=BOTH, year=y, country=c,
                                      group=g, breakdown=b)
                      for y, c, g, b in [(2025, "NL", "Uitvoering", "national_government"),
                                         (2025, "NL", "Kerndepartement", "national_government"),
                                         (2023, "DK", "Totaal", "none"), (2025, "NL", "Totaal", "none")]],
                     ignore_index=True)
    tech["label"] = [ch.group(c, "country") + (f" {y}" if c == "DK" else "") if b == "none"
                     else ch.group(g, "national_government")
                     for y, c, g, b in zip(tech["year"], tech["country"], tech["group"], tech["breakdown"],
                                           strict=True)]

    def mark(row):
        """How the text words an approximate share: '<' less than, '>' more than, '≈' almost or about."""
        note = str(row["note"]).lower()
        if not row["approx"]:
            return ""
        return "<" if "minder dan" in note else ">" if "meer dan" in note else "≈"

    fig, axes = plt.subplots(1, 2, figsize=(6.5, 3), gridspec_kw={"wspace": 1.05})
    for ax, part, colours, title in (
            (axes[0], strat, [HIGHLIGHT] * len(strat), "Strategy followed"),
            (axes[1], tech, [PALETTE[2], PALETTE[2], PALETTE[1], HIGHLIGHT], "Entirely or largely technology")):
        ax.barh([wrap(s, 16) for s in part["label"]], part["value"], color=colours)
        for y, (_, r) in enumerate(part.iterrows()):
            ax.text(r["value"] + 2, y, f"{mark(r)}{r['value']:.0f}%", va="center", fontsize=8)
        ax.set_xlim(0, 100)
        ax.set_title(title, loc="left", fontsize=10)
        ax.set_xlabel("innovating organisations (%)", fontsize=8)
        ax.tick_params(axis="both", labelsize=8)
    data = pd.concat([strat.assign(panel="strategy"), tech.assign(panel="technology")], ignore_index=True)[
        ["panel", "label", "year", "country", "group", "item", "item_en", "value", "approx", "note"]]
    top, nl, dk = strat.iloc[-1], tech.iloc[-1], tech.iloc[-2]
    ch.figure(fig, "in_brief_strategy_technology",
              "How the most recent innovation came about (left) and whether it consisted entirely or largely of "
              "technology (right), as a share of innovating organisations, 2025, with Denmark (2023) for comparison "
              "(published, report §2.2, Figures 2-10 and 2-11). '≈': 'almost' in the report's text, '>': 'a little "
              "over', '<': 'slightly less than'. Core departments and executive organisations are the two parts of "
              "national government the report compares.",
              f"Two bar charts. Left: the most common strategy is {top['label']} ({top['value']:.0f}%); the others "
              f"range from {strat['value'].iloc[:-1].min():.0f}% to {strat['value'].iloc[:-1].max():.0f}%. Right: "
              f"{nl['value']:.0f}% of Dutch innovations were entirely or largely technology, against "
              f"{dk['value']:.0f}% in Denmark; executive organisations {tech['value'].iloc[0]:.0f}%, core "
              f"departments under {tech['value'].iloc[1]:.0f}%.",
              data=data)


def _coverage(ch, rows, variable, codes, combined=()) -> pd.DataFrame:
    """Which cells of a report figure the text prints: a grid of answers by year and group."""
    columns = [("2025", 2025, "none", "Totaal"), ("2021", 2021, "none", "Totaal"),
               (ch.group("Klein", "size"), 2025, "size", "Klein"),
               (ch.group("Middelgroot", "size"), 2025, "size", "Middelgroot"),
               (ch.group("Groot", "size"), 2025, "size", "Groot"),
               (ch.group("Kerndepartement", "national_government"), 2025, "national_government", "Kerndepartement"),
               (ch.group("Uitvoering", "national_government"), 2025, "national_government", "Uitvoering"),
               (ch.group("DK", "country") + " 2023", 2023, "none", "Totaal")]
    items = [md.options_of(variable).set_index("code").loc[c, "label_nl"] for c in codes] + list(combined)
    out = []
    for item in items:
        en = rows.loc[rows["item"] == item, "item_en"]
        line = {"answer": item_label(ch, variable, item, en.iloc[0] if len(en) else item)}
        for name, yr, breakdown, group in columns:
            hit = rows[(rows["item"] == item) & (rows["year"] == yr) & (rows["breakdown"] == breakdown)
                       & (rows["group"] == group)]
            if len(hit):
                r = hit.iloc[0]
                mark = {"exact": ""}.get(qualifier(r), " (approx.)")
                line[name] = f"{r['value']:.0f}{mark}" if r["value"] == round(r["value"]) else f"{r['value']:.1f}{mark}"
            else:
                line[name] = "–"
        out.append(line)
    return pd.DataFrame(out)


def coverage_tables(ch, p: Published) -> tuple[int, int]:
    """Shows which percentages of Figures 2-10 and 2-11 the text prints; returns how many cells
    have a printed number and how many cells the two grids have."""
    cov_strategy = _coverage(ch, p.strategy, "strategy", [1, 2, 3, 4, 5], combined=[p.spot_or_other])
    cov_tech = _coverage(ch, p.technology, "technology_content", [1, 2, 3, 4], combined=[BOTH, SMALL_OR_NONE])
    ch.table(cov_strategy, "published_strategy_cells",
             "Innovation strategy (Figure 2-10): which percentages the report's text prints (published, §2.2). "
             "'–' = not printed. Base: organisations that implemented an innovation.")
    ch.table(cov_tech, "published_technology_cells",
             "Technology content of the most recent innovation (Figure 2-11): which percentages the report's "
             "text prints (published, §2.2). '–' = not printed. Base: organisations that implemented an innovation.")
    grids = [cov_strategy.iloc[:, 1:], cov_tech.iloc[:, 1:]]
    return int(sum((g != "–").to_numpy().sum() for g in grids)), int(sum(g.size for g in grids))


def strategy_shares(ch, p: Published) -> pd.DataFrame:
    """The four printed strategy shares of 2025 (the combined 'spotlight / other' last), with the
    report's wording and the assumed base."""
    order = [1, 2, 4, p.spot_or_other]
    s25 = pd.DataFrame([p.value("strategy", c) for c in order])
    s25["strategy"] = [item_label(ch, "strategy", i, e) for i, e in zip(s25["item"], s25["item_en"], strict=True)]
    s25["short"] = [short(ch, "strategy", c) if isinstance(c, int)
                    else f"{short(ch, 'strategy', 3)} / {short(ch, 'strategy', 5)}" for c in order]
    s25["wording"] = s25.apply(qualifier, axis=1)
    s25["base (assumed)"] = p.n_innov[2025]
    return s25


def show_strategy_2025(ch, s25) -> None:
    ch.table(s25[["strategy", "value", "wording", "base (assumed)", "95% CI low", "95% CI high"]]
             .rename(columns={"value": "published (%)"}),
             "strategy_2025",
             "Innovation strategy of the most recent innovation, 2025 (published, §2.2 and Figure 2-10), with "
             "Wilson 95% intervals on the assumed base (all organisations that innovated).",
             formats={"95% CI low": "{:.1f}", "95% CI high": "{:.1f}"})


def implied_2021(ch, s25, n_innov) -> pd.DataFrame:
    """Per strategy, the 2021 shares that a two-proportion test would not tell from the 2025 share
    (`stats.consistent_range`): what 'no significant change' implies; shown as a table."""
    rows = []
    for _, r in s25.iterrows():
        lo, hi = stats.consistent_range(r["value"], n_innov[2025], n_innov[2021])
        rows.append({"strategy": r["strategy"], "short": r["short"], "2025 (%)": r["value"],
                     "2021 consistent from": lo, "2021 consistent to": hi,
                     "largest change allowed (points)": max(r["value"] - lo, hi - r["value"])})
    implied = pd.DataFrame(rows)
    ch.table(implied.drop(columns="short"), "implied_2021",
             "What the report's 'no significant change' implies: the 2021 shares (of the 2021 innovators) that a "
             "two-proportion test would not distinguish from the published 2025 share (published 2025 values, "
             "§2.2; 2021 not printed).",
             formats={c: "{:.1f}" for c in ["2021 consistent from", "2021 consistent to",
                                            "largest change allowed (points)"]})
    return implied


def strategies_by_year_figure(ch, s25, implied, n_innov) -> None:
    """Dot plot: the 2025 shares with their intervals inside the band of 2021 shares they imply."""
    fig, ax = plt.subplots(figsize=(7.5, 3.6))
    ypos = np.arange(len(s25))[::-1]
    for y, (_, r), (_, imp) in zip(ypos, s25.iterrows(), implied.iterrows(), strict=True):
        ax.add_patch(plt.Rectangle((imp["2021 consistent from"], y - 0.3),
                                   imp["2021 consistent to"] - imp["2021 consistent from"], 0.6,
                                   color=MUTED, alpha=0.6, linewidth=0))
        ax.hlines(y, r["95% CI low"], r["95% CI high"], color=HIGHLIGHT, linewidth=2)
        ax.scatter(r["value"], y, color=HIGHLIGHT, zorder=3, marker="o" if r["wording"] == "exact" else "D")
    ax.set_yticks(ypos, s25["short"])
    ax.set_xlim(0, 60)
    ax.set_xlabel("innovating organisations (%)")
    handles = [plt.Line2D([], [], color=HIGHLIGHT, marker="o", label="2025, published, with 95% interval"),
               plt.Line2D([], [], color=HIGHLIGHT, marker="D", linestyle="", label="2025, approximate in the text"),
               plt.Rectangle((0, 0), 1, 1, color=MUTED, alpha=0.6,
                             label="2021 shares consistent with 'not significant'")]
    ax.legend(handles=handles, loc="lower right", fontsize=8)
    ch.figure(fig, "strategies_by_year",
              f"Innovation strategies, 2025 and what the report implies for 2021. Question: "
              f"'{ch.question('strategy')}'. Base: organisations that implemented an innovation "
              f"(2025: n = {n_innov[2025]}, assumed; 2021: n = {n_innov[2021]}). Points: published 2025 shares "
              "(§2.2, Figure 2-10) with Wilson 95% intervals; grey bands: the 2021 shares a two-proportion test "
              "would not distinguish from them (2021 shares are not printed). Source: Innovatie Barometer Overheid "
              "2025.",
              "Dot plot of four strategy shares in 2025 with interval bars; each dot sits inside a wider grey band "
              "showing the 2021 values compatible with no significant change. The collaborative strategy is "
              "clearly the most common.",
              data=implied.merge(s25[["short", "value", "95% CI low", "95% CI high", "wording"]], on="short"))


def small_scan(small_pct, total_pct, n) -> pd.DataFrame:
    """For every possible number of small innovators: the share of the rest that keeps the overall
    share, and the two-proportion p-value of small against the rest."""
    scan = []
    for ns in range(10, n - 10):
        rest = (total_pct * n - small_pct * ns) / (n - ns)
        if 0 <= rest <= 100:
            scan.append({"small innovators": ns, "rest (%)": rest,
                         "p": stats.two_proportions(small_pct, ns, rest, n - ns).p_value})
    return pd.DataFrame(scan)


def _round_half_up(x):
    return math.floor(x + 0.5)


@dataclass
class Bases:
    """The national-government bases that the printed numbers allow (Table B1-8, the summary)."""

    rijk_n: int
    rijk_pct: float
    zbo_n: int
    zbo_pct: float
    kd_pct: float
    da_pct: float
    splits: pd.DataFrame
    n_kd: int
    n_uv: int


def national_government_bases(ch) -> Bases:
    """Every split of the sector Rijksoverheid into core departments and services and agencies
    that reproduces the printed innovation rates, closest to the Table B1-11 ratio first (shown);
    the executive organisations are the services and agencies plus every innovating zbo."""
    b18 = published.table("B1-8", year=2025)
    rijk_n = int(b18.query("group == 'Rijksoverheid' and statistic == 'n'")["value"].iloc[0])
    rijk_pct = float(b18.query("group == 'Rijksoverheid' and statistic == 'pct'")["value"].iloc[0])
    zbo_n = int(b18.query("group == 'Zbo' and statistic == 'n'")["value"].iloc[0])
    zbo_pct = float(b18.query("group == 'Zbo' and statistic == 'pct'")["value"].iloc[0])
    kd_pct = published.value("summary", group="Kerndepartement", variable="innovated")
    da_pct = published.value("summary", group="Diensten en agentschappen", variable="innovated")
    b111 = published.table("B1-11", statistic="n").set_index("group")["value"]
    ratio = b111["Kerndepartement"] / b111["Diensten en agentschappen"]
    rijk_innov = stats.count_from_pct(rijk_pct, rijk_n)
    splits = []
    for k in range(1, rijk_n):
        for i in range(k + 1):
            j = rijk_innov - i
            if (0 <= j <= rijk_n - k and _round_half_up(100 * i / k) == kd_pct
                    and _round_half_up(100 * j / (rijk_n - k)) == da_pct):
                splits.append({"core departments": k, "services and agencies": rijk_n - k,
                               "innovating departments": i, "innovating services and agencies": j,
                               "distance to B1-11 ratio": abs(k / (rijk_n - k) - ratio)})
    splits = pd.DataFrame(splits).sort_values("distance to B1-11 ratio").reset_index(drop=True)
    chosen = splits.iloc[0]
    n_kd = int(chosen["innovating departments"])
    n_uv = int(chosen["innovating services and agencies"]) + stats.count_from_pct(zbo_pct, zbo_n)
    ch.table(splits, "national_government_bases",
             f"Splits of Rijksoverheid ({rijk_n} organisations, {rijk_innov} innovating; Table B1-8) into core "
             f"departments and services and agencies that reproduce the printed innovation rates "
             f"({kd_pct:.0f}% and {da_pct:.0f}%; management summary), ordered by distance to the ratio of the "
             "Table B1-11 bases. The first row is used.", formats={"distance to B1-11 ratio": "{:.3f}"})
    return Bases(rijk_n, rijk_pct, zbo_n, zbo_pct, kd_pct, da_pct, splits, n_kd, n_uv)


def _nearest_count(r) -> int:
    """The count out of the base that matches the printed value and its wording."""
    n = r["base (reconstructed)"]
    k = stats.count_from_pct(r["value"], n)
    if "upper bound" in r["wording"] and 100 * k / n >= r["value"]:
        k -= 1  # 'slightly less than': the largest count below the bound
    return k


def national_government_rows(ch, p: Published, n_kd, n_uv) -> pd.DataFrame:
    """The printed national-government percentages with the count each implies on the
    reconstructed bases, whether that count is possible, and Wilson 95% intervals (shown)."""
    ng = p.text22[p.text22["breakdown"] == "national_government"].copy()
    ng["base (reconstructed)"] = ng["group"].map({"Kerndepartement": n_kd, "Uitvoering": n_uv})
    ng["answer"] = [item_label(ch, v, i, e) for v, i, e in zip(ng["variable"], ng["item"], ng["item_en"], strict=True)]
    ng["group label"] = [ch.group(g, "national_government") for g in ng["group"]]
    ng["wording"] = ng.apply(qualifier, axis=1)
    ng["nearest count"] = ng.apply(_nearest_count, axis=1)
    ng["as a percentage"] = 100 * ng["nearest count"] / ng["base (reconstructed)"]
    ng["possible"] = [(abs(pc - v) <= 0.5) or ("upper bound" in w and v - 5 <= pc < v)
                      for pc, v, w in zip(ng["as a percentage"], ng["value"], ng["wording"], strict=True)]
    ci = [stats.wilson_ci(k, n) for k, n in zip(ng["nearest count"], ng["base (reconstructed)"], strict=True)]
    ng["95% CI low"], ng["95% CI high"] = zip(*ci, strict=True)
    ch.table(ng[["variable", "answer", "group label", "value", "wording", "base (reconstructed)", "nearest count",
                 "as a percentage", "possible", "95% CI low", "95% CI high"]]
             .rename(columns={"value": "published (%)", "group label": "group"}),
             "national_government_published",
             "Strategy and technology content at core departments and executive organisations, 2025 (published, "
             "§2.2), with the reconstructed bases, the count each percentage implies and Wilson 95% intervals.",
             formats={"as a percentage": "{:.1f}", "95% CI low": "{:.1f}", "95% CI high": "{:.1f}"})
    return ng


def ng_row(ng, variable, code_or_item, group):
    """One row of `national_government_rows`."""
    return ng[(ng["variable"] == variable) & (ng["group"] == group)
              & (ng["item"] == _label_nl(variable, code_or_item))].iloc[0]


def technology_levels(ch, p: Published) -> None:
    """The levels of technology content as far as the text prints them, with Wilson intervals."""
    n = p.n_innov[2025]
    levels = p.technology[(p.technology["country"] == "NL") & (p.technology["group"] == "Totaal")].copy()
    levels["answer"] = [item_label(ch, "technology_content", i, e) for i, e in zip(levels["item"], levels["item_en"], strict=True)]
    levels["wording"] = levels.apply(qualifier, axis=1)
    levels["base (assumed)"] = n
    ci = [stats.pct_ci(v, n) for v in levels["value"]]
    levels["95% CI low"], levels["95% CI high"] = zip(*ci, strict=True)
    ch.table(levels[["answer", "value", "wording", "base (assumed)", "95% CI low", "95% CI high"]]
             .rename(columns={"value": "published (%)"}), "technology_levels",
             "Technology content of the most recent innovation, Netherlands 2025: the levels as far as the text "
             "prints them (published, §2.2; Figure 2-11 is an image), with Wilson 95% intervals on the assumed base.",
             formats={"95% CI low": "{:.1f}", "95% CI high": "{:.1f}", "published (%)": "{:.1f}"})


def technology_tests(ch, nl_pct, n_nl, dk_pct, dk_base, k_kd, n_kd, k_uv, n_uv) -> pd.DataFrame:
    """Sensitivity table: NL against DK on the full Danish base, a quarter and a tenth of it; core
    departments against executive organisations at the bound and the next two counts below it
    (two-proportion z-test, Cohen's h and Fisher's exact test). Shown; returned."""
    sens = []
    for label, base in [("all Danish innovators", dk_base), ("a quarter of them", dk_base // 4),
                        ("a tenth of them", dk_base // 10)]:
        res = stats.two_proportions(nl_pct, n_nl, dk_pct, base)
        sens.append({"comparison": "NL vs DK", "assumption": f"DK base {base} ({label})", "share A (%)": nl_pct,
                     "share B (%)": dk_pct, "z": res.statistic, "p": res.p_value, "Cohen's h": res.effect})
    for k in (k_kd, k_kd - 1, k_kd - 2):
        res = stats.two_proportions(100 * k / n_kd, n_kd, 100 * k_uv / n_uv, n_uv)
        fisher = sps.fisher_exact([[k, n_kd - k], [k_uv, n_uv - k_uv]])
        sens.append({"comparison": "departments vs executive",
                     "assumption": f"departments {k} of {n_kd}" + (" (largest count below the bound)"
                                                                   if k == k_kd else ""),
                     "share A (%)": 100 * k / n_kd, "share B (%)": 100 * k_uv / n_uv, "z": res.statistic,
                     "p": res.p_value, "Cohen's h": res.effect, "Fisher exact p": fisher.pvalue})
    sens = pd.DataFrame(sens)
    ch.table(sens, "technology_tests",
             "Technology content (entirely or largely technology): Netherlands 2025 vs Denmark 2023, and core "
             "departments vs executive organisations 2025, under different assumptions about the unprinted bases "
             "and the bounded department share (published, §2.2; tests ours).",
             formats={"share A (%)": "{:.1f}", "share B (%)": "{:.1f}", "z": "{:.2f}", "p": "{:.2g}",
                      "Cohen's h": "{:.2f}", "Fisher exact p": "{:.2g}"})
    return sens


def technology_figure(ch, nl_pct, n_nl, dk_pct, dk_base, dk_n, k_kd, n_kd, k_uv, n_uv) -> None:
    """Bars with Wilson intervals: NL against DK, core departments (hatched: a bound) against
    executive organisations."""
    fig, axes = plt.subplots(1, 2, figsize=(8, 3.6), sharey=True)
    nl_ci = stats.pct_ci(nl_pct, n_nl)
    dk_ci = stats.pct_ci(dk_pct, dk_base)
    kd_ci = stats.wilson_ci(k_kd, n_kd)
    uv_ci = stats.wilson_ci(k_uv, n_uv)
    panels = pd.DataFrame([
        {"panel": "countries", "group": ch.group("NL", "country"), "pct": nl_pct, "base": n_nl,
         "ci_low": nl_ci[0], "ci_high": nl_ci[1], "bound": False},
        {"panel": "countries", "group": ch.group("DK", "country"), "pct": dk_pct, "base": dk_base,
         "ci_low": dk_ci[0], "ci_high": dk_ci[1], "bound": False},
        {"panel": "national government", "group": ch.group("Kerndepartement", "national_government"),
         "pct": 100 * k_kd / n_kd, "base": n_kd, "ci_low": kd_ci[0], "ci_high": kd_ci[1], "bound": True},
        {"panel": "national government", "group": ch.group("Uitvoering", "national_government"),
         "pct": 100 * k_uv / n_uv, "base": n_uv, "ci_low": uv_ci[0], "ci_high": uv_ci[1], "bound": False},
    ])
    for ax, (name, part) in zip(axes, panels.groupby("panel", sort=False), strict=True):
        colours = [PALETTE[0], PALETTE[1]]
        bars = ax.bar([wrap(g, 16) for g in part["group"]], part["pct"], color=colours,
                      yerr=[part["pct"] - part["ci_low"], part["ci_high"] - part["pct"]], capsize=4, hatch=None)
        for bar, is_bound in zip(bars, part["bound"], strict=True):
            if is_bound:
                bar.set_hatch("//")
                bar.set_edgecolor("white")
        ax.set_title(name)
        ax.set_ylim(0, 100)
        ax.set_xlabel("")
    axes[0].set_ylabel("entirely or largely technology (%)")
    axes[1].text(0.02, 0.95, "hatched: upper bound ('slightly less than')", transform=axes[1].transAxes,
                 fontsize=8, va="top")
    ch.figure(fig, "technology_content",
              f"Innovations that consisted entirely or to an important extent of technology. Question: "
              f"'{ch.question('technology_content')}' (answers 1 and 2 combined). Base: organisations that "
              f"implemented an innovation: Netherlands 2025 n = {n_nl} (assumed), Denmark 2023 n = {dk_base} "
              f"(assumed: all innovators among the {dk_n} participants); core departments n = {n_kd}, executive "
              f"organisations n = {n_uv} (reconstructed). Bars: published (§2.2, Figure 2-11; the department share "
              "as the largest count below the printed bound); error bars: Wilson 95% intervals. Source: Innovatie "
              "Barometer Overheid 2025.",
              "Two bar charts. Left: the Netherlands far above Denmark, with narrow intervals. Right: core "
              "departments (hatched, an upper bound) far below executive organisations, with wide intervals because "
              "few organisations are involved.",
              data=panels)


def ng_pair(ng, n_kd, n_uv, variable, code_or_item):
    """Core departments against executive organisations on one printed answer: both printed
    values, the z-test result with Fisher's exact p as its p-value, and the z-test's own p."""
    kd = ng_row(ng, variable, code_or_item, "Kerndepartement")
    uv = ng_row(ng, variable, code_or_item, "Uitvoering")
    k1, k2 = int(kd["nearest count"]), int(uv["nearest count"])
    z = stats.two_proportions(100 * k1 / n_kd, n_kd, 100 * k2 / n_uv, n_uv)
    fisher = sps.fisher_exact([[k1, n_kd - k1], [k2, n_uv - k2]]).pvalue
    return kd["value"], uv["value"], replace(z, p_value=float(fisher)), z.p_value


def testable_claims(ch, s25, most_common, h_most, spot, expg, tech, nl_pct, dk_pct, dk_base, nd_res) -> list:
    """The claims of §2.2 that the printed numbers allow to test: (claim, numbers, test, result, z p)."""
    kd_l, uv_l = ch.group("Kerndepartement", "national_government"), ch.group("Uitvoering", "national_government")
    return [
        ("Collaboration with all stakeholders is the most common strategy (2025)",
         f"{s25['value'].iloc[0]:.0f}% vs {s25['value'].iloc[1]:.0f}% (runner-up)",
         "exact binomial, conditional on the two",
         stats.TestResult(float(most_common.statistic), float(most_common.pvalue), h_most, "Cohen's h"), None),
        (f"{kd_l}: far more often in the spotlight than {uv_l}", f"{spot[0]:.0f}% vs {spot[1]:.0f}%",
         "Fisher exact", spot[2], spot[3]),
        (f"{uv_l}: far more often an expert group than {kd_l}", f"{expg[1]:.0f}% vs {expg[0]:.0f}%",
         "Fisher exact", expg[2], expg[3]),
        ("Technology content much higher in the Netherlands than in Denmark", f"{nl_pct:.0f}% vs {dk_pct:.0f}%",
         f"two-proportion z (DK base {dk_base} assumed)", nd_res, None),
        (f"Technology content: a large gap between {kd_l} and {uv_l}", f"<{tech[0]:.0f}% vs {tech[1]:.0f}%",
         "Fisher exact (department share at the bound)", tech[2], tech[3]),
    ]


def claims_table(ch, testable, adjusted, small_pct, total_pct, small_min_n) -> pd.DataFrame:
    """The claims check: the testable claims with Holm-adjusted p-values and verdicts, then the
    claims that the printed numbers cannot check, with the reason (shown; returned)."""
    claims = []
    for (claim, numbers, test, res, _), p_holm in zip(testable, adjusted, strict=True):
        claims.append({"claim (§2.2)": claim, "published numbers": numbers, "test": test, "p": res.p_value,
                       "p (Holm)": p_holm, "effect size": f"{res.effect_name} = {abs(res.effect):.2f}",
                       "verdict": stats.claim_check(True, replace(res, p_value=float(p_holm)))})
    untestable = [
        ("Strategies: no large change since 2021; the differences are small and not significant",
         "2025 only", "implied 2021 ranges above"),
        ("Strategies: slightly more expert groups and slightly fewer spotlight innovations than in 2021",
         "2025 only", "no 2021 shares printed"),
        ("Small organisations relatively often chose the collaborative strategy",
         f"{small_pct:.0f}% (small), {total_pct:.0f}% (all)", f"base of small organisations not printed; "
         f"significant against the rest only if at least {small_min_n} innovators were small"),
        ("Large organisations more often under the radar or with an expert group", "none", "no numbers printed"),
        ("Technology: 'important part' fell, 'entirely' and 'none' rose since 2021", "2025 only",
         "no 2021 shares printed"),
    ]
    for claim, numbers, why in untestable:
        claims.append({"claim (§2.2)": claim, "published numbers": numbers, "test": "–", "p": np.nan,
                       "p (Holm)": np.nan, "effect size": "–", "verdict": f"cannot be checked: {why}"})
    claims = pd.DataFrame(claims)
    ch.table(claims, "claims_check",
             "Claims of §2.2 about strategies and technology content, checked against the published numbers "
             f"(tests ours; Holm correction over the {len(testable)} testable claims).",
             formats={"p": "{:.2g}", "p (Holm)": "{:.2g}"})
    return claims


# ---------------------------------------------------------------------------- microdata part
@dataclass
class Parts:
    """The answers of the two questions as measures (rows and columns of the crosstabs), from the
    codebook, not from the data."""

    strategy: dict
    technology: dict
    high: dict


def answer_parts(ch, tech_base) -> Parts:
    """The answers as measures; the two halves of technology content split the base exactly."""
    strategy_parts = {short(ch, "strategy", c): ch.where("strategy", c) for c in range(1, 6)}
    tech_parts = {short(ch, "technology_content", c): ch.where("technology_content", c) for c in range(1, 5)}
    high = HIGH[ch.lang]
    high_parts = {high[0]: ch.where("technology_content", [1, 2]), high[1]: ch.where("technology_content", [3, 4])}
    for h, codes in zip(high, ([1, 2], [3, 4]), strict=True):
        ch.split_exactly(tech_base & high_parts[h], [tech_base & ch.where("technology_content", c) for c in codes])
    return Parts(strategy_parts, tech_parts, high_parts)


def sectors(ch) -> list[str]:
    """The sectors of the selection, in the order of their labels."""
    return sorted(md.DESIGN_LABELS["sector"], key=ch.group) if ch.sector is None else [ch.sector]


def crosstab(ch, base, answers, rows, levels=(), names=(), row_label="", **group) -> pd.DataFrame:
    """A typed crosstab of `base`: per row (a level of the spanning attribute `rows`, shown as
    `names`, or a dict of parts of the base) the count "<answer> (n)" and row percentage
    "<answer> (%)" of each answer, and "total (n)". Every number of a row rests on the row's
    base itself, which its answers split exactly."""
    if isinstance(rows, dict):
        ch.split_exactly(base, [base & m for m in rows.values()])
        row_specs = [(label, base & m, {}) for label, m in rows.items()]
    else:
        row_specs = [(name, base, {rows: level}) for name, level in zip(names, levels, strict=True)]
    out = []
    for label, row_base, g in row_specs:
        ch.split_exactly(row_base, [row_base & m for m in answers.values()])
        cell = {**group, **g}
        row = {row_label: label}
        for answer, m in answers.items():
            row[f"{answer} (n)"] = ch.count(row_base & m, **cell)
            row[f"{answer} (%)"] = ch.share(row_base, m, **cell)
        row["total (n)"] = ch.count(row_base, **cell)
        out.append(row)
    return pd.DataFrame(out)


def counts_of(ch, ct) -> pd.DataFrame:
    """The plain counts of a typed crosstab (one column per answer, no total)."""
    columns = [c for c in ct.columns if c.endswith(" (n)") and c != "total (n)"]
    return pd.DataFrame({c.removesuffix(" (n)"): [ch.plain(v) for v in ct[c]] for c in columns}).astype(int)


def chi_square(ch, ct, n, transpose=False) -> dict:
    """Chi-square test of independence (`scipy.stats.chi2_contingency`) on a typed crosstab, rows
    and columns without any organisation left out, with Cramér's V = √(χ² / (n (min(r, c) − 1)));
    every number rests on all cells of the crosstab."""
    table = counts_of(ch, ct).T if transpose else counts_of(ch, ct)
    t = table.loc[table.sum(axis=1) > 0, table.sum(axis=0) > 0]
    if t.shape[0] < 2 or t.shape[1] < 2:
        numbers = dict.fromkeys(["chi2", "df", "p", "Cramér's V", "cells expected < 5", "cells"], np.nan)
    else:
        chi2, p, dof, expected = sps.chi2_contingency(t.to_numpy())
        total = int(t.to_numpy().sum())
        numbers = {"chi2": chi2, "df": int(dof), "p": p, "Cramér's V": math.sqrt(chi2 / (total * (min(t.shape) - 1))),
                   "cells expected < 5": int((expected < 5).sum()), "cells": int(expected.size)}
    typed = {k: ch.statistic(v, on=ct) for k, v in numbers.items()} | {"n": n}
    return {k: typed[k] for k in TEST_COLUMNS}


def pearson_residuals(ch, ct) -> pd.DataFrame:
    """(observed − expected) / √expected for each cell of a typed crosstab (NaN in a row or
    column without organisations), each resting on all cells of the crosstab."""
    table = counts_of(ch, ct)
    kept = table.loc[table.sum(axis=1) > 0, table.sum(axis=0) > 0]
    resid = pd.DataFrame(np.nan, index=table.index, columns=table.columns)
    if kept.size:
        expected = sps.contingency.expected_freq(kept.to_numpy())
        resid.loc[kept.index, kept.columns] = (kept.to_numpy() - expected) / np.sqrt(expected)
    return pd.DataFrame({c: [ch.statistic(r, on=ct) for r in resid[c]] for c in resid.columns})


def with_interval(ch, ct, column) -> pd.DataFrame:
    """Wilson 95% intervals of one column's row percentage (resting on that percentage)."""
    bounds = [stats.wilson_ci(ch.plain(k), ch.plain(n)) if ch.plain(n) else (np.nan, np.nan)
              for k, n in zip(ct[f"{column} (n)"], ct["total (n)"], strict=True)]
    ct["95% CI low"] = [ch.statistic(lo, on=s) for (lo, _), s in zip(bounds, ct[f"{column} (%)"], strict=True)]
    ct["95% CI high"] = [ch.statistic(hi, on=s) for (_, hi), s in zip(bounds, ct[f"{column} (%)"], strict=True)]
    return ct


def formats_of(ct) -> dict:
    return {c: "{:.1f}" for c in ct.columns if c.endswith(" (%)") or c.startswith("95% CI")}


def _year_sectors(ch) -> dict:
    return {"year": ch.fixed(ch.year), "sectors": ch.fixed(ch.sector_label)}


# The captions of the crosstabs, by table name (literal templates with typed fields).
CAPTIONS = {
    "md_strategy_by_wave": lambda ch: ch.text(
        "Innovation strategy by wave, {sectors}: innovating organisations that answered (n) and row "
        "percentages (recomputed from the microdata).", sectors=ch.fixed(ch.sector_label)),
    "md_strategy_by_size": lambda ch: ch.text(
        "Innovation strategy by size class, {year}, {sectors}: innovating organisations that answered "
        "(n) and row percentages (recomputed from the microdata).", **_year_sectors(ch)),
    "md_technology_by_type_crosstab": lambda ch: ch.text(
        "Technology content by type of national-government organisation, {year}, {sectors}: "
        "innovating organisations that answered (n) and row percentages (recomputed from the microdata).",
        **_year_sectors(ch)),
    "md_technology_by_type": lambda ch, uv, members: ch.text(
        "Innovations that were entirely or largely technology, by type of national-government "
        "organisation, {year}, {sectors}, with Wilson 95% intervals (recomputed from the microdata). "
        "In the Fisher test in the text above, {uv} = {members} (in this selection).",
        **_year_sectors(ch), uv=uv, members=members),
    "md_technology_by_sector_crosstab": lambda ch: ch.text(
        "Technology content by sector, {year}, {sectors}: innovating organisations that answered (n) "
        "and row percentages (recomputed from the microdata).", **_year_sectors(ch)),
    "md_technology_by_sector": lambda ch: ch.text(
        "Innovations that were entirely or largely technology, by sector, {year}, {sectors}, with "
        "Wilson 95% intervals (recomputed from the microdata).", **_year_sectors(ch)),
    "md_strategy_by_technology": lambda ch: ch.text(
        "Innovation strategy by technology content, {year}, {sectors}: innovating organisations that "
        "answered both questions (n) and row percentages (recomputed from the microdata).", **_year_sectors(ch)),
}


def show_crosstab(ch, ct, name, label, **fields) -> None:
    """A crosstab as a table with its caption (`CAPTIONS`); `label` names its label column."""
    ch.table(ct, name, CAPTIONS[name](ch, **fields), labels=(label,), formats=formats_of(ct))


def strategies_by_wave_figure(ch, strat_base, strategy_parts, both_waves) -> None:
    """Grouped bars of the five strategies per wave, with the most frequent answer of each wave
    in the alt text (a word chosen by the data)."""
    tidy = pd.DataFrame([{"strategy": label, "wave": w,
                          "n": ch.count(strat_base & part, wave=w, sector=ch.sector),
                          "base": ch.count(strat_base, wave=w, sector=ch.sector),
                          "share": ch.share(strat_base, part, wave=w, sector=ch.sector)}
                         for label, part in strategy_parts.items() for w in both_waves])

    def most_frequent(w):
        part = tidy[tidy["wave"] == w]
        counts = [ch.plain(n) for n in part["n"]]
        return ch.verdict(part["strategy"].iloc[counts.index(max(counts))], on=list(part["n"]))

    first, last = both_waves
    ch.figure(draw_strategies, "md_strategies_by_wave",
              ch.text("Innovation strategy by wave, {sectors} (recomputed from the microdata). Question: "
                      "'{question}'. Base: innovating organisations that answered ({w1}: n = {n1}, {w2}: n = {n2}).",
                      sectors=ch.fixed(ch.sector_label), question=ch.fixed(ch.question("strategy")),
                      w1=ch.fixed(first), n1=ch.count(strat_base, wave=first, sector=ch.sector),
                      w2=ch.fixed(last), n2=ch.count(strat_base, wave=last, sector=ch.sector)),
              ch.text("Horizontal grouped bar chart of the five strategy answers, one bar per wave. Most frequent "
                      "answer: {w1}: {top1}; {w2}: {top2}.", w1=ch.fixed(first), top1=most_frequent(first),
                      w2=ch.fixed(last), top2=most_frequent(last)),
              data=tidy, labels=("strategy", "wave"))


def draw_strategies(d):
    """The drawing of `strategies_by_wave_figure` (the gate calls it with the released values)."""
    fig, ax = plt.subplots(figsize=(7, 3.8))
    sns.barplot(data=d.astype({"wave": str}), y="strategy", x="share", hue="wave", ax=ax,
                palette=[PALETTE[5], PALETTE[0]], hue_order=[str(w) for w in sorted(d["wave"].unique())])
    ax.set_xlabel("innovating organisations (%)")
    ax.set_ylabel("")
    fig.subplots_adjust(bottom=0.2)  # room for the synthetic-data mark below the axis label
    return fig


def national_types(ch) -> list[str]:
    """The types of national-government organisation the selection can hold, in label order."""
    return sorted(NATIONAL_TYPES.get(ch.sector, []), key=lambda t: ch.group(t, "national_government"))


def technology_by_type(ch, tech_base, parts: Parts, ng_types, tests) -> dict:
    """Technology content by type of national-government organisation (two tables), the chi-square
    test (added to `tests`) and Fisher's exact test of core departments against the executive
    organisations together (a 2 × 2 table of the counts): returns the typed n, p and odds ratio,
    and the status word 'possible'."""
    high = HIGH[ch.lang]
    uv_l = ch.group("Uitvoering", "national_government")
    ng_names = [ch.group(t, "national_government") for t in ng_types]
    by_type = crosstab(ch, tech_base, parts.technology, "national_government_type", ng_types, ng_names, "type",
                       **ch.focus())
    show_crosstab(ch, by_type, "md_technology_by_type_crosstab", "type")
    high_type = with_interval(ch, crosstab(ch, tech_base, parts.high, "national_government_type", ng_types, ng_names,
                                           "type", **ch.focus()), high[0])
    uv_members = [ch.group(t, "national_government") for t in ["Diensten en agentschappen", "ZBO"] if t in ng_types]
    show_crosstab(ch, high_type, "md_technology_by_type", "type", uv=ch.fixed(uv_l),
                  members=ch.fixed(" + ".join(uv_members)))
    counts = counts_of(ch, high_type).to_numpy()
    kd_row = ng_types.index("Kerndepartement")
    two = np.array([counts[kd_row], np.delete(counts, kd_row, axis=0).sum(axis=0)])
    fisher_md = sps.fisher_exact(two) if (two.sum(axis=1) > 0).all() else None
    tests["technology × national-government type"] = chi_square(
        ch, by_type, ch.count(tech_base, **ch.focus(), national_government_type=ng_types))
    return {"n": ch.count(tech_base, **ch.focus(), national_government_type=ng_types),
            "p": ch.statistic(fisher_md.pvalue if fisher_md else np.nan, on=high_type),
            "or": ch.statistic(fisher_md.statistic if fisher_md else np.nan, on=high_type),
            "status": ch.fixed("possible")}


def no_national_comparison(ch) -> dict:
    """What the text shows where the selection holds fewer than two types of national-government
    organisation: no numbers ('–') and why."""
    return {"n": ch.fixed(np.nan), "p": ch.fixed(np.nan), "or": ch.fixed(np.nan),
            "status": ch.text("not possible in this selection ({sectors}): it holds no national-government "
                              "organisations of two types", sectors=ch.fixed(ch.sector_label))}


def residuals_table(ch, st, resid, tech_order) -> None:
    """The Pearson residuals of the strategy × technology crosstab beside the counts they rest on."""
    shown = st[["strategy"]].copy()
    for c in tech_order:
        shown[f"{c} (n)"], shown[f"{c} (residual)"] = st[f"{c} (n)"], resid[c]
    shown["total (n)"] = st["total (n)"]
    ch.table(shown, "md_strategy_by_technology_residuals",
             ch.text("Pearson residuals of the strategy × technology crosstab, {year}, {sectors}, beside the counts "
                     "they rest on (recomputed from the microdata).",
                     year=ch.fixed(ch.year), sectors=ch.fixed(ch.sector_label)),
             labels=("strategy",), formats={f"{c} (residual)": "{:+.2f}" for c in tech_order})


def tests_table(ch, tests) -> None:
    """All chi-square tests of the microdata part in one table."""
    test_table = pd.DataFrame([{"crosstab": k, **v} for k, v in tests.items()])
    ch.table(test_table, "md_tests",
             ch.text("Chi-square tests of independence with Cramér's V, {sectors} (strategy × wave: waves {other} "
                     "and {year}; the others: {year}); recomputed from the microdata. 'cells expected < 5': where "
                     "the chi-square approximation is doubtful.",
                     sectors=ch.fixed(ch.sector_label), other=ch.fixed(ch.compare_year), year=ch.fixed(ch.year)),
             labels=("crosstab",), formats={"chi2": "{:.2f}", "p": "{:.3g}", "Cramér's V": "{:.2f}"})


def test_phrase(ch, tests, key):
    """One test of `tests` as a short typed phrase for the prose (or why it is not there)."""
    t = tests.get(key)
    if t is None:  # not in the table: the parameters leave nothing to compare
        return ch.fixed("not testable: only one sector is selected")
    if not np.isfinite(ch.plain(t["chi2"])):
        return ch.verdict("not testable in this selection (fewer than two groups or answers)", on=[t["chi2"]])
    return ch.text("χ² = {chi2:.1f}, df = {df:.0f}, p = {p:.2g}, Cramér's V = {v:.2f}",
                   chi2=t["chi2"], df=t["df"], p=t["p"], v=t["Cramér's V"])


def reproduction_table(ch, records, p: Published):
    """The reproduction records with the items in `lang` (shown); returns the records."""
    item_en = dict(zip(p.text22["item"], p.text22["item_en"], strict=True))
    records["item"] = [item_label(ch, v, i, item_en.get(i, i)) for v, i in zip(records["variable"], records["item"], strict=True)]
    ch.table(records[["source_id", "year", "group", "variable", "item", "published", "recomputed", "difference",
                      "tolerance", "within", "base_n", "approx"]],
             "reproduction",
             "Published strategy and technology numbers beside their values recomputed from the microdata.",
             labels=("source_id", "year", "group", "variable", "item", "tolerance", "approx"))
    return records


def dutch_published_count(p: Published) -> int:
    """How many Dutch numbers the two passages print (strategy and technology content)."""
    rows = p.text22[p.text22["variable"].isin(["strategy", "technology_content"])]
    return int(len(rows) - rows["country"].eq("DK").sum())
