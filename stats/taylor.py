"""Taylor-linearisation variances of every estimate, computed from block statistics.

Design (contract §2): strata are respondent groups; a PSU is a village for clustered groups and
a single respondent otherwise; fpc from the group's population count of PSUs.

An estimand is given by coefficient vectors B[φ, :, q] with z_i = u_i · B[φ_i, :, q]. Then per
block Σz = sums·B and Σz² = Bᵀ·gram·B, and PSU totals are either block sums (a village) or the
respondents' own z (singletons), which is all `stratified_variance` needs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stats.matrix import Blocks
from stats.variance import stratified_variance


@dataclass(frozen=True)
class Design:
    stratum: np.ndarray  # (Φ,) stratum of each block
    cluster: np.ndarray  # (Φ,) cluster (village PSU) index of each block, -1 = singletons
    cluster_stratum: np.ndarray  # (P,)
    n_psu: np.ndarray  # (H,) PSUs drawn per stratum
    fraction: np.ndarray  # (H,) sampling fraction n_h/N_h (0 unknown)
    df: int
    lonely: np.ndarray  # (H,) bool: a single PSU
    unplaced: int  # respondents of a clustered group without a village (taken as own PSU)
    fpc_ignored: np.ndarray | None = None  # (H,) bool: population count below the PSUs sampled


def build_design(blocks: Blocks, clustered: list[bool], population: list[int | None]) -> Design:
    n_strata = len(clustered)
    is_cluster = np.array(clustered)[blocks.group] & (blocks.village >= 0) & (blocks.count > 0)
    cluster_key = np.where(is_cluster, (blocks.village + 1) * n_strata + blocks.group, -1)
    keys, cluster = np.unique(cluster_key, return_inverse=True)
    cluster = cluster.ravel() - (1 if keys[0] == -1 else 0)
    cluster = np.where(is_cluster, cluster, -1)
    real_keys = keys[keys >= 0]
    cluster_stratum = real_keys % n_strata
    singles = np.bincount(blocks.group, weights=blocks.count * ~is_cluster, minlength=n_strata)
    n_psu = singles + np.bincount(cluster_stratum, minlength=n_strata)
    pop = np.array([np.nan if p is None else float(p) for p in population])
    with np.errstate(invalid="ignore", divide="ignore"):
        fraction = np.where(np.isnan(pop), 0.0, n_psu / pop)
    # More PSUs sampled than the stated population: the count is wrong or out of date. The
    # data cannot be refused for that, so that stratum is estimated without a correction
    # (with replacement, the conservative choice) and a warning names it.
    fpc_ignored = fraction > 1
    fraction = np.where(fpc_ignored, 0.0, fraction)
    drawn = n_psu >= 1
    unplaced = int((blocks.count * (np.array(clustered)[blocks.group] & (blocks.village < 0))).sum())
    return Design(
        stratum=blocks.group,
        cluster=cluster,
        cluster_stratum=cluster_stratum,
        n_psu=n_psu,
        fraction=fraction,
        df=int(n_psu.sum() - drawn.sum()),
        lonely=n_psu == 1,
        unplaced=unplaced,
        fpc_ignored=fpc_ignored,
    )


@dataclass
class Variances:
    design: np.ndarray  # (C, Q) domain estimation, full design kept
    srs: np.ndarray  # (C, Q) respondents of the cell as independent draws (deff denominator)
    within: np.ndarray  # (C, Q) SRS within the cell, stratified by group ("srs_within_village")
    within_df: np.ndarray  # (C,)


def variances(blocks: Blocks, design: Design, coef: np.ndarray, cell: np.ndarray, n_cells: int) -> Variances:
    """coef: (Φ, 2k, Q); cell: (Φ,) cell of each block, -1 = outside every cell."""
    use = (cell >= 0) & (blocks.count > 0)
    lin = np.einsum("fi,fiq->fq", blocks.sums[use], coef[use])
    quad = np.einsum("fiq,fij,fjq->fq", coef[use], blocks.gram[use], coef[use])
    c, h, p = cell[use], design.stratum[use], design.cluster[use]
    m = blocks.count[use].astype(float)
    n_strata, n_q = len(design.n_psu), coef.shape[2]

    s1 = np.zeros((n_cells, n_strata, n_q))
    s2 = np.zeros_like(s1)
    single = p < 0
    np.add.at(s1, (c[single], h[single]), lin[single])
    np.add.at(s2, (c[single], h[single]), quad[single])
    village_total = np.zeros((n_cells, len(design.cluster_stratum), n_q))
    np.add.at(village_total, (c[~single], p[~single]), lin[~single])
    for stratum in range(n_strata):
        mine = design.cluster_stratum == stratum
        s1[:, stratum] += village_total[:, mine].sum(axis=1)
        s2[:, stratum] += (village_total[:, mine] ** 2).sum(axis=1)
    v_design = stratified_variance(
        s1.transpose(0, 2, 1), s2.transpose(0, 2, 1), design.n_psu, design.fraction
    )

    lin_ch = np.zeros((n_cells, n_strata, n_q))
    quad_ch = np.zeros_like(lin_ch)
    m_ch = np.zeros((n_cells, n_strata))
    np.add.at(lin_ch, (c, h), lin)
    np.add.at(quad_ch, (c, h), quad)
    np.add.at(m_ch, (c, h), m)
    v_within = stratified_variance(
        lin_ch.transpose(0, 2, 1), quad_ch.transpose(0, 2, 1), m_ch[:, None, :], 0.0
    )
    m_c = m_ch.sum(axis=1)
    v_srs = stratified_variance(
        lin_ch.sum(axis=1)[:, :, None], quad_ch.sum(axis=1)[:, :, None], m_c[:, None, None], 0.0
    )
    return Variances(
        design=v_design,
        srs=v_srs,
        within=v_within,
        within_df=m_c - (m_ch > 0).sum(axis=1),
    )


def coefficients(blocks: Blocks, est, cell: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """B[φ, :, q] for estimands q of the cell each block is in.

    weights: (C, k, Q) weight of item j in estimand q for cell c (e.g. a_cj for the composite).
    Blocks outside every cell get zeros.
    """
    if est.slope.shape[0] == 0:  # a breakdown with no cells (e.g. a survey without age bands)
        return np.zeros((len(cell), 2 * est.slope.shape[2], weights.shape[2]))
    inside = cell >= 0
    c = np.where(inside, cell, 0)
    g = blocks.group
    slope = est.slope[c, g] * inside[:, None]  # (Φ, k)
    ratio = est.ratio[c, g]
    w = weights[c]  # (Φ, k, Q)
    return np.concatenate([slope[:, :, None] * w, -(slope * ratio)[:, :, None] * w], axis=1)


def subset_df(
    blocks: Blocks, design: Design, cell: np.ndarray, n_cells: int, counted: np.ndarray
) -> np.ndarray:
    """Degrees of freedom of each estimand on each cell's subset, as R's degf() of the design
    subset to the respondents the estimand counts: the PSUs holding at least one of them minus
    the strata holding such PSUs. counted: (Φ, Q) respondents of each block counted by estimand q
    (an item: its counted answers; the composite: respondents with any). Returns (C, Q)."""
    n_strata, n_q = len(design.n_psu), counted.shape[1]
    use = cell >= 0
    c, h, p, k = cell[use], design.stratum[use], design.cluster[use], counted[use]
    single = p < 0
    psus = np.zeros((n_cells, n_strata, n_q))
    np.add.at(psus, (c[single], h[single]), k[single])
    in_village = np.zeros((n_cells, len(design.cluster_stratum), n_q))
    np.add.at(in_village, (c[~single], p[~single]), k[~single])
    for stratum in range(n_strata):
        psus[:, stratum] += (in_village[:, design.cluster_stratum == stratum] > 0).sum(axis=1)
    return (psus.sum(axis=1) - (psus > 0).sum(axis=1)).astype(int)
