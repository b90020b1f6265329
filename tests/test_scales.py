"""Scale statistics against hand computations, closed forms, scipy, pingouin and statsmodels."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
import statsmodels.formula.api as smf
from scipy import stats as sps

from barometer.analysis import scales

# Five organisations, three items. By hand: item variances 2.5, 1.8, 1.8 (sum 6.1); sum scores
# 5, 7, 10, 13, 15 with variance 17; alpha = 3/2 * (1 - 6.1/17) = 327/340.
HAND = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": [2, 2, 4, 4, 5], "c": [2, 3, 3, 5, 5]})


def one_factor_corr(loadings):
    lam = np.asarray(loadings, dtype=float)
    r = np.outer(lam, lam)
    np.fill_diagonal(r, 1.0)
    return pd.DataFrame(r, index=[f"x{i}" for i in range(len(lam))], columns=[f"x{i}" for i in range(len(lam))])


def simulate(loadings, n, seed=1):
    rng = np.random.default_rng(seed)
    lam = np.asarray(loadings, dtype=float)
    f = rng.standard_normal(n)
    e = rng.standard_normal((n, len(lam))) * np.sqrt(1 - lam**2)
    return pd.DataFrame(f[:, None] * lam + e, columns=[f"x{i}" for i in range(len(lam))])


# --------------------------------------------------------------------------- alpha


def test_alpha_equals_the_hand_computation():
    res = scales.cronbach_alpha(HAND)
    assert res.alpha == pytest.approx(327 / 340, abs=1e-12)
    assert (res.n, res.k) == (5, 3)
    assert res.ci_low < res.alpha < res.ci_high


def test_alpha_interval_is_feldts():
    res = scales.cronbach_alpha(HAND, level=0.95)
    df1, df2 = 4, 8
    low = 1 - (1 - 327 / 340) * sps.f.isf(0.025, df1, df2)
    high = 1 - (1 - 327 / 340) * sps.f.isf(0.975, df1, df2)
    assert res.ci_low == pytest.approx(low, abs=5e-4)
    assert res.ci_high == pytest.approx(high, abs=5e-4)


def test_alpha_uses_complete_cases():
    data = HAND.astype(float)
    with_gap = pd.concat([data, pd.DataFrame({"a": [3.0], "b": [np.nan], "c": [1.0]})], ignore_index=True)
    assert scales.cronbach_alpha(with_gap).alpha == pytest.approx(327 / 340)
    assert scales.cronbach_alpha(with_gap).n == 5


def test_item_analysis_alpha_if_deleted():
    table = scales.item_analysis(HAND).set_index("item")
    # Without item a: items b and c, variances 1.8 and 1.8, sum-score variance 1.8 + 1.8 + 2 cov(b, c).
    cov_bc = np.cov(HAND["b"], HAND["c"], ddof=1)[0, 1]
    expected = 2 * (1 - 3.6 / (3.6 + 2 * cov_bc))
    assert table.loc["a", "alpha_if_deleted"] == pytest.approx(expected)
    assert table.loc["a", "item_rest_r"] == pytest.approx(np.corrcoef(HAND["a"], HAND["b"] + HAND["c"])[0, 1])


# --------------------------------------------------------------------------- factor model and omega


def test_one_factor_recovers_exact_loadings_and_omega():
    lam = [0.8, 0.7, 0.6, 0.5]
    model = scales.one_factor_from_corr(one_factor_corr(lam), n=500)
    assert model.loadings.to_numpy() == pytest.approx(lam, abs=1e-3)
    assert model.uniqueness.to_numpy() == pytest.approx([1 - x**2 for x in lam], abs=1e-3)
    s = sum(lam)
    expected = s**2 / (s**2 + sum(1 - x**2 for x in lam))
    assert model.omega == pytest.approx(expected, abs=1e-3)
    assert model.explained == pytest.approx(sum(x**2 for x in lam) / 4, abs=1e-3)


def test_loadings_are_signed_positive():
    data = -simulate([0.7, 0.6, 0.5], 2000)
    assert (scales.one_factor(data).loadings > 0).all()


def test_omega_equals_alpha_for_tau_equivalent_items():
    data = simulate([0.6] * 5, 20_000, seed=7)
    alpha = scales.cronbach_alpha(data).alpha
    omega = scales.mcdonald_omega(data)
    assert omega == pytest.approx(alpha, abs=0.01)
    # and the population value: 25 * 0.36 / (25 * 0.36 + 5 * 0.64)
    assert omega == pytest.approx(9 / 12.2, abs=0.01)


def test_omega_exceeds_alpha_for_congeneric_items():
    data = simulate([0.9, 0.7, 0.4, 0.3], 20_000, seed=3)
    assert scales.mcdonald_omega(data) > scales.cronbach_alpha(data).alpha + 0.01


# --------------------------------------------------------------------------- KMO, Bartlett, parallel analysis


def test_kmo_equals_the_hand_computation_for_three_items():
    a, b, c = 0.5, 0.4, 0.3  # r12, r13, r23
    r = pd.DataFrame([[1, a, b], [a, 1, c], [b, c, 1]], columns=["x1", "x2", "x3"], index=["x1", "x2", "x3"])

    def partial(rxy, rxz, ryz):
        return (rxy - rxz * ryz) / math.sqrt((1 - rxz**2) * (1 - ryz**2))

    p12, p13, p23 = partial(a, b, c), partial(b, a, c), partial(c, a, b)
    overall = (a**2 + b**2 + c**2) / (a**2 + b**2 + c**2 + p12**2 + p13**2 + p23**2)
    item1 = (a**2 + b**2) / (a**2 + b**2 + p12**2 + p13**2)
    value, per_item = scales.kmo(r)
    assert value == pytest.approx(overall, abs=1e-12)
    assert per_item["x1"] == pytest.approx(item1, abs=1e-12)


def test_kmo_is_high_for_a_strong_common_factor():
    value, _ = scales.kmo(one_factor_corr([0.8] * 6))
    assert value > 0.9


def test_bartlett_equals_the_closed_form_for_two_items():
    r, n = 0.3, 100
    res = scales.bartlett_sphericity(np.array([[1, r], [r, 1]]), n)
    chi2 = -(n - 1 - (2 * 2 + 5) / 6) * math.log(1 - r**2)
    assert res.statistic == pytest.approx(chi2, abs=1e-12)
    assert res.df == 1
    assert res.p_value == pytest.approx(sps.chi2.sf(chi2, 1), abs=1e-12)


def test_bartlett_is_zero_for_the_identity():
    res = scales.bartlett_sphericity(np.eye(4), 50)
    assert res.statistic == pytest.approx(0.0, abs=1e-12)
    assert res.df == 6 and res.p_value == pytest.approx(1.0)


def test_parallel_analysis_retains_one_factor_and_is_seeded():
    data = simulate([0.7, 0.6, 0.7, 0.6, 0.5, 0.6], 400, seed=11)
    pa = scales.parallel_analysis(data, n_iter=100, seed=1)
    assert pa["retain"].sum() == 1
    assert pa["observed"].iloc[0] > pa["random_quantile"].iloc[0]
    assert pa["random_mean"].sum() == pytest.approx(6, abs=1e-9)  # eigenvalues of a correlation matrix sum to p
    assert pa.equals(scales.parallel_analysis(data, n_iter=100, seed=1))


def test_parallel_analysis_retains_nothing_in_noise():
    noise = pd.DataFrame(np.random.default_rng(5).standard_normal((300, 5)))
    assert scales.parallel_analysis(noise, n_iter=200, seed=2)["retain"].sum() == 0


# --------------------------------------------------------------------------- summary-statistic comparisons


@pytest.fixture
def groups():
    rng = np.random.default_rng(42)
    sizes, means, sds = [12, 30, 55, 8], [3.2, 3.6, 3.7, 3.4], [0.4, 0.6, 0.5, 0.8]
    return pd.DataFrame({
        "g": np.repeat(list("abcd"), sizes),
        "y": np.concatenate([rng.normal(m, s, n) for n, m, s in zip(sizes, means, sds, strict=True)]),
    })


def test_welch_anova_from_stats_equals_pingouin_and_scipy_on_raw_data(groups):
    summary = groups.groupby("g")["y"].agg(["mean", "std", "count"])
    res = scales.welch_anova_from_stats(summary["mean"], summary["std"], summary["count"])
    ref = pg.welch_anova(data=groups, dv="y", between="g").iloc[0]
    assert res.F == pytest.approx(ref["F"], rel=1e-10)
    assert res.df2 == pytest.approx(ref["ddof2"], rel=1e-10)
    assert res.p_value == pytest.approx(ref["p_unc"], rel=1e-8)
    assert res.eta2 == pytest.approx(ref["np2"], rel=1e-10)
    samples = [g["y"].to_numpy() for _, g in groups.groupby("g")]
    sp = sps.f_oneway(*samples, equal_var=False)
    assert res.F == pytest.approx(sp.statistic, rel=1e-10)
    assert res.p_value == pytest.approx(sp.pvalue, rel=1e-8)


def test_welch_anova_with_two_groups_is_welchs_t_squared(groups):
    two = groups[groups["g"].isin(["a", "b"])]
    summary = two.groupby("g")["y"].agg(["mean", "std", "count"])
    res = scales.welch_anova_from_stats(summary["mean"], summary["std"], summary["count"])
    t = sps.ttest_ind(*[g["y"] for _, g in two.groupby("g")], equal_var=False)
    assert res.F == pytest.approx(t.statistic**2, rel=1e-10)
    assert res.p_value == pytest.approx(t.pvalue, rel=1e-8)


def test_welch_anova_rejects_degenerate_groups():
    with pytest.raises(ValueError):
        scales.welch_anova_from_stats([1, 2], [0.5, 0.5], [1, 10])


def test_ols_from_cells_equals_ols_on_raw_data():
    rng = np.random.default_rng(9)
    rows = []
    for sector, shift in zip("pqr", [0.0, 0.3, -0.2], strict=True):
        for wave, dw in ((2021, 0.0), (2025, 0.1)):
            n = int(rng.integers(8, 40))
            rows.append(pd.DataFrame({"sector": sector, "wave": wave, "y": rng.normal(3.5 + shift + dw, 0.6, n)}))
    raw = pd.concat(rows, ignore_index=True)
    ref = smf.ols("y ~ C(sector) + C(wave)", raw).fit()
    cells = raw.groupby(["sector", "wave"])["y"].agg(mean="mean", sd="std", n="count").reset_index()
    res = scales.ols_from_cells(cells, "C(sector) + C(wave)")
    assert res.params["coef"].to_numpy() == pytest.approx(ref.params.to_numpy(), rel=1e-9)
    assert res.params["se"].to_numpy() == pytest.approx(ref.bse.to_numpy(), rel=1e-9)
    assert res.params["p"].to_numpy() == pytest.approx(ref.pvalues.to_numpy(), rel=1e-7)
    assert res.rsquared == pytest.approx(ref.rsquared, rel=1e-9)
    assert (res.nobs, res.df_resid) == (int(ref.nobs), int(ref.df_resid))
    ci = ref.conf_int()
    assert res.params["ci_low"].to_numpy() == pytest.approx(ci[0].to_numpy(), rel=1e-9)


def test_one_factor_estimates_are_the_same_on_every_run():
    # statsmodels draws random ML starting values unless seeded; exported loadings must not vary.
    rng = np.random.default_rng(5)
    factor = rng.normal(size=(300, 1))
    items = pd.DataFrame(factor @ np.array([[0.8, 0.7, 0.6, 0.5]]) + rng.normal(scale=0.6, size=(300, 4)))
    runs = [scales.one_factor(items) for _ in range(3)]
    assert all(r.loadings.to_numpy().tobytes() == runs[0].loadings.to_numpy().tobytes() for r in runs)
