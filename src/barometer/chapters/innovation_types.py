"""Chapter 3, what kind of innovation: the plumbing of ``notebooks/03_innovation_types.ipynb``.

The notebook keeps the statistics a student should see (the test calls, the counts, the shares)
and its prose; this module draws its figures, assembles its tables and captions, reads the
report's numbers it needs and declares to the output gate how the microdata counts add up.
Captions are copied from the notebook as they were, so the downloads do not change.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace
from types import SimpleNamespace

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pingouin as pg
from scipy import stats as sps

from barometer.analysis import stats
from barometer.book.figures import HIGHLIGHT, MUTED, PALETTE, REFERENCE, wrap
from barometer.data import codebook as md
from barometer.data import paths, published
from barometer.synthesis import generator as synthesis

#: The four types of the question, by code, and their answer columns.
TYPES = [1, 2, 3, 4]
TYPE_COLS = {c: f"innovation_type_{c}" for c in TYPES}
INTERACTION = "Innovatie van de interactie"
#: Short names of the types (table columns) and the spectrum's remainder, per language.
SHORT = {"en": {1: "products", 2: "services", 3: "processes", 4: "interaction"},
         "nl": {1: "producten", 2: "diensten", 3: "processen", 4: "interactie"}}
NO_INNOVATION = {"en": "No innovation", "nl": "Geen innovatie"}
#: Monte Carlo resamples of the chi-square tests with fixed margins.
RESAMPLES = 4999
H, V = "Cohen's h", "Cramér's V"
#: Rows of the sector tables come from the codebook, not from the data: a sector missing from a
#: table would tell that it has no innovators.
SECTORS = sorted(md.DESIGN_LABELS["sector"])
#: The count columns of the degree of change by number of types.
HEAD = {k: f"{k} type" if k == 1 else f"{k} types" for k in range(1, 5)}
SPECTRUM_COUNTS = [f"{HEAD[k]} (n)" for k in range(1, 5)]


def type_labels(ch) -> dict[int, str]:
    """The codebook's name of each type in the reader's language."""
    return {c: ch.option("innovation_type", c) for c in TYPES}


# ---------------------------------------------------------------------------- published part
@dataclass
class Published:
    """The report's numbers the chapter's published part works on (Tables B1-3, B1-8, B1-9, §2.1)."""

    pct: pd.DataFrame      # Table B1-9: type shares (columns 1-4) by sector and total
    n: pd.Series           # Table B1-9: innovators per sector and total
    n_inn25: int
    total25: pd.Series     # the total row of B1-9
    int21: float           # interaction share of 2021 (§2.1, printed without a base)
    n_inn21: int           # the 2021 innovators of the annex tables (B1-3)
    rate21: float
    n_all21: int
    rate25: float
    n_all25: int

    @property
    def sectors(self) -> list[str]:
        """The sectors Table B1-9 breaks out (the total excluded)."""
        return [g for g in self.pct.index if g != "Totaal"]


def published_numbers() -> Published:
    """Read the report's numbers of this chapter from the published layer. The 2021 interaction
    share has no printed base; the innovator tables of the annex (B1-3 to B1-7) give one."""
    b19 = published.table("B1-9")
    b19["code"] = [md.code_of("innovation_type", i) if i else 0 for i in b19["item"]]
    pct = (b19[b19["statistic"] == "pct"]
           .pivot_table(index="group", columns="code", values="value", sort=False).astype(float))
    n = b19[b19["statistic"] == "n"].set_index("group")["value"].astype(int)
    return Published(
        pct=pct, n=n, n_inn25=int(n["Totaal"]), total25=pct.loc["Totaal"],
        int21=published.value("text-2.1", year=2021, variable="innovation_type", item=INTERACTION,
                              statistic="pct"),
        n_inn21=int(published.table("B1-3", year=2021, statistic="n")["value"].iloc[0]),
        rate21=published.value("B1-8", year=2021, group="Totaal", statistic="pct"),
        n_all21=int(published.value("B1-8", year=2021, group="Totaal", statistic="n")),
        rate25=published.value("B1-8", year=2025, group="Totaal", statistic="pct"),
        n_all25=int(published.value("B1-8", year=2025, group="Totaal", statistic="n")))


def in_brief_figure(ch) -> None:
    """The first screen's chart: the four type shares of 2025 and the one 2021 share the text prints."""
    ib = published.table("B1-9", group="Totaal", statistic="pct")[["item", "value"]].rename(columns={"value": "2025"})
    ib_n = int(published.value("B1-9", group="Totaal", statistic="n"))
    ib_int21 = published.value("text-2.1", year=2021, variable="innovation_type", item=INTERACTION,
                               statistic="pct")
    ib["2021"] = np.where(ib["item"] == INTERACTION, ib_int21, np.nan)
    ib["type"] = [ch.option("innovation_type", i) for i in ib["item"]]
    fig, ax = plt.subplots(figsize=(6.5, 3))
    ib_y = np.arange(len(ib))
    for offset, wave, colour in ((-0.2, "2021", MUTED), (0.2, "2025", HIGHLIGHT)):
        ax.barh(ib_y + offset, ib[wave], height=0.38, color=colour, label=f"{wave} wave")
        for y, v in zip(ib_y + offset, ib[wave], strict=True):
            ax.text((v if np.isfinite(v) else 0) + 1, y, f"{v:.0f}%" if np.isfinite(v) else "not printed",
                    va="center", fontsize=8, color="black" if np.isfinite(v) else "#555555")
    ax.set_yticks(ib_y, [wrap(t, 28) for t in ib["type"]], fontsize=8)
    ax.set_ylim(len(ib) - 0.5, -0.75)  # top to bottom, with room for the first label
    ax.set_xlim(0, 100)
    ax.set_xlabel("organisations that innovated (%)")
    ax.legend(loc="lower right", fontsize=8)
    top = ib.loc[ib["2025"].idxmax()]
    ch.figure(fig, "in_brief_types",
              f"Type of the most recent innovation, as a share of the organisations that innovated: 2025 "
              f"(published, Table B1-9, n = {ib_n}) and 2021 where the report prints it (§2.1; only interaction). "
              "Several types possible.",
              f"Horizontal bar chart of the four types: in 2025 {top['type'].lower()} is by far the most frequent "
              f"({top['2025']:.0f}%); interaction with the outside world fell from {ib_int21:.0f}% in 2021 to "
              f"{ib.loc[ib['item'] == INTERACTION, '2025'].iloc[0]:.0f}% in 2025; the other 2021 "
              "shares are not printed.",
              data=ib[["item", "type", "2021", "2025"]])


def types_by_year(ch, pub: Published) -> pd.DataFrame:
    """Each type's share of innovators with its Wilson interval: 2025 from B1-9, 2021 only for
    interaction (on the assumed base of the annex's innovator tables)."""
    rows = []
    for c in TYPES:
        lo, hi = stats.pct_ci(pub.total25[c], pub.n_inn25)
        rows.append({"code": c, "year": 2025, "pct": pub.total25[c], "n": pub.n_inn25, "ci_low": lo, "ci_high": hi,
                     "base": "printed (Table B1-9)"})
        if c == 4:
            lo, hi = stats.pct_ci(pub.int21, pub.n_inn21)
            rows.append({"code": c, "year": 2021, "pct": pub.int21, "n": pub.n_inn21, "ci_low": lo, "ci_high": hi,
                         "base": "assumed: innovators of Tables B1-3 to B1-7"})
        else:
            rows.append({"code": c, "year": 2021, "pct": np.nan, "n": np.nan, "ci_low": np.nan, "ci_high": np.nan,
                         "base": "not printed (Figure 2-3 is an image)"})
    out = pd.DataFrame(rows)
    labels = type_labels(ch)
    out["type"] = [labels[c] for c in out["code"]]
    return out


