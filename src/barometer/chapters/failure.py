"""Plumbing of chapter 9 (when innovation fails): the figures, tables and captions of the notebook
``09_failure``, and the two helpers its statistics need (an exact r x 2 test and the rounding
check that recovers the bases of Figure B2-3). The notebook keeps the tests and the prose."""

from __future__ import annotations

import itertools

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy import stats as sps
from scipy.special import gammaln

from barometer.analysis import models, stats
from barometer.book.figures import HIGHLIGHT, MUTED, PALETTE, wrap
from barometer.data import codebook as md
from barometer.data import published

CLUSTERS = ["Krachtig", "Gemiddeld", "Beperkt"]  # strong, average, limited innovation climate
SIZES = ["Klein", "Middelgroot", "Groot"]
RESIDUAL = "Anders / weet niet"  # the phase category the text of §2.6 leaves open
# Our own grouping of the ten reasons of Figure 2-20 (not the report's, nor the Institute's).
KIND = {1: "support", 9: "support", 6: "people and skills", 4: "collaboration", 7: "collaboration",
        2: "preparation and time", 8: "preparation and time", 5: "money", 3: "the idea", 10: "other"}
# The five reasons §2.6 says a limited climate names much more often than a strong one.
NAMED_DIFFERENCES = {6: "missing skills", 9: "lack of political support", 4: "insufficient collaboration within",
                     8: "insufficient time", 2: "process not sufficiently planned"}


# ---------------------------------------------------------------------------- scope (which sentence applies)
def glue_sector_view(ch) -> None:
    """Which sentence on the sector parameter the Overview shows (case ``ch09_sector_view``: none,
    selected): the report gives no breakdown of failure by sector."""
    if ch.sector is None:
        ch.glue("ch09_sector_view", "none")
        return
    ch.glue("ch09_sector_view", "selected")
    ch.glue("ch09_sector_name", ch.group(ch.sector))


# ---------------------------------------------------------------------------- statistics helpers
def exact_rxc(table) -> float:
    """Fisher-Freeman-Halton exact test for an r x 2 table: the probability, given both margins,
    of a table at most as likely as the observed one (enumerates every table; fine for small n)."""
    table = np.asarray(table, dtype=int)
    rows, cols = table.sum(axis=1), table.sum(axis=0)
    n, k = table.sum(), cols[0]

    def log_p(first):  # multivariate hypergeometric probability of the first column
        return (sum(gammaln(r + 1) - gammaln(a + 1) - gammaln(r - a + 1) for r, a in zip(rows, first, strict=False))
                - (gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1)))

    observed = log_p(table[:, 0])
    total = 0.0
    for first in itertools.product(*[range(r + 1) for r in rows[:-1]]):
        last = k - sum(first)
        if 0 <= last <= rows[-1]:
            lp = log_p([*first, last])
            if lp <= observed + 1e-9:
                total += np.exp(lp)
    return min(1.0, total)


def possible(pct: float, n: int) -> bool:
    """Can a whole count out of n be printed as this whole percentage (round half up or to even)?"""
    k = np.arange(n + 1)
    return bool(np.any(np.abs(100 * k / n - pct) <= 0.5 + 1e-9))


def rounding_grid(base: int, values: int = 7) -> str:
    """The first whole percentages a count out of ``base`` can be printed as (an illustration)."""
    return ", ".join(f"{100 * k / base:.0f}" for k in range(values))


