"""Chapter 4, how innovations come about: the plumbing of its notebook (the drawing of its
figures, the assembly of its tables, captions and alt text, and the numbers its prose glues), so
that the notebook shows the tests and the prose.

The published part works on Annex Tables B1-2 to B1-7 and the text of §2.2; the microdata part
recomputes them through the output gate (typed values only: ``tools/GATE_GUIDE.md``). Functions
take the chapter context ``ch`` and the data they need; nothing here depends on the parameters
except through ``ch``."""

from __future__ import annotations

import math
import textwrap
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pingouin as pg
from matplotlib.lines import Line2D
from scipy import stats as sps

from barometer.analysis import compare, stats
from barometer.book.figures import HIGHLIGHT, MUTED, PALETTE, REFERENCE, wrap
from barometer.data import codebook as md
from barometer.data import published

# The annex tables of this chapter and the question behind each.
TABLES = {"B1-2": "channel", "B1-3": "initiative_source", "B1-4": "collaboration_partner",
          "B1-5": "collaboration_phase", "B1-6": "funding_source", "B1-7": "evaluation"}
TOPIC = {"B1-2": "channels (innovation from elsewhere)", "B1-3": "source of the initiative",
         "B1-4": "collaboration partners", "B1-5": "phases with partners", "B1-6": "funding",
         "B1-7": "evaluation"}
BASE = {"B1-2": "innovators whose innovation was inspired by or copied from elsewhere",
        "B1-3": "organisations that implemented an innovation",
        "B1-4": "organisations that implemented an innovation",
        "B1-5": "innovators that collaborated with partners (printed base; see erratum E07)",
        "B1-6": "organisations that implemented an innovation",
        "B1-7": "organisations that implemented an innovation"}
VARIABLES = ["origin", *TABLES.values()]
FIRST, SECOND = 2021, 2025   # changes are always the later wave minus the earlier one
SIZES = ["Klein", "Middelgroot", "Groot"]
SIZE_ORIGINS = (1, 2, 3)
# Short names of the three origins, for column headers and legends.
_ORIGIN_SHORT = {"en": {1: "adapted", 2: "new", 3: "copied"},
                 "nl": {1: "aangepast", 2: "nieuw", 3: "kopie"}}
CHANGE_LABEL = f"change {FIRST} → {SECOND} (percentage points), Newcombe 95% interval"


def origin_short(ch) -> dict[int, str]:
    """Short names of the three origins in the chapter's language."""
    return _ORIGIN_SHORT[ch.lang]


def short(text, width=50):
    """A label cut to ``width`` characters (table cells and tick labels)."""
    return textwrap.shorten(str(text), width=width, placeholder="…")


def interval(lo, hi, sign=""):
    """An interval as text, "low to high" with one decimal."""
    return f"{lo:{sign}.1f} to {hi:{sign}.1f}"


# ---------------------------------------------------------------------------- In brief
def in_brief_partners(ch) -> None:
    """The In-brief chart: collaboration partners in both waves (Table B1-4, published)."""
    waves = (FIRST, SECOND)
    ib = (published.table("B1-4", statistic="pct")
          .pivot_table(index="item", columns="year", values="value", sort=False).reset_index())
    ib = ib[ib["item"] != "Weet niet"].sort_values(waves[1]).reset_index(drop=True)
    ib["partner"] = [ch.option("collaboration_partner", i) for i in ib["item"]]
    ib_none = ib["item"] == "Nee, geen samenwerking met anderen"
    ib_n = {y: int(published.value("B1-4", year=y, statistic="n")) for y in waves}
    fig, ax = plt.subplots(figsize=(6.5, 3.4))
    for y, r in ib.iterrows():
        ax.plot([r[waves[0]], r[waves[1]]], [y, y], color=MUTED, linewidth=2, zorder=1)
    ax.scatter(ib[waves[0]], ib.index, color=MUTED, s=30, zorder=2, label=str(waves[0]))
    ax.scatter(ib[waves[1]], ib.index, color=HIGHLIGHT, s=30, zorder=3, label=str(waves[1]))
    ax.set_yticks(ib.index, [textwrap.shorten(p, 48, placeholder="…") for p in ib["partner"]], fontsize=8)
    for tick, none in zip(ax.get_yticklabels(), ib_none, strict=True):
        if none:
            tick.set_fontweight("bold")
    ax.set_xlim(0, 60)
    ax.set_xlabel("organisations that innovated (%)")
    ax.legend(loc="lower right", fontsize=8)
    ib_fell = int((ib.loc[~ib_none, waves[1]] < ib.loc[~ib_none, waves[0]]).sum())
    ch.figure(fig, "in_brief_partners",
              f"Collaboration partners of the most recent innovation, {waves[0]} (grey) and {waves[1]} "
              f"(blue), as a share of the organisations that innovated (published, Table B1-4; n = "
              f"{ib_n[waves[0]]} and {ib_n[waves[1]]}). Several answers possible; 'no collaboration' in bold.",
              f"Dumbbell chart per kind of partner: 'no collaboration' rose from {ib.loc[ib_none, waves[0]].iloc[0]:.0f}% "
              f"to {ib.loc[ib_none, waves[1]].iloc[0]:.0f}%; {ib_fell} of the {int((~ib_none).sum())} kinds of "
              f"partner were named less often in {waves[1]} than in {waves[0]}.",
              data=ib[["item", "partner", *waves]].rename(columns=str))


def top_initiative() -> tuple[str, float]:
    """The most named source of the initiative in 2025 (Table B1-3), as a phrase, and its share."""
    b13 = published.table("B1-3", year=SECOND, statistic="pct").sort_values("value", ascending=False)
    return b13["item_en"].iloc[0].lower().replace(" my ", " their own "), b13["value"].iloc[0]


# ---------------------------------------------------------------------------- origin (Figure 2-7)
def origin_shares(ch, n: int) -> pd.DataFrame:
    """The three printed 2025 shares of the origin question (§2.2), with Wilson intervals on the
    base ``n`` (the report does not print the base of Figure 2-7)."""
    origin = published.table("text-2.2", variable="origin", year=SECOND, country="NL")
    origin["code"] = [md.code_of("origin", i) for i in origin["item"]]
    origin = origin.sort_values("code").reset_index(drop=True)
    origin["answer"] = [ch.option("origin", i) for i in origin["item"]]
    origin["pct"] = origin["value"].astype(float)
    origin["ci_low"], origin["ci_high"] = zip(*[stats.pct_ci(p, n) for p in origin["pct"]], strict=False)
    return origin


def implied_from_elsewhere(innovators: dict, from_elsewhere: dict) -> pd.DataFrame:
    """The share of innovations from elsewhere in each wave: the base of Table B1-2 (asked only of
    those innovations) over the base of Table B1-3 (all innovators), with Wilson intervals."""
    implied = pd.DataFrame({"wave": [FIRST, SECOND],
                            "innovators (base of B1-3)": [innovators[y] for y in (FIRST, SECOND)],
                            "inspired or copied (base of B1-2)": [from_elsewhere[y] for y in (FIRST, SECOND)]})
    implied["from elsewhere (%)"] = 100 * implied.iloc[:, 2] / implied.iloc[:, 1]
    implied["95% CI low"], implied["95% CI high"] = zip(*[stats.wilson_ci(k, n) for k, n in
                                                         zip(implied.iloc[:, 2], implied.iloc[:, 1], strict=True)], strict=False)
    return implied


