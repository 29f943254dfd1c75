"""Rao–Wu rescaling bootstrap, worked on PSU totals.

Per replicate, within each stratum h, n_h − 1 of its n_h PSUs are drawn with replacement and a
PSU drawn r times gets the multiplier 1 − λ + λ·n_h/(n_h − 1)·r, λ = √(1 − f_h) (Rao & Wu 1988;
without an fpc this is the familiar n_h/(n_h − 1)·r). Replicate totals per block are then
scored with the very same `estimate` as the full sample, and V = Σ_r (θ_r − θ̄)²/(R − 1).
A stratum with one PSU is kept at multiplier 1 (a certainty unit), as in the Taylor path.
"""

from __future__ import annotations

import numpy as np

from stats.estimate import Spec, estimate
from stats.matrix import Blocks, SurveyMatrix
from stats.taylor import Design

MAX_DRAWS = 20_000_000  # replicate × PSU cells held at once (~160 MB of float64)
# How a warning names a breakdown: (Chinese, English).
_BREAKDOWN = {
    "overall": ("总体", "the overall figures"),
    "by_group": ("各受访群体", "the groups' figures"),
    "by_age_band": ("各年龄段", "the age bands' figures"),
}


def rao_wu(
    m: SurveyMatrix,
    blocks: Blocks,
    design: Design,
    points: np.ndarray,
    spec: Spec,
    cells: dict[str, tuple[np.ndarray, int]],
    *,
    replicates: int,
    seed: int,
) -> tuple[dict[str, np.ndarray], list[str]]:
    """Bootstrap variances: "overall" → (k + D + 1,) items, dimensions, composite; other
    breakdowns → (C,) composite of each cell."""
    if replicates < 2:
        raise ValueError("the bootstrap needs at least 2 replicates")
    rep = replicate_block_totals(m, blocks, design, points, replicates, seed)
    k = len(m.item_codes)
    out: dict[str, np.ndarray] = {}
    warnings: list[str] = []
    for name, (cell, n_cells) in cells.items():
        inside = cell >= 0
        totals = np.zeros((replicates, n_cells, len(m.group_codes), 2 * k))
        for c, g, phi in zip(cell[inside], blocks.group[inside], np.flatnonzero(inside), strict=False):
            totals[:, c, g] += rep[:, phi]
        est = estimate(totals[..., :k], totals[..., k:], spec)
        if name == "overall":
            theta = np.concatenate([est.item[:, 0], est.dimension[:, 0], est.composite[:, :1]], axis=1)
        else:
            theta = est.composite
        lost = np.isnan(theta).any(axis=0) & ~np.isnan(theta).all(axis=0)
        if lost.any():
            warnings.append(
                f"自助法：{_BREAKDOWN.get(name, (name, name))[0]}的部分重抽样没有计分的回答，已略去"
                f"（bootstrap: some replicates of {_BREAKDOWN.get(name, (name, name))[1]} had no counted "
                "answers and were left out）"
            )
        with np.errstate(invalid="ignore"):
            out[name] = _nanvar(theta)
    return out, warnings


def replicate_block_totals(m, blocks, design, points, replicates, seed) -> np.ndarray:
    """(R, Φ, 2k) replicate totals of [points, counted] per block."""
    k = len(m.item_codes)
    rng = np.random.default_rng(seed)
    rep = np.zeros((replicates, len(blocks.count), 2 * k))
    table_y = np.append(np.where(np.isnan(points), 0.0, points), 0.0)
    table_d = np.append(~np.isnan(points), False).astype(float)
    single_block = (design.cluster < 0) & (blocks.count > 0)
    for h in range(len(design.n_psu)):
        n_h = int(design.n_psu[h])
        clusters = np.flatnonzero(design.cluster_stratum == h)
        singles = np.flatnonzero(single_block & (design.stratum == h))
        if n_h == 0:
            continue
        lam = np.sqrt(1.0 - design.fraction[h])
        step = max(1, min(replicates, MAX_DRAWS // n_h))
        for r0 in range(0, replicates, step):
            r1 = min(replicates, r0 + step)
            mult = _multipliers(rng, n_h, r1 - r0, lam)
            # PSUs of the stratum are numbered: its villages first, then its single respondents.
            for local, p in enumerate(clusters):
                for phi in np.flatnonzero(design.cluster == p):
                    rep[r0:r1, phi] += mult[:, local, None] * blocks.sums[phi]
            offset = len(clusters)
            for phi in singles:
                rows = blocks.order[blocks.starts[phi] : blocks.starts[phi + 1]]
                a = m.answers[rows]
                u = np.concatenate([table_y[a], table_d[a]], axis=1)
                rep[r0:r1, phi] += mult[:, offset : offset + len(rows)] @ u
                offset += len(rows)
    return rep


def _multipliers(rng: np.random.Generator, n_h: int, n_rep: int, lam: float) -> np.ndarray:
    if n_h < 2:
        return np.ones((n_rep, n_h))
    draws = rng.integers(0, n_h, size=(n_rep, n_h - 1))
    flat = (draws + (np.arange(n_rep) * n_h)[:, None]).ravel()
    times = np.bincount(flat, minlength=n_rep * n_h).reshape(n_rep, n_h)
    return 1.0 - lam + lam * n_h / (n_h - 1) * times


def _nanvar(theta: np.ndarray) -> np.ndarray:
    ok = ~np.isnan(theta)
    n = ok.sum(axis=0)
    mean = np.where(n > 0, np.nansum(theta, axis=0) / np.maximum(n, 1), np.nan)
    ss = np.nansum((theta - mean) ** 2, axis=0)
    return np.where(n >= 2, ss / np.maximum(n - 1, 1), np.nan)
