"""The statistics primer's plumbing: the published tables it works on, the tables and figures it
shows and the values it glues. The notebook keeps the statistics (the interval, the tests, the
scale and the models) in view; what only assembles or draws them is here."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy import stats as sps

from barometer.analysis import stats
from barometer.book import figures, headlines
from barometer.data import codebook as md
from barometer.data import published
from barometer.disclosure import values as gv

#: The book's line for a small sector: fewer respondents than this, and a sector's percentages
#: move by five points per organisation.
SMALL_SECTOR = 20
INTERVAL_COLUMNS = ["Wilson low", "Wilson high", "Wald low", "Wald high", "Wilson width", "Wald width"]


# --------------------------------------------------------------------------- published tables
def response() -> pd.DataFrame:
    """Table B1-1: responding organisations, response rate and share, by sector."""
    return published.table("B1-1").pivot_table(index="group", columns="statistic", values="value", sort=False)


def innovation_rates() -> pd.DataFrame:
    """Table B1-8: the share that implemented an innovation and its base, by sector and wave."""
    b18 = published.table("B1-8")
    b18 = b18.assign(group=[md.canonical_group("sector", g) for g in b18["group"]])
    return b18.pivot_table(index="group", columns=["year", "statistic"], values="value", sort=False)


def focus_group(ch, b18: pd.DataFrame) -> str:
    """The sector parameter: examples on published numbers use the sector when Table B1-8 breaks
    it out, else the totals."""
    return ch.sector if ch.sector in b18.index else "Totaal"


def glue_focus_view(ch, focus: str) -> None:
    """Which sentence on the sector parameter the overview shows (case ``ch12_focus_view``: none,
    broken-out, not-broken-out) and the sector's name it needs."""
    if ch.sector is None:
        ch.glue("ch12_focus_view", "none")
        return
    ch.glue("ch12_sector_name", ch.sector_label)
    if focus == ch.sector:
        ch.glue("ch12_focus_view", "broken-out")
    else:
        ch.glue("ch12_focus_view", "not-broken-out")


def response_figure(ch) -> None:
    """In brief: responding organisations and the response rate by sector (Table B1-1)."""
    ib = response()
    ib_total = ib.loc["Totaal"]
    ib = ib.drop(index="Totaal").sort_values("count", ascending=False)
    ib["sector"] = [ch.group(g) for g in ib.index]
    fig, ax = plt.subplots(figsize=(6.5, 3.2))
    ib_y = np.arange(len(ib))
    ax.barh(ib_y, ib["count"], color=[figures.REFERENCE if n < SMALL_SECTOR else figures.HIGHLIGHT for n in ib["count"]])
    for y, n, rate in zip(ib_y, ib["count"], ib["response_rate"], strict=True):
        ax.text(n + 1.5, y, f"{n:.0f}  (response {rate:.0f}%)", va="center", fontsize=8)
    ax.set_yticks(ib_y, ib["sector"], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, ib["count"].max() * 1.6)
    ax.set_xlabel("responding organisations, 2025")
    fig.tight_layout()
    ib_small = ib[ib["count"] < SMALL_SECTOR]
    ch.figure(fig, "in_brief_response",
              f"Responding organisations by sector, 2025, with the share of the organisations approached that "
              f"responded (published, Table B1-1; {ib_total['count']:.0f} organisations in all, "
              f"{ib_total['response_rate']:.0f}% of those approached). Orange: sectors with fewer than "
              f"{SMALL_SECTOR} respondents.",
              f"Horizontal bar chart of {len(ib)} sectors by number of respondents, from {ib['sector'].iloc[0]} "
              f"({ib['count'].iloc[0]:.0f}) to {ib['sector'].iloc[-1]} ({ib['count'].iloc[-1]:.0f}); {len(ib_small)} "
              f"sectors have fewer than {SMALL_SECTOR} respondents; response rates range from "
              f"{ib['response_rate'].min():.0f}% to {ib['response_rate'].max():.0f}%.",
              data=ib.reset_index()[["group", "sector", "count", "response_rate", "share"]].rename(columns={
                  "count": "responding organisations", "response_rate": "response rate (%)",
                  "share": "share of all respondents (%)"}))


