"""Chapter 8, goals and effects: the drawing of its figures and the assembly of its tables and
captions, so that the notebook keeps the tests, the model formulas and the prose.

Goals and effects were asked in the 2025 wave only (``WAVE``). Every function takes the chapter
context ``ch``; those of the microdata part build typed values only (tools/GATE_GUIDE.md)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd

from barometer.analysis import claims as cl
from barometer.analysis import models, scales, stats
from barometer.book.figures import DIVERGING, HIGHLIGHT, MUTED, PALETTE, REFERENCE, wrap
from barometer.data import codebook as md
from barometer.data import published

WAVE = 2025  # goals and effects were asked only in the 2025 questionnaire
CLUSTERS = ["Krachtig", "Gemiddeld", "Beperkt"]
ANSWERS = ["Negatief", "Neutraal", "Positief", "Te vroeg"]
ANSWER_COLOURS = {"Negatief": DIVERGING[0], "Neutraal": DIVERGING[2], "Positief": DIVERGING[4], "Te vroeg": "#8C8C8C"}
OUTCOMES = {"quality": "effect_1", "efficiency": "effect_8", "simpler": "effect_5"}
STRATEGY = {1: "collaborative", 2: "under the radar", 3: "in the spotlight", 4: "expert group", 5: "other"}
SCALE_NAMES = {"climate": "innovation climate", "human_capital": "human capital"}
SIZES = ["Klein", "Middelgroot", "Groot"]


def answer_labels(ch) -> dict[str, str]:
    """The four answers about an effect, in the chapter's language."""
    return {a: ch.option("effect_answer", a) for a in ANSWERS}


# ---------------------------------------------------------------------------- published part
def year_phrase(ch) -> str:
    """What the year parameter does in a chapter whose questions exist in one wave only."""
    phrase = ("as the year parameter asks" if ch.year == WAVE else
              f"although you chose year = {ch.year}: there is nothing to show for {ch.year}")
    if not ch.has_wave(WAVE):
        phrase += f"; the configured data have no {WAVE} wave, so the microdata sections have nothing to analyse"
    return phrase


def sector_phrase(ch) -> str:
    """What the sector parameter does: the published results are for all sectors in any case."""
    if ch.sector is None:
        return "all sectors, as in the report"
    return (f"the descriptive microdata tables for {ch.group(ch.sector)} only; the published results and the "
            "models for all sectors")


def in_brief_chart(ch) -> None:
    """In brief: efficiency and service quality, as a goal and as a positive effect (published,
    §2.5 and the corrected Figure 2-19)."""
    goal = published.table("text-2.5", variable="goal")
    goal = pd.Series(goal["value"].astype(float).to_numpy(), index=[md.code_of("goal", i) for i in goal["item"]])
    effect = published.figure_2_19(corrected=True)
    effect = effect[effect["answer"] == "Positief"]
    effect = pd.Series(effect["pct"].astype(float).to_numpy(), index=[md.code_of("effect", a) for a in effect["area"]])
    themes = {"en": ["efficiency", "service quality"],
              "nl": ["efficiëntie", "kwaliteit van de dienstverlening"]}[ch.lang]
    kinds = {"en": ["aimed at (goal)", "positive effect"], "nl": ["beoogd (doel)", "positief effect"]}[ch.lang]
    # goal 1 and effect 8 are about efficiency, goal 2 and effect 1 about the quality of services
    data = pd.DataFrame({"theme": themes, "goal": [ch.option("goal", 1), ch.option("goal", 2)],
                         "goal (%)": [goal[1], goal[2]],
                         "effect": [ch.option("effect", 8), ch.option("effect", 1)],
                         "positive effect (%)": [effect[8], effect[1]]})
    n = int(published.value("B1-3", year=WAVE, statistic="n"))

    fig, ax = plt.subplots(figsize=(6.5, 2.6))
    height = 0.36
    for k, (column, colour, kind) in enumerate((("goal (%)", PALETTE[1], kinds[0]),
                                                ("positive effect (%)", HIGHLIGHT, kinds[1]))):
        ys = np.arange(len(data)) + (k - 0.5) * height
        ax.barh(ys, data[column], height=height, color=colour, label=kind)
        for yv, v in zip(ys, data[column], strict=True):
            ax.text(v + 1, yv, f"{v:.0f}%", va="center", fontsize=8)
    ax.set_yticks(np.arange(len(data)), [wrap(t, 18) for t in data["theme"]], fontsize=9)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("innovating organisations (%)", fontsize=8)
    ax.tick_params(axis="x", labelsize=8)
    ax.legend(loc="upper right", fontsize=8, frameon=True)
    fig.tight_layout()
    eff, qual = data.iloc[0], data.iloc[1]
    ch.figure(fig, "in_brief_goals_effects",
              f"Efficiency and service quality as the aim of the most recent innovation and as its positive effect, "
              f"{WAVE}. Goals: '{eff['goal']}' and '{qual['goal']}' (published, text of §2.5; Figure 2-18 is an "
              f"image). Effects: '{eff['effect']}' and '{qual['effect']}' (published, Figure 2-19 with its headers "
              f"corrected, erratum E02). Base: innovating organisations (n = {n}); several goals could be named.",
              f"Paired bar chart: efficiency was the aim of {eff['goal (%)']:.0f}% and had a positive effect for "
              f"{eff['positive effect (%)']:.0f}%; service quality was the aim of {qual['goal (%)']:.0f}% and had "
              f"a positive effect for {qual['positive effect (%)']:.0f}%.",
              data=data)


def published_goals(ch) -> pd.DataFrame:
    """The six goals the text of §2.5 quotes (Figure 2-18 is an image): code, label, percentage."""
    goals = published.table("text-2.5", variable="goal").copy()
    goals["code"] = [md.code_of("goal", i) for i in goals["item"]]
    goals["goal"] = [ch.option("goal", c) for c in goals["code"]]
    goals["pct"] = goals["value"].astype(float)
    return goals


def show_goals(ch, goals: pd.DataFrame, n_innov: int) -> None:
    """The goals with their Wilson intervals: table and bar chart."""
    ch.table(goals[["goal", "pct", "ci_low", "ci_high"]].rename(columns={
                 "pct": "named (%)", "ci_low": "95% CI low", "ci_high": "95% CI high"}),
             "goals_published",
             f"{ch.question('goal')} ({WAVE}; published in the text of §2.5, Figure 2-18 being an image). "
             f"Several answers allowed. Base: innovating organisations (n = {n_innov}, Table B1-3); Wilson 95% "
             "intervals.", formats={"95% CI low": "{:.0f}", "95% CI high": "{:.0f}"})

    fig, ax = plt.subplots(figsize=(7.5, 3.6))
    y = np.arange(len(goals))[::-1]
    ax.barh(y, goals["pct"], color=HIGHLIGHT, alpha=0.85)
    ax.errorbar(goals["pct"], y, xerr=[goals["pct"] - goals["ci_low"], goals["ci_high"] - goals["pct"]],
                fmt="none", ecolor="#333333", capsize=3, linewidth=1)
    ax.set_yticks(y, [wrap(g, 45) for g in goals["goal"]], fontsize=8)
    ax.set_xlim(0, 100)
    ax.set_xlabel("innovating organisations naming the goal (%), with 95% Wilson interval")
    fig.tight_layout()
    ch.figure(fig, "goals_published",
              f"{ch.question('goal')}, {WAVE}. Base: innovating organisations (n = {n_innov}). Several answers "
              "allowed. Source: the text of §2.5 (Figure 2-18 is an image in the report).",
              "Horizontal bar chart of six goals, from efficiency (most often) down to cost saving and better use of "
              "services (least often), each with an interval bar.",
              data=goals[["goal", "pct", "ci_low", "ci_high"]])