def show_origin(ch, origin: pd.DataFrame, implied: pd.DataFrame, innovators: dict) -> None:
    """The two origin tables and the origin figure (published)."""
    ch.table(origin[["answer", "pct", "ci_low", "ci_high"]].rename(columns={
                 "pct": f"{SECOND} (%)", "ci_low": "95% CI low", "ci_high": "95% CI high"}),
             "origin_2025",
             f"{ch.question('origin')}: the most recent innovation, {SECOND} (published: §2.2 and Figure 2-7). "
             f"Base: organisations that implemented an innovation (n = {innovators[SECOND]}, the base of Table "
             "B1-3; the report does not print the base of Figure 2-7). Wilson 95% intervals.",
             formats={"95% CI low": "{:.0f}", "95% CI high": "{:.0f}"})
    ch.table(implied, "from_elsewhere_by_wave",
             "Share of innovations inspired by or copied from elsewhere, implied by the bases of Table B1-2 "
             "(asked only of those innovations) and Table B1-3 (all innovators), with Wilson 95% intervals.",
             formats={"from elsewhere (%)": "{:.1f}", "95% CI low": "{:.1f}", "95% CI high": "{:.1f}"})
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.2), gridspec_kw={"width_ratios": [3, 2]})
    y = np.arange(len(origin))[::-1]
    left.barh(y, origin["pct"], color=[PALETTE[i] for i in range(len(origin))], alpha=0.85)
    left.errorbar(origin["pct"], y, xerr=[origin["pct"] - origin["ci_low"], origin["ci_high"] - origin["pct"]],
                  fmt="none", ecolor="black", capsize=3)
    left.set_yticks(y, [wrap(a, 34) for a in origin["answer"]], fontsize=8)
    left.set_xlim(0, 100)
    left.set_xlabel(f"innovations {SECOND} (%), 95% interval")
    pct = implied["from elsewhere (%)"]
    right.errorbar([str(w) for w in implied["wave"]], pct,
                   yerr=[pct - implied["95% CI low"], implied["95% CI high"] - pct],
                   fmt="o", color=HIGHLIGHT, capsize=4)
    right.set_ylim(0, 100)
    right.set_ylabel("inspired or copied (%)")
    right.set_title("implied by table bases", loc="left", fontsize=9)
    fig.tight_layout()
    ch.figure(fig, "origin",
              f"Left: {ch.question('origin')} ({SECOND}, published in §2.2/Figure 2-7; base: organisations that "
              f"implemented an innovation, n = {innovators[SECOND]}, taken from Table B1-3). Right: share of "
              f"innovations inspired by or copied from elsewhere in {FIRST} and {SECOND}, implied by the bases of "
              "Tables B1-2 and B1-3. Wilson 95% intervals.",
              "Left: horizontal bars for adapted, new and copied innovations with interval whiskers; adapted "
              "is the largest. Right: two points with intervals for the share from elsewhere in the two waves, "
              "the later one slightly lower, the intervals overlapping.",
              data=pd.concat([origin[["answer", "pct", "ci_low", "ci_high"]].assign(wave=SECOND),
                              implied.rename(columns={"from elsewhere (%)": "pct", "95% CI low": "ci_low",
                                                      "95% CI high": "ci_high"})
                              .assign(answer="inspired or copied (implied)")[["answer", "pct", "ci_low", "ci_high",
                                                                              "wave"]]],
                             ignore_index=True))


def glue_origin_numbers(ch, origin, implied, innovators, from_elsewhere, test) -> None:
    """Glue the origin numbers the prose quotes (besides the three printed shares)."""
    share = implied["from elsewhere (%)"]
    ch.glue("ch04_innov_2025", innovators[SECOND])
    ch.glue("ch04_innov_2021", innovators[FIRST])
    ch.glue("ch04_origin_printed_sum", origin["pct"].sum(), "{:.0f}%")
    ch.glue("ch04_origin_elsewhere_printed", float(origin.loc[origin["code"].isin([1, 3]), "pct"].sum()), "{:.0f}%")
    ch.glue("ch04_elsewhere_2021", share.iloc[0], "{:.1f}%")
    ch.glue("ch04_elsewhere_2025", share.iloc[1], "{:.1f}%")
    ch.glue("ch04_elsewhere_n_2021", from_elsewhere[FIRST])
    ch.glue("ch04_elsewhere_n_2025", from_elsewhere[SECOND])
    ch.glue("ch04_elsewhere_diff", share.iloc[1] - share.iloc[0], "{:+.1f}")
    ch.glue("ch04_elsewhere_p", test.p_value, "{:.2g}")
    ch.glue("ch04_elsewhere_h", test.effect, "{:+.2f}")


# ---------------------------------------------------------------------------- Tables B1-2 to B1-7
def bases_table(ch) -> None:
    """Who answered each question of Tables B1-2 to B1-7 (published bases)."""
    bases = pd.DataFrame([{"table": sid, "question": ch.question(v), "who was asked": BASE[sid],
                           f"n {FIRST}": int(published.value(sid, year=FIRST, statistic="n")),
                           f"n {SECOND}": int(published.value(sid, year=SECOND, statistic="n"))}
                          for sid, v in TABLES.items()])
    ch.table(bases, "bases", "Who answered each question of Tables B1-2 to B1-7 (published bases).")


def labelled(ch, sid: str, res: pd.DataFrame) -> pd.DataFrame:
    """The comparison of one annex table with each option's code and label and a Wilson interval
    on each wave's percentage."""
    variable = TABLES[sid]
    res["code"] = [md.code_of(variable, i) for i in res["item"]]
    res["answer"] = [ch.option(variable, i) for i in res["item"]]
    for y in (FIRST, SECOND):
        res[f"low_{y}"], res[f"high_{y}"] = zip(*[stats.pct_ci(p, int(n)) for p, n in
                                                 zip(res[f"pct_{y}"], res[f"n_{y}"], strict=True)], strict=False)
    res.insert(0, "table", sid)
    return res


def change_tables(ch, fam: dict) -> None:
    """One table per annex table: percentages, intervals, change, Cohen's h and Holm p."""
    for sid, res in fam.items():
        view = pd.DataFrame({
            "answer": res["answer"],
            f"{FIRST} (%)": res[f"pct_{FIRST}"],
            f"95% CI {FIRST}": [interval(a, b) for a, b in zip(res[f"low_{FIRST}"], res[f"high_{FIRST}"], strict=True)],
            f"{SECOND} (%)": res[f"pct_{SECOND}"],
            f"95% CI {SECOND}": [interval(a, b) for a, b in zip(res[f"low_{SECOND}"], res[f"high_{SECOND}"],
                                                                strict=True)],
            "change (points)": res["diff"],
            "95% CI change": [interval(a, b, "+") for a, b in zip(res["diff_low"], res["diff_high"], strict=True)],
            "Cohen's h": res["cohens_h"], "p": res["p"], "p (Holm)": res["p_holm"], "verdict": res["verdict"],
        })
        n1, n2 = int(res[f"n_{FIRST}"].iloc[0]), int(res[f"n_{SECOND}"].iloc[0])
        several = "" if TABLES[sid] == "evaluation" else " Several answers possible."
        ch.table(view, f"{sid.lower().replace('-', '_')}_change",
                 f"Table {sid}: {ch.question(TABLES[sid])} Base: {BASE[sid]} (n = {n1} in {FIRST}, {n2} in "
                 f"{SECOND}).{several} Published percentages with Wilson 95% intervals; change {SECOND} minus "
                 f"{FIRST} in points (counts reconstructed from the percentages) with Newcombe 95% interval; "
                 "two-proportion z-tests, Holm-corrected within the table.",
                 formats={"change (points)": "{:+.1f}", "Cohen's h": "{:+.2f}", "p": "{:.3f}", "p (Holm)": "{:.3f}"})


