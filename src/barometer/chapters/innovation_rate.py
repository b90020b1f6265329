"""Chapter 2, how many organisations innovate: the plumbing of its notebook.

The notebook keeps what a student should see (the two-proportion tests, Holm's correction, the
chi-square test of sector, the model formulas and fits, the likelihood-ratio test, the average
marginal effects); this module reads and reshapes the published tables, builds their rows, draws
the figures and writes tables, captions and alt text, so that those cells stay short.
"""

from __future__ import annotations

from types import SimpleNamespace

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
from scipy import stats as sps
from statsmodels.stats.power import NormalIndPower

from barometer.analysis import models, stats
from barometer.book.figures import HIGHLIGHT, MUTED, PALETTE, REFERENCE
from barometer.data import codebook as md
from barometer.data import published

FIRST, LAST = 2021, 2025  # the report's comparison runs from the first to the second wave
SIZES = ("Klein", "Middelgroot", "Groot")
TERM_NAMES = {"innovation_officer": "innovation officer or unit (yes vs no)",
              "management": "management supports innovation (per answer step)",
              "time": "sufficient time to innovate (per answer step)"}
OR_FORMATS = {"odds ratio": "{:.2f}", "95% CI low": "{:.2f}", "95% CI high": "{:.2f}", "p": "{:.3f}"}


# ---------------------------------------------------------------------------- published part
def in_brief_figure(ch) -> None:
    """The first screen's chart: the headline rates of both waves and Denmark's, as printed."""
    from barometer.book import headlines

    ib_fig, ib_data = headlines.rate_chart()
    ib_first, ib_last, ib_dk = (headlines.innovation_rate(FIRST), headlines.innovation_rate(LAST),
                                headlines.denmark_rate())
    ch.figure(ib_fig, "in_brief_rate",
              "Organisations that implemented at least one innovation: the Netherlands in 2021 and 2025 "
              "(published, Table B1-8, with the number of innovators of Tables B1-7 and B1-9) and Denmark in "
              "2023 (as quoted in report §2.1), with 95% Wilson intervals.",
              f"Horizontal bar chart: the Netherlands {ib_first.pct:.0f}% in {FIRST} and {ib_last.pct:.0f}% in "
              f"{LAST}, Denmark {ib_dk.pct:.0f}%; the Dutch intervals "
              f"{'do not overlap' if ib_last.high < ib_first.low else 'overlap'}.",
              data=ib_data)


def focus_note(ch) -> str:
    """What the year parameter means for the results the report gives for the latest wave only,
    as the end of the Overview's sentence on the focus wave."""
    return "concern the focus wave" if ch.year == LAST else "remain about that wave, as each section says"


def headline_table(ch) -> pd.DataFrame:
    """Organisations and innovators per wave (Tables B1-8, B1-7/B1-9) with Wilson intervals,
    shown as a table. The innovator bases must round to the printed rates, or they are not the
    same organisations."""
    totals = published.table("B1-8", group="Totaal").pivot_table(index="year", columns="statistic", values="value")
    head = pd.DataFrame({"wave": [FIRST, LAST]})
    head["organisations"] = [int(totals.loc[y, "n"]) for y in head["wave"]]
    head["innovators"] = [int(published.value("B1-7", year=y, statistic="n")) for y in head["wave"]]
    head["innovated (%)"] = 100 * head["innovators"] / head["organisations"]
    head["printed (%)"] = [totals.loc[y, "pct"] for y in head["wave"]]
    assert (head["innovated (%)"].round() == head["printed (%)"]).all()
    head["95% CI low"], head["95% CI high"] = zip(*[stats.wilson_ci(k, n) for k, n in
                                                    zip(head["innovators"], head["organisations"], strict=True)], strict=True)
    ch.table(head, "headline",
             "Organisations that implemented at least one innovation, by wave (published: Table B1-8 for the "
             "organisations and the printed rate, Tables B1-7 and B1-9 for the number of innovators), with "
             "Wilson 95% intervals.", formats={c: "{:.1f}" for c in ["innovated (%)", "95% CI low", "95% CI high"]})
    return head


def sector_wide() -> pd.DataFrame:
    """Table B1-8 by sector: one row per sector, columns (year, statistic)."""
    b18 = published.table("B1-8", breakdown="sector")
    return b18.pivot_table(index="group", columns=["year", "statistic"], values="value", sort=False)


