"""Chapter 7, innovation climate and preconditions: the plumbing of its notebook. Published tables
are pivoted and tested here, its figures drawn and its tables assembled with their captions, so
that the notebook shows the statistics (Welch's t and ANOVA, the regression, KMO, parallel
analysis, alpha, the chi-square) and the prose. Every function takes the chapter context ``ch``;
in the microdata part all values are built through it, typed for the output gate."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy import stats as sps
from statsmodels.stats.proportion import confint_proportions_2indep

from barometer.analysis import scales, stats
from barometer.book.figures import HIGHLIGHT, MUTED, PALETTE, REFERENCE, wrap
from barometer.data import codebook as md
from barometer.data import published
from barometer.synthesis import fidelity

#: The report's order of the climate groups: Krachtig, Gemiddeld, Beperkt.
CLUSTERS = list(md.CLUSTER_LABELS)[::-1]
#: Below this many complete cases, scale statistics are too unstable to show.
MIN_N = 20
#: Draws of random data in the parallel analysis.
PA_ITER = 500
#: Half-point bins of a scale score: coarse enough that each bar counts several organisations (a
#: histogram at the scores' own resolution would show single organisations). The last bin
#: includes the top score.
EDGES = np.arange(1, 5.01, 0.5)
SECTORS = sorted(md.DESIGN_LABELS["sector"])
SIZES = list(md.DESIGN_LABELS["size_class"])
FMT = {"t": "{:.2f}", "df": "{:.0f}", "p": "{:.3g}", "p (Holm)": "{:.3g}", "Hedges' g": "{:.2f}",
       "difference": "{:+.2f}"}
OLS_FORMATS = {"coef": "{:+.3f}", "se": "{:.3f}", "t": "{:.2f}", "p": "{:.3g}", "ci_low": "{:+.3f}",
               "ci_high": "{:+.3f}"}
AGREE_FORMATS = {"CI low": "{:.0f}", "CI high": "{:.0f}", "mean": "{:.2f}"}
SCALE_STATS = ["KMO", "Bartlett p", "lowest loading", "alpha", "alpha CI low", "alpha CI high", "omega"]
ITEM_STATS = ["item_rest_r", "alpha_if_deleted", "loading", "communality", "uniqueness"]
OLS_COLUMNS = ["coef", "se", "t", "p", "ci_low", "ci_high"]


# ====================================================================== the published part
def cluster_label(ch, c: str) -> str:
    return ch.group(c, "climate_cluster")


def mean_ci(m, s, n, level=0.95):
    """A t-interval on a mean from its SD and n (works on columns too)."""
    half = sps.t.ppf(0.5 + level / 2, n - 1) * s / np.sqrt(n)
    return m - half, m + half


def scale_table(source_id: str) -> pd.DataFrame:
    """A published scale table (B1-10, B1-11, B1-12) with one row per group and year and the
    columns mean, sd and n."""
    t = published.table(source_id).pivot_table(index=["group", "year"], columns="statistic", values="value")
    return t.reset_index().rename_axis(columns=None)


def in_brief_chart(ch) -> None:
    """In brief: the two scales in both waves, and how often the three climate groups innovated
    (published, with intervals)."""
    scales_ = pd.concat([published.table(s, group="Totaal").assign(scale=name) for s, name in
                         (("B1-10", "innovation climate"), ("B1-12", "preconditions"))])
    scales_ = scales_.pivot_table(index=["scale", "year"], columns="statistic", values="value").reset_index()
    half = [sps.t.ppf(0.975, n - 1) * s / np.sqrt(n) for s, n in zip(scales_["sd"], scales_["n"], strict=True)]
    scales_["low"], scales_["high"] = scales_["mean"] - half, scales_["mean"] + half
    groups = ["Krachtig", "Gemiddeld", "Beperkt"]
    rate = published.table("text-2.4", variable="innovated", statistic="pct").set_index("group")["value"]
    split = published.table("text-2.4", variable="climate_cluster", statistic="pct").set_index("item")["value"]
    n_scored = int(published.value("B1-10", group="Totaal", year=2025, statistic="n"))
    clusters = pd.DataFrame({"group": groups, "label": [ch.group(g, "climate_cluster") for g in groups],
                             "innovated (%)": [rate[g] for g in groups],
                             "implied n": [round(split[g] / 100 * n_scored) for g in groups]})
    bounds = [stats.pct_ci(p, n) for p, n in zip(clusters["innovated (%)"], clusters["implied n"], strict=True)]
    clusters["low"], clusters["high"] = [b[0] for b in bounds], [b[1] for b in bounds]
    overlap = clusters["low"].iloc[0] <= clusters["high"].iloc[-1]

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(6.5, 3), gridspec_kw={"width_ratios": [1.1, 1], "wspace": 0.55})
    names = list(dict.fromkeys(scales_["scale"]))
    for k, (yr, colour) in enumerate(((2021, MUTED), (2025, HIGHLIGHT))):
        part = scales_[scales_["year"] == yr].set_index("scale").reindex(names)
        ys = np.arange(len(names))[::-1] + (0.15 if k == 0 else -0.15)
        ax1.hlines(ys, part["low"], part["high"], color=colour, linewidth=2)
        ax1.scatter(part["mean"], ys, color=colour, zorder=3, label=str(yr))
        for yv, m in zip(ys, part["mean"], strict=True):
            ax1.text(m, yv + (0.12 if k == 0 else -0.12), f"{m:.2f}", ha="center",
                     va="bottom" if k == 0 else "top", fontsize=8)
    ax1.set_yticks(np.arange(len(names))[::-1], [wrap(n, 13) for n in names], fontsize=9)
    ax1.set_ylim(-0.6, len(names) - 0.4)
    ax1.set_xlim(2.5, 4.5)
    ax1.set_xlabel("mean score (1-5), 95% interval", fontsize=8)
    ax1.set_title("Scale means", loc="left", fontsize=10)
    ax1.tick_params(axis="x", labelsize=8)
    ax1.legend(loc="upper left", fontsize=8)
    ax2.bar(clusters["label"], clusters["innovated (%)"], color=[HIGHLIGHT, PALETTE[5], MUTED],
            yerr=[clusters["innovated (%)"] - clusters["low"], clusters["high"] - clusters["innovated (%)"]],
            capsize=3, error_kw={"elinewidth": 1})
    for x, v in enumerate(clusters["innovated (%)"]):
        ax2.text(x, 4, f"{v:.0f}%", ha="center", va="bottom", color="white", fontsize=8, fontweight="bold")
    ax2.set_ylim(0, 100)
    ax2.set_ylabel("innovated (%)", fontsize=8)
    ax2.set_title("Innovated, by climate group", loc="left", fontsize=10)
    ax2.tick_params(labelsize=8)
    mean = scales_.set_index(["scale", "year"])["mean"]
    data = pd.concat([scales_.assign(panel="scale means"),
                      clusters.rename(columns={"innovated (%)": "pct", "implied n": "n"}).assign(
                          panel="innovated, by climate group", year=2025)], ignore_index=True)
    ch.figure(fig, "in_brief_climate",
              "Left: mean score on the innovation-climate and preconditions scales (one to five), 2021 and 2025, "
              "with 95% intervals (published, Tables B1-10 and B1-12). Right: share of organisations that "
              "innovated, by climate group, 2025, with 95% intervals on the group sizes implied by the report's "
              "split (published, §2.4 and Figure 2-16).",
              f"Left: dot plot; the climate scale averages {mean[('innovation climate', 2025)]:.2f} in 2025 "
              f"({mean[('innovation climate', 2021)]:.2f} in 2021), the preconditions scale "
              f"{mean[('preconditions', 2025)]:.2f} ({mean[('preconditions', 2021)]:.2f}). Right: bar chart; "
              + ", ".join(f"{lab.lower()} climate {v:.0f}%" for lab, v in zip(clusters["label"],
                                                                              clusters["innovated (%)"], strict=True))
              + " innovated; the intervals of the strong and the limited group "
              + ("overlap." if overlap else "do not overlap."),
              data=data)


def statements(ch, variable: str, base: int) -> pd.DataFrame:
    """The shares agreeing with the statements the text of §2.4 gives, with Wilson intervals on
    ``base`` organisations."""
    rows = published.split_item(published.table("text-2.4", variable=variable, statistic="pct"))
    out = pd.DataFrame({
        "statement": [ch.option(variable, s) for s in rows["statement"]],
        "agree (%)": rows["value"].astype(float).to_numpy(),
        "approximate": rows["approx"].astype(bool).to_numpy(),
    })
    ci = [stats.pct_ci(p, base) for p in out["agree (%)"]]
    out["CI low"], out["CI high"] = zip(*ci, strict=True)
    out["base"] = base
    return out


def show_statements(ch, variable: str, base: int) -> pd.DataFrame:
    """The published statements of ``variable`` as a table (climate or preconditions)."""
    table = statements(ch, variable, base)
    extra = "" if variable == "climate_statement" else "; 'approximate' marks a share the text gives in words"
    who = "the climate statements" if variable == "climate_statement" else "the statements"
    ch.table(table, f"{variable.split('_')[0]}_statements_published",
             f"{ch.question(variable)}: share agreeing or completely agreeing, with Wilson 95% intervals "
             f"(published, §2.4 text, 2025; base: organisations answering {who}, n = {base}{extra}).",
             formats={"CI low": "{:.0f}", "CI high": "{:.0f}"})
    return table


def grades() -> dict:
    """The published scale means of §2.4 and the grades the report gives them."""
    value = published.value
    return {"clim": value("text-2.4", variable="climate_scale", statistic="mean", group="Totaal"),
            "pre": value("text-2.4", variable="preconditions_scale", statistic="mean", group="Totaal"),
            "grade_clim": value("text-2.4", variable="climate_scale_grade", statistic="mean"),
            "grade_pre": value("text-2.4", variable="preconditions_scale_grade", statistic="mean")}


def linear_grade(score: float) -> float:
    """A score of one to five put linearly on one to ten."""
    return 1 + (score - 1) * 9 / 4


def wave_tests(ch, table: pd.DataFrame, year1: int, year2: int) -> pd.DataFrame:
    """Welch's t per sector between two waves, from published means, SDs and n (Holm-corrected)."""
    t = table.set_index(["group", "year"])
    missing = pd.Series({"mean": np.nan, "sd": np.nan, "n": np.nan})
    rows = []
    groups = [g for g in dict.fromkeys(table["group"]) if g != "Totaal"] + ["Totaal"]
    for g in groups:
        a, b = (t.loc[(g, y)] if (g, y) in t.index else missing for y in (year1, year2))
        row = {"sector": g, f"mean {year1}": a["mean"], f"sd {year1}": a["sd"], f"n {year1}": a["n"],
               f"mean {year2}": b["mean"], f"sd {year2}": b["sd"], f"n {year2}": b["n"]}
        if pd.notna(a["mean"]) and pd.notna(b["mean"]):
            res = stats.welch_from_stats(a["mean"], a["sd"], int(a["n"]), b["mean"], b["sd"], int(b["n"]))
            row |= {"difference": a["mean"] - b["mean"], "t": res.statistic, "df": res.df, "p": res.p_value,
                    "Hedges' g": res.effect}
        rows.append(row)
    out = pd.DataFrame(rows)
    sectors = out["sector"].ne("Totaal") & out["p"].notna()
    out.loc[sectors, "p (Holm)"] = stats.holm(out.loc[sectors, "p"].tolist())[0]
    out["sector"] = [ch.group(g) for g in out["sector"]]
    return out


