"""Plumbing of chapter 10 (sharing what works): the figures, tables and captions of the notebook
``10_knowledge_sharing``, the declarations that tell the output check how its counts add up, and
the Cochran-Armitage trend test. The notebook keeps the tests and the prose."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy import stats as sps

from barometer.analysis import stats
from barometer.book.figures import HIGHLIGHT, MUTED, PALETTE, REFERENCE, wrap
from barometer.data import codebook as md
from barometer.data import published

# Short labels of the origins of an innovation (chapter 4), for the table.
SHORT_ORIGIN = {1: "inspired by elsewhere", 2: "developed new", 3: "largely a copy", 4: "other / don't know"}
MAIN_ORIGINS = (1, 2, 3)  # inspired, developed new, copied: the three the comparison uses


# ---------------------------------------------------------------------------- scope (which sentence applies)
def glue_sector_view(ch) -> None:
    """Which sentence on the sector parameter the Overview shows (case ``ch10_sector_view``: none,
    selected): the report gives no breakdown of sharing by sector."""
    if ch.sector is None:
        ch.glue("ch10_sector_view", "none")
        return
    ch.glue("ch10_sector_view", "selected")
    ch.glue("ch10_sector_name", ch.group(ch.sector))


def glue_degree_view(ch) -> None:
    """What the gradient by degree of change can tell, for the Summary's block of microdata
    results (case ``ch10_degree_view``: synthetic, own): on synthetic data the generator put it
    in; on own data it checks the report. The provenance is a parameter, so this is glued in the
    published part (a word glued in the microdata part would wait for the output check)."""
    if ch.synthetic:
        ch.glue("ch10_degree_view", "synthetic")
    else:
        ch.glue("ch10_degree_view", "own")


# ---------------------------------------------------------------------------- published part
def in_brief_sharing(ch, wave: int) -> None:
    """In brief's chart: the two shares of §2.7 on the base of the innovating organisations."""
    ib_n = int(published.value("B1-3", year=wave, statistic="n"))
    ib = published.table("text-2.7")[["variable", "value", "approx"]].reset_index(drop=True)
    ib["approx"] = ib["approx"].astype(bool)
    ib["question"] = [ch.question(v) for v in ib["variable"]]
    ib["low"], ib["high"] = zip(*[stats.pct_ci(p, ib_n) for p in ib["value"]], strict=True)
    short = {"en": {"applicable_elsewhere": "would also work in\nother organisations",
                    "knowledge_sharing_action": "took action so that\nothers can reuse it"},
             "nl": {"applicable_elsewhere": "ook toepasbaar in\nandere organisaties",
                    "knowledge_sharing_action": "actie ondernomen zodat\nanderen het hergebruiken"}}[ch.lang]
    fig, ax = plt.subplots(figsize=(6.5, 2.2))
    y = np.arange(len(ib))
    ax.barh(y, ib["value"], height=0.6, color=[HIGHLIGHT, PALETTE[1]][: len(ib)],
            xerr=[ib["value"] - ib["low"], ib["high"] - ib["value"]], capsize=3, error_kw={"elinewidth": 1})
    for yy, v, approx in zip(y, ib["value"], ib["approx"], strict=True):
        ax.text(2, yy, ("about " if approx else "") + f"{v:.0f}%", va="center", ha="left", color="white",
                fontsize=9, fontweight="bold")
    ax.set_yticks(y, [short[v] for v in ib["variable"]])
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("innovating organisations (%), 95% interval")
    fig.tight_layout()
    by = ib.set_index("variable")
    app, sh = by.loc["applicable_elsewhere"], by.loc["knowledge_sharing_action"]
    ch.figure(fig, "in_brief_sharing",
              f"Innovating organisations that think their most recent innovation would also work in other "
              f"organisations, and that took action so that others can reuse it, {wave} (published, §2.7; base: "
              f"innovating organisations, n = {ib_n}, Table B1-3), with 95% Wilson intervals. The report gives the "
              "second share only as 'more than half'.",
              f"Two horizontal bars: {app['value']:.0f}% think the innovation would also work elsewhere, about "
              f"{sh['value']:.0f}% took action so that others can reuse it; the intervals "
              f"{'do not overlap' if sh['high'] < app['low'] else 'overlap'}.",
              data=ib[["variable", "question", "value", "approx", "low", "high"]].rename(columns={
                  "value": "yes (%)", "approx": "approximate in the text", "low": "95% CI low",
                  "high": "95% CI high"}))