def change_plot(results, xlabel):
    """Dot plot of the change per answer option with its interval, one panel per table;
    options significant after Holm (within their table) in colour."""
    blocks = [(sid, r.dropna(subset=["diff"])) for sid, r in results.items()]
    blocks = [(sid, r) for sid, r in blocks if len(r)]
    heights = [len(r) for _, r in blocks]
    fig, axes = plt.subplots(len(blocks), 1, sharex=True, squeeze=False,
                             figsize=(8, 0.2 * sum(heights) + 0.45 * len(blocks) + 0.8),
                             gridspec_kw={"height_ratios": heights})
    for ax, (sid, r) in zip(axes[:, 0], blocks, strict=True):
        y = np.arange(len(r))[::-1]
        sig = r["verdict"].fillna("").str.startswith("significant").to_numpy()
        colours = np.where(sig, HIGHLIGHT, MUTED)
        ax.hlines(y, r["diff_low"], r["diff_high"], color=colours, linewidth=2)
        ax.scatter(r["diff"], y, color=colours, zorder=3, s=16)
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_yticks(y, [short(a, 46) for a in r["answer"]], fontsize=7.5)
        ax.set_ylim(-0.7, len(r) - 0.3)
        ax.set_title(f"{sid}: {TOPIC[sid]}", loc="left", fontsize=9)
    axes[-1, 0].set_xlabel(xlabel)
    handles = [Line2D([], [], color=HIGHLIGHT, marker="o", label="significant after Holm"),
               Line2D([], [], color=MUTED, marker="o", label="not significant")]
    axes[0, 0].legend(handles=handles, loc="lower right", fontsize=7.5)
    fig.tight_layout(rect=(0, 0.4 / fig.get_figheight(), 1, 1))  # room for the data-source mark
    return fig


def changes_figure(ch, fam: dict, allfam: pd.DataFrame) -> None:
    """The change plot of the published tables."""
    fig = change_plot(fam, CHANGE_LABEL)
    n_text = ", ".join(f"{sid} n = {int(r[f'n_{FIRST}'].iloc[0])}/{int(r[f'n_{SECOND}'].iloc[0])}"
                       for sid, r in fam.items())
    ch.figure(fig, "changes_published",
              f"Change between {FIRST} and {SECOND} for every answer option of Tables B1-2 to B1-7 (published), "
              "with Newcombe 95% intervals; in colour the options whose change is significant after Holm "
              "correction within their table. Questions: see the table captions above. Bases: innovators whose "
              "innovation came from elsewhere (B1-2), innovators that collaborated (B1-5), all innovators "
              f"(the others); {n_text} ({FIRST}/{SECOND}).",
              "Six stacked dot plots, one per annex table, each option a dot with a horizontal interval around "
              "the change in points; most intervals cross zero; the rise of 'no collaboration' and the falls of "
              "several collaboration partners stand out to the right and left.",
              data=allfam[["table", "answer", f"pct_{FIRST}", f"n_{FIRST}", f"pct_{SECOND}", f"n_{SECOND}", "diff",
                           "diff_low", "diff_high", "cohens_h", "p", "p_holm", "verdict"]])


def tests_per_table(ch, allfam: pd.DataFrame) -> None:
    """Per annex table: options tested, how many pass 5% before and after Holm, the largest |h|."""
    per_table = (allfam.assign(raw=allfam["p"] < 0.05, holm=allfam["p_holm"] < 0.05)
                 .groupby("table").agg(**{"answer options": ("item", "size"),
                                          "p < 0.05 (uncorrected)": ("raw", "sum"),
                                          "significant after Holm": ("holm", "sum"),
                                          "largest |h|": ("cohens_h", lambda h: h.abs().max())})
                 .reset_index())
    per_table.insert(1, "topic", [TOPIC[t] for t in per_table["table"]])
    ch.table(per_table, "tests_per_table",
             f"Per annex table: answer options tested ({FIRST} against {SECOND}), how many differ at the 5% level "
             "on their own and after Holm correction within the table, and the largest effect size (published).",
             formats={"largest |h|": "{:.2f}"})


def answer_row(fam: dict, sid: str, code: int) -> pd.Series:
    """One answer option's row of the comparison of table ``sid``."""
    return fam[sid].set_index("code").loc[code]


def glue_table_numbers(ch, fam: dict, allfam: pd.DataFrame, omnibus) -> None:
    """Glue the numbers the prose quotes about Tables B1-2 to B1-7: counts of significant
    options, the lists of them, the evaluation test and the most named option of four tables."""
    def pct(x):
        return f"{x:.0f}%"

    sig = allfam[allfam["verdict"].str.startswith("significant")]
    raw_only = allfam[(allfam["p"] < 0.05) & ~allfam["verdict"].str.startswith("significant")]
    ch.glue("ch04_n_items", len(allfam))
    ch.glue("ch04_n_raw", int((allfam["p"] < 0.05).sum()))
    ch.glue("ch04_n_holm", len(sig))
    ch.glue("ch04_sig_list", "; ".join(
        f"{r.answer} ({r.table}: {pct(getattr(r, f'pct_{FIRST}'))} → {pct(getattr(r, f'pct_{SECOND}'))}, "
        f"h = {r.cohens_h:+.2f})" for r in sig.itertuples()))
    ch.glue("ch04_raw_only_list", "; ".join(
        f"{r.answer} ({r.table}: {pct(getattr(r, f'pct_{FIRST}'))} → {pct(getattr(r, f'pct_{SECOND}'))}, "
        f"p = {r.p:.3f}, Holm p = {r.p_holm:.2f})" for r in raw_only.itertuples()))
    ch.glue("ch04_max_abs_h", sig["cohens_h"].abs().max(), "{:.2f}")
    ch.glue("ch04_max_h_mag", ch.say(compare.magnitude(sig["cohens_h"].abs().max())))
    nocollab, plan = answer_row(fam, "B1-4", 10), answer_row(fam, "B1-7", 5)
    ch.glue("ch04_nocollab_h", nocollab["cohens_h"], "{:+.2f}")
    ch.glue("ch04_nocollab_pholm", nocollab["p_holm"], "{:.1e}")
    ch.glue("ch04_eval_plan_2021", plan[f"pct_{FIRST}"], "{:.0f}%")
    ch.glue("ch04_eval_plan_2025", plan[f"pct_{SECOND}"], "{:.0f}%")
    ch.glue("ch04_eval_plan_p", plan["p"], "{:.3f}")
    ch.glue("ch04_eval_plan_pholm", plan["p_holm"], "{:.2f}")
    evaluated = fam["B1-7"].set_index("code").loc[[1, 2]]
    ch.glue("ch04_evaluated_focus", evaluated[f"pct_{ch.year}"].sum(), "{:.0f}%")
    ch.glue("ch04_omnibus_p", omnibus.p_value, "{:.3f}")
    ch.glue("ch04_omnibus_v", omnibus.effect, "{:.2f}")
    ch.glue("ch04_focus_year", ch.year)
    top = {sid: fam[sid].sort_values(f"pct_{ch.year}", ascending=False).iloc[0]
           for sid in ("B1-2", "B1-3", "B1-4", "B1-6")}
    ch.glue("ch04_top_channel", top["B1-2"]["answer"])
    ch.glue("ch04_top_channel_pct", top["B1-2"][f"pct_{ch.year}"], "{:.0f}%")
    ch.glue("ch04_top_initiative", top["B1-3"]["answer"])
    ch.glue("ch04_top_initiative_pct", top["B1-3"][f"pct_{ch.year}"], "{:.0f}%")
    ch.glue("ch04_top_partner", top["B1-4"]["answer"])
    ch.glue("ch04_top_partner_pct", top["B1-4"][f"pct_{ch.year}"], "{:.0f}%")
    ch.glue("ch04_top_funding", top["B1-6"]["answer"])
    ch.glue("ch04_top_funding_pct", top["B1-6"][f"pct_{ch.year}"], "{:.0f}%")


