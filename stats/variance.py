"""The one variance formula every estimate in this package goes through.

Given, per stratum h, the sum S1 and the sum of squares S2 of the PSU totals e_hi of a
linearised variable, with n_h PSUs drawn out of N_h:

    V = Σ_h (1 − f_h) · n_h/(n_h − 1) · (S2_h − S1_h²/n_h),   f_h = n_h/N_h (0 if N_h unknown)

which is Σ_h (1 − f_h) n_h/(n_h − 1) Σ_i (e_hi − ē_h)² written so that PSUs whose total is zero
(domain estimation) never need to be materialised.
"""

from __future__ import annotations

import numpy as np

# stdtrit is the t distribution's quantile itself; scipy.stats would cost a second of import
# time in every process (each manage.py command, each worker) for this one function.
from scipy.special import stdtrit


def stratified_variance(
    s1: np.ndarray, s2: np.ndarray, n_psu: np.ndarray, fraction: np.ndarray
) -> np.ndarray:
    """V from per-stratum sums; strata are the LAST axis of s1 and s2.

    A stratum with a single PSU contributes 0 (it is taken as a certainty unit); callers flag it.
    """
    n = np.asarray(n_psu, dtype=float)
    f = np.asarray(fraction, dtype=float)
    usable = n >= 2
    safe_n = np.where(usable, n, 2.0)
    scale = np.where(usable, (1.0 - f) * safe_n / (safe_n - 1.0), 0.0)
    spread = np.asarray(s2, dtype=float) - np.asarray(s1, dtype=float) ** 2 / safe_n
    # Rounding can leave a tiny negative spread when every PSU total is equal.
    spread = np.maximum(spread, 0.0)
    return (scale * spread).sum(axis=-1)


def t_interval(estimate: float, se: float, df: float) -> tuple[float, float]:
    """95% CI with Student's t, as R's confint(..., df = degf(design))."""
    if not np.isfinite(estimate) or not np.isfinite(se):
        return (float("nan"), float("nan"))
    q = float(stdtrit(df, 0.975)) if df >= 1 else float("nan")
    return (estimate - q * se, estimate + q * se)


def t_quantile(df: np.ndarray | float) -> np.ndarray:
    """0.975 quantile of t for (arrays of) df; NaN where df < 1."""
    d = np.asarray(df, dtype=float)
    return np.where(d >= 1, stdtrit(np.maximum(d, 1.0), 0.975), np.nan)