def show_margins(ch, t27: pd.DataFrame, n: int, wave: int) -> None:
    """The two published shares with Wilson intervals (a table)."""
    rows = []
    for var in ("applicable_elsewhere", "knowledge_sharing_action"):
        pct = float(t27.loc[var, "value"])
        lo, hi = stats.pct_ci(pct, n)
        rows.append({"question": ch.question(var), "yes (%)": pct, "95% CI low": lo, "95% CI high": hi,
                     "approximate in the text": bool(t27.loc[var, "approx"])})
    ch.table(pd.DataFrame(rows), "margins", f"Knowledge sharing, {wave} (published: §2.7). Base: innovating "
             f"organisations (n = {n}, Table B1-3). Wilson 95% intervals.",
             formats={"95% CI low": "{:.0f}", "95% CI high": "{:.0f}"})


def show_gap_test(ch, bounds, applicable: float, shared: float, n: int, wave: int) -> None:
    """McNemar's test of the gap at the largest and the smallest overlap the margins allow (a table)."""
    most_overlap, least_overlap = bounds
    k_app, k_sh = stats.count_from_pct(applicable, n), stats.count_from_pct(shared, n)
    gap = pd.DataFrame([
        {"scenario": "largest overlap (every sharer finds it applicable)",
         "discordant organisations": abs(k_app - k_sh), "chi2": most_overlap.statistic, "p": most_overlap.p_value},
        {"scenario": "smallest overlap the margins allow",
         "discordant organisations": min(k_app + k_sh, 2 * n - k_app - k_sh),
         "chi2": least_overlap.statistic, "p": least_overlap.p_value},
    ])
    gap["Cohen's h"] = most_overlap.effect
    ch.table(gap, "gap_test",
             f"McNemar's test of 'applicable elsewhere' ({applicable:.0f}%) against 'took action to share' "
             f"({shared:.0f}%), {wave}, n = {n} (published margins; the joint table is not printed).",
             formats={"chi2": "{:.1f}", "p": "{:.2g}", "Cohen's h": "{:.2f}"})


def implication_sweep(n: int, n_drastic: int, k_total: int) -> pd.DataFrame:
    """For each possible count of shared drastic changes, the share among the others that keeps
    the total, and a two-proportion test of the two shares."""
    n_rest = n - n_drastic
    sweep = []
    for k_d in range(0, n_drastic + 1):
        k_r = k_total - k_d
        if not 0 <= k_r <= n_rest:
            continue
        test = stats.two_proportions(100 * k_d / n_drastic, n_drastic, 100 * k_r / n_rest, n_rest)
        sweep.append({"drastic: shared (%)": 100 * k_d / n_drastic, "others: shared (%)": 100 * k_r / n_rest,
                      "difference (points)": 100 * (k_d / n_drastic - k_r / n_rest), "p": test.p_value,
                      "Cohen's h": test.effect})
    return pd.DataFrame(sweep)


def show_sweep(ch, sweep: pd.DataFrame, needed: pd.Series, shared: float, n: int, drastic_pct: float,
               wave: int) -> None:
    """The figure of what 'shared much more often' implies."""
    fig, ax = plt.subplots(figsize=(7, 3.8))
    ax.plot(sweep["drastic: shared (%)"], sweep["others: shared (%)"], color=MUTED,
            label="others (rest of the innovators)")
    ax.plot(sweep["drastic: shared (%)"], sweep["drastic: shared (%)"], color=HIGHLIGHT, label="drastic changes")
    ax.axvspan(needed["drastic: shared (%)"], 100, color=HIGHLIGHT, alpha=0.1,
               label="drastic shared significantly more (p < 0.05)")
    ax.set_xlabel("share of drastic changes that were shared (%)")
    ax.set_ylabel("share shared (%)")
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 100)
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    ch.figure(fig, "what_much_more_implies",
              f"What 'shared much more often' implies (Figure 2-22 has no printed numbers): for each possible share of "
              f"drastic changes that were shared, the share among the other innovations that keeps the total at "
              f"{shared:.0f}%. Base: innovating organisations (n = {n}; drastic changes {drastic_pct:.0f}%, §2.1), "
              f"{wave}. Shaded: where a two-proportion test finds drastic changes shared significantly more often "
              "(the claimed direction). Published numbers, our derivation.",
              "Line chart: as the share of drastic changes that were shared rises from 0 to 100, the share among the "
              "others falls slightly; the shaded region on the right marks where the two differ significantly.",
              data=sweep)


