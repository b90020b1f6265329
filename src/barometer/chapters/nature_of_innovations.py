"""Plumbing of chapter 11 (the nature of the innovations): the tables and figures built from the
coded report text (``barometer.data.qualitative``), the survey numbers behind the report's
reflections, and the link between the survey's technology question and the described cases, so
that the notebook shows the counts, the intervals and its prose."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from IPython.display import HTML, display
from matplotlib.colors import ListedColormap

from barometer.analysis import stats
from barometer.book import figures
from barometer.book.figures import wrap
from barometer.data import published
from barometer.data import qualitative as qual

#: The report's judgement of how well the Dutch innovations match an OECD trend, in words.
JUDGEMENT = {"strong": "fits best", "partial": "seen to a large extent", "weak": "seen less often (single examples)",
             "none": "not seen", "not_assessed": "not assessed"}
#: The survey answers behind the two reflections: label, source, variable, the answers summed.
REFLECTION_SURVEY = [
    ("way of working not changed or changed only to some extent", "text-2.1", "degree_of_change",
     ["Not changed or changed only to some extent (options 1+2 combined)"]),
    ("way of working changed drastically", "text-2.1", "degree_of_change", ["Changed drastically"]),
    ("innovation inspired by or largely copied from elsewhere", "text-2.2", "origin",
     ["The innovation is inspired by solutions elsewhere but adapted to my organisation",
      "The innovation is largely a copy of solutions already implemented elsewhere"]),
    ("innovation also applicable in other organisations", "text-2.7", "applicable_elsewhere", [""]),
]
AI_CODES = {"ai", "machine_learning", "generative_ai"}


def innovators() -> tuple[float, int, int]:
    """The share of organisations that innovated, the number of respondents, and the number of
    innovators reconstructed from the two (the base of the survey shares the chapter leans on)."""
    pct = published.value("text-3", variable="innovated", statistic="pct")
    orgs = int(published.value("text-3", variable="response", statistic="count"))
    return pct, orgs, stats.count_from_pct(pct, orgs)


# ---------------------------------------------------------------------------- In brief
def in_brief_chart(ch) -> None:
    """The four survey shares behind the report's two reflections, with Wilson intervals."""
    ib_answers = [
        ("optimisation or restructuring", "way of working unchanged or changed somewhat", *REFLECTION_SURVEY[0][1:]),
        ("optimisation or restructuring", "way of working changed drastically", *REFLECTION_SURVEY[1][1:]),
        ("fragmentation or scaling up", "inspired by or copied from elsewhere", *REFLECTION_SURVEY[2][1:]),
        ("fragmentation or scaling up", "would also work in other organisations", *REFLECTION_SURVEY[3][1:]),
    ]
    ib_pct, ib_orgs, ib_n = innovators()
    ib_rows = []
    for reflection, answer, source_id, variable, items in ib_answers:
        rows = published.table(source_id, variable=variable, country="NL", year=2025)
        rows = rows[rows["item_en"].fillna("").isin(items)]
        value = float(rows["value"].sum())
        low, high = stats.pct_ci(value, ib_n)
        ib_rows.append({"reflection": reflection, "survey answer": answer, "published (%)": value,
                        "lower bound in the report": bool(rows["approx"].any()), "95% CI low": low,
                        "95% CI high": high, "source": source_id})
    ib = pd.DataFrame(ib_rows)
    ib_colour = {"optimisation or restructuring": figures.PALETTE[0], "fragmentation or scaling up": figures.PALETTE[2]}
    fig, ax = plt.subplots(figsize=(6.5, 3.2))
    ib_y = np.arange(len(ib))
    for reflection, colour in ib_colour.items():
        part = ib["reflection"] == reflection
        ax.barh(ib_y[part], ib.loc[part, "published (%)"], height=0.6, color=colour, label=reflection,
                xerr=[ib.loc[part, "published (%)"] - ib.loc[part, "95% CI low"],
                      ib.loc[part, "95% CI high"] - ib.loc[part, "published (%)"]],
                capsize=3, error_kw={"elinewidth": 1})
    for y, v, high, bound in zip(ib_y, ib["published (%)"], ib["95% CI high"], ib["lower bound in the report"],
                                 strict=True):
        ax.text(high + 1.5, y, ("at least " if bound else "") + f"{v:.0f}%", va="center", ha="left", fontsize=8)
    ax.set_yticks(ib_y, [wrap(a, 26) for a in ib["survey answer"]], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 112)
    ax.set_xticks(range(0, 101, 20))
    ax.set_xlabel("innovating organisations (%), 95% interval")
    ax.legend(title="the report's reflection", fontsize=8, title_fontsize=8, loc="upper center",
              bbox_to_anchor=(0.5, -0.28), ncol=2, frameon=False)
    fig.tight_layout()
    ch.figure(fig, "in_brief_reflections",
              f"Survey answers behind the report's two reflections, innovating organisations, 2025 (published, §2.1, "
              f"§2.2 and §2.7), with 95% Wilson intervals on a base of {ib_n} innovators, reconstructed as "
              f"{ib_pct:.0f}% of {ib_orgs} organisations. 'At least': the report gives a lower bound.",
              "Horizontal bar chart of four survey shares: "
              + "; ".join(f"{a} {v:.0f}%" for a, v in zip(ib["survey answer"], ib["published (%)"], strict=True))
              + ". The first pair stands for optimisation or restructuring, the second for fragmentation or scaling up.",
              data=ib)