# ---------------------------------------------------------------------------- published part
def in_brief_phases(ch, wave: int) -> None:
    """In brief's chart: the phases of §2.6's text and the residual they leave (published)."""
    ib = published.table("text-2.6", variable="failure_phase")[["item", "value"]].copy()
    ib["code"] = [md.code_of("failure_phase", i) for i in ib["item"]]
    rest = md.code_of("failure_phase", RESIDUAL)
    ib = pd.concat([ib, pd.DataFrame({"item": [RESIDUAL], "value": [100 - ib["value"].sum()], "code": [rest]})],
                   ignore_index=True)
    ib["phase"] = [ch.option("failure_phase", c) for c in ib["code"]]
    ib["source"] = np.where(ib["code"] == rest, "residual (our addition)", "text of §2.6")
    ib_n = int(published.value("2-20", statistic="n"))
    fig, ax = plt.subplots(figsize=(6.5, 2.8))
    y = np.arange(len(ib))
    ax.barh(y, ib["value"], color=[MUTED if c == rest else HIGHLIGHT for c in ib["code"]])
    for yy, v in zip(y, ib["value"], strict=False):
        ax.text(v + 1, yy, f"{v:.0f}%", va="center", fontsize=9)
    ax.set_yticks(y, [f"{p}\n(not in the text)" if c == rest else p for p, c in zip(ib["phase"], ib["code"], strict=False)])
    ax.invert_yaxis()
    ax.set_xlim(0, ib["value"].max() + 12)
    ax.set_xlabel("organisations with a failed attempt (%)")
    fig.tight_layout()
    named = ib[ib["code"] != rest].sort_values("value", ascending=False)
    ch.figure(fig, "in_brief_phases",
              f"{ch.question('failure_phase')} Organisations with a failed attempt, {wave} (published, text of §2.6; "
              f"Figure 2-21 is an image; n = {ib_n}, the base of Figure 2-20). Grey: the share the four named phases "
              "leave open.",
              "Horizontal bar chart of the phases in which failed attempts stranded: "
              + ", ".join(f"{p.lower()} {v:.0f}%" for p, v in zip(named["phase"], named["value"], strict=False))
              + f"; the remaining {ib.loc[ib['code'] == rest, 'value'].iloc[0]:.0f}% is not named in the text.",
              data=ib[["phase", "value", "source"]].rename(columns={"value": "stranded (%)"}))


def b23_table(ch) -> pd.DataFrame:
    """Annex Figure B2-3 with the codes and labels of its reasons and its percentages as numbers."""
    b23 = published.table("B2-3").copy()
    b23["code"] = [md.code_of("failure_reason", i) for i in b23["item"]]
    b23["reason"] = [ch.option("failure_reason", c) for c in b23["code"]]
    b23["pct"] = b23["value"].astype(float)
    return b23


def show_implied_bases(ch, candidates: dict, n_failed: int, wave: int) -> None:
    """The table of the bases each cluster's printed percentages allow."""
    implied = pd.DataFrame({
        "cluster": [ch.group(c, "climate_cluster") for c in CLUSTERS],
        "smallest consistent base": [candidates[c][0] for c in CLUSTERS],
        "all consistent bases up to the total": [", ".join(map(str, candidates[c][:8]))
                                                 + (" …" if len(candidates[c]) > 8 else "") for c in CLUSTERS]})
    ch.table(implied, "implied_bases",
             f"Bases of Annex Figure B2-3 implied by its printed percentages, {wave}: every base from 1 to {n_failed} "
             "for which all ten printed percentages of the cluster are possible values (published numbers, our "
             "derivation).")


def rebuild_overall(b23: pd.DataFrame, bases: dict) -> pd.DataFrame:
    """Figure 2-20 rebuilt: the clusters' counts summed per reason, with Wilson intervals."""
    overall = (b23.groupby(["code", "reason"], as_index=False)["count"].sum().assign(n=sum(bases.values())))
    overall["pct"] = 100 * overall["count"] / overall["n"]
    overall["ci_low"], overall["ci_high"] = zip(*[stats.wilson_ci(k, n)
                                                  for k, n in zip(overall["count"], overall["n"], strict=False)], strict=False)
    return overall.sort_values("pct", ascending=False).reset_index(drop=True)


