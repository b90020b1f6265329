"""Chapter 1, who took part: the plumbing of its notebook.

The notebook keeps the statistics a student should see (the chi-square tests, the weighting, the
bounds); this module reads and reshapes the published tables, draws the figures and writes the
tables with their captions, so that those cells stay short.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from scipy import stats as sps

from barometer.analysis import stats
from barometer.book.figures import HIGHLIGHT, MUTED, PALETTE, REFERENCE
from barometer.data import codebook as md
from barometer.data import published

SIZES = ["Klein", "Middelgroot", "Groot"]


# ---------------------------------------------------------------------------- published part
def in_brief_figure(ch) -> None:
    """The first screen's chart: response rate by sector as Table B1-1 prints it."""
    ib = published.table("B1-1").pivot_table(index="group", columns="statistic", values="value", sort=False)
    ib_total = float(ib.loc["Totaal", "response_rate"])
    ib = ib.drop(index="Totaal").sort_values("response_rate").reset_index()
    ib["sector"] = [ch.group(g) for g in ib["group"]]
    fig, ax = plt.subplots(figsize=(6.5, 3.2))
    ax.barh(ib["sector"], ib["response_rate"], color=HIGHLIGHT)
    for y, (rate, n) in enumerate(zip(ib["response_rate"], ib["count"], strict=True)):
        ax.text(rate + 1, y, f"{rate:.0f}%  (n = {n:.0f})", va="center", fontsize=8,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5})
    ax.axvline(ib_total, color=REFERENCE, linestyle="--", linewidth=1, label=f"all sectors ({ib_total:.0f}%)")
    ax.set_xlim(0, 80)
    ax.set_xlabel("response rate (%)")
    ax.legend(loc="lower right", fontsize=8)
    ib_low, ib_high = ib.iloc[0], ib.iloc[-1]
    ch.figure(fig, "in_brief_response",
              "Response rate by sector, 2025 (published, Table B1-1): the share of the organisations approached "
              "that answered; n is the number of responding organisations, the dashed line the rate over all "
              "sectors.",
              f"Horizontal bar chart of the response rate per sector, from {ib_low['response_rate']:.0f}% "
              f"({ib_low['sector']}) to {ib_high['response_rate']:.0f}% ({ib_high['sector']}); over all sectors "
              f"{ib_total:.0f}%.",
              data=ib[["group", "sector", "count", "response_rate", "share"]])


def response_by_sector() -> pd.DataFrame:
    """Table B1-1 with the number approached implied by count and rate (and the range the rounded
    rate allows) and a Wilson interval on each response rate."""
    b11 = published.table("B1-1").pivot_table(index="group", columns="statistic", values="value", sort=False)
    b11 = b11.rename(columns={"count": "responded", "response_rate": "rate", "share": "share"})
    b11["approached"] = (b11["responded"] / (b11["rate"] / 100)).round().astype(int)
    # The printed rate is rounded: the true number approached lies between these bounds.
    b11["approached_min"] = np.ceil(b11["responded"] / ((b11["rate"] + 0.5) / 100)).astype(int)
    b11["approached_max"] = np.floor(b11["responded"] / ((b11["rate"] - 0.5) / 100)).astype(int)
    ci = [stats.wilson_ci(int(r), int(a)) for r, a in zip(b11["responded"], b11["approached"], strict=True)]
    b11["ci_low"], b11["ci_high"] = zip(*ci, strict=True)
    return b11


def response_table(ch, b11: pd.DataFrame) -> None:
    """The response table as the reader sees it."""
    shown = b11.reset_index().assign(group=lambda d: [ch.group(g) for g in d["group"]])
    shown = shown[["group", "responded", "rate", "ci_low", "ci_high", "share", "approached", "approached_min",
                   "approached_max"]]
    ch.table(
        shown.rename(columns={"group": "sector", "rate": "response rate (%)", "ci_low": "95% CI low",
                              "ci_high": "95% CI high", "share": "share of all responses (%)",
                              "approached": "approached (implied)", "approached_min": "implied min",
                              "approached_max": "implied max"}),
        "response_by_sector",
        "Response by sector, 2025 (published, Table B1-1), with a Wilson 95% interval on each response "
        "rate and the number of organisations approached implied by count and rate.",
        formats={"95% CI low": "{:.0f}", "95% CI high": "{:.0f}"},
    )


def responded_and_not(rows: pd.DataFrame) -> np.ndarray:
    """The sector-by-response table: per sector, organisations that answered and that did not."""
    return np.column_stack([rows["responded"], rows["approached"] - rows["responded"]]).astype(int)


def response_test(rows: pd.DataFrame) -> tuple:
    """Chi-square test of response by sector: chi2, p, df, Cramér's V, cells with expected count < 5."""
    table = responded_and_not(rows)
    chi2, p, dof, expected = sps.chi2_contingency(table)
    v = np.sqrt(chi2 / (table.sum() * (min(table.shape) - 1)))
    return chi2, p, dof, v, (expected < 5).sum()


