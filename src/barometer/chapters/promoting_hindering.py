"""Plumbing of chapter 6 (what helps and what hinders): the two readings of Figure 2-12, its
diverging bar charts, and the tables of the published part and the microdata part, so that the
notebook shows the intervals, tests and scale statistics and its prose."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from statsmodels.stats.proportion import confint_proportions_2indep

from barometer.analysis import stats
from barometer.book.figures import DIVERGING, wrap
from barometer.data import codebook as md
from barometer.data import paths, published

#: The five answers (codes 1-5), and which of them hinder, are neutral and promote.
ANSWERS = published.LIKERT_2_12
HINDERED, NEUTRAL, PROMOTED = ANSWERS[:2], ANSWERS[2], ANSWERS[3:]
#: What the report (§2.3) says hinders most and matters least (its Dutch factor labels).
SAID_HINDER = ["Beperkte financiële middelen", "Wet-of regelgeving, politieke akkoorden", "Onze focus op veilig werken"]
SAID_NEUTRAL = ["De manier waarop koepels en (sector-)fondsen bijdragen",
                "De manier waarop non-profit organisaties bijdragen",
                "De manier waarop hoger onderwijs- en onderzoeksinstellingen bijdragen"]
PRIVATE = "De samenwerking met private organisaties/ondernemingen"
#: Below this many complete cases, reliability estimates are too unstable to show.
MIN_N = 20


def n_innovators() -> int:
    """The base of Figure 2-12: the innovating organisations of 2025 (Table B1-9)."""
    return int(published.value("B1-9", year=2025, group="Totaal", statistic="n"))


def factor_labels(ch) -> dict[str, str]:
    """The report's (Dutch) factor label -> its label in the chapter's language, in the report's order."""
    labels = dict.fromkeys(published.figure_2_12()["factor"])
    return {lab: ch.option("promoting_factor", md.code_of("promoting_factor", lab)) for lab in labels}


def answer_labels(ch) -> dict[str, str]:
    return {a: ch.option("promoting_factor_answer", a) for a in ANSWERS}


def wide(fig: pd.DataFrame) -> pd.DataFrame:
    """One row per factor: the five answer shares, and the promoted, hindered and total shares."""
    w = fig.pivot_table(index="factor", columns="answer", values="pct", sort=False)[ANSWERS]
    w["promoted"] = w[list(PROMOTED)].sum(axis=1, min_count=1)
    w["hindered"] = w[list(HINDERED)].sum(axis=1, min_count=2)
    w["total"] = w[ANSWERS].sum(axis=1)
    return w


def glue_basics(ch, labels: dict[str, str]) -> None:
    """The counts the prose names from the start: factors, the base, the errata's confidence."""
    ch.glue("ch06_n_factors", len(labels))
    errata = pd.read_csv(paths.PUBLISHED / "errata.csv").set_index("erratum_id")
    ch.glue("ch06_e01_conf", errata.loc["E01", "confidence"])
    ch.glue("ch06_e06_conf", errata.loc["E06", "confidence"])
    ch.glue("ch06_n_innov", n_innovators())


