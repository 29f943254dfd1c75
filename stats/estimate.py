"""Point estimates from totals (contract §2), vectorised over cells and replicates.

Input totals have shape (..., C, G, k): per cell c, respondent group g and item j, the sum of
points over counted answers (ty) and the number of counted answers (tx). The leading axes are
free, so the same code scores the full sample, every breakdown cell and every bootstrap
replicate. Besides the scores it returns the coefficients of the Taylor linearisation:

    item j of cell c      S_cj = Σ_g Λ_cgj R_cgj,   R = ty/tx,
    composite             Σ_j a_cj S_cj,
    linearised variable   z_i = Σ_j coef_j · Λ_cgj/tx_cgj · δ_ij (y_ij − R_cgj)   (i in c, g).

Without group weights the ratio is pooled over groups (Λ = 1, R and tx pooled).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Spec:
    item_dimension: np.ndarray  # (k,) dimension index of each item
    item_weight: np.ndarray  # (k,)
    dimension_weight: np.ndarray  # (D,)
    group_weight: np.ndarray | None  # (G,) or None

    @property
    def membership(self) -> np.ndarray:
        """(k, D) one-hot: item j belongs to dimension d."""
        return np.eye(len(self.dimension_weight))[self.item_dimension]


@dataclass
class Estimates:
    item: np.ndarray  # (..., C, k) NaN = no counted answer
    dimension: np.ndarray  # (..., C, D) NaN = no item with a score
    composite: np.ndarray  # (..., C)
    ratio: np.ndarray  # (..., C, G, k) R used in z
    slope: np.ndarray  # (..., C, G, k) Λ/tx used in z (0 where the group does not count)
    in_dimension: np.ndarray  # (..., C, k) item weight within its dimension, renormalised
    in_composite: np.ndarray  # (..., C, k) a_j: weight of the item in the composite
    dimension_share: np.ndarray  # (..., C, D) dimension weight renormalised over those present


def estimate(ty: np.ndarray, tx: np.ndarray, spec: Spec) -> Estimates:
    with np.errstate(invalid="ignore", divide="ignore"):
        if spec.group_weight is None:
            pooled_y, pooled_x = ty.sum(axis=-2), tx.sum(axis=-2)
            item = np.where(pooled_x > 0, pooled_y / pooled_x, np.nan)
            ratio = np.broadcast_to(np.nan_to_num(item)[..., None, :], ty.shape)
            slope = np.broadcast_to(np.where(pooled_x > 0, 1.0 / pooled_x, 0.0)[..., None, :], ty.shape)
        else:
            present = tx > 0
            ratio = np.where(present, ty / tx, 0.0)
            lam = spec.group_weight[:, None] * present
            lam_sum = lam.sum(axis=-2)
            share = np.where(lam_sum[..., None, :] > 0, lam / lam_sum[..., None, :], 0.0)
            item = np.where(lam_sum > 0, (share * ratio).sum(axis=-2), np.nan)
            slope = np.where(present, share / tx, 0.0)

        member = spec.membership
        scored = ~np.isnan(item)
        vw = spec.item_weight * scored
        dim_weight_sum = vw @ member
        dimension = np.where(dim_weight_sum > 0, (vw * np.nan_to_num(item)) @ member / dim_weight_sum, np.nan)
        in_dimension = np.where(scored, vw / (dim_weight_sum @ member.T), 0.0)
        uw = spec.dimension_weight * ~np.isnan(dimension)
        total = uw.sum(axis=-1, keepdims=True)
        dimension_share = np.where(total > 0, uw / total, 0.0)
        composite = np.where(
            total[..., 0] > 0, (dimension_share * np.nan_to_num(dimension)).sum(axis=-1), np.nan
        )
        in_composite = in_dimension * (dimension_share @ member.T)
    return Estimates(
        item=item,
        dimension=dimension,
        composite=composite,
        ratio=np.asarray(ratio),
        slope=np.asarray(slope),
        in_dimension=np.nan_to_num(in_dimension),
        in_composite=np.nan_to_num(in_composite),
        dimension_share=dimension_share,
    )
