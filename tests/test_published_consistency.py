"""Consistency of the published layer: every finding is an explained erratum, every rule can fail."""

from __future__ import annotations

import pandas as pd
import pytest

from barometer.data import consistency, published


@pytest.fixture(scope="module")
def values() -> pd.DataFrame:
    return published.load()


def findings_of(df: pd.DataFrame) -> set[str]:
    return {f.check_id for f in consistency.run(df)}


def test_every_finding_is_an_erratum_and_every_erratum_still_fails(values):
    findings = consistency.run(values)
    unexplained, stale = consistency.explained(findings, consistency.errata())
    assert [f.check_id for f in unexplained] == []
    assert stale == set()


def test_errata_ids_are_unique_and_well_formed():
    errata = consistency.errata()
    assert errata["erratum_id"].is_unique
    assert errata["erratum_id"].str.fullmatch(r"E\d\d").all()
    assert set(errata["confidence"]) <= {"certain", "likely", "undecided"}


def _set(df: pd.DataFrame, value: float, **where) -> pd.DataFrame:
    df = df.copy()
    mask = pd.Series(True, index=df.index)
    for col, want in where.items():
        mask &= df[col] == want
    assert mask.sum() == 1, where
    df.loc[mask, "value"] = value
    return df


# Each case: a plausible transcription error and the finding it must raise.
MUTATIONS = [
    ({"source_id": "B1-1", "group": "Gemeente", "statistic": "count"}, 98, "b1_1:count_total"),
    ({"source_id": "B1-7", "year": 2025, "item": "Weet niet"}, 12, "sum100:B1-7:2025"),
    ({"source_id": "B1-9", "group": "Totaal", "statistic": "n"}, 250, "base:B1-9:2025"),
    ({"source_id": "B1-9", "group": "GR", "statistic": "n"}, 60, "base:B1-9:2025:GR"),
    ({"source_id": "B1-10", "year": 2025, "group": "Gemeente", "statistic": "mean"}, 3.93, "weighted_mean:B1-10:2025"),
    ({"source_id": "B1-12", "year": 2021, "group": "GR", "statistic": "mean"}, 5.3, "range:B1-12:2021:GR:mean"),
    ({"source_id": "B1-8", "year": 2025, "group": "GR", "statistic": "n"}, 104, "sector_n:B1-8:2025"),
    ({"source_id": "B1-9", "group": "Provincie", "item": "Innovatie van producten"}, 40,
     "impossible_pct:B1-9:2025:Provincie:Innovatie van producten"),
    ({"source_id": "summary", "group": "Rijksoverheid", "variable": "climate_scale"}, 3.97,
     "mismatch:B1-10~summary:2025:Rijksoverheid:climate_scale::mean"),
]


@pytest.mark.parametrize(("where", "value", "finding"), MUTATIONS, ids=[m[2] for m in MUTATIONS])
def test_a_transcription_error_is_caught(values, where, value, finding):
    before = findings_of(values)
    assert finding not in before
    after = findings_of(_set(values, value, **where))
    assert finding in after


def test_text_gap_check_catches_a_wrong_gap(values):
    where = {"source_id": "text-2.4", "statistic": "pct_point_diff",
             "item": "Nieuwe technologie | (sterk) bevorderd"}
    after = findings_of(_set(values, 30, **where))
    assert "ppdiff:text-2.4:Nieuwe technologie" in after


# --------------------------------------------------------------------------- evidence for errata


def test_e01_reversed_reading_of_2_12_agrees_with_2_17():
    fixed = published.figure_2_12(corrected=True)
    promoted = fixed[fixed["answer"].isin(["Enigszins bevorderd", "Sterk bevorderd"])].groupby("factor")["pct"].sum()
    total = published.split_item(published.table("2-17", group="Totaal")).set_index("statement")["value"]
    gaps = (promoted - total.reindex(promoted.index)).abs()
    assert len(gaps) == 17 and gaps.max() <= 2
    printed = published.figure_2_12(corrected=False)
    p_promoted = printed[printed["answer"].isin(["Enigszins bevorderd", "Sterk bevorderd"])].groupby("factor")["pct"].sum()
    assert ((p_promoted - total.reindex(p_promoted.index)).abs() > 3).sum() >= 10


def test_e01_reversed_reading_reproduces_the_human_capital_mean():
    fixed = published.figure_2_12(corrected=True)
    score = dict(zip(published.LIKERT_2_12, range(1, 6), strict=True))
    fixed["score"] = fixed["answer"].map(score)
    means = fixed.groupby("factor", sort=False).apply(lambda g: (g["score"] * g["pct"]).sum() / g["pct"].sum(), include_groups=False)
    human_capital = means.iloc[:3]  # the report's first three factors form the scale
    stated = published.value("text-2.3", variable="human_capital_scale", statistic="mean")
    assert abs(human_capital.mean() - stated) < 0.05
    printed = published.figure_2_12(corrected=False).dropna()
    printed["score"] = printed["answer"].map(score)
    p_means = printed.groupby("factor", sort=False).apply(lambda g: (g["score"] * g["pct"]).sum() / g["pct"].sum(), include_groups=False)
    assert abs(p_means.iloc[:3].mean() - stated) > 0.5


