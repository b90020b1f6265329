"""Measurement scales: reliability, factor structure and comparisons of scale scores.

The report combines Likert statements into scales (human capital, innovation climate,
preconditions) and says only that "factor analysis shows" they form good scales. These
helpers give the numbers behind such a claim:

* reliability: Cronbach's alpha with its interval (:func:`cronbach_alpha`, wrapping pingouin),
  item analysis (:func:`item_analysis`) and McDonald's omega from a one-factor model
  (:func:`one_factor`, :func:`mcdonald_omega`, statsmodels' maximum-likelihood factor analysis);
* factorability: the Kaiser-Meyer-Olkin measure (:func:`kmo`), Bartlett's test of sphericity
  (:func:`bartlett_sphericity`) and Horn's parallel analysis (:func:`parallel_analysis`);
* comparisons from published summary statistics: Welch's one-way ANOVA from means, SDs and
  bases (:func:`welch_anova_from_stats`) and an OLS regression on grouped data from cell means,
  SDs and sizes (:func:`ols_from_cells`), which together reconstruct the report's sector
  comparisons from its annex tables.

Every function works on complete cases of the items it is given (listwise deletion), as a
scale score on all items does.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pingouin as pg
from scipy import stats as sps
from statsmodels.multivariate.factor import Factor


def complete(items: pd.DataFrame) -> pd.DataFrame:
    """The items as floats, organisations with every item answered (listwise deletion)."""
    return items.astype("float64").dropna(how="any")


# --------------------------------------------------------------------------- reliability


@dataclass(frozen=True)
class Alpha:
    """Cronbach's alpha with a (Feldt) confidence interval."""

    alpha: float
    ci_low: float
    ci_high: float
    n: int
    k: int


def cronbach_alpha(items: pd.DataFrame, level: float = 0.95) -> Alpha:
    """Cronbach's alpha, k/(k-1) * (1 - sum of item variances / variance of the sum score),
    on complete cases, with pingouin's F-based interval (Feldt, 1965)."""
    data = complete(items)
    value, (low, high) = pg.cronbach_alpha(data, ci=level, nan_policy="listwise")
    return Alpha(float(value), float(low), float(high), len(data), data.shape[1])


def item_analysis(items: pd.DataFrame) -> pd.DataFrame:
    """Per item: mean, SD, corrected item-rest correlation and alpha if the item is left out."""
    data = complete(items)
    rows = []
    for col in data.columns:
        rest = data.drop(columns=col)
        rows.append({
            "item": col, "mean": data[col].mean(), "sd": data[col].std(ddof=1),
            "item_rest_r": float(np.corrcoef(data[col], rest.sum(axis=1))[0, 1]),
            "alpha_if_deleted": cronbach_alpha(rest).alpha if rest.shape[1] >= 2 else float("nan"),
        })
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class OneFactor:
    """A one-factor model on standardised items: loadings and uniquenesses."""

    loadings: pd.Series
    uniqueness: pd.Series
    n: int
    #: Whether the fit converged to a proper solution (every uniqueness between 0.005 and 1).
    #: A Heywood case (a uniqueness at zero or above one) or a fit that did not converge gives
    #: estimates that mean nothing: omega is then not computable (NaN), not a number with a warning.
    converged: bool = True

    @property
    def communality(self) -> pd.Series:
        return (self.loadings**2).rename("communality")

    @property
    def explained(self) -> float:
        """Share of the total (standardised) item variance the factor explains."""
        return float(self.communality.sum() / len(self.loadings))

    @property
    def omega(self) -> float:
        """McDonald's omega total: (sum of loadings)^2 / ((sum of loadings)^2 + sum of uniquenesses);
        NaN (not computable) for a fit that did not converge to a proper solution."""
        if not self.converged:
            return float("nan")
        common = float(self.loadings.sum()) ** 2
        return common / (common + float(self.uniqueness.sum()))

    def table(self) -> pd.DataFrame:
        return pd.DataFrame({"loading": self.loadings, "communality": self.communality,
                             "uniqueness": self.uniqueness})


#: A uniqueness at or below this is a Heywood case (an item the factor explains entirely).
HEYWOOD = 0.005