def show_types_by_year(ch, pub: Published, types_year: pd.DataFrame) -> None:
    """The table and the grouped bar chart of the types by wave."""
    shown = types_year[["type", "year", "pct", "ci_low", "ci_high", "n", "base"]]
    ch.table(shown.rename(columns={
                 "pct": "share of innovators (%)", "ci_low": "95% CI low", "ci_high": "95% CI high",
                 "n": "innovators (base)"}),
             "types_by_year",
             "Type of the most recently implemented innovation, 2021 and 2025 wave (published: Table B1-9 "
             "and §2.1). Base: organisations that implemented an innovation; several types possible.",
             formats={"95% CI low": "{:.0f}", "95% CI high": "{:.0f}"})
    labels = type_labels(ch)
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    x = np.arange(len(TYPES))
    width = 0.38
    for j, (wave_year, colour) in enumerate([(2021, PALETTE[1]), (2025, PALETTE[0])]):
        d = types_year[types_year["year"] == wave_year].set_index("code").reindex(TYPES)
        pos = x + (j - 0.5) * width
        known = d["pct"].notna().to_numpy()
        ax.bar(pos[known], d["pct"][known], width, color=colour, label=f"{wave_year} wave")
        ax.errorbar(pos[known], d["pct"][known],
                    yerr=[d["pct"][known] - d["ci_low"][known], d["ci_high"][known] - d["pct"][known]],
                    fmt="none", ecolor="black", capsize=3, linewidth=1)
        for p in pos[~known]:
            ax.text(p, 3, "not printed", ha="center", va="bottom", fontsize=7, color="#555555", rotation=90)
    ax.set_xticks(x, [wrap(labels[c], 18) for c in TYPES], fontsize=8)
    ax.set_ylim(0, 100)
    ax.set_ylabel("share of innovators (%)")
    ax.legend(loc="upper left")
    ch.figure(fig, "types_by_year",
              f"Type of the most recent innovation by wave, with 95% Wilson intervals (published: Table B1-9 "
              f"and §2.1; cf. Figure 2-3). Question: {ch.question('innovation_type')}. Base: innovators, "
              f"n = {pub.n_inn25} (2025) and {pub.n_inn21} (2021, assumed). The 2021 shares of products, services "
              "and processes are not printed in the report's text.",
              "Grouped bar chart of the four innovation types. Processes are by far the most common type in 2025; "
              "interaction with the outside world is much lower in 2025 than in 2021; the other 2021 bars are "
              "missing because the report does not print them.",
              data=shown)


def base_range(rate: float, n_all: int) -> tuple[int, int, int]:
    """The number of innovators an innovation rate (rounded to a whole percent) of ``n_all``
    respondents implies, and the lowest and highest number the rounding allows."""
    implied = stats.count_from_pct(rate, n_all)
    return implied, int(np.ceil((rate - 0.5) / 100 * n_all)), int(np.floor((rate + 0.5) / 100 * n_all))


def least_favourable(pub: Published, n_lo: int, n_hi: int) -> tuple[int, float, float]:
    """The 2021 base and the roundings of both interaction shares that give the largest p-value:
    (n 2021, % 2021, % 2025)."""
    p21, p25 = pub.int21, pub.total25[4]
    return max(((n, a, b) for n in range(n_lo, n_hi + 1)
                for a in (p21 - 0.5, p21, p21 + 0.5) for b in (p25 - 0.5, p25, p25 + 0.5)),
               key=lambda t: stats.two_proportions(t[2], pub.n_inn25, t[1], t[0]).p_value)


def show_interaction_sensitivity(ch, pub: Published, n_implied: int, worst: tuple[int, float, float]) -> None:
    """The two-proportion test of interaction (2025 against 2021) for each assumption about the base."""
    scenarios = [
        ("innovators of the annex tables (main)", pub.n_inn21, pub.int21, pub.total25[4]),
        ("innovation rate x respondents", n_implied, pub.int21, pub.total25[4]),
        ("least favourable base and rounding", worst[0], worst[1], worst[2]),
    ]
    rows = []
    for label, n21, p21, p25 in scenarios:
        res = stats.two_proportions(p25, pub.n_inn25, p21, n21)
        rows.append({"base of the 2021 share": label, "n 2021": n21, "n 2025": pub.n_inn25, "% 2021": p21,
                     "% 2025": p25, "z": res.statistic, "p": res.p_value, H: res.effect})
    ch.table(pd.DataFrame(rows), "interaction_sensitivity",
             "Interaction with the outside world, 2025 against 2021 wave (published: §2.1, Table B1-9): "
             "two-proportion z-test under different assumptions about the unprinted 2021 base; negative z and "
             "h mean a fall.", formats={"% 2021": "{:.1f}", "% 2025": "{:.1f}", "z": "{:.2f}", "p": "{:.2g}",
                                      H: "{:.2f}"})


def by_sector(ch, pub: Published) -> pd.DataFrame:
    """Table B1-9 in long form: each sector's (and the total's) type shares with Wilson intervals."""
    short = SHORT[ch.lang]
    rows = []
    for g in pub.pct.index:
        for c in TYPES:
            lo, hi = stats.pct_ci(pub.pct.loc[g, c], int(pub.n[g]))
            rows.append({"group": g, "sector": ch.group(g), "code": c, "type": short[c], "pct": pub.pct.loc[g, c],
                         "n": int(pub.n[g]), "ci_low": lo, "ci_high": hi})
    return pd.DataFrame(rows)


def show_types_by_sector(ch, pub: Published, long: pd.DataFrame) -> None:
    """The sector table (percent with interval in brackets) and the four dot plots."""
    short = SHORT[ch.lang]
    wide = long.assign(cell=[f"{p:.0f} [{lo:.0f}-{hi:.0f}]" for p, lo, hi in
                             zip(long["pct"], long["ci_low"], long["ci_high"], strict=True)])
    wide = wide.pivot_table(index=["group", "sector", "n"], columns="type", values="cell", aggfunc="first", sort=False)
    wide = wide[[short[c] for c in TYPES]].reset_index().drop(columns="group")
    ch.table(wide.rename(columns={"n": "innovators (n)"}), "types_by_sector",
             "Type of the most recent innovation by sector, 2025: percentage of innovators with a 95% Wilson "
             "interval in brackets (published: Table B1-9). The total includes the High Councils of State, "
             "which the table does not break out.")
    labels = type_labels(ch)
    sectors = pub.sectors
    focus = md.canonical_group("sector", ch.sector) if ch.sector else None
    canon = {g: md.canonical_group("sector", g) for g in sectors}
    order = sorted(sectors, key=lambda g: pub.n[g])
    fig, axes = plt.subplots(1, 4, figsize=(10, 4.4), sharey=True)
    ypos = np.arange(len(order))
    for ax, c in zip(axes, TYPES, strict=True):
        d = long[long["code"] == c].set_index("group").loc[order]
        colours = [HIGHLIGHT if focus in (None, canon[g]) else MUTED for g in order]
        ax.hlines(ypos, d["ci_low"], d["ci_high"], color=colours, linewidth=2)
        ax.scatter(d["pct"], ypos, color=colours, zorder=3, s=22)
        ax.axvline(pub.total25[c], color=REFERENCE, linestyle="--", linewidth=1)
        ax.set_title(wrap(labels[c], 18), fontsize=8)
        ax.set_xlim(-3, 103)
        ax.set_xlabel("%")
    axes[0].set_yticks(ypos, [f"{ch.group(g)} (n={pub.n[g]})" for g in order], fontsize=8)
    ch.figure(fig, "types_by_sector",
              f"Type of the most recent innovation by sector, 2025, with 95% Wilson intervals; the dashed line is "
              f"the total (published: Table B1-9). Question: {ch.question('innovation_type')}. Base: innovators of "
              f"each sector (n in the labels; total n = {pub.n_inn25}).",
              "Four dot plots, one per innovation type, with a dot and interval bar for each sector. The small "
              "sectors have intervals spanning most of the scale; processes are high in every sector.",
              data=long.drop(columns="group"))