def caveats(ch, b11: pd.DataFrame, b18: pd.DataFrame, rate_total: float) -> None:
    """The table of five caveats, with the published numbers behind them, and their glued values."""
    sectors = b11.drop(index="Totaal")
    small = sectors[sectors["count"] < SMALL_SECTOR].sort_values("count")
    # The smallest sector with an innovation rate in Table B1-8 (the High Councils of State have none there).
    smallest = next(g for g in small.index if g in b18.index)
    small_n = int(b18.loc[smallest, (2025, "n")])
    small_pct = float(b18.loc[smallest, (2025, "pct")])
    small_ci = stats.pct_ci(small_pct, small_n)
    staff_n = published.value("text-2.4", variable="external_study", statistic="count")
    failed = published.table("text-2.6", variable="failed_attempt").iloc[0]
    table = pd.DataFrame({
        "caveat": ["response", "who answered", "no weighting", "which innovations", "small sectors"],
        "number (published)": [f"{rate_total:.0f}% of organisations approached answered",
                               f"{int(b11.loc['Totaal', 'count'])} organisations, answered by or for their managers",
                               f"response by sector from {sectors['response_rate'].min():.0f}% to "
                               f"{sectors['response_rate'].max():.0f}%",
                               f"about {failed['value']:.0f}% report a failed attempt; the rest of the questions "
                               "concern the most recent implemented innovation",
                               f"{len(small)} sectors with fewer than 20 respondents; smallest: {int(small['count'].iloc[0])}"],
        "source": ["B1-1", "text-1, report §2.4", "B1-1", "text-2.6", "B1-1"],
        "chapter": ["1", "7", "1", "2", "1, and every sector comparison"],
    })
    ch.table(table, "caveats", "Five caveats of the barometer, with the published numbers behind them.")
    ch.glue("ch12_rate_low", sectors["response_rate"].min(), "{:.0f}%")
    ch.glue("ch12_rate_high", sectors["response_rate"].max(), "{:.0f}%")
    ch.glue("ch12_staff_n", int(staff_n), "{:,}")
    ch.glue("ch12_failed", failed["value"], "{:.0f}%")
    ch.glue("ch12_small_threshold", SMALL_SECTOR)
    ch.glue("ch12_n_small", len(small))
    ch.glue("ch12_small_names", ", ".join(ch.group(g) for g in small.index))
    ch.glue("ch12_small_sector", ch.group(smallest))
    ch.glue("ch12_small_pct", small_pct, "{:.0f}%")
    ch.glue("ch12_small_n", small_n)
    ch.glue("ch12_small_ci", f"{small_ci[0]:.0f}% to {small_ci[1]:.0f}%")


# --------------------------------------------------------------------------- intervals
def interval_table(ch, b18: pd.DataFrame, wald) -> pd.DataFrame:
    """Wilson and ``wald`` intervals of the innovation rate of every sector in the chapter's year."""
    rows = []
    for group in b18.index:
        pct, n = b18.loc[group, (ch.year, "pct")], b18.loc[group, (ch.year, "n")]
        if pd.isna(pct) or pd.isna(n):
            continue
        wilson_lo, wilson_hi = stats.pct_ci(float(pct), int(n))
        wald_lo, wald_hi = wald(float(pct), int(n))
        rows.append({"group": group, "sector": ch.group(group), "n": int(n), "innovated (%)": float(pct),
                     "Wilson low": wilson_lo, "Wilson high": wilson_hi, "Wald low": wald_lo, "Wald high": wald_hi})
    intervals = pd.DataFrame(rows)
    intervals["Wilson width"] = intervals["Wilson high"] - intervals["Wilson low"]
    intervals["Wald width"] = intervals["Wald high"] - intervals["Wald low"]
    ch.table(intervals.drop(columns="group"), "intervals",
             f"Share of organisations that implemented an innovation, {ch.year}, by sector (published, Table B1-8), "
             "with the Wilson and the normal-approximation (Wald) 95% interval. Wald bounds outside 0-100 are shown "
             "as computed.", formats={c: "{:.1f}" for c in INTERVAL_COLUMNS})
    return intervals