def one_factor_from_corr(corr: pd.DataFrame | np.ndarray, n: int) -> OneFactor:
    """Maximum-likelihood one-factor model of a correlation matrix (statsmodels ``Factor``).

    The sign of a factor is arbitrary; it is chosen so that the loadings sum to a positive number."""
    names = list(corr.columns) if isinstance(corr, pd.DataFrame) else [f"item{i + 1}" for i in range(len(corr))]
    r = np.asarray(corr, dtype=float)
    # statsmodels draws random starting values unless given a generator: seed it, or two runs
    # converge to estimates that differ in the sixth digit.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Fitting did not converge")  # (recorded in ``converged``)
        fit = Factor(endog=None, corr=r, n_factor=1, method="ml", nobs=n).fit(rng=np.random.default_rng(0))
    uniqueness = np.asarray(fit.uniqueness, dtype=float)
    converged = bool(getattr(fit.mle_retvals, "success", True)) and bool(
        ((uniqueness > HEYWOOD) & (uniqueness <= 1 + 1e-6)).all())
    loadings = np.asarray(fit.loadings, dtype=float).ravel()
    if loadings.sum() < 0:
        loadings = -loadings
    return OneFactor(pd.Series(loadings, index=names, name="loading"),
                     pd.Series(uniqueness, index=names, name="uniqueness"), int(n), converged)


def one_factor(items: pd.DataFrame) -> OneFactor:
    """One-factor ML model of the items' correlation matrix (complete cases)."""
    data = complete(items)
    return one_factor_from_corr(data.corr(), len(data))


def mcdonald_omega(items: pd.DataFrame) -> float:
    """McDonald's omega total of the items from a one-factor ML model on standardised items."""
    return one_factor(items).omega


# --------------------------------------------------------------------------- factorability


def kmo(corr: pd.DataFrame | np.ndarray) -> tuple[float, pd.Series]:
    """Kaiser-Meyer-Olkin measure of sampling adequacy: overall and per item.

    With R the correlation matrix and P the partial correlations (each pair controlled for all
    other items, from R's inverse: p_ij = -inv_ij / sqrt(inv_ii inv_jj)),
    KMO = sum r_ij^2 / (sum r_ij^2 + sum p_ij^2) over pairs i != j (per item: over j only)."""
    names = list(corr.columns) if isinstance(corr, pd.DataFrame) else [f"item{i + 1}" for i in range(len(corr))]
    r = np.asarray(corr, dtype=float)
    inv = np.linalg.inv(r)
    d = np.sqrt(np.diag(inv))
    partial = -inv / np.outer(d, d)
    off = ~np.eye(len(r), dtype=bool)
    r2, p2 = np.where(off, r**2, 0.0), np.where(off, partial**2, 0.0)
    overall = r2.sum() / (r2.sum() + p2.sum())
    per_item = r2.sum(axis=1) / (r2.sum(axis=1) + p2.sum(axis=1))
    return float(overall), pd.Series(per_item, index=names, name="kmo")


@dataclass(frozen=True)
class Sphericity:
    statistic: float
    df: int
    p_value: float
    n: int


def bartlett_sphericity(corr: pd.DataFrame | np.ndarray, n: int) -> Sphericity:
    """Bartlett's test that the correlation matrix is the identity (no common variance):
    chi2 = -(n - 1 - (2p + 5)/6) ln|R|, with p(p - 1)/2 degrees of freedom."""
    r = np.asarray(corr, dtype=float)
    p = r.shape[0]
    sign, logdet = np.linalg.slogdet(r)
    if sign <= 0:
        raise ValueError("the correlation matrix is not positive definite")
    df = p * (p - 1) // 2
    factor = n - 1 - (2 * p + 5) / 6
    if factor <= 0:  # too few organisations for the items: the statistic would be negative
        return Sphericity(float("nan"), df, float("nan"), int(n))
    chi2 = -factor * logdet
    return Sphericity(float(chi2), df, float(sps.chi2.sf(chi2, df)), int(n))


def parallel_analysis(items: pd.DataFrame, n_iter: int = 500, seed: int = 2025,
                      quantile: float = 0.95) -> pd.DataFrame:
    """Horn's parallel analysis: eigenvalues of the observed correlation matrix beside the mean
    and the ``quantile`` of eigenvalues of random normal data of the same shape (seeded).

    A factor is retained while its observed eigenvalue exceeds the random quantile."""
    data = complete(items)
    n, p = data.shape
    observed = np.sort(np.linalg.eigvalsh(data.corr().to_numpy()))[::-1]
    rng = np.random.default_rng(seed)
    random = np.empty((n_iter, p))
    for i in range(n_iter):
        x = rng.standard_normal((n, p))
        random[i] = np.sort(np.linalg.eigvalsh(np.corrcoef(x, rowvar=False)))[::-1]
    out = pd.DataFrame({
        "factor": np.arange(1, p + 1), "observed": observed,
        "random_mean": random.mean(axis=0), "random_quantile": np.quantile(random, quantile, axis=0),
    })
    # Retain the leading run of factors above the random quantile.
    above = out["observed"] > out["random_quantile"]
    out["retain"] = above.cumprod().astype(bool)
    return out


# --------------------------------------------------------------------------- comparisons from summary statistics