# ---------------------------------------------------------------------------- In brief
def in_brief_chart(ch) -> None:
    """The four factors most often named as promoting and the three most often named as hindering
    (Figure 2-12, corrected reading), as a diverging bar chart."""
    answers = list(ANSWERS)
    dist = published.figure_2_12(corrected=True).pivot_table(index="factor", columns="answer", values="pct",
                                                             sort=False)[answers].fillna(0)
    shares = pd.DataFrame({"hindered": dist[answers[:2]].sum(axis=1), "promoted": dist[answers[3:]].sum(axis=1)})
    chosen = list(dict.fromkeys([*shares["promoted"].sort_values(ascending=False, kind="stable").index[:4],
                                 *shares["hindered"].sort_values(ascending=False, kind="stable").index[:3]]))
    data = shares.loc[chosen].sort_values("promoted").reset_index()
    data["label"] = [ch.option("promoting_factor", md.code_of("promoting_factor", f)) for f in data["factor"]]
    n = n_innovators()

    fig, ax = plt.subplots(figsize=(6.5, 3.2))
    y = np.arange(len(data))
    ax.barh(y, -data["hindered"], color=DIVERGING[0], label="hindered (somewhat or strongly)")
    ax.barh(y, data["promoted"], color=DIVERGING[4], label="promoted (somewhat or strongly)")
    for yi, (_, r) in zip(y, data.iterrows(), strict=True):
        ax.text(r["promoted"] + 1.5, yi, f"{r['promoted']:.0f}%", va="center", fontsize=8)
        ax.text(-r["hindered"] - 1.5, yi, f"{r['hindered']:.0f}%", va="center", ha="right", fontsize=8)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(y, [wrap(s, 34) for s in data["label"]], fontsize=8)
    ax.set_xlim(-40, 100)
    ax.xaxis.set_major_formatter(lambda v, _: f"{abs(v):.0f}")  # shares, not signed numbers
    ax.set_xlabel("% of innovating organisations", fontsize=8)
    ax.tick_params(axis="x", labelsize=8)
    ax.legend(loc="lower right", fontsize=8, frameon=True)
    people, worst = data.nlargest(3, "promoted"), data.loc[data["hindered"].idxmax()]
    ch.figure(fig, "in_brief_factors",
              "What helped and what held back the most recent innovation: the four factors most often named as "
              "promoting it and the three most often named as hindering it, 2025; neutral answers are left out. "
              f"Base: innovating organisations (n = {n}) (published, Figure 2-12, read with its rows of numbers in "
              "the right order: errata E01 and E06).",
              f"Diverging bar chart of {len(data)} factors: the three most promoting factors are named as promoting "
              f"by {people['promoted'].min():.0f}% to {people['promoted'].max():.0f}% of innovating organisations; "
              f"the largest hindered share is {worst['hindered']:.0f}% ({worst['label'].lower()}).",
              data=data[["factor", "label", "promoted", "hindered"]])


# ---------------------------------------------------------------------------- Figure 2-12, two readings
def show_check_2_17(ch, corrected, printed, labels) -> pd.DataFrame:
    """The promoted share of each factor in both readings beside the total column of Figure 2-17."""
    t17 = published.split_item(published.table("2-17", group="Totaal")).set_index("statement")["value"]
    check = pd.DataFrame({
        "factor": [labels[f] for f in corrected.index],
        "Figure 2-17 total": t17.reindex(corrected.index).to_numpy(),
        "promoted, as printed": printed["promoted"].to_numpy(),
        "promoted, corrected": corrected["promoted"].to_numpy(),
    })
    check["gap as printed"] = check["promoted, as printed"] - check["Figure 2-17 total"]
    check["gap corrected"] = check["promoted, corrected"] - check["Figure 2-17 total"]
    ch.table(check, "check_2_17",
             "Share of innovating organisations saying a factor (strongly) promoted the innovation: Figure 2-12 "
             "as printed and as corrected (errata E01, E06) beside the total column of Figure 2-17 "
             "(published, 2025; gaps in percentage points).")
    return check