def interval_figure(ch, intervals: pd.DataFrame, focus: str) -> None:
    """The two intervals of every sector side by side, and the glued example of the totals and of
    the sector where they differ most."""
    plot = intervals.sort_values("n")
    y = np.arange(len(plot))
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    ax.hlines(y + 0.15, plot["Wilson low"], plot["Wilson high"], color=figures.HIGHLIGHT, linewidth=3, label="Wilson")
    ax.hlines(y - 0.15, plot["Wald low"], plot["Wald high"], color=figures.PALETTE[1], linewidth=3,
              label="Wald (normal)")
    ax.scatter(plot["innovated (%)"], y, color="black", zorder=3, s=14, label="published share")
    ax.set_yticks(y, [f"{s} (n = {n})" for s, n in zip(plot["sector"], plot["n"], strict=True)])
    for tick, group in zip(ax.get_yticklabels(), plot["group"], strict=True):
        if group == focus and focus != "Totaal":
            tick.set_fontweight("bold")
    ax.axvspan(100, 125, color="#EEEEEE", zorder=0)
    ax.axvspan(-25, 0, color="#EEEEEE", zorder=0)
    ax.set_xlim(min(-5, plot["Wald low"].min() - 2), max(105, plot["Wald high"].max() + 2))
    ax.set_xlabel("implemented an innovation (%), 95% interval")
    ax.legend(loc="lower left", fontsize=8)
    ch.figure(fig, "wilson_vs_wald",
              f"Wilson and normal-approximation 95% intervals for the share of organisations that implemented an "
              f"innovation, {ch.year}, by sector, smallest sector at the bottom (published, Table B1-8). Question: "
              f"{ch.question('innovated')}. Base: all responding organisations of the sector.",
              "Paired interval bars per sector: for large sectors the two intervals nearly coincide; for the small "
              "sectors the normal-approximation interval is shifted, can pass 100 percent, or collapses to a point.",
              data=intervals.drop(columns="group"))
    worst = intervals.assign(gap=(intervals["Wilson low"] - intervals["Wald low"]).abs()
                             + (intervals["Wilson high"] - intervals["Wald high"]).abs()).sort_values("gap").iloc[-1]
    total = intervals.set_index("group").loc["Totaal"]
    ch.glue("ch12_ci_year", ch.year)
    ch.glue("ch12_total_pct", total["innovated (%)"], "{:.0f}%")
    ch.glue("ch12_total_n", int(total["n"]))
    ch.glue("ch12_total_wilson", f"{total['Wilson low']:.1f}% to {total['Wilson high']:.1f}%")
    ch.glue("ch12_total_wald", f"{total['Wald low']:.1f}% to {total['Wald high']:.1f}%")
    ch.glue("ch12_worst_sector", worst["sector"])
    ch.glue("ch12_worst_pct", worst["innovated (%)"], "{:.0f}%")
    ch.glue("ch12_worst_n", int(worst["n"]))
    ch.glue("ch12_worst_wilson", f"{worst['Wilson low']:.0f}% to {worst['Wilson high']:.0f}%")
    ch.glue("ch12_worst_wald", f"{worst['Wald low']:.0f}% to {worst['Wald high']:.0f}%")


# --------------------------------------------------------------------------- comparing groups and waves
def rates_of(focus: str, b18: pd.DataFrame) -> tuple[float, int, float, int]:
    """The focus group's innovation rate and base in 2021 and 2025. For all sectors the report also
    prints the number of innovators: the exact shares are used, as on every page of the book
    (headlines.decline), not the rounded ones."""
    p21, n21 = float(b18.loc[focus, (2021, "pct")]), int(b18.loc[focus, (2021, "n")])
    p25, n25 = float(b18.loc[focus, (2025, "pct")]), int(b18.loc[focus, (2025, "n")])
    if focus == "Totaal":
        p21, p25 = headlines.innovation_rate(2021).exact, headlines.innovation_rate(2025).exact
    return p21, n21, p25, n25


def odds_ratio_woolf(p25: float, n25: int, p21: float, n21: int) -> tuple[float, np.ndarray]:
    """Odds ratio of the first share against the second, with a Woolf (log) 95% interval; 0.5 is
    added to every cell when one is empty."""
    k21, k25 = stats.count_from_pct(p21, n21), stats.count_from_pct(p25, n25)
    cells = np.array([k25, n25 - k25, k21, n21 - k21], dtype=float)
    cells = cells + 0.5 if (cells == 0).any() else cells
    odds_ratio = (cells[0] / cells[1]) / (cells[2] / cells[3])
    se_log = np.sqrt((1 / cells).sum())
    return odds_ratio, np.exp(np.log(odds_ratio) + np.array([-1.96, 1.96]) * se_log)


def glue_waves(ch, focus, rates, test, odds_ratio, or_ci, claim) -> None:
    p21, n21, p25, n25 = rates
    ch.glue("ch12_focus", ch.group(focus))
    ch.glue("ch12_p21", p21, "{:.0f}%")
    ch.glue("ch12_n21", n21)
    ch.glue("ch12_p25", p25, "{:.0f}%")
    ch.glue("ch12_n25", n25)
    ch.glue("ch12_z", test.statistic, "{:.2f}")
    ch.glue("ch12_z_p", test.p_value, "{:.2g}")
    ch.glue("ch12_h", test.effect, "{:.2f}")
    ch.glue("ch12_or", odds_ratio, "{:.2f}")
    ch.glue("ch12_or_ci", f"{or_ci[0]:.2f} to {or_ci[1]:.2f}")
    ch.glue("ch12_claim", claim)


def counts(rows: pd.DataFrame) -> np.ndarray:
    """The (innovated, not innovated) counts of each row, from its printed percentage and base."""
    return np.array([[stats.count_from_pct(p, n), n - stats.count_from_pct(p, n)]
                     for p, n in zip(rows["innovated (%)"], rows["n"], strict=True)])