@dataclass(frozen=True)
class WelchAnova:
    """Welch's one-way ANOVA (unequal variances) with eta squared."""

    F: float
    df1: float
    df2: float
    p_value: float
    eta2: float
    k: int
    n: int


def welch_anova_from_stats(means, sds, ns) -> WelchAnova:
    """Welch's one-way ANOVA from group means, SDs and sizes (Welch, 1951).

    With w_i = n_i / s_i^2 and the weighted mean m_w = sum w_i m_i / sum w_i:
    F = [sum w_i (m_i - m_w)^2 / (k - 1)] / [1 + 2 (k - 2) / (k^2 - 1) * T],
    T = sum (1 - w_i / sum w)^2 / (n_i - 1), df1 = k - 1, df2 = (k^2 - 1) / (3 T).
    eta squared = SS_between / (SS_between + SS_within) from the same summary statistics."""
    m, s, n = (np.asarray(x, dtype=float) for x in (means, sds, ns))
    if not (len(m) == len(s) == len(n)) or len(m) < 2:
        raise ValueError("need means, SDs and sizes of at least two groups, of equal length")
    if (n < 2).any() or (s <= 0).any():
        raise ValueError("every group needs at least two members and a positive SD")
    k = len(m)
    w = n / s**2
    mw = (w * m).sum() / w.sum()
    t = ((1 - w / w.sum()) ** 2 / (n - 1)).sum()
    f = ((w * (m - mw) ** 2).sum() / (k - 1)) / (1 + 2 * (k - 2) / (k**2 - 1) * t)
    df1, df2 = k - 1, (k**2 - 1) / (3 * t)
    grand = (n * m).sum() / n.sum()
    ss_between = (n * (m - grand) ** 2).sum()
    ss_within = ((n - 1) * s**2).sum()
    return WelchAnova(float(f), float(df1), float(df2), float(sps.f.sf(f, df1, df2)),
                      float(ss_between / (ss_between + ss_within)), k, int(n.sum()))


@dataclass(frozen=True)
class CellOLS:
    """An OLS regression on individual scores, reconstructed from the cells' means, SDs and sizes."""

    params: pd.DataFrame
    nobs: int
    df_resid: int
    sigma: float
    rsquared: float
    formula: str


def ols_from_cells(cells: pd.DataFrame, formula: str, mean: str = "mean", sd: str = "sd",
                   n: str = "n", level: float = 0.95) -> CellOLS:
    """OLS of an individual-level outcome on cell-level predictors (e.g. sector and wave), from
    each cell's mean, SD and size only.

    When every predictor is constant within a cell, the OLS estimates equal weighted least squares
    on the cell means with weights n; the residual sum of squares is the within-cell part
    sum (n_c - 1) s_c^2 plus the weighted squared residuals of the cell means. ``formula`` is a
    right-hand side in patsy notation, e.g. ``"C(sector) + C(wave)"``."""
    from patsy import dmatrix

    x = dmatrix(formula, cells, return_type="dataframe")
    y = cells[mean].to_numpy(float)
    s = cells[sd].to_numpy(float)
    w = cells[n].to_numpy(float)
    xtwx = x.T.to_numpy() @ (w[:, None] * x.to_numpy())
    xtwx_inv = np.linalg.inv(xtwx)
    beta = xtwx_inv @ (x.T.to_numpy() @ (w * y))
    fitted = x.to_numpy() @ beta
    nobs = int(w.sum())
    df_resid = nobs - x.shape[1]
    ss_within = ((w - 1) * s**2).sum()
    ss_resid = ss_within + (w * (y - fitted) ** 2).sum()
    grand = (w * y).sum() / w.sum()
    ss_total = ss_within + (w * (y - grand) ** 2).sum()
    sigma2 = ss_resid / df_resid
    se = np.sqrt(np.diag(sigma2 * xtwx_inv))
    t = beta / se
    crit = sps.t.ppf(0.5 + level / 2, df_resid)
    params = pd.DataFrame({
        "coef": beta, "se": se, "t": t, "p": 2 * sps.t.sf(np.abs(t), df_resid),
        "ci_low": beta - crit * se, "ci_high": beta + crit * se,
    }, index=x.columns)
    return CellOLS(params, nobs, df_resid, math.sqrt(sigma2), float(1 - ss_resid / ss_total), formula)


__all__ = ["complete", "Alpha", "cronbach_alpha", "item_analysis", "OneFactor", "one_factor",
           "one_factor_from_corr", "mcdonald_omega", "kmo", "Sphericity", "bartlett_sphericity",
           "parallel_analysis", "WelchAnova", "welch_anova_from_stats", "CellOLS", "ols_from_cells"]