def sector_table(pcts, ns) -> np.ndarray:
    """A sector x (named, not named) table of counts reconstructed from percentages and bases."""
    ns = [int(n) for n in ns]
    counts = np.array([stats.count_from_pct(p, n) for p, n in zip(pcts, ns, strict=True)])
    return np.column_stack([counts, np.asarray(ns) - counts])


def chi_square(table: np.ndarray, rng) -> dict:
    """Pearson's chi-square of a sector x (named, not named) table without empty rows: statistic,
    degrees of freedom, asymptotic p-value, Monte Carlo p-value from tables with the observed
    margins (``rng`` is drawn from), Cramér's V and the number of cells expected below five."""
    table = table[table.sum(axis=1) > 0]
    asym = sps.chi2_contingency(table, correction=False)
    mc = sps.chi2_contingency(table, correction=False, method=sps.MonteCarloMethod(n_resamples=RESAMPLES, rng=rng))
    v = np.sqrt(asym.statistic / (table.sum() * (min(table.shape) - 1)))
    return {"chi2": asym.statistic, "df": int(asym.dof), "p": asym.pvalue, "p (Monte Carlo)": mc.pvalue, V: v,
            "cells expected < 5": int((asym.expected_freq < 5).sum())}


def show_sector_tests(ch, pub: Published, tests: pd.DataFrame, large: list[str]) -> None:
    ch.table(tests, "sector_tests",
             f"Does the share of each type differ between the {len(pub.sectors)} sectors of Table B1-9 (2025)? "
             "Chi-square test per type on counts reconstructed from the published percentages and bases; "
             f"Monte Carlo p-values (4,999 tables with the observed margins, seed {ch.seed}); 'large sectors' "
             f"= the {len(large)} sectors with at least 20 innovators; Holm over the four types.",
             formats={"chi2": "{:.1f}", "p": "{:.3f}", "p (Monte Carlo)": "{:.3f}", V: "{:.2f}",
                      "p (Monte Carlo), large sectors": "{:.3f}", "p (Monte Carlo, Holm)": "{:.3f}"})


def sector_vs_rest(ch, pub: Published):
    """The chosen sector against the innovators of all other sectors, per type (Fisher's exact test:
    some sectors are tiny; the others' counts are the total's minus the sector's). Shows the table
    and returns (sector, its innovators, the rows), or None when no sector of B1-9 is chosen."""
    focus = md.canonical_group("sector", ch.sector) if ch.sector else None
    canon = {g: md.canonical_group("sector", g) for g in pub.sectors}
    if focus is None or focus not in canon.values():
        return None
    labels = type_labels(ch)
    g = next(k for k, v in canon.items() if v == focus)
    n_g = int(pub.n[g])
    out = []
    for c in TYPES:
        k_g = stats.count_from_pct(pub.pct.loc[g, c], n_g)
        k_r, n_r = stats.rest_of(pub.total25[c], pub.n_inn25, pub.pct.loc[g, c], n_g)
        _, p = sps.fisher_exact([[k_g, n_g - k_g], [k_r, n_r - k_r]])
        out.append({"type": labels[c], f"{ch.group(g)} (%)": 100 * k_g / n_g, "n": n_g,
                    "other sectors (%)": 100 * k_r / n_r, "n other": n_r,
                    H: stats.cohens_h(100 * k_g / n_g, 100 * k_r / n_r), "p (Fisher)": p})
    rows = pd.DataFrame(out)
    rows["p (Holm)"] = stats.holm(rows["p (Fisher)"].tolist())[0]
    ch.table(rows, "sector_vs_rest",
             f"{ch.group(g)} against the innovators of all other sectors, 2025 (published: Table B1-9; the "
             "other sectors' counts are the total's minus the sector's). Fisher's exact test, Holm over the "
             "four types.",
             formats={H: "{:.2f}", "p (Fisher)": "{:.3f}", "p (Holm)": "{:.3f}"})
    return g, n_g, rows


def glue_sector_view(ch, chosen) -> None:
    """Which sentence on the `sector` parameter the sector comparison shows (case ``ch03_sector_view``:
    compared, the selected sector's most different type; not-broken-out, Table B1-9 does not break the
    selected sector out; none, no sector selected) and the numbers it needs."""
    if chosen is not None:
        g, n_g, rows = chosen
        lowest = rows.loc[rows["p (Holm)"].idxmin()]
        ch.glue("ch03_sector_view", "compared")
        ch.glue("ch03_sector_sel_name", ch.group(g))
        ch.glue("ch03_sector_sel_n", n_g)
        ch.glue("ch03_sector_sel_type", lowest["type"].lower())
        ch.glue("ch03_sector_sel_pct", lowest.iloc[1], "{:.0f}%")
        ch.glue("ch03_sector_sel_pct_rest", lowest["other sectors (%)"], "{:.0f}%")
        ch.glue("ch03_sector_sel_h", lowest[H], "{:.2f}")
        ch.glue("ch03_sector_sel_p", stats.format_p(lowest["p (Fisher)"]))
        ch.glue("ch03_sector_sel_p_holm", stats.format_p(lowest["p (Holm)"]))
    elif ch.sector is not None:
        ch.glue("ch03_sector_view", "not-broken-out")
        ch.glue("ch03_sector_sel_name", ch.group(ch.sector))
    else:
        ch.glue("ch03_sector_view", "none")


def year_note(ch) -> str:
    """How the `year` parameter relates to the published breakdown (2025 only): a phrase that
    completes the notebook's sentence."""
    if ch.year == 2025:
        return "that is also the wave the `year` parameter selects"
    return f"this section shows it whatever `year` is, and the microdata section below describes the {ch.year} wave"


def degree_of_change(ch, pub: Published) -> pd.DataFrame:
    """The two printed shares of the degree of change (2025), with intervals on the assumed base."""
    doc = published.table("text-2.1", variable="degree_of_change")
    doc = doc[["year", "item", "item_en", "value", "approx", "note"]].copy()
    doc["n (assumed)"] = pub.n_inn25
    doc[["ci_low", "ci_high"]] = [stats.pct_ci(v, pub.n_inn25) for v in doc["value"]]
    # The first answer combines two options of the question, so it has no single option label.
    doc["answer"] = doc["item"] if ch.lang == "nl" else doc["item_en"]
    ch.table(doc[["year", "answer", "value", "approx", "ci_low", "ci_high", "n (assumed)"]].rename(columns={
                 "value": "share of innovators (%)", "approx": "approximate (lower bound)",
                 "ci_low": "95% CI low", "ci_high": "95% CI high"}),
             "degree_of_change",
             "How much the most recent innovation changed the way of working, 2025 (published: §2.1, cf. Figure "
             "2-4). Base assumed: innovators (Table B1-9). The first share is printed as 'more than'.",
             formats={"95% CI low": "{:.0f}", "95% CI high": "{:.0f}"})
    return doc


def share_of(doc: pd.DataFrame, starts: str) -> float:
    """The printed share of the answer whose Dutch wording starts with ``starts``."""
    return float(doc.loc[doc["item"].str.startswith(starts), "value"].iloc[0])


