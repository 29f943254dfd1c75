"""Design-based mean and total of one variable (contract §7), by Taylor linearisation.

Matches R's survey::svymean / svytotal on a one-stage (stratified, clustered) design:
the ratio mean Σwy/Σw is linearised as u_i = w_i (y_i − ȳ)/Σw, summed per PSU, and the PSU totals
go through `stratified_variance`. A stratum with a single PSU contributes no variance (taken as a
certainty unit) and is named in `lonely_strata` so the reader knows the SE leaves it out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from stats.variance import stratified_variance, t_interval


@dataclass(frozen=True)
class DesignEstimate:
    estimate: float
    se: float
    ci95: tuple[float, float]
    df: int
    deff: float
    n: int
    lonely_strata: tuple[Any, ...] = ()
    warnings: tuple[str, ...] = field(default=())


def design_mean(y, weight=None, stratum=None, psu=None, fpc=None) -> DesignEstimate:
    """Weighted mean of y (NaN left out) with its design-based SE, t CI, df and deff.

    `fpc` is the population count of PSUs per stratum: a number, a mapping stratum → count, or
    an array with one value per row (R's `fpc = ~fpc`). Without it PSUs are taken as drawn with
    replacement.
    """
    return _estimate(y, weight, stratum, psu, fpc, kind="mean")


def design_total(y, weight=None, stratum=None, psu=None, fpc=None) -> DesignEstimate:
    """Weighted total Σ w y (NaN counted as 0, i.e. left out), as R's svytotal."""
    return _estimate(y, weight, stratum, psu, fpc, kind="total")


def _estimate(y, weight, stratum, psu, fpc, *, kind: str) -> DesignEstimate:
    y = np.asarray(y, dtype=float)
    n_rows = y.shape[0]
    w = np.ones(n_rows) if weight is None else np.asarray(weight, dtype=float)
    if w.shape != y.shape:
        raise ValueError("weight must have one value per row of y")
    if np.any(w < 0):
        raise ValueError("weights must not be negative")
    counted = ~np.isnan(y)
    y0 = np.where(counted, y, 0.0)
    wc = np.where(counted, w, 0.0)
    n = int(counted.sum())

    strata_codes, h = _codes(stratum, n_rows)
    # PSU labels are only unique within a stratum, as in svydesign(nest=TRUE).
    _, p = _codes(psu, n_rows) if psu is not None else (None, np.arange(n_rows))
    psu_keys, psu_index = np.unique(np.stack([h, p]), axis=1, return_inverse=True)
    psu_index = psu_index.ravel()
    psu_stratum = psu_keys[0]
    n_h = np.bincount(psu_stratum, minlength=len(strata_codes)).astype(float)
    f_h = _fractions(fpc, strata_codes, h, n_h)

    total_w = wc.sum()
    if kind == "mean":
        estimate = float((wc * y0).sum() / total_w) if total_w > 0 else float("nan")
        z = wc * (y0 - estimate) / total_w if total_w > 0 else np.zeros(n_rows)
    else:
        estimate = float((wc * y0).sum())
        z = wc * y0
    e = np.bincount(psu_index, weights=z, minlength=len(psu_stratum))
    s1 = np.bincount(psu_stratum, weights=e, minlength=len(strata_codes))
    s2 = np.bincount(psu_stratum, weights=e * e, minlength=len(strata_codes))
    variance = float(stratified_variance(s1, s2, n_h, f_h))
    if kind == "mean" and total_w <= 0:  # no counted value: no mean, and no SE either
        variance = float("nan")
    se = variance**0.5
    # Degrees of freedom of the rows that count, as R's degf() of the design subset to them
    # (svymean(na.rm = TRUE)): PSUs with a counted value minus the strata they fall in. The SE
    # above keeps every PSU (domain estimation), as R's variance of that subset does.
    inset = counted & (w > 0)
    df = int(len(np.unique(psu_index[inset])) - len(np.unique(h[inset])))

    lonely = tuple(_plain(strata_codes[i]) for i in np.flatnonzero(n_h == 1))
    warnings = tuple(
        f"stratum {code!r} has a single PSU: it adds no variance (certainty unit)" for code in lonely
    )
    return DesignEstimate(
        estimate=estimate,
        se=se,
        ci95=t_interval(estimate, se, df),
        df=df,
        deff=_deff(variance, y0, wc, counted, n, total_w, kind, has_weights=weight is not None),
        n=n,
        lonely_strata=lonely,
        warnings=warnings,
    )


def _deff(variance, y0, wc, counted, n, total_w, kind, *, has_weights: bool) -> float:
    """V_design / V_SRS, V_SRS from the weighted variance s²_w as R's svymean(deff=TRUE) does.

    R compares with an SRS drawn without replacement from a population of N̂ = Σw, hence the
    factor (1 − n/Σw). Without weights Σw = n says nothing about the population (the factor would
    be 0), so there we compare with an SRS with replacement: s²/n.
    """
    if n < 2 or total_w <= 0:
        return float("nan")
    mean = (wc * y0).sum() / total_w
    s2w = (wc * (y0 - mean) ** 2)[counted].sum() / total_w * n / (n - 1)
    v_srs = s2w / n if kind == "mean" else s2w * total_w**2 / n
    if has_weights:
        v_srs *= max(0.0, 1.0 - n / total_w)
    return float(variance / v_srs) if v_srs > 0 else float("nan")


def _codes(labels, n_rows: int) -> tuple[np.ndarray, np.ndarray]:
    if labels is None:
        return np.array([0]), np.zeros(n_rows, dtype=np.int64)
    arr = np.asarray(labels)
    if arr.shape != (n_rows,):
        raise ValueError("stratum and psu must have one value per row of y")
    codes, index = np.unique(arr, return_inverse=True)
    return codes, index.ravel()


def _fractions(fpc, strata_codes, h, n_h) -> np.ndarray:
    """Sampling fraction n_h/N_h per stratum from the three accepted forms of fpc."""
    if fpc is None:
        return np.zeros(len(strata_codes))
    if isinstance(fpc, Mapping):
        try:
            pop = np.array([float(fpc[_plain(c)]) for c in strata_codes])
        except KeyError as missing:
            raise ValueError(f"fpc has no population count for stratum {missing}") from None
    elif np.ndim(fpc) == 0:
        pop = np.full(len(strata_codes), float(fpc))
    else:
        per_row = np.asarray(fpc, dtype=float)
        if per_row.shape != h.shape:
            raise ValueError("an fpc array must have one value per row")
        pop = np.full(len(strata_codes), np.nan)
        pop[h] = per_row
        if not np.allclose(pop[h], per_row):
            raise ValueError("fpc must be constant within a stratum")
    if np.any(pop < n_h):
        raise ValueError("fpc is smaller than the number of PSUs drawn in a stratum")
    return n_h / pop


def _plain(value):
    return value.item() if isinstance(value, np.generic) else value