def corrected_effects() -> pd.DataFrame:
    """Figure 2-19 in the corrected reading (erratum E02), with the result areas' codes."""
    fig19 = published.figure_2_19(corrected=True)
    fig19["code"] = [md.code_of("effect", a) for a in fig19["area"]]
    return fig19


def paired(label, p1, p2, n, claimed=True) -> dict:
    """McNemar's test at the two extremes the printed margins allow: the claim is decided only
    when both ends agree."""
    low, high = stats.mcnemar_bounds(p1, p2, n)
    both = (low.p_value < 0.05) == (high.p_value < 0.05)
    if both:
        verdict = stats.claim_check(claimed, high)
    else:
        verdict = "undecided: depends on the overlap the margins do not give"
    return {"comparison": label, "first (%)": p1, "second (%)": p2, "difference (points)": p1 - p2,
            "n": n, "Cohen's h": high.effect, "p (most overlap)": low.p_value,
            "p (least overlap)": high.p_value, "verdict": verdict}


def paired_tests(ch, goal_pct: pd.Series, positive: pd.Series, n_innov: int) -> pd.DataFrame:
    """The three paired comparisons of §2.5 (two claims and one contrast), shown as a table."""
    pairs = pd.DataFrame([
        paired(f"goal: {ch.option('goal', 1)} vs {ch.option('goal', 2)}", goal_pct[1], goal_pct[2], n_innov),
        paired(f"positive effect: {ch.option('effect', 1)} vs {ch.option('effect', 8)}", positive[1], positive[8],
               n_innov),
        paired("efficiency as goal vs efficiency as positive effect", goal_pct[1], positive[8], n_innov),
    ])
    ch.table(pairs, "paired_tests",
             f"Paired comparisons of percentages given by the same innovating organisations ({WAVE}; published: "
             "§2.5 and the corrected Figure 2-19). McNemar's chi-square at the largest and the smallest overlap "
             "of the two answers that the printed margins allow; the claim is decided only when both agree. "
             "The third row is not a claim of the report but the contrast it remarks on.",
             formats={"Cohen's h": "{:.2f}", "p (most overlap)": "{:.2g}", "p (least overlap)": "{:.2g}"})
    return pairs


def e02_check(ch, printed: pd.DataFrame) -> pd.DataFrame:
    """Figure 2-19 as printed beside the positive shares the text of §2.5 quotes (erratum E02)."""
    text_pos = published.split_item(published.table("text-2.5", variable="effect"))
    text_pos = text_pos[text_pos["answer"] == "Positief"].set_index("statement")["value"].astype(float)
    areas = list(dict.fromkeys(printed["area"]))

    def printed_pct(area, answer):
        return printed[(printed.area == area) & (printed.answer == answer)]["pct"].iloc[0]

    e02 = pd.DataFrame({
        "result area": [ch.option("effect", md.code_of("effect", a)) for a in areas],
        "printed 'positive' (%)": [printed_pct(a, "Positief") for a in areas],
        "printed 'negative' (%)": [printed_pct(a, "Negatief") for a in areas],
        "positive in the text of §2.5 (%)": [text_pos.get(a, np.nan) for a in areas],
    })
    e02["text matches printed 'negative'"] = np.where(e02["positive in the text of §2.5 (%)"].isna(), "–",
        np.where((e02["positive in the text of §2.5 (%)"] - e02["printed 'negative' (%)"]).abs() <= 2, "yes", "no"))
    ch.table(e02, "e02_check",
             f"Figure 2-19 as printed beside the positive shares quoted in the text of §2.5 ({WAVE}). The text's "
             "'about half' for cost saving is an approximation (within two points counts as a match).")
    return e02


def _wide(frame: pd.DataFrame, areas: list[str]) -> pd.DataFrame:
    out = frame.pivot_table(index="area", columns="answer", values="pct", sort=False)[ANSWERS]
    return out.reindex(areas)


def show_printed_vs_corrected(ch, printed: pd.DataFrame, fig19: pd.DataFrame, n_innov: int) -> None:
    """Figure 2-19 read with its printed headers and with them swapped back, side by side."""
    answer_label = answer_labels(ch)
    areas = list(dict.fromkeys(printed["area"]))
    both = {"as printed": _wide(printed, areas), "corrected (E02)": _wide(fig19, areas)}
    fig, axes = plt.subplots(1, 2, figsize=(9.5, 4.8), sharey=True)
    for ax, (title, tab) in zip(axes, both.items(), strict=False):
        left = np.zeros(len(tab))
        y = np.arange(len(tab))[::-1]
        # the printed labels are kept on the left panel: that is what a reader of the report saw
        for answer in ANSWERS:
            ax.barh(y, tab[answer].fillna(0), left=left, color=ANSWER_COLOURS[answer], label=answer_label[answer])
            left += tab[answer].fillna(0).to_numpy()
        ax.set_title(title)
        ax.set_xlim(0, 100)
        ax.set_xlabel("innovating organisations (%)")
    axes[0].set_yticks(np.arange(len(areas))[::-1],
                       [wrap(ch.option("effect", md.code_of("effect", a)), 34) for a in areas], fontsize=8)
    handles, names = axes[1].get_legend_handles_labels()
    fig.legend(handles, names, loc="lower center", ncol=4, frameon=False)
    fig.subplots_adjust(left=0.26, right=0.98, top=0.92, bottom=0.2, wspace=0.08)
    data_e02 = pd.concat([printed.assign(reading="as printed"),
                          fig19.drop(columns="code").assign(reading="corrected (E02)")])
    ch.figure(fig, "effects_printed_vs_corrected",
              f"{ch.question('effect')}, {WAVE}: Figure 2-19 read with its printed headers (left) and with the headers "
              "'positive' and 'negative' swapped back (right, erratum E02). Base: innovating organisations "
              f"(n = {n_innov}). Source: Figure 2-19 of the report.",
              "Two stacked bar charts of the nine result areas and 'other'. Left, as printed, the bars are almost "
              "entirely negative; right, corrected, they are mostly positive, with grey neutral and too-early parts.",
              data=data_e02)