def fmt_means(df: pd.DataFrame) -> dict:
    return FMT | {c: "{:.2f}" for c in df.columns if c.startswith(("mean", "sd"))}


def show_climate_waves(ch, waves: pd.DataFrame) -> None:
    ch.table(waves, "climate_by_sector_waves",
             f"Climate scale by sector, {ch.year} against {ch.compare_year}: means, SDs and n (published, Table "
             "B1-10; Totaal includes the High Councils of State) with Welch's t, Hedges' g and Holm-corrected "
             "p-values across sectors.", formats=fmt_means(waves))


def show_preconditions_waves(ch, waves: pd.DataFrame) -> None:
    ch.table(waves, "preconditions_by_sector_waves",
             f"Preconditions scale by sector, {ch.year} against {ch.compare_year} (published, Table B1-12), with "
             "Welch's t, Hedges' g and Holm-corrected p-values across sectors.", formats=fmt_means(waves))


def total_row(ch, waves: pd.DataFrame) -> pd.Series:
    return waves[waves["sector"] == ch.group("Totaal")].iloc[0]


def biggest_change(ch, waves: pd.DataFrame) -> pd.Series:
    """The row of the sector whose climate changed most between the waves."""
    big = waves[waves["sector"] != ch.group("Totaal")].dropna(subset=["difference"])
    return big.loc[big["difference"].abs().idxmax()]


def sector_note(ch, b110: pd.DataFrame) -> str:
    """Whether the selected sector is highlighted or only part of the total (published tables)."""
    if ch.sector is None:
        return ""
    if ch.sector in set(b110["group"]):
        return f"The selected sector, {ch.sector_label}, is highlighted in the figure."
    return (f"The selected sector, {ch.sector_label}, is not broken out in Tables B1-10 and B1-12 "
            "(it is included in the total only).")


def in_brief_waves(ch, b110: pd.DataFrame) -> dict:
    """In brief: 2025 against 2021 as the report prints them (Table B1-10), whatever the
    parameters: the change of the total and the sectors that changed significantly."""
    waves = wave_tests(ch, b110, 2025, 2021)
    total = total_row(ch, waves)
    change = ("a change within the margin of chance" if total["p"] >= 0.05 else
              f"a statistically significant {'rise' if total['difference'] > 0 else 'fall'}")
    moved = [f"{s[0].lower() + s[1:] if ch.lang == 'en' else s} ({m21:.2f} in 2021, {m25:.2f} in 2025)"
             for s, m21, m25, p in zip(waves["sector"], waves["mean 2021"], waves["mean 2025"],
                                       waves["p (Holm)"], strict=True) if p < 0.05]
    sectors = ("no sector's score changed significantly between the waves" if not moved else
               f"the only significant change between the waves is in {moved[0]}" if len(moved) == 1 else
               "significant changes between the waves are in " + ", ".join(moved[:-1]) + " and " + moved[-1])
    return {"change": change, "sectors": sectors}


def _dot_panel(ch, ax, table, title):
    t = table[table["group"] != "Totaal"].dropna(subset=["mean"]).copy()
    t["label"] = [ch.group(g) for g in t["group"]]
    order = list(dict.fromkeys(t.sort_values("group")["label"]))[::-1]
    for offset, (yr, colour) in zip((-0.15, 0.15), ((ch.compare_year, MUTED), (ch.year, HIGHLIGHT)), strict=True):
        part = t[t["year"] == yr].set_index("label").reindex(order)
        lo, hi = mean_ci(part["mean"], part["sd"], part["n"])
        y = np.arange(len(order)) + offset
        ax.hlines(y, lo, hi, color=colour, linewidth=2)
        ax.scatter(part["mean"], y, color=colour, zorder=3, label=str(yr))
    total = table.set_index(["group", "year"]).loc[("Totaal", ch.year), "mean"]
    ax.axvline(total, color=REFERENCE, linestyle="--", linewidth=1, label=f"all sectors {ch.year}")
    ax.set_yticks(np.arange(len(order)), order)
    for tick in ax.get_yticklabels():  # the selected sector in bold
        if ch.sector is not None and tick.get_text() == ch.group(ch.sector):
            tick.set_fontweight("bold")
    ax.set_xlim(2, 5)
    ax.set_title(title)
    ax.set_xlabel("mean scale score (1-5) with 95% interval")


def scales_by_sector_figure(ch, b110: pd.DataFrame, b112: pd.DataFrame) -> None:
    """Both scales by sector and wave, with 95% t-intervals (published)."""
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.5), sharey=True, layout="constrained")
    _dot_panel(ch, axes[0], b110, "Innovation climate (Table B1-10)")
    _dot_panel(ch, axes[1], b112, "Preconditions (Table B1-12)")
    axes[1].legend(loc="lower right", fontsize=8)
    ch.figure(fig, "scales_by_sector",
              f"Mean scale scores by sector, {ch.compare_year} and {ch.year}, with 95% t-intervals from the "
              "published means, SDs and n. Left: innovation climate (six statements); right: preconditions (three "
              "statements). Base: organisations answering all statements of the scale. Source: Innovatie "
              "Barometer Overheid 2025, Tables B1-10 and B1-12.",
              "Two dot plots with interval bars: climate and preconditions means per sector for both waves; most "
              "intervals overlap, the legal sector is lowest on climate, and the provinces (2025 only) have a wide "
              "interval.",
              data=pd.concat([b110.assign(scale="climate"), b112.assign(scale="preconditions")]))


def anova_rows(table: pd.DataFrame, label: str, groups=None) -> list[dict]:
    """Welch's one-way ANOVA across sectors (or ``groups``), one row per wave."""
    rows = []
    for yr in sorted(table["year"].unique()):
        t = table[(table["year"] == yr) & (table["group"] != "Totaal")].dropna(subset=["mean"])
        if groups is not None:
            t = t[t["group"].isin(groups)]
        if len(t) < 2:
            continue
        res = scales.welch_anova_from_stats(t["mean"], t["sd"], t["n"])
        rows.append({"scale": label, "year": int(yr), "sectors": res.k, "n": res.n, "F": res.F, "df1": res.df1,
                     "df2": res.df2, "p": res.p_value, "eta squared": res.eta2})
    return rows


def show_anova(ch, anova: pd.DataFrame) -> None:
    ch.table(anova, "welch_anova_sectors",
             "Welch's one-way ANOVA across sectors per wave, from the published means, SDs and n (Tables B1-10 and "
             "B1-12; the High Councils of State are not broken out).",
             formats={"F": "{:.2f}", "df2": "{:.1f}", "p": "{:.3g}", "eta squared": "{:.3f}"})


def regression_cells(b110: pd.DataFrame) -> pd.DataFrame:
    """The sector x wave cells of Table B1-10 (mean, sd, n), as ``scales.ols_from_cells`` wants them."""
    cells = b110[(b110["group"] != "Totaal")].dropna(subset=["mean"]).rename(columns={"group": "sector",
                                                                                      "year": "wave"})
    cells["wave"] = cells["wave"].astype(int)
    return cells


def tidy_terms(ch, params: pd.DataFrame) -> pd.DataFrame:
    """Model terms named by their sector (or "wave 2025"), in a column ``term``."""
    out = params.copy()
    out.index = [ch.group(i.split("[T.")[1].rstrip("]")) if "sector" in i and "[T." in i else
                 f"wave {i.split('[T.')[1].rstrip(']')}" if "wave" in i else i for i in out.index]
    return out.rename_axis("term").reset_index()


def show_published_regression(ch, pub_ols, cells: pd.DataFrame) -> None:
    ch.table(tidy_terms(ch, pub_ols.params), "regression_published",
             f"OLS of the climate score on sector and wave (reference: municipalities, {min(cells['wave'])}), "
             f"reconstructed from the published cell means, SDs and n of Table B1-10 (N = {pub_ols.nobs}, "
             f"R² = {pub_ols.rsquared:.3f}, residual SD = {pub_ols.sigma:.2f}).", formats=OLS_FORMATS)


def coef_result(pub_ols, term: str) -> stats.TestResult:
    """A sector's coefficient in the reconstructed regression as a test result."""
    row = pub_ols.params.loc[f'C(sector, Treatment("Gemeente"))[T.{term}]']
    return stats.TestResult(row["t"], row["p"], row["coef"], "coefficient", pub_ols.df_resid)