# ---------------------------------------------------------------------------- erratum E07
def counts_for(pct, n):
    """Every count out of n that rounds (half up) to the printed percentage."""
    return [k for k in range(n + 1) if math.floor(100 * k / n + 0.5) == round(pct)]


def e07_table(ch, fam: dict) -> pd.DataFrame:
    """The printed base of Table B1-5 beside the range of collaborators Table B1-4 allows."""
    rows = []
    b14 = fam["B1-4"].set_index("code")
    for y in (FIRST, SECOND):
        n = int(b14.loc[10, f"n_{y}"])
        no, dk = counts_for(b14.loc[10, f"pct_{y}"], n), counts_for(b14.loc[11, f"pct_{y}"], n)
        printed = int(fam["B1-5"][f"n_{y}"].iloc[0])
        low, high = n - max(no) - max(dk), n - min(no) - min(dk)
        rows.append({"wave": y, "innovators (B1-4)": n, "no collaboration (%)": b14.loc[10, f"pct_{y}"],
                     "don't know (%)": b14.loc[11, f"pct_{y}"], "implied collaborators, min": low,
                     "implied collaborators, max": high, "printed base of B1-5": printed,
                     "consistent": low <= printed <= high})
    e07 = pd.DataFrame(rows)
    ch.table(e07, "b1_5_base",
             "The base of Table B1-5 beside the number of collaborating innovators implied by Table B1-4 "
             "(published; every count compatible with the rounded percentages).")
    return e07


def glue_e07(ch, e07: pd.DataFrame, shift: float, same: bool) -> None:
    """Glue the erratum's numbers: the range, the printed bases, and the sensitivity's result
    (``shift``: the largest change of a p-value; ``same``: whether every verdict stays)."""
    e = e07.set_index("wave")
    ch.glue("ch04_e07_low", int(e.loc[SECOND, "implied collaborators, min"]))
    ch.glue("ch04_e07_high", int(e.loc[SECOND, "implied collaborators, max"]))
    ch.glue("ch04_e07_printed", int(e.loc[SECOND, "printed base of B1-5"]))
    ch.glue("ch04_e07_printed_2021", int(e.loc[FIRST, "printed base of B1-5"]))
    ch.glue("ch04_e07_ok_2021", ch.say("within") if e.loc[FIRST, "consistent"] else ch.say("outside"))
    ch.glue("ch04_e07_shift", shift, "{:.3f}")
    ch.glue("ch04_e07_same", ch.say("none of the verdicts changes") if same else ch.say("some verdicts change"))


# ---------------------------------------------------------------------------- Denmark (Figure 2-9)
DIRECTIONS = [(2, "Denmark"), (7, "Denmark"), (11, "Denmark"), (6, "Denmark"),
              (1, "Netherlands"), (3, "Netherlands"), (4, "Netherlands")]


def figure_2_9_table(ch, fam: dict, n: int) -> None:
    """The directions of Figure 2-9 (report's text) beside the Dutch shares of Table B1-3."""
    b13 = fam["B1-3"].set_index("code")
    fig29 = pd.DataFrame([{
        "source of the initiative": b13.loc[c, "answer"],
        "more often in (report's text)": ch.group("DK" if c_ == "Denmark" else "NL", "country"),
        f"{ch.group('NL', 'country')} {SECOND} (%)": b13.loc[c, f"pct_{SECOND}"],
        "95% CI": interval(b13.loc[c, f"low_{SECOND}"], b13.loc[c, f"high_{SECOND}"]),
        f"{ch.group('DK', 'country')} 2023 (%)": "not printed"} for c, c_ in DIRECTIONS])
    ch.table(fig29, "figure_2_9",
             f"Figure 2-9: the reasons to innovate that the text says differ between the Netherlands and Denmark, "
             f"with the Dutch percentage of Table B1-3 ({SECOND}; base: innovators, n = {n}). "
             "Danish percentages are only drawn in the figure.")


def funding_sensitivity(ch, nl_own, nl_n, dk_own, dk_n, dk_resp) -> int:
    """The Dutch-Danish own-budget test for a range of assumed Danish bases (table), and the
    smallest Danish base from which the difference is significant at 5% (returned)."""
    grid = sorted({25, 50, 100, 250, 500, dk_n, dk_resp})
    sensitivity = pd.DataFrame([{"assumed Danish base": n, "z": r.statistic, "p": r.p_value,
                                 "Cohen's h": r.effect, "verdict": r.verdict()}
                                for n in grid for r in [stats.two_proportions(nl_own, nl_n, dk_own, n)]])
    sensitivity["assumption"] = np.where(sensitivity["assumed Danish base"] == dk_n, "innovators (used)",
                                         np.where(sensitivity["assumed Danish base"] == dk_resp,
                                                  "all participants", ""))
    p_by_n = {n: stats.two_proportions(nl_own, nl_n, dk_own, n).p_value for n in range(2, dk_resp + 1)}
    not_sig = [n for n, p in p_by_n.items() if p >= 0.05]
    ch.table(sensitivity, "nl_dk_funding",
             f"Funded from the organisation's own budget: {ch.group('NL', 'country')} {SECOND} ({nl_own:.0f}%, "
             f"n = {nl_n} innovators) against {ch.group('DK', 'country')} 2023 ({dk_own:.0f}%, base not printed), "
             "two-proportion z-test for a range of assumed Danish bases (published: §2.2, §2.1).",
             formats={"z": "{:.1f}", "p": "{:.1e}", "Cohen's h": "{:+.2f}"})
    return max(not_sig) + 1 if not_sig else 2


def funding_figure(ch, nl_own, nl_n, dk_own, dk_n, dk_resp) -> None:
    """The Danish 95% interval of own-budget funding for every assumed base, beside the Dutch one."""
    ns = np.unique(np.round(np.geomspace(10, dk_resp, 80)).astype(int))
    band = np.array([stats.pct_ci(dk_own, int(n)) for n in ns])
    nl_ci = stats.pct_ci(nl_own, nl_n)
    fig, ax = plt.subplots(figsize=(7, 3.6))
    ax.fill_between(ns, band[:, 0], band[:, 1], color=PALETTE[1], alpha=0.35,
                    label=f"{ch.group('DK', 'country')}: {dk_own:.0f}%, 95% interval for an assumed base")
    ax.axhspan(*nl_ci, color=PALETTE[0], alpha=0.3,
               label=f"{ch.group('NL', 'country')}: {nl_own:.0f}%, 95% interval (n = {nl_n})")
    ax.axvline(dk_n, color=REFERENCE, linestyle="--", label=f"base used ({dk_n})")
    ax.set_xscale("log")
    ax.set_ylim(0, 100)
    ax.set_xlabel("assumed Danish base (organisations, log scale)")
    ax.set_ylabel("funded from own budget (%)")
    ax.legend(loc="lower right", fontsize=8)
    ch.figure(fig, "nl_dk_funding",
              f"{ch.question('funding_source')} Answer 'from the own budget': {ch.group('NL', 'country')} {SECOND} "
              f"(base: innovators, n = {nl_n}) and {ch.group('DK', 'country')} 2023 (base not printed), with the "
              "Danish 95% interval for every assumed base (published: §2.2; Danish participants and innovation "
              "rate from §2.1).",
              "A horizontal blue band near the top for the Dutch share and an orange band lower down for the "
              "Danish share that narrows as the assumed base grows; the bands never overlap, even at a base of ten.",
              data=pd.DataFrame({"assumed Danish base": ns, "dk_low": band[:, 0], "dk_high": band[:, 1],
                                 "nl_low": nl_ci[0], "nl_high": nl_ci[1]}))


