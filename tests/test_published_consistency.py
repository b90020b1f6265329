"""Consistency of the published layer: every finding is an explained erratum, every rule can fail."""

from __future__ import annotations

import pandas as pd
import pytest

from barometer import consistency, published


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