def diverging(tab: pd.DataFrame, labels: dict, answer_label: dict):
    """Diverging stacked bars: negative + neutral left of 0, positive right, too early apart."""
    tab = tab.fillna(0)
    order = tab["Positief"].sort_values().index  # most positive on top
    tab = tab.loc[order]
    y = np.arange(len(tab))
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(9.5, 0.42 * len(tab) + 1.6), sharey=True,
                                  gridspec_kw={"width_ratios": [4, 1]})
    ax.barh(y, -tab["Neutraal"], color=ANSWER_COLOURS["Neutraal"], label=answer_label["Neutraal"])
    ax.barh(y, -tab["Negatief"], left=-tab["Neutraal"], color=ANSWER_COLOURS["Negatief"],
            label=answer_label["Negatief"])
    ax.barh(y, tab["Positief"], color=ANSWER_COLOURS["Positief"], label=answer_label["Positief"])
    for yi, v in zip(y, tab["Positief"], strict=False):
        ax.text(v + 1, yi, f"{v:.0f}", va="center", fontsize=8)
    ax.axvline(0, color="#333333", linewidth=0.8)
    ax.set_xlim(-60, 100)
    ax.xaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: f"{abs(v):.0f}"))
    ax.set_xlabel("← negative / neutral (%)    positive (%) →")
    ax.set_yticks(y, [wrap(labels[a], 40) for a in tab.index], fontsize=8)
    ax2.barh(y, tab["Te vroeg"], color=ANSWER_COLOURS["Te vroeg"])
    ax2.set_xlim(0, 40)
    ax2.set_title(answer_label["Te vroeg"], fontsize=9)
    ax2.set_xlabel("%")
    handles, names = ax.get_legend_handles_labels()
    order_legend = [1, 0, 2]  # negative, neutral, positive
    ax.legend([handles[i] for i in order_legend], [names[i] for i in order_legend], loc="lower center",
              bbox_to_anchor=(0.6, -0.4), ncol=3, frameon=False)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig


def area_labels(ch, printed: pd.DataFrame) -> dict[str, str]:
    """The report's (Dutch) result-area names mapped to their labels in the chapter's language."""
    return {a: ch.option("effect", md.code_of("effect", a)) for a in dict.fromkeys(printed["area"])}


def show_diverging(ch, printed: pd.DataFrame, fig19: pd.DataFrame, n_innov: int) -> None:
    """The corrected Figure 2-19 as a diverging chart, too early to tell in a panel of its own."""
    areas = list(dict.fromkeys(printed["area"]))
    fig = diverging(_wide(fig19, areas), area_labels(ch, printed), answer_labels(ch))
    ch.figure(fig, "effects_diverging",
              f"{ch.question('effect')}, {WAVE} (Figure 2-19, corrected reading, erratum E02): negative and neutral "
              "answers left of zero, positive right (number: % positive), 'too early to tell' in the right panel. "
              f"Base: innovating organisations (n = {n_innov}). Source: Figure 2-19 of the report.",
              "Diverging bar chart: for every result area a long blue positive bar to the right and short grey and "
              "red bars to the left; quality of service is most often positive, safety least; a separate panel shows "
              "the share for which it was too early to tell, around one in five everywhere.",
              data=fig19.drop(columns="code"))


def area_phrases(ch, positive: pd.Series, early: pd.Series, n_innov: int) -> dict[str, str]:
    """Short phrases naming the result areas the published shares single out (an area and its
    percentage): the areas most and least often positive and the two most often too early."""
    top = positive.idxmax()
    low, high = stats.pct_ci(positive[top], n_innov)
    top_early = early.sort_values(ascending=False).index[:2]
    return {
        "early_top": " and ".join(f"{ch.option('effect', c).lower()} ({early[c]:.0f}%)" for c in top_early),
        "pos_top": f"{ch.option('effect', top).lower()} ({positive.max():.0f}%, 95% CI {low:.0f}–{high:.0f})",
        "pos_low": f"{ch.option('effect', positive.idxmin()).lower()} ({positive.min():.0f}%)",
    }


def cluster_bases() -> dict[str, int]:
    """Approximate innovating organisations per climate cluster (Figure B2-2 prints no bases):
    organisations with a climate score × the cluster's share × its innovation rate (§2.4)."""
    n_scored = int(published.table("text-2.4", variable="climate_scale", statistic="mean",
                                   group="Totaal")["base_n"].iloc[0])
    share = published.table("text-2.4", variable="climate_cluster").set_index("item")["value"].astype(float)
    rate = published.table("text-2.4", variable="innovated").set_index("group")["value"].astype(float)
    return {c: int(round(n_scored * share[c] / 100 * rate[c] / 100)) for c in CLUSTERS}


def published_b22() -> pd.DataFrame:
    """Annex Figure B2-2: positive share per result area and climate cluster, with area codes."""
    b22 = published.split_item(published.table("B2-2"))
    b22["code"] = [md.code_of("effect", s) for s in b22["statement"]]
    return b22


def cluster_tests(ch, b22: pd.DataFrame, cluster_n: dict, positive: pd.Series) -> pd.DataFrame:
    """Per result area: the clusters' positive shares, the chi-square test on the reconstructed
    counts (three clusters × positive or not) and the shares weighted by the approximate bases."""
    rows = []
    for code, g in b22.groupby("code", sort=False):
        pct = g.set_index("group")["value"].astype(float)
        test = stats.chi_square_from_pcts([[pct[c], 100 - pct[c]] for c in CLUSTERS],
                                          [cluster_n[c] for c in CLUSTERS])
        weighted = sum(pct[c] * cluster_n[c] for c in CLUSTERS) / sum(cluster_n.values())
        rows.append({"code": code, "result area": ch.option("effect", code),
                     **{ch.group(c, "climate_cluster"): pct[c] for c in CLUSTERS},
                     "strong − limited (points)": pct["Krachtig"] - pct["Beperkt"],
                     "weighted mean (%)": weighted, "Figure 2-19 corrected (%)": positive[code],
                     "chi2": test.statistic, "p": test.p_value, "Cramér's V": test.effect})
    return pd.DataFrame(rows)


def strong_best(ch, by_cluster: pd.DataFrame) -> np.ndarray:
    """'yes' where the strong-climate cluster has the highest positive share of the three."""
    names = [ch.group(c, "climate_cluster") for c in CLUSTERS]
    return np.where(by_cluster[names[0]] >= by_cluster[names[1:]].max(axis=1), "yes", "no")


def show_cluster_tests(ch, by_cluster: pd.DataFrame, cluster_n: dict) -> None:
    """The per-area tests by climate cluster: table and dot plot."""
    bases_text = ", ".join(f"{ch.group(c, 'climate_cluster')}: {n}" for c, n in cluster_n.items())
    ch.table(by_cluster.drop(columns="code"), "effects_by_cluster",
             f"Positive effect per result area by innovation-climate cluster, {WAVE} (published: Annex Figure B2-2), "
             "with a chi-square test per area on counts reconstructed from approximate bases "
             f"({bases_text}; from §2.4), "
             "Holm's correction over the areas, and the positive share of the clusters weighted by those bases "
             "beside Figure 2-19 (corrected).", formats={"weighted mean (%)": "{:.1f}", "chi2": "{:.1f}", "p": "{:.3f}",
                                                         "p (Holm)": "{:.3f}", "Cramér's V": "{:.2f}"})
    names = [ch.group(c, "climate_cluster") for c in CLUSTERS]
    fig, ax = plt.subplots(figsize=(7.5, 5))
    order = by_cluster.sort_values(names[0])
    y = np.arange(len(order))
    for i, name in enumerate(names):
        ax.scatter(order[name], y, color=PALETTE[i], label=name, zorder=3)
    ax.hlines(y, order[names].min(axis=1), order[names].max(axis=1), color=MUTED, linewidth=2)
    ax.set_yticks(y, [wrap(a, 40) for a in order["result area"]], fontsize=8)
    ax.set_xlim(0, 100)
    ax.set_xlabel("innovating organisations with a positive effect (%)")
    ax.legend(title="innovation climate", loc="lower right", fontsize=8)
    fig.tight_layout()
    ch.figure(fig, "effects_by_cluster",
              f"Positive effect of the most recent innovation by innovation-climate cluster, {WAVE}. Base: innovating "
              f"organisations with a climate score (approximately {sum(cluster_n.values())}; bases not printed). "
              "Source: Annex Figure B2-2 of the report.",
              "Dot plot: for every result area three dots (strong, average, limited climate); the strong-climate dot is "
              "furthest right for every area except employee satisfaction.",
              data=by_cluster.drop(columns="code"))


