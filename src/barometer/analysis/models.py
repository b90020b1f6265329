"""Logistic models of the chapters (2: who innovates; 8: effects of innovations): the plumbing.

The notebooks write the formula and call ``statsmodels`` themselves; this module holds what
they share around that call:

* :func:`collapse_rare` merges categories too small to estimate (a stated, fixed rule);
* :func:`fit_logit` fits ``smf.logit`` and returns a clear message instead of raising when the
  data do not identify the model (perfect or quasi-complete separation, a singular matrix,
  no convergence);
* :func:`odds_ratios`, :func:`pseudo_r2`, :func:`auc` and :func:`average_marginal_effect`
  turn a fit into the numbers a reader should see.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import patsy
import statsmodels.formula.api as smf
from scipy import stats as sps
from statsmodels.tools.sm_exceptions import ConvergenceWarning, HessianInversionWarning

try:  # statsmodels >= 0.14 warns on separation; older versions raised an error
    from statsmodels.tools.sm_exceptions import PerfectSeparationWarning
except ImportError:  # pragma: no cover
    PerfectSeparationWarning = RuntimeWarning

try:
    from sklearn.metrics import roc_auc_score
except ImportError:  # pragma: no cover - the Mann-Whitney route below gives the same value
    roc_auc_score = None

#: Categories with fewer organisations than this (in any wave) are merged before a model is fitted.
MIN_CATEGORY_N = 15
OTHER = "Other"
#: A logit slope beyond this (odds ratio beyond e^15 per unit) means the likelihood has no finite
#: maximum in that direction: quasi-complete separation, whatever the optimiser reports. (Meant
#: for dummies and short scales such as 1-5 Likert answers; the intercept is not checked.)
MAX_ABS_COEF = 15.0


def collapse_rare(series: pd.Series, min_n: int = MIN_CATEGORY_N, other: str = OTHER,
                  groups: pd.Series | None = None) -> pd.Series:
    """Merge the categories of ``series`` with fewer than ``min_n`` observations into ``other``.

    With ``groups`` (e.g. the wave of each row), a category is rare when it has fewer than
    ``min_n`` observations in *any* group, so one rule gives the same merged categories for
    every group. Missing values stay missing."""
    values = series.astype("object")
    present = values.notna()
    if groups is None:
        counts = values[present].value_counts()
        rare = set(counts.index[counts < min_n])
    else:
        table = pd.crosstab(values[present], groups[present])
        rare = set(table.index[(table < min_n).any(axis=1)])
    out = values.where(~values.isin(rare), other)
    return out.where(present)


@dataclass
class Fit:
    """The outcome of :func:`fit_logit`: a result when the model is identified, else a message."""

    formula: str
    result: object | None
    message: str
    n: int

    @property
    def ok(self) -> bool:
        return self.result is not None


def fit_logit(formula: str, data: pd.DataFrame) -> Fit:
    """Fit a logistic regression with ``smf.logit``; never raises on data that do not identify it.

    Rows with a missing value in any variable of the formula are dropped (complete cases);
    ``Fit.n`` is the number used. The fit is rejected, with a message saying why, on perfect
    separation, a singular design or Hessian, no convergence, or coefficients so large that
    the maximum likelihood estimate does not exist (quasi-complete separation)."""
    try:
        model = smf.logit(formula, data)
    except Exception as exc:  # patsy: unknown column, one-level factor, ...
        return Fit(formula, None, f"the model could not be set up: {exc}", 0)
    n = int(model.endog.shape[0])
    if n == 0 or np.unique(model.endog).size < 2:
        return Fit(formula, None, "the outcome does not vary in the data used: nothing to model", n)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = model.fit(disp=0, maxiter=100)
        except np.linalg.LinAlgError as exc:
            return Fit(formula, None, f"singular matrix ({exc}): a predictor is constant or collinear "
                                      "with others in the data used", n)
        except Exception as exc:  # older statsmodels: PerfectSeparationError
            return Fit(formula, None, f"the fit failed: {exc}", n)
    kinds = {w.category for w in caught}
    if PerfectSeparationWarning in kinds:
        return Fit(formula, None, "perfect separation: some predictor (or combination) predicts the "
                                  "outcome exactly, so its odds ratio is infinite", n)
    params = np.asarray(result.params)
    bse = np.asarray(result.bse)
    if not np.all(np.isfinite(params)) or not np.all(np.isfinite(bse)) or HessianInversionWarning in kinds:
        return Fit(formula, None, "singular information matrix: standard errors cannot be computed", n)
    slopes = result.params.drop("Intercept", errors="ignore").abs()
    if (slopes > MAX_ABS_COEF).any():
        worst = slopes.idxmax()
        return Fit(formula, None, f"(quasi-complete) separation: the coefficient of {worst} runs off to "
                                  "infinity (e.g. a category in which every or no organisation has the "
                                  "outcome), so its odds ratio has no finite estimate", n)
    if not result.mle_retvals.get("converged", True) or ConvergenceWarning in kinds:
        return Fit(formula, None, "the maximum likelihood fit did not converge", n)
    return Fit(formula, result, "ok", n)


def odds_ratios(result, level: float = 0.95) -> pd.DataFrame:
    """Odds ratio, confidence interval and p-value of every term (exp of coefficient and Wald CI)."""
    ci = np.exp(result.conf_int(alpha=1 - level))
    return pd.DataFrame({
        "OR": np.exp(result.params),
        "ci_low": ci.iloc[:, 0],
        "ci_high": ci.iloc[:, 1],
        "p": result.pvalues,
    })


def pseudo_r2(result) -> float:
    """McFadden's pseudo-R²: 1 - log-likelihood of the model / log-likelihood of the null model."""
    return float(1 - result.llf / result.llnull)