def response_figure(ch, sectors: pd.DataFrame, total_rate: float) -> None:
    """Dot plot of the response rates with their intervals; the selected sector highlighted."""
    plot = sectors.reset_index().sort_values("rate")
    plot["label"] = [ch.group(g) for g in plot["group"]]
    focus = ch.sector if ch.sector in plot["group"].values else None
    fig, ax = plt.subplots(figsize=(7, 4))
    colours = ["#0072B2" if focus in (None, g) else "#BBBBBB" for g in plot["group"]]
    ax.hlines(plot["label"], plot["ci_low"], plot["ci_high"], color=colours, linewidth=2)
    ax.scatter(plot["rate"], plot["label"], color=colours, zorder=3)
    ax.axvline(total_rate, color="#D55E00", linestyle="--", label="all sectors")
    ax.set_xlim(0, 100)
    ax.set_xlabel("response rate (%) with 95% Wilson interval")
    ax.set_ylabel("")
    ax.legend(loc="lower right")
    ch.figure(
        fig, "response_rate",
        "Response rate by sector, 2025, with 95% Wilson intervals on the implied number approached "
        "(published, Table B1-1). Base: organisations approached for the survey.",
        "Dot plot of response rates per sector with interval bars; the rates range widely around the "
        "overall rate, shown as a dashed line.",
        data=plot[["group", "label", "responded", "approached", "rate", "ci_low", "ci_high"]],
    )


def sample_sizes(ch) -> pd.DataFrame:
    """Responding organisations per sector in both waves (Table B1-8), shown as a table; returned
    with the change between the waves."""
    b18 = published.table("B1-8", statistic="n").pivot_table(index="group", columns="year", values="value",
                                                              sort=False)
    b18 = b18.astype(int)
    b18["change"] = b18[2025] - b18[2021]
    sizes = b18.reset_index().assign(group=lambda d: [ch.group(g) for g in d["group"]])
    ch.table(sizes.rename(columns={"group": "sector", 2021: "n 2021", 2025: "n 2025"}), "sample_sizes",
             "Responding organisations per sector in the two waves (published, Table B1-8).")
    return b18


def precision_table(ch, nl_n: int) -> tuple[pd.DataFrame, int]:
    """The innovation rate of the Dutch and the Danish survey with a Wilson interval and its
    half-width: the precision a sample size buys. Returns the table and the Danish n."""
    nl_rate = published.value("text-2.1", year=2025, country="NL", variable="innovated", statistic="pct")
    dk = published.table("text-2.1", country="DK", variable="innovated").iloc[0]
    dk_n = int(published.value("text-2.1", country="DK", variable="response", statistic="count"))
    nl_ci, dk_ci = stats.pct_ci(nl_rate, nl_n), stats.pct_ci(float(dk["value"]), dk_n)
    precision = pd.DataFrame({
        "country": [ch.group("NL", "country"), ch.group("DK", "country")],
        "organisations": [nl_n, dk_n], "innovated (%)": [nl_rate, float(dk["value"])],
        "95% CI low": [nl_ci[0], dk_ci[0]], "95% CI high": [nl_ci[1], dk_ci[1]],
    })
    precision["half-width (points)"] = (precision["95% CI high"] - precision["95% CI low"]) / 2
    ch.table(precision, "precision_nl_dk",
             "Sample size and the precision it buys: the innovation rate of each survey with a Wilson 95% "
             "interval (published: §2.1 of the report; Netherlands 2023-2024, Denmark 2023).",
             formats={c: "{:.1f}" for c in ["95% CI low", "95% CI high", "half-width (points)"]})
    return precision, dk_n


def sector_rates_2025() -> pd.Series:
    """The 2025 innovation rate per sector (Table B1-8), indexed by the canonical sector name
    (B1-8 prints 'Rechtswezen' where B1-1 prints 'Recht')."""
    rates = published.table("B1-8", year=2025, statistic="pct")
    return rates.set_index(rates["group"].map(lambda g: md.canonical_group("sector", g)))["value"].astype(float)


def weighting_table(ch, rates: pd.Series, response_share: pd.Series, approached_share: pd.Series) -> None:
    """The rates with each sector's share of the responses and of the organisations approached."""
    common = list(response_share.index)
    weighting = pd.DataFrame({
        "sector": [ch.group(g) for g in common],
        "innovated (%)": rates[common].to_numpy(),
        "share of responses (%)": 100 * response_share.to_numpy(),
        "share of approached (%)": 100 * approached_share.to_numpy(),
    })
    ch.table(weighting, "weighting",
             "Innovation rate per sector (published, Table B1-8, 2025) with each sector's share of the "
             "responses and of the organisations approached (implied from Table B1-1).",
             formats={"share of responses (%)": "{:.1f}", "share of approached (%)": "{:.1f}"})