# ---------------------------------------------------------------------------- claims check
def paired(fam, claim, source, sid, a, b, claimed=True):
    """A claim that option ``a`` is named more than option ``b`` of the same question: McNemar's
    test at both extremes of the unprinted overlap (decided only if both agree)."""
    r = fam[sid].set_index("code")
    n = int(r.loc[a, f"n_{SECOND}"])
    low, high = stats.mcnemar_bounds(r.loc[a, f"pct_{SECOND}"], r.loc[b, f"pct_{SECOND}"], n)
    v_low, v_high = stats.claim_check(claimed, low), stats.claim_check(claimed, high)
    verdict = v_low if v_low == v_high else ("undecided: supported only if few organisations chose both "
                                             "options; the report does not print the overlap")
    test = (f"McNemar bounds, {SECOND}: '{short(r.loc[a, 'answer'], 40)}' ({r.loc[a, f'pct_{SECOND}']:.0f}%) "
            f"vs '{short(r.loc[b, 'answer'], 40)}' ({r.loc[b, f'pct_{SECOND}']:.0f}%), n = {n}")
    return {"claim": claim, "source": source, "test": test, "p (lowest)": low.p_value,
            "p (highest)": high.p_value, "effect (h)": low.effect, "verdict": verdict}


def unpaired(claim, source, test, result, claimed):
    """A claim about two independent groups, checked with a test already computed."""
    return {"claim": claim, "source": source, "test": test, "p (lowest)": result.p_value,
            "p (highest)": result.p_value, "effect (h)": result.effect,
            "verdict": stats.claim_check(claimed, result)}


def untestable(claim, source, why):
    """A claim the published numbers cannot check."""
    return {"claim": claim, "source": source, "test": why, "p (lowest)": np.nan, "p (highest)": np.nan,
            "effect (h)": np.nan, "verdict": "cannot be checked on the published numbers"}


def claims_table(ch, fam, implied, elsewhere_test, nl_dk, funding: dict) -> pd.DataFrame:
    """The claims of §2.2, paraphrased, each with its test on the published numbers (table).
    ``funding``: nl_own, nl_n, dk_own, dk_n and break_even of the Dutch-Danish comparison."""
    b12, b13 = fam["B1-2"].set_index("code"), fam["B1-3"].set_index("code")
    staff = [1, 2, 3, 4]           # networks, earlier experience, visits, conferences
    other = [5, 6, 7, 8, 9]        # media, literature, politics (not 'other' or 'don't know')
    weakest_staff = b12.loc[staff, f"pct_{SECOND}"].idxmin()
    strongest_other = b12.loc[other, f"pct_{SECOND}"].idxmax()
    external = [c for c in b13.index if c not in (1, 2, 15, 16)]
    strongest_external = b13.loc[external, f"pct_{SECOND}"].idxmax()
    b15 = fam["B1-5"].set_index("code")
    top_phase = b15.loc[[1, 2, 3, 4], f"pct_{SECOND}"].idxmax()
    next_phase = b15.loc[[c for c in (1, 2, 3, 4) if c != top_phase], f"pct_{SECOND}"].idxmax()
    f = funding
    claims = pd.DataFrame([
        unpaired("Compared with 2021, innovations were a little more often developed in-house and a little less "
                 "often based on solutions from elsewhere; the differences are small and not significant.",
                 "§2.2, text on Figure 2-7",
                 f"two-proportion z-test on the share from elsewhere implied by the bases of B1-2 and B1-3 "
                 f"({implied['from elsewhere (%)'].iloc[0]:.1f}% vs {implied['from elsewhere (%)'].iloc[1]:.1f}%)",
                 elsewhere_test, claimed=False),
        untestable("How organisations innovate differs clearly by size: large ones more often develop or adapt, "
                   "small ones more often copy.", "§2.2, Figure 2-8",
                   "Figure 2-8 prints no numbers (see the microdata section for the test)"),
        paired(fam, "Most knowledge about innovations from elsewhere arrives through the staff: their networks, "
               "earlier experience, visits and conferences.", "§2.2, on Table B1-2", "B1-2",
               weakest_staff, strongest_other),
        paired(fam, "The initiative for an innovation, too, mostly comes from the organisation's own employees "
               "and managers.", "§2.2, on Table B1-3", "B1-3", 1, strongest_external),
        paired(fam, "Partners take part in every phase, but most of all in developing or adapting the solution.",
               "§2.2, on Table B1-5", "B1-5", top_phase, next_phase),
        untestable("In Denmark the initiative comes more often from managers, reorganisations, financial pressure "
                   "and citizens; in the Netherlands more often from employees, new technology and innovations "
                   "seen elsewhere.", "§2.2, Figure 2-9", "Figure 2-9 prints no numbers"),
        unpaired("Dutch innovations are far more often funded from own resources than Danish ones.",
                 "§2.2, text beside Figure 2-9",
                 f"two-proportion z-test, {f['nl_own']:.0f}% (n = {f['nl_n']}) vs {f['dk_own']:.0f}% "
                 f"(assumed n = {f['dk_n']}; significant for any n ≥ {f['break_even']})", nl_dk, claimed=True),
    ])
    ch.table(claims, "claims",
             "Claims of §2.2 about how innovations come about, paraphrased, with the test of each on the published "
             "numbers and a verdict (stats.claim_check at the 5% level).",
             formats={"p (lowest)": "{:.2g}", "p (highest)": "{:.2g}", "effect (h)": "{:+.2f}"})
    return claims


def glue_claims(ch, claims: pd.DataFrame) -> None:
    """Glue how many claims were checked, supported, undecided or untestable."""
    checked = claims[claims["p (lowest)"].notna()]
    ch.glue("ch04_claims_n", len(claims))
    ch.glue("ch04_claims_checked", len(checked))
    ch.glue("ch04_claims_supported", int((checked["verdict"] == "supported").sum()))
    ch.glue("ch04_claims_undecided", int(checked["verdict"].str.startswith("undecided").sum()))
    ch.glue("ch04_claims_untestable", int(claims["p (lowest)"].isna().sum()))


def glue_exercises(ch, fam: dict) -> None:
    """Glue the results the worked solutions of the exercises state (published layer): how many
    options of Table B1-4 change verdict under Bonferroni instead of Holm, and, for the B1-5
    claim (the most named phase against the next), the smallest overlap of the two answers for
    which McNemar's test is significant at 5%, beside the largest overlap possible."""
    from statsmodels.stats.multitest import multipletests

    b14 = fam["B1-4"]
    bonferroni = multipletests(b14["p"], alpha=0.05, method="bonferroni")[0]
    ch.glue("ch04_ex_bonf_changed", int((bonferroni != (b14["p_holm"] < 0.05).to_numpy()).sum()))
    b15 = fam["B1-5"].set_index("code")
    top = b15.loc[[1, 2, 3, 4], f"pct_{SECOND}"].idxmax()
    after = b15.loc[[c for c in (1, 2, 3, 4) if c != top], f"pct_{SECOND}"].idxmax()
    n = int(b15.loc[top, f"n_{SECOND}"])
    k1, k2 = (stats.count_from_pct(b15.loc[c, f"pct_{SECOND}"], n) for c in (top, after))
    both = range(max(0, k1 + k2 - n), min(k1, k2) + 1)
    significant = [x for x in both if k1 + k2 - 2 * x > 0
                   and sps.chi2.sf((k1 - k2) ** 2 / (k1 + k2 - 2 * x), 1) < 0.05]
    ch.glue("ch04_ex_phase_top", b15.loc[top, "answer"])
    ch.glue("ch04_ex_phase_next", b15.loc[after, "answer"])
    ch.glue("ch04_ex_phase_k1", k1)
    ch.glue("ch04_ex_phase_k2", k2)
    ch.glue("ch04_ex_phase_n", n)
    ch.glue("ch04_ex_overlap_min", min(significant) if significant else np.nan, "{:.0f}")
    ch.glue("ch04_ex_overlap_max", min(k1, k2))