def glue_chi_square(ch, chi, expected_small: int, cells: int) -> None:
    ch.glue("ch12_chi2", chi.statistic, "{:.1f}")
    ch.glue("ch12_chi2_df", int(chi.df))
    ch.glue("ch12_chi2_p", chi.p_value, "{:.2g}")
    ch.glue("ch12_cramer", chi.effect, "{:.2f}")
    ch.glue("ch12_expected_small", expected_small)
    ch.glue("ch12_cells", cells)


def sector_changes(ch, b18: pd.DataFrame) -> pd.DataFrame:
    """Every sector's change between the waves: the z-test, Fisher's exact test and Cohen's h."""
    rows = []
    for group in b18.index.drop("Totaal"):
        a21, m21 = b18.loc[group, (2021, "pct")], b18.loc[group, (2021, "n")]
        a25, m25 = b18.loc[group, (2025, "pct")], b18.loc[group, (2025, "n")]
        if pd.isna(a21) or pd.isna(a25):
            continue
        test = stats.two_proportions(float(a25), int(m25), float(a21), int(m21))
        table = [[stats.count_from_pct(float(a25), int(m25)), int(m25) - stats.count_from_pct(float(a25), int(m25))],
                 [stats.count_from_pct(float(a21), int(m21)), int(m21) - stats.count_from_pct(float(a21), int(m21))]]
        rows.append({"sector": ch.group(group), "2021 (%)": float(a21), "n 2021": int(m21), "2025 (%)": float(a25),
                     "n 2025": int(m25), "Cohen's h": test.effect, "p (z-test)": test.p_value,
                     "p (Fisher exact)": sps.fisher_exact(table)[1]})
    return pd.DataFrame(rows)


def holm_table(ch, family: pd.DataFrame) -> None:
    ch.table(family, "holm",
             "Change in the share of organisations that implemented an innovation, 2021 to 2025, by sector "
             "(published, Table B1-8): two-proportion z-test, Fisher's exact test, Cohen's h and Holm-corrected "
             "p-values.", formats={"Cohen's h": "{:.2f}", "p (z-test)": "{:.3g}", "p (Fisher exact)": "{:.3g}",
                                   "p (Holm)": "{:.3g}"})
    ch.glue("ch12_family_m", len(family))
    ch.glue("ch12_family_raw", int((family["p (z-test)"] < 0.05).sum()))
    ch.glue("ch12_family_holm", int((family["significant after Holm"] == "yes").sum()))


def climate_means(focus: str) -> tuple[str, pd.Series]:
    """Table B1-10: mean, SD and base of the climate scale in both waves, for the focus sector when
    the report gives them all, else the totals."""
    b110 = published.table("B1-10").assign(group=lambda d: [md.canonical_group("sector", g) for g in d["group"]])
    b110 = b110.pivot_table(index="group", columns=["year", "statistic"], values="value", sort=False)
    mean_focus = focus if focus in b110.index and b110.loc[focus].notna().all() else "Totaal"
    return mean_focus, b110.loc[mean_focus]


def glue_welch(ch, mean_focus: str, m: pd.Series, welch) -> None:
    ch.glue("ch12_welch_group", ch.group(mean_focus))
    ch.glue("ch12_m25", m[(2025, "mean")], "{:.2f}")
    ch.glue("ch12_m21", m[(2021, "mean")], "{:.2f}")
    ch.glue("ch12_welch_t", welch.statistic, "{:.2f}")
    ch.glue("ch12_welch_p", welch.p_value, "{:.2g}")
    ch.glue("ch12_g", welch.effect, "{:.2f}")


# --------------------------------------------------------------------------- microdata: scales
def example_group(ch, min_n, **group):
    """The group of the examples: the sector's organisations in ``group`` when there are at least
    ``min_n`` of them, else all sectors; and the sector's count (typed; None without a sector)."""
    if ch.sector is None:
        return {**group, "sector": None}, None
    n = ch.count(ch.everyone(), **group, sector=ch.sector)
    if ch.plain(n) >= min_n:  # a choice the notebook makes; the sentence shows the count typed
        return {**group, "sector": ch.sector}, n
    return {**group, "sector": None}, n


def scale_examples(ch):
    """The group the scale examples use (at least 50 organisations of the sector in the chapter's
    year, else all sectors) and the name of the sectors shown; glues which sentence says so."""
    scale_group, n = example_group(ch, 50, wave=ch.year)
    glue_scale_view(ch, scale_group, n)
    return scale_group, "all sectors" if scale_group["sector"] is None else ch.sector_label