def sector_rows(wide: pd.DataFrame, national_h: float) -> pd.DataFrame:
    """Per sector and wave: n, rate, Wilson interval and the count of innovators the rate implies;
    the z-test of 2025 against 2021, Cohen's h, Fisher's exact p and the power to detect a drop of
    the national size (``national_h``)."""
    power = NormalIndPower()
    rows = []
    for group, r in wide.iterrows():
        row = {"group": group, "canonical": md.canonical_group("sector", group)}
        for y in (FIRST, LAST):
            n, pct = int(r[(y, "n")]), float(r[(y, "pct")])
            lo, hi = stats.pct_ci(pct, n)
            row |= {f"n {y}": n, f"% {y}": pct, f"CI low {y}": lo, f"CI high {y}": hi,
                    f"k {y}": stats.count_from_pct(pct, n)}
        test = stats.two_proportions(row[f"% {LAST}"], row[f"n {LAST}"], row[f"% {FIRST}"], row[f"n {FIRST}"])
        table2x2 = [[row[f"k {LAST}"], row[f"n {LAST}"] - row[f"k {LAST}"]],
                    [row[f"k {FIRST}"], row[f"n {FIRST}"] - row[f"k {FIRST}"]]]
        row |= {"change (points)": row[f"% {LAST}"] - row[f"% {FIRST}"], "z": test.statistic, "p": test.p_value,
                "Cohen's h": test.effect, "Fisher p": sps.fisher_exact(table2x2).pvalue,
                "power": power.power(effect_size=abs(national_h), nobs1=row[f"n {LAST}"],
                                     ratio=row[f"n {FIRST}"] / row[f"n {LAST}"], alpha=0.05)}
        rows.append(row)
    return pd.DataFrame(rows)


def sector_table(ch, sec: pd.DataFrame) -> pd.DataFrame:
    """Mark the small sectors (Fisher's p only for them) and show the sector table."""
    sec["small"] = sec[[f"n {FIRST}", f"n {LAST}"]].min(axis=1) < 20
    sec.loc[~sec["small"], "Fisher p"] = np.nan
    sec["note"] = np.where(sec["small"], "n < 20: little power", "")
    sec["sector"] = [ch.group(g) for g in sec["canonical"]]
    shown = sec[["sector", f"n {FIRST}", f"% {FIRST}", f"CI low {FIRST}", f"CI high {FIRST}", f"n {LAST}",
                 f"% {LAST}", f"CI low {LAST}", f"CI high {LAST}", "change (points)", "z", "p", "p (Holm)",
                 "Cohen's h", "Fisher p", "power", "note"]]
    ch.table(shown, "by_sector",
             "Share of organisations that implemented an innovation, by sector and wave (published, Table B1-8), "
             "with Wilson 95% intervals, a two-proportion z-test of 2025 against 2021 per sector (p-values also "
             "Holm-corrected over the sectors), Cohen's h, Fisher's exact p for sectors with fewer than 20 "
             "organisations in a wave, and the power to detect a drop as large as the national one.",
             formats={c: "{:.0f}" for c in shown.columns if c.startswith("CI")}
             | {"z": "{:.2f}", "p": "{:.3f}", "p (Holm)": "{:.3f}", "Cohen's h": "{:.2f}", "Fisher p": "{:.3f}",
                "power": "{:.2f}"})
    return sec


def expected_below_five(sec: pd.DataFrame, y: int) -> int:
    """Cells of the sector-by-innovating table of wave ``y`` with an expected count below five."""
    expected = sps.chi2_contingency(np.column_stack([sec[f"k {y}"], sec[f"n {y}"] - sec[f"k {y}"]]))[3]
    return int((expected < 5).sum())


def small_sectors(sec: pd.DataFrame) -> str:
    """The sectors with fewer than twenty organisations in a wave, with both n."""
    small = sec[sec["small"]]
    return ", ".join(f"{s} ({a} and {b})" for s, a, b in zip(small["sector"], small[f"n {FIRST}"], small[f"n {LAST}"], strict=True))


def sector_extreme(sec: pd.DataFrame, which: str) -> str:
    """The sector with the lowest (``"min"``) or highest (``"max"``) rate in 2025, with rate and n."""
    r = sec.loc[getattr(sec[f"% {LAST}"], f"idx{which}")()]
    return f"{r['sector']} ({r[f'% {LAST}']:.0f}%, n = {r[f'n {LAST}']})"


def glue_sector_view(ch, sec: pd.DataFrame) -> None:
    """Which sentence on the selected sector the page shows (case ``ch02_sector_view``: none,
    highlighted, not-broken-out) and the numbers it needs."""
    if ch.sector is None:
        ch.glue("ch02_sector_view", "none")
        return
    if ch.sector not in set(sec["canonical"]):
        ch.glue("ch02_sector_view", "not-broken-out")
        ch.glue("ch02_sector_name", ch.group(ch.sector))
        return
    r = sec.set_index("canonical").loc[ch.sector]
    ch.glue("ch02_sector_view", "highlighted")
    ch.glue("ch02_sector_name", r["sector"])
    ch.glue("ch02_sector_pct_first", r[f"% {FIRST}"], "{:.0f}%")
    ch.glue("ch02_sector_n_first", r[f"n {FIRST}"])
    ch.glue("ch02_sector_pct_last", r[f"% {LAST}"], "{:.0f}%")
    ch.glue("ch02_sector_n_last", r[f"n {LAST}"])
    ch.glue("ch02_sector_change", r["change (points)"], "{:+.0f}")
    ch.glue("ch02_sector_p", r["p"], "{:.3f}")
    ch.glue("ch02_sector_p_holm", r["p (Holm)"], "{:.3f}")
    ch.glue("ch02_sector_h", r["Cohen's h"], "{:.2f}")
    ch.glue("ch02_sector_power", r["power"], "{:.2f}")