# ---------------------------------------------------------------------------- microdata: routing
def routing_table(ch, present: list, in_sector: dict) -> None:
    """Who was asked each question of the chapter, and who answered, per wave present (typed)."""
    routing = []
    for v in VARIABLES:
        cols = md.items(v)
        first_col = md.column(cols[0])
        asked = ch.asked(cols[0])
        has_answer = ch.where(cols[0]) if len(cols) == 1 else ch.answered(*cols)
        answered = ch.split(asked, {"answered": has_answer})["answered"]  # asked = answered + not
        entry = {"question": ch.question(v), "who was asked": md.UNIVERSES[first_col.universe]}
        for w in present:
            entry[f"asked {w}"] = ch.count(asked, wave=w, **in_sector)
            entry[f"answered {w}"] = ch.count(answered, wave=w, **in_sector)
        routing.append(entry)
    ch.table(pd.DataFrame(routing), "routing",
             ch.text("Who was asked each question of this chapter, and who answered, {sectors} (recomputed from "
                     "the microdata). Organisations outside a question's group are missing by design.",
                     sectors=ch.fixed(ch.sector_label)),
             labels=("question", "who was asked"))


# ---------------------------------------------------------------------------- microdata: options by wave
def question_options(ch, variable):
    """Per answer option of ``variable`` (codes from the codebook): who was asked and answered
    (the base) and who chose the option, as measures."""
    cols = [c for c in md.items(variable) if md.column(c).kind == "option"]
    if cols:  # several answers: one 0/1 column per option, each with its own base
        return {int(c.rsplit("_", 1)[1]): (ch.asked(c) & ch.where(c), ch.where(c, 1)) for c in cols}
    base = ch.asked(variable) & ch.where(variable)
    hits = {int(code): ch.where(variable, int(code)) for code in md.column(variable).codes}
    ch.split_exactly(base, hits)  # one answer each: the options add up to the base
    return {code: (base, hit) for code, hit in hits.items()}


def compare_waves(ch, options, present, in_sector):
    """Per option: count, base and share in each wave present (typed); with both waves, the
    change in points with its Newcombe 95% interval, Cohen's h and the Holm-corrected p within
    the question (compare.compare_items on the plain shares), each resting on the two shares it
    compares, and the verdict resting on that p."""
    rows = []
    for code, (base, hit) in options.items():
        row = {"code": code}
        for w in present:
            row[f"count_{w}"] = ch.count(base & hit, wave=w, **in_sector)
            row[f"n_{w}"] = ch.count(base, wave=w, **in_sector)
            row[f"pct_{w}"] = ch.share(base, hit, wave=w, **in_sector)
        rows.append(row)
    out = pd.DataFrame(rows)
    if len(present) < 2:
        return out
    plain = pd.DataFrame({"item": out["code"], **{c: out[c].map(ch.plain) for c in
                                                  (f"pct_{FIRST}", f"n_{FIRST}", f"pct_{SECOND}", f"n_{SECOND}")}})
    res = compare.compare_items(plain, first=FIRST, second=SECOND)
    shares = list(zip(out[f"pct_{FIRST}"], out[f"pct_{SECOND}"], strict=True))
    for col in ("diff", "diff_low", "diff_high", "cohens_h"):
        out[col] = [ch.statistic(v, on=[a, b]) for v, (a, b) in zip(res[col], shares, strict=True)]
    # A Holm-corrected p depends on every p of its family (the question's options), so it rests
    # on all their shares.
    family = [s for pair in shares for s in pair]
    out["p_holm"] = [ch.statistic(v, on=family) for v in res["p_holm"]]
    out["verdict"] = [ch.verdict(v, on=[p]) for v, p in zip(res["verdict"], out["p_holm"], strict=True)]
    return out


def pearson_test(data, x, y):
    """Pearson's chi-square test of independence (pingouin): chi2, dof, pval, cramer; NaN where
    the data do not allow it (a single row or column)."""
    try:
        with warnings.catch_warnings():  # pingouin warns on small counts; the tables show them
            warnings.simplefilter("ignore")
            _, _, test = pg.chi2_independence(data, x=x, y=y)
        return test.set_index("test").loc["pearson"]
    except (ValueError, ZeroDivisionError, KeyError):
        return pd.Series({"chi2": np.nan, "dof": np.nan, "pval": np.nan, "cramer": np.nan})


def origin_by_wave_table(ch, origin_cmp) -> None:
    """The origin question by wave, with the tests of each option (typed)."""
    view = origin_cmp[["answer", f"count_{FIRST}", f"n_{FIRST}", f"pct_{FIRST}", f"count_{SECOND}",
                       f"n_{SECOND}", f"pct_{SECOND}", "diff", "cohens_h", "p_holm", "verdict"]]
    ch.table(view.rename(columns={"diff": "change (points)", "p_holm": "p (Holm)"}), "origin_by_wave_md",
             ch.text("{question}, by wave, {sectors} (recomputed from the microdata; base: innovators who "
                     "answered). Two-proportion z-tests, Holm within the question.",
                     question=ch.fixed(ch.question("origin")), sectors=ch.fixed(ch.sector_label)),
             labels=("answer",),
             formats={f"pct_{FIRST}": "{:.1f}", f"pct_{SECOND}": "{:.1f}", "change (points)": "{:+.1f}",
                      "cohens_h": "{:+.2f}", "p (Holm)": "{:.3f}"})


def origin_answers(ch, present) -> pd.DataFrame:
    """Plain rows of the innovators with a codable origin in the waves present (for the test)."""
    md_data = pd.concat([ch.wave(w) for w in present], ignore_index=True)
    answered = md_data[md_data["innovated"].eq(1) & md_data["origin"].isin([1, 2, 3])].astype({"origin": "string"})
    answered["wave"] = answered["wave"].astype("string")
    return answered


# ---------------------------------------------------------------------------- microdata: origin by size
def adjusted_residuals(observed: pd.DataFrame):
    """Expected counts under independence and adjusted standardised residuals of a crosstab
    (NaN for an empty row)."""
    obs = observed.to_numpy().astype(float)
    n_tot = obs.sum()
    with np.errstate(divide="ignore", invalid="ignore"):  # an empty size class has no residuals
        exp = obs.sum(axis=1, keepdims=True) * obs.sum(axis=0, keepdims=True) / n_tot
        adjusted = (obs - exp) / np.sqrt(exp * (1 - obs.sum(axis=1, keepdims=True) / n_tot)
                                         * (1 - obs.sum(axis=0, keepdims=True) / n_tot))
    return exp, adjusted


def permutation_p(inn: pd.DataFrame, levels, rng, n_perm: int = 2000) -> float:
    """Permutation p-value of the chi-square statistic of size class by origin: origin shuffled
    against size class ``n_perm`` times (seeded ``rng``)."""
    perm = inn[inn["size_class"].isin(levels)]
    sizes_idx = pd.Categorical(perm["size_class"], categories=list(levels)).codes
    origin_idx = perm["origin"].astype(int).to_numpy() - 1

    def chi2_stat(a, b):
        table = np.zeros((len(levels), 3))
        np.add.at(table, (a, b), 1)
        e = table.sum(1, keepdims=True) * table.sum(0, keepdims=True) / table.sum()
        return float(np.nansum(np.where(e > 0, (table - e) ** 2 / np.where(e > 0, e, 1), 0)))

    if not len(perm):
        return np.nan
    stat0 = chi2_stat(sizes_idx, origin_idx)
    perms = np.array([chi2_stat(sizes_idx, rng.permutation(origin_idx)) for _ in range(n_perm)])
    return (1 + (perms >= stat0 - 1e-12).sum()) / (1 + len(perms))