# ---------------------------------------------------------------------------- the sector parameter
def cases_shown(ch, cases: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """The cases the case table and the technology figure show, and a short phrase saying which:
    a survey sector maps to some organisation types of the cases, or to none."""
    types = qual.SECTOR_TYPES.get(ch.sector, ()) if ch.sector is not None else None
    sector_cases = qual.cases_in_sector(ch.sector)
    type_words = " or ".join(qual.organisation_type_label(t) for t in types) if types else ""
    n_unknown = int((cases["organisation_type"] == "unknown").sum())
    if ch.sector is None:
        return cases, f"all {len(cases)} cases"
    if not types:
        return cases, (f"all {len(cases)} cases (no kind of organisation among the report's cases corresponds "
                       f"to the sector {ch.sector_label})")
    if sector_cases.empty:
        return cases, f"all {len(cases)} cases (the report names no case of a {type_words})"
    return sector_cases, (f"the {len(sector_cases)} of {len(cases)} cases of a {type_words} (a lower bound: "
                          f"{n_unknown} cases do not say what kind of organisation carried them out)")


def glue_counts(ch, clusters, cases, interviews, trends, reflections, per_cluster) -> None:
    """The sizes of the coded material and the survey's innovation rate the Overview states."""
    pct, orgs, n_innovators = innovators()
    ci = stats.pct_ci(pct, orgs)
    clustered = per_cluster[per_cluster["cluster_id"] != qual.NO_CLUSTER]
    ch.glue("ch11_n_clusters", len(clusters))
    ch.glue("ch11_n_cases", len(cases))
    ch.glue("ch11_n_interviews", len(interviews))
    ch.glue("ch11_n_trends", len(trends))
    ch.glue("ch11_n_reflections", len(reflections))
    ch.glue("ch11_n_clustered", int(clustered["cases"].sum()))
    ch.glue("ch11_n_unclustered", int(per_cluster.loc[per_cluster["cluster_id"] == qual.NO_CLUSTER, "cases"].sum()))
    ch.glue("ch11_pct_innovated", pct, "{:.0f}%")
    ch.glue("ch11_n_orgs", orgs)
    ch.glue("ch11_n_innovators", n_innovators)
    ch.glue("ch11_innovated_ci", f"{ci[0]:.0f}% to {ci[1]:.0f}%")


# ---------------------------------------------------------------------------- clusters, cases, interviews
def show_clusters(ch, clusters, per_cluster) -> pd.DataFrame:
    """The clusters with the number of example cases the text names in each."""
    cluster_table = clusters.merge(per_cluster[["cluster_id", "cases"]], on="cluster_id")
    ch.table(cluster_table[["name", "cases", "description_en", "source_line"]].rename(columns={
                "name": "cluster", "cases": "cases named", "description_en": "what it holds (our summary)",
                "source_line": "line in report text"}),
             "clusters",
             "The innovation clusters of report §3.1, in the report's order, with the number of example cases "
             "the text names in each (counted from data/qualitative/cases.csv; the report states no cluster sizes).")
    largest = cluster_table.sort_values("cases", ascending=False, kind="stable").iloc[0]
    ch.glue("ch11_largest_cluster", largest["name"])
    ch.glue("ch11_largest_cluster_n", int(largest["cases"]))
    ch.glue("ch11_min_cluster_n", int(cluster_table["cases"].min()))
    return cluster_table


def show_cases(ch, shown, cases, names) -> None:
    """The case table, with a filter box above it."""
    def tech_words(cell):
        return "; ".join(qual.technology_label(t, ch.lang) for t in qual.split(cell)) or "–"

    case_table = pd.DataFrame({
        "case": shown["case_id"],
        "organisation": shown["organisation"],
        "organisation type": [qual.organisation_type_label(t, ch.lang) for t in shown["organisation_type"]],
        "innovation": shown["innovation"],
        "cluster": [names[c] for c in shown["cluster"]],
        "technologies": [tech_words(c) for c in shown["technologies"]],
        "problem addressed (our summary)": shown["problem_en"],
        "line in report text": shown["source_line"],
    })
    anchor = f"tbl-{ch.slug}-cases"
    display(HTML(qual.filter_box(anchor, "Filter the cases:" if ch.lang == "en" else "Filter de cases:")))
    ch.table(case_table, "cases",
             f"The example innovations of report chapter 3 ({ch.sector_label if shown is not cases else 'all cases'}; "
             f"{len(shown)} rows), from data/qualitative/cases.csv. Organisation and innovation as printed; "
             "'–' under technologies: the text names none.")


def show_organisation_types(ch, cases) -> None:
    """Cases by kind of organisation."""
    org_types = qual.organisation_types(ch.lang)
    ch.table(org_types[["organisation type", "cases"]], "organisation_types",
             "Cases by kind of organisation (all cases; 'not stated': the report does not say). The kind is "
             "often inferred from the standard Dutch classification (see data/qualitative/README.md).")
    top_type = org_types[org_types["organisation_type_code"] != "unknown"].iloc[0]
    ch.glue("ch11_n_unknown_type", int((cases["organisation_type"] == "unknown").sum()))
    ch.glue("ch11_top_type", top_type["organisation type"])
    ch.glue("ch11_top_type_n", int(top_type["cases"]))


def draw_technologies(ch, shown, cases, names, by_cluster) -> None:
    """Heat map of the technologies named in the cases, by cluster."""
    not_stated_label = "no technology named" if ch.lang == "en" else "geen technologie genoemd"
    col_labels = [not_stated_label if c == "not_stated" else qual.technology_label(c, ch.lang)
                  for c in by_cluster.columns]
    row_labels = [wrap(names[c], 44) for c in by_cluster.index]  # wrapped, never cut off
    fig, ax = plt.subplots(figsize=(9, 0.6 * len(by_cluster) + 2.2))
    sns.heatmap(by_cluster.to_numpy(), ax=ax, cmap="Blues", vmin=0, cbar_kws={"label": "cases"},
                annot=np.where(by_cluster.to_numpy() > 0, by_cluster.to_numpy().astype(str), ""), fmt="",
                linewidths=0.5, linecolor="#EEEEEE", xticklabels=col_labels, yticklabels=row_labels)
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.tick_params(axis="x", rotation=60)
    plt.setp(ax.get_xticklabels(), ha="right", rotation_mode="anchor")
    tidy = by_cluster.rename(index=names).stack().rename("cases").reset_index()
    tidy.columns = ["cluster", "technology_code", "cases"]
    tidy["technology"] = [not_stated_label if c == "not_stated" else qual.technology_label(c, ch.lang)
                          for c in tidy["technology_code"]]
    ch.figure(fig, "technologies",
              f"Technologies named in the example cases of report chapter 3, by cluster: number of cases per "
              f"cluster that name each technology (a case can name several). Base: the {len(shown)} cases "
              f"{'of the chapter' if shown is cases else 'of ' + ch.sector_label}; source: data/qualitative/cases.csv "
              "(coded from the report text, 2025 wave).",
              f"Heat map with {len(by_cluster)} clusters as rows and {by_cluster.shape[1]} technologies as columns; "
              "darker cells hold more cases; the last column counts cases whose text names no technology.",
              data=tidy[["cluster", "technology", "cases"]])


def glue_technologies(ch, shown, status, case_matrix) -> None:
    """How many shown cases name a technology, which technology most often, and AI."""
    specific = case_matrix.drop(columns=[c for c in ("other", "none", "not_stated") if c in case_matrix.columns])
    specific = specific.sum().sort_values(ascending=False, kind="stable")
    specific = specific[specific > 0]
    ai_like = shown["technologies"].map(lambda c: bool(AI_CODES & set(qual.split(c))))
    ch.glue("ch11_n_shown", len(shown))
    ch.glue("ch11_n_named", int((status == "named").sum()))
    ch.glue("ch11_n_nontech", int((status == "non_technological").sum()))
    ch.glue("ch11_n_unstated", int((status == "not_stated").sum()))
    ch.glue("ch11_n_ai", int(ai_like.sum()))
    ch.glue("ch11_top_tech_name", "none from the list" if specific.empty
            else qual.technology_label(specific.index[0], ch.lang))
    ch.glue("ch11_top_tech_n", 0 if specific.empty else int(specific.iloc[0]))


def show_interviews(ch, interviews) -> None:
    """The interviews with the themes coded from them."""
    interview_table = pd.DataFrame({
        "organisation": interviews["organisation"],
        "innovation": interviews["innovation"],
        "themes": ["; ".join(qual.theme_label(t, ch.lang) for t in qual.split(c)) for c in interviews["themes"]],
        "summary (our words)": interviews["summary_en"],
        "line in report text": interviews["source_line"],
    })
    ch.table(interview_table, "interviews",
             "The interviews of report §3.2 with the themes we coded from their content "
             "(data/qualitative/interviews.csv).")


def draw_themes(ch, themes, interviews) -> None:
    """Bar chart: how many interviews touch on each theme."""
    fig, ax = plt.subplots(figsize=(7, 0.32 * len(themes) + 1.2))
    ax.barh(themes["theme"], themes["interviews"], color=figures.HIGHLIGHT)
    ax.invert_yaxis()
    ax.set_xlabel(f"interviews touching on the theme (of {len(interviews)})")
    ax.set_xlim(0, len(interviews))
    ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
    ch.figure(fig, "interview_themes",
              f"Themes of the {len(interviews)} interviews of report §3.2, coded by us from each interview's "
              "content: number of interviews that touch on each theme (an interview can touch on several). "
              "Source: data/qualitative/interviews.csv (2025 wave).",
              f"Horizontal bar chart of {len(themes)} interview themes, most frequent first, from "
              f"{themes['theme'].iloc[0]} ({themes['interviews'].iloc[0]} interviews) to "
              f"{themes['theme'].iloc[-1]} ({themes['interviews'].iloc[-1]}).",
              data=themes[["theme", "interviews"]])


def glue_themes(ch, themes, theme_matrix) -> None:
    ch.glue("ch11_top_theme", themes["theme"].iloc[0])
    ch.glue("ch11_top_theme_n", int(themes["interviews"].iloc[0]))
    second = themes.loc[themes["interviews"] == themes["interviews"].iloc[1], "theme"]
    ch.glue("ch11_second_themes", f"{' and '.join(second)} ({int(themes['interviews'].iloc[1])}"
            f"{' each' if len(second) > 1 else ''})")
    ch.glue("ch11_n_themes", len(themes))
    ch.glue("ch11_themes_per_interview", theme_matrix.sum(axis=1).mean(), "{:.1f}")


# ---------------------------------------------------------------------------- OECD trends
def oecd_study() -> dict[str, int]:
    """The size of the OECD study the report compares with (report §3.3)."""
    oecd = published.table("text-3.3", variable="external_study").set_index("item_en")["value"]
    return {key: int(oecd[oecd.index.str.contains(key)].iloc[0]) for key in ("case studies", "countries", "trends")}


def show_trends(ch, trends, matrix) -> None:
    """The OECD trends with the report's judgement and the clusters linked to each."""
    trend_table = pd.DataFrame({
        "trend": trends["name"],
        "report's judgement": [JUDGEMENT[m] for m in trends["match"]],
        "clusters linked": [int((matrix[t] > 0).sum()) for t in trends["trend_id"]],
        "of which cited as examples": [int((matrix[t] == 2).sum()) for t in trends["trend_id"]],
        "evidence (our summary)": trends["evidence_en"],
    })
    ch.table(trend_table, "oecd_trends",
             "The trends of the OECD's Global Trends in Government Innovation 2024, as listed in report §3.3, with "
             "the report's judgement of how well Dutch innovations match them and the clusters linked to each "
             "(data/qualitative/oecd_trends.csv and cluster_trends.csv).")


def draw_cluster_trends(ch, trends) -> None:
    """Matrix of clusters by OECD trends: 'cited' or 'implied' links."""
    named = qual.cluster_trend_matrix(ch.lang, names=True)
    fig, ax = plt.subplots(figsize=(8.5, 0.6 * len(named) + 2.4))
    cmap = ListedColormap(["#FFFFFF", "#56B4E9", "#0072B2"])
    sns.heatmap(named.to_numpy(), ax=ax, cmap=cmap, vmin=-0.5, vmax=2.5, annot=False, linewidths=0.5,
                linecolor="#DDDDDD", cbar=False,
                xticklabels=[f"{wrap(t, 22)}\n[{JUDGEMENT[m]}]" for t, m in zip(named.columns, trends["match"], strict=True)],
                yticklabels=[wrap(c, 44) for c in named.index])  # wrapped, never cut off
    for (i, j), score in np.ndenumerate(named.to_numpy()):
        if score:
            ax.text(j + 0.5, i + 0.5, "cited" if score == 2 else "implied", ha="center", va="center", fontsize=8,
                    color="white" if score == 2 else "black")
    ax.tick_params(axis="x", labelsize=8, rotation=0)
    ax.set_xlabel("")
    ax.set_ylabel("")
    links = named.stack().rename("relation_score").reset_index()
    links["relation"] = links["relation_score"].map({2: "cited", 1: "implied", 0: ""})
    ch.figure(fig, "cluster_trends",
              f"Clusters of report §3.1 (rows) against the {len(trends)} OECD trends of report §3.3 (columns, with "
              "the report's judgement of the match): 'cited' where the report gives the cluster's examples for the "
              "trend, 'implied' where its wording links them. Source: data/qualitative/cluster_trends.csv "
              "(coded from the report text, 2025 wave).",
              f"Matrix of {len(named)} clusters by {named.shape[1]} OECD trends; the trend with most linked clusters "
              f"is {(named > 0).sum().idxmax()} ({int((named > 0).sum().max())}); trends without any linked cluster: "
              f"{'; '.join(named.columns[(named > 0).sum() == 0]) or 'none'}.",
              data=links[["cluster", "trend", "relation"]])


def glue_trends(ch, trends, matrix, names, study) -> None:
    linked = (matrix > 0).any(axis=1)
    ch.glue("ch11_oecd_cases", study["case studies"])
    ch.glue("ch11_oecd_countries", study["countries"])
    ch.glue("ch11_n_links", int((matrix > 0).to_numpy().sum()))
    ch.glue("ch11_n_links_cited", int((matrix == 2).to_numpy().sum()))
    ch.glue("ch11_n_linked_clusters", int(linked.sum()))
    ch.glue("ch11_unlinked_clusters", "; ".join(names[c] for c in matrix.index[~linked]) or "none")
    strong, weak, partial = (trends[trends["match"] == m]["name"] for m in ("strong", "weak", "partial"))
    ch.glue("ch11_strong_trends", " and ".join(f"'{t}'" for t in strong))
    ch.glue("ch11_weak_trends", " and ".join(f"'{t}'" for t in weak))
    ch.glue("ch11_partial_trends", " and ".join(f"'{t}'" for t in partial))
    ch.glue("ch11_n_strong", len(strong))
    ch.glue("ch11_n_weak", len(weak))


# ---------------------------------------------------------------------------- the reflections
def published_share(source_id, variable, items) -> tuple[float, bool]:
    """The sum of some answers' published shares, and whether the report gives it as a bound."""
    rows = published.table(source_id, variable=variable, country="NL")
    rows = rows[rows["item_en"].fillna("").isin(items)]
    return float(rows["value"].sum()), bool(rows["approx"].any())


def show_reflection_survey(ch, rows) -> pd.DataFrame:
    """The survey numbers behind the reflections (``rows``: label, share, bound?, interval, source)."""
    pct, orgs, n_innovators = innovators()
    reflection_survey = pd.DataFrame([
        {"survey answer (innovators, 2025)": label, "published (%)": value,
         "approximate in the report": "yes" if approx else "no", "base (reconstructed)": n_innovators,
         "95% CI low": low, "95% CI high": high, "source": f"{source_id}: {ch.question(variable)}"}
        for label, value, approx, low, high, source_id, variable in rows])
    ch.table(reflection_survey, "reflection_survey",
             "Survey numbers behind the two reflections (published, report chapter 2), with Wilson 95% intervals on "
             f"a base of {n_innovators} innovating organisations, reconstructed as {pct:.0f}% of {orgs}. "
             "'Approximate': the report writes the number as a bound ('more than ...').",
             formats={"95% CI low": "{:.0f}", "95% CI high": "{:.0f}"})
    return reflection_survey


def glue_reflections(ch, reflection_survey, cases, reflections) -> None:
    """The survey shares and the cases the reflections name."""
    survey_pct = reflection_survey.set_index("survey answer (innovators, 2025)")
    ci = survey_pct["95% CI low"].map("{:.0f}%".format) + " to " + survey_pct["95% CI high"].map("{:.0f}%".format)
    share = survey_pct["published (%)"]
    unchanged, drastic, copied, elsewhere = (row[0] for row in REFLECTION_SURVEY)
    ch.glue("ch11_unchanged", share[unchanged], "{:.0f}%")
    ch.glue("ch11_unchanged_ci", ci[unchanged])
    ch.glue("ch11_drastic", share[drastic], "{:.0f}%")
    ch.glue("ch11_drastic_ci", ci[drastic])
    ch.glue("ch11_copied", share[copied], "{:.0f}%")
    ch.glue("ch11_copied_ci", ci[copied])
    ch.glue("ch11_elsewhere", share[elsewhere], "{:.0f}%")
    ch.glue("ch11_elsewhere_ci", ci[elsewhere])
    va_target = published.value("text-3.3", variable="case_fact", group="Opschaling virtuele assistent")
    org_of = cases.set_index("case_id")["organisation"]
    ch.glue("ch11_va_target", int(va_target))
    ch.glue("ch11_debt_org", org_of["c36"])
    ch.glue("ch11_ggz_org", org_of["c70"])
    ch.glue("ch11_r03_title", reflections.loc["r03", "title_nl"])
    ch.glue("ch11_r04_title", reflections.loc["r04", "title_nl"])


# ---------------------------------------------------------------------------- microdata
def wilson(ch, k, n) -> tuple[float, float]:
    """Wilson 95% interval of the counts behind two typed counts (NaN for an empty base)."""
    k, n = ch.plain(k), ch.plain(n)
    return stats.wilson_ci(int(k), int(n)) if n else (np.nan, np.nan)


def show_technology_content(ch, tc_table) -> None:
    ch.table(tc_table, "technology_content_microdata",
             ch.text("{question}: answers of the organisations that innovated, {year}, {sectors} (recomputed from the "
                     "microdata; Wilson 95% intervals).", question=ch.fixed(ch.question("technology_content")),
                     year=ch.fixed(ch.year), sectors=ch.fixed(ch.sector_label)),
             labels=("answer",), formats={"share": "{:.1f}", "95% CI low": "{:.1f}", "95% CI high": "{:.1f}"})


def published_technology() -> float:
    """The report's share of innovations that are entirely or largely technological (2025, all sectors)."""
    tech_pub = published.table("text-2.2", variable="technology_content", year=2025, country="NL", group="Totaal")
    return float(tech_pub[tech_pub["item_en"].str.startswith("Entirely or to an important extent")]["value"].iloc[0])


def survey_row(ch, tc_base, n_tc, focus, label, codes, published_value=np.nan) -> dict:
    """A share of the survey answers (typed: recomputed from the microdata), with its Wilson interval."""
    hit = ch.where("technology_content", codes)
    k, share = ch.count(tc_base & hit, **focus), ch.share(tc_base, hit, **focus)
    low, high = wilson(ch, k, n_tc)
    return {"measure": label, "basis": f"survey microdata, {ch.year}", "count": k, "base": n_tc, "share": share,
            "95% CI low": ch.statistic(low, share), "95% CI high": ch.statistic(high, share),
            "published (%)": published_value}


def case_row(ch, label, k, n) -> dict:
    """A share of the described cases (not microdata; not a sample, so no interval)."""
    return {"measure": label, "basis": "described cases (chapter 3)", "count": ch.fixed(int(k)),
            "base": ch.fixed(int(n)), "share": ch.fixed(100 * k / n if n else np.nan),
            "95% CI low": np.nan, "95% CI high": np.nan, "published (%)": np.nan}


def draw_link(d):
    """Survey shares with their intervals beside the shares of described cases."""
    fig, ax = plt.subplots(figsize=(8, 3.4))
    colours = [figures.HIGHLIGHT if b.startswith("survey") else figures.PALETTE[1] for b in d["basis"]]
    y = np.arange(len(d))[::-1]
    ax.barh(y, d["share"], color=colours)
    ax.errorbar(d["share"], y, xerr=[d["share"] - d["95% CI low"], d["95% CI high"] - d["share"]],
                fmt="none", ecolor="#333333", capsize=3)
    if d["published (%)"].notna().any():
        ax.scatter(d["published (%)"], y, marker="D", color=figures.REFERENCE, zorder=3,
                   label="report (2025, all sectors)")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    ax.set_yticks(y, [wrap(m, 40) for m in d["measure"]], fontsize=8)
    ax.set_xlim(0, 100)
    ax.set_xlabel("share (%); survey shares with 95% Wilson interval")
    return fig


def show_link(ch, link, n_tc, n_cases, own_data) -> None:
    ch.figure(draw_link, "technology_link",
              ch.text("Technology in the survey and in the described cases. Blue: {question} (organisations that "
                      "innovated, {year}, {sectors}; n = {n}; recomputed from the microdata){marker}. Orange: share of "
                      "the {cases} described cases of report chapter 3 whose text names a technology "
                      "(data/qualitative/cases.csv; no interval: the cases are not a sample). Different measurements, "
                      "shown side by side.",
                      question=ch.fixed(ch.question("technology_content").lower()), year=ch.fixed(ch.year),
                      sectors=ch.fixed(ch.sector_label), n=n_tc, cases=ch.fixed(n_cases),
                      marker=ch.fixed(", with the report's published value as a diamond where it applies (2025, all "
                                      "sectors)" if own_data else "")),
              "Horizontal bars with interval whiskers: two survey shares of innovations with technology content, "
              "then two shares of described cases naming a technology.",
              data=link, labels=("measure", "basis"))


def glue_link(ch, link, n_tc, tech_pub) -> None:
    ch.glue("ch11_md_year", ch.fixed(ch.year))
    ch.glue("ch11_md_n", n_tc)
    ch.glue("ch11_md_tech12", link["share"].iloc[0], "{:.0f}%")
    ch.glue("ch11_md_tech123", link["share"].iloc[1], "{:.0f}%")
    ch.glue("ch11_pub_tech", ch.fixed(tech_pub), "{:.0f}%")
    ch.glue("ch11_md_pub_reading", ch.fixed(
        "the synthetic data are calibrated to it, so for 2025 and all sectors they match it by construction"
        if ch.synthetic else "on your microdata the two can be compared for 2025 and all sectors"))
    ch.glue("ch11_case_tech", link["share"].iloc[2], "{:.0f}%")
    ch.glue("ch11_case_tech_known", link["share"].iloc[3], "{:.0f}%")
    # The described cases against the published share: neither comes from the microdata.
    case_share = ch.plain(link["share"].iloc[2])
    if pd.isna(case_share):
        direction = "that cannot be compared here (no cases), with"
    else:
        direction = ("higher than" if case_share > tech_pub + 0.5 else "lower than" if case_share < tech_pub - 0.5
                     else "about equal to")
    ch.glue("ch11_case_vs_pub", ch.fixed(direction))


# ---------------------------------------------------------------------------- reproduction
def qualitative_checks(cases, trends, matrix, chapter_rows, oecd_trends_stated) -> pd.DataFrame:
    """What report chapter 3 states beside the counts of data/qualitative: the number of OECD
    trends, a case row for every case the report attaches a number to, and the trend judgements
    against the coded cluster links."""
    checks = [{"check": "OECD trends listed", "report states": str(oecd_trends_stated),
               "data/qualitative": str(len(trends)), "agrees": oecd_trends_stated == len(trends)}]
    facts = chapter_rows[chapter_rows["variable"] == "case_fact"]
    for group, rows_of_group in facts.groupby("group", sort=False):
        hit = cases[cases["organisation"].str.contains(group, case=False, regex=False)
                    | cases["innovation"].str.contains(group, case=False, regex=False)]
        plural = "s" if len(rows_of_group) != 1 else ""
        checks.append({"check": f"case with stated numbers: {group} ({len(rows_of_group)} number{plural}, "
                                f"{rows_of_group['source_id'].iloc[0]})",
                       "report states": "a case", "data/qualitative": "a case" if len(hit) else "no case",
                       "agrees": len(hit) > 0, "rows": ", ".join(hit["case_id"])})
    for row in trends.itertuples():
        n_links = int((matrix[row.trend_id] > 0).sum())
        expected_links = row.match in ("strong", "partial")
        checks.append({"check": f"trend '{row.name}': judged '{JUDGEMENT[row.match]}', clusters linked",
                       "report states": "at least one" if expected_links else "none",
                       "data/qualitative": str(n_links), "agrees": (n_links > 0) == expected_links})
    check_table = pd.DataFrame(checks).fillna("")
    check_table["agrees"] = check_table["agrees"].map({True: "yes", False: "NO"})
    return check_table


def show_checks(ch, check_table, chapter_rows) -> None:
    """The checks table and its counts: counts of the qualitative tables and the published layer,
    no microdata, so every column is a label and every glue a fixed value."""
    ch.table(check_table, "qualitative_check",
             ch.fixed("Counts from data/qualitative beside what report chapter 3 states (published layer text-3.1 to "
                      "text-3.3 and the report's trend judgements)."),
             labels=tuple(check_table.columns))
    facts = chapter_rows[chapter_rows["variable"] == "case_fact"]
    trend_checks = check_table[check_table["check"].str.startswith("trend")]
    fact_checks = check_table[check_table["check"].str.startswith("case with")]
    ch.glue("ch11_checks_n", ch.fixed(len(check_table)))
    ch.glue("ch11_checks_ok", ch.fixed(int((check_table["agrees"] == "yes").sum())))
    ch.glue("ch11_fact_cases", ch.fixed(int(facts["group"].nunique())))
    ch.glue("ch11_facts_n", ch.fixed(len(facts)))
    ch.glue("ch11_trend_checks_ok", ch.fixed(int((trend_checks["agrees"] == "yes").sum())))
    ch.glue("ch11_trend_checks_n", ch.fixed(len(trend_checks)))
    ch.glue("ch11_fact_rows", ch.fixed(int((fact_checks["agrees"] == "yes").sum())))