def check(claim: str, result, claimed_significant: bool, direction: int = 0) -> dict:
    """One row of a claims check: the claim, its test and the verdict (with the direction)."""
    verdict = stats.claim_check(claimed_significant, result)
    if claimed_significant and direction and np.sign(result.effect) != direction:
        verdict = "not supported: the difference goes the other way"
    return {"claim": claim, "test": result.effect_name, "statistic": result.statistic, "p": result.p_value,
            "effect": result.effect, "verdict": verdict}


def sector_claims(ch, b110: pd.DataFrame, pub_ols) -> pd.DataFrame:
    """The report's statements on sector differences, each against Welch's ANOVA or a coefficient."""
    four = ["Rijksoverheid", "Gemeente", "Provincie", "Waterschap"]
    rows = []
    for r in anova_rows(b110, "climate", four):
        res = stats.TestResult(r["F"], r["p"], r["eta squared"], "Welch ANOVA (eta squared)", r["df2"])
        rows.append(check(f"no difference between central government, municipalities, provinces, water boards "
                          f"({r['year']})", res, False))
    for term in ("Rijksoverheid", "Provincie", "Waterschap"):
        rows.append(check(f"{ch.group(term)} does not differ from municipalities (regression)",
                          coef_result(pub_ols, term), False))
    rows.append(check(f"{ch.group('Zbo')} higher (regression)", coef_result(pub_ols, "Zbo"), True, +1))
    rows.append(check(f"{ch.group('GR')} higher (regression)", coef_result(pub_ols, "GR"), True, +1))
    rows.append(check(f"{ch.group('Recht')} lower (regression)", coef_result(pub_ols, "Recht"), True, -1))
    claims = pd.DataFrame(rows)
    ch.table(claims, "claims_sectors",
             "Claims check: the report's statements on sector differences in climate (§2.4) against Welch's ANOVA "
             "and the regression reconstructed from Table B1-10 (effect: eta squared or coefficient in scale "
             "points).", formats={"statistic": "{:.2f}", "p": "{:.3g}", "effect": "{:+.3f}"})
    return claims


def pool(table: pd.DataFrame, groups: list[str]) -> tuple[float, float, float]:
    """Mean, SD and n of several groups pooled from their means, SDs and n."""
    t = table.loc[groups]
    n = t["n"].sum()
    m = (t["n"] * t["mean"]).sum() / n
    ss = ((t["n"] - 1) * t["sd"] ** 2).sum() + (t["n"] * (t["mean"] - m) ** 2).sum()
    return m, np.sqrt(ss / (n - 1)), n


def national_consistency(ch, b111: pd.DataFrame, clim_pub: pd.DataFrame) -> pd.DataFrame:
    """Tables B1-10 and B1-11 against each other: the groups of B1-11 pooled beside the printed rows."""
    rows = []
    for label, groups, printed in (
            (f"{ch.group('Rijksoverheid')} (B1-10) = core ministries + services and agencies",
             ["Kerndepartement", "Diensten en agentschappen"], clim_pub.loc[("Rijksoverheid", 2025)]),
            ("national government total (B1-11) = all three groups",
             ["Kerndepartement", "Diensten en agentschappen", "ZBO"], b111.loc["Totaal"])):
        m, s, n = pool(b111, groups)
        rows.append({"check": label, "pooled mean": m, "printed mean": printed["mean"], "pooled sd": s,
                     "printed sd": printed["sd"], "pooled n": n, "printed n": printed["n"]})
    consistency = pd.DataFrame(rows)
    ch.table(consistency, "national_consistency",
             "Consistency of Tables B1-10 and B1-11 (2025): the groups of B1-11 pooled, beside the printed rows.",
             formats={c: "{:.3f}" for c in ["pooled mean", "printed mean", "pooled sd", "printed sd"]})
    return consistency


def agree_within_rounding(consistency: pd.DataFrame) -> bool:
    return bool((consistency["pooled mean"] - consistency["printed mean"]).abs().max() < 0.01
                and (consistency["pooled sd"] - consistency["printed sd"]).abs().max() < 0.01)


def show_national(ch, nat: pd.DataFrame, nat_anova) -> None:
    """The groups of national government with t-intervals, and Welch's ANOVA in the caption."""
    lo, hi = mean_ci(nat["mean"], nat["sd"], nat["n"])
    shown = nat.assign(group=[ch.group(g, "national_government") for g in nat["group"]],
                       **{"CI low": lo, "CI high": hi})
    ch.table(shown[["group", "mean", "sd", "n", "CI low", "CI high"]], "national_government",
             f"Climate scale within national government, 2025, with 95% t-intervals (published, Table B1-11). "
             f"Welch's ANOVA: F = {nat_anova.F:.2f} on {nat_anova.df1:.0f} and {nat_anova.df2:.1f} df, "
             f"p = {nat_anova.p_value:.2g}.", formats={c: "{:.2f}" for c in ["mean", "sd", "CI low", "CI high"]})


def normal_split(ch, clim_pub: pd.DataFrame, cluster_cuts, thr: pd.Series, split_pub: pd.Series) -> pd.DataFrame:
    """The share in each climate group a normal distribution with the published mean and SD would
    give, for several readings of the printed cut points, beside the report's split."""
    m0, s0 = clim_pub.loc[("Totaal", 2025), "mean"], clim_pub.loc[("Totaal", 2025), "sd"]
    readings = {"chapter cut points (cluster_cuts)": tuple(cluster_cuts),
                "printed outer bounds (default)": (thr[("Beperkt", "bovengrens")], thr[("Krachtig", "ondergrens")]),
                "printed 'average' range": (thr[("Gemiddeld", "ondergrens")], thr[("Gemiddeld", "bovengrens")])}
    label = {c: cluster_label(ch, c) + " (%)" for c in CLUSTERS}
    rows = []
    for name, (low, high) in readings.items():
        below, above = sps.norm.cdf(low, m0, s0), sps.norm.sf(high, m0, s0)
        rows.append({"reading": name, "low cut": low, "high cut": high, label["Krachtig"]: 100 * above,
                     label["Gemiddeld"]: 100 * (1 - above - below), label["Beperkt"]: 100 * below})
    rows.append({"reading": "report (§2.4)", "low cut": np.nan, "high cut": np.nan,
                 **{label[c]: split_pub[c] for c in CLUSTERS}})
    table = pd.DataFrame(rows)
    ch.table(table, "cluster_split_normal",
             f"Share of organisations in each climate group implied by a normal distribution with the published "
             f"mean ({m0:.2f}) and SD ({s0:.2f}) of 2025 (Table B1-10), for several readings of the printed cut "
             "points, beside the split the report gives.", formats={"low cut": "{:g}", "high cut": "{:g}"})
    return table


def show_clusters(ch, split_pub, n_cluster, rate, spec_pub) -> None:
    """The three published climate groups: size, innovation rate with a Wilson interval, breadth."""
    rows = []
    for c in CLUSTERS:
        lo, hi = stats.pct_ci(rate[c], n_cluster[c])
        rows.append({"group": cluster_label(ch, c), "share of organisations (%)": split_pub[c],
                     "implied n": n_cluster[c], "innovated (%)": rate[c], "CI low": lo, "CI high": hi,
                     "multiple types (% of innovators)": float(spec_pub.loc[c, "value"])
                     if c in spec_pub.index else np.nan})
    ch.table(pd.DataFrame(rows), "clusters_published",
             "The three climate groups (published, §2.4 and Figure 2-16, 2025): share of organisations, innovation "
             "rate with a Wilson 95% interval on the implied group size, and the share of innovators whose most "
             "recent innovation combined several types. Implied n = published share × organisations with a "
             "climate score (approximate).", formats={"CI low": "{:.0f}", "CI high": "{:.0f}"})


def show_cluster_claims(ch, overall, k_vs_b, spec_test) -> None:
    claims = pd.DataFrame([
        check("innovation rate differs between the three groups (chi-square)", overall, True),
        check("strong climate innovates more often than limited", k_vs_b, True, +1),
        check("strong climate innovates more broadly (several types) than limited", spec_test, True, +1),
    ])
    ch.table(claims, "claims_clusters",
             "Claims check for the climate groups (§2.4), on the implied group sizes (approximate): chi-square "
             "with Cramér's V, and two-proportion z-tests with Cohen's h.",
             formats={"statistic": "{:.2f}", "p": "{:.3g}", "effect": "{:+.2f}"})


def figure_2_17(ch, innov_n: dict) -> pd.DataFrame:
    """Figure 2-17 per factor: the groups' shares, their weighted mean beside the printed total, the
    difference strong - limited with a Newcombe interval on the implied numbers of innovators, and
    the differences the text quotes."""
    f17 = published_2_17()
    quoted = published.split_item(published.table("text-2.4", statistic="pct_point_diff")).set_index(
        "statement")["value"]
    rows = []
    for factor, r in f17.iterrows():
        kk = stats.count_from_pct(r["Krachtig"], innov_n["Krachtig"])
        kb = stats.count_from_pct(r["Beperkt"], innov_n["Beperkt"])
        lo, hi = confint_proportions_2indep(kk, innov_n["Krachtig"], kb, innov_n["Beperkt"], method="newcomb")
        weighted = sum(innov_n[c] * r[c] for c in CLUSTERS) / sum(innov_n.values())
        rows.append({"factor": ch.option("promoting_factor", factor), "strong (%)": r["Krachtig"],
                     "average (%)": r["Gemiddeld"], "limited (%)": r["Beperkt"], "total (%)": r["Totaal"],
                     "weighted groups (%)": weighted, "difference strong - limited": r["Krachtig"] - r["Beperkt"],
                     "CI low": 100 * lo, "CI high": 100 * hi, "quoted in text": quoted.get(factor, np.nan)})
    table = pd.DataFrame(rows)
    ch.table(table, "figure_2_17",
             "Share of innovators naming each factor as (strongly) promoting, by climate group (published, Figure "
             "2-17, 2025); the groups' weighted mean beside the printed total (a consistency check); the difference "
             "strong - limited in points with a Newcombe 95% interval on the implied numbers of innovators; the "
             "differences the text of §2.4 quotes.",
             formats={"weighted groups (%)": "{:.1f}", "CI low": "{:.0f}", "CI high": "{:.0f}",
                      "quoted in text": "{:.0f}"})
    return table