def about_figure_2_8(ch):
    """Why the shares by size are not the report's (typed: a fixed phrase)."""
    # Synthetic shares must not stand in for Figure 2-8: they are the generator's assumption A11.
    if ch.synthetic:
        return ch.fixed("the shares follow the generator's assumption A11 and are not values of the report, "
                        "which draws this crossing only as an image")
    return ch.fixed("the report's Figure 2-8 draws this crossing as an image, without values")


def origin_by_size(ch, adjusted) -> tuple[pd.DataFrame, object]:
    """The origin by size class table of the focus year (typed counts, shares and adjusted
    residuals) and the number of innovators it rests on."""
    short_names = origin_short(ch)
    pct_cols = [f"% {short_names[c]}" for c in SIZE_ORIGINS]
    inn_base = ch.where("innovated", 1) & ch.where("origin", list(SIZE_ORIGINS))
    size_parts = ch.split_exactly(inn_base, {c: ch.where("origin", c) for c in SIZE_ORIGINS})
    all_sizes = {**ch.focus(), "size_class": SIZES}  # those with a size class
    size_n = ch.count(inn_base, **all_sizes)
    origin_n = {c: ch.count(size_parts[c], **all_sizes) for c in SIZE_ORIGINS}
    rows = []
    for i, s in enumerate(SIZES):
        group = {**ch.focus(), "size_class": s}
        row = {"size class": ch.group(s, "size")}
        for c in SIZE_ORIGINS:
            row[f"n {short_names[c]}"] = ch.count(size_parts[c], **group)
        row["innovators"] = ch.count(inn_base, **group)
        for j, c in enumerate(SIZE_ORIGINS):
            row[f"% {short_names[c]}"] = ch.share(inn_base, ch.where("origin", c), **group)
            # a residual rests on its cell, its row and column totals and the table's total
            row[f"adj. residual {short_names[c]}"] = ch.statistic(
                adjusted[i, j], on=[row[f"n {short_names[c]}"], row["innovators"], origin_n[c], size_n])
        rows.append(row)
    wide = pd.DataFrame(rows)
    r_cols = [c for c in wide.columns if c.startswith("adj. residual")]
    ch.table(wide, "origin_by_size_md",
             ch.text("{question}, by size class, {year}, {sectors} (recomputed from the microdata; {about}; base: "
                     "innovators who answered, 'other / don't know' left out). Adjusted standardised residuals: "
                     "|r| > 2 marks a cell that departs from independence.",
                     question=ch.fixed(ch.question("origin")),
                     year=ch.fixed(ch.year), sectors=ch.fixed(ch.sector_label), about=about_figure_2_8(ch)),
             labels=("size class",),
             formats={**{c: "{:.0f}" for c in pct_cols}, **{c: "{:+.1f}" for c in r_cols}})
    return wide, size_n


def _origin_by_size_drawer(names: dict, pct_cols: list):
    """A drawing function for the origin-by-size figure (legend ``names``, segments ``pct_cols``)."""
    def draw_origin_by_size(d):
        fig, ax = plt.subplots(figsize=(7, 3.6))
        left = np.zeros(len(d))
        for i, c in enumerate(pct_cols):
            # a segment is stacked only where every segment before it is shown (else it has no place)
            placed = d[pct_cols[:i + 1]].notna().all(axis=1)
            values = pd.to_numeric(d[c], errors="coerce").where(placed, 0).fillna(0).to_numpy()
            ax.barh(d["size class"], values, left=left, color=PALETTE[i], label=names[i + 1])
            left += values
        for y in np.flatnonzero(d[pct_cols].isna().any(axis=1).to_numpy()):
            ax.text(left[y] + 1, y, "rest not shown" if left[y] else "not shown", va="center", fontsize=8,
                    color=MUTED)
        ax.set_xlim(0, 100)
        ax.set_xlabel("innovators (%)")
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.02), ncol=1, fontsize=8, frameon=False)
        fig.tight_layout(rect=(0, 0.4 / fig.get_figheight(), 1, 1))  # room for the data-source mark
        return fig
    return draw_origin_by_size


def origin_by_size_figure(ch, wide, size_n) -> None:
    """Stacked bars of origin by size class (typed data; the gate draws what it releases)."""
    names = {c: ch.option("origin", c) for c in SIZE_ORIGINS}
    pct_cols = [f"% {origin_short(ch)[c]}" for c in SIZE_ORIGINS]
    ch.figure(_origin_by_size_drawer(names, pct_cols), "origin_by_size_md",
              ch.text("{question}, by size class, {year}, {sectors} (recomputed from the microdata; {about}). "
                      "Base: innovators who answered (n = {n}).", question=ch.fixed(ch.question("origin")),
                      year=ch.fixed(ch.year), sectors=ch.fixed(ch.sector_label), n=size_n,
                      about=about_figure_2_8(ch)),
              "Stacked horizontal bars, one per size class, splitting innovators into adapted, new and copied "
              "innovations.",
              data=wide, labels=("size class",))


def glue_size_test(ch, wide, size_n, size_pearson, perm_p, exp_tested, adjusted, wave_pearson, wave_cells) -> None:
    """Glue the typed results of the size-class test the recap quotes (every statistic rests on
    the nine counts of its table), the cell furthest from independence, which sentence on what the
    test can tell applies (:func:`glue_size_meaning_view`) and the test by wave."""
    short_names = origin_short(ch)
    n_cols = [c for c in wide.columns if c.startswith("n ")]
    r_cols = [c for c in wide.columns if c.startswith("adj. residual")]
    size_cells = [wide.loc[i, c] for i in range(len(SIZES)) for c in n_cols]
    ch.glue("ch04_md_size_chi2", ch.statistic(size_pearson["chi2"], on=size_cells), "{:.1f}")
    ch.glue("ch04_md_size_df", ch.statistic(size_pearson["dof"], on=size_cells), "{:.0f}")
    ch.glue("ch04_md_size_p", ch.statistic(size_pearson["pval"], on=size_cells), "{:.2g}")
    ch.glue("ch04_md_size_v", ch.statistic(size_pearson["cramer"], on=size_cells), "{:.2f}")
    ch.glue("ch04_md_size_perm_p", ch.statistic(perm_p, on=size_cells), "{:.2g}")
    ch.glue("ch04_md_size_small", ch.statistic(int((exp_tested < 5).sum()), on=size_cells), "{:.0f}")
    ch.glue("ch04_md_size_n", size_n)
    # The cell furthest from independence: which one it is, and that no other cell lies further,
    # rests on the whole table.
    cells = [(abs(adjusted[i, j]), i, j) for i in range(len(SIZES)) for j in range(len(SIZE_ORIGINS))
             if np.isfinite(adjusted[i, j])]
    if cells:
        _, i, j = max(cells)
        residual = ch.statistic(adjusted[i, j], on=[*size_cells, wide.loc[i, r_cols[j]]])
        ch.glue("ch04_md_size_cell", ch.text(
            "'{origin}' innovations among {size} organisations ({direction} than independence implies; "
            "adjusted residual {r:+.1f})",
            origin=ch.verdict(short_names[SIZE_ORIGINS[j]], on=size_cells),
            size=ch.verdict(ch.group(SIZES[i], "size").lower(), on=size_cells),
            direction=ch.verdict("fewer" if adjusted[i, j] < 0 else "more", on=size_cells), r=residual))
    else:
        ch.glue("ch04_md_size_cell", ch.verdict("not computable: no innovator in these data has a codable origin",
                                                on=size_cells))
    glue_size_meaning_view(ch)  # what the test can tell (the sentence is in the notebook)
    ch.glue("ch04_md_wave_p", ch.fixed("no second wave in the configured data") if wave_pearson is None else
            ch.text("p = {p:.2g}, Cramér's V = {v:.2f}", p=ch.statistic(wave_pearson["pval"], on=wave_cells),
                    v=ch.statistic(wave_pearson["cramer"], on=wave_cells)))