def glue_scale_view(ch, scale_group, n) -> None:
    """Which sentence on the scale examples' group the page shows (case ``ch12_scale_view``:
    no-wave, all, sector, too-few) and the numbers it needs. The words are fixed values: which
    waves a file holds is not confidential, and whether the sector is used is public anyway (every
    caption of the section names the sectors shown); the count is glued typed."""
    ch.glue("ch12_waves", ch.fixed(" and ".join(str(w) for w in ch.waves)))  # (also for ch12_first_model_view)
    if not ch.has_wave(ch.year):
        ch.glue("ch12_scale_view", ch.fixed("no-wave"))
    elif ch.sector is None:
        ch.glue("ch12_scale_view", ch.fixed("all"))
    elif scale_group["sector"] is not None:
        ch.glue("ch12_scale_view", ch.fixed("sector"))
        ch.glue("ch12_scale_n", n)
    else:
        ch.glue("ch12_scale_view", ch.fixed("too-few"))
        ch.glue("ch12_scale_n", n)


def positive(loadings) -> np.ndarray:
    """A factor's loadings with the sign that makes their sum positive (a factor's sign is arbitrary)."""
    loadings = np.asarray(loadings).ravel()
    return -loadings if loadings.sum() < 0 else loadings


def item_table(ch, items, complete: pd.DataFrame, complete_m, n_complete, loadings, scale_group, sectors_shown):
    """Each climate statement's mean and SD, item-rest correlation, alpha without it and loading.
    Every number of the scale analysis rests on the organisations with complete answers."""
    import pingouin as pg

    if len(complete) > len(items):
        rest = complete.sum(axis=1)
        item_rest = [np.corrcoef(complete[c], rest - complete[c])[0, 1] for c in items]
        alpha_without = [pg.cronbach_alpha(complete.drop(columns=c))[0] for c in items]
    else:
        item_rest = alpha_without = [np.nan] * len(items)

    def on_scale(value, what, dof=None):
        return ch.statistic(value, on=[n_complete], dof=dof, what=what)

    table = pd.DataFrame([{
        "statement": ch.column_label(c),
        "n": n_complete,
        "mean": ch.mean(complete_m, c, **scale_group), "SD": ch.sd(complete_m, c, **scale_group),
        "item-rest correlation": on_scale(r, f"item-rest correlation of {c}", dof=len(complete) - 2),
        "alpha if left out": on_scale(a, f"alpha without {c}"),
        "loading (one factor)": on_scale(lam, f"loading of {c}"),
    } for c, r, a, lam in zip(items, item_rest, alpha_without, loadings, strict=True)])
    ch.table(table, "climate_items",
             ch.text("Innovation-climate statements (1-5, agree = high), {year}, {sectors}: item statistics, alpha "
                     "without each item and loadings of a one-factor maximum-likelihood model (recomputed from the "
                     "microdata; complete answers only).", year=ch.fixed(ch.year), sectors=ch.fixed(sectors_shown)),
             labels=("statement",),
             formats={c: "{:.2f}" for c in ["mean", "SD", "item-rest correlation", "alpha if left out",
                                            "loading (one factor)"]})
    return on_scale


def glue_scale(ch, on_scale, items, n_complete, alpha, alpha_ci, omega, loadings) -> None:
    alpha_v, omega_v = on_scale(alpha, "Cronbach's alpha"), on_scale(omega, "McDonald's omega")
    ch.glue("ch12_k", ch.fixed(len(items)))
    ch.glue("ch12_alpha_n", n_complete)
    ch.glue("ch12_alpha", alpha_v, "{:.2f}")
    ch.glue("ch12_alpha_ci", ch.text("{lo:.2f} to {hi:.2f}", lo=on_scale(alpha_ci[0], "alpha, lower bound"),
                                     hi=on_scale(alpha_ci[1], "alpha, upper bound")))
    ch.glue("ch12_omega", omega_v, "{:.2f}")
    # How far apart the two are: a word the data choose (both rest on the complete answers).
    gap = (ch.verdict(ch.say("not computable"), on=[alpha_v, omega_v]) if not np.isfinite(alpha - omega) else
           ch.verdict(ch.say("close"), on=[alpha_v, omega_v]) if abs(alpha - omega) < 0.02 else
           ch.verdict(ch.say("apart"), on=[alpha_v, omega_v]))
    ch.glue("ch12_alpha_omega_gap", gap)
    some = np.isfinite(loadings).any()
    ch.glue("ch12_loading_min", on_scale(np.nanmin(loadings) if some else np.nan, "smallest loading"), "{:.2f}")
    ch.glue("ch12_loading_max", on_scale(np.nanmax(loadings) if some else np.nan, "largest loading"), "{:.2f}")
    ch.glue("ch12_year", ch.fixed(ch.year))


# --------------------------------------------------------------------------- microdata: clusters
def percentile(ch, sample, q, n, what):
    """The ``q`` quantile of the plain values ``sample`` as a statistic resting on the count ``n`` of
    the organisations they belong to (the gate has mean, SD and median builders, no quantile)."""
    if len(sample) != ch.plain(n):
        raise ValueError(f"{what}: {len(sample)} values for a count of {ch.plain(n)}")
    return ch.statistic(float(np.quantile(sample, q)) if len(sample) else np.nan, on=[n], what=what)