def spectrum_published(ch, pub: Published) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The innovation spectrum of both waves (shares of all organisations) with the bases and the
    innovation rate of B1-8; shows the table. Returns the wide frame (by year) and the long one."""
    spec = published.table("text-2.1", variable="innovation_spectrum")
    spec["kind"] = np.where(spec["item"].str.startswith("Enkel"), "single", "multiple")
    sp = spec.pivot_table(index="year", columns="kind", values="value").astype(float)
    sp["none"] = 100 - sp["single"] - sp["multiple"]
    sp["n"] = [pub.n_all21, pub.n_all25]
    sp["rate (B1-8)"] = [pub.rate21, pub.rate25]
    sp["innovators"] = [pub.n_inn21, pub.n_inn25]
    names = spectrum_labels(ch)
    rows = []
    for y_, r in sp.iterrows():
        for kind in ["none", "single", "multiple"]:
            lo, hi = stats.pct_ci(r[kind], int(r["n"]))
            rows.append({"year": int(y_), "kind": kind, "spectrum": names[kind], "pct": r[kind],
                         "n": int(r["n"]), "ci_low": lo, "ci_high": hi})
    long = pd.DataFrame(rows)
    ch.table(long.drop(columns="kind").rename(columns={"pct": "share of all organisations (%)",
                                                       "n": "organisations (base)",
                                                       "ci_low": "95% CI low", "ci_high": "95% CI high"}),
             "spectrum",
             "Innovation spectrum by wave (published: §2.1, cf. Figure 2-6). Base: all responding organisations "
             "(Table B1-8); 'no innovation' is the remainder. Multi-type = 2, 3 or 4 types (§2.1; see erratum E08).",
             formats={"95% CI low": "{:.0f}", "95% CI high": "{:.0f}"})
    return sp, long


def single_among_innovators(sp: pd.DataFrame) -> dict[int, float]:
    """The single-type share of innovators per wave: the count of organisations with a single-type
    innovation (reconstructed from the share of all organisations) over the number of innovators."""
    k_single = {y_: stats.count_from_pct(sp.loc[y_, "single"], int(sp.loc[y_, "n"])) for y_ in (2021, 2025)}
    return {y_: 100 * k_single[y_] / int(sp.loc[y_, "innovators"]) for y_ in (2021, 2025)}


def spectrum_labels(ch) -> dict[str, str]:
    return {"none": NO_INNOVATION[ch.lang], "single": ch.option("innovation_spectrum", 1),
            "multiple": ch.option("innovation_spectrum", 2)}


def show_spectrum_tests(ch, sp: pd.DataFrame, single_inn: dict, single, multi, single_in, dist) -> None:
    """The table of the spectrum's wave comparisons (2025 against 2021)."""
    def row(what, p21, p25, res, effect):
        return {"comparison (2025 against 2021)": what, "% 2021": p21, "% 2025": p25, "statistic": res.statistic,
                "p": res.p_value, "effect": res.effect, "effect size": effect}

    tests = pd.DataFrame([
        row("single-type, share of all organisations", sp.loc[2021, "single"], sp.loc[2025, "single"], single, H),
        row("multi-type, share of all organisations", sp.loc[2021, "multiple"], sp.loc[2025, "multiple"], multi, H),
        row("single-type, share of innovators", single_inn[2021], single_inn[2025], single_in, H),
        row("none / single / multiple (chi-square, 2 df)", np.nan, np.nan, dist, V),
    ])
    ch.table(tests, "spectrum_tests",
             "The innovation spectrum, 2021 against 2025 wave (published: §2.1, Table B1-8 for the bases; "
             "innovator bases as in the interaction test). z for the two-proportion tests (negative: a fall), "
             "chi-square for the distribution.",
             formats={"% 2021": "{:.1f}", "% 2025": "{:.1f}", "statistic": "{:.2f}", "p": "{:.2g}", "effect": "{:.2f}"})


def show_spectrum_figure(ch, pub: Published, long: pd.DataFrame) -> None:
    """The grouped bar chart of the spectrum by wave, with Wilson intervals."""
    names = spectrum_labels(ch)
    fig, ax = plt.subplots(figsize=(6.5, 4))
    kinds = ["none", "single", "multiple"]
    x = np.arange(len(kinds))
    for j, (wave_year, colour) in enumerate([(2021, PALETTE[1]), (2025, PALETTE[0])]):
        d = long[long["year"] == wave_year].set_index("kind").loc[kinds]
        pos = x + (j - 0.5) * 0.38
        ax.bar(pos, d["pct"], 0.38, color=colour, label=f"{wave_year} wave (n = {d['n'].iloc[0]})")
        ax.errorbar(pos, d["pct"], yerr=[d["pct"] - d["ci_low"], d["ci_high"] - d["pct"]], fmt="none",
                    ecolor="black", capsize=3, linewidth=1)
    ax.set_xticks(x, [wrap(names[k], 20) for k in kinds], fontsize=8)
    ax.set_ylim(0, 100)
    ax.set_ylabel("share of all organisations (%)")
    ax.legend(loc="upper left")
    ch.figure(fig, "spectrum_by_year",
              "Innovation spectrum by wave, with 95% Wilson intervals (published: §2.1; cf. Figure 2-6). Derived "
              f"from the question: {ch.question('innovation_type')}. Base: all responding organisations "
              f"(n = {pub.n_all21} in 2021, {pub.n_all25} in 2025). Multi-type = 2, 3 or 4 types.",
              "Grouped bar chart: from the 2021 to the 2025 wave the share without innovation and the share with "
              "a single-type innovation rose, the share with a multi-type innovation fell.",
              data=long.drop(columns="kind"))


def show_erratum(ch) -> None:
    """Erratum E08: the report's two definitions of 'multi-type'."""
    errata = pd.read_csv(paths.PUBLISHED / "errata.csv")
    e08 = errata[errata["erratum_id"] == "E08"][["erratum_id", "title", "treatment", "confidence"]]
    ch.table(e08, "erratum_e08", "Erratum E08 of the published layer: two definitions of 'multi-type' in the report.")


def nl_dk_statements(ch, pub: Published) -> SimpleNamespace:
    """What §2.1 states about the comparison with Denmark; shows the table and returns the
    printed process share, the Danish innovation rate and the Danish number of respondents."""
    labels = type_labels(ch)
    t21 = published.table("text-2.1")
    proc_row = t21[(t21["variable"] == "innovation_type") & (t21["item"] == "Innovatie van processen")].iloc[0]
    dk_rate = published.value("text-2.1", country="DK", variable="innovated", statistic="pct")
    dk_n = int(published.value("text-2.1", country="DK", variable="response", statistic="count"))
    statements = pd.DataFrame([
        {"what the text gives": labels[3] + ", 'almost 4 in 5' (country not explicit; read as NL)",
         "Netherlands": proc_row["value"], "Denmark": np.nan, "approximate": bool(proc_row["approx"]),
         "note": f"Table B1-9 gives {pub.total25[3]:.0f}% for the Netherlands"},
        {"what the text gives": labels[4] + ", 2019-2020 (2021 wave)", "Netherlands": pub.int21, "Denmark": np.nan,
         "approximate": False, "note": "restated as 'more than' a round number in the same section"},
        {"what the text gives": labels[4] + ", 2023-2024 (2025 wave)", "Netherlands": pub.total25[4],
         "Denmark": np.nan, "approximate": False,
         "note": "Denmark: the text says only that its share rose over a comparable period"},
        {"what the text gives": "Implemented at least one innovation (NL 2023-2024, DK 2023)",
         "Netherlands": pub.rate25, "Denmark": dk_rate, "approximate": False,
         "note": f"n = {pub.n_all25} (NL) and {dk_n:,} (DK)"},
    ])
    ch.table(statements, "nl_dk",
             "What §2.1 states about the comparison with Denmark (Figure 2-5), in percent; empty cells are not "
             "printed.", formats={"Netherlands": "{:.0f}", "Denmark": "{:.0f}"})
    return SimpleNamespace(process=proc_row["value"], dk_rate=dk_rate, dk_n=dk_n)