def glue_size_meaning_view(ch) -> None:
    """Which sentence on what the size-class test can tell the recap shows (case
    ``ch04_md_size_view``): ``synthetic`` (the association is the generator's assumption A11, built
    in) or ``own`` (a test of the report's claim about size, Figure 2-8). The provenance of the data
    chooses it, not a number of them: the word is fixed (published), as the sentence was."""
    if ch.synthetic:
        ch.glue("ch04_md_size_view", ch.fixed("synthetic"))
    else:
        ch.glue("ch04_md_size_view", ch.fixed("own"))


# ---------------------------------------------------------------------------- microdata: annex tables
def recompute_tables(ch, present, in_sector) -> pd.DataFrame:
    """Tables B1-2 to B1-7 recomputed from the microdata, one row per answer option (typed)."""
    mres = {}
    for sid, variable in TABLES.items():
        r = compare_waves(ch, question_options(ch, variable), present, in_sector)
        r["answer"] = [ch.option(variable, c) for c in r["code"]]
        r.insert(0, "table", sid)
        mres[sid] = r
    return pd.concat(mres.values(), ignore_index=True)


def recomputed_columns(present) -> tuple[list, dict]:
    """The columns of the recomputed tables, and their formats."""
    if len(present) == 2:
        cols = ["table", "answer", f"count_{FIRST}", f"n_{FIRST}", f"pct_{FIRST}", f"count_{SECOND}",
                f"n_{SECOND}", f"pct_{SECOND}", "diff", "diff_low", "diff_high", "cohens_h", "p_holm", "verdict"]
        formats = {f"pct_{FIRST}": "{:.1f}", f"pct_{SECOND}": "{:.1f}", "diff": "{:+.1f}", "diff_low": "{:+.1f}",
                   "diff_high": "{:+.1f}", "cohens_h": "{:+.2f}", "p_holm": "{:.3f}"}
        return cols, formats
    cols = ["table", "answer", *(f"{c}_{w}" for w in present for c in ("count", "n", "pct"))]
    return cols, {f"pct_{w}": "{:.1f}" for w in present}


def recomputed_table(ch, mall, present) -> None:
    """The recomputed annex tables (table) and, with both waves, their change plot (figure)."""
    md_cols, formats = recomputed_columns(present)
    ch.table(mall[md_cols], "annex_tables_md",
             ch.text("Tables B1-2 to B1-7 recomputed from the microdata, {sectors}: per answer option the count, the "
                     "base (those asked who answered) and the percentage in each wave; change (diff, in points) with "
                     "Newcombe 95% interval, Cohen's h and Holm-corrected p within each table.",
                     sectors=ch.fixed(ch.sector_label)),
             labels=("table", "answer"), formats=formats)
    if len(present) < 2:
        return
    ch.figure(draw_changes, "changes_md",
              ch.text("Change between {first} and {second} per answer option of Tables B1-2 to B1-7, {sectors}, "
                      "recomputed from the microdata (bases: those asked each question who answered), with Newcombe "
                      "95% intervals; in colour the changes significant after Holm correction within their table.",
                      first=ch.fixed(FIRST), second=ch.fixed(SECOND), sectors=ch.fixed(ch.sector_label)),
              "Six stacked dot plots of changes per answer option with intervals, as in the published version "
              "above, computed on the configured data.",
              data=mall[md_cols], labels=("table", "answer"))


def draw_changes(d):
    """The change plot of the published tables, for the recomputed ones (one panel per table)."""
    if not d["diff"].notna().any():  # nothing the output check lets us draw
        fig, ax = plt.subplots(figsize=(8, 1.5))
        ax.axis("off")
        ax.text(0.5, 0.5, "no change can be shown", ha="center", va="center")
        return fig
    return change_plot({sid: d[d["table"] == sid] for sid in TABLES}, CHANGE_LABEL)


def shown_tally(ch, name, column, values, match=None):
    """How many cells of ``column`` of the table ``name`` shown above the output check releases
    and, mapped to ``values`` (a Series: row of the table -> plain value), equal ``match``;
    counted over released cells only when the page is rendered (as ``ch.tally`` does for the
    reproduction records)."""
    table = ch.shown(name).loc[values.index]
    return ch.tally(table, column, match, values=values)


def glue_agreement(ch, mall, allfam, present) -> None:
    """Glue which recomputed options changed significantly (a phrase: the count and the list, or
    why none can be computed) and how many recomputed verdicts agree with the published ones."""
    ch.glue("ch04_md_sectors", ch.fixed(ch.sector_label))
    if len(present) < 2:
        ch.glue("ch04_md_changed", ch.text("none can be computed, because the configured data hold only the "
                                           "{year} wave", year=ch.fixed(ch.year)))
        ch.glue("ch04_md_agree", ch.fixed(0))
        ch.glue("ch04_md_agree_n", ch.fixed(0))
        return
    verdicts = mall["verdict"].map(ch.plain)
    significant = verdicts.str.startswith("significant")
    listing = "".join(f"; {r.answer} ({r.table}, {ch.plain(r.diff):+.1f} points)"
                      for r in mall[significant].itertuples())
    ch.glue("ch04_md_changed", ch.text(
        "{k} of the {n} answer options{listing}", n=ch.fixed(len(mall)),
        k=shown_tally(ch, "annex_tables_md", "verdict", significant.map({True: "yes", False: "no"}), "yes"),
        # which options are listed rests on every option's verdict
        listing=ch.verdict(": " + listing[2:] if listing else "", on=list(mall["verdict"]))))
    published_verdict = allfam.set_index(["table", "code"])["verdict"]
    same = pd.Series({i: "same" if published_verdict[(t, c)] == v else "different"
                      for i, (t, c, v) in enumerate(zip(mall["table"], mall["code"], verdicts, strict=True))
                      if (t, c) in published_verdict.index})
    ch.glue("ch04_md_agree", shown_tally(ch, "annex_tables_md", "verdict", same, "same"))
    ch.glue("ch04_md_agree_n", shown_tally(ch, "annex_tables_md", "verdict", same))


# ---------------------------------------------------------------------------- reproduction
def reproduction_table(ch, records) -> None:
    """The reproduction records beside the published numbers (table)."""
    shown = records.assign(item=[short(ch.option(v, i), 45) if i else "(base)" for v, i in
                                 zip(records["variable"], records["item"], strict=True)])
    ch.table(shown[["source_id", "year", "variable", "item", "statistic", "published", "recomputed",
                    "difference", "within", "erratum"]],
             "reproduction", "Published numbers of this chapter beside their values recomputed from the microdata "
             "(tolerance: half a point for percentages, exact for bases).",
             labels=("source_id", "year", "variable", "item", "statistic", "erratum"),
             formats={"published": "{:g}", "recomputed": "{:.1f}", "difference": "{:+.1f}"})


def misses(ch, records):
    """The numbers not reproduced within tolerance, listed (a verdict resting on every
    recomputed value, since which numbers are listed depends on all of them)."""
    missed = records[records["within"].map(ch.plain) != "True"]
    return ch.verdict("none" if missed.empty else "; ".join(
        f"{r.source_id} {r.year} {r.statistic} {short(ch.option(r.variable, r.item), 40) if r.item else '(base)'}: "
        f"{ch.plain(r.published):g} vs {ch.plain(r.recomputed):g}"
        + (f" (erratum {r.erratum})" if isinstance(r.erratum, str) and r.erratum else "")
        for r in missed.itertuples()), on=list(records["recomputed"]))