def published_2_17() -> pd.DataFrame:
    """Figure 2-17 as published: one row per factor (Dutch wording), one column per group."""
    return published.split_item(published.table("2-17")).pivot_table(index="statement", columns="group",
                                                                       values="value", sort=False)


def figure_2_17_differences(ch, f17_table: pd.DataFrame, innov_n: dict) -> None:
    """The differences of Figure 2-17 with their intervals, the quoted ones highlighted."""
    plot = f17_table.iloc[::-1].reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(8, 6.5), layout="constrained")
    y = np.arange(len(plot))
    colours = [HIGHLIGHT if not np.isnan(qv) else MUTED for qv in plot["quoted in text"]]
    ax.hlines(y, plot["CI low"], plot["CI high"], color=colours, linewidth=2)
    ax.scatter(plot["difference strong - limited"], y, color=colours, zorder=3, label="Figure 2-17")
    ax.scatter(plot["quoted in text"], y, marker="x", color=REFERENCE, zorder=4, label="quoted in the text of §2.4")
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(y, plot["factor"])
    ax.set_xlabel("difference strong - limited climate (percentage points), 95% interval")
    ax.legend(loc="lower right", fontsize=8)
    ch.figure(fig, "figure_2_17_differences",
              f"{ch.question('promoting_factor')} Difference between innovators with a strong and with a limited "
              "innovation climate in the share naming each factor as (strongly) promoting, with Newcombe 95% "
              f"intervals on the implied numbers of innovators ({innov_n['Krachtig']} and {innov_n['Beperkt']}, "
              "approximate). Base: innovating organisations, 2025. Source: Innovatie Barometer Overheid 2025, "
              "Figure 2-17 and §2.4.",
              "Dot plot with interval bars of the percentage-point difference per factor; most differences are "
              "positive, largest for new technology and incentives; the five differences quoted in the text are "
              "highlighted.",
              data=f17_table)


# ====================================================================== the microdata part
def published_value(ch, value):
    """A number of the report beside a recomputed one (not from microdata); missing stays missing."""
    return ch.fixed(float(value), "published") if pd.notna(value) else np.nan


def scale_stat(ch, value, n, k):
    """A statistic of a scale (alpha, omega, KMO, a loading ...) computed on the ``n``
    organisations that answered all its ``k`` items; residual degrees of freedom n - k (a value
    that could not be computed is shown as "–")."""
    return ch.statistic(value, on=[n], dof=ch.plain(n) - k if np.isfinite(value) else None)


def scope_note(ch, n_clim, ok: bool):
    """Empty, or why the scale analyses are not computed (too few complete cases)."""
    if ok:
        return ch.verdict("", on=[n_clim])
    return ch.text("Only {n} organisations answered all climate statements here: {why}", n=n_clim,
                   why=ch.verdict("too few for the scale analyses below, which are not computed (–).", on=[n_clim]))


def agree_table(ch, cols, focus: dict) -> pd.DataFrame:
    """Per statement: organisations agreeing (4 or 5) among those asked who answered it, with a
    Wilson interval, and the mean answer (typed, in the configured wave and sector)."""
    rows = []
    for col in cols:
        base = ch.asked(col) & ch.answered(col)
        agree = ch.where(col, [4, 5])
        n, k = ch.count(base, **focus), ch.count(base & agree, **focus)
        pct = ch.share(base, agree, **focus)
        lo, hi = stats.wilson_ci(ch.plain(k), ch.plain(n)) if ch.plain(n) else (np.nan, np.nan)
        rows.append({"statement": ch.column_label(col), "label_nl": md.column(col).label_nl, "agree": k, "base": n,
                     "agree (%)": pct, "CI low": ch.statistic(lo, [pct]), "CI high": ch.statistic(hi, [pct]),
                     "mean": ch.mean(base, col, **focus)})
    return pd.DataFrame(rows)


def with_published(ch, table: pd.DataFrame, variable: str) -> pd.DataFrame:
    """Add the published shares (2025 only) and drop the Dutch wording used to find them."""
    published_pct = published.split_item(published.table("text-2.4", variable=variable)).set_index(
        "statement")["value"]
    if ch.year == 2025:
        table["published (%)"] = [published_value(ch, published_pct.get(s, np.nan)) for s in table["label_nl"]]
    return table.drop(columns="label_nl")


def show_agree(ch, table: pd.DataFrame, variable: str) -> None:
    """The recomputed statements of ``variable`` beside the published shares."""
    fields = {"question": ch.fixed(ch.question(variable)), "year": ch.fixed(ch.year),
              "sectors": ch.fixed(ch.sector_label)}
    if variable == "climate_statement":
        name, caption = "climate_statements", ch.text(
            "{question}: share agreeing (4 or 5) with Wilson 95% intervals and mean answer, {year}, {sectors} "
            "(recomputed from the microdata); published shares where the text gives them.", **fields)
    else:
        name, caption = "preconditions_statements", ch.text(
            "{question}: share agreeing (4 or 5) with Wilson 95% intervals, {year}, {sectors} (recomputed from "
            "the microdata); published shares (§2.4) for 2025.", **fields)
    ch.table(with_published(ch, table, variable), name, caption,
             labels=("statement",), formats=AGREE_FORMATS)


def short_names(cols) -> dict:
    """S1, S2 ... for the statements (the column's number)."""
    return {c: f"S{md.column(c).name.rsplit('_', 1)[1]}" for c in cols}


def scree_table(ch, pa, n_clim, k: int, ok: bool) -> pd.DataFrame:
    """The parallel analysis as a typed table, one row per factor (NaN where not computed)."""
    factors = np.arange(1, k + 1)  # one eigenvalue per statement (the codebook's number of items)
    if ok:
        scree = pd.DataFrame({
            "factor": factors,
            **{c: [scale_stat(ch, v, n_clim, k) for v in pa[c]] for c in ("observed", "random_mean",
                                                                          "random_quantile")},
            "retain": [ch.verdict(str(bool(r)), on=[n_clim]) for r in pa["retain"]]})
    else:
        scree = pd.DataFrame({"factor": factors, "observed": np.nan, "random_mean": np.nan,
                              "random_quantile": np.nan, "retain": np.nan})
    scree["n"] = [n_clim] * len(scree)
    return scree


def draw_scree(d):
    fig, ax = plt.subplots(figsize=(6, 3.8))
    ax.plot(d["factor"], d["observed"], marker="o", color=HIGHLIGHT, label="observed eigenvalues")
    ax.plot(d["factor"], d["random_quantile"], marker="s", linestyle="--", color=REFERENCE,
            label="random data, 95th percentile")
    ax.plot(d["factor"], d["random_mean"], linestyle=":", color=MUTED, label="random data, mean")
    ax.set_xlabel("factor")
    ax.set_ylabel("eigenvalue")
    ax.set_xticks(d["factor"])
    ax.legend()
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    return fig


def scree_figure(ch, scree: pd.DataFrame, n_clim) -> None:
    ch.figure(draw_scree, "scree_climate",
              ch.text("Scree plot and parallel analysis of the six climate statements of the scale, {year}, "
                      "{sectors}: eigenvalues of the observed correlation matrix against random normal data of the "
                      "same size ({draws} draws, seed {seed}). Base: organisations answering all six statements, "
                      "n = {n}.",
                      year=ch.fixed(ch.year), sectors=ch.fixed(ch.sector_label), draws=ch.fixed(PA_ITER),
                      seed=ch.fixed(ch.seed), n=n_clim),
              "Line chart of eigenvalues by factor number: the first observed eigenvalue lies far above the "
              "random reference, the others below it.",
              data=scree, labels=("factor",))


def factorability(ch, kmo_all, bart, pa, scree, n_clim, k: int) -> dict:
    """KMO, Bartlett's test, the factors parallel analysis keeps and the first eigenvalue, typed
    on the complete cases (all "–" when the analyses were not computed: ``bart`` is None)."""
    if bart is None:
        not_computed = ch.statistic(np.nan, on=[n_clim])  # shown as "–" (or # when the base is not shown)
        return dict.fromkeys(("kmo", "bart_chi2", "bart_df", "bart_p", "pa_keep", "eig1"), not_computed)
    return {"kmo": scale_stat(ch, kmo_all, n_clim, k), "bart_chi2": scale_stat(ch, bart.statistic, n_clim, k),
            "bart_df": ch.fixed(bart.df),  # p(p - 1)/2: fixed by the number of statements
            "bart_p": scale_stat(ch, bart.p_value, n_clim, k),
            "pa_keep": scale_stat(ch, int(pa["retain"].sum()), n_clim, k), "eig1": scree["observed"].iloc[0]}


def reliability(ch, n_clim, k: int, alpha, model, n_seven, alpha7, model7) -> dict:
    """Alpha (with its interval), omega and the range of loadings of the six-item scale, and the
    first statement's loading and alpha in the seven-item model, typed ("–" where not computed:
    the results are None)."""
    six = ({"alpha": alpha.alpha, "alpha_lo": alpha.ci_low, "alpha_hi": alpha.ci_high, "omega": model.omega,
            "load_min": model.loadings.min(), "load_max": model.loadings.max()} if model is not None else {})
    first = md.items("climate_statement")[0]
    seven = {"load_first": model7.loadings[first], "alpha7": alpha7.alpha} if model7 is not None else {}
    out = {name: scale_stat(ch, six.get(name, np.nan), n_clim, k)
           for name in ("alpha", "alpha_lo", "alpha_hi", "omega", "load_min", "load_max")}
    k7 = len(md.items("climate_statement"))
    return out | {name: scale_stat(ch, seven.get(name, np.nan), n_seven, k7) for name in ("load_first", "alpha7")}


