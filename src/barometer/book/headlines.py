"""The report's headline results, from the published layer only, and the charts of Key findings.

A headline quantity is computed here once, from one published source, so that every page that
states it states the same value. Nothing here reads microdata: these are the report's numbers
(with intervals and tests computed on its printed percentages and bases)."""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib.pyplot as plt
import pandas as pd

from barometer.analysis import stats
from barometer.book import labels
from barometer.book.figures import HIGHLIGHT, MUTED, PALETTE
from barometer.data import published

FIRST, LAST = 2021, 2025


@dataclass(frozen=True)
class Rate:
    pct: float  # as printed (whole percent)
    n: int
    low: float
    high: float
    count: int | None = None  # the number of organisations, where the report gives it

    @property
    def exact(self) -> float:
        """The share from the count where it is known, else the printed percentage."""
        return 100 * self.count / self.n if self.count is not None else self.pct


def innovation_rate(year: int) -> Rate:
    """The share of responding Dutch organisations that implemented an innovation: Table B1-8's
    rate and base, and the number of innovators printed as the base of Tables B1-7 and B1-9
    (it rounds to the printed rate; chapter 2 checks that)."""
    pct = published.value("B1-8", group="Totaal", year=year, statistic="pct")
    n = int(published.value("B1-8", group="Totaal", year=year, statistic="n"))
    count = int(published.value("B1-7", year=year, statistic="n"))
    return Rate(pct, n, *stats.wilson_ci(count, n), count=count)


def denmark_rate() -> Rate:
    """Denmark's innovation rate (the Danish barometer's 2023 wave, as the report quotes it)."""
    pct = published.value("text-2.1", country="DK", variable="innovated", statistic="pct")
    n = int(published.value("text-2.1", country="DK", variable="response", statistic="count"))
    return Rate(pct, n, *stats.pct_ci(pct, n))


def decline() -> stats.TestResult:
    """The change of the innovation rate between the waves: a two-proportion z-test on the numbers
    of innovators and organisations (Cohen's h as its effect)."""
    a, b = innovation_rate(LAST), innovation_rate(FIRST)
    return stats.two_proportions(a.exact, a.n, b.exact, b.n)


@dataclass(frozen=True)
class Headline:
    """A headline quantity: one id, one value, one format, and where the report prints it."""

    key: str
    value: object
    fmt: str
    where: str


#: Every headline quantity by id: how it is computed and printed. Pages glue these with
#: ``ch.headline(id)`` (under ``<prefix>hl_<id>``), never recompute them; a test of the built book
#: finds an id glued with two values.
HEADLINES = {
    "rate_2025": (lambda: innovation_rate(LAST).pct, "{:.0f}%", "Table B1-8"),
    "rate_2021": (lambda: innovation_rate(FIRST).pct, "{:.0f}%", "Table B1-8"),
    "organisations_2025": (lambda: innovation_rate(LAST).n, "{:,}", "Table B1-8"),
    "organisations_2021": (lambda: innovation_rate(FIRST).n, "{:,}", "Table B1-8"),
    "innovators_2025": (lambda: innovation_rate(LAST).count, "{:,}", "Tables B1-7 and B1-9"),
    "innovators_2021": (lambda: innovation_rate(FIRST).count, "{:,}", "Tables B1-7 and B1-9"),
    "decline_z": (lambda: decline().statistic, "{:.2f}", "Tables B1-8, B1-7, B1-9"),
    "decline_p": (lambda: decline().p_value, "{:.2g}", "Tables B1-8, B1-7, B1-9"),
    "decline_h": (lambda: decline().effect, "{:.2f}", "Tables B1-8, B1-7, B1-9"),
    "rate_dk": (lambda: denmark_rate().pct, "{:.0f}%", "report §2.1"),
    "effect_cost": (lambda: effect_cost(), "{:.0f}%", "Figure 2-19 (corrected, erratum E02)"),
}


def headline(key: str) -> Headline:
    """The headline quantity ``key`` (see HEADLINES)."""
    compute, fmt, where = HEADLINES[key]
    return Headline(key, compute(), fmt, where)


def rate_by_sector() -> pd.DataFrame:
    """Table B1-8 by sector, one row per sector and wave: pct, n and the Wilson interval."""
    t = published.table("B1-8", breakdown="sector")
    wide = t.pivot_table(index=["group", "year"], columns="statistic", values="value", sort=False).reset_index()
    wide["n"] = wide["n"].astype(int)
    wide["low"], wide["high"] = zip(*[stats.pct_ci(p, n) for p, n in zip(wide["pct"], wide["n"], strict=True)], strict=True)
    return wide


def _shares(source_id: str, variable: str, **filters) -> pd.DataFrame:
    t = published.table(source_id, variable=variable, statistic="pct", **filters)
    return t[["year", "item", "item_en", "value"]].rename(columns={"value": "pct"}).reset_index(drop=True)


def goals() -> pd.DataFrame:
    """What the most recent innovation aimed at (§2.5, share of innovating organisations)."""
    return _shares("text-2.5", "goal").sort_values("pct")


def positive_effects() -> pd.DataFrame:
    """Where the most recent innovation had a positive effect (share of innovators): the areas
    §2.5 names, with the shares of Figure 2-19 as corrected (erratum E02). Where §2.5 states a
    share in words ("about half" for cost savings, recorded as 50), the figure's number (48) is
    the one every page uses."""
    t = _shares("text-2.5", "effect")
    t = t[t["item"].str.endswith("| Positief")].copy()
    t["item_en"] = t["item_en"].str.replace(" | Positive", "", regex=False)
    fig = published.figure_2_19(corrected=True)
    exact = fig[fig["answer"] == "Positief"].set_index("area")["pct"]
    t["pct"] = t["item"].str.replace(" | Positief", "", regex=False).map(exact)
    if t["pct"].isna().any():
        raise ValueError("an effect area of §2.5 is missing from Figure 2-19")
    return t.sort_values("pct")