def show_reasons_rebuilt(ch, overall: pd.DataFrame, n_failed: int, wave: int) -> None:
    """Table and figure of the rebuilt Figure 2-20."""
    n = int(overall["n"].iloc[0])
    ch.table(overall[["reason", "count", "n", "pct", "ci_low", "ci_high"]].rename(columns={
                 "pct": "named (%)", "ci_low": "95% CI low", "ci_high": "95% CI high"}),
             "reasons_rebuilt",
             f"{ch.question('failure_reason')}, {wave}: Figure 2-20 rebuilt from the counts of Annex Figure B2-3 "
             f"(organisations with a failed attempt and a climate score, n = {n} of {n_failed}). "
             "Several answers allowed. Wilson 95% intervals. Published numbers, our reconstruction.",
             formats={"named (%)": "{:.0f}", "95% CI low": "{:.0f}", "95% CI high": "{:.0f}"})
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    plot = overall.iloc[::-1]
    y = np.arange(len(plot))
    ax.barh(y, plot["pct"], color=HIGHLIGHT, alpha=0.85)
    ax.errorbar(plot["pct"], y, xerr=[plot["pct"] - plot["ci_low"], plot["ci_high"] - plot["pct"]],
                fmt="none", ecolor="#333333", capsize=3, linewidth=1)
    ax.set_yticks(y, [wrap(r, 48) for r in plot["reason"]], fontsize=8)
    ax.set_xlim(0, 100)
    ax.set_xlabel("organisations with a failed attempt naming the reason (%), 95% interval")
    fig.tight_layout()
    ch.figure(fig, "reasons_rebuilt",
              f"{ch.question('failure_reason')}, {wave}. Base: organisations with a failed attempt and a climate score "
              f"(n = {n}). Rebuilt from Annex Figure B2-3 (Figure 2-20 is an image).",
              "Horizontal bar chart of ten reasons for failure with interval bars; lack of support within the "
              "organisation is named most, political support least.",
              data=overall[["reason", "count", "n", "pct", "ci_low", "ci_high"]])


def ranking_phrases(overall: pd.DataFrame) -> dict:
    """Does the rebuilt figure rank the reasons as the report's text does? Verdict phrases.

    The report: support within first, then a mediocre idea, an insufficiently planned process and
    insufficient collaboration within; then skills, money and collaboration outside."""
    claimed_top, claimed_next = {1, 3, 2, 4}, {6, 5, 7}
    ranked = overall[overall["code"] != md.code_of("failure_reason", "Overig")]  # the text ranks no 'other'
    top_ok = set(ranked["code"][:4]) == claimed_top and ranked["code"].iloc[0] == 1
    next_ok = {int(c) for c in ranked["code"][4:7]} == claimed_next
    return {
        "top_reason": f"{overall['reason'].iloc[0].lower()} ({overall['pct'].iloc[0]:.0f}%)",
        "ib_top_reason": overall["reason"].iloc[0].lower().replace("my organisation", "the organisation"),
        "rank_check": ("the rebuilt figure agrees: the same reason comes first and the same four lead" if top_ok
                       else "the rebuilt figure does not fully agree with the report's ranking"),
        "rank_next": ("and the next three are the ones the report names" if next_ok
                      else "though the next three differ from those the report names"),
    }


def glue_tie_view(ch, overall: pd.DataFrame) -> None:
    """Whether the text on the ranking says that parts of it are ties (case ``ch09_tie_view``:
    ties, no-ties): several reasons of the rebuilt figure share a percentage."""
    if overall["pct"].duplicated(keep=False).any():
        ch.glue("ch09_tie_view", "ties")
    else:
        ch.glue("ch09_tie_view", "no-ties")


def kinds_of_failure(ch, overall: pd.DataFrame, wave: int) -> pd.DataFrame:
    """The reasons in our own grouping, with their mentions; shown as a table."""
    n = int(overall["n"].iloc[0])
    kinds = overall.assign(kind=overall["code"].map(KIND)).groupby("kind", as_index=False).agg(
        reasons=("reason", lambda r: "; ".join(r)), mentions=("count", "sum"))
    kinds["mentions per failed attempt"] = kinds["mentions"] / n
    kinds = kinds.sort_values("mentions", ascending=False)
    ch.table(kinds, "kinds_of_failure",
             f"The ten reasons of Figure 2-20 in our own grouping (not the report's, nor the Institute's archetypes), "
             f"with the number of mentions in the rebuilt figure ({wave}, n = {n}). An organisation "
             "can name several reasons of one kind, so mentions are not organisations.",
             formats={"mentions per failed attempt": "{:.2f}"})
    return kinds