def claims_check(ch, pub: Published, sp: pd.DataFrame, family: dict, holm_p: dict, doc_drastic: float,
                 doc_range: tuple[float, float]) -> pd.DataFrame:
    """The report's claims of §2.1, each with its published numbers and, where the numbers allow a
    test, its p-value, Holm-corrected p-value, Cohen's h and verdict; shows the table."""
    not_checkable = "cannot be checked: the 2021 value is not printed"
    t = pub.total25
    claims = [
        ("Interaction with the outside world fell sharply since 2021",
         f"{pub.int21:.0f}% to {t[4]:.0f}% of innovators", "interaction", True),
        ("Fewer organisations implemented a multi-type innovation", f"{sp.loc[2021, 'multiple']:.0f}% to "
         f"{sp.loc[2025, 'multiple']:.0f}% of all organisations", "multiple", True),
        ("More organisations implemented a single-type innovation", f"{sp.loc[2021, 'single']:.0f}% to "
         f"{sp.loc[2025, 'single']:.0f}% of all organisations", "single", True),
        ("The share of process innovations has not changed substantially", f"{t[3]:.0f}% in 2025",
         not_checkable, False),
        ("The shares of product and service innovations fell", f"{t[1]:.0f}% and {t[2]:.0f}% in 2025",
         not_checkable, True),
        ("Drastic change of the way of working is less common than in 2021", f"{doc_drastic:.0f}% in 2025",
         not_checkable + f" (it would have to exceed {doc_range[1]:.0f}%)", True),
        ("The spread over the types is broadly the same in the Netherlands and Denmark",
         "no Danish type share printed", "cannot be checked: the Danish values are not printed", False),
    ]
    rows = []
    for claim, evidence, key, claimed in claims:
        if key not in family:
            rows.append({"claim (our wording)": claim, "published numbers": evidence, "p": np.nan,
                         "p (Holm)": np.nan, H: np.nan, "verdict": key})
            continue
        res = family[key]
        rows.append({"claim (our wording)": claim, "published numbers": evidence, "p": res.p_value,
                     "p (Holm)": holm_p[key], H: res.effect,
                     "verdict": stats.claim_check(claimed, replace(res, p_value=holm_p[key]))})
    table = pd.DataFrame(rows)
    ch.table(table, "claims_check",
             "Claims of §2.1 about types, spectrum and degree of change, checked on the published numbers "
             "(two-proportion tests as above; Holm over the four wave comparisons).",
             formats={"p": "{:.2g}", "p (Holm)": "{:.2g}", H: "{:.2f}"})
    return table


# ---------------------------------------------------------------------------- microdata part
def glue_md_data_view(ch) -> None:
    """Which caveats the microdata part shows (case ``ch03_md_data_view``: synthetic, the tests restate
    the generator's assumptions and the relations of the degree of change are no findings; own, the
    output check and associations, not effects), with the values they name. Typed as fixed: where the
    data come from is a setting, not a result."""
    if ch.synthetic:
        by_id = {a.id: a for a in synthesis.ASSUMPTIONS}
        ch.glue("ch03_md_data_view", ch.fixed("synthetic"))
        ch.glue("ch03_md_a07", ch.fixed(by_id["A07"].value))
        ch.glue("ch03_md_a09", ch.fixed(by_id["A09"].value))
    else:
        ch.glue("ch03_md_data_view", ch.fixed("own"))
        ch.glue("ch03_md_min_cell", ch.fixed(ch.min_cell))


def but_for_nonresponse(ch, whole, part) -> None:
    """``whole`` is ``part`` plus those who left it unanswered. Where nobody did, an attacker would take
    the two as equal, and so does the output check (a count of one then tells the other)."""
    unanswered = whole.without(part)
    ch.split_exactly(whole, [part, unanswered] if unanswered.n else [part], lenient=True)


def type_measures(ch) -> SimpleNamespace:
    """The measures of the type question (over the whole file) and how their counts add up:
    ``innovators`` (its universe), ``answered`` (the type question), per type ``asked`` (its item
    answered), ``named`` and ``not_named``."""
    cols = [TYPE_COLS[c] for c in TYPES]
    m = SimpleNamespace(innovators=ch.asked(cols[0]))  # the type question's universe: the innovators
    m.answered = m.innovators & ch.answered(*cols, name="answered the type question")
    m.asked = {c: ch.asked(TYPE_COLS[c]) & ch.where(TYPE_COLS[c]) for c in TYPES}  # this type's item
    m.named = {c: ch.where(TYPE_COLS[c], 1) for c in TYPES}
    m.not_named = {c: ch.where(TYPE_COLS[c], 0) for c in TYPES}
    but_for_nonresponse(ch, m.innovators, m.answered)
    for c in TYPES:
        but_for_nonresponse(ch, m.answered, m.asked[c])
        ch.split_exactly(m.asked[c], [m.asked[c] & m.named[c], m.asked[c] & m.not_named[c]], lenient=True)
    return m


def innovators(df: pd.DataFrame) -> pd.DataFrame:
    """Innovators who answered the type question (at least one type item not empty)."""
    inn = df[md.universe_mask(df, "innovators")]
    return inn[inn[[TYPE_COLS[c] for c in TYPES]].notna().any(axis=1)]


def innovators_of_waves(ch, waves) -> pd.DataFrame:
    """The innovators of both waves (restricted to ``sector`` when it is set), for the rank test."""
    both = ch.data[ch.data["wave"].isin(waves)]
    if ch.sector is not None:
        both = both[both["sector"] == ch.sector]
    inn = innovators(both)
    return inn.assign(types=md.spectrum(inn).astype(int))


def p_text(ch, p):
    """A typed p-value in words, as stats.format_p writes a plain one ('p < 0.001', 'p = 0.036'; 'p not
    computable'): a phrase chosen by the data, resting on what the p-value rests on."""
    return ch.verdict(stats.format_p(ch.plain(p)), on=[p])


def chosen(ch, value, among):
    """A value picked out by comparing ``among`` (the row with the largest effect): showing it tells how
    it compares with them, so it rests on them too."""
    return ch.statistic(ch.plain(value), on=[value, *among])


def show_md_type_by_sector(ch, crosstab: pd.DataFrame) -> None:
    ch.table(crosstab, "md_type_by_sector",
             ch.text("Type of the most recent innovation by sector, {year} (recomputed from the microdata). Base: "
                     "innovators who answered the type question; several types possible.", year=ch.fixed(ch.year)),
             labels=("sector",), formats={f"{SHORT[ch.lang][c]} (%)": "{:.0f}" for c in TYPES})


def chi2_by_sector(inn: pd.DataFrame, c: int, rng) -> dict:
    """Pearson's chi-square of sector by named/not named for type ``c`` on the organisations'
    answers (pingouin's chi2_independence), with a Monte Carlo p-value that keeps the margins
    (``rng`` is drawn from in order) and the number of cells expected below five."""
    data = inn[["sector", TYPE_COLS[c]]].dropna().astype({TYPE_COLS[c]: "int64"})
    data = data.astype({"sector": "string"}).astype({"sector": object})
    result = dict.fromkeys(["chi2", "df", "p", "p (Monte Carlo)", V, "cells expected < 5"], np.nan)
    if data[TYPE_COLS[c]].nunique() == 2 and data["sector"].nunique() > 1:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pingouin warns about small expected counts; we count them below
            expected, observed, test = pg.chi2_independence(data, x="sector", y=TYPE_COLS[c])
        pearson = test.set_index("test").loc["pearson"]
        mc = sps.chi2_contingency(observed.to_numpy(), correction=False,
                                  method=sps.MonteCarloMethod(n_resamples=RESAMPLES, rng=rng))
        result = {"chi2": pearson["chi2"], "df": int(pearson["dof"]), "p": pearson["pval"],
                  "p (Monte Carlo)": mc.pvalue, V: pearson["cramer"],
                  "cells expected < 5": int((expected.to_numpy() < 5).sum())}
    return result


def md_sector_row(ch, m: SimpleNamespace, c: int, cells: pd.DataFrame, result: dict) -> dict:
    """The row of type ``c`` in the test table: every statistic typed on the sector x named/not
    named crosstab it rests on, and the number who answered the type's item."""
    return {"type": type_labels(ch)[c], **{k: ch.statistic(v, on=cells) for k, v in result.items()},
            "n": ch.count(m.asked[c], wave=ch.year)}