def items_table(ch, focus, has_clim, n_clim, analysis, n_seven, loadings7) -> pd.DataFrame:
    """The climate scale item by item (typed): mean, SD, item statistics and loadings of the
    six-item model (``analysis``, None if not computed), and the loadings of the seven-item model
    (``loadings7``, None if not computed), with the left-out first statement as a last row."""
    clim_cols = md.scale_items("climate")
    seven_cols = md.items("climate_statement")
    first, k = seven_cols[0], len(clim_cols)
    rows = []
    for col in clim_cols:
        row = {"statement": ch.column_label(col), "mean": ch.mean(has_clim, col, **focus),
               "sd": ch.sd(has_clim, col, **focus)}
        row |= {c: scale_stat(ch, analysis.loc[col, c] if analysis is not None else np.nan, n_clim, k)
                for c in ITEM_STATS}
        row["loading, 7-item model"] = scale_stat(ch, loadings7[col] if loadings7 is not None else np.nan,
                                                  n_seven, len(seven_cols))
        row["base"] = n_clim
        rows.append(row)
    # The statement left out of the scale: only its loading in the seven-item model.
    rows.append({"statement": ch.column_label(first),
                 "loading, 7-item model": scale_stat(ch, loadings7[first] if loadings7 is not None else np.nan,
                                                     n_seven, len(seven_cols)),
                 "base": n_seven})
    table = pd.DataFrame(rows)
    ch.table(table, "climate_items",
             ch.text("The climate scale item by item, {year}, {sectors}: mean, SD, item-rest correlation, alpha if "
                     "the item is left out, and loading, communality and uniqueness in a one-factor ML model of the "
                     "six scale statements; last column and row: loadings when the first statement is added "
                     "(recomputed from the microdata).", year=ch.fixed(ch.year), sectors=ch.fixed(ch.sector_label)),
             labels=("statement",), formats={c: "{:.2f}" for c in table.columns if c not in ("statement", "base")})
    return table


def score_table(ch, score: pd.Series, n_clim, clim_mean, clim_sd, clim_pub) -> None:
    """The climate score recomputed beside Table B1-10, with skewness and excess kurtosis."""
    pub_key = ("Totaal" if ch.sector is None else ch.sector, ch.year)
    rows = pd.DataFrame([{
        "scale": "climate", "n": n_clim, "mean": clim_mean, "sd": clim_sd,
        "published mean": published_value(ch, clim_pub["mean"].get(pub_key, np.nan)),
        "published sd": published_value(ch, clim_pub["sd"].get(pub_key, np.nan)),
        "skewness": ch.statistic(sps.skew(score) if len(score) > 2 else np.nan, [clim_mean, clim_sd]),
        "excess kurtosis": ch.statistic(sps.kurtosis(score) if len(score) > 3 else np.nan, [clim_mean, clim_sd]),
    }])
    ch.table(rows, "climate_score",
             ch.text("Climate scale score, {year}, {sectors}: recomputed from the microdata beside Table B1-10.",
                     year=ch.fixed(ch.year), sectors=ch.fixed(ch.sector_label)),
             labels=("scale",),
             formats={c: "{:.2f}" for c in ["mean", "sd", "published mean", "published sd", "skewness",
                                            "excess kurtosis"]})


def score_bins(ch, focus, score_all, has, mean, sd, published_ms=None) -> pd.DataFrame:
    """Organisations per half-point bin of a scale score (typed counts in the configured wave and
    sector), what a normal distribution with the same mean and SD (and with the published ones)
    would put in each bin, and a Q-Q plot at the bin edges: the normal quantile of the share of
    organisations below each bin's upper edge."""
    name = score_all.name
    bins = {}
    for lo, hi in zip(EDGES[:-1], EDGES[1:], strict=True):
        inside = (score_all >= lo) & ((score_all <= hi) if hi == EDGES[-1] else (score_all < hi))
        bins[(lo, hi)] = ch.measure(inside, f"{name} in [{lo:g}, {hi:g}{']' if hi == EDGES[-1] else ')'}")
    parts = ch.split(has, {f"{lo:g}-{hi:g}": m for (lo, hi), m in bins.items()})
    total = ch.count(has, **focus)
    n_all, m, s = ch.plain(total), ch.plain(mean), ch.plain(sd)
    counts = [ch.count(parts[f"{lo:g}-{hi:g}"], **focus) for lo, hi in bins]
    rows = []
    for i, (lo, hi) in enumerate(bins):
        below, above = counts[:i + 1], counts[i + 1:]
        cum = sum(ch.plain(b) for b in below) / n_all if n_all else np.nan
        quantile = sps.norm.ppf(cum, m, s) if 0 < cum < 1 and s > 0 else np.nan
        # The share below an edge is the bins below it, or all minus the bins above it: it rests
        # on the side it is computed from (the one whose smallest count is larger).
        side = below if not above or min(map(ch.plain, below)) >= min(map(ch.plain, above)) else [total, *above]
        rows.append({
            "from": lo, "to": hi, "n": counts[i],
            "normal (n)": ch.statistic(n_all * (sps.norm.cdf(hi, m, s) - sps.norm.cdf(lo, m, s)) if s > 0
                                       else np.nan, [total, mean, sd]),
            "published normal (n)": (ch.statistic(n_all * (sps.norm.cdf(hi, *published_ms)
                                                           - sps.norm.cdf(lo, *published_ms)), [total])
                                     if published_ms is not None else np.nan),
            "normal quantile": ch.statistic(quantile, [*side, total, mean, sd]),
        })
    return pd.DataFrame(rows)


def distribution_drawing(label: str):
    """A drawing function for the distribution of the ``label`` score (draws only its data)."""
    def draw(d):
        fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 4.2))
        centre, width = (d["from"] + d["to"]) / 2, d["to"] - d["from"]
        a1.bar(centre, d["n"], width=width * 0.9, color=HIGHLIGHT, alpha=0.8, label="organisations")
        a1.plot(centre, d["normal (n)"], color=REFERENCE, marker="o", label="normal, same mean and SD")
        if d["published normal (n)"].notna().any():
            a1.plot(centre, d["published normal (n)"], color="black", linestyle=":", marker="x",
                    label="normal, published mean and SD")
        a1.set_xlabel(f"{label} score (half-point bins)")
        a1.set_ylabel("organisations")
        a1.legend(fontsize=8, loc="upper left")
        a2.scatter(d["normal quantile"], d["to"], s=24, color=HIGHLIGHT)
        a2.plot([1, 5], [1, 5], color=REFERENCE, linewidth=1)
        a2.set_xlabel("normal quantile of the share below the edge")
        a2.set_ylabel("score (upper edge of a bin)")
        fig.tight_layout(rect=(0, 0.06, 1, 1))  # room for the data-source mark under the axes
        return fig
    return draw


def published_curve(ch) -> bool:
    """Whether to draw the normal curve of the published mean and SD: a check of real microdata
    only (on synthetic data, calibrated to that mean and SD, it would be a published reference line
    on a synthetic figure)."""
    return ch.year == 2025 and ch.sector is None and not ch.synthetic


def climate_distribution(ch, bins: pd.DataFrame, n_clim) -> None:
    ch.figure(distribution_drawing("climate"), "climate_distribution",
              ch.text("Distribution of the climate scale score (mean of six statements, 1-5), {year}, {sectors}: "
                      "organisations per half-point bin with the numbers a normal distribution with the same mean "
                      "and SD would put there (left; where shown, the dotted line uses the published mean and SD) "
                      "and a normal Q-Q plot at the bin edges (right: each upper edge against the normal quantile "
                      "of the share of organisations below it). Base: organisations answering all six statements, "
                      "n = {n}. Recomputed from the microdata.",
                      year=ch.fixed(ch.year), sectors=ch.fixed(ch.sector_label), n=n_clim),
              "Histogram of climate scores in half-point bins peaking between three and four, with the counts of a "
              "normal distribution over it, and a Q-Q plot whose points lie close to the diagonal.",
              data=bins, labels=("from", "to"))


def preconditions_distribution(ch, bins: pd.DataFrame, n_pre) -> None:
    ch.figure(distribution_drawing("preconditions"), "preconditions_distribution",
              ch.text("Distribution of the preconditions scale score (mean of three statements, 1-5), {year}, "
                      "{sectors}: organisations per half-point bin with the numbers a normal distribution with the "
                      "same mean and SD would put there (left; where shown, the dotted line uses the mean and SD "
                      "printed with Figure B2-1) and a normal Q-Q plot at the bin edges (right). Base: "
                      "organisations answering all three statements, n = {n}. Recomputed from the microdata.",
                      year=ch.fixed(ch.year), sectors=ch.fixed(ch.sector_label), n=n_pre),
              "Histogram of preconditions scores in half-point bins with the counts of normal distributions over "
              "it, and a Q-Q plot whose points lie close to the diagonal.",
              data=bins, labels=("from", "to"))


def pooled_frame(ch, clim_score_all: pd.Series) -> pd.DataFrame:
    """All organisations with a climate score, both waves and all sectors, for the regression."""
    pooled = ch.data.assign(climate=clim_score_all)
    pooled = pooled.dropna(subset=["climate"]).astype({"wave": int})
    pooled["sector"] = pooled["sector"].astype(str)
    return pooled


def ols_cells(ch, has_clim, clim_score_all) -> list:
    """With only categorical predictors, the OLS fit is a function of the cell counts, means and
    SDs (sector x wave): every number of the model rests on them."""
    return [v for s in SECTORS for w in ch.waves
            for v in (ch.count(has_clim, wave=w, sector=s), ch.mean(has_clim, clim_score_all, wave=w, sector=s),
                      ch.sd(has_clim, clim_score_all, wave=w, sector=s))]