def b22_verdict(strong_best_n: int, n_areas: int, n_significant: int) -> str:
    """The footnote's "nearly all areas", judged: direction almost everywhere, and significance."""
    if strong_best_n >= n_areas - 1 and n_significant >= n_areas / 2:
        return "supported"
    if strong_best_n >= n_areas - 1:
        return "supported in direction only"
    return "not supported"


# ---------------------------------------------------------------------------- microdata part
def shown_tally(ch, name: str, column: str, match, rows=None):
    """How many values of ``column`` of the table shown as ``name`` (all its rows, or those where
    ``rows`` is true) equal ``match`` and are released by the output check."""
    shown = ch.shown(name)
    return ch.tally(shown if rows is None else shown[list(rows)], column, match)


def goal_breakdown(ch, innovating, levels: dict, group: dict, test) -> pd.DataFrame:
    """Per goal, the share naming it and its base in each level ({label: (measure or None, group)}),
    ``test(table)`` over the levels (resting on every count of its table) and Holm's correction
    over the goals."""
    rows = []
    for col in md.items("goal"):
        base, named = innovating & ch.answered(col), ch.where(col, 1)
        row, counts, tab = {"goal": ch.column_label(col)}, [], []
        parts = {label: part for label, (part, _) in levels.items() if part is not None}
        if parts:  # the levels are parts of the base (declared, so that the output check sees it)
            ch.split(base, parts)
        for label, (part, extra) in levels.items():
            b, g = (base & part if part is not None else base), {**group, **extra}
            yes, no = ch.count(b & named, **g), ch.count(b.without(named), **g)
            row[f"{label} (%)"] = ch.share(b, named, **g)
            row[f"n {label}"] = ch.count(b, **g)
            counts += [yes, no]
            tab.append([ch.plain(no), ch.plain(yes)])
        row["p"] = ch.statistic(test(np.array(tab, dtype=np.int64)), on=counts)
        rows.append(row)
    out = pd.DataFrame(rows)
    p = np.array([ch.plain(v) for v in out["p"]], dtype=float)
    holm = np.full(len(p), np.nan)
    if np.isfinite(p).any():
        holm[np.isfinite(p)] = stats.holm(p[np.isfinite(p)].tolist())[0]
    out["p (Holm)"] = [ch.statistic(h, on=list(out["p"])) for h in holm]
    return out


def show_goals_by_size(ch, by_size: pd.DataFrame) -> None:
    """The goals by size class, as a table."""
    ch.table(by_size, "goals_by_size",
             ch.text("{question} by size class, {wave}, {sectors} (computed from the microdata). Base: innovating "
                     "organisations. Chi-square test per goal, Holm's correction over the six goals.",
                     question=ch.fixed(ch.question("goal")), wave=ch.fixed(WAVE), sectors=ch.fixed(ch.sector_label)),
             labels=("goal",), formats={"p": "{:.3f}", "p (Holm)": "{:.3f}"}
             | {c: "{:.1f}" for c in by_size.columns if c.endswith("(%)")})


def show_goals_by_spectrum(ch, spectrum_table: pd.DataFrame) -> None:
    """The goals by innovation spectrum in both definitions, as a table."""
    ch.table(spectrum_table, "goals_by_spectrum",
             ch.text("{question} by innovation spectrum, {wave}, {sectors} (computed from the microdata): one type "
                     "against two or more (§2.1), and one against three or four (§2.5, erratum E08). Fisher's exact "
                     "test per goal, Holm's correction over the six goals.",
                     question=ch.fixed(ch.question("goal")), wave=ch.fixed(WAVE), sectors=ch.fixed(ch.sector_label)),
             labels=("goal",),
             formats={c: "{:.3f}" for c in spectrum_table.columns if c.startswith("p")}
             | {c: "{:.1f}" for c in spectrum_table.columns if c.endswith("(%)")})


def sector_levels(sector_group: dict, groups: pd.Series) -> dict:
    """The merged sector groups as breakdown levels: {group: (None, {"sector": [its sectors]})}."""
    return {g: (None, {"sector": sorted(s for s, v in sector_group.items() if v == g)})
            for g in sorted(groups.dropna().unique())}


def _directional(ch, table, goal, high, low, label) -> dict:
    r = table[table["goal"] == goal].iloc[0]
    if np.isnan(ch.plain(r["p (Holm)"])):
        return {"claim": label, "difference (points)": np.nan, "p (Holm)": r["p (Holm)"],
                "verdict": ch.verdict("not testable", on=[r["p (Holm)"]])}
    diff = ch.difference(r[f"{high} (%)"], r[f"{low} (%)"])
    sig = ch.plain(r["p (Holm)"]) < 0.05
    verdict = ("supported" if sig and ch.plain(diff) > 0 else "opposite" if sig and ch.plain(diff) < 0
               else "not supported")
    return {"claim": label, "difference (points)": diff, "p (Holm)": r["p (Holm)"],
            "verdict": ch.verdict(verdict, on=[diff, r["p (Holm)"]])}


def goal_claims(ch, by_size, by_spec25, by_sector) -> pd.DataFrame:
    """The report's verbal claims about goals against the breakdowns: a difference is supported
    when it goes the stated way and survives Holm's correction; "no substantial difference by
    sector" when no goal differs by sector after Holm's correction. Shown as a table."""
    g_eff, g_qual, g_use = (ch.column_label(c) for c in ("goal_1", "goal_2", "goal_5"))
    small, large = ch.group("Klein", "size"), ch.group("Groot", "size")
    sector_p = np.array([ch.plain(v) for v in by_sector["p (Holm)"]], dtype=float)
    sector_family = list(by_sector["p (Holm)"])
    table = pd.DataFrame([
        _directional(ch, by_size, g_eff, large, small, "large organisations aim more often at efficiency than small ones"),
        _directional(ch, by_size, g_qual, small, large, "small organisations aim more often at quality than large ones"),
        _directional(ch, by_spec25, g_qual, "3-4 types", "1 type",
                     "multiple innovations (3-4 types) aim more often at quality"),
        _directional(ch, by_spec25, g_use, "3-4 types", "1 type",
                     "multiple innovations (3-4 types) aim more often at better use of services"),
        {"claim": "goals do not differ substantially by sector", "difference (points)": np.nan,
         "p (Holm)": ch.statistic(np.nanmin(sector_p) if np.isfinite(sector_p).any() else np.nan, on=sector_family),
         "verdict": ch.verdict("not testable" if not np.isfinite(sector_p).any() else
                               "supported" if (sector_p >= 0.05).all() else "not supported", on=sector_family)},
    ])
    ch.table(table, "goal_claims",
             ch.text("The report's claims about goals (§2.5, in our words) against the configured microdata, {wave} "
                     "(size and spectrum: {sectors}; sector: all sectors, smallest Holm-corrected p over the six goals). "
                     "Difference: first group minus second, in points.", wave=ch.fixed(WAVE),
                     sectors=ch.fixed(ch.sector_label)),
             labels=("claim",), formats={"difference (points)": "{:+.1f}", "p (Holm)": "{:.3f}"})
    return table