def show_md_sector_tests(ch, md_tests: pd.DataFrame) -> None:
    ch.table(md_tests, "md_sector_tests",
             ch.text("Chi-square test of each type by sector, {year} (recomputed from the microdata; pingouin's "
                     "chi2_independence, Monte Carlo p-value from 4,999 tables with fixed margins, seed {seed}; "
                     "Holm over the four types).", year=ch.fixed(ch.year), seed=ch.fixed(ch.seed)),
             labels=("type",),
             formats={"chi2": "{:.1f}", "p": "{:.3f}", "p (Monte Carlo)": "{:.3f}", V: "{:.2f}",
                      "p (Monte Carlo, Holm)": "{:.3f}"})


def glue_md_sector_tests(ch, md_tests: pd.DataFrame, sector_cells: dict) -> None:
    """The numbers of the notebook's sentence on the microdata sector tests: the type whose
    association with the sector is strongest (the data choose it; with too few innovators a phrase
    saying so) with its Cramér's V and Monte Carlo p, picked by comparing the types so resting on
    them all; how many of the types tested differ after Holm; and the note on the synthetic 2021
    wave (empty elsewhere)."""
    v_sector = [ch.plain(v) for v in md_tests[V]]
    if np.isfinite(v_sector).any():
        top = md_tests.iloc[int(np.nanargmax(v_sector))]
        kind = ch.verdict(top["type"].lower(), on=list(md_tests[V]))
        v, p = chosen(ch, top[V], md_tests[V]), chosen(ch, top["p (Monte Carlo)"], md_tests[V])
    else:
        kind = ch.verdict("none of the types (too few innovators in the configured data to test the sectors)",
                          on=list(sector_cells.values()))
        v = p = ch.statistic(np.nan, on=list(md_tests[V]))
    note = ("In the 2021 wave the generator gives every sector the same type shares (assumption A07 has "
            "totals only), so no sector difference is to be expected there." if ch.synthetic and ch.year == 2021 else "")
    holm_sig = sum(ch.plain(p) < 0.05 for p in md_tests["p (Monte Carlo, Holm)"])
    n_tested = sum(np.isfinite(ch.plain(p)) for p in md_tests["p (Monte Carlo)"])
    ch.glue("ch03_md_sector_type", kind)
    ch.glue("ch03_md_sector_v", v, "{:.2f}")
    ch.glue("ch03_md_sector_p", p_text(ch, p))
    ch.glue("ch03_md_sector_n_sig", ch.statistic(holm_sig, on=list(md_tests["p (Monte Carlo, Holm)"])), "{:.0f}")
    ch.glue("ch03_md_sector_k", ch.statistic(n_tested, on=list(md_tests["p (Monte Carlo)"])), "{:.0f}")
    ch.glue("ch03_md_sector_note", ch.fixed(note))


def wave_comparison(ch, m: SimpleNamespace, c: int, waves: tuple[int, int]) -> dict:
    """One type in the two waves: base, count naming it and share per wave, and the two-proportion
    z-test (``year`` minus ``compare_year``) with Cohen's h, typed on the two shares."""
    row, share = {"type": type_labels(ch)[c]}, {}
    for w in waves:
        row[f"n {w}"] = ch.count(m.asked[c], **ch.focus(w))
        row[f"named {w}"] = ch.count(m.asked[c] & m.named[c], **ch.focus(w))
        row[f"% {w}"] = share[w] = ch.share(m.asked[c], m.named[c], **ch.focus(w))
    n = {w: ch.plain(row[f"n {w}"]) for w in waves}
    k = {w: ch.plain(row[f"named {w}"]) for w in waves}
    z = p = h = np.nan
    if min(n.values()) > 0 and 0 < sum(k.values()) < sum(n.values()):
        res = stats.two_proportions(ch.plain(share[ch.year]), n[ch.year],
                                    ch.plain(share[ch.compare_year]), n[ch.compare_year])
        z, p, h = res.statistic, res.p_value, res.effect
    on = [share[ch.year], share[ch.compare_year]]  # the two shares (with their counts) the test rests on
    return row | {"z": ch.statistic(z, on=on), "p": ch.statistic(p, on=on), H: ch.statistic(h, on=on)}


def show_md_types_by_wave(ch, by_wave: pd.DataFrame) -> None:
    ch.table(by_wave, "md_types_by_wave",
             ch.text("Type of the most recent innovation, {other} and {year} wave, {sectors} (recomputed from the "
                     "microdata). Base: innovators who answered; two-proportion z-test ({year} minus {other}), Holm "
                     "over the four types.", other=ch.fixed(ch.compare_year), year=ch.fixed(ch.year),
                     sectors=ch.fixed(ch.sector_label)),
             labels=("type",),
             formats={f"% {ch.year}": "{:.1f}", f"% {ch.compare_year}": "{:.1f}", "z": "{:.2f}", "p": "{:.3f}",
                      H: "{:.2f}", "p (Holm)": "{:.3f}"})


def largest_change(ch, by_wave: pd.DataFrame) -> dict:
    """The type whose share changed most between the waves (largest absolute Cohen's h) with its two
    shares, h and Holm-corrected p in words: picked by comparing the four, so each rests on them
    all. With too few innovators the type is a phrase saying so and the numbers are not computable."""
    h_wave = [abs(ch.plain(h)) for h in by_wave[H]]
    if not np.isfinite(h_wave).any():
        none = ch.statistic(np.nan, on=list(by_wave[H]))
        return {"type": ch.verdict("none of the types (too few innovators to compare the waves)",
                                   on=list(by_wave[H])),
                "then": none, "now": none, "h": none, "p": p_text(ch, none)}
    biggest = by_wave.iloc[int(np.nanargmax(h_wave))]
    return {"type": ch.verdict(biggest["type"].lower(), on=list(by_wave[H])),
            "then": chosen(ch, biggest[f"% {ch.compare_year}"], by_wave[H]),
            "now": chosen(ch, biggest[f"% {ch.year}"], by_wave[H]),
            "h": chosen(ch, biggest[H], by_wave[H]),
            "p": p_text(ch, chosen(ch, biggest["p (Holm)"], by_wave[H]))}


def number_of_types(ch, m: SimpleNamespace) -> SimpleNamespace:
    """The number of types per innovator (``md.spectrum``, over the whole file; not an innovator:
    missing) as measures, and how their counts add up (the output check follows a hidden count
    through such sums: four types is "3 or 4" minus three)."""
    nt = SimpleNamespace(types=md.spectrum(ch.data).rename("number of types"))
    nt.k = {k: ch.where(nt.types, k) for k in range(5)}
    nt.multi_2, nt.multi_3 = ch.where(nt.types, [2, 3, 4]), ch.where(nt.types, [3, 4])
    nt.by_number = {k: m.answered & nt.k[k] for k in range(5)}
    ch.split_exactly(m.answered, nt.by_number.values(), lenient=True)
    ch.split_exactly(m.answered & nt.multi_2, [nt.by_number[k] for k in (2, 3, 4)], lenient=True)
    ch.split_exactly(m.answered & nt.multi_3, [nt.by_number[k] for k in (3, 4)], lenient=True)
    return nt


def show_md_spectrum(ch, dist: pd.DataFrame, bases: dict) -> None:
    """The table of the number of types by wave."""
    ch.table(dist, "md_spectrum",
             ch.text("Number of types of the most recent innovation by wave, {sectors} (recomputed from the "
                     "microdata). Base: innovators who answered the type question (n = {n_then} in {other}, {n_now} "
                     "in {year}).", sectors=ch.fixed(ch.sector_label), n_then=bases[ch.compare_year],
                     other=ch.fixed(ch.compare_year), n_now=bases[ch.year], year=ch.fixed(ch.year)),
             labels=("number of types",), formats={f"% {w}": "{:.1f}" for w in bases})