def sector_figure(ch, sec: pd.DataFrame, head: pd.DataFrame) -> None:
    """Dot plot of the rate by sector and wave with intervals, the total below a rule; the focus
    wave in blue, the selected sector highlighted."""
    h1 = head.set_index("wave")
    order = sec.sort_values(f"% {LAST}")["canonical"].tolist()
    plot = pd.concat([
        sec[["canonical", "sector", f"n {y}", f"% {y}", f"CI low {y}", f"CI high {y}"]]
        .rename(columns=lambda c, y=y: c.replace(f" {y}", "")).assign(wave=y) for y in (FIRST, LAST)])
    total = head.rename(columns={"innovated (%)": "%", "organisations": "n", "95% CI low": "CI low",
                                 "95% CI high": "CI high"}).assign(canonical="Totaal", sector=ch.group("Totaal"))
    plot = pd.concat([plot, total[["canonical", "sector", "n", "%", "CI low", "CI high", "wave"]]],
                     ignore_index=True)
    rows_order = order + ["Totaal"]
    ypos = {g: i for i, g in enumerate(rows_order)}
    focus_sector = ch.sector if ch.sector in ypos else None
    fig, ax = plt.subplots(figsize=(7.5, 4.8))
    for wave, colour, offset, marker in ((ch.compare_year, PALETTE[1], -0.17, "s"), (ch.year, HIGHLIGHT, 0.17, "o")):
        part = plot[plot["wave"] == wave]
        for _, r in part.iterrows():
            dim = focus_sector is not None and r["canonical"] not in (focus_sector, "Totaal")
            y = ypos[r["canonical"]] + offset
            ax.hlines(y, r["CI low"], r["CI high"], color=MUTED if dim else colour, linewidth=2)
            ax.scatter(r["%"], y, color=MUTED if dim else colour, marker=marker, zorder=3,
                       label=f"{wave}" if r["canonical"] == "Totaal" else None)
    ax.set_yticks(range(len(rows_order)), [ch.group(g) for g in rows_order])
    for tick, g in zip(ax.get_yticklabels(), rows_order, strict=True):
        if g in (focus_sector, "Totaal"):
            tick.set_fontweight("bold")
    ax.axhline(len(rows_order) - 1.5, color="#666666", linewidth=0.6)
    ax.set_xlim(0, 100)
    ax.set_xlabel("organisations that implemented an innovation (%), 95% Wilson interval")
    ax.legend(title="wave", loc="lower left")
    ch.figure(
        fig, "rate_by_sector",
        f"{ch.question('innovated')}: share of organisations by sector and wave, with Wilson 95% intervals "
        f"(published, Table B1-8; total from Tables B1-7/B1-9). Base: all responding organisations "
        f"(n = {h1.loc[FIRST, 'organisations']} in {FIRST}, {h1.loc[LAST, 'organisations']} in {LAST}; per sector "
        f"in the downloadable data). Focus wave {ch.year} drawn in blue"
        + (f"; {ch.group(focus_sector)} highlighted." if focus_sector else "."),
        "Dot plot with interval bars: for each sector, two dots (the two waves) with their 95% intervals; most "
        "sectors are lower in 2025 than in 2021, and the small sectors have very wide intervals.",
        data=plot[["sector", "wave", "n", "%", "CI low", "CI high"]],
    )


def national_government(wide: pd.DataFrame) -> SimpleNamespace:
    """The published inputs for national government in 2025: the central-government row of B1-8
    (organisations, innovators), the ZBO base, the three printed rates and the climate-scale bases
    of Table B1-11."""
    ng = published.table("summary", breakdown="national_government", variable="innovated").set_index("group")["value"]
    rijk_n = int(wide.loc["Rijksoverheid", (LAST, "n")])
    zbo_n = int(published.table("summary", breakdown="national_government", group="ZBO")["base_n"].iloc[0])
    return SimpleNamespace(
        rijk_n=rijk_n, rijk_k=stats.count_from_pct(float(wide.loc["Rijksoverheid", (LAST, "pct")]), rijk_n),
        zbo_n=zbo_n, k_zbo=stats.count_from_pct(float(ng["ZBO"]), zbo_n),
        pct_dep=float(ng["Kerndepartement"]), pct_ag=float(ng["Diensten en agentschappen"]),
        pct_zbo=float(ng["ZBO"]),
        climate_n=published.table("B1-11", statistic="n").set_index("group")["value"].astype(int))