def effects_by_area(ch, innovating, focus: dict) -> pd.DataFrame:
    """Figure 2-19 recomputed: per result area the base n and the four answers' counts and shares
    (the answers declared as parts of the base)."""
    answer_label = answer_labels(ch)
    rows = []
    for col in md.items("effect"):
        base = innovating & ch.asked(col) & ch.answered(col)
        answers = {a: ch.where(col, md.code_of("effect_answer", a)) for a in ANSWERS}
        parts = ch.split(base, answers)
        row = {"area": md.column(col).label_nl, "result area": ch.column_label(col), "n": ch.count(base, **focus)}
        for a in ANSWERS:
            row[f"n {answer_label[a].lower()}"] = ch.count(parts[a], **focus)
            row[f"{answer_label[a].lower()} (%)"] = ch.share(base, answers[a], **focus)
        rows.append(row)
    return pd.DataFrame(rows)


def show_effects(ch, effects_md: pd.DataFrame) -> None:
    """The recomputed effects as a diverging chart drawn through the gate (nothing when empty)."""
    answer_label = answer_labels(ch)
    pct = {a: f"{answer_label[a].lower()} (%)" for a in ANSWERS}

    def draw_effects(d):
        tab = d.set_index("result area")[[pct[a] for a in ANSWERS]].rename(columns={pct[a]: a for a in ANSWERS})
        fig = diverging(tab, {a: a for a in tab.index}, answer_label)
        # A share the output check does not show has no bar: its number reads "#", not "0".
        hidden = tab["Positief"].isna()
        if hidden.any():
            order = tab["Positief"].fillna(0).sort_values().index  # the bars' order in diverging()
            for area, label in zip(order, fig.get_axes()[0].texts, strict=False):
                if hidden[area]:
                    label.set_text("#")
        return fig

    if sum(ch.plain(n) for n in effects_md["n"]) > 0:
        ch.figure(draw_effects, "effects_microdata",
                  ch.text("{question}, {wave}, {sectors}, recomputed from the microdata: negative and neutral left of "
                          "zero, positive right, too early apart. Base: innovating organisations (n = {n}).",
                          question=ch.fixed(ch.question("effect")), wave=ch.fixed(WAVE),
                          sectors=ch.fixed(ch.sector_label), n=max(effects_md["n"], key=ch.plain)),
                  "Diverging bar chart of the recomputed effects per result area, in the same layout as the "
                  "published one.",
                  data=effects_md.drop(columns="area"), labels=("result area",))
    else:
        print("No innovating organisations in the selection: nothing to draw.")


def clusters_recomputed(ch, innovating, b22: pd.DataFrame, area_label: dict) -> pd.DataFrame:
    """Figure B2-2 recomputed from the microdata (all sectors) beside the published shares, as a table."""
    cluster = md.climate_cluster(md.scale_score(ch.data, "climate")).rename("climate_cluster")
    in_cluster = {c: ch.where(cluster, c) for c in CLUSTERS}
    positive_code = md.code_of("effect_answer", "Positief")
    published_pct = {(s, g): v for s, g, v in b22[["statement", "group", "value"]].itertuples(index=False)}
    positive_answer = {col: ch.where(col, positive_code) for col in md.items("effect")}
    rows = []
    for col in md.items("effect"):
        area, positive = md.column(col).label_nl, positive_answer[col]
        for c in CLUSTERS:
            base = innovating & in_cluster[c] & ch.answered(col)
            recomputed = ch.share(base, positive, wave=WAVE)
            pub = published_pct.get((area, c), np.nan)
            rows.append({"result area": area_label.get(area, area), "cluster": ch.group(c, "climate_cluster"),
                         "n": ch.count(base, wave=WAVE), "positive": ch.count(base & positive, wave=WAVE),
                         "recomputed (%)": recomputed, "published (%)": ch.fixed(pub),
                         "difference": ch.difference(recomputed, ch.fixed(pub))})
    b22_md = pd.DataFrame(rows)
    ch.table(b22_md, "effects_by_cluster_microdata",
             ch.text("Positive effect by innovation-climate cluster, {wave}, all sectors: recomputed from the microdata "
                     "beside Annex Figure B2-2 (default cluster cut points, erratum E04).", wave=ch.fixed(WAVE)),
             labels=("result area", "cluster"), formats={"recomputed (%)": "{:.1f}", "difference": "{:+.1f}"})
    return b22_md


def model_frame(ch, sector_group: dict) -> pd.DataFrame:
    """A copy of the whole file with the models' derived columns (scales, 0/1 dummies, the strategy
    by name, the merged sector group, the outcomes); the gate group selects the rows."""
    frame = ch.data.copy()
    frame["climate"] = md.scale_score(frame, "climate")
    frame["human_capital"] = md.scale_score(frame, "human_capital")
    for col in md.items("innovation_type") + md.items("goal"):
        frame[col] = frame[col].astype("float")
    frame["technology"] = frame["technology_content"].isin([1, 2]).astype(float).where(
        frame["technology_content"].notna())
    frame["strategy_c"] = frame["strategy"].map(lambda v: STRATEGY.get(int(v)) if pd.notna(v) else None)
    frame["sector_group"] = frame["sector"].map(sector_group)  # merged as counted among the innovating organisations
    frame["rijk"] = frame["sector"].eq("Rijksoverheid").astype(float)
    frame["multiple"] = (md.spectrum(frame) >= 2).astype(float)
    positive = md.code_of("effect_answer", "Positief")
    for name, col in OUTCOMES.items():
        frame[f"positive_{name}"] = frame[col].eq(positive).astype(float).where(frame[col].notna())
    return frame


def reliability(ch, innovating, items_of: pd.DataFrame) -> pd.DataFrame:
    """Cronbach's alpha (with its interval) and McDonald's omega of the two predictor scales among
    ``items_of`` (the innovating organisations of the wave), as a table."""
    rows = []
    for scale, scale_name in SCALE_NAMES.items():
        cols = md.scale_items(scale)
        items = items_of[cols]
        complete = scales.complete(items)
        # organisations with every item of the scale answered: the sample of alpha and omega
        n = ch.count(innovating & ch.answered(*cols, how="all"), wave=WAVE)
        row = {"scale": scale_name, "items": ch.fixed(len(cols)), "n": n}
        if len(complete) > len(cols) + 2 and complete.var().gt(0).all():
            a = scales.cronbach_alpha(items)
            values = {"Cronbach's alpha": a.alpha, "95% CI low": a.ci_low, "95% CI high": a.ci_high,
                      "McDonald's omega": scales.mcdonald_omega(items)}
        else:  # too few complete answers, or an item without variance: not computable (shown as "–")
            values = dict.fromkeys(("Cronbach's alpha", "95% CI low", "95% CI high", "McDonald's omega"), np.nan)
        rows.append(row | {k: ch.statistic(v, on=[n]) for k, v in values.items()})
    table = pd.DataFrame(rows, columns=["scale", "items", "n", "Cronbach's alpha", "95% CI low", "95% CI high",
                                        "McDonald's omega"])
    ch.table(table, "scale_reliability",
             ch.text("Reliability of the two scales used as predictors, innovating organisations of {wave}, all sectors, "
                     "complete answers (computed from the microdata).", wave=ch.fixed(WAVE)),
             labels=("scale",),
             formats={c: "{:.2f}" for c in ("Cronbach's alpha", "95% CI low", "95% CI high", "McDonald's omega")})
    return table