def show_md_spectrum_figure(ch, dist: pd.DataFrame, bases: dict) -> None:
    """The grouped bar chart of the number of types by wave (drawn by the gate from typed data)."""
    waves = list(bases)
    tidy = pd.DataFrame([{"number of types": k, "wave": w, "share": dist.loc[k, f"% {w}"],
                          "n": dist.loc[k, f"n {w}"], "base": bases[w]} for w in waves for k in range(5)])

    def draw_spectrum(d):
        fig, ax = plt.subplots(figsize=(6.5, 3.8))
        for j, (w, colour) in enumerate([(ch.compare_year, PALETTE[1]), (ch.year, PALETTE[0])]):
            dw = d[d["wave"] == w]
            ax.bar(dw["number of types"] + (j - 0.5) * 0.38, dw["share"], 0.38, color=colour, label=f"{w} wave")
        ax.set_xticks(range(5))
        ax.set_xlabel("number of types of the most recent innovation")
        fig.subplots_adjust(bottom=0.2)  # room for the synthetic-data mark under the axis label
        ax.set_ylabel("share of innovators (%)")
        ax.legend()
        return fig

    ch.figure(draw_spectrum, "md_spectrum",
              ch.text("Number of types of the most recent innovation by wave, {sectors} (recomputed from the "
                      "microdata). Question: {question}. Base: innovators who answered (n = {n_then} in {other}, "
                      "{n_now} in {year}).", sectors=ch.fixed(ch.sector_label),
                      question=ch.fixed(ch.question("innovation_type")), n_then=bases[ch.compare_year],
                      other=ch.fixed(ch.compare_year), n_now=bases[ch.year], year=ch.fixed(ch.year)),
              "Grouped bar chart of the share of innovators whose most recent innovation had zero to four types, "
              "for the two waves.",
              data=tidy, labels=("number of types", "wave"))


def show_spectrum_definitions(ch, m: SimpleNamespace, nt: SimpleNamespace, dist: pd.DataFrame,
                              bases: dict) -> pd.DataFrame:
    """The mean number of types and the multi-type share under both definitions of the report
    (erratum E08), per wave; shows the table and returns it."""
    def mean_types(w):
        # The number of types takes five values, so the mean is a sum of the counts of the distribution
        # (beside them, it could give a hidden one away): it rests on them.
        mean = ch.mean(m.answered, nt.types, **ch.focus(w))
        return ch.statistic(ch.plain(mean), on=[mean, dist[f"n {w}"]])

    defs = pd.DataFrame([{
        "wave": w, "innovators": bases[w], "mean number of types": mean_types(w),
        "multi-type, 2 or more types (%)": ch.share(m.answered, nt.multi_2, **ch.focus(w)),
        "multi-type, 3 or 4 types (%)": ch.share(m.answered, nt.multi_3, **ch.focus(w))} for w in bases])
    ch.table(defs, "md_spectrum_definitions",
             ch.text("Mean number of types and the share of multi-type innovations under the two definitions of the "
                     "report (§2.1 and §2.5, erratum E08), {sectors} (recomputed from the microdata). Base: "
                     "innovators who answered the type question.", sectors=ch.fixed(ch.sector_label)),
             labels=("wave",),
             formats={"mean number of types": "{:.2f}", "multi-type, 2 or more types (%)": "{:.1f}",
                      "multi-type, 3 or 4 types (%)": "{:.1f}"})
    return defs


def change_measures(ch, m: SimpleNamespace) -> SimpleNamespace:
    """The measures of the degree-of-change question and how their counts add up, across the table
    by type, the table by number of types and the reproduction check (an answer level of all who
    answered both questions, of those who also answered a type's item, ...)."""
    cm = SimpleNamespace(drastic=md.code_of("degree_of_change", "Ingrijpend veranderd"))
    cm.answered = ch.asked("degree_of_change") & ch.where("degree_of_change")
    cm.level = {d_: ch.where("degree_of_change", d_) for d_ in (1, 2, 3)}
    cm.both = m.answered & cm.answered  # innovators who answered both questions
    but_for_nonresponse(ch, m.answered, cm.both)
    but_for_nonresponse(ch, cm.answered, cm.both)
    ch.split_exactly(cm.both, [cm.both & cm.level[d_] for d_ in (1, 2, 3)], lenient=True)
    for d_ in (1, 2, 3):
        but_for_nonresponse(ch, cm.answered & cm.level[d_], cm.both & cm.level[d_])
    return cm


def change_base(ch, m: SimpleNamespace, cm: SimpleNamespace, c: int):
    """Innovators who answered the degree of change and type ``c``'s item, split into those who
    named the type and those who did not (declared to the output check); returns the three."""
    base = m.asked[c] & cm.answered
    with_t, without = base & m.named[c], base & m.not_named[c]
    but_for_nonresponse(ch, cm.both, base)
    ch.split_exactly(base, [with_t, without], lenient=True)
    for part in (with_t, without):
        ch.split_exactly(part, [part & cm.level[d_] for d_ in (1, 2, 3)], lenient=True)
    for d_ in (1, 2, 3):
        but_for_nonresponse(ch, cm.both & cm.level[d_], base & cm.level[d_])
        ch.split_exactly(base & cm.level[d_], [with_t & cm.level[d_], without & cm.level[d_]], lenient=True)
    return base, with_t, without


def chi2_type_by_change(doc_data: pd.DataFrame, c: int) -> dict:
    """Pearson's chi-square of named/not named type ``c`` by the three degrees of change
    (pingouin's chi2_independence) on the organisations' answers."""
    d = doc_data[[TYPE_COLS[c], "degree_of_change"]].dropna().astype("int64")
    result = dict.fromkeys(["chi2", "df", "p", V], np.nan)
    if d[TYPE_COLS[c]].nunique() == 2 and d["degree_of_change"].nunique() > 1:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _, _, test = pg.chi2_independence(d.astype(str), x=TYPE_COLS[c], y="degree_of_change")
        pearson = test.set_index("test").loc["pearson"]
        result = {"chi2": pearson["chi2"], "df": int(pearson["dof"]), "p": pearson["pval"], V: pearson["cramer"]}
    return result


def change_answers(ch) -> pd.DataFrame:
    """The answers of the innovators of the focus (``year``, ``sector``) who answered the degree of
    change, with their number of types (for the tests on the organisations' answers)."""
    inn = innovators(ch.wave())
    doc_data = inn[inn["degree_of_change"].notna()].copy()
    doc_data["types"] = md.spectrum(doc_data).astype(int)
    return doc_data


def change_by_type(ch, m: SimpleNamespace, cm: SimpleNamespace, c: int, doc_data: pd.DataFrame):
    """Type ``c`` and the degree of change: the typed crosstab of with/without the type by the three
    answers (``ch.crosstab``) that the chi-square rests on, and the row of the table (the drastic
    share with and without the type, the bases, the chi-square's numbers typed on the crosstab)."""
    base, with_t, without = change_base(ch, m, cm, c)
    cells = ch.crosstab(base, {"with": m.named[c], "without": m.not_named[c]}, cm.level,
                        percent=None, total=False, **ch.focus())
    result = chi2_type_by_change(doc_data, c)
    drastic = cm.level[cm.drastic]
    row = {"type": type_labels(ch)[c], "n with type": ch.count(with_t, **ch.focus()),
           "drastic, with type (%)": ch.share(with_t, drastic, **ch.focus()),
           "n without": ch.count(without, **ch.focus()),
           "drastic, without (%)": ch.share(without, drastic, **ch.focus()),
           "n": ch.count(base, **ch.focus()),
           **{k: ch.statistic(v, on=cells) for k, v in result.items()}}
    return row, cells