def rounds_to(count, n, pct) -> bool:
    """Does count / n round (half up) to the printed whole percent?"""
    return n > 0 and np.floor(100 * count / n + 0.5) == pct


def admissible_splits(ng: SimpleNamespace) -> list[tuple[int, int, int, int]]:
    """Every split of the central-government row into (departments, innovating departments,
    agencies, innovating agencies) whose rates round to the two printed rates."""
    return [(n_dep, k_dep, ng.rijk_n - n_dep, ng.rijk_k - k_dep)
            for n_dep in range(1, ng.rijk_n) for k_dep in range(n_dep + 1)
            if 0 <= ng.rijk_k - k_dep <= ng.rijk_n - n_dep
            and rounds_to(k_dep, n_dep, ng.pct_dep) and rounds_to(ng.rijk_k - k_dep, ng.rijk_n - n_dep, ng.pct_ag)]


def closest_split(ng: SimpleNamespace, splits: list) -> tuple[int, int, int, int]:
    """Of several admissible splits, the one closest to the departments' share of Table B1-11."""
    c = ng.climate_n
    ratio = c["Kerndepartement"] / (c["Kerndepartement"] + c["Diensten en agentschappen"])
    return min(splits, key=lambda s: abs(s[0] / ng.rijk_n - ratio))


def national_government_table(ch, ng: SimpleNamespace, split) -> pd.DataFrame:
    """The three national-government groups with their (printed or implied) bases and Wilson intervals."""
    n_dep, k_dep, n_ag, k_ag = split
    groups = ["Kerndepartement", "Diensten en agentschappen", "ZBO"]
    natgov = pd.DataFrame({
        "group": groups,
        "organisations": [n_dep, n_ag, ng.zbo_n], "innovators": [k_dep, k_ag, ng.k_zbo],
        "innovated (%)": [ng.pct_dep, ng.pct_ag, ng.pct_zbo],
        "base printed": ["no (implied)", "no (implied)", "yes"],
        "climate-scale n (B1-11)": [ng.climate_n[g] for g in groups],
    })
    natgov["95% CI low"], natgov["95% CI high"] = zip(*[stats.wilson_ci(k, n) for k, n in
                                                        zip(natgov["innovators"], natgov["organisations"], strict=True)], strict=True)
    natgov.insert(0, "type", [ch.group(g, "national_government") for g in natgov["group"]])
    ch.table(natgov.drop(columns="group"), "national_government",
             f"Innovation rate in national government, {LAST}: core departments, services and executive agencies, "
             "and ZBOs (published rates: Figure 2-1 and the management summary; ZBO base: Table B1-8; the other "
             "two bases implied by Table B1-8's central-government row, see text), with Wilson 95% intervals.",
             formats={"95% CI low": "{:.0f}", "95% CI high": "{:.0f}"})
    return natgov


def comparison_groups(ng: SimpleNamespace, n_ag: int, k_ag: int) -> dict:
    """The groups core departments are compared with: (innovators, organisations)."""
    return {"departments vs agencies and ZBOs": (k_ag + ng.k_zbo, n_ag + ng.zbo_n),
            "departments vs agencies": (k_ag, n_ag),
            "departments vs ZBOs": (ng.k_zbo, ng.zbo_n)}


def department_tests(ng: SimpleNamespace, split) -> dict:
    """Two-proportion z-tests of core departments against each comparison group."""
    n_dep, k_dep, n_ag, k_ag = split
    return {name: stats.two_proportions(100 * k_dep / n_dep, n_dep, 100 * k / n, n)
            for name, (k, n) in comparison_groups(ng, n_ag, k_ag).items()}


def department_tests_table(ch, ng: SimpleNamespace, split, tests: dict, p_holm) -> None:
    """The three comparisons with Holm-corrected p, Cohen's h and Fisher's exact p."""
    n_dep, k_dep, n_ag, k_ag = split
    ng_table = pd.DataFrame([
        {"comparison": name, "z": t.statistic, "p": t.p_value, "p (Holm)": ph, "Cohen's h": t.effect,
         "Fisher p": sps.fisher_exact([[k_dep, n_dep - k_dep], [k, n - k]]).pvalue}
        for (name, t), ph, (k, n) in zip(tests.items(), p_holm, comparison_groups(ng, n_ag, k_ag).values(), strict=True)])
    ch.table(ng_table, "national_government_tests",
             f"Core departments against the other national-government organisations, {LAST}: two-proportion "
             "z-tests (Holm-corrected over the three comparisons), Cohen's h and Fisher's exact test, on the "
             "bases of the table above.", formats={"z": "{:.2f}", "p": "{:.4f}", "p (Holm)": "{:.4f}",
                                                   "Cohen's h": "{:.2f}", "Fisher p": "{:.4f}"})


