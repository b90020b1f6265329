"""Per-item wave comparisons (barometer.analysis.compare) against closed forms and textbook values."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps
from statsmodels.stats.multitest import multipletests

from barometer.analysis import compare
from barometer.data import codebook as md
from barometer.data import published


def frame(rows):
    return pd.DataFrame(rows, columns=["item", "pct_2021", "n_2021", "pct_2025", "n_2025"])


def test_difference_interval_is_newcombes_hybrid_score_interval():
    # Newcombe (1998), Statistics in Medicine 17, p. 880, example (a): 56/70 against 48/80,
    # method 10 (score interval hybrid): difference 0.2000, 95% CI 0.0524 to 0.3339.
    res = compare.compare_items(frame([("a", 60.0, 80, 80.0, 70)]))
    row = res.iloc[0]
    assert row["diff"] == pytest.approx(20.0)
    assert row["diff_low"] == pytest.approx(5.24, abs=0.005)
    assert row["diff_high"] == pytest.approx(33.39, abs=0.005)


def test_z_test_cohens_h_and_holm_within_the_family():
    rows = [("up", 7.0, 313, 19.0, 264), ("same", 85.0, 313, 85.0, 264), ("down", 44.0, 313, 31.0, 264)]
    res = compare.compare_items(frame(rows)).set_index("item")
    # pooled z for 'up': 22/313 against 50/264 (counts reconstructed from the percentages)
    k1, n1, k2, n2 = 22, 313, 50, 264
    p = (k1 + k2) / (n1 + n2)
    z = (k2 / n2 - k1 / n1) / math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2))
    assert res.loc["up", "statistic"] == pytest.approx(z, rel=1e-9)
    assert res.loc["up", "p"] == pytest.approx(2 * sps.norm.sf(abs(z)), rel=1e-9)
    h = 2 * math.asin(math.sqrt(k2 / n2)) - 2 * math.asin(math.sqrt(k1 / n1))
    assert res.loc["up", "cohens_h"] == pytest.approx(h)
    assert res.loc["up", "cohens_h"] > 0 > res.loc["down", "cohens_h"]
    expected = multipletests(res["p"].to_numpy(), method="holm")[1]
    assert res["p_holm"].to_numpy() == pytest.approx(expected)
    assert res.loc["up", "verdict"] == "significant increase"
    assert res.loc["down", "verdict"] == "significant decrease"
    assert res.loc["same", "verdict"] == "not significant"
    assert res.loc["up", "magnitude"] == "small"
    assert res.loc["same", "magnitude"] == "negligible"


def test_holm_can_remove_a_raw_significance():
    # Two items with raw p < 0.05 and four without: Holm multiplies the smallest by six.
    rows = [("a", 16.0, 214, 8.0, 163), ("b", 12.0, 214, 6.0, 163)] + [
        (c, 40.0, 214, 41.0, 163) for c in "cdef"]
    res = compare.compare_items(frame(rows)).set_index("item")
    assert res.loc["a", "p"] < 0.05 and res.loc["b", "p"] < 0.05
    assert res.loc["a", "p_holm"] == pytest.approx(6 * res.loc["a", "p"])
    assert (res["verdict"] == "not significant").all()


def test_untestable_items_are_kept_and_left_out_of_the_family():
    rows = [("zero", 0.0, 100, 0.0, 100), ("missing", 10.0, 100, np.nan, 100), ("x", 10.0, 100, 30.0, 100)]
    res = compare.compare_items(frame(rows)).set_index("item")
    assert res.loc["zero", "p"] == 1.0 and res.loc["zero", "statistic"] == 0.0
    assert res.loc["missing", "verdict"] == "not tested" and np.isnan(res.loc["missing", "p_holm"])
    # family of two tested items: Holm doubles the smaller p
    assert res.loc["x", "p_holm"] == pytest.approx(min(1.0, 2 * res.loc["x", "p"]))


def test_other_waves_and_missing_columns():
    df = pd.DataFrame({"item": ["a"], "pct_2025": [50.0], "n_2025": [100], "pct_2023": [30.0], "n_2023": [100]})
    res = compare.compare_items(df, first=2023, second=2025)
    assert res.loc[0, "diff"] == pytest.approx(20.0)
    with pytest.raises(KeyError):
        compare.compare_items(df)


def test_magnitude_labels_follow_cohen():
    assert [compare.magnitude(h) for h in (0.0, -0.19, 0.2, 0.49, -0.5, 0.8, 1.2)] == [
        "negligible", "negligible", "small", "small", "medium", "large", "large"]
    assert compare.magnitude(float("nan")) == ""


def test_from_published_reads_items_and_bases_of_an_annex_table():
    f = compare.from_published(published.table("B1-5"))
    assert len(f) == 6
    assert set(f["n_2021"]) == {290} and set(f["n_2025"]) == {215}
    first = f.iloc[0]
    assert first["item"].startswith("Het analyseren") and (first["pct_2021"], first["pct_2025"]) == (53.0, 48.0)


def test_check_claims_uses_the_holm_p():
    rows = [("up", 7.0, 313, 19.0, 264), ("same", 85.0, 313, 85.0, 264)]
    res = compare.compare_items(frame(rows))
    verdicts = compare.check_claims(res, False)
    assert verdicts.iloc[0].startswith("not supported") and verdicts.iloc[1] == "supported"
    partial = compare.check_claims(res, {"up": True})
    assert list(partial) == ["supported", ""]


def small_microdata():
    """Six innovators per wave, with known origins, channels and one evaluation each."""
    df = md.empty_frame(12)
    df["org_id"] = [f"o{i}" for i in range(12)]
    df["wave"] = [2021] * 6 + [2025] * 6
    df["innovated"] = [1, 1, 1, 1, 1, 0] * 2
    df["origin"] = [1, 3, 2, 2, 1, pd.NA] + [1, 2, 2, 2, 3, pd.NA]
    channel = md.items("channel")[0]
    # asked only where the innovation came from elsewhere (origin 1 or 3)
    df[channel] = [1, 0, pd.NA, pd.NA, 1, pd.NA] + [1, pd.NA, pd.NA, pd.NA, pd.NA, pd.NA]
    df["evaluation"] = [1, 2, 2, 5, pd.NA, pd.NA] + [5, 5, 5, 1, 2, pd.NA]
    return df.astype({c: "Int64" for c in ["wave", "innovated", "origin", channel, "evaluation"]})


def test_shares_use_the_universe_and_item_nonresponse():
    df = small_microdata()
    ch = compare.shares(df[df["wave"] == 2021], "channel").iloc[0]
    assert (ch["n"], ch["count"]) == (3, 2) and ch["pct"] == pytest.approx(200 / 3)
    # 2025: one organisation inspired/copied answered, one (origin 3) did not answer
    ch25 = compare.shares(df[df["wave"] == 2025], "channel").iloc[0]
    assert (ch25["n"], ch25["count"]) == (1, 1)
    ev = compare.shares(df[df["wave"] == 2021], "evaluation").set_index("code")
    assert ev.loc[2, "n"] == 4 and ev.loc[2, "pct"] == pytest.approx(50.0)
    assert ev["pct"].sum() == pytest.approx(100.0)


def test_from_microdata_feeds_compare_items():
    f = compare.from_microdata(small_microdata(), "evaluation")
    row = f.set_index("code").loc[5]
    assert (row["pct_2021"], row["n_2021"], row["pct_2025"], row["n_2025"]) == (25.0, 4, 60.0, 5)
    res = compare.compare_items(f)
    assert len(res) == len(md.column("evaluation").codes)
    assert res["p"].notna().all()
