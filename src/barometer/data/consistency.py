"""Consistency checks of the published layer.

Each rule looks for numbers of the report that cannot all be right at once. A finding is
either a transcription error (fix ``values.csv``) or an inconsistency of the report itself,
which must then be explained by a row of ``errata.csv`` that names the finding's id. The
test suite requires the two sets to be equal, so a new transcription error cannot hide
behind an existing erratum, and an erratum that no longer fails is noticed.

Rounding is taken seriously: a percentage printed as an integer stands for any value within
half a point of it, a mean printed with two decimals for any value within 0.005.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from barometer.data import codebook as md
from barometer.data import paths, published

PCT_HALF = 0.5
MEAN_HALF = 0.005
SCALE_MIN, SCALE_MAX = 1.0, 5.0


@dataclass(frozen=True)
class Finding:
    check_id: str
    rule: str
    source_id: str
    detail: str


RULES: dict[str, Callable[[pd.DataFrame], Iterator[Finding]]] = {}


def rule(func: Callable[[pd.DataFrame], Iterator[Finding]]) -> Callable[[pd.DataFrame], Iterator[Finding]]:
    RULES[func.__name__] = func
    return func


# --------------------------------------------------------------------------- helpers


def canonical_groups() -> dict[tuple[str, str], str]:
    df = md.group_labels()
    return {(r.breakdown, r.label): r.canonical for r in df.itertuples()}


def statement(item: str) -> str:
    """The statement of a 'statement | answer' item (the item itself otherwise)."""
    return item.split(" | ")[0]


def answer(item: str) -> str:
    return item.split(" | ")[1] if " | " in item else item


def _nl(df: pd.DataFrame) -> pd.DataFrame:
    return df[df["country"] == "NL"]


def _pct_possible(pct: float, n: int) -> bool:
    """Is there a whole count k of n respondents whose percentage rounds to ``pct``?"""
    lo = math.ceil((pct - PCT_HALF) * n / 100 - 1e-9)
    hi = math.floor((pct + PCT_HALF) * n / 100 + 1e-9)
    return max(lo, 0) <= min(hi, n)


def count_interval(pct: float, n: int) -> tuple[int, int]:
    """Whole counts out of ``n`` compatible with a percentage printed as ``pct``."""
    lo = max(0, math.ceil((pct - PCT_HALF) * n / 100 - 1e-9))
    hi = min(n, math.floor((pct + PCT_HALF) * n / 100 + 1e-9))
    return lo, hi


def _cell(df: pd.DataFrame, **where) -> float | None:
    rows = df
    for col, val in where.items():
        rows = rows[rows[col] == val]
    if len(rows) != 1 or pd.isna(rows["value"].iloc[0]):
        return None
    return float(rows["value"].iloc[0])


# --------------------------------------------------------------------------- rules


@rule
def distributions_sum_to_100(df: pd.DataFrame) -> Iterator[Finding]:
    """Single-answer distributions add up to 100, within the rounding of their cells."""
    families = [
        ("B1-7", ["year"], "evaluation"),
        ("B1-1", ["year"], "response"),  # shares of the sectors in the total response
        ("2-12", ["year", "stmt"], "promoting_factor"),
        ("2-19", ["year", "stmt"], "effect"),
        ("B2-4", ["year", "group"], "effect"),
        ("text-2.4", ["year"], "climate_cluster"),
        ("text-2.2", ["year"], "origin"),
    ]
    for source_id, keys, variable in families:
        rows = df[(df["source_id"] == source_id) & (df["variable"] == variable) & df["value"].notna()].copy()
        if source_id == "B1-1":
            rows = rows[(rows["statistic"] == "share") & (rows["group"] != "Totaal")]
        else:
            rows = rows[rows["statistic"] == "pct"]
        rows["stmt"] = rows["item"].map(statement)
        for key, fam in rows.groupby(keys, sort=False):
            key = key if isinstance(key, tuple) else (key,)
            k = len(fam)
            total = fam["value"].sum()
            if abs(total - 100) > PCT_HALF * k + 1e-9:
                label = ":".join(str(x) for x in key)
                yield Finding(
                    f"sum100:{source_id}:{label}", "distributions_sum_to_100", source_id,
                    f"{k} cells sum to {total:g}, outside 100 ± {PCT_HALF * k:g}",
                )


@rule
def likert_rows_are_complete(df: pd.DataFrame) -> Iterator[Finding]:
    """Every statement of a Likert figure has a value for every answer category."""
    for source_id, variable in (("2-12", "promoting_factor"), ("2-19", "effect")):
        rows = df[(df["source_id"] == source_id) & (df["variable"] == variable)]
        answers = rows["item"].map(answer)
        width = answers[~answers.str.startswith("kolom onbekend")].nunique()
        for stmt, fam in rows.groupby(rows["item"].map(statement), sort=False):
            unknown = fam["item"].map(answer).str.startswith("kolom onbekend").any()
            if len(fam) != width or unknown:
                yield Finding(
                    f"incomplete:{source_id}:{stmt}", "likert_rows_are_complete", source_id,
                    f"'{stmt}' has {len(fam)} values for {width} answer categories"
                    + (" (column of each value unknown)" if unknown else ""),
                )


@rule
def percentages_are_possible(df: pd.DataFrame) -> Iterator[Finding]:
    """A percentage with a base n must be some whole count out of n, rounded."""
    rows = df[(df["statistic"] == "pct") & df["base_n"].notna() & df["value"].notna() & ~df["approx"]]
    for r in rows.itertuples():
        if r.base_n > 0 and not _pct_possible(r.value, int(r.base_n)):
            yield Finding(
                f"impossible_pct:{r.source_id}:{r.year}:{r.group}:{r.item}", "percentages_are_possible",
                r.source_id, f"{r.value:g}% of n = {r.base_n} is not k/n for any whole k",
            )


@rule
def response_counts_add_up(df: pd.DataFrame) -> Iterator[Finding]:
    """B1-1: sector counts add to the total; the response rates imply compatible sample sizes."""
    b11 = df[(df["source_id"] == "B1-1")]
    counts = b11[b11["statistic"] == "count"].set_index("group")["value"]
    rates = b11[b11["statistic"] == "response_rate"].set_index("group")["value"]
    sectors = counts.drop("Totaal")
    if sectors.sum() != counts["Totaal"]:
        yield Finding("b1_1:count_total", "response_counts_add_up", "B1-1",
                      f"sector counts sum to {sectors.sum():g}, total printed {counts['Totaal']:g}")
    # Each sector's sample lies between count/(rate+0.5%) and count/(rate-0.5%).
    lo = sum(math.ceil(c * 100 / (rates[g] + PCT_HALF)) for g, c in sectors.items())
    hi = sum(math.floor(c * 100 / (rates[g] - PCT_HALF)) for g, c in sectors.items())
    t_lo = math.ceil(counts["Totaal"] * 100 / (rates["Totaal"] + PCT_HALF))
    t_hi = math.floor(counts["Totaal"] * 100 / (rates["Totaal"] - PCT_HALF))
    if hi < t_lo or lo > t_hi:
        yield Finding("b1_1:rates", "response_counts_add_up", "B1-1",
                      f"sector samples imply {lo}-{hi} organisations, the total rate implies {t_lo}-{t_hi}")


@rule
def bases_follow_from_innovation_rates(df: pd.DataFrame) -> Iterator[Finding]:
    """B1-8 rate × n gives the innovators, who are the base of B1-9 and of B1-3 … B1-7.

    B1-2 (channels) is asked only of innovations inspired by or copied from elsewhere and
    B1-5 (phases) only of innovators that collaborated; B1-5 is checked against B1-4.
    """
    b18 = df[df["source_id"] == "B1-8"]
    for year in (2021, 2025):
        y = b18[b18["year"] == year]
        pct = y[y["statistic"] == "pct"].set_index("group")["value"]
        n = y[y["statistic"] == "n"].set_index("group")["value"]
        lo, hi = count_interval(pct["Totaal"], int(n["Totaal"]))
        for source_id in ("B1-3", "B1-4", "B1-6", "B1-7", "B1-9"):
            base = _cell(df, source_id=source_id, year=year, group="Totaal", statistic="n", item="")
            if base is not None and not lo <= base <= hi:
                yield Finding(f"base:{source_id}:{year}", "bases_follow_from_innovation_rates", source_id,
                              f"base {base:g} outside the {lo}-{hi} innovators implied by B1-8")
        if year == 2025:
            b19 = df[(df["source_id"] == "B1-9") & (df["statistic"] == "n")].set_index("group")["value"]
            for group, base in b19.drop("Totaal").items():
                g18 = "Rechtswezen" if group == "Recht" else group
                if g18 not in pct:
                    continue
                lo18, hi18 = count_interval(pct[g18], int(n[g18]))
                if not lo18 <= base <= hi18:
                    yield Finding(f"base:B1-9:{year}:{group}", "bases_follow_from_innovation_rates", "B1-9",
                                  f"base {base:g} not compatible with {pct[g18]:g}% of {n[g18]:g} in B1-8")
        # B1-5 is asked of those that collaborated: 100% minus 'no' and 'don't know' of B1-4.
        b14 = df[(df["source_id"] == "B1-4") & (df["year"] == year)]
        base4 = _cell(b14, statistic="n", item="")
        no = _cell(b14, item="Nee, geen samenwerking met anderen", statistic="pct") or 0.0
        dk = _cell(b14, item="Weet niet", statistic="pct") or 0.0
        base5 = _cell(df, source_id="B1-5", year=year, statistic="n", item="")
        if base4 is not None and base5 is not None:
            # Two rounded percentages: the collaborators' share is within ±1 point.
            lo5 = math.floor((100 - no - dk - 2 * PCT_HALF) * base4 / 100)
            hi5 = math.ceil((100 - no - dk + 2 * PCT_HALF) * base4 / 100)
            if not lo5 <= base5 <= hi5:
                yield Finding(f"base:B1-5:{year}", "bases_follow_from_innovation_rates", "B1-5",
                              f"base {base5:g} outside the {lo5}-{hi5} collaborators implied by B1-4")


@rule
def sector_counts_add_up(df: pd.DataFrame) -> Iterator[Finding]:
    """Sector bases add up to the total. The totals include Hoge Colleges van Staat (a row
    of its own only in B1-1, 2025) and sectors suppressed with '#'; the 2021 count of Hoge
    Colleges is not published, so for 2021 only a negative gap is an inconsistency."""
    hoge = _cell(df, source_id="B1-1", group="Hoge Colleges van Staat", statistic="count")
    for source_id in ("B1-8", "B1-9", "B1-10", "B1-12"):
        rows = df[(df["source_id"] == source_id) & (df["statistic"] == "n")]
        for year, y in rows.groupby("year"):
            total = y.loc[y["group"] == "Totaal", "value"]
            if total.empty:
                continue
            parts = y.loc[y["group"] != "Totaal", "value"].sum()
            gap = float(total.iloc[0]) - parts
            suppressed = df[(df["source_id"] == source_id) & (df["year"] == year) & df["value"].isna()]
            partial_response = source_id in ("B1-10", "B1-12")  # item non-response: n below B1-1
            bad = gap < 0 or (
                year == 2025 and hoge is not None and suppressed.empty and not partial_response
                and gap != hoge
            )
            if bad:
                yield Finding(f"sector_n:{source_id}:{year}", "sector_counts_add_up", source_id,
                              f"sector n's sum to {parts:g}, total {float(total.iloc[0]):g}")


@rule
def means_are_on_the_scale(df: pd.DataFrame) -> Iterator[Finding]:
    """Scale means lie in 1-5 and standard deviations in (0, 2]."""
    scales = df[df["variable"].str.endswith("_scale") & df["value"].notna()]
    for r in scales.itertuples():
        bad = (r.statistic == "mean" and not SCALE_MIN <= r.value <= SCALE_MAX) or (
            r.statistic == "sd" and not 0 < r.value <= 2
        )
        if bad:
            yield Finding(f"range:{r.source_id}:{r.year}:{r.group}:{r.statistic}", "means_are_on_the_scale",
                          r.source_id, f"{r.statistic} {r.value:g} is off the 1-5 scale")


@rule
def sector_means_average_to_total(df: pd.DataFrame) -> Iterator[Finding]:
    """The n-weighted sector means reproduce the printed total, allowing for rounding and
    for organisations in no printed row (Hoge Colleges, suppressed cells: mean anywhere in 1-5)."""
    for source_id in ("B1-10", "B1-11", "B1-12"):
        rows = df[df["source_id"] == source_id]
        for year, y in rows.groupby("year"):
            means = y[y["statistic"] == "mean"].set_index("group")["value"]
            ns = y[y["statistic"] == "n"].set_index("group")["value"]
            if "Totaal" not in means:
                continue
            parts = means.drop("Totaal").dropna()
            n_parts = ns.reindex(parts.index)
            n_total = float(ns["Totaal"])
            missing = n_total - n_parts.sum()
            lo = ((parts - MEAN_HALF) * n_parts).sum() + SCALE_MIN * missing
            hi = ((parts + MEAN_HALF) * n_parts).sum() + SCALE_MAX * missing
            t = float(means["Totaal"])
            if not lo / n_total - MEAN_HALF <= t <= hi / n_total + MEAN_HALF:
                yield Finding(f"weighted_mean:{source_id}:{year}", "sector_means_average_to_total", source_id,
                              f"weighted sector means give {lo / n_total:.3f}-{hi / n_total:.3f}, total printed {t:g}")


@rule
def same_number_same_value(df: pd.DataFrame) -> Iterator[Finding]:
    """A number stated in two places (table and prose, summary and chapter) agrees.

    Qualified numbers ("ruim", "bijna de helft") may differ by up to 5 points; a number
    printed with fewer decimals may differ by its rounding; exact numbers must be equal.
    """
    canon = canonical_groups()
    d = df[df["value"].notna() & ~df["statistic"].isin(["n", "count"]) | df["variable"].eq("response")].copy()
    d = d[d["value"].notna()]
    d["g"] = [canon.get((b, g), g) for b, g in zip(d["breakdown"], d["group"], strict=True)]
    d["i"] = d["item"].str.lower().str.strip()
    keys = ["year", "country", "breakdown", "g", "variable", "i", "statistic"]
    for key, fam in d.groupby(keys, sort=False):
        if fam["source_id"].nunique() < 2:
            continue
        exact = fam[~fam["approx"]]
        ref = exact if not exact.empty else fam
        for a in ref.itertuples():
            for b in fam.itertuples():
                if b.Index <= a.Index and not b.approx or a.source_id == b.source_id:
                    continue
                decimals = min(_decimals(a.value), _decimals(b.value))
                tol = 5.0 if b.approx or a.approx else 0.5 * 10 ** (-decimals) + 1e-9
                if decimals == max(_decimals(a.value), _decimals(b.value)) and not (a.approx or b.approx):
                    tol = 1e-9
                if abs(a.value - b.value) > tol:
                    yield Finding(
                        f"mismatch:{a.source_id}~{b.source_id}:{key[0]}:{key[3]}:{key[4]}:{key[5]}:{key[6]}",
                        "same_number_same_value", b.source_id,
                        f"{a.source_id} line {a.source_line} gives {a.value:g}, "
                        f"{b.source_id} line {b.source_line} gives {b.value:g}",
                    )


def _decimals(x: float) -> int:
    text = f"{x:g}"
    return len(text.split(".")[1]) if "." in text else 0


@rule
def cluster_thresholds_partition_the_scale(df: pd.DataFrame) -> Iterator[Finding]:
    """The climate clusters' score ranges neither overlap nor leave a gap."""
    t = df[(df["statistic"] == "threshold") & (df["breakdown"] == "climate_cluster")]
    get = {(r.group, r.item): r.value for r in t.itertuples()}
    strong_lo = get.get(("Krachtig", "ondergrens"))
    mid_lo, mid_hi = get.get(("Gemiddeld", "ondergrens")), get.get(("Gemiddeld", "bovengrens"))
    weak_hi = get.get(("Beperkt", "bovengrens"))
    if None in (strong_lo, mid_lo, mid_hi, weak_hi):
        return
    if mid_hi > strong_lo:
        yield Finding("clusters:overlap", "cluster_thresholds_partition_the_scale", "text-2.4",
                      f"'gemiddeld' reaches {mid_hi:g} while 'krachtig' starts at {strong_lo:g}")
    if mid_lo > weak_hi:
        yield Finding("clusters:gap", "cluster_thresholds_partition_the_scale", "text-2.4",
                      f"scores between {weak_hi:g} and {mid_lo:g} belong to no cluster")