def regression_table(ch, model, cells, has_clim, pub_ols, two_waves: bool) -> pd.DataFrame:
    """The fitted regression as a typed table beside the coefficients reconstructed from Table
    B1-10 (one row "Intercept" with "–" if it could not be estimated)."""
    def ols_stat(value):
        return ch.statistic(value, cells, dof=model.df_resid if model is not None else None)

    n_pooled = ch.count(has_clim)  # all organisations with a climate score, every wave and sector of the file
    published_coefs = tidy_terms(ch, pub_ols.params).set_index("term")["coef"]
    if model is not None:
        coefs = tidy_terms(ch, pd.DataFrame({"coef": model.params, "se": model.bse, "t": model.tvalues,
                                             "p": model.pvalues, "ci_low": model.conf_int()[0],
                                             "ci_high": model.conf_int()[1]}))
        for c in OLS_COLUMNS:
            coefs[c] = [ols_stat(v) for v in coefs[c]]
    else:
        coefs = pd.DataFrame({"term": ["Intercept"], **{c: [ols_stat(np.nan)] for c in OLS_COLUMNS}})
    coefs["published-table coef"] = [published_value(ch, published_coefs.get(t, np.nan)) for t in coefs["term"]]
    sector_n = {ch.group(s): ch.count(has_clim, sector=s) for s in SECTORS}
    coefs["n"] = [sector_n.get(t, n_pooled) for t in coefs["term"]]  # base of each coefficient
    ch.table(coefs, "regression_microdata",
             ch.text("OLS of the climate score on sector{and_wave}, fitted to the microdata of {waves} (N = {n}, "
                     "R² = {r2:.3f}), beside the coefficients reconstructed from the published Table B1-10.",
                     and_wave=ch.fixed(" and wave" if two_waves else ""),
                     waves=ch.fixed("both waves" if two_waves else "the one wave in the file"), n=n_pooled,
                     r2=ols_stat(model.rsquared if model is not None else np.nan)),
             labels=("term",), formats=OLS_FORMATS | {"published-table coef": "{:+.3f}"})
    return coefs


def wave_effect(ch, model, cells, n_pooled):
    """The model's wave effect as a phrase, or why there is none."""
    wave_term = next((t for t in (model.params.index if model is not None else []) if t.startswith("C(wave)")),
                     None)
    if wave_term is not None:
        return ch.text("a wave effect of {coef:+.2f} points",
                       coef=ch.statistic(model.params[wave_term], cells, dof=model.df_resid))
    if model is None:
        return ch.verdict("no wave effect (the regression could not be estimated)", on=[n_pooled])
    return ch.text("no wave effect: the file holds the {have} wave only, and the wave effect needs the {other} "
                   "wave too", have=ch.fixed(" and ".join(map(str, ch.waves))),
                   other=ch.fixed(ch.compare_year if ch.has_wave(ch.year) else ch.year))


def size_cells(ch, focus, has_clim, clim_score_all) -> list:
    """Per size class: count, mean and SD of the climate score (typed)."""
    return [(ch.count(has_clim, **focus, size_class=s), ch.mean(has_clim, clim_score_all, **focus, size_class=s),
             ch.sd(has_clim, clim_score_all, **focus, size_class=s)) for s in SIZES]


def usable_cells(ch, cells: list) -> list:
    """The (mean, sd, n) of the size classes with at least two organisations and some spread."""
    return [(ch.plain(m), ch.plain(sd), ch.plain(n)) for n, m, sd in cells
            if ch.plain(n) >= 2 and ch.plain(sd) > 0]


def scales_summary(ch, focus, rows_in: list) -> pd.DataFrame:
    """The two scales side by side: factorability, loadings, reliability and score. ``rows_in``
    holds per scale (label, items frame, the measure of who has a score, mean, sd, published table)."""
    pub_key = ("Totaal" if ch.sector is None else ch.sector, ch.year)
    rows = []
    for label, items, has, mean, sd, pub in rows_in:
        k, n = items.shape[1], ch.count(has, **focus)
        values = dict.fromkeys(SCALE_STATS, np.nan)
        if ch.plain(n) >= MIN_N and (items.std() > 0).all():  # else not computed: shown as "–"
            a, f1 = scales.cronbach_alpha(items), scales.one_factor(items)
            values = {"KMO": scales.kmo(items.corr())[0],
                      "Bartlett p": scales.bartlett_sphericity(items.corr(), len(items)).p_value,
                      "lowest loading": f1.loadings.min(), "alpha": a.alpha, "alpha CI low": a.ci_low,
                      "alpha CI high": a.ci_high, "omega": f1.omega}
        rows.append({"scale": label, "items": k, "n": n,
                     **{c: scale_stat(ch, v, n, k) for c, v in values.items()},
                     "mean": mean, "sd": sd, "published mean": published_value(ch, pub["mean"].get(pub_key, np.nan)),
                     "published sd": published_value(ch, pub["sd"].get(pub_key, np.nan))})
    summary = pd.DataFrame(rows)
    ch.table(summary, "scales_summary",
             ch.text("The two scales side by side, {year}, {sectors}: factorability, loadings, reliability and "
                     "score (recomputed from the microdata), with the published mean and SD (Tables B1-10 and "
                     "B1-12).", year=ch.fixed(ch.year), sectors=ch.fixed(ch.sector_label)),
             labels=("scale", "items"),
             formats={c: "{:.2f}" for c in summary.columns if c not in ("scale", "items", "n", "Bartlett p")}
             | {"Bartlett p": "{:.2g}"})
    return summary


def pair_stat(ch, value, n_pair):
    """A statistic of the correlation of the two scores, on ``n_pair`` organisations (df n - 2)."""
    return ch.statistic(value, [n_pair], dof=ch.plain(n_pair) - 2 if np.isfinite(value) else None)


def clusters_table(ch, focus, has_clim, clusters, in_cluster, innovated, several, cluster_cuts,
                   split_pub, rate, spec_pub) -> pd.DataFrame:
    """The climate groups in the configured data: size, innovation rate and breadth (typed),
    beside the published values (2025)."""
    pub = ch.year == 2025
    rows = []
    for c in CLUSTERS:
        members = in_cluster[c]
        rows.append({"group": cluster_label(ch, c), "n": ch.count(members, **focus),
                     "share (%)": ch.share(has_clim, clusters[c], **focus),
                     "published share (%)": published_value(ch, split_pub[c]) if pub else np.nan,
                     "innovated": ch.count(members & innovated, **focus),
                     "innovated (%)": ch.share(members, innovated, **focus),
                     "published innovated (%)": published_value(ch, rate[c]) if pub else np.nan,
                     "innovators": ch.count(members & innovated, **focus),
                     "multiple types (%)": ch.share(members & innovated, several, **focus),
                     "published multiple types (%)": (published_value(ch, spec_pub.loc[c, "value"])
                                                      if pub and c in spec_pub.index else np.nan)})
    table = pd.DataFrame(rows)
    ch.table(table, "clusters_microdata",
             ch.text("Climate groups with cut points {low:g} and {high:g}, {year}, {sectors}: size, innovation rate "
                     "and share of innovators with several innovation types (recomputed from the microdata), beside "
                     "the published values (§2.4, 2025; fitted by the synthetic generator).",
                     low=ch.fixed(cluster_cuts[0]), high=ch.fixed(cluster_cuts[1]), year=ch.fixed(ch.year),
                     sectors=ch.fixed(ch.sector_label)),
             labels=("group",))
    return table


def observed_counts(ch, rate_table: list) -> np.ndarray:
    """The plain 3 x 2 table of counts behind the chi-square, without empty groups."""
    observed = np.array([[ch.plain(v) for v in row] for row in rate_table], dtype=float)
    return observed[observed.sum(axis=1) > 0]


def testable(observed: np.ndarray) -> bool:
    """At least two groups, both outcomes present and enough organisations for a chi-square."""
    return observed.shape[0] > 1 and bool((observed.sum(axis=0) > 0).all()) and observed.sum() >= MIN_N


def factors_by_group(ch, focus, in_cluster, innovated, f17: pd.DataFrame) -> pd.DataFrame:
    """Per success factor: the share of innovators naming it (strongly) promoting in the strong and
    the limited group, the difference with a Newcombe interval (typed), and the published difference."""
    rows = []
    for col in md.items("promoting_factor"):
        label_nl = md.column(col).label_nl
        named = ch.where(col, [4, 5])  # (strongly) promoting
        row = {"factor": ch.column_label(col)}
        shares, counts = {}, {}
        for c, key in (("Krachtig", "strong"), ("Beperkt", "limited")):
            base = in_cluster[c] & innovated & ch.answered(col)
            n = ch.count(base, **focus)
            shares[c] = ch.share(base, named, **focus)
            counts[c] = (ch.plain(ch.count(base & named, **focus)), ch.plain(n))
            row |= {f"{key} (%)": shares[c], f"n {key}": n}
        (kk, nk), (kb, nb) = counts["Krachtig"], counts["Beperkt"]
        both = [shares["Krachtig"], shares["Beperkt"]]
        if min(nk, nb) > 0:
            lo, hi = confint_proportions_2indep(kk, nk, kb, nb, method="newcomb")
            row |= {"difference": ch.difference(shares["Krachtig"], shares["Beperkt"]),
                    "CI low": ch.statistic(100 * lo, both), "CI high": ch.statistic(100 * hi, both)}
        else:
            row |= {c: ch.statistic(np.nan, both) for c in ("difference", "CI low", "CI high")}
        row["published difference"] = (published_value(ch, f17.loc[label_nl, "Krachtig"] - f17.loc[label_nl, "Beperkt"])
                                       if ch.year == 2025 and label_nl in f17.index else np.nan)
        rows.append(row)
    table = pd.DataFrame(rows)
    ch.table(table, "figure_2_17_microdata",
             ch.text("Share of innovators naming each factor as (strongly) promoting in the strong and the limited "
                     "climate group, and the difference with a Newcombe 95% interval, {year}, {sectors} (recomputed "
                     "from the microdata), beside the published difference (Figure 2-17, 2025; fitted by the synthetic "
                     "generator).",
                     year=ch.fixed(ch.year), sectors=ch.fixed(ch.sector_label)),
             labels=("factor",), formats={"CI low": "{:.0f}", "CI high": "{:.0f}", "published difference": "{:.0f}"})
    return table