def effect_cost() -> float:
    """The share of innovators whose most recent innovation saved costs or raised efficiency."""
    t = positive_effects()
    return float(t.loc[t["item_en"] == "Cost savings/efficiency", "pct"].iloc[0])


def spectrum() -> pd.DataFrame:
    """Single against multiple innovation types, and innovation of the interaction, by wave (§2.1)."""
    parts = [_shares("text-2.1", "innovation_spectrum"), _shares("text-2.1", "innovation_type")]
    t = pd.concat(parts, ignore_index=True)
    both = t.groupby("item")["year"].transform("nunique") == 2
    return t[both].reset_index(drop=True)


# --------------------------------------------------------------------------- charts


def _wrap(text: str, width: int = 34) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width))


def rate_chart() -> tuple[plt.Figure, pd.DataFrame]:
    rows = [("Netherlands 2021", innovation_rate(FIRST)), ("Netherlands 2025", innovation_rate(LAST)),
            ("Denmark 2023", denmark_rate())]
    data = pd.DataFrame([{"group": g, "pct": r.pct, "n": r.n, "low": r.low, "high": r.high} for g, r in rows])
    fig, ax = plt.subplots(figsize=(6.5, 2.6))
    colours = [MUTED, HIGHLIGHT, PALETTE[1]]
    ax.barh(data["group"], data["pct"], color=colours, xerr=[data["pct"] - data["low"], data["high"] - data["pct"]],
            capsize=3, error_kw={"elinewidth": 1})
    for i, r in data.iterrows():
        ax.text(2, i, f"{r['pct']:.0f}%  (n = {r['n']:,})", va="center", ha="left", color="white", fontsize=9,
                fontweight="bold")
    ax.set_xlim(0, 100)
    ax.set_xlabel("organisations that implemented an innovation (%)")
    ax.invert_yaxis()
    return fig, data


def sector_chart(lang: str = "en") -> tuple[plt.Figure, pd.DataFrame]:
    data = rate_by_sector()
    order = data[data["year"] == LAST].sort_values("pct")["group"].tolist()
    fig, ax = plt.subplots(figsize=(6.5, 3.6))
    for group in order:
        part = data[data["group"] == group].set_index("year")
        y = order.index(group)
        ax.plot([part.loc[FIRST, "pct"], part.loc[LAST, "pct"]], [y, y], color=MUTED, lw=2, zorder=1)
        ax.scatter(part.loc[FIRST, "pct"], y, color=MUTED, s=40, zorder=2, label=str(FIRST) if y == 0 else None)
        ax.scatter(part.loc[LAST, "pct"], y, color=HIGHLIGHT, s=40, zorder=3, label=str(LAST) if y == 0 else None)
    names = [f"{labels.group(g, 'sector', lang)} (n = {int(data[(data['group'] == g) & (data['year'] == LAST)]['n'].iloc[0])})"
             for g in order]
    ax.set_yticks(range(len(order)), names)
    ax.set_xlim(40, 102)
    ax.set_xlabel("organisations that implemented an innovation (%)")
    ax.legend(loc="lower left", frameon=True)  # (the right-hand side holds the 2021 points)
    return fig, data


def spectrum_chart() -> tuple[plt.Figure, pd.DataFrame]:
    data = spectrum()
    items = list(dict.fromkeys(data["item_en"]))
    fig, ax = plt.subplots(figsize=(6.5, 2.8))
    height = 0.38
    for k, (year, colour) in enumerate(((FIRST, MUTED), (LAST, HIGHLIGHT))):
        part = data[data["year"] == year].set_index("item_en").reindex(items)
        ys = [i + (k - 0.5) * height for i in range(len(items))]
        ax.barh(ys, part["pct"], height=height, color=colour, label=str(year))
        for y, v in zip(ys, part["pct"], strict=True):
            ax.text(v + 1, y, f"{v:.0f}%", va="center", fontsize=8)
    ax.set_yticks(range(len(items)), [_wrap(i) for i in items])
    ax.set_xlim(0, 100)
    ax.set_xlabel("share (%)")
    ax.invert_yaxis()
    ax.legend(loc="lower right", frameon=True)
    return fig, data


def goals_effects_chart() -> tuple[plt.Figure, pd.DataFrame]:
    g, e = goals(), positive_effects()
    fig, (left, right) = plt.subplots(1, 2, figsize=(9.5, 3.8), gridspec_kw={"wspace": 1.1})
    left.barh([_wrap(i, 30) for i in g["item_en"]], g["pct"], color=PALETTE[1])
    left.set_title("Aimed at (goal)", loc="left")
    right.barh([_wrap(i, 30) for i in e["item_en"]], e["pct"], color=HIGHLIGHT)
    right.set_title("Positive effect on", loc="left")
    for ax, part in ((left, g), (right, e)):
        ax.set_xlim(0, 100)
        ax.set_xlabel("innovating organisations (%)")
        ax.tick_params(axis="y", labelsize=8)
        for y, v in enumerate(part["pct"]):
            ax.text(v + 1, y, f"{v:.0f}%", va="center", fontsize=8)
    data = pd.concat([g.assign(panel="goal"), e.assign(panel="positive effect")], ignore_index=True)
    return fig, data