@rule
def figures_are_not_copies(df: pd.DataFrame) -> Iterator[Finding]:
    """No row of one figure repeats a row of another figure with other labels."""
    def vectors(source_id: str, by: str) -> dict[str, tuple[float, ...]]:
        rows = df[(df["source_id"] == source_id) & (df["statistic"] == "pct")]
        keyed = rows.assign(k=rows[by] if by == "group" else rows["item"].map(statement))
        return {k: tuple(g["value"].tolist()) for k, g in keyed.groupby("k", sort=False)}

    effects = vectors("2-19", "item")
    sectors = vectors("B2-4", "group")
    copies = [(g, e) for g, v in sectors.items() for e, w in effects.items() if v == w]
    if copies:
        yield Finding("copy:B2-4~2-19", "figures_are_not_copies", "B2-4",
                      f"{len(copies)} of {len(sectors)} rows of B2-4 equal rows of 2-19, e.g. "
                      f"'{copies[0][0]}' = '{copies[0][1]}'")


@rule
def text_differences_follow_from_figure(df: pd.DataFrame) -> Iterator[Finding]:
    """Percentage-point gaps quoted in the text match the figure's own numbers
    (two rounded percentages: their difference is known to ±1 point)."""
    diffs = df[df["statistic"] == "pct_point_diff"]
    fig = df[df["source_id"] == "2-17"]
    for r in diffs[diffs["breakdown"] == "climate_cluster"].itertuples():
        stmt = statement(r.item).lower()
        rows = fig[fig["item"].map(lambda s: statement(s).lower()) == stmt]
        strong = rows.loc[rows["group"] == "Krachtig", "value"]
        weak = rows.loc[rows["group"] == "Beperkt", "value"]
        if strong.empty or weak.empty:
            yield Finding(f"ppdiff:{r.source_id}:{statement(r.item)}", "text_differences_follow_from_figure",
                          r.source_id, "no matching row in Figure 2-17")
            continue
        gap = float(strong.iloc[0] - weak.iloc[0])
        if abs(gap - r.value) > 2 * PCT_HALF + 1e-9:
            yield Finding(f"ppdiff:{r.source_id}:{statement(r.item)}", "text_differences_follow_from_figure",
                          r.source_id, f"text {r.value:g} points, figure {gap:g}")