def factors_coverage(ch, f17_md: pd.DataFrame) -> dict:
    """How many published differences lie inside the recomputed intervals, of how many, and the mean
    gap recomputed - published (Figure 2-17 is of 2025; "–" in another wave)."""
    if ch.year != 2025:  # nothing published to compare with
        return dict.fromkeys(("inside", "compared", "mean_gap"), (ch.fixed("–"), None))
    all_shares = [v for c in ("strong (%)", "limited (%)") for v in f17_md[c]]  # what the intervals rest on
    all_bases = [v for c in ("n strong", "n limited") for v in f17_md[c]]  # whether an interval exists
    covered = [(ch.plain(r["published difference"]), ch.plain(r["difference"]), ch.plain(r["CI low"]),
                ch.plain(r["CI high"])) for _, r in f17_md.iterrows()
               if pd.notna(ch.plain(r["published difference"])) and pd.notna(ch.plain(r["CI low"]))]
    inside = sum(lo <= pub <= hi for pub, _, lo, hi in covered)
    return {"inside": (ch.statistic(inside if covered else np.nan, all_shares), "{:.0f}"),
            "compared": (ch.statistic(len(covered) if covered else np.nan, all_bases), "{:.0f}"),
            "mean_gap": (ch.statistic(np.mean([d - pub for pub, d, _, _ in covered]) if covered else np.nan,
                                      all_shares), "{:+.1f}")}


def sectors_by_group(ch, has_clim, clusters) -> None:
    """Organisations per sector in each climate group (what Figure B2-4 meant to show)."""
    sectors = SECTORS if ch.sector is None else [ch.sector]  # rows from the codebook
    labels_of = {c: cluster_label(ch, c) for c in CLUSTERS}
    tab = ch.crosstab(has_clim, "sector", {labels_of[c]: clusters[c] for c in CLUSTERS}, row_levels=sectors,
                      percent="row", total=True, row_label="sector", wave=ch.year)
    tab["sector"] = [ch.group(s) for s in tab["sector"]]
    shown = tab[["sector", *[f"{labels_of[c]} (n)" for c in CLUSTERS], *[f"{labels_of[c]} (%)" for c in CLUSTERS],
                 "total (n)"]].rename(columns={**{f"{labels_of[c]} (n)": f"n {labels_of[c]}" for c in CLUSTERS},
                                               "total (n)": "n"})
    ch.table(shown, "sectors_by_group",
             ch.text("Organisations per sector in each climate group, {year}, {sectors} (recomputed from the "
                     "microdata; the report's Figure B2-4 does not show this, erratum E03).",
                     year=ch.fixed(ch.year), sectors=ch.fixed(ch.sector_label)),
             labels=("sector",))


# ====================================================================== reproduction
def show_reproduction(ch, records: pd.DataFrame) -> None:
    """The reproduction records, and a summary by role, source and variable."""
    shown = records[["role", "source_id", "year", "group", "variable", "item", "statistic", "published",
                     "recomputed", "difference", "tolerance", "within", "base_n"]].copy()
    shown["item"] = [i.replace(" | ", ": ") for i in shown["item"]]
    ch.table(shown.sort_values(["role", "source_id"], kind="stable"), "reproduction",
             "Published numbers of this chapter beside their values recomputed from the microdata; role: "
             "calibration target of the synthetic generator or fitted by it.",
             labels=("role", "source_id", "year", "group", "variable", "item", "statistic", "tolerance"),
             formats={"published": "{:g}", "recomputed": "{:.2f}", "difference": "{:+.2f}", "tolerance": "{:.2f}"})
    summary_rows = []
    for role, source_id, variable in dict.fromkeys(zip(records["role"], records["source_id"], records["variable"],
                                                       strict=True)):
        part = records[(records["role"] == role) & (records["source_id"] == source_id)
                       & (records["variable"] == variable)]
        differences = list(part["difference"])
        size = [abs(ch.plain(d)) for d in differences]
        summary_rows.append({
            "role": role, "source_id": source_id, "variable": variable, "numbers": ch.fixed(len(part)),
            # how many of the released values reproduce (counted when the page is rendered)
            "within": ch.text("{k}", k=ch.tally(part, "within", "True")),
            "median_abs_difference": ch.statistic(np.nanmedian(size) if np.isfinite(size).any() else np.nan,
                                                  differences),
            "largest_abs_difference": ch.statistic(np.nanmax(size) if np.isfinite(size).any() else np.nan,
                                                   differences)})
    ch.table(pd.DataFrame(summary_rows), "reproduction_summary",
             "Reproduction by role, source and variable: how many published numbers, how many within tolerance, "
             "and the median and largest absolute difference (points for percentages, scale points for means).",
             labels=("role", "source_id", "variable"),
             formats={"median_abs_difference": "{:.2f}", "largest_abs_difference": "{:.2f}"})


def calibration_misses(ch, records: pd.DataFrame) -> dict:
    """The calibration records that miss, as one verdict resting on every calibration value (which
    rows missed, and how many, is chosen by the data), the generator's notes on the known misses
    among them (``fidelity.KNOWN_MISSES``) and the values that choice rests on."""
    calibration = records[records["role"] == "calibration"]
    chosen_from = list(calibration["recomputed"])
    misses = calibration[[ch.plain(w) == "False" for w in calibration["within"]]]
    listing = "; ".join(f"{r.source_id} {r.variable} ‘{r.item}’ ({ch.plain(r.difference):+.2f})"
                        for r in misses.itertuples())
    known = [fidelity.KNOWN_MISSES[(r.source_id, r.variable)] for r in misses.itertuples()
             if (r.source_id, r.variable) in fidelity.KNOWN_MISSES]
    return {"misses": ch.verdict(listing if len(misses) else ch.say("none"), on=chosen_from), "known": known,
            "chosen_from": chosen_from}


def glue_known_misses_view(ch, known: list, chosen_from: list) -> None:
    """Whether the page names the generator's known misses among the calibration misses (case
    ``ch07_rep_known_view``): ``listed`` (synthetic data, and a miss is one the generator's
    documentation lists: its note is glued as ``ch07_rep_known_miss``), ``none`` (synthetic data, no
    known miss among the misses) or ``own`` (the user's microdata: no generator, nothing to name).
    Which misses there are rests on every calibration value (``chosen_from``), so on synthetic data
    the word is a verdict on them; on own data the provenance alone chooses it (fixed)."""
    if not ch.synthetic:
        ch.glue("ch07_rep_known_view", ch.fixed("own"))
    elif not known:
        ch.glue("ch07_rep_known_view", ch.verdict("none", on=chosen_from))
    else:
        ch.glue("ch07_rep_known_view", ch.verdict("listed", on=chosen_from))
        ch.glue("ch07_rep_known_miss", ch.verdict(known[0], on=chosen_from))


# ====================================================================== values for the prose
# The numbers the chapter's sentences quote, glued under their names (the sentences are in the
# notebook's markdown; the tests find each name here).
def glue_scale_totals(ch, clim_pub: pd.DataFrame, pre_pub: pd.DataFrame) -> None:
    """Both scales for all organisations (Tables B1-10 and B1-12)."""
    clim, pre = clim_pub.loc[("Totaal", 2025)], pre_pub.loc[("Totaal", 2025)]
    ch.glue("ch07_clim_mean", clim["mean"], "{:.2f}")
    ch.glue("ch07_clim_sd", clim["sd"], "{:.2f}")
    ch.glue("ch07_clim_n", int(clim["n"]))
    ch.glue("ch07_clim_mean21", clim_pub.loc[("Totaal", 2021), "mean"], "{:.2f}")
    ch.glue("ch07_pre_mean", pre["mean"], "{:.2f}")
    ch.glue("ch07_pre_sd", pre["sd"], "{:.2f}")
    ch.glue("ch07_pre_n", int(pre["n"]))


def glue_grades(ch) -> None:
    """The report's grades, the scale means they come from, and a linear one-to-ten conversion."""
    g = grades()
    ch.glue("ch07_grade_clim", g["grade_clim"], "{:.1f}")
    ch.glue("ch07_grade_pre", g["grade_pre"], "{:.1f}")
    ch.glue("ch07_clim_mean_text", g["clim"], "{:.1f}")
    ch.glue("ch07_pre_mean_text", g["pre"], "{:.1f}")
    ch.glue("ch07_grade_clim_lin", linear_grade(g["clim"]), "{:.1f}")
    ch.glue("ch07_grade_pre_lin", linear_grade(g["pre"]), "{:.1f}")


def glue_wave_changes(ch, waves: pd.DataFrame, b110: pd.DataFrame) -> None:
    """The climate's change between the configured waves (sectors significant after Holm's
    correction, the total, the largest change), and for In brief 2025 against 2021."""
    sig = waves[waves["p (Holm)"] < 0.05]
    total = total_row(ch, waves)
    ch.glue("ch07_n_sig_sectors", len(sig))
    ch.glue("ch07_sig_sectors", ", ".join(sig["sector"]) if len(sig) else ch.say("none"))
    ch.glue("ch07_total_diff", total["difference"], "{:+.2f}")
    ch.glue("ch07_total_change_p", total["p"], "{:.2g}")
    ch.glue("ch07_year", ch.year)
    ch.glue("ch07_compare_year", ch.compare_year)
    big = biggest_change(ch, waves)
    ch.glue("ch07_big_sector", big["sector"])
    ch.glue("ch07_big_from", big[f"mean {ch.compare_year}"], "{:.2f}")
    ch.glue("ch07_big_to", big[f"mean {ch.year}"], "{:.2f}")
    ch.glue("ch07_big_p", big["p (Holm)"], "{:.2g}")
    ch.glue("ch07_sector_note", sector_note(ch, b110))
    ib = in_brief_waves(ch, b110)
    ch.glue("ch07_ib_clim_change", ib["change"])
    ch.glue("ch07_ib_sectors", ib["sectors"])