def phases_table(ch, n_failed: int) -> pd.DataFrame:
    """The phases of §2.6's text plus the residual, with Wilson intervals on the base of Figure 2-20."""
    phases = published.table("text-2.6", variable="failure_phase").copy()
    phases["code"] = [md.code_of("failure_phase", i) for i in phases["item"]]
    phases["pct"] = phases["value"].astype(float)
    rest = md.code_of("failure_phase", RESIDUAL)
    phases = pd.concat([phases[["code", "pct"]], pd.DataFrame({"code": [rest], "pct": [100 - phases["pct"].sum()]})],
                       ignore_index=True)
    phases["phase"] = [ch.option("failure_phase", c) for c in phases["code"]]
    phases["printed"] = np.where(phases["code"] == rest, "residual (our addition)", "text of §2.6")
    phases["ci_low"], phases["ci_high"] = zip(*[stats.pct_ci(p, n_failed) for p in phases["pct"]], strict=False)
    return phases


def show_phases(ch, phases: pd.DataFrame, n_failed: int, wave: int) -> None:
    """Table and stacked bar of the phases (Figure 2-21 from the text)."""
    rest = md.code_of("failure_phase", RESIDUAL)
    ch.table(phases[["phase", "pct", "ci_low", "ci_high", "printed"]].rename(columns={
                 "pct": "stranded (%)", "ci_low": "95% CI low", "ci_high": "95% CI high", "printed": "source"}),
             "phases", f"{ch.question('failure_phase')}, {wave}. Base: organisations with a failed attempt "
             f"(n = {n_failed}, the base of Figure 2-20). Wilson 95% intervals.",
             formats={"95% CI low": "{:.0f}", "95% CI high": "{:.0f}"})
    fig, ax = plt.subplots(figsize=(7, 1.9))
    left = 0
    for i, r in phases.iterrows():
        colour = MUTED if r["code"] == rest else PALETTE[i]
        ax.barh([0], [r["pct"]], left=left, color=colour, edgecolor="white")
        ax.text(left + r["pct"] / 2, 0, f"{wrap(r['phase'], 14)}\n{r['pct']:.0f}%", ha="center", va="center",
                fontsize=8)
        left += r["pct"]
    ax.set_xlim(0, 100)
    ax.set_yticks([])
    ax.set_xlabel("organisations with a failed attempt (%)")
    fig.tight_layout()
    ch.figure(fig, "phases", f"{ch.question('failure_phase')}, {wave}. Base: organisations with a failed attempt "
              f"(n = {n_failed}). Source: the text of §2.6 (Figure 2-21 is an image); the grey part is the residual "
              "the four named phases leave.",
              "One stacked bar divided into pilot, implementation, testing, scaling up and a grey residual; pilot and "
              "implementation together take about three fifths.",
              data=phases[["phase", "pct", "ci_low", "ci_high", "printed"]])


def reasons_by_cluster(ch, b23: pd.DataFrame, bases: dict) -> pd.DataFrame:
    """Per reason: the three clusters' percentages, the exact test over the three clusters and
    Fisher's exact test of limited against strong (one row per reason)."""
    wide = b23.pivot_table(index=["code", "reason"], columns="group", values="count").reset_index()
    rows = []
    for _, r in wide.iterrows():
        table = np.array([[r[c], bases[c] - r[c]] for c in CLUSTERS], dtype=int)
        lim_str = np.array([[r["Beperkt"], bases["Beperkt"] - r["Beperkt"]],
                            [r["Krachtig"], bases["Krachtig"] - r["Krachtig"]]], dtype=int)
        rows.append({"code": r["code"], "reason": r["reason"],
                     **{f"{ch.group(c, 'climate_cluster')} (%)": 100 * r[c] / bases[c] for c in CLUSTERS},
                     "limited − strong (points)": 100 * (r["Beperkt"] / bases["Beperkt"]
                                                         - r["Krachtig"] / bases["Krachtig"]),
                     "p (3 clusters, exact)": exact_rxc(table),
                     "p (limited vs strong, Fisher)": sps.fisher_exact(lim_str)[1]})
    return pd.DataFrame(rows)


