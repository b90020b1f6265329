"""What a published 'no significant difference' implies about the unpublished side (stats.consistent_range)."""

from __future__ import annotations

import math

import pytest
from scipy import stats as sps

from barometer.analysis import stats


def pooled_p(k1: int, n1: int, k2: int, n2: int) -> float:
    """The pooled two-proportion z-test written out (any statistics textbook)."""
    p = (k1 + k2) / (n1 + n2)
    z = (k1 / n1 - k2 / n2) / math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2))
    return 2 * sps.norm.sf(abs(z))


@pytest.mark.parametrize(("pct", "n", "n_other"), [(18, 264, 313), (40, 264, 313), (50, 20, 30), (2, 52, 52)])
def test_the_range_ends_where_the_test_becomes_significant(pct, n, n_other):
    k1 = stats.count_from_pct(pct, n)
    low, high = stats.consistent_range(pct, n, n_other)
    lo_k, hi_k = round(low * n_other / 100), round(high * n_other / 100)
    assert lo_k <= k1 * n_other / n <= hi_k
    assert pooled_p(k1, n, lo_k, n_other) >= 0.05
    assert pooled_p(k1, n, hi_k, n_other) >= 0.05
    if lo_k > 0:
        assert pooled_p(k1, n, lo_k - 1, n_other) < 0.05
    if hi_k < n_other:
        assert pooled_p(k1, n, hi_k + 1, n_other) < 0.05


def test_known_value_for_a_share_of_eighteen_percent():
    # 48 of 264 (18%) in 2025 against 313 in 2021, pooled z-test: 38/313 = 12.1% differs
    # (p = 0.042), 39/313 = 12.5% does not (p = 0.056); 78/313 = 24.9% does not (p = 0.051),
    # 79/313 = 25.2% does (p = 0.041).
    low, high = stats.consistent_range(18, 264, 313)
    assert (low, high) == (pytest.approx(100 * 39 / 313), pytest.approx(100 * 78 / 313))
    assert pooled_p(48, 264, 38, 313) == pytest.approx(0.0424, abs=5e-4)
    assert pooled_p(48, 264, 79, 313) == pytest.approx(0.0415, abs=5e-4)


def test_a_stricter_level_widens_the_range():
    narrow = stats.consistent_range(20, 264, 313, alpha=0.05)
    wide = stats.consistent_range(20, 264, 313, alpha=0.01)
    assert wide[0] < narrow[0] and wide[1] > narrow[1]


def test_all_zero_counts_are_no_difference():
    assert stats.consistent_range(0, 10, 10)[0] == 0.0