# ---------------------------------------------------------------------------- microdata part
def composition_table(ch, sectors: list[str], both_waves: list[int]) -> None:
    """Responding organisations by sector and wave, recomputed through the gate; the rows come
    from the codebook, so a sector without respondents still shows."""
    everyone = ch.everyone()
    counts = pd.DataFrame([
        {"sector": ch.group(s),
         **{f"n {w}": ch.count(everyone, wave=w, sector=s) for w in sorted(both_waves)},
         "n both waves": ch.count(everyone, wave=both_waves, sector=s)}
        for s in sectors])
    ch.table(counts, "composition_microdata",
             ch.text("Responding organisations by sector and wave, {sectors} (recomputed from the microdata).",
                     sectors=ch.fixed(ch.sector_label)),
             labels=("sector",))


def size_shares(ch, both_waves: list[int]) -> pd.DataFrame:
    """Share of each size class among the organisations of a wave that have one (typed)."""
    everyone = ch.everyone()
    rows = []
    for s in SIZES:
        for w in sorted(both_waves):
            whole = {"wave": w, "sector": ch.sector, "size_class": SIZES}  # those with a size class
            rows.append({"wave": w, "size class": ch.group(s, "size"),
                         "n": ch.count(everyone, **{**whole, "size_class": s}),
                         "base": ch.count(everyone, **whole),
                         "share": ch.share_of_group(everyone, part={**whole, "size_class": s}, whole=whole)})
    return pd.DataFrame(rows)


def draw_sizes(d):
    """Grouped bars of the size classes per wave: the earlier wave grey, the later blue (house colours)."""
    fig, ax = plt.subplots(figsize=(6, 3.5))
    waves = sorted(d["wave"].unique())
    sns.barplot(data=d.assign(wave=d["wave"].astype(str)), x="size class", y="share", hue="wave",
                hue_order=[str(w) for w in waves], palette=[MUTED, PALETTE[0]][-len(waves):], ax=ax)
    ax.set_ylabel("organisations (%)")
    ax.set_xlabel("")
    return fig


def size_figure(ch, shares: pd.DataFrame) -> None:
    """The size-class chart through the gate."""
    ch.figure(draw_sizes, "size_classes",
              ch.text("Size class of the responding organisations by wave, {sectors} (recomputed from the "
                      "microdata). Base: all responding organisations of each wave.",
                      sectors=ch.fixed(ch.sector_label)),
              "Grouped bar chart of the share of small, medium-sized and large organisations in each wave.",
              data=shares, labels=("wave", "size class"))


def routing_table(ch) -> None:
    """Per question of the focus wave: organisations asked (its universe), not asked (missing by
    design) and asked but not answering (item non-response; for a battery, its item left empty
    most often)."""
    everyone, wave_group = ch.everyone(), ch.focus()
    rows = []
    for question in dict.fromkeys(md.column(c).variable for c in md.columns()):
        cols = [c for c in md.columns() if md.column(c).variable == question]
        first = md.column(cols[0])
        if ch.year not in first.years:
            continue  # not in this wave's questionnaire (the codebook says so, not the data)
        # both counts are parts of one split of the respondents: the output check then knows that
        # they add up to the wave's total, as any reader does
        parts = ch.split(everyone, {"asked": ch.asked(cols[0])})
        # item non-response describes the survey process, not anyone's answers: a zero of it is
        # not disclosive
        was_asked = md.asked(ch.data, first)
        empty = [ch.count(ch.measure(was_asked & ch.data[c].isna(), f"asked {c}, left empty", design=True),
                          **wave_group) for c in cols]
        rows.append({"question": question, "universe": first.universe,
                     "asked": ch.count(parts["(all parts)"], **wave_group),
                     "not_asked": ch.count(parts["(rest)"], **wave_group),
                     "nonresponse": max(empty, key=ch.plain)})
    ch.table(pd.DataFrame(rows), "routing",
             ch.text("Who was asked what, {year}, {sectors}: organisations asked each question (its universe), "
                     "not asked (missing by design) and asked but not answering (item non-response; for a "
                     "battery, its item left empty most often), recomputed from the microdata.",
                     year=ch.fixed(ch.year), sectors=ch.fixed(ch.sector_label)),
             labels=("question", "universe"))


def reproduction_table(ch, records: pd.DataFrame) -> None:
    """The reproduction records of the composition numbers."""
    ch.table(records[["source_id", "year", "group", "statistic", "published", "recomputed", "difference", "within"]],
             "reproduction", "Published composition numbers beside their values recomputed from the microdata.",
             labels=("source_id", "year", "group", "statistic"))