def reliability_text(ch, table: pd.DataFrame, scale: str):
    """'α = … (95% CI …), ω = …' of one scale, or 'not available'."""
    r = table.set_index("scale").loc[SCALE_NAMES[scale]]
    if not np.isfinite(ch.plain(r["Cronbach's alpha"])):
        return ch.verdict("not available", on=[r["n"]])
    return ch.text("α = {alpha:.2f} (95% CI {low:.2f}–{high:.2f}), ω = {omega:.2f}", alpha=r["Cronbach's alpha"],
                   low=r["95% CI low"], high=r["95% CI high"], omega=r["McDonald's omega"])


def term_names(ch) -> dict[str, str]:
    """Readable names of the models' terms, for ``ch.term_label``."""
    names = {"climate": "innovation climate (per point)", "human_capital": "human capital (per point)",
             "technology": "technology entirely or largely", "multiple": "multiple innovation (2+ types)",
             "rijk": "central government (vs all other sectors)", "strategy_c": "strategy"}
    names |= {c: f"type: {ch.column_label(c).lower()}" for c in md.items("innovation_type")}
    names |= {c: f"goal: {ch.column_label(c).lower()}" for c in md.items("goal")}
    return names


ORDER = ["climate", "human_capital", "innovation_type", "multiple", "technology", "C(strategy", "goal_",
         "C(sector", "rijk", "C(size"]


def _term_rank(term: str) -> int:
    return next((i for i, prefix in enumerate(ORDER) if term.startswith(prefix)), len(ORDER))


def model_tables(ch, fits: dict, frame: pd.DataFrame, sector_ref) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The odds ratios of the three models (predictors in a fixed order) and their fit statistics,
    shown as two tables; returns both."""
    names = term_names(ch)
    or_rows, fit_rows = [], []
    for name in OUTCOMES:
        f = fits[name]
        if not f.ok:
            fit_rows.append({"model": name, "organisations used": f.n, "note": f.status()})
            continue
        fit = f.result
        t = f.odds_ratios(lambda term: ch.term_label(term, names))
        t.insert(0, "coefficient", [c for c in models.odds_ratios(fit).index if c != "Intercept"])
        t.insert(1, "model", name)
        or_rows.append(t)
        # the organisations of the model with a positive effect: a part of its sample
        positive = ch.split(f.complete, {"positive": ch.where(frame[f"positive_{name}"], 1)})["positive"]
        fit_rows.append({"model": name, "organisations used": f.n, "positive": ch.count(positive, wave=WAVE),
                         "McFadden pseudo-R²": f.stat(models.pseudo_r2(fit)), "AUC (in sample)": f.stat(models.auc(fit)),
                         "LR chi²": f.stat(fit.llr), "df": f.stat(int(fit.df_model)), "LR p": f.stat(fit.llr_pvalue),
                         "note": ch.fixed("")})
    or_rows = [t.assign(_rank=[_term_rank(c) for c in t["coefficient"]]).sort_values("_rank", kind="stable")
               .drop(columns="_rank") for t in or_rows]
    ors = pd.concat(or_rows, ignore_index=True) if or_rows else pd.DataFrame(
        columns=["coefficient", "model", "term", "n", "odds ratio", "95% CI low", "95% CI high", "p"])
    ch.table(ors.drop(columns="coefficient"), "odds_ratios",
             ch.text("Logistic regressions of a positive effect on quality of service, cost saving/efficiency and simpler "
                     "procedures, {wave}, innovating organisations of all sectors (computed from the microdata): odds "
                     "ratios with Wald 95% intervals. n = organisations in the category (dummies) or used (scales). "
                     "References: {refs}.", wave=ch.fixed(WAVE), refs=_references(ch, sector_ref)),
             labels=("model", "term"),
             formats={"odds ratio": "{:.2f}", "95% CI low": "{:.2f}", "95% CI high": "{:.2f}", "p": "{:.3f}"})
    fit_stats = pd.DataFrame(fit_rows, columns=["model", "organisations used", "positive", "McFadden pseudo-R²",
                                               "AUC (in sample)", "LR chi²", "df", "LR p", "note"])
    ch.table(fit_stats, "model_fit",
             ch.text("Fit of the three models, {wave}, all sectors (computed from the microdata): organisations used, how "
                     "many had a positive effect, McFadden's pseudo-R², in-sample AUC and the likelihood-ratio test "
                     "against the intercept-only model.", wave=ch.fixed(WAVE)),
             labels=("model",),
             formats={"McFadden pseudo-R²": "{:.3f}", "AUC (in sample)": "{:.3f}", "LR chi²": "{:.1f}", "df": "{:.0f}",
                      "LR p": "{:.2g}"})
    return ors, fit_stats


def _references(ch, sector_ref):
    return ch.text("strategy 'in the spotlight', sector {sector}, size small",
                   sector=ch.fixed(ch.group(sector_ref) if sector_ref else "–"))


def _draw_forest(d):
    names = [m for m in OUTCOMES if m in set(d["model"])]
    terms_order = list(dict.fromkeys(d["term"]))[::-1]
    fig, axes = plt.subplots(1, len(names), figsize=(3.3 * len(names) + 3.2, 0.3 * len(terms_order) + 1.6),
                             sharey=True, squeeze=False)
    for ax, name in zip(axes[0], names, strict=False):
        part = d[d["model"] == name].set_index("term").reindex(terms_order)
        y = np.arange(len(part))
        sig = (part["p"] < 0.05).to_numpy()
        colours = [HIGHLIGHT if s else MUTED for s in sig]
        ax.hlines(y, part["95% CI low"], part["95% CI high"], color=colours, linewidth=2)
        ax.scatter(part["odds ratio"], y, color=colours, zorder=3, s=18)
        ax.axvline(1, color=REFERENCE, linestyle="--", linewidth=1)
        ax.set_xscale("log")
        ax.set_xlim(0.05, 20)
        ax.xaxis.set_major_locator(mticker.FixedLocator([0.1, 0.3, 1, 3, 10]))
        ax.xaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: f"{v:g}"))
        ax.xaxis.set_minor_formatter(mticker.NullFormatter())
        ax.set_title(f"positive: {name}")
    axes[0][0].set_yticks(np.arange(len(terms_order)),
                          [t if len(t) < 48 else t[:45] + "…" for t in terms_order], fontsize=8)
    fig.supxlabel("odds ratio (log scale; intervals beyond 0.05–20 are cut) with 95% interval; blue: p < 0.05",
                  fontsize=9)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig


def show_forest(ch, ors: pd.DataFrame, fits: dict, sector_ref) -> None:
    """The odds ratios of the three models as a forest plot drawn through the gate."""
    if not len(ors):
        return
    ch.figure(_draw_forest, "forest_effects",
              ch.text("Odds ratios of the three logistic regressions of a positive effect of the most recent innovation "
                      "(quality of service, cost saving/efficiency, simpler procedures), {wave}. Base: innovating "
                      "organisations of all sectors with complete answers (n = {n}). References: {refs}. "
                      "Computed from the microdata.",
                      wave=ch.fixed(WAVE), n=max((f.n for f in fits.values()), key=ch.plain),
                      refs=_references(ch, sector_ref)),
              ch.text("Forest plot in three panels, one per outcome: for every predictor a dot at its odds ratio and a bar "
                      "for its interval on a log scale, with a dashed line at 1; significant terms in blue."),
              data=ors, labels=("coefficient", "model", "term"))


def marginal_effects(ch, fits: dict) -> pd.DataFrame:
    """Average marginal effects of the two scales in percentage points (delta-method interval), as a table."""
    names = term_names(ch)
    rows = []
    for name in OUTCOMES:
        f = fits[name]
        if not f.ok:
            continue
        for var in ("climate", "human_capital"):
            a = models.average_marginal_effect(f.result, var)
            rows.append({"model": name, "scale": names[var], "n": f.n,
                         "AME (points per scale point)": f.stat(100 * a.estimate, term=var),
                         "95% CI low": f.stat(100 * a.ci_low, term=var), "95% CI high": f.stat(100 * a.ci_high, term=var)})
    ames = pd.DataFrame(rows, columns=["model", "scale", "n", "AME (points per scale point)", "95% CI low", "95% CI high"])
    ch.table(ames, "marginal_effects",
             ch.text("Average marginal effect of one point on the climate and human-capital scales on the chance of a "
                     "positive effect, in percentage points, {wave}, all sectors (computed from the microdata).",
                     wave=ch.fixed(WAVE)),
             labels=("model", "scale"),
             formats={c: "{:+.1f}" for c in ("AME (points per scale point)", "95% CI low", "95% CI high")})
    return ames


def or_text(ch, fits: dict, name: str, term: str):
    """'OR (95% CI lo–hi, p)' of one model term, typed, or 'not available'."""
    f = fits.get(name)
    return ch.fixed("not available") if f is None else f.odds_ratio_text(term)


def ame_text(ch, fits: dict, ames: pd.DataFrame, name: str, var: str):
    """'+x points (95% CI … to …)' of one scale in one model, typed, or 'not available'."""
    hit = ames[(ames["model"] == name) & (ames["scale"] == term_names(ch)[var])]
    if hit.empty:
        return ch.verdict("not available", on=[fits[name].n])
    r = hit.iloc[0]
    return ch.text("{ame:+.1f} points (95% CI {lo:+.1f} to {hi:+.1f})", ame=r["AME (points per scale point)"],
                   lo=r["95% CI low"], hi=r["95% CI high"])


def fit_ranges(ch, fits: dict, fit_stats: pd.DataFrame) -> dict:
    """The range of pseudo-R² and AUC over the estimated models, the smallest n and the largest
    number of coefficients (typed; 'not available' when no model was estimated)."""
    ok_fits = fit_stats[[fits[m].ok for m in fit_stats["model"]]]
    out = {}
    if len(ok_fits):
        for key, column in (("r2", "McFadden pseudo-R²"), ("auc", "AUC (in sample)")):
            values = list(ok_fits[column])  # the range rests on every model's value
            out[key] = ch.text("{low:.2f} to {high:.2f}", low=ch.statistic(min(map(ch.plain, values)), on=values),
                               high=ch.statistic(max(map(ch.plain, values)), on=values))
        out["n"] = min(ok_fits["organisations used"], key=ch.plain)
    else:
        not_estimated = [fits[m].status() for m in OUTCOMES]
        out["r2"] = out["auc"] = ch.verdict("not available", on=not_estimated)
        out["n"] = ch.verdict("no", on=not_estimated)
    df_models = [f.stat(f.result.df_model) for f in fits.values() if f.ok]
    out["params"] = ch.statistic(max(map(ch.plain, df_models), default=0),
                                 on=df_models or [f.n for f in fits.values()])
    return out


def sector_odds_ratios(ch, fits: dict, innovating, sector_groups, sector_ref, sector_term: str):
    """The selected sector's own odds ratios in the three models, or why it has none."""
    if ch.sector is None:
        return ch.fixed("no sector is selected")
    # whether the sector has a coefficient of its own depends on how many innovating organisations it has
    n_sector = ch.count(innovating, wave=WAVE, sector=ch.sector)
    if ch.sector in set(sector_groups) and ch.sector != sector_ref:
        term = f"{sector_term}[T.{ch.sector}]"
        return ch.text("quality: {quality}; efficiency: {efficiency}; simpler: {simpler}",
                       **{name: or_text(ch, fits, name, term) for name in OUTCOMES})
    return ch.verdict(f"none: the sector is {'the reference category' if ch.sector == sector_ref else 'merged into Other'}",
                      on=[n_sector])