@rule
def promoting_shares_agree_between_figures(df: pd.DataFrame) -> Iterator[Finding]:
    """Figure 2-12's promoted share (somewhat + strongly) per factor agrees with the total
    column of Figure 2-17 (the same question, same wave), within 3 points."""
    f212 = df[(df["source_id"] == "2-12")].copy()
    f212["stmt"] = f212["item"].map(lambda s: statement(s).lower())
    promoted = f212[f212["item"].map(answer).isin(["Enigszins bevorderd", "Sterk bevorderd"])]
    share = promoted.groupby("stmt")["value"].sum()
    f217 = df[(df["source_id"] == "2-17") & (df["group"] == "Totaal")]
    total = {statement(s).lower(): v for s, v in zip(f217["item"], f217["value"], strict=True)}
    off = {s: (share.get(s), total[s]) for s in total if s in share and abs(share[s] - total[s]) > 3}
    if off:
        example = next(iter(off.items()))
        yield Finding("promoted:2-12~2-17", "promoting_shares_agree_between_figures", "2-12",
                      f"{len(off)} of {len(total)} factors disagree, e.g. '{example[0]}': "
                      f"2-12 gives {example[1][0]:g}, 2-17 gives {example[1][1]:g}")


# --------------------------------------------------------------------------- running


def run(df: pd.DataFrame | None = None) -> list[Finding]:
    """All findings of all rules, in rule order."""
    if df is None:
        df = published.load()
    df = _nl(df)  # Danish numbers have no Dutch counterpart to agree with
    findings: list[Finding] = []
    for func in RULES.values():
        findings.extend(func(df))
    return findings


def errata(path: Path | None = None) -> pd.DataFrame:
    path = paths.record_input(path or paths.PUBLISHED / "errata.csv")
    return pd.read_csv(path, keep_default_na=False)


def explained(findings: list[Finding], errata_df: pd.DataFrame) -> tuple[list[Finding], set[str]]:
    """Findings no erratum explains, and erratum check ids that found nothing."""
    claimed = {c.strip() for cell in errata_df["checks"] for c in cell.split(";") if c.strip() and c.strip() != "manual"}
    found = {f.check_id for f in findings}
    return [f for f in findings if f.check_id not in claimed], claimed - found


def report(findings: list[Finding]) -> pd.DataFrame:
    return pd.DataFrame([f.__dict__ for f in findings], columns=["check_id", "rule", "source_id", "detail"])