def show_reasons_by_cluster(ch, by_cluster: pd.DataFrame, bases: dict, wave: int) -> None:
    """Table and dot plot of the reasons by climate cluster (Annex Figure B2-3)."""
    bases_text = ", ".join(f"{ch.group(c, 'climate_cluster')}: {bases[c]}" for c in CLUSTERS)
    ch.table(by_cluster.drop(columns="code"), "reasons_by_cluster",
             f"Reasons for failure by innovation-climate cluster, {wave} (published: Annex Figure B2-3), with the implied "
             f"bases ({bases_text}), "
             "an exact test over the three clusters per reason (Holm over the ten reasons) and Fisher's exact test of "
             "limited against strong.", formats={c: "{:.3f}" for c in by_cluster.columns if c.startswith("p ")}
             | {c: "{:.0f}" for c in by_cluster.columns if c.endswith("(%)")} | {"limited − strong (points)": "{:+.0f}"})
    fig, ax = plt.subplots(figsize=(7.5, 4.8))
    order = by_cluster.iloc[::-1]
    y = np.arange(len(order))
    cols = [f"{ch.group(c, 'climate_cluster')} (%)" for c in CLUSTERS]
    ax.hlines(y, order[cols].min(axis=1), order[cols].max(axis=1), color=MUTED, linewidth=2)
    for i, (c, col) in enumerate(zip(CLUSTERS, cols, strict=False)):
        ax.scatter(order[col], y, color=PALETTE[i], label=ch.group(c, "climate_cluster"), zorder=3)
    ax.set_yticks(y, [wrap(r, 46) for r in order["reason"]], fontsize=8)
    ax.set_xlim(0, 70)
    ax.set_xlabel("organisations with a failed attempt naming the reason (%)")
    ax.legend(title="innovation climate", fontsize=8, loc="lower right")
    fig.tight_layout()
    ch.figure(fig, "reasons_by_cluster",
              f"{ch.question('failure_reason')} by innovation-climate cluster, {wave}. Base: organisations with a failed "
              f"attempt in each cluster (implied: {', '.join(str(bases[c]) for c in CLUSTERS)} for strong, average, "
              "limited). Source: Annex Figure B2-3.",
              "Dot plot of ten reasons, three dots each; the limited-climate dot lies furthest right for most reasons, "
              "but not for money and 'other'.",
              data=by_cluster.drop(columns="code"))


def show_claims(ch, fam: pd.DataFrame, rate_p: float, more_reasons: bool, alpha: float = 0.05) -> pd.DataFrame:
    """The claims of §2.6 about reasons by cluster, each with its test and a verdict (a table)."""
    rows = [{"claim": "limited climate names more reasons across the board", "limited − strong (points)": np.nan,
             "p (Fisher)": rate_p, "p (Holm)": np.nan,
             "verdict": "supported" if rate_p < alpha and more_reasons
             else "not supported: not significant with these bases"}]
    for _, r in fam.iterrows():
        sig = r["p (Holm)"] < alpha
        rows.append({"claim": f"limited climate names '{NAMED_DIFFERENCES[r['code']]}' much more often than strong",
                     "limited − strong (points)": r["limited − strong (points)"],
                     "p (Fisher)": r["p (limited vs strong, Fisher)"], "p (Holm)": r["p (Holm)"],
                     "verdict": ("supported" if sig and r["limited − strong (points)"] > 0 else
                                 "opposite" if sig else "not supported: not significant with these bases")})
    claims = pd.DataFrame(rows)
    ch.table(claims, "claims_check",
             "Claims of §2.6 about reasons by climate cluster, checked on the published Figure B2-3 with its implied "
             "bases. First row: reasons named per organisation, limited against strong (conditional binomial test of "
             "two Poisson counts); other rows: Fisher's exact test, Holm over the five named reasons.",
             formats={"limited − strong (points)": "{:+.0f}", "p (Fisher)": "{:.3f}", "p (Holm)": "{:.3f}"})
    return claims


def limited_most(ch, by_cluster: pd.DataFrame) -> int:
    """For how many reasons the limited cluster's percentage is the highest of the three."""
    lim, strong, avg = (f"{ch.group(c, 'climate_cluster')} (%)" for c in ("Beperkt", "Krachtig", "Gemiddeld"))
    return int(sum(r[lim] > max(r[strong], r[avg]) for _, r in by_cluster.iterrows()))