# ---------------------------------------------------------------------------- microdata part
def declare_partition(ch, whole, parts) -> None:
    """Tell the output check that ``parts`` split ``whole`` exactly, with nothing left over.

    The answers of a question in the codebook are all the answers there are (yes or no; the three
    degrees of change), and an outsider knows it: a base is the sum of its answers. ``ch.split``
    always adds a remainder the check treats as unknown, so it would miss a small count worked out
    as a total minus the others."""
    ch.split(whole, {str(i): p for i, p in enumerate(parts)}, exhaustive=True)


def declare_nested(ch, whole, part, hit) -> None:
    """``part`` is ``whole`` restricted to those who also answered another question: declare that
    ``whole`` is ``part`` plus the rest (item non-response), among all and among those with ``hit``.
    An outsider knows that a base of one question contains the base of two, so a published total
    can pin a hidden cell through it."""
    rest = whole.without(part)
    declare_partition(ch, whole, [part, rest])
    declare_partition(ch, whole & hit, [part & hit, rest & hit])


def declare_breakdown(ch, whole, parts: dict, acted, not_acted) -> None:
    """``whole`` split by the answers of one question (``parts``), among all and among sharers,
    and each answer's organisations split into those that shared and those that did not."""
    declare_partition(ch, whole, parts.values())
    declare_partition(ch, whole & acted, [p & acted for p in parts.values()])
    for base in parts.values():
        declare_partition(ch, base, [base & acted, base & not_acted])


def joint_cells(ch, both) -> tuple[dict, dict]:
    """The cells of the 2 x 2 table of the two answers, declared as a partition by rows and by
    columns: (rows {answer: measure}, cells {(applicable, shared): measure})."""
    rows = {r: both & ch.where("applicable_elsewhere", r) for r in (0, 1)}
    columns = {c: both & ch.where("knowledge_sharing_action", c) for c in (0, 1)}
    cells = {(r, c): rows[r] & ch.where("knowledge_sharing_action", c) for r in (0, 1) for c in (0, 1)}
    declare_partition(ch, both, rows.values())
    declare_partition(ch, both, columns.values())
    for i in (0, 1):
        declare_partition(ch, rows[i], [cells[i, 0], cells[i, 1]])
        declare_partition(ch, columns[i], [cells[0, i], cells[1, i]])
    return rows, cells


def show_joint_table(ch, rows: dict, cells: dict, group: dict, wave: int) -> pd.DataFrame:
    """The joint table of the two answers (typed counts), shown."""
    joint = pd.DataFrame({
        "applicable elsewhere": ["nee", "ja"] if ch.lang == "nl" else ["no", "yes"],
        "did not share": [ch.count(cells[r, 0], **group) for r in (0, 1)],
        "shared": [ch.count(cells[r, 1], **group) for r in (0, 1)],
        "total": [ch.count(rows[r], **group) for r in (0, 1)]})
    ch.table(joint, "joint_table",
             ch.text("{applicable} × {acted}, {wave}, {sectors} (computed from the microdata). Base: innovating "
                     "organisations answering both.", applicable=ch.fixed(ch.question("applicable_elsewhere")),
                     acted=ch.fixed(ch.question("knowledge_sharing_action")), wave=ch.fixed(wave),
                     sectors=ch.fixed(ch.sector_label)),
             labels=("applicable elsewhere",))
    return joint


def plain_table(ch, frame: pd.DataFrame) -> np.ndarray:
    """The plain numbers behind a frame of typed counts (for a test that needs a numpy table)."""
    return np.array([[ch.plain(v) for v in r] for r in frame.to_numpy()])


