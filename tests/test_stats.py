"""Statistical helpers against textbook values and independent computations."""

from __future__ import annotations

import math

import pytest
from scipy import stats as sps

from barometer.analysis import stats


def test_wilson_interval_matches_the_closed_form():
    # Wilson (1927) score interval, written out: for 8 of 10 at 95%.
    k, n, z = 8, 10, sps.norm.ppf(0.975)
    p = k / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    lo, hi = stats.wilson_ci(k, n)
    assert lo == pytest.approx(100 * (centre - half), abs=1e-9)
    assert hi == pytest.approx(100 * (centre + half), abs=1e-9)
    assert (round(lo, 1), round(hi, 1)) == (49.0, 94.3)  # the textbook value


@pytest.mark.parametrize("n", range(1, 80))
def test_wilson_interval_contains_the_share_even_at_0_and_100_percent(n):
    # Unclamped, 7 of 7 gave an upper bound 1.1e-16 below 100%: a negative error bar.
    for k in (0, n // 2, n):
        lo, hi = stats.wilson_ci(k, n)
        assert 0 <= lo <= 100 * k / n <= hi <= 100
    assert stats.wilson_ci(n, n)[1] == 100 and stats.wilson_ci(0, n)[0] == 0


def test_format_p_for_prose():
    assert stats.format_p(0.0004) == "p < 0.001"
    assert stats.format_p(0.0123) == "p = 0.012"
    assert stats.format_p(float("nan")) == stats.format_p(None) == "p not computable"


def test_pct_ci_reconstructs_the_count():
    lo, hi = stats.pct_ci(76, 347)
    assert lo < 76 < hi and hi - lo < 10


def test_two_proportion_test_matches_the_pooled_z_formula():
    # 86% of 366 (2021) against 76% of 347 (2025): the decline the report describes.
    res = stats.two_proportions(86, 366, 76, 347)
    k1, k2 = 315, 264
    p = (k1 + k2) / (366 + 347)
    z = (k1 / 366 - k2 / 347) / math.sqrt(p * (1 - p) * (1 / 366 + 1 / 347))
    assert res.statistic == pytest.approx(z, rel=1e-9)
    assert res.p_value == pytest.approx(2 * sps.norm.sf(abs(z)), rel=1e-9)
    assert res.verdict() == "significant"
    assert 0.2 < res.effect < 0.5


def test_cohens_h_known_values():
    assert stats.cohens_h(50, 50) == 0
    assert stats.cohens_h(80, 50) == pytest.approx(2 * math.asin(math.sqrt(0.8)) - math.pi / 2)


def test_welch_from_stats_matches_scipy_on_raw_data():
    a = [3.1, 3.5, 3.9, 4.2, 3.3, 3.8, 4.0]
    b = [2.9, 3.0, 3.6, 3.1, 3.4]
    import statistics as st

    res = stats.welch_from_stats(st.mean(a), st.stdev(a), len(a), st.mean(b), st.stdev(b), len(b))
    ref = sps.ttest_ind(a, b, equal_var=False)
    assert res.statistic == pytest.approx(ref.statistic)
    assert res.p_value == pytest.approx(ref.pvalue)
    assert res.df == pytest.approx(ref.df)


def test_chi_square_and_cramers_v():
    res = stats.chi_square_from_pcts([[50, 50], [50, 50]], [100, 100])
    assert res.statistic == pytest.approx(0) and res.effect == pytest.approx(0)
    strong = stats.chi_square_from_pcts([[90, 10], [10, 90]], [100, 100])
    assert strong.p_value < 1e-10 and strong.effect > 0.7


def test_holm_is_monotone_and_controls():
    corrected, reject = stats.holm([0.01, 0.04, 0.03, 0.5])
    assert list(reject) == [True, False, False, False]
    assert corrected[0] == pytest.approx(0.04)


def test_holm_leaves_an_untested_p_out_of_the_family():
    corrected, reject = stats.holm([0.01, float("nan"), 0.03])
    assert corrected[0] == pytest.approx(0.02) and corrected[2] == pytest.approx(0.03)
    assert math.isnan(corrected[1]) and not reject[1]


def test_claim_check():
    sig = stats.two_proportions(86, 366, 76, 347)
    assert stats.claim_check(True, sig) == "supported"
    assert stats.claim_check(False, sig).startswith("not supported")