def cluster_shares(ch, score, choices, complete_m, score_n, scale_group, sectors_shown):
    """The three climate groups under each choice of cut points: the table beside the report's
    split, the groups themselves, and how many organisations change group between the book's
    default and the printed middle range."""
    order = list(md.CLUSTER_LABELS)
    clusters, rows = {}, []
    for name, cuts in choices.items():
        groups = md.climate_cluster(score, tuple(ch.plain(c) for c in cuts)).rename(f"climate group ({name} cuts)")
        clusters[name] = groups
        parts = ch.split(complete_m, {label: ch.where(groups, label) for label in order})
        for label in order:
            rows.append({"cut points": ch.text("{name} ({lo:.2f}, {hi:.2f})", name=ch.fixed(name), lo=cuts[0],
                                               hi=cuts[1]),
                         "cluster": ch.group(label, "climate_cluster"),
                         "n": ch.count(parts[label], **scale_group), "base": score_n,
                         "share": ch.share(complete_m, parts[label], **scale_group)})
    shares = pd.DataFrame(rows)
    if ch.year == 2025:
        pub = published.table("text-2.4", variable="climate_cluster").set_index("item")["value"]
        shares["published (%)"] = [gv.published(float(pub[label]), f"text-2.4 {label}") for _ in choices
                                   for label in order]
    ch.table(shares, "cluster_cuts",
             ch.text("Innovation-climate groups under three choices of cut points, {year}, {sectors} (recomputed "
                     "from the microdata){published}", year=ch.fixed(ch.year), sectors=ch.fixed(sectors_shown),
                     published=ch.fixed("; the published split is the report's (2025)." if ch.year == 2025
                                        else "; the report gives a split for 2025 only.")),
             labels=("cluster",), formats={"share": "{:.1f}"})
    moved_m = ch.measure((clusters["book default"] != clusters["printed middle range"]).fillna(False) & score.notna(),
                         "climate group differs between the default and the printed cut points")
    strong = shares[shares["cluster"] == ch.group("Krachtig", "climate_cluster")].reset_index(drop=True)
    ch.glue("ch12_strong_default", strong["share"].iloc[0], "{:.0f}%")
    ch.glue("ch12_strong_literal", strong["share"].iloc[1], "{:.0f}%")
    ch.glue("ch12_moved", ch.count(moved_m, **scale_group))
    ch.glue("ch12_moved_share", ch.share(complete_m, moved_m, **scale_group), "{:.0f}%")
    ch.glue("ch12_score_n", score_n)


# Coarse bins: half a scale point (a six-statement score takes a value every sixth of a point, so
# finer bins would come close to showing single organisations' scores).
EDGES = tuple(1 + 0.5 * i for i in range(9))
BINS, CUTS = "organisations per half point", "cut points"
CUT_STYLES = {"book default": ("-", figures.HIGHLIGHT), "printed middle range": ("--", figures.REFERENCE),
              "20th/80th percentile": (":", "black")}


def draw_cluster_cuts(d):
    counts, cut_rows = d[d["shows"] == BINS], d[d["shows"] == CUTS]
    fig, ax = plt.subplots(figsize=(7, 3.6))
    ax.bar(counts["from"], counts["organisations"].fillna(0), width=0.95 * (counts["to"] - counts["from"]),
           align="edge", color=figures.MUTED)
    for lo, hi, n in zip(counts["from"], counts["to"], counts["organisations"], strict=True):
        if pd.isna(n):  # not shown by the output check
            ax.text((lo + hi) / 2, 0, "#", ha="center", va="bottom", color=figures.REFERENCE)
    for _, r in cut_rows.iterrows():
        style, colour = CUT_STYLES[r["cut points"]]
        for i, cut in enumerate((r["from"], r["to"])):
            if pd.notna(cut):
                ax.axvline(cut, linestyle=style, color=colour, linewidth=1.6, label=r["cut points"] if i == 0 else None)
    ax.set_xlim(1, 5)
    ax.set_xlabel("innovation-climate scale score (mean of the statements, 1-5)")
    ax.set_ylabel("organisations")
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout(rect=(0, 0.06, 1, 1))  # room for the data-source mark below the axis
    return fig