def about_2_22(ch):
    """What the shares by degree of change are: Figure 2-22 prints no values, so synthetic shares
    are the generator's assumption A19, never stand-ins for the report's."""
    if not ch.synthetic:
        return ch.fixed("the values behind the report's Figure 2-22, which prints none")
    return ch.fixed("the generator's shares (its assumption A19), not values of the report, whose figure of "
                    "this crossing prints none")


def sharing_by_degree(ch, by_level: dict, acted, group: dict, wave: int) -> pd.DataFrame:
    """Per degree of change: innovations, those shared, the share and its Wilson interval (shown)."""
    rows = []
    for c, base in by_level.items():
        n_c, k_c, share = ch.count(base, **group), ch.count(base & acted, **group), ch.share(base, acted, **group)
        lo, hi = stats.wilson_ci(ch.plain(k_c), ch.plain(n_c)) if ch.plain(n_c) else (np.nan, np.nan)
        rows.append({"degree of change": ch.option("degree_of_change", c), "innovations": n_c, "shared": k_c,
                     "shared (%)": share, "95% CI low": ch.statistic(lo, on=[share]),
                     "95% CI high": ch.statistic(hi, on=[share])})
    by_degree = pd.DataFrame(rows)
    ch.table(by_degree, "sharing_by_degree",
             ch.text("{acted} by {degree}, {wave}, {sectors} (computed from the microdata: {about}). "
                     "Base: innovating organisations. Wilson 95% intervals.",
                     acted=ch.fixed(ch.question("knowledge_sharing_action")),
                     degree=ch.fixed(ch.question("degree_of_change").lower()), wave=ch.fixed(wave),
                     sectors=ch.fixed(ch.sector_label), about=about_2_22(ch)),
             labels=("degree of change",),
             formats={"shared (%)": "{:.1f}", "95% CI low": "{:.0f}", "95% CI high": "{:.0f}"})
    return by_degree


def cochran_armitage(table, scores) -> tuple[float, float]:
    """Two-sided Cochran-Armitage trend test for a k x 2 table (column 1 = success): z and p."""
    table = np.asarray(table, dtype=float)
    n_i, x_i = table.sum(axis=1), table[:, 1]
    total, p = n_i.sum(), x_i.sum() / n_i.sum()
    t = np.sum(scores * (x_i - n_i * p))
    var = p * (1 - p) * (np.sum(scores**2 * n_i) - np.sum(scores * n_i) ** 2 / total)
    z = t / np.sqrt(var)
    return z, 2 * sps.norm.sf(abs(z))


def odds_ratio_text(ch, model, by_degree: pd.DataFrame):
    """The odds ratio per step of the degree of change with its interval, as a phrase of typed
    numbers. With a predictor of three values it is a function of the 3 x 2 table (with the other
    cells it would pin a hidden one), so each number rests on the table too."""
    from barometer.analysis import models

    if not model.ok:
        return ch.text("not available ({why})", why=model.status())
    o = models.odds_ratios(model.result).loc["degree"]

    def of_table(value):
        return ch.statistic(ch.plain(value), on=[value, by_degree])

    return ch.text("{or_:.2f} (95% CI {lo:.2f}–{hi:.2f})", or_=of_table(model.stat(o["OR"], term="degree")),
                   lo=of_table(model.stat(o["ci_low"], term="degree")),
                   hi=of_table(model.stat(o["ci_high"], term="degree")))


def degree_drawer(reference: float | None):
    """The drawing of sharing by degree of change; ``reference`` (own data only) is the published
    overall share of §2.7, a constant of the published part, drawn as a dashed line."""
    def draw_by_degree(d):
        fig, ax = plt.subplots(figsize=(6.5, 3.4))
        x = np.arange(len(d))
        ax.bar(x, d["shared (%)"], color=[PALETTE[0], PALETTE[5], PALETTE[2]][: len(d)], alpha=0.85)
        ax.errorbar(x, d["shared (%)"], yerr=[d["shared (%)"] - d["95% CI low"], d["95% CI high"] - d["shared (%)"]],
                    fmt="none", ecolor="#333333", capsize=4)
        if reference is not None:
            ax.axhline(reference, color=REFERENCE, linestyle="--", linewidth=1,
                       label=f"published total ({reference:.0f}%)")
            ax.legend(fontsize=8)
        ax.set_xticks(x, [wrap(t, 22) for t in d["degree of change"]], fontsize=8)
        ax.set_ylim(0, 100)
        ax.set_ylabel("shared knowledge (%)")
        fig.tight_layout()
        return fig
    return draw_by_degree