# ---------------------------------------------------------------------------- the claims table
STRAT = "C(strategy_c, Treatment('in the spotlight'))"
_SECTORS, _SIZES = "C(sector_group*", "C(size_class*"
_TYPES = tuple(md.items("innovation_type"))
CLAIMS = [  # the report's sentences on its three models (§2.5), in our words, with the terms that answer them
    cl.Claim("quality", "a better innovation climate raises the chance of a better quality of service (a small effect)", ("climate",), "positive"),
    cl.Claim("quality", "the type of innovation makes no difference for quality", _TYPES, "none"),
    cl.Claim("quality", "technology content makes no difference for quality", ("technology",), "none"),
    cl.Claim("quality", "the innovation strategy makes no difference for quality", (STRAT + "*",), "none"),
    cl.Claim("quality", "sector plays no role for quality", (_SECTORS,), "none"),
    cl.Claim("quality", "size plays no role for quality", (_SIZES,), "none"),
    cl.Claim("efficiency", "a better innovation climate raises the chance of cost saving or efficiency gains", ("climate",), "positive"),
    cl.Claim("efficiency", "innovations that are entirely or largely technological raise the chance of efficiency gains", ("technology",), "positive"),
    cl.Claim("efficiency", "developing 'under the radar' rather than in the spotlight raises the chance of efficiency gains", (f"{STRAT}[T.under the radar]",), "positive"),
    cl.Claim("efficiency", "an expert group rather than the spotlight raises the chance of efficiency gains", (f"{STRAT}[T.expert group]",), "positive"),
    cl.Claim("efficiency", "aiming at cost saving raises the chance of cost saving or efficiency gains", ("goal_6",), "positive"),
    cl.Claim("efficiency", "aiming at better use of services lowers the chance of efficiency gains", ("goal_5",), "negative"),
    cl.Claim("efficiency", "more human capital raises the chance of efficiency gains", ("human_capital",), "positive"),
    cl.Claim("efficiency", "sector plays no role for efficiency", (_SECTORS,), "none"),
    cl.Claim("efficiency", "size plays no role for efficiency", (_SIZES,), "none"),
    cl.Claim("efficiency (spectrum variant)", "the innovation spectrum (single or multiple) plays no role for efficiency", ("multiple",), "none"),
    cl.Claim("simpler", "a better innovation climate raises the chance of simpler procedures", ("climate",), "positive"),
    cl.Claim("simpler", "more human capital raises the chance of simpler procedures", ("human_capital",), "positive"),
    cl.Claim("simpler", "aiming at quality improvement goes with simpler procedures", ("goal_2",), "positive"),
    cl.Claim("simpler", "aiming at efficiency goes with simpler procedures", ("goal_1",), "positive"),
    cl.Claim("simpler", "developing 'under the radar' (vs the spotlight) goes with simpler procedures", (f"{STRAT}[T.under the radar]",), "positive"),
    cl.Claim("simpler", "developing with all stakeholders (vs the spotlight) goes with simpler procedures", (f"{STRAT}[T.collaborative]",), "positive"),
    cl.Claim("simpler (central government variant)", "central government has a lower chance of simpler procedures than other organisations", ("rijk",), "negative"),
]
# What the synthetic generator put in (assumption A15): which claimed effects exist there by construction.
BUILT_IN = {("quality", "climate"), ("efficiency", "climate"), ("efficiency", "technology"),
            ("efficiency", "human_capital"), ("simpler", "climate"), ("simpler", "human_capital")}