def cluster_cuts_figure(ch, score, choices, complete_m, score_n, scale_group, sectors_shown) -> None:
    """The score's distribution in half-point bins with the three choices of cut points."""
    bin_index = np.clip(np.searchsorted(EDGES, score.to_numpy(), side="right") - 1, 0, len(EDGES) - 2)
    bin_labels = [f"{lo:g} to {hi:g}" for lo, hi in zip(EDGES[:-1], EDGES[1:], strict=True)]
    bin_of = pd.Series([bin_labels[i] if ok else None for i, ok in zip(bin_index, score.notna(), strict=True)],
                       index=score.index, name="climate score, half-point bin")
    bins = ch.split(complete_m, {label: ch.where(bin_of, label) for label in bin_labels})
    hist = pd.DataFrame(
        [{"shows": BINS, "cut points": "", "from": ch.fixed(lo), "to": ch.fixed(hi),
          "organisations": ch.count(bins[label], **scale_group)}
         for label, lo, hi in zip(bin_labels, EDGES[:-1], EDGES[1:], strict=True)]
        + [{"shows": CUTS, "cut points": name, "from": cuts[0], "to": cuts[1], "organisations": np.nan}
           for name, cuts in choices.items()])
    ch.figure(draw_cluster_cuts, "cluster_cuts",
              ch.text("Distribution of the innovation-climate scale score in half-point bins, {year}, {sectors}, "
                      "n = {n}, with three choices of cut points for the three climate groups (recomputed from the "
                      "microdata). Base: all organisations that answered every statement of the scale.",
                      year=ch.fixed(ch.year), sectors=ch.fixed(sectors_shown), n=score_n),
              "Bar chart of the number of organisations per half point of the climate score, with three pairs of "
              "vertical lines for the three choices of cut points.",
              data=hist, labels=("shows", "cut points"))


# --------------------------------------------------------------------------- microdata: logistic regression
def first_model_group(ch):
    """The group of the first model (at least 100 organisations of the sector in both waves, else
    all sectors); glues which sentence says so."""
    group, n = example_group(ch, 100, wave=list(md.WAVES))
    glue_first_model_view(ch, group, n)
    return group


def glue_first_model_view(ch, group, n) -> None:
    """Which sentence on the first model's group the page shows (case ``ch12_first_model_view``:
    one-wave, all, sector, too-few) and the count it needs (fixed words, as in glue_scale_view)."""
    if not all(ch.has_wave(w) for w in md.WAVES):
        ch.glue("ch12_first_model_view", ch.fixed("one-wave"))
    elif ch.sector is None:
        ch.glue("ch12_first_model_view", ch.fixed("all"))
    elif group["sector"] is not None:
        ch.glue("ch12_first_model_view", ch.fixed("sector"))
        ch.glue("ch12_first_model_n", n)
    else:
        ch.glue("ch12_first_model_view", ch.fixed("too-few"))
        ch.glue("ch12_first_model_n", n)


def wave_odds_ratios(ch, simple, both_group):
    """The wave's odds ratio from the one-predictor model and the cross-product ratio of the
    crosstab it reproduces (both typed; – without a model: one wave); glues whether the model
    was estimated."""
    glue_simple_fit_view(ch, simple)
    if simple is None:
        return ch.fixed(np.nan), ch.fixed(np.nan)
    tab = ch.crosstab(ch.answered("innovated"), "wave",
                      {"not innovated": ch.where("innovated", 0), "innovated": ch.where("innovated", 1)},
                      row_levels=list(md.WAVES), percent=None, total=False, row_label="wave",
                      sector=both_group["sector"])
    k = tab.set_index("wave").map(ch.plain)
    cells = k.loc[["2025", "2021"], ["innovated (n)", "not innovated (n)"]].to_numpy(dtype=float)
    cross_or = ch.statistic((cells[0, 0] * cells[1, 1]) / (cells[0, 1] * cells[1, 0]) if cells.all() else np.nan,
                            on=tab, what="cross-product ratio, innovated by wave")
    print(k)
    if simple.ok:
        return simple.stat(np.exp(simple.result.params["wave2025"]), term="wave2025"), cross_or
    return ch.fixed(np.nan), cross_or


def glue_simple_fit_view(ch, simple) -> None:
    """Whether the first model was estimated (case ``ch12_simple_fit_view``: estimated,
    not-estimated, one-wave, for a model that needs both waves and was not fitted) and, if not,
    why. Fixed words: whether a model is estimated is public (its odds ratio is shown or –)."""
    if simple is None:
        ch.glue("ch12_simple_fit_view", ch.fixed("one-wave"))
    elif simple.ok:
        ch.glue("ch12_simple_fit_view", ch.fixed("estimated"))
    else:
        ch.glue("ch12_simple_fit_view", ch.fixed("not-estimated"))
        ch.glue("ch12_simple_why", ch.verdict(simple.fit.message, on=[simple.n]))


SIZES = ["Klein", "Middelgroot", "Groot"]


def model_frame(ch, score) -> pd.DataFrame:
    """The microdata with the model's variables: innovated, size (small as reference), officer and
    the climate score."""
    return ch.data.assign(climate=score, innovated=ch.data["innovated"].astype("float64"),
                          officer=ch.data["innovation_officer"].astype("float64"),
                          size=pd.Categorical(ch.data["size_class"], categories=SIZES))