def failure_rates(ch, bases: dict) -> tuple[pd.DataFrame, int]:
    """Organisations per cluster (§2.4's shares of those with a climate score) and their failed
    attempts (the implied bases), with Wilson intervals: published numbers, our derivation."""
    n_scored = int(published.table("text-2.4", variable="climate_scale", statistic="mean",
                                   group="Totaal")["base_n"].iloc[0])
    share = published.table("text-2.4", variable="climate_cluster").set_index("item")["value"].astype(float)
    rate = pd.DataFrame({"cluster": [ch.group(c, "climate_cluster") for c in CLUSTERS],
                         "organisations (approx.)": [int(round(n_scored * share[c] / 100)) for c in CLUSTERS],
                         "failed attempt": [bases[c] for c in CLUSTERS]})
    rate["failed (%)"] = 100 * rate["failed attempt"] / rate["organisations (approx.)"]
    rate["ci_low"], rate["ci_high"] = zip(*[stats.wilson_ci(k, n) for k, n in
                                            zip(rate["failed attempt"], rate["organisations (approx.)"], strict=False)], strict=False)
    return rate, n_scored


def show_failure_rates(ch, rate: pd.DataFrame, n_scored: int, wave: int) -> None:
    ch.table(rate.rename(columns={"ci_low": "95% CI low", "ci_high": "95% CI high"}), "failure_rate_by_cluster",
             f"Organisations reporting a failed attempt by innovation-climate cluster, {wave}: cluster sizes from §2.4 "
             f"({n_scored} organisations with a climate score × the printed shares) and failed attempts "
             "from the implied bases of Figure B2-3 (published numbers, our derivation; approximate).",
             formats={"failed (%)": "{:.0f}", "95% CI low": "{:.0f}", "95% CI high": "{:.0f}"})


# ---------------------------------------------------------------------------- microdata part
def model_frame(ch, wave: int) -> tuple[pd.DataFrame, dict]:
    """A copy of the file with the model's columns: ``failed``, ``cluster`` (of the climate score),
    ``sector_group`` (small sectors of the failure wave merged by the book's rule), and the sector
    groups as unions of sectors (``{group: [sectors]}``)."""
    frame = ch.data.copy()  # every organisation of the file; the groups select the failure wave
    frame["failed"] = frame["failed_attempt"].astype("float")
    in_wave = frame["wave"] == wave
    # A sector of the codebook without organisations in that wave is small too.
    merged = dict(zip(frame.loc[in_wave, "sector"].astype(object), models.collapse_rare(frame.loc[in_wave, "sector"]), strict=False))
    group_of = {s: merged.get(s, models.OTHER) for s in md.DESIGN_LABELS["sector"]}
    sector_groups: dict = {}
    for s in sorted(md.DESIGN_LABELS["sector"]):
        sector_groups.setdefault(group_of[s], []).append(s)
    frame["sector_group"] = frame["sector"].astype(object).map(group_of)
    frame["climate"] = md.scale_score(frame, "climate")
    frame["cluster"] = md.climate_cluster(frame["climate"])
    for col in ("cluster", "sector_group", "size_class"):
        # patsy needs plain objects with NaN for missing (not pandas' NA)
        frame[col] = frame[col].astype(object).where(frame[col].notna(), np.nan)
    return frame, dict(sorted(sector_groups.items()))


def breakdowns(ch, answered, in_cluster: dict, has_cluster, sector_groups: dict) -> dict:
    """Each characteristic: (rows as (label, base, group), the base and group of all rows together)."""
    return {
        "sector": ([("Other (small sectors)" if g == models.OTHER else ch.group(g), answered, {"sector": m})
                    for g, m in sector_groups.items()], answered, {}),
        "size": ([(ch.group(s, "size"), answered, {"size_class": s}) for s in SIZES],
                 answered, {"size_class": SIZES}),
        "climate cluster": ([(ch.group(c, "climate_cluster"), answered & in_cluster[c], {}) for c in CLUSTERS],
                            answered & has_cluster, {}),
    }


def failed_by(ch, label: str, rows: list, hit, group: dict, wave: int) -> pd.DataFrame:
    """The table of failed attempts by one characteristic (typed counts and shares), shown."""
    out = pd.DataFrame([{label: name, "organisations": ch.count(base, **{**group, **g}),
                         "failed attempt": ch.count(base & hit, **{**group, **g}),
                         "failed (%)": ch.share(base, hit, **{**group, **g})} for name, base, g in rows])
    ch.table(out, f"failed_by_{label.replace(' ', '_')}",
             ch.text("{question} by {label}, {year}, all sectors (computed from the microdata). Base: all responding "
                     "organisations{scope}.", question=ch.fixed(ch.question("failed_attempt")), label=ch.fixed(label),
                     year=ch.fixed(wave), scope=ch.fixed(" with a climate score" if label == "climate cluster" else "")),
             labels=(label,), formats={"failed (%)": "{:.1f}"})
    return out