def show_md_change_by_type(ch, doc_by_type: pd.DataFrame) -> None:
    ch.table(doc_by_type, "md_change_by_type",
             ch.text("Drastic change of the way of working by type of innovation, {year}, {sectors} (recomputed "
                     "from the microdata). Question: {question}. Base: innovators who answered both questions; "
                     "chi-square on the three answer categories (pingouin).", year=ch.fixed(ch.year),
                     sectors=ch.fixed(ch.sector_label), question=ch.fixed(ch.question("degree_of_change"))),
             labels=("type",),
             formats={"drastic, with type (%)": "{:.1f}", "drastic, without (%)": "{:.1f}", "chi2": "{:.2f}",
                      "p": "{:.3f}", V: "{:.2f}"})


def change_by_spectrum(ch, m: SimpleNamespace, nt: SimpleNamespace, cm: SimpleNamespace) -> pd.DataFrame:
    """Degree of change (rows) by number of types, one to four (columns): counts and column
    percentages, with the sums declared so that the output check can follow a hidden cell through
    the totals. An innovator who named no type has no number of types to relate to the change.
    Shows the table and returns it."""
    labels = {k: ch.option("degree_of_change", k) for k in (1, 2, 3)}
    head = HEAD
    base = cm.both & ch.where(nt.types, [1, 2, 3, 4])
    ch.split_exactly(cm.both, [base, cm.both & nt.k[0]], lenient=True)
    column = {k: base & nt.k[k] for k in range(1, 5)}
    row_of = {d_: base & cm.level[d_] for d_ in (1, 2, 3)}
    cell = {(d_, k): column[k] & cm.level[d_] for d_ in (1, 2, 3) for k in range(1, 5)}
    ch.split_exactly(base, column.values(), lenient=True)
    ch.split_exactly(base, row_of.values(), lenient=True)
    for k in range(1, 5):
        ch.split_exactly(column[k], [cell[d_, k] for d_ in (1, 2, 3)], lenient=True)
    for d_ in (1, 2, 3):
        ch.split_exactly(row_of[d_], [cell[d_, k] for k in range(1, 5)], lenient=True)
        ch.split_exactly(cm.both & cm.level[d_], [row_of[d_], cm.both & nt.k[0] & cm.level[d_]], lenient=True)
    for k in range(1, 5):  # a column is the innovators of that many types who also answered the degree of change
        but_for_nonresponse(ch, nt.by_number[k], column[k])
    but_for_nonresponse(ch, nt.by_number[0], cm.both & nt.k[0])
    wide = pd.DataFrame([
        {"degree of change": labels[d_],
         **{key: value for k in range(1, 5) for key, value in (
             (f"{head[k]} (n)", ch.count(cell[d_, k], **ch.focus())),
             (f"{head[k]} (%)", ch.share(column[k], cm.level[d_], **ch.focus())))},
         "all (n)": ch.count(row_of[d_], **ch.focus())}
        for d_ in (1, 2, 3)])
    ch.table(wide, "md_change_by_spectrum",
             ch.text("Degree of change by number of types, {year}, {sectors} (recomputed from the microdata): counts "
                     "and column percentages (each number-of-types column adds up to 100). Base: innovators who "
                     "answered both questions and named at least one type.", year=ch.fixed(ch.year),
                     sectors=ch.fixed(ch.sector_label)),
             labels=("degree of change",), formats={f"{head[k]} (%)": "{:.1f}" for k in range(1, 5)})
    return wide


def drastic_by_wave(ch, cm: SimpleNamespace, waves) -> tuple[dict, dict]:
    """The drastic share in both waves and the two-proportion test of the report's claim that it
    became less common (p and Cohen's h, typed on the two shares)."""
    doc_wave = {w: ch.share(cm.both, cm.level[cm.drastic], **ch.focus(w)) for w in waves}
    n = {w: ch.plain(ch.count(cm.both, **ch.focus(w))) for w in waves}
    k = {w: ch.plain(ch.count(cm.both & cm.level[cm.drastic], **ch.focus(w))) for w in waves}
    doc_p = doc_h = np.nan
    if min(n.values()) > 0 and 0 < sum(k.values()) < sum(n.values()):
        res = stats.two_proportions(ch.plain(doc_wave[ch.year]), n[ch.year],
                                    ch.plain(doc_wave[ch.compare_year]), n[ch.compare_year])
        doc_p, doc_h = res.p_value, res.effect
    on = list(doc_wave.values())
    return doc_wave, {"p": ch.statistic(doc_p, on=on), "h": ch.statistic(doc_h, on=on)}


def glue_md_change(ch, doc_by_type: pd.DataFrame, change_cells: dict, tau: dict, doc_wave: dict,
                   doc_test: dict) -> None:
    """The numbers of the notebook's sentences on the degree of change: the type most related to it
    (the data choose it; with too few innovators a phrase saying so) with its two drastic shares,
    Cramér's V and p, picked by comparing the types so resting on them all; Kendall's tau-b across
    the number of types; and the drastic share of the two waves with their test."""
    v_change = [ch.plain(v) for v in doc_by_type[V]]
    if np.isfinite(v_change).any():
        top = doc_by_type.iloc[int(np.nanargmax(v_change))]
        kind = ch.verdict(top["type"].lower(), on=list(doc_by_type[V]))
        with_, without, v, p = (chosen(ch, top[col], doc_by_type[V])
                                for col in ("drastic, with type (%)", "drastic, without (%)", V, "p"))
    else:
        kind = ch.verdict("none of the types (too few innovators to relate the degree of change to the type)",
                          on=list(change_cells.values()))
        with_ = without = v = p = ch.statistic(np.nan, on=list(doc_by_type[V]))
    ch.glue("ch03_md_doc_type", kind)
    ch.glue("ch03_md_doc_with", with_, "{:.0f}%")
    ch.glue("ch03_md_doc_without", without, "{:.0f}%")
    ch.glue("ch03_md_doc_v", v, "{:.2f}")
    ch.glue("ch03_md_doc_p", p_text(ch, p))
    ch.glue("ch03_md_tau", tau["r"], "{:.2f}")
    ch.glue("ch03_md_tau_p", p_text(ch, tau["p"]))
    ch.glue("ch03_md_doc_then", doc_wave[ch.compare_year], "{:.0f}%")
    ch.glue("ch03_md_doc_now", doc_wave[ch.year], "{:.0f}%")
    ch.glue("ch03_md_doc_wave_p", p_text(ch, doc_test["p"]))
    ch.glue("ch03_md_doc_wave_h", doc_test["h"], "{:z.2f}")


def largest_difference(ch, records: pd.DataFrame):
    """The largest absolute difference between a published number and its recomputation, typed on
    all the differences (NaN when none could be computed)."""
    differences = [abs(ch.plain(v)) for v in records["difference"]]
    return ch.statistic(np.nanmax(differences) if np.isfinite(differences).any() else np.nan,
                        on=list(records["difference"]))


def show_reproduction(ch, records: pd.DataFrame) -> None:
    shown = records[["source_id", "year", "group", "variable", "item", "statistic", "published", "recomputed",
                     "difference", "tolerance", "within", "base_n", "approx"]].copy()
    shown["group"] = [ch.group(g) for g in shown["group"]]
    ch.table(shown, "reproduction",
             "Published type, spectrum and degree-of-change numbers beside their values recomputed from the "
             "microdata (all sectors and both waves, whatever the parameters).",
             labels=("source_id", "year", "group", "variable", "item", "statistic", "tolerance", "approx"),
             formats={"recomputed": "{:.1f}", "difference": "{:+.1f}"})


def largest_insignificant_base(pub: Published, alpha: float = 0.05) -> int:
    """Exercise 03-interaction-base: the largest 2021 base (innovators) at which the fall of the
    interaction share from 2021 to 2025 is *not* significant at ``alpha`` (every smaller base is
    not significant either: the p-value falls as the base grows)."""
    return max(n for n in range(2, pub.n_inn21 + 1)
               if stats.two_proportions(pub.total25[4], pub.n_inn25, pub.int21, n).p_value >= alpha)