def generator_status(claim) -> str:
    """Whether the synthetic generator built the claimed effect in (assumption A15)."""
    if claim.expected == "none":
        return "no effect built in (as claimed)"
    built = (claim.model.split(" (")[0], claim.terms[0]) in BUILT_IN
    return "effect built in (A15)" if built else "no effect built in"


def _wald_statistic(result, used):
    """The joint Wald chi-square of the terms ``used`` (the number claims.check prints in its test)."""
    names = list(result.params.index)
    restriction = np.zeros((len(used), len(names)))
    for i, term in enumerate(used):
        restriction[i, names.index(term)] = 1.0
    return float(result.wald_test(restriction, scalar=True).statistic)


def _typed_claim(ch, fits, row, names):
    """A row of the claims table with its numbers typed: each rests on the model it comes from and on
    the organisations behind every term it tests; the words the data chose are verdicts."""
    f = fits[row["model"]]
    used = row["terms"].split(" + ") if row["terms"] else []
    out = {k: row[k] for k in ("model", "claim", "expected")}
    out["terms"] = "; ".join(ch.term_label(t, names) for t in used)
    if not used:  # the model could not be fitted, or the term is not in it
        return out | {"direction": ch.verdict("", on=[f.n]), "OR": np.nan, "ci_low": np.nan, "ci_high": np.nan,
                      "test": ch.verdict("", on=[f.n]), "p": np.nan,
                      "verdict": ch.verdict(row["verdict"], on=[f.n]), "note": ch.verdict(row["note"], on=[f.n])}
    terms = [f.stat(np.nan, term=t) for t in used]  # what a number about these terms rests on
    if len(used) == 1:
        t = used[0]
        numbers = {"OR": f.stat(row["OR"], term=t), "ci_low": f.stat(row["ci_low"], term=t),
                   "ci_high": f.stat(row["ci_high"], term=t), "test": ch.fixed("Wald z"),
                   "p": f.stat(row["p"], term=t)}
    else:
        numbers = {"OR": np.nan, "ci_low": np.nan, "ci_high": np.nan,
                   "test": ch.text("Wald χ²({k:.0f}) = {chi2:.2f}", k=ch.statistic(len(used), on=terms),
                                   chi2=ch.statistic(_wald_statistic(f.result, used), on=terms)),
                   "p": ch.statistic(row["p"], on=terms)}
    basis = [numbers["p"], *terms]
    return out | numbers | {"direction": ch.verdict(row["direction"], on=basis),
                            "verdict": ch.verdict(row["verdict"], on=basis), "note": ch.verdict(row["note"], on=basis)}


def show_claims(ch, checked: pd.DataFrame, fits: dict) -> pd.DataFrame:
    """The claims table typed and shown (on synthetic data with what the generator built in);
    returns the frame shown."""
    names = term_names(ch)
    table = pd.DataFrame([_typed_claim(ch, fits, r, names) for r in checked.to_dict("records")],
                         columns=checked.columns)
    columns = ["model", "claim", "expected", "terms", "direction", "OR", "ci_low", "ci_high", "test", "p", "verdict",
               "note"]
    labels = ["model", "claim", "expected", "terms"]
    if ch.synthetic:
        table["synthetic generator"] = [generator_status(c) for c in CLAIMS]
        columns.insert(3, "synthetic generator")
        labels.append("synthetic generator")
    shown = table[columns].rename(columns={"OR": "odds ratio", "ci_low": "95% CI low", "ci_high": "95% CI high"})
    ch.table(shown, "claims_table",
             ch.text("The report's claims about its three models (§2.5, paraphrased) against the same models fitted to the "
                     "configured microdata, {wave}, all sectors. Expected: the direction the report states ('none': no "
                     "role). Verdict at α = 0.05: supported / not supported / opposite (significant the other way) / not "
                     "testable.{generator}", wave=ch.fixed(WAVE),
                     generator=ch.fixed(" 'Synthetic generator': whether the synthetic data contain the claimed effect by "
                                        "construction." if ch.synthetic else "")),
             labels=tuple(labels),
             formats={"odds ratio": "{:.2f}", "95% CI low": "{:.2f}", "95% CI high": "{:.2f}", "p": "{:.3f}"})
    return shown


def generator_counts(ch, claims_shown: pd.DataFrame) -> dict:
    """On synthetic data: how many claimed effects the generator built in and how many of them the
    models recover; how many it did not build in and how many come out 'supported' anyway. On own
    data these do not apply (NaN, shown as '–')."""
    if not ch.synthetic:
        return dict.fromkeys(("built", "recovered", "not_built", "spurious"), ch.fixed(np.nan))
    status = claims_shown["synthetic generator"]
    built = (status == "effect built in (A15)").to_numpy()
    not_built = (status == "no effect built in").to_numpy()
    return {"built": ch.fixed(int(built.sum())),
            "recovered": shown_tally(ch, "claims_table", "verdict", "supported", rows=built),
            "not_built": ch.fixed(int(not_built.sum())),
            "spurious": shown_tally(ch, "claims_table", "verdict", "supported", rows=not_built)}


def show_reproduction(ch, records: pd.DataFrame) -> None:
    """The reproduction records as a table."""
    ch.table(records[["source_id", "group", "variable", "item", "published", "recomputed", "difference", "within",
                      "base_n"]],
             "reproduction", "Published numbers of §2.5, Figure 2-19 (corrected, E02) and Figure B2-2 beside their values "
             "recomputed from the microdata.", labels=("source_id", "group", "variable", "item"),
             formats={"recomputed": "{:.1f}", "difference": "{:+.1f}"})


def cluster_gaps(ch, b22_md: pd.DataFrame) -> dict:
    """How close the recomputed cluster shares come to Figure B2-2: how many are within rounding
    (half a point) of the total, and the median and largest absolute difference (typed: each rests
    on every difference)."""
    differences = [d for d in b22_md["difference"] if np.isfinite(ch.plain(d))]
    gaps = pd.Series([abs(ch.plain(d)) for d in differences], dtype=float)
    return {"within": ch.statistic(int((gaps <= 0.5).sum()), on=differences),
            "total": ch.statistic(len(differences), on=differences),
            "median": ch.statistic(gaps.median() if len(gaps) else np.nan, on=differences),
            "max": ch.statistic(gaps.max() if len(gaps) else np.nan, on=differences)}
