"""barometer.analysis.models against known values: statsmodels' own numbers, closed forms, a hand-computed AUC
and finite differences."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from scipy.special import expit

from barometer.analysis import models


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    n = 400
    df = pd.DataFrame({
        "x": rng.normal(size=n),
        "g": rng.choice(["a", "b", "c"], size=n),
        "w": rng.choice([2021, 2025], size=n),
    })
    eta = 0.4 + 0.9 * df["x"] - 0.6 * (df["g"] == "b") + 0.5 * (df["w"] == 2025)
    df["y"] = (rng.random(n) < expit(eta)).astype(int)
    return df


@pytest.fixture(scope="module")
def fit(data):
    f = models.fit_logit("y ~ x + C(g) + C(w)", data)
    assert f.ok, f.message
    return f.result


# ------------------------------------------------------------------ collapse_rare


def test_collapse_rare_merges_small_categories_and_keeps_missing():
    s = pd.Series(["a"] * 5 + ["b"] * 2 + ["c"] + [None])
    out = models.collapse_rare(s, min_n=3)
    assert out.tolist()[:8] == ["a"] * 5 + ["Other"] * 3
    assert pd.isna(out.iloc[8])
    assert models.collapse_rare(s, min_n=1, other="X").tolist()[:8] == s.tolist()[:8]


def test_collapse_rare_with_groups_is_rare_when_small_in_any_group():
    s = pd.Series(["a"] * 6 + ["b"] * 6)
    waves = pd.Series([1, 1, 1, 2, 2, 2] + [1] * 5 + [2])  # b: 5 in wave 1, 1 in wave 2
    out = models.collapse_rare(s, min_n=2, groups=waves)
    assert out.tolist() == ["a"] * 6 + ["Other"] * 6
    assert models.collapse_rare(s, min_n=2).tolist() == s.tolist()  # pooled, b has 6


# ------------------------------------------------------------------ fit_logit


def test_fit_logit_equals_statsmodels(data, fit):
    direct = smf.logit("y ~ x + C(g) + C(w)", data).fit(disp=0)
    np.testing.assert_allclose(fit.params, direct.params)
    np.testing.assert_allclose(fit.bse, direct.bse)


def test_fit_logit_uses_complete_cases(data):
    d = data.copy()
    d.loc[:9, "x"] = np.nan
    f = models.fit_logit("y ~ x + C(g)", d)
    assert f.ok and f.n == len(d) - 10
    assert list(models.estimation_frame(f.result).index) == list(d.index[10:])


def test_fit_logit_reports_separation_instead_of_raising(data):
    d = data.copy()
    d.loc[d["g"] == "c", "y"] = 1  # every organisation of one category has the outcome
    f = models.fit_logit("y ~ x + C(g)", d)
    assert not f.ok and "separation" in f.message and "C(g)[T.c]" in f.message
    d["y"] = (d["x"] > 0).astype(int)  # a predictor that predicts the outcome exactly
    f = models.fit_logit("y ~ x", d)
    assert not f.ok and "separation" in f.message


def test_fit_logit_reports_collinearity_and_constant_outcome(data):
    d = data.assign(x2=lambda df: 2 * df["x"])
    f = models.fit_logit("y ~ x + x2", d)
    assert not f.ok and "singular" in f.message
    f = models.fit_logit("y ~ x", d.assign(y=1))
    assert not f.ok and "does not vary" in f.message
    f = models.fit_logit("y ~ nonexistent", d)
    assert not f.ok and "could not be set up" in f.message


# ------------------------------------------------------------------ summaries of a fit


def test_odds_ratios_are_exponentiated_coefficients_and_wald_intervals(fit):
    table = models.odds_ratios(fit)
    np.testing.assert_allclose(table["OR"], np.exp(fit.params))
    np.testing.assert_allclose(table["ci_low"], np.exp(fit.conf_int()[0]))
    np.testing.assert_allclose(table["ci_high"], np.exp(fit.conf_int()[1]))
    np.testing.assert_allclose(table["p"], fit.pvalues)
    # the Wald interval by hand: exp(b ± 1.959964 se)
    np.testing.assert_allclose(table.loc["x", "ci_low"], np.exp(fit.params["x"] - 1.959964 * fit.bse["x"]), rtol=1e-6)


def test_pseudo_r2_is_mcfadden(fit, data):
    p = data["y"].mean()
    ll_null = len(data) * (p * np.log(p) + (1 - p) * np.log(1 - p))
    assert models.pseudo_r2(fit) == pytest.approx(1 - fit.llf / ll_null)
    assert models.pseudo_r2(fit) == pytest.approx(fit.prsquared)


def test_auc_on_a_hand_computed_example(monkeypatch):
    # pairs (positive, negative): (0.35, 0.1) yes, (0.35, 0.4) no, (0.8, 0.1) yes, (0.8, 0.4) yes -> 3/4
    y, score = [0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]
    assert models.auc_score(y, score) == pytest.approx(0.75)
    assert models.auc_score([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9]) == pytest.approx(0.875)  # a tie counts half
    monkeypatch.setattr(models, "roc_auc_score", None)  # the Mann-Whitney route gives the same
    assert models.auc_score(y, score) == pytest.approx(0.75)
    assert models.auc_score([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9]) == pytest.approx(0.875)


def test_auc_of_a_fit_counts_concordant_pairs(fit):
    y, p = fit.model.endog, fit.predict()
    pos, neg = p[y == 1], p[y == 0]
    concordant = (pos[:, None] > neg[None, :]).mean() + 0.5 * (pos[:, None] == neg[None, :]).mean()
    assert models.auc(fit) == pytest.approx(concordant)


def test_ame_of_a_numeric_variable_matches_the_analytic_derivative_and_statsmodels(fit):
    ame = models.average_marginal_effect(fit, "x")
    p = fit.predict()
    assert ame.estimate == pytest.approx(np.mean(p * (1 - p)) * fit.params["x"], rel=1e-6)
    margeff = fit.get_margeff(at="overall").summary_frame().loc["x"]
    assert ame.estimate == pytest.approx(margeff["dy/dx"], rel=1e-6)
    assert ame.se == pytest.approx(margeff["Std. Err."], rel=1e-4)


def test_ame_of_a_category_is_the_mean_discrete_change(fit, data):
    ame = models.average_marginal_effect(fit, "w", (2021, 2025))
    # finite difference by hand: every organisation once with w = 2021 and once with w = 2025
    eta = fit.predict(data.assign(w=2021), which="linear")
    change = expit(eta + fit.params["C(w)[T.2025]"]) - expit(eta)
    assert ame.estimate == pytest.approx(change.mean(), rel=1e-9)
    # a two-level factor: statsmodels' discrete effect of the dummy is the same quantity
    margeff = fit.get_margeff(at="overall", dummy=True).summary_frame().loc["C(w)[T.2025]"]
    assert ame.estimate == pytest.approx(margeff["dy/dx"], rel=1e-9)
    assert ame.se == pytest.approx(margeff["Std. Err."], rel=1e-4)
    assert ame.ci_low < ame.estimate < ame.ci_high


# ------------------------------------------------------------------ terms of a fitted model


def test_term_parts_reads_patsy_dummies_and_leaves_numeric_terms():
    assert models.term_parts("C(size_class, Treatment('Klein'))[T.Groot]") == ("size_class", "Groot")
    assert models.term_parts("C(w)[T.2025]") == ("w", "2025")
    assert models.term_parts("x") is None and models.term_parts("Intercept") is None


def test_term_n_counts_the_organisations_behind_each_term(fit, data):
    assert models.term_n(fit, "C(g)[T.b]") == int((data["g"] == "b").sum())
    assert models.term_n(fit, "C(w)[T.2025]") == int((data["w"] == 2025).sum())
    assert models.term_n(fit, "x") == len(data)  # a score: every organisation used
    binary = models.fit_logit("y ~ flag", data.assign(flag=(data["x"] > 0).astype(int))).result
    assert models.term_n(binary, "flag") == int((data["x"] > 0).sum())  # a 0/1 variable: the ones