def glue_agreement(ch, check, corrected, labels) -> None:
    """How many factors agree with Figure 2-17 within two points, in each reading."""
    agree_print = check[check["gap as printed"].abs().le(2)]["factor"].tolist()
    ch.glue("ch06_agree_corr", int(check["gap corrected"].abs().le(2).sum()))
    ch.glue("ch06_agree_print", ch.say("none does") if not agree_print else
            ch.say("only {n} does", n=1) if len(agree_print) == 1 else ch.say("only {n} do", n=len(agree_print)))
    ch.glue("ch06_middle_factor", labels[corrected.index[len(corrected) // 2]])
    ch.glue("ch06_gap_corr_max", check["gap corrected"].abs().max(), "{:.0f}")
    ch.glue("ch06_gap_print_med", check["gap as printed"].abs().median(), "{:.0f}")
    ch.glue("ch06_rowsum_min", corrected["total"].min(), "{:.0f}")
    ch.glue("ch06_rowsum_max", corrected["total"].max(), "{:.0f}")


def likert_frame(w):
    """Left edges and widths of a diverging stacked bar: the neutral answer centred on zero."""
    vals = w[ANSWERS].fillna(0)
    left = -(vals[list(HINDERED)].sum(axis=1) + vals[NEUTRAL] / 2)
    edges = pd.concat([left + vals.iloc[:, :i].sum(axis=1) for i in range(len(ANSWERS))], axis=1)
    edges.columns = ANSWERS
    return vals, edges


def likert_plot(ax, w, labels, title, answer_label, unknown=None):
    """A diverging stacked bar per factor (rows of ``w``); '?' where a cell is ``unknown``."""
    vals, edges = likert_frame(w)
    y = np.arange(len(w))[::-1]
    for colour, answer in zip(DIVERGING, ANSWERS, strict=True):
        ax.barh(y, vals[answer], left=edges[answer], color=colour, edgecolor="white", linewidth=0.5,
                label=answer_label[answer])
    if unknown is not None:
        for yi, (factor, missing) in zip(y, unknown.items(), strict=True):
            if missing:
                ax.text(edges.loc[factor, ANSWERS[0]] - 1, yi, "?", ha="right", va="center", fontsize=9)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.xaxis.set_major_formatter(lambda v, _: f"{abs(v):.0f}")  # shares, not signed numbers
    ax.set_yticks(y, labels)
    ax.set_title(title)
    ax.set_xlabel("% of innovating organisations (neutral answer centred)")


def draw_readings(ch, corrected, printed, labels) -> None:
    """Figure 2-12 as printed and as corrected, side by side."""
    answer_label = answer_labels(ch)
    names = [labels[f] for f in corrected.index]
    fig, axes = plt.subplots(1, 2, figsize=(13, 7.5), sharey=True, layout="constrained")
    likert_plot(axes[0], printed, names, "As printed", answer_label, unknown=printed[ANSWERS[0]].isna())
    likert_plot(axes[1], corrected, names, "Corrected (errata E01, E06)", answer_label)
    for ax in axes:  # one axis title under both panels (two would run into each other)
        ax.set_xlabel("")
    fig.supxlabel("% of innovating organisations (neutral answer centred)")
    handles, legend_names = axes[1].get_legend_handles_labels()
    fig.legend(handles, legend_names, loc="outside upper center", ncol=5, frameon=False)  # (axis title below)
    both = pd.concat([published.figure_2_12(corrected=False), published.figure_2_12(corrected=True)],
                     ignore_index=True)
    both["factor_label"] = [labels[f] for f in both["factor"]]
    ch.figure(fig, "figure_2_12_readings",
              f"{ch.question('promoting_factor')} Figure 2-12 as printed (left; '?' marks the cell missing in "
              f"four rows) and corrected (right). Base: organisations that implemented an innovation, "
              f"n = {n_innovators()}, 2025. Source: Innovatie Barometer Overheid 2025, Figure 2-12; errata E01, E06.",
              "Two diverging stacked bar charts of the 17 factors. As printed, the three people factors at the top "
              "are almost entirely neutral; corrected, they are mostly promoting, and financial means, rules and "
              "safe working show the largest hindered shares.",
              data=both)


def show_promoted_hindered(ch, corrected, labels, promoted_ci, hindered_ci) -> None:
    """The promoted, hindered and neutral shares per factor with their Wilson intervals."""
    summary = pd.DataFrame({"factor": [labels[f] for f in corrected.index],
                            "promoted (%)": corrected["promoted"].to_numpy(),
                            "hindered (%)": corrected["hindered"].to_numpy(),
                            "neutral (%)": corrected[NEUTRAL].to_numpy()})
    summary["promoted CI low"], summary["promoted CI high"] = zip(*promoted_ci, strict=True)
    summary["hindered CI low"], summary["hindered CI high"] = zip(*hindered_ci, strict=True)
    summary["rank"] = np.arange(1, len(summary) + 1)
    summary = summary[["rank", "factor", "promoted (%)", "promoted CI low", "promoted CI high",
                       "hindered (%)", "hindered CI low", "hindered CI high", "neutral (%)"]]
    ch.table(summary, "promoted_hindered",
             f"Promoted (somewhat or strongly) and hindered shares per factor with Wilson 95% intervals, in the "
             f"report's order (published, Figure 2-12 corrected; base {n_innovators()} innovating organisations, "
             "2025).", formats={c: "{:.0f}" for c in summary.columns if "CI" in c})


# ---------------------------------------------------------------------------- the report's statements
def threshold_verdict(p, lo, threshold) -> str:
    """Whether "more than ``threshold``" holds: the whole interval above it, the point only, or not."""
    return ("supported" if lo > threshold else "not decided: the interval includes the threshold"
            if p > threshold else "not supported")


def top3(series) -> list:
    return list(series.sort_values(ascending=False, kind="stable").index[:3])


def show_claims(ch, corrected, printed, labels, threshold, hc_rows) -> pd.DataFrame:
    """The claims table: the threshold claim per people factor (``hc_rows``: factor, share, lo, hi),
    and the two rankings the report states, in both readings."""
    rows = [{"claim": f"more than {threshold:.0f}% promoted", "factor": labels[f], "published (%)": p,
             "CI low": lo, "CI high": hi, "verdict": threshold_verdict(p, lo, threshold)}
            for f, p, lo, hi in hc_rows]
    for claim, said, col in (("most hindering", SAID_HINDER, "hindered"), ("most neutral", SAID_NEUTRAL, NEUTRAL)):
        for name, w in (("corrected", corrected), ("as printed", printed)):
            found = top3(w[col])
            rows.append({"claim": f"{claim} ({name})", "factor": "; ".join(labels[f] for f in found),
                         "published (%)": np.nan, "CI low": np.nan, "CI high": np.nan,
                         "verdict": "supported" if set(found) == set(said) else "not supported"})
    claims = pd.DataFrame(rows)
    ch.table(claims, "claims", "Claims check: the report's statements about Figure 2-12 against the published "
             "numbers (corrected and printed readings; Wilson 95% intervals, base "
             f"{n_innovators()} innovating organisations, 2025).",
             formats={"CI low": "{:.0f}", "CI high": "{:.0f}"})
    return claims


def glue_claims(ch, corrected, labels, threshold, hc_factors, claims) -> None:
    """The numbers and verdicts of the claims check the prose states."""
    hc_promoted = corrected.loc[hc_factors, "promoted"]
    ch.glue("ch06_hc_low", hc_promoted.min(), "{:.0f}%")
    ch.glue("ch06_hc_high", hc_promoted.max(), "{:.0f}%")
    ch.glue("ch06_threshold", threshold, "{:.0f}%")
    ch.glue("ch06_n_above", int((hc_promoted > threshold).sum()))
    ch.glue("ch06_n_hc_supported", int((claims["verdict"].iloc[:3] == "supported").sum()))
    others = corrected["promoted"].drop(index=hc_factors)
    ch.glue("ch06_tech_label_lc", labels[others.idxmax()].lower())
    ch.glue("ch06_tech_promoted", others.max(), "{:.0f}%")
    hind_top = top3(corrected["hindered"])
    ch.glue("ch06_top_hinder", ", ".join(f"‘{labels[f].lower()}’" for f in hind_top[:-1]) + " and "
            + f"‘{labels[hind_top[-1]].lower()}’")
    ch.glue("ch06_hinder_max", corrected["hindered"].max(), "{:.0f}%")
    verdicts = claims.set_index("claim")["verdict"]
    ch.glue("ch06_rank_hinder_corr", verdicts["most hindering (corrected)"])
    ch.glue("ch06_rank_hinder_print", verdicts["most hindering (as printed)"])
    ch.glue("ch06_rank_neutral_corr", verdicts["most neutral (corrected)"])
    ch.glue("ch06_rank_neutral_print", verdicts["most neutral (as printed)"])


def show_hc_from_figure(ch, corrected, printed, labels, hc_factors, item_means, hc_pub) -> None:
    """The mean answer of the three people factors in both readings, beside the report's scale mean."""
    hc_table = pd.DataFrame({
        "factor": [labels[f] for f in hc_factors],
        "mean, corrected": item_means(corrected).loc[hc_factors].to_numpy(),
        "mean, as printed": item_means(printed).loc[hc_factors].to_numpy(),
    })
    scale_rows = pd.DataFrame({"factor": ["human-capital scale (mean of the three)"],
                               "mean, corrected": [hc_table["mean, corrected"].mean()],
                               "mean, as printed": [hc_table["mean, as printed"].mean()]})
    hc_table = pd.concat([hc_table, scale_rows], ignore_index=True)
    hc_table["report (§2.3)"] = [np.nan] * 3 + [hc_pub]
    ch.table(hc_table, "human_capital_from_figure",
             "Mean answer (1 = strongly hindered ... 5 = strongly promoted) of the three human-capital factors, "
             "computed from the distribution in Figure 2-12 in both readings, beside the scale mean the report "
             "gives in §2.3 (published, 2025).", formats={c: "{:.2f}" for c in hc_table.columns[1:]})
    ch.glue("ch06_hc_pub", hc_pub, "{:.1f}")
    ch.glue("ch06_hc_from_fig", hc_table["mean, corrected"].iloc[-1], "{:.2f}")
    ch.glue("ch06_hc_from_printed", hc_table["mean, as printed"].iloc[-1], "{:.2f}")


# ---------------------------------------------------------------------------- microdata
def declare_partition(ch, whole, parts) -> None:
    """Tell the output check that ``parts`` split ``whole`` exactly, with nothing left over.

    The answers of a question in the codebook are all the answers there are, and an outsider
    knows it: a base is the sum of its five answers, "promoted" the sum of the two promoting
    ones. ``ch.split`` always adds a remainder the check treats as unknown, so it would miss a
    small answer count worked out as the base minus the others."""
    ch.split(whole, {str(i): p for i, p in enumerate(parts)}, exhaustive=True)


def distribution(ch, asked, group) -> pd.DataFrame:
    """Per factor (rows from the codebook): the organisations asked that answered it (the base),
    and the percentage choosing each answer (codes 1-5) among them, as typed values."""
    rows = []
    for col in md.items("promoting_factor"):
        base = asked & ch.where(col)
        promoted, hindered = ch.where(col, [4, 5]), ch.where(col, [1, 2])
        answers = {code: base & ch.where(col, code) for code in range(1, 6)}
        declare_partition(ch, base, answers.values())
        declare_partition(ch, base & promoted, [answers[4], answers[5]])
        declare_partition(ch, base & hindered, [answers[1], answers[2]])
        row = {"factor": md.column(col).label_nl, "base": ch.count(base, **group)}
        row |= {a: ch.share(base, ch.where(col, code), **group) for code, a in enumerate(ANSWERS, start=1)}
        row |= {"n promoted": ch.count(base & promoted, **group), "promoted": ch.share(base, promoted, **group),
                "n hindered": ch.count(base & hindered, **group), "hindered": ch.share(base, hindered, **group)}
        rows.append(row)
    return pd.DataFrame(rows)


def show_distribution(ch, micro, labels) -> None:
    """The recomputed Figure 2-12: its table and its diverging bar chart."""
    shown = micro.assign(factor=[labels[f] for f in micro["factor"]])
    ch.table(shown[["factor", "base", "n promoted", "promoted", "n hindered", "hindered", *ANSWERS]],
             "factors_microdata",
             ch.text("{question} Answers per factor, {year}, {sectors}, recomputed from the microdata (percent of "
                     "innovating organisations that answered; promoted = somewhat or strongly promoted).",
                     question=ch.fixed(ch.question("promoting_factor")), year=ch.fixed(ch.year),
                     sectors=ch.fixed(ch.sector_label)),
             labels=("factor",))
    answer_label = answer_labels(ch)
    title = f"{ch.year}, {ch.sector_label}"

    def draw_factors(d):
        d = d.set_index("factor")
        fig, ax = plt.subplots(figsize=(9, 7.5), layout="constrained")
        likert_plot(ax, d, [labels[f] for f in d.index], title, answer_label)
        fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncol=3, frameon=False)
        return fig

    ch.figure(draw_factors, "factors_microdata",
              ch.text("{question} Distribution of answers per factor, in the report's order. Base: organisations that "
                      "implemented an innovation and answered, n = {n}, {year}, {sectors}. Recomputed from the "
                      "microdata.",
                      question=ch.fixed(ch.question("promoting_factor")), n=max(micro["base"], key=ch.plain),
                      year=ch.fixed(ch.year), sectors=ch.fixed(ch.sector_label)),
              ch.text("Diverging stacked bar chart of the answers to the {k} factors recomputed from the microdata, "
                      "hindering answers to the left of zero and promoting answers to the right.",
                      k=ch.fixed(len(md.items("promoting_factor")))),
              data=micro[["factor", "base", *ANSWERS]], labels=("factor",))


def newcombe(k_md, n_md, pub, n_pub) -> tuple[float, float]:
    """Newcombe's hybrid score interval on a recomputed share minus a published one (proportions)."""
    k_pub = stats.count_from_pct(pub, n_pub)
    return confint_proportions_2indep(k_md, n_md, k_pub, n_pub, method="newcomb") if n_md else (np.nan, np.nan)


def show_versus_published(ch, micro, corrected, labels) -> None:
    """The recomputed promoted and hindered shares beside the corrected Figure 2-12 (2025 only)."""
    if ch.year != 2025:
        ch.glue("ch06_md_within_ci", ch.fixed("–"))
        ch.glue("ch06_md_compared", ch.fixed("–"))
        return
    by_factor = micro.set_index("factor")
    rows = []
    for f in corrected.index:
        for col in ("promoted", "hindered"):
            share, base = by_factor.loc[f, col], by_factor.loc[f, "base"]
            pub = float(corrected.loc[f, col])
            lo, hi = newcombe(ch.plain(by_factor.loc[f, f"n {col}"]), ch.plain(base), pub, n_innovators())
            rows.append({"factor": labels[f], "share": col, "published (%)": ch.fixed(pub),
                         "recomputed (%)": share, "base": base, "difference": ch.difference(share, ch.fixed(pub)),
                         "CI low": ch.statistic(100 * lo, on=[share]), "CI high": ch.statistic(100 * hi, on=[share])})
    versus = pd.DataFrame(rows)
    ch.table(versus, "versus_published",
             ch.text("Promoted and hindered shares per factor: recomputed from the microdata ({sectors}) beside "
                     "the corrected Figure 2-12 (all sectors), with Newcombe 95% intervals on the difference (points).",
                     sectors=ch.fixed(ch.sector_label)),
             labels=("factor", "share"))
    covers_zero = sum(ch.plain(lo) <= 0 <= ch.plain(hi) for lo, hi in zip(versus["CI low"], versus["CI high"], strict=True))
    ch.glue("ch06_md_within_ci", ch.statistic(covers_zero, on=versus[["CI low", "CI high"]]), "{:.0f}")
    ch.glue("ch06_md_compared", ch.fixed(len(versus)))


def wave_tests(ch, asked, factors, labels) -> pd.DataFrame:
    """Per factor, the promoted share in both waves and a two-proportion z-test with Cohen's h
    (typed: each statistic rests on the two shares)."""
    factor_of = {md.column(c).label_nl: c for c in md.items("promoting_factor")}
    rows = []
    for f in factors:  # every factor of the codebook, in the report's order
        col = factor_of[f]
        base, promoted = asked & ch.where(col), ch.where(col, [4, 5])
        row, pair = {"factor": labels[f]}, []
        for w in (ch.year, ch.compare_year):
            share, n_w = ch.share(base, promoted, **ch.focus(w)), ch.count(base, **ch.focus(w))
            row |= {f"promoted {w} (%)": share, f"n {w}": n_w}
            pair.append((share, n_w))
        (a, n_a), (b, n_b) = pair
        if min(ch.plain(n_a), ch.plain(n_b)) > 0:
            res = stats.two_proportions(ch.plain(a), ch.plain(n_a), ch.plain(b), ch.plain(n_b))
            z, p, h = res.statistic, res.p_value, res.effect
        else:  # an empty base: nothing to test (the row stays, its numbers are missing)
            z = p = h = np.nan
        row |= {"difference": ch.difference(a, b), "z": ch.statistic(z, on=[a, b]),
                "p": ch.statistic(p, on=[a, b]), "Cohen's h": ch.statistic(h, on=[a, b])}
        rows.append(row)
    return pd.DataFrame(rows)


def show_change(ch, change, p_holm, reject, labels) -> None:
    """The wave comparison with Holm-corrected p-values; each corrected p rests on the whole family."""
    family = change[[c for c in change.columns if c.startswith("promoted")]]
    change["p (Holm)"] = [ch.statistic(p, on=family) for p in p_holm]
    change["significant"] = [ch.verdict(str(bool(r)), on=family) for r in reject]
    ch.table(change, "change_between_waves",
             ch.text("Promoted share per factor, {year} against {other}, {sectors}: two-proportion z-tests with "
                     "Cohen's h and Holm-corrected p-values (recomputed from the microdata).",
                     year=ch.fixed(ch.year), other=ch.fixed(ch.compare_year), sectors=ch.fixed(ch.sector_label)),
             labels=("factor",),
             formats={"p": "{:.3g}", "p (Holm)": "{:.3g}", "z": "{:.2f}", "Cohen's h": "{:.2f}"})
    private = change[change["factor"] == labels[PRIVATE]].iloc[0]
    diff = ch.plain(private["difference"])
    ch.glue("ch06_private_diff", ch.statistic(round(diff) if np.isfinite(diff) else np.nan,
                                              on=[private["difference"]]), "{:+.0f}")  # whole points, never "-0"
    ch.glue("ch06_private_p", private["p (Holm)"], "{:.2g}")
    ch.glue("ch06_n_sig_change", ch.statistic(int(reject.sum()), on=family), "{:.0f}")


def glue_no_change(ch) -> None:
    """The compare wave is not in the data: nothing to compare."""
    ch.glue("ch06_private_diff", ch.fixed("–"))
    ch.glue("ch06_private_p", ch.fixed("–"))
    ch.glue("ch06_n_sig_change", ch.fixed("–"))


# ---------------------------------------------------------------------------- the human-capital scale
class Scale:
    """Typed statistics of the human-capital scale: each rests on the organisations it was computed
    on (``n``, the complete cases), and a mean or SD of answer codes also on the answer
    distributions shown above (the mean times the base is the sum of the codes, which together
    with the shown answer counts would give a hidden count away)."""

    def __init__(self, ch, n, micro):
        self.ch, self.n = ch, n
        self.distribution_of = {md.column(c).label_nl: c for c in md.items("promoting_factor")}
        self.distribution_of = {self.distribution_of[r["factor"]]: [r[a] for a in ANSWERS]
                                for _, r in micro.iterrows()}

    def on_scale(self, value, dof=None):
        return self.ch.statistic(value, on=[self.n], dof=dof)

    def with_distribution(self, value, cols):
        return self.ch.statistic(self.ch.plain(value),
                                 on=[value, *(s for c in cols for s in self.distribution_of[c])])


def show_items(ch, scale, hc_base, focus, hc_items, hc_sds, alpha, model, analysis) -> None:
    """The item table: mean, SD, item-rest correlation, alpha if deleted, loadings."""
    n = alpha.n
    items_table = pd.DataFrame([{
        "item": ch.column_label(c), "mean": scale.with_distribution(ch.mean(hc_base, c, **focus), [c]),
        "sd": scale.with_distribution(sd, [c]),
        "item_rest_r": scale.on_scale(r["item_rest_r"], dof=n - 2),  # a correlation: its test has n - 2
        "alpha_if_deleted": scale.on_scale(r["alpha_if_deleted"], dof=n - 1),  # Feldt's F test: n - 1
        "loading": scale.on_scale(r["loading"]), "communality": scale.on_scale(r["communality"]),
        "uniqueness": scale.on_scale(r["uniqueness"]), "base": scale.n}
        for (c, r), sd in zip(analysis.iterrows(), hc_sds, strict=True)])
    ch.table(items_table, "human_capital_items",
             ch.text("Human-capital scale, item by item ({year}, {sectors}): mean, SD, item-rest correlation, alpha "
                     "if the item is left out, and the one-factor ML loading, communality and uniqueness "
                     "(recomputed from the microdata; complete cases).",
                     year=ch.fixed(ch.year), sectors=ch.fixed(ch.sector_label)),
             labels=("item",), formats={c: "{:.2f}" for c in items_table.columns if c not in ("item", "base")})


def show_scale(ch, scale, asked, hc_score, focus, hc_cols, alpha, model, hc_pub) -> None:
    """The scale summary table (mean, SD, alpha with its Feldt interval, omega) and its glues."""
    alpha_dof = alpha.n - 1  # Feldt's interval: an F distribution with n - 1 (and (n - 1)(k - 1)) df
    a = scale.on_scale(alpha.alpha, dof=alpha_dof)
    a_lo, a_hi = scale.on_scale(alpha.ci_low, dof=alpha_dof), scale.on_scale(alpha.ci_high, dof=alpha_dof)
    omega = scale.on_scale(model.omega)
    loadings = [scale.on_scale(v) for v in model.loadings]
    hc_mean = scale.with_distribution(ch.mean(asked, hc_score, **focus), hc_cols)
    hc_sd = scale.with_distribution(ch.sd(asked, hc_score, **focus), hc_cols)
    hc_n = scale.n
    scale_summary = pd.DataFrame([
        {"statistic": "mean", "recomputed": hc_mean,
         "published (§2.3)": ch.fixed(hc_pub) if ch.year == 2025 else np.nan, "base": hc_n},
        {"statistic": "SD", "recomputed": hc_sd, "published (§2.3)": np.nan, "base": hc_n},
        {"statistic": "Cronbach's alpha", "recomputed": a, "published (§2.3)": np.nan, "base": hc_n},
        {"statistic": "alpha 95% CI low", "recomputed": a_lo, "published (§2.3)": np.nan, "base": hc_n},
        {"statistic": "alpha 95% CI high", "recomputed": a_hi, "published (§2.3)": np.nan, "base": hc_n},
        {"statistic": "McDonald's omega", "recomputed": omega, "published (§2.3)": np.nan, "base": hc_n}])
    ch.table(scale_summary, "human_capital_scale",
             ch.text("The human-capital scale, {year}, {sectors}: mean and SD of the scale score among innovating "
                     "organisations, reliability (recomputed from the microdata) and the report's mean (§2.3, 2025 "
                     "only).", year=ch.fixed(ch.year), sectors=ch.fixed(ch.sector_label)),
             labels=("statistic",), formats={"recomputed": "{:.2f}", "published (§2.3)": "{:.1f}"})
    ch.glue("ch06_alpha", a, "{:.2f}")
    ch.glue("ch06_alpha_lo", a_lo, "{:.2f}")
    ch.glue("ch06_alpha_hi", a_hi, "{:.2f}")
    ch.glue("ch06_omega", omega, "{:.2f}")
    ch.glue("ch06_load_min", min(loadings, key=ch.plain), "{:.2f}")
    ch.glue("ch06_load_max", max(loadings, key=ch.plain), "{:.2f}")
    ch.glue("ch06_hc_md_mean", hc_mean, "{:.2f}")
    ch.glue("ch06_hc_md_sd", hc_sd, "{:.2f}")
    ch.glue("ch06_hc_md_n", hc_n)


def glue_no_scale(ch, hc_n, hc_sds) -> None:
    """That the scale could not be estimated is a finding about the data: it rests on the count of
    complete cases and on the items' spread."""
    def none():
        return ch.verdict("–", on=[hc_n, *hc_sds])

    ch.glue("ch06_alpha", none())
    ch.glue("ch06_alpha_lo", none())
    ch.glue("ch06_alpha_hi", none())
    ch.glue("ch06_omega", none())
    ch.glue("ch06_load_min", none())
    ch.glue("ch06_load_max", none())
    ch.glue("ch06_hc_md_mean", none())
    ch.glue("ch06_hc_md_sd", none())
    ch.glue("ch06_hc_md_n", hc_n)


def glue_correlation(ch, r, pair_n, n) -> None:
    """Pearson's r of the two scale scores with its interval (the test has n - 2 degrees of freedom)."""
    ch.glue("ch06_r_n", pair_n)
    if r is None:
        ch.glue("ch06_r_climate", ch.verdict("–", on=[pair_n]))
        ch.glue("ch06_r_ci", ch.verdict("–", on=[pair_n]))
        return
    r_dof = n - 2
    ch.glue("ch06_r_climate", ch.statistic(float(r["r"].iloc[0]), on=[pair_n], dof=r_dof), "{:.2f}")
    lo, hi = r["CI95"].iloc[0]
    ch.glue("ch06_r_ci", ch.text("{lo:.2f} to {hi:.2f}", lo=ch.statistic(lo, on=[pair_n], dof=r_dof),
                                 hi=ch.statistic(hi, on=[pair_n], dof=r_dof)))


# ---------------------------------------------------------------------------- reproduction
def show_reproduction(ch, records) -> None:
    """The reproduction records as a table, and how many reproduce (typed)."""
    shown = records[["source_id", "year", "item", "statistic", "published", "recomputed", "difference",
                     "tolerance", "within", "base_n", "erratum"]].copy()
    shown["item"] = [i.replace(" | ", ": ") for i in shown["item"]]
    ch.table(shown, "reproduction",
             "Published numbers of Figure 2-12 (corrected) and §2.3 beside their values recomputed from the microdata.",
             labels=("source_id", "year", "item", "statistic", "tolerance", "erratum"),
             formats={"recomputed": "{:.2f}", "difference": "{:+.2f}", "tolerance": "{:.2f}"})
    ch.glue("ch06_rep_n", ch.fixed(len(records)))
    ch.glue("ch06_rep_ok", ch.tally(records, "within", "True"))
    # Which number misses most is chosen by the data: it rests on every recomputed value.
    missed = [i for i, w in enumerate(records["within"]) if ch.plain(w) != "True"]
    if not missed:
        ch.glue("ch06_rep_miss", ch.verdict("none is missed", on=records["recomputed"]))
        return
    worst = max(missed, key=lambda i: abs(ch.plain(records["difference"].iloc[i])))
    ch.glue("ch06_rep_miss", ch.text(
        "the largest miss is {miss:.1f} ({item})",
        miss=ch.statistic(abs(ch.plain(records["difference"].iloc[worst])), on=records["recomputed"]),
        item=ch.verdict(records["item"].iloc[worst], on=records["recomputed"])))