def not_failed_failed(out: pd.DataFrame, ch) -> np.ndarray:
    """The (not failed, failed) table of the groups with organisations."""
    n_row = np.array([ch.plain(v) for v in out["organisations"]], dtype=int)
    k_row = np.array([ch.plain(v) for v in out["failed attempt"]], dtype=int)
    return np.column_stack([n_row - k_row, k_row])[n_row > 0]


def test_row(ch, label: str, out: pd.DataFrame, tab: np.ndarray, n, test) -> dict:
    """One row of the tests table: every number of a test rests on all cells of its table."""
    chi2, p, dof, exp = test if test is not None else (np.nan,) * 4
    v = np.sqrt(chi2 / (tab.sum() * (min(tab.shape) - 1))) if test is not None else np.nan
    few = int((exp < 5).sum()) if test is not None else np.nan
    return {"characteristic": label, "groups": ch.statistic(tab.shape[0], on=out), "n": n,
            "chi2": ch.statistic(chi2, on=out), "df": ch.statistic(dof, on=out), "p": ch.statistic(p, on=out),
            "Cramér's V": ch.statistic(v, on=out), "expected < 5": ch.statistic(few, on=out)}


def show_tests(ch, rows: list, wave: int) -> None:
    ch.table(pd.DataFrame(rows), "failed_tests",
             ch.text("Chi-square tests of a failed attempt against each characteristic, {year}, all sectors "
                     "(computed from the microdata).", year=ch.fixed(wave)),
             labels=("characteristic",), formats={"chi2": "{:.2f}", "p": "{:.3f}", "Cramér's V": "{:.2f}"})


def show_odds_ratios(ch, model, sector_ref, wave: int, r2, auc) -> None:
    ch.table(model.odds_ratios(ch.term_label), "odds_ratios",
             ch.text("Logistic regression of reporting a failed attempt, {year}, all sectors (computed from the "
                     "microdata; {n} organisations): odds ratios with Wald 95% intervals. References: small, average "
                     "climate, sector {ref}. McFadden pseudo-R² = {r2:.3f}, AUC = {auc:.2f}.",
                     year=ch.fixed(wave), n=model.n, ref=ch.fixed(ch.group(sector_ref)), r2=r2, auc=auc),
             labels=("term",),
             formats={"odds ratio": "{:.2f}", "95% CI low": "{:.2f}", "95% CI high": "{:.2f}", "p": "{:.3f}"})


def joint_wald(ch, model, prefix: str):
    """Wald test that every term of a factor is zero; it rests on the model and on each of its terms.
    Where the model could not be estimated: its status (a verdict saying why)."""
    if not model.ok:
        return model.status()
    fit = model.result
    terms = list(fit.params.index)
    idx = [i for i, t in enumerate(terms) if t.startswith(prefix)]
    if not idx:
        return model.stat(np.nan)
    r = np.zeros((len(idx), len(terms)))
    for row, i in enumerate(idx):
        r[row, i] = 1
    return ch.statistic(float(fit.wald_test(r, scalar=True).pvalue),
                        on=[model.stat(np.nan, term=terms[i]) for i in idx])