def test_e02_corrected_2_19_matches_the_text_and_b2_2():
    fixed = published.figure_2_19(corrected=True)
    positive = fixed[fixed["answer"] == "Positief"].set_index("area")["pct"]
    text = published.split_item(published.table("text-2.5", variable="effect"))
    exact = text[~text["approx"] & (text["answer"] == "Positief")]
    for r in exact.itertuples():
        assert positive[r.statement] == r.value, r.statement
    b22 = published.split_item(published.table("B2-2"))
    weights = {"Krachtig": 0.2, "Gemiddeld": 0.6, "Beperkt": 0.2}
    weighted = (b22["value"] * b22["group"].map(weights)).groupby(b22["statement"]).sum()
    assert (weighted - positive.reindex(weighted.index)).abs().max() <= 2


def test_e07_b1_5_base_exceeds_the_exact_collaborator_bound_by_two():
    n = int(published.value("B1-4", year=2025, statistic="n", item=""))
    no = published.value("B1-4", year=2025, statistic="pct", item="Nee, geen samenwerking met anderen")
    dk = published.value("B1-4", year=2025, statistic="pct", item="Weet niet")
    no_lo, no_hi = consistency.count_interval(no, n)
    dk_lo, dk_hi = consistency.count_interval(dk, n)
    assert (n, no_lo, no_hi, dk_lo, dk_hi) == (264, 49, 51, 2, 3)
    lo, hi = n - no_hi - dk_hi, n - no_lo - dk_lo
    assert (lo, hi) == (210, 213)
    base5 = published.value("B1-5", year=2025, statistic="n", item="")
    assert base5 - hi == 2
    # 2021: 'Weet niet' printed as '-' (none); the printed base lies inside the bound.
    n21 = int(published.value("B1-4", year=2021, statistic="n", item=""))
    no21 = consistency.count_interval(published.value("B1-4", year=2021, statistic="pct",
                                                      item="Nee, geen samenwerking met anderen"), n21)
    assert n21 - no21[1] <= published.value("B1-5", year=2021, statistic="n", item="") <= n21 - no21[0]


def test_e09_2021_bases_of_b1_10_and_b1_12_exceed_the_347_of_the_footnote():
    response_2025 = published.value("B1-1", group="Totaal", statistic="count")
    response_2021 = published.value("B1-8", year=2021, group="Totaal", statistic="n")
    assert response_2025 == published.value("B1-8", year=2025, group="Totaal", statistic="n") == 347
    for source_id in ("B1-10", "B1-12"):
        base_2021 = published.value(source_id, year=2021, group="Totaal", statistic="n")
        base_2025 = published.value(source_id, year=2025, group="Totaal", statistic="n")
        assert base_2025 < response_2025  # the footnote holds for 2025
        assert response_2025 < base_2021 <= response_2021  # but not for 2021, whose response was 366


def test_e10_summary_more_than_60_percent_copied_needs_the_adapted_innovations():
    stated = published.value("summary", variable="origin", statistic="pct")
    origin = published.table("text-2.2", variable="origin").set_index("item")["value"]
    copied = origin["De innovatie is grotendeels een kopie van oplossingen zoals die elders al zijn geïmplementeerd"]
    adapted = origin["De innovatie is geïnspireerd op oplossingen elders, maar aangepast aan mijn organisatie"]
    assert (stated, copied, adapted) == (60, 19, 43)
    assert copied < stated < copied + adapted


def test_e11_limited_climate_names_fewest_failure_factors_for_two_reasons():
    b23 = published.table("B2-3").pivot(index="item", columns="group", values="value").astype(float)
    others = b23[["Krachtig", "Gemiddeld"]]
    lowest = set(b23.index[b23["Beperkt"] < others.min(axis=1)])
    highest = b23.index[b23["Beperkt"] > others.max(axis=1)]
    assert lowest == {"Gebrek aan financiële middelen of onzekerheid over toekomstige financiële middelen", "Overig"}
    assert len(highest) == 8 and len(b23) == 10


def test_e12_text_gaps_differ_by_one_point_from_figure_2_17():
    diffs = published.split_item(published.table("text-2.4", statistic="pct_point_diff"))
    fig = published.split_item(published.table("2-17")).pivot(index="statement", columns="group", values="value")
    computed = (fig["Krachtig"] - fig["Beperkt"]).astype(float)
    off = {r.statement: (r.value, computed[r.statement]) for r in diffs.itertuples() if r.value != computed[r.statement]}
    assert off == {
        "Nieuwe technologie": (37, 38),
        "Prikkels die innovatie systematisch belonen": (34, 33),
        "De manier waarop we omgaan met fouten": (29, 30),
        "De manier waarop burgers/klanten bijdragen": (27, 26),
    }
    # Within the ±1 point two rounded percentages allow, so the mechanical gap check stays silent.
    assert all(abs(t - c) <= 1 for t, c in off.values())
    assert computed.nlargest(2).index.tolist() == ["Nieuwe technologie", "Prikkels die innovatie systematisch belonen"]