def show_degree_figure(ch, by_degree: pd.DataFrame, n, shared: float, wave: int) -> None:
    """The bar chart of sharing by degree of change; on own data with the published overall share."""
    own = not ch.synthetic
    ch.figure(degree_drawer(shared if own else None), "sharing_by_degree",
              ch.text("{acted} by {degree}, {wave}, {sectors}. Base: innovating organisations (n = {n}). Computed from "
                      "the microdata: {about}.{line}",
                      acted=ch.fixed(ch.question("knowledge_sharing_action")),
                      degree=ch.fixed(ch.question("degree_of_change").lower()), wave=ch.fixed(wave),
                      sectors=ch.fixed(ch.sector_label), n=n, about=about_2_22(ch),
                      line=ch.fixed(" Dashed: the published overall share." if own else "")),
              "Bar chart of the share that shared knowledge for innovations that did not change, changed somewhat and "
              "changed drastically the way of working, with interval bars"
              + (" and a dashed line at the published overall share." if own else "."),
              data=by_degree, labels=("degree of change",))


def sharing_by_origin(ch, by_origin: dict, acted, group: dict, wave: int) -> pd.DataFrame:
    """Per origin of the innovation (chapter 4): innovations, those shared and the share (shown)."""
    by_origin_df = pd.DataFrame([{"origin": ch.option("origin", c), "short": SHORT_ORIGIN.get(c, str(c)),
                                  "innovations": ch.count(base, **group), "shared": ch.count(base & acted, **group),
                                  "shared (%)": ch.share(base, acted, **group)} for c, base in by_origin.items()])
    ch.table(by_origin_df, "sharing_by_origin",
             ch.text("{acted} by {origin} (chapter 4), {wave}, {sectors} (computed from the microdata). Base: "
                     "innovating organisations.", acted=ch.fixed(ch.question("knowledge_sharing_action")),
                     origin=ch.fixed(ch.question("origin").lower()), wave=ch.fixed(wave),
                     sectors=ch.fixed(ch.sector_label)),
             labels=("origin", "short"), formats={"shared (%)": "{:.1f}"})
    return by_origin_df


def no_yes_table(ch, rows: pd.DataFrame, index: list) -> pd.DataFrame:
    """The (not shared, shared) table behind rows of typed ``innovations`` and ``shared`` counts."""
    return pd.DataFrame({0: [ch.plain(n) - ch.plain(k) for n, k in zip(rows["innovations"], rows["shared"],
                                                                        strict=True)],
                         1: [ch.plain(k) for k in rows["shared"]]}, index=index)


def options(variable: str) -> list[int]:
    """The codes of a question's answers, from the codebook (rows never come from the data)."""
    return [int(c) for c in md.options_of(variable)["code"]]


def show_reproduction(ch, records: pd.DataFrame) -> None:
    ch.table(records[["source_id", "variable", "statistic", "published", "recomputed", "difference", "tolerance",
                      "within", "approx", "base_n"]],
             "reproduction", "Published numbers of §2.7 beside their values recomputed from the microdata (an "
             "approximate number of the text gets a tolerance of five points).",
             labels=("source_id", "variable", "statistic", "tolerance", "approx"),
             formats={"recomputed": "{:.1f}", "difference": "{:+.1f}"})


def glue_no_pairs(ch, n_both) -> None:
    """No organisation answered both questions: the paired numbers are not available (a verdict
    that rests on that count)."""
    ch.glue("ch10_md_app", ch.verdict("not available", on=[n_both]))
    ch.glue("ch10_md_shared", ch.verdict("not available", on=[n_both]))
    ch.glue("ch10_md_mcnemar_p", ch.verdict("not available", on=[n_both]))
    ch.glue("ch10_md_shared_not_app", ch.verdict("not available", on=[n_both]))
    ch.glue("ch10_md_app_not_shared", ch.verdict("not available", on=[n_both]))