def reasons_microdata(ch, reason_cols: list, with_failure, overall: pd.DataFrame, group: dict, wave: int) -> None:
    """The reasons recomputed, beside the rebuilt Figure 2-20, in the published figure's order
    (an order taken from the microdata would tell how hidden percentages compare)."""
    rebuilt = overall.set_index("code")["pct"]
    rows = []
    for col in reason_cols:
        base, named = with_failure & ch.answered(col), ch.where(col, 1)
        rows.append({"reason": ch.column_label(col), "named": ch.count(base & named, **group),
                     "n": ch.count(base, **group), "recomputed (%)": ch.share(base, named, **group),
                     "rebuilt from B2-3 (%)": ch.fixed(rebuilt.get(int(col.rsplit("_", 1)[1]), np.nan))})
    reasons_md = pd.DataFrame(rows)
    order = reasons_md["rebuilt from B2-3 (%)"].map(ch.plain).sort_values(ascending=False, kind="stable").index
    ch.table(reasons_md.loc[order].reset_index(drop=True), "reasons_microdata",
             ch.text("{question}, {year}, {sectors}, recomputed from the microdata, beside Figure 2-20 as rebuilt from "
                     "Figure B2-3 (all sectors). Base: organisations with a failed attempt.",
                     question=ch.fixed(ch.question("failure_reason")), year=ch.fixed(wave),
                     sectors=ch.fixed(ch.sector_label)),
             labels=("reason",), formats={"recomputed (%)": "{:.1f}", "rebuilt from B2-3 (%)": "{:.0f}"})


def phases_microdata(ch, phase_base, in_phase: dict, phases: pd.DataFrame, group: dict, wave: int) -> None:
    """The phases recomputed, beside the text of §2.6."""
    phase_md = pd.DataFrame([{"phase": r["phase"], "count": ch.count(in_phase[r["code"]], **group),
                              "n": ch.count(phase_base, **group),
                              "recomputed (%)": ch.share(phase_base, in_phase[r["code"]], **group),
                              "published (%)": ch.fixed(r["pct"])} for _, r in phases.iterrows()])
    ch.table(phase_md, "phases_microdata",
             ch.text("{question}, {year}, {sectors}, recomputed from the microdata beside the text of §2.6 (the last row "
                     "is the residual category).", question=ch.fixed(ch.question("failure_phase")), year=ch.fixed(wave),
                     sectors=ch.fixed(ch.sector_label)),
             labels=("phase",), formats={"recomputed (%)": "{:.1f}", "published (%)": "{:.0f}"})


def b23_microdata(ch, reason_cols: list, with_failure, in_cluster: dict, b23: pd.DataFrame, group: dict,
                  wave: int) -> pd.DataFrame:
    """Annex Figure B2-3 recomputed per reason and cluster, beside the published percentages."""
    rows = []
    for col in reason_cols:
        for c in CLUSTERS:
            base, named = with_failure & ch.answered(col) & in_cluster[c], ch.where(col, 1)
            recomputed = ch.share(base, named, **group)
            published_pct = ch.fixed(float(b23.loc[(b23["group"] == c) & (b23["code"] == int(col.rsplit("_", 1)[1])),
                                                   "pct"].iloc[0]))
            rows.append({"reason": ch.column_label(col), "cluster": ch.group(c, "climate_cluster"),
                         "n": ch.count(base, **group), "named": ch.count(base & named, **group),
                         "recomputed (%)": recomputed, "published (%)": published_pct,
                         "difference": ch.difference(recomputed, published_pct)})
    b23_md = pd.DataFrame(rows)
    ch.table(b23_md, "reasons_by_cluster_microdata",
             ch.text("Reasons for failure by innovation-climate cluster, {year}, all sectors: recomputed from the "
                     "microdata beside Annex Figure B2-3 (default cluster cut points, erratum E04).", year=ch.fixed(wave)),
             labels=("reason", "cluster"), formats={"recomputed (%)": "{:.1f}", "difference": "{:+.1f}"})
    return b23_md


def released_count(ch, name: str, column: str, test):
    """How many cells of ``column`` of the table ``name`` (already shown) the output check releases
    and pass ``test``: counted over released cells when the page is rendered, so it tells nothing
    the table does not."""
    shown = ch.shown(name)
    return ch.tally(shown, column, "True", values=[str(bool(test(ch.plain(v)))) for v in shown[column]])


def show_reproduction(ch, records: pd.DataFrame) -> None:
    ch.table(records[["source_id", "group", "variable", "item", "statistic", "published", "recomputed", "difference",
                      "within", "base_n"]],
             "reproduction", "Published numbers of §2.6, Figure 2-20 and Figure B2-3 beside their values recomputed "
             "from the microdata.", labels=("source_id", "group", "variable", "item", "statistic"),
             formats={"recomputed": "{:.1f}", "difference": "{:+.1f}"})