def glue_national_government_view(ch) -> None:
    """Which sentences on the year and sector parameters the national-government section shows:
    case ``ch02_ng_year_view`` (published-year, other-year: the focus wave has no published
    breakdown) and case ``ch02_ng_sector_view`` (none: the section is the same for every sector
    setting; inside, outside: whether the selected sector is part of national government), with the
    names they need."""
    if ch.year == LAST:
        ch.glue("ch02_ng_year_view", "published-year")
    else:
        ch.glue("ch02_ng_year_view", "other-year")
        ch.glue("ch02_ng_focus_year", ch.year)
    if ch.sector is None:
        ch.glue("ch02_ng_sector_view", "none")
        return
    ch.glue("ch02_ng_sector_name", ch.group(ch.sector))
    if ch.sector in ("Rijksoverheid", "Zbo"):
        ch.glue("ch02_ng_sector_view", "inside")
    else:
        ch.glue("ch02_ng_sector_view", "outside")


def denmark_table(ch, head: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Both Dutch waves against Denmark's rate (§2.1): z-test and Cohen's h; returns the table and
    the Danish n."""
    h1 = head.set_index("wave")
    dk = published.table("text-2.1", country="DK", variable="innovated").iloc[0]
    dk_n = int(published.value("text-2.1", country="DK", variable="response", statistic="count"))
    dk_pct = float(dk["value"])
    rows = []
    for y in (LAST, FIRST):
        k, n = int(h1.loc[y, "innovators"]), int(h1.loc[y, "organisations"])
        t = stats.two_proportions(100 * k / n, n, dk_pct, dk_n)
        rows.append({"comparison": f"Netherlands {y} vs Denmark {int(dk['year'])}",
                     "the report's comparison": "yes" if y == LAST else "no (context)",
                     "NL (%)": 100 * k / n, "NL n": n, "DK (%)": dk_pct, "DK n": dk_n,
                     "difference (points)": 100 * k / n - dk_pct, "z": t.statistic, "p": t.p_value,
                     "Cohen's h": t.effect})
    dk_table = pd.DataFrame(rows)
    dk_ci = stats.pct_ci(dk_pct, dk_n)
    ch.table(dk_table, "nl_dk",
             f"Innovation rate in the Netherlands (both waves) and Denmark ({int(dk['year'])}; published: §2.1 of "
             f"the report, Danish base {dk_n:,} organisations, Danish 95% interval {dk_ci[0]:.1f}–{dk_ci[1]:.1f}%), "
             "with a two-proportion z-test and Cohen's h. The surveys differ in reference period and wording.",
             formats={"NL (%)": "{:.1f}", "difference (points)": "{:+.1f}", "z": "{:.2f}", "p": "{:.4f}",
                      "Cohen's h": "{:.2f}"})
    return dk_table, dk_n


def denmark_note(ch) -> str:
    """Empty unless the focus wave is not the one the report compares with Denmark."""
    return "" if ch.year == LAST else (
        f"With the focus wave set to {ch.year}: the report compares only the {LAST} wave with Denmark; the "
        f"{ch.year} row of the table is context, not a comparison the report makes.")


def claims_table(ch, decline, between_last, main_ng) -> pd.DataFrame:
    """The claims of §2.1 about differences, each with its test and verdict."""
    claims = pd.DataFrame([
        {"claim (§2.1)": "the innovation rate declined from 2021 to 2025", "claimed": "difference",
         "test": "two-proportion z-test, all organisations", "p": decline.p_value, "effect": decline.effect,
         "effect size": decline.effect_name, "verdict": stats.claim_check(True, decline)},
        {"claim (§2.1)": "sector has no effect on innovating; no large differences between sectors (B1-8)",
         "claimed": "no difference", "test": f"chi-square, sector x innovated, {LAST}", "p": between_last.p_value,
         "effect": between_last.effect, "effect size": between_last.effect_name,
         "verdict": stats.claim_check(False, between_last)},
        {"claim (§2.1)": "core departments innovate much less often than executive services and ZBOs",
         "claimed": "difference", "test": "two-proportion z-test, implied bases", "p": main_ng.p_value,
         "effect": main_ng.effect, "effect size": main_ng.effect_name, "verdict": stats.claim_check(True, main_ng)},
    ])
    ch.table(claims, "claims", "Claims check: statements of §2.1 about differences, tested on the published numbers.",
             formats={"p": "{:.4f}", "effect": "{:.2f}"})
    return claims


# ---------------------------------------------------------------------------- microdata part
def rate_table(ch, answered, innovated) -> pd.DataFrame:
    """The rate per sector (rows from the codebook) and in total, both waves, with Wilson
    intervals, all typed through the gate; shown as a table."""
    sectors = sorted(md.DESIGN_LABELS["sector"]) if ch.sector is None else [ch.sector]
    rows = [(ch.group(s), {"sector": s}) for s in sectors]
    if ch.sector is None:
        rows.append((ch.group("Totaal"), {}))
    rates = []
    for label, group in rows:
        row = {"sector": label}
        for y in (FIRST, LAST):
            share = ch.share(answered, innovated, wave=y, **group)
            n, k = ch.count(answered, wave=y, **group), ch.count(innovated, wave=y, **group)
            lo, hi = stats.wilson_ci(ch.plain(k), ch.plain(n)) if ch.plain(n) else (np.nan, np.nan)
            row |= {f"n {y}": n, f"innovators {y}": k,
                    f"not innovating {y}": ch.count(answered.without(innovated), wave=y, **group),
                    f"% {y}": share, f"CI low {y}": ch.statistic(lo, share), f"CI high {y}": ch.statistic(hi, share)}
        rates.append(row)
    rates = pd.DataFrame(rates)
    ch.table(rates, "rate_microdata",
             ch.text("Organisations that implemented an innovation, by sector and wave, {sectors} (recomputed from "
                     "the microdata), with Wilson 95% intervals. Base: responding organisations that answered the "
                     "question.", sectors=ch.fixed(ch.sector_label)),
             labels=("sector",), formats={c: "{:.1f}" for c in rates.columns if c.startswith(("%", "CI"))})
    return rates


def preconditions_statements(ch) -> tuple[str, str]:
    """Show the three preconditions statements and which two enter the model; returns the
    columns of management support and of time."""
    statements = md.items("preconditions_statement")
    wording = pd.DataFrame({"column": statements, "statement": [ch.column_label(c) for c in statements],
                            "statement (en)": [md.column(c).label_en for c in statements]})
    management = next(c for c in statements if md.column(c).label_en.lower().startswith("management"))
    time_col = next(c for c in statements if " time " in f" {md.column(c).label_en.lower()} ")
    wording["in the model as"] = wording["column"].map({management: "management", time_col: "time"}).fillna("not used")
    wording = wording.drop(columns="statement (en)" if ch.lang == "en" else [])
    ch.table(wording, "preconditions_statements",
             "The preconditions statements of the questionnaire (codebook; wording from the legend of Figure 2-15) "
             "and the two used in the model.", labels=tuple(wording.columns))
    return management, time_col


def model_frame(ch, management: str, time_col: str) -> pd.DataFrame:
    """A copy of the data with the model's columns: numeric outcome and predictors, and sectors
    with fewer than ``models.MIN_CATEGORY_N`` organisations in a wave merged into "Other" (decided
    on both waves of the whole file, so the groups do not change with the parameters)."""
    frame = ch.data.copy()
    frame["wave"] = frame["wave"].astype(int)
    frame["sector_group"] = models.collapse_rare(frame["sector"], models.MIN_CATEGORY_N, groups=frame["wave"])
    frame["management"] = frame[management].astype("float")
    frame["time"] = frame[time_col].astype("float")
    frame["innovated"] = frame["innovated"].astype("float")
    frame["innovation_officer"] = frame["innovation_officer"].astype("float")
    return frame


def size_levels(df: pd.DataFrame) -> list[str]:
    """Size classes present, smallest first (the first is the reference category)."""
    return [s for s in SIZES if (df["size_class"] == s).any()]


def model_terms(ch, focus: pd.DataFrame, sector_ref: str) -> tuple[list[str], str]:
    """The terms of the cross-sectional model: size only where it varies, sector only when no
    sector is selected. Returns the terms and the size reference class."""
    size_ref = (size_levels(focus) or ["Klein"])[0]
    terms = []
    if len(size_levels(focus)) >= 2:
        terms.append(f"C(size_class, Treatment('{size_ref}'))")
    terms += ["innovation_officer", "management", "time"]
    if ch.sector is None:
        terms.append(f"C(sector_group, Treatment('{sector_ref}'))")
    return terms, size_ref


def references(ch, size_ref: str, sector_ref: str) -> str:
    """The reference categories, for captions."""
    return (f"Reference categories: size class {ch.group(size_ref, 'size')}"
            + ("" if ch.sector is not None else f"; sector {ch.group(sector_ref)}")
            + "; no innovation officer or unit. Preconditions per step on the 1-5 answer scale.")


def model_tables(ch, cross, refs: str) -> pd.DataFrame:
    """The odds-ratio table and the fit table of the cross-sectional model; returns the odds ratios."""
    fit = cross.result
    ors = cross.odds_ratios(lambda term: ch.term_label(term, TERM_NAMES))
    ch.table(ors, "odds_ratios",
             ch.text("Logistic regression of having innovated, wave {year}, {sectors} (computed from the "
                     "microdata; {n} organisations): odds ratios with Wald 95% intervals. n = organisations in "
                     "the category (dummies) or used in the model (scores). {refs}",
                     year=ch.fixed(ch.year), sectors=ch.fixed(ch.sector_label), n=cross.n, refs=ch.fixed(refs)),
             labels=("term",), formats=OR_FORMATS)
    fit_stats = pd.DataFrame([{
        "organisations used": cross.n, "excluded (missing answers)": cross.excluded,
        "McFadden pseudo-R²": cross.stat(models.pseudo_r2(fit)), "AUC (in sample)": cross.stat(models.auc(fit)),
        "LR chi²": cross.stat(fit.llr), "df": cross.stat(int(fit.df_model)), "LR p": cross.stat(fit.llr_pvalue)}])
    ch.table(fit_stats, "model_fit",
             ch.text("Fit of the logistic regression, wave {year}, {sectors} (computed from the microdata).",
                     year=ch.fixed(ch.year), sectors=ch.fixed(ch.sector_label)),
             formats={"McFadden pseudo-R²": "{:.3f}", "AUC (in sample)": "{:.3f}", "LR chi²": "{:.1f}",
                      "df": "{:.0f}", "LR p": "{:.2g}"})
    return ors


def draw_forest(d):
    """Forest plot of odds ratios on a log scale; terms with p < 0.05 in blue."""
    d = d.iloc[::-1].reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(7.5, 0.45 * len(d) + 1.2))
    y = np.arange(len(d))
    colours = [HIGHLIGHT if p < 0.05 else MUTED for p in d["p"]]
    ax.hlines(y, d["95% CI low"], d["95% CI high"], color=colours, linewidth=2)
    ax.scatter(d["odds ratio"], y, color=colours, zorder=3)
    ax.axvline(1, color=REFERENCE, linestyle="--", linewidth=1)
    ax.set_xscale("log")
    lo, hi = d["95% CI low"].min(), d["95% CI high"].max()
    ticks = [t for t in (0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20) if lo / 1.5 <= t <= hi * 1.5] or [1]
    ax.xaxis.set_major_locator(mticker.FixedLocator(ticks))
    ax.xaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: f"{v:g}"))
    ax.xaxis.set_minor_formatter(mticker.NullFormatter())
    ax.set_yticks(y, [t if len(t) < 55 else t[:52] + "…" for t in d["term"]])
    ax.set_xlabel("odds ratio (log scale) with 95% interval; blue: p < 0.05")
    fig.tight_layout(rect=(0, 0.06, 1, 1))  # room for the data-source mark below the axis
    return fig


def forest_figure(ch, cross, ors: pd.DataFrame, refs: str) -> None:
    """The forest plot of the cross-sectional model through the gate."""
    ch.figure(draw_forest, "forest_innovated",
              ch.text("Odds ratios of the logistic regression of '{question}' on size, innovation "
                      "officer/unit, two preconditions statements{and_sector}; wave {year}, {sectors}. "
                      "Base: responding organisations with complete answers (n = {n}). {refs} "
                      "Computed from the microdata.",
                      question=ch.fixed(ch.question("innovated")),
                      and_sector=ch.fixed(" and sector" if ch.sector is None else ""), year=ch.fixed(ch.year),
                      sectors=ch.fixed(ch.sector_label), n=cross.n, refs=ch.fixed(refs)),
              ch.text("Forest plot: one row per model term with its odds ratio as a dot and its 95% interval as a "
                      "bar, on a log scale with a dashed line at 1 (no association)."),
              data=ors, labels=("term",))


def or_large(ch, cross, size_ref: str):
    """Large against the reference size class, or why it is not estimated."""
    if not cross.ok:
        return cross.status()
    large = next((t for t in cross.result.params.index
                  if t.startswith("C(size_class") and t.endswith("[T.Groot]")), None)
    return ch.text("{large} against {ref} organisations: {or_}", large=ch.fixed(ch.group("Groot", "size")),
                   ref=ch.fixed(ch.group(size_ref, "size")),
                   or_=cross.odds_ratio_text(large) if large and size_ref != "Groot"
                   else ch.fixed("not estimated (size does not vary here)"))


def glue_sector_test(ch, cross, lr, p_sector, sector_dummies: list[str]) -> None:
    """The likelihood-ratio test of the sector dummies for the sentence after the odds ratios: the
    number of dummies, chi-square and p (dashes where there is no test) and a short phrase for
    the condition that leaves none (sector not in the model, or the model not estimated)."""
    ch.glue("ch02_md_sector_k", ch.fixed(len(sector_dummies) if sector_dummies else np.nan))
    ch.glue("ch02_md_sector_lr", cross.stat(lr), "{:.1f}")
    ch.glue("ch02_md_sector_p", cross.stat(p_sector), "{:.2f}")
    ch.glue("ch02_md_sector_none",
            ch.verdict("; the model could not be estimated", on=[cross.n]) if not cross.ok
            else ch.fixed("" if sector_dummies else "; sector is not in this model, as one sector is selected"))


def pooled_terms(ch, frame: pd.DataFrame, sector_ref: str) -> tuple[list[str], list[str]]:
    """Terms of the pooled model (the wave, and sector and size where they can be controlled for)
    and the names of the controls."""
    pooled_data = frame[frame["wave"].isin([FIRST, LAST])]
    if ch.sector is not None:
        pooled_data = pooled_data[pooled_data["sector"] == ch.sector]
    size_both = (all(pooled_data.loc[pooled_data["wave"] == y, "size_class"].notna().any() for y in (FIRST, LAST))
                 and len(size_levels(pooled_data)) >= 2)
    pooled_size_ref = (size_levels(pooled_data) or ["Klein"])[0]
    terms = [f"C(wave, Treatment({ch.compare_year}))"]
    if ch.sector is None:
        terms.append(f"C(sector_group, Treatment('{sector_ref}'))")
    if size_both:
        terms.append(f"C(size_class, Treatment('{pooled_size_ref}'))")
    controls = (["sector"] if ch.sector is None else []) + (["size"] if size_both else [])
    return terms, controls


def wave_change_table(ch, fits: dict, wave_term: str) -> pd.DataFrame:
    """Per model (label: fit), the wave's odds ratio and its average marginal effect in points."""
    wave_coef = f"{wave_term}[T.{ch.year}]"
    rows = []
    for label, f in fits.items():
        if not f.ok:
            rows.append({"model": label, "n": f.n, "note": f.status()})
            continue
        o = models.odds_ratios(f.result).loc[wave_coef]
        ame = models.average_marginal_effect(f.result, "wave", (ch.compare_year, ch.year))
        rows.append({"model": label, "n": f.n, "odds ratio": f.stat(o["OR"], term=wave_coef),
                     "OR 95% CI low": f.stat(o["ci_low"], term=wave_coef),
                     "OR 95% CI high": f.stat(o["ci_high"], term=wave_coef), "p": f.stat(o["p"], term=wave_coef),
                     "AME (points)": f.stat(100 * ame.estimate, term=wave_coef),
                     "AME 95% CI low": f.stat(100 * ame.ci_low, term=wave_coef),
                     "AME 95% CI high": f.stat(100 * ame.ci_high, term=wave_coef), "note": ch.fixed("")})
    change = pd.DataFrame(rows)
    ch.table(change, "wave_change",
             ch.text("Change in the chance of having innovated, {year} against {other}, {sectors} (computed from the "
                     "microdata, both waves pooled): odds ratio of the wave and average marginal effect (AME, "
                     "percentage points, delta-method 95% interval), without and with the control variables.",
                     year=ch.fixed(ch.year), other=ch.fixed(ch.compare_year), sectors=ch.fixed(ch.sector_label)),
             labels=("model",),
             formats={c: "{:.2f}" for c in ("odds ratio", "OR 95% CI low", "OR 95% CI high")}
             | {"p": "{:.4f}"} | {c: "{:+.1f}" for c in ("AME (points)", "AME 95% CI low", "AME 95% CI high")})
    return change


def reproduction_table(ch, records: pd.DataFrame) -> None:
    """The reproduction records of the innovation rates."""
    ch.table(records[["source_id", "year", "breakdown", "group", "statistic", "published", "base_n", "recomputed",
                      "difference", "tolerance", "within"]],
             "reproduction",
             "Published innovation rates (and their bases) beside their values recomputed from the microdata "
             "(all sectors, whatever the sector parameter: the check is of the whole file).",
             labels=("source_id", "year", "breakdown", "group", "statistic", "tolerance"),
             formats={"recomputed": "{:.1f}", "difference": "{:+.2f}"})


def glue_fit(ch, cross) -> None:
    """The cross-sectional model's numbers the prose quotes: three odds ratios with their intervals,
    McFadden's pseudo-R² and the AUC (or, each, why the model could not be estimated)."""
    ch.glue("ch02_md_or_officer", cross.odds_ratio_text("innovation_officer") if cross.ok else cross.status())
    ch.glue("ch02_md_or_management", cross.odds_ratio_text("management") if cross.ok else cross.status())
    ch.glue("ch02_md_or_time", cross.odds_ratio_text("time") if cross.ok else cross.status())
    ch.glue("ch02_md_r2", cross.stat(models.pseudo_r2(cross.result)) if cross.ok else cross.status(),
            "{:.3f}" if cross.ok else None)
    ch.glue("ch02_md_auc", cross.stat(models.auc(cross.result)) if cross.ok else cross.status(),
            "{:.2f}" if cross.ok else None)