def glue_summary_erratum(ch, clim_pub: pd.DataFrame) -> None:
    """The management summary's climate scores beside Table B1-10 (erratum E05)."""
    summ = published.table("summary", variable="climate_scale").set_index("group")["value"]
    ch.glue("ch07_sum_rijk", summ["Rijksoverheid"], "{:.2f}")
    ch.glue("ch07_sum_zbo", summ["Zbo"], "{:.2f}")
    ch.glue("ch07_sum_gr", summ["GR"], "{:.2f}")
    ch.glue("ch07_b110_gr", clim_pub.loc[("GR", 2025), "mean"], "{:.2f}")
    ch.glue("ch07_b110_priv", clim_pub.loc[("Privaat", 2025), "mean"], "{:.2f}")
    ch.glue("ch07_n_prov", int(clim_pub.loc[("Provincie", 2025), "n"]))


def glue_preconditions(ch, pre_waves: pd.DataFrame, pre_pub: pd.DataFrame) -> pd.Series:
    """Figure B2-1's mean and SD against Table B1-12, and the preconditions' change between the
    waves; returns Figure B2-1's statistics."""
    b21 = published.table("B2-1").set_index("statistic")["value"]
    ch.glue("ch07_b21_mean", b21["mean"], "{:.2f}")
    ch.glue("ch07_b21_sd", b21["sd"], "{:.2f}")
    ch.glue("ch07_b21_check", ch.say("equal") if (b21["mean"], b21["sd"]) == tuple(pre_pub.loc[("Totaal", 2025),
                                                                                               ["mean", "sd"]])
            else ch.say("differ from"))
    total = total_row(ch, pre_waves)
    ch.glue("ch07_pre_diff", total["difference"], "{:+.2f}")
    ch.glue("ch07_pre_change_p", total["p"], "{:.2g}")
    ch.glue("ch07_pre_n_sig", int((pre_waves["p (Holm)"] < 0.05).sum()))
    return b21


def glue_cut_points(ch, cluster_cuts) -> tuple[pd.Series, pd.Series]:
    """The printed cut points of the climate groups, the chapter's, and the report's split;
    returns the thresholds and the split."""
    thr = published.table("text-2.4", statistic="threshold").set_index(["group", "item"])["value"]
    ch.glue("ch07_cut_k", thr[("Krachtig", "ondergrens")], "{:.1f}")
    ch.glue("ch07_cut_g_lo", thr[("Gemiddeld", "ondergrens")], "{:.1f}")
    ch.glue("ch07_cut_g_hi", thr[("Gemiddeld", "bovengrens")], "{:.1f}")
    ch.glue("ch07_cut_b", thr[("Beperkt", "bovengrens")], "{:.1f}")
    ch.glue("ch07_cuts", f"{cluster_cuts[0]:g} and {cluster_cuts[1]:g}")
    split_pub = published.table("text-2.4", variable="climate_cluster", statistic="pct").set_index("item")["value"]
    ch.glue("ch07_split_pub", " / ".join(f"{split_pub[c]:.0f}%" for c in CLUSTERS))
    return thr, split_pub


def glue_cluster_tests(ch, rate, n_cluster: dict, k_vs_b, spec_k: float, spec_b: float, spec_test) -> None:
    """The groups' innovation rates and breadth with their tests (published, implied bases)."""
    p = k_vs_b.p_value
    ch.glue("ch07_rate_k", rate["Krachtig"], "{:.0f}%")
    ch.glue("ch07_rate_g", rate["Gemiddeld"], "{:.0f}%")
    ch.glue("ch07_rate_b", rate["Beperkt"], "{:.0f}%")
    ch.glue("ch07_rate_p", p, "{:.2g}")
    ch.glue("ch07_rate_sig", ch.say("not statistically significant") if p >= 0.05 else ch.say("statistically significant"))
    ch.glue("ch07_spec_k", spec_k, "{:.0f}%")
    ch.glue("ch07_spec_b", spec_b, "{:.0f}%")
    ch.glue("ch07_spec_p", spec_test.p_value, "{:.2g}")
    ch.glue("ch07_ib_group_sizes", f"about {n_cluster['Krachtig']} organisations each"
            if n_cluster["Krachtig"] == n_cluster["Beperkt"] else
            f"about {n_cluster['Krachtig']} and {n_cluster['Beperkt']} organisations")
    ch.glue("ch07_ib_rate_verdict", ch.say("could still be chance") if p >= 0.05
            else ch.say("is larger than chance alone would give"))


def glue_figure_2_17(ch, f17_table: pd.DataFrame, innov_n: dict) -> None:
    """Figure 2-17: the implied numbers of innovators, how many intervals exclude zero, and the
    two consistency checks (weighted groups against the total, the text against the figure)."""
    ch.glue("ch07_ik", innov_n["Krachtig"])
    ch.glue("ch07_ib", innov_n["Beperkt"])
    ch.glue("ch07_n17", len(f17_table))
    ch.glue("ch07_n17_sig", int((f17_table["CI low"] > 0).sum() + (f17_table["CI high"] < 0).sum()))
    ch.glue("ch07_f17_weight_gap", (f17_table["weighted groups (%)"] - f17_table["total (%)"]).abs().max(), "{:.1f}")
    quoted = f17_table.dropna(subset=["quoted in text"])
    ch.glue("ch07_quote_gap", (quoted["quoted in text"] - quoted["difference strong - limited"]).abs().max(),
            "{:.0f}")


def glue_scope(ch, focus: dict, everyone, n_clim, ok: bool) -> None:
    """What the microdata section covers: wave, sectors, respondents, complete climate answers."""
    ch.glue("ch07_md_year", ch.fixed(ch.year))
    ch.glue("ch07_md_scope", ch.fixed(ch.sector_label))
    ch.glue("ch07_md_n", ch.count(everyone, **focus))
    ch.glue("ch07_md_nclim", n_clim)
    ch.glue("ch07_md_scope_note", scope_note(ch, n_clim, ok))


def glue_factorability(ch, checks: dict) -> None:
    ch.glue("ch07_kmo", checks["kmo"], "{:.2f}")
    ch.glue("ch07_bart_chi2", checks["bart_chi2"], "{:.0f}")
    ch.glue("ch07_bart_df", checks["bart_df"])
    ch.glue("ch07_bart_p", checks["bart_p"], "{:.2g}")
    ch.glue("ch07_pa_keep", checks["pa_keep"], "{:.0f}")
    ch.glue("ch07_eig1", checks["eig1"], "{:.2f}")


def glue_reliability(ch, rel: dict) -> None:
    ch.glue("ch07_alpha", rel["alpha"], "{:.2f}")
    ch.glue("ch07_alpha_lo", rel["alpha_lo"], "{:.2f}")
    ch.glue("ch07_alpha_hi", rel["alpha_hi"], "{:.2f}")
    ch.glue("ch07_omega", rel["omega"], "{:.2f}")
    ch.glue("ch07_load_min", rel["load_min"], "{:.2f}")
    ch.glue("ch07_load_max", rel["load_max"], "{:.2f}")
    ch.glue("ch07_load_first", rel["load_first"], "{:.2f}")
    ch.glue("ch07_alpha7", rel["alpha7"], "{:.2f}")


def glue_groups(ch, groups_md: pd.DataFrame) -> None:
    """The configured data's climate groups: share, innovation rate and breadth of each."""
    g = groups_md.set_index("group")
    strong, average, limited = (g.loc[cluster_label(ch, c)] for c in CLUSTERS)
    ch.glue("ch07_md_share_k", strong["share (%)"], "{:.0f}%")
    ch.glue("ch07_md_share_g", average["share (%)"], "{:.0f}%")
    ch.glue("ch07_md_share_b", limited["share (%)"], "{:.0f}%")
    ch.glue("ch07_md_rate_k", strong["innovated (%)"], "{:.0f}%")
    ch.glue("ch07_md_rate_g", average["innovated (%)"], "{:.0f}%")
    ch.glue("ch07_md_rate_b", limited["innovated (%)"], "{:.0f}%")
    ch.glue("ch07_md_spec_k", strong["multiple types (%)"], "{:.0f}%")
    ch.glue("ch07_md_spec_g", average["multiple types (%)"], "{:.0f}%")
    ch.glue("ch07_md_spec_b", limited["multiple types (%)"], "{:.0f}%")


def glue_coverage(ch, coverage: dict) -> None:
    ch.glue("ch07_f17_inside", *coverage["inside"])
    ch.glue("ch07_f17_compared", *coverage["compared"])
    ch.glue("ch07_f17_mean_gap", *coverage["mean_gap"])


def glue_reproduction(ch, records: pd.DataFrame) -> None:
    """How many calibration and fitted numbers reproduce, and which calibration numbers miss."""
    calibration, fitted = records[records["role"] == "calibration"], records[records["role"] == "fitted"]
    ch.glue("ch07_rep_cal_n", ch.fixed(len(calibration)))
    ch.glue("ch07_rep_cal_ok", ch.tally(calibration, "within", "True"))
    ch.glue("ch07_rep_fit_n", ch.fixed(len(fitted)))
    ch.glue("ch07_rep_fit_ok", ch.tally(fitted, "within", "True"))
    misses = calibration_misses(ch, records)  # which rows missed rests on every calibration value
    ch.glue("ch07_rep_cal_misses", misses["misses"])
    glue_known_misses_view(ch, misses["known"], misses["chosen_from"])  # the sentence is in the notebook