def auc_score(y, score) -> float:
    """Area under the ROC curve: the chance that a random positive scores above a random negative
    (ties count half). sklearn when available, else the Mann-Whitney U statistic."""
    y = np.asarray(y).astype(int)
    score = np.asarray(score, dtype=float)
    if roc_auc_score is not None:
        return float(roc_auc_score(y, score))
    u = sps.mannwhitneyu(score[y == 1], score[y == 0], alternative="two-sided").statistic
    return float(u / ((y == 1).sum() * (y == 0).sum()))


def auc(result) -> float:
    """AUC of a fitted binary model on its own estimation sample (in-sample, so optimistic)."""
    return auc_score(result.model.endog, result.predict())


def estimation_frame(result) -> pd.DataFrame:
    """The rows of the data frame passed to the formula that the fit used (complete cases)."""
    frame = result.model.data.frame
    return frame.loc[result.model.data.row_labels]


_CATEGORY_TERM = re.compile(r"^C\((\w+).*\)\[T\.(.+)\]$")


def term_parts(term: str) -> tuple[str, str] | None:
    """``(variable, level)`` of a patsy dummy term such as ``C(size_class, ...)[T.Groot]``;
    None for a numeric term (a score or a 0/1 variable entered as is)."""
    m = _CATEGORY_TERM.match(term)
    return (m.group(1), m.group(2)) if m else None


def term_n(result, term: str) -> int:
    """Organisations behind a term of a fitted model: those in the category for a dummy, those
    with 1 for a 0/1 variable, and every organisation used for a score."""
    rows = result.model.data.row_labels
    parts = term_parts(term)
    # One column of the estimation sample (estimation_frame copies every column of the data).
    column = result.model.data.frame[parts[0] if parts else term].loc[rows]
    if parts:
        return int((column.astype(str) == parts[1]).sum())
    if set(column.dropna().unique()) <= {0, 1}:
        return int((column == 1).sum())
    return len(column)


@dataclass(frozen=True)
class MarginalEffect:
    """An average marginal effect in probability units (multiply by 100 for percentage points)."""

    variable: str
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    kind: str  # "discrete change a -> b" or "derivative"


def _design(result, frame: pd.DataFrame) -> np.ndarray:
    return np.asarray(patsy.dmatrix(result.model.data.model_spec, frame, return_type="dataframe"))


def average_marginal_effect(result, variable: str, levels: tuple | None = None, *,
                            eps: float = 1e-4, level: float = 0.95) -> MarginalEffect:
    """Average marginal effect of ``variable`` over the estimation sample, with a delta-method CI.

    ``levels=(a, b)``: the discrete change, mean of P(y=1 | variable=b) - P(y=1 | variable=a) with
    every other variable as observed (for a categorical or binary variable). Without ``levels``:
    the mean derivative dP/dx, by a central difference of ``eps`` (for a numeric variable)."""
    frame = estimation_frame(result)
    lo, hi = frame.copy(), frame.copy()
    if levels is None:
        x = frame[variable].astype(float)
        lo[variable], hi[variable] = x - eps, x + eps
        step, kind = 2 * eps, "derivative"
    else:
        lo[variable] = pd.Series([levels[0]] * len(frame), index=frame.index, dtype=frame[variable].dtype)
        hi[variable] = pd.Series([levels[1]] * len(frame), index=frame.index, dtype=frame[variable].dtype)
        step, kind = 1.0, f"discrete change {levels[0]} -> {levels[1]}"
    x_lo, x_hi = _design(result, lo), _design(result, hi)
    beta = np.asarray(result.params)
    model = result.model
    estimate = float(np.mean(model.cdf(x_hi @ beta) - model.cdf(x_lo @ beta)) / step)
    # Delta method: gradient of the mean change with respect to the coefficients.
    grad = (model.pdf(x_hi @ beta)[:, None] * x_hi - model.pdf(x_lo @ beta)[:, None] * x_lo).mean(axis=0) / step
    se = float(np.sqrt(grad @ np.asarray(result.cov_params()) @ grad))
    z = sps.norm.ppf(0.5 + level / 2)
    return MarginalEffect(variable, estimate, se, float(estimate - z * se), float(estimate + z * se), kind)


__all__ = ["MIN_CATEGORY_N", "OTHER", "collapse_rare", "Fit", "fit_logit", "odds_ratios", "pseudo_r2",
           "auc_score", "auc", "estimation_frame", "MarginalEffect", "average_marginal_effect"]
