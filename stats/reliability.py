"""Cronbach's alpha with corrected item–total correlations and alpha-if-item-deleted.

α = k/(k−1) · (1 − Σσ²_i / σ²_total), everything read off the item covariance matrix C:
σ²_total = ΣC, the corrected item–total correlation of i is corr(x_i, total − x_i).
Listwise deletion (rows complete on the items) is the default, as R's psych::alpha on complete
data; pairwise uses each pair's complete rows for C, as pingouin's `cronbach_alpha`.

The 95 % interval is Feldt, Woodruff and Salih's (1987): (1 − α)/(1 − α̂) follows an F distribution
with n − 1 and (n − 1)(k − 1) degrees of freedom, so the bounds are 1 − (1 − α̂)·F at 0.975 and
0.025 (pingouin's `cronbach_alpha` and R's cocron give the same). With few respondents the interval
is wide, and its lower bound may be far below 0: α from a handful of answers says little.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# fdtri is the F distribution's quantile itself; scipy.stats would cost a second of import
from scipy.special import fdtri


@dataclass(frozen=True)
class ItemReliability:
    code: str
    corrected_item_total: float
    alpha_if_deleted: float


@dataclass(frozen=True)
class Alpha:
    alpha: float
    n: int  # respondents used (listwise) or the smallest pairwise n
    k: int
    method: str  # "listwise" | "pairwise"
    items: tuple[ItemReliability, ...]
    ci95: tuple[float, float] = (float("nan"), float("nan"))


def cronbach_alpha(matrix: np.ndarray, codes: list[str] | None = None, *, pairwise: bool = False) -> Alpha:
    """Alpha of the columns of `matrix` (respondents × items, NaN = missing)."""
    x = np.asarray(matrix, dtype=float)
    codes = codes or [str(j) for j in range(x.shape[1])]
    if pairwise:
        cov, n = _pairwise_cov(x)
        return alpha_from_cov(cov, n, codes, method="pairwise")
    complete = x[~np.isnan(x).any(axis=1)]
    return alpha_from_moments(complete.shape[0], complete.sum(axis=0), complete.T @ complete, codes)


def alpha_from_moments(n: int, s1: np.ndarray, s2: np.ndarray, codes: list[str]) -> Alpha:
    """Listwise alpha from n, Σx and Σxxᵀ of the complete rows (what the engine accumulates)."""
    if n < 2:
        return alpha_from_cov(np.full((len(codes),) * 2, np.nan), n, codes, method="listwise")
    mean = s1 / n
    cov = (s2 - n * np.outer(mean, mean)) / (n - 1)
    return alpha_from_cov(cov, n, codes, method="listwise")


def alpha_from_cov(cov: np.ndarray, n: int, codes: list[str], *, method: str) -> Alpha:
    k = cov.shape[0]
    items = []
    for i, code in enumerate(codes):
        keep = np.arange(k) != i
        rest = cov[np.ix_(keep, keep)]
        covariance_with_rest = cov[i, keep].sum()
        with np.errstate(invalid="ignore", divide="ignore"):
            r = covariance_with_rest / np.sqrt(cov[i, i] * _total_variance(rest))
        items.append(ItemReliability(code, float(r), _alpha(rest)))
    alpha = _alpha(cov)
    return Alpha(
        alpha=alpha, n=int(n), k=k, method=method, items=tuple(items), ci95=feldt_interval(alpha, n, k)
    )


def feldt_interval(alpha: float, n: int, k: int, level: float = 0.95) -> tuple[float, float]:
    """Feldt's interval for α from n respondents and k items; NaN where α or the F is undefined."""
    if not np.isfinite(alpha) or n < 2 or k < 2:
        return (float("nan"), float("nan"))
    df1, df2 = n - 1, (n - 1) * (k - 1)
    tail = (1 - level) / 2
    return (
        float(1 - (1 - alpha) * fdtri(df1, df2, 1 - tail)),
        float(1 - (1 - alpha) * fdtri(df1, df2, tail)),
    )


def _total_variance(cov: np.ndarray) -> float:
    """The variance of the total score (ΣC), NaN when it is 0: every respondent's total the same.
    Rounding leaves ±1e-13 where it is 0 (100+80+0 and 80+0+100 are both 180), and α divided by
    that was −9·10¹⁵ on the evaluator page; a total variance a billionth of the items' is none."""
    total = float(cov.sum())
    if not np.isfinite(total) or total <= 1e-9 * float(np.trace(cov)) or total <= 0:
        return float("nan")
    return total


def _alpha(cov: np.ndarray) -> float:
    k = cov.shape[0]
    total = _total_variance(cov)
    if k < 2 or np.isnan(total):
        return float("nan")
    return float(k / (k - 1) * (1 - np.trace(cov) / total))


def _pairwise_cov(x: np.ndarray) -> tuple[np.ndarray, int]:
    k = x.shape[1]
    cov = np.full((k, k), np.nan)
    smallest = x.shape[0]
    for i in range(k):
        for j in range(i, k):
            both = ~np.isnan(x[:, i]) & ~np.isnan(x[:, j])
            n = int(both.sum())
            smallest = min(smallest, n)
            if n >= 2:
                a, b = x[both, i], x[both, j]
                cov[i, j] = cov[j, i] = ((a - a.mean()) * (b - b.mean())).sum() / (n - 1)
    return cov, smallest