def term_names(ch) -> dict[str, str]:
    return {"C(size)[T.Middelgroot]": f"size: {ch.group('Middelgroot', 'size')} (vs {ch.group('Klein', 'size')})",
            "C(size)[T.Groot]": f"size: {ch.group('Groot', 'size')} (vs {ch.group('Klein', 'size')})",
            "officer": "has an innovation officer (yes vs no)",
            "climate": "innovation-climate score (per scale point)"}


def odds_ratio_table(ch, model, formula, sectors_shown):
    """The model's odds ratios with their 95% intervals and p-values, typed on the model's terms."""
    if not model.ok:
        return None
    fit, names = model.result, term_names(ch)
    ci = np.exp(fit.conf_int())
    ors = pd.DataFrame([{"predictor": names[t],
                         "odds ratio": model.stat(np.exp(fit.params[t]), f"odds ratio of {t}", term=t),
                         "95% CI low": model.stat(ci.loc[t, 0], f"lower bound of {t}", term=t),
                         "95% CI high": model.stat(ci.loc[t, 1], f"upper bound of {t}", term=t),
                         "p": model.stat(fit.pvalues[t], f"p of {t}", term=t)}
                        for t in fit.params.index if t != "Intercept"])
    ch.table(ors, "odds_ratios",
             ch.text("Logistic regression of having implemented an innovation on size class, innovation officer "
                     "and innovation-climate score, {year}, {sectors}: odds ratios with 95% intervals (n = {n}; "
                     "recomputed from the microdata; formula {formula}).", year=ch.fixed(ch.year),
                     sectors=ch.fixed(sectors_shown), n=model.n, formula=ch.fixed(formula)),
             labels=("predictor",),
             formats={c: "{:.2f}" for c in ["odds ratio", "95% CI low", "95% CI high"]} | {"p": "{:.3g}"})
    return ors


def glue_models(ch, model, ors, simple_or, cross_or, scale_group) -> None:
    glue_model_fit_view(ch, model)
    ch.glue("ch12_simple_or", simple_or, "{:.2f}")
    ch.glue("ch12_cross_or", cross_or, "{:.2f}")
    if model.ok:
        names = term_names(ch)
        row = ors.set_index("predictor")
        officer, climate = row.loc[names["officer"]], row.loc[names["climate"]]
        ch.glue("ch12_or_officer", officer["odds ratio"], "{:.2f}")
        ch.glue("ch12_or_officer_ci", ch.text("{lo:.2f} to {hi:.2f}", lo=officer["95% CI low"],
                                              hi=officer["95% CI high"]))
        ch.glue("ch12_or_climate", climate["odds ratio"], "{:.2f}")
        ch.glue("ch12_or_climate_ci", ch.text("{lo:.2f} to {hi:.2f}", lo=climate["95% CI low"],
                                              hi=climate["95% CI high"]))
    else:
        for name in ("ch12_or_officer", "ch12_or_officer_ci", "ch12_or_climate", "ch12_or_climate_ci"):
            ch.glue(name, ch.fixed("–"))
    ch.glue("ch12_model_n", model.n)
    ch.glue("ch12_events", ch.count(model.complete & ch.where("innovated", 1), **scale_group))


def glue_model_fit_view(ch, model) -> None:
    """Whether the model with several predictors was estimated (case ``ch12_model_fit_view``:
    estimated, not-estimated) and, if not, why (a fixed word, as in glue_simple_fit_view)."""
    if model.ok:
        ch.glue("ch12_model_fit_view", ch.fixed("estimated"))
    else:
        ch.glue("ch12_model_fit_view", ch.fixed("not-estimated"))
        ch.glue("ch12_model_why", ch.verdict(model.fit.message, on=[model.n]))


# --------------------------------------------------------------------------- reproduction
def reproduction_table(ch, records: pd.DataFrame) -> None:
    """The records of Table B1-8 for the totals (and the configured sector), shown as an example."""
    shown_groups = {"Totaal"} | ({md.canonical_group("sector", ch.sector)} if ch.sector else set())
    example = records[[md.canonical_group("sector", g) in shown_groups for g in records["group"]]]
    with_sector = ch.sector is not None and any(md.canonical_group("sector", g) != "Totaal" for g in example["group"])
    ch.table(example[["source_id", "year", "group", "statistic", "published", "recomputed", "difference", "tolerance",
                      "within"]],
             "reproduction", f"Reproduction records for Table B1-8 "
             f"({'totals and ' + ch.sector_label if with_sector else 'totals'}): published value beside the value "
             "recomputed from the microdata.",
             labels=("source_id", "year", "group", "statistic", "tolerance"))
    ch.glue("ch12_rep_focus", ch.fixed(f"the totals and {ch.sector_label}" if with_sector else "the totals"))
    ch.glue("ch12_rep_n", ch.fixed(len(records)))
    ch.glue("ch12_rep_ok", ch.tally(records, "within", "True"))
