"""The engine's input (`SurveyMatrix`) and its reduction to per-block sufficient statistics.

Respondents are sorted into blocks φ = (village, group, age band). Every estimate the engine
reports — the point estimates of every breakdown and their Taylor variances — is a function of,
per block: the respondent count, the sums of u_i = [points_i (0 where not counted), counted_i]
and the Gram matrix Σ u_i u_iᵀ. That is because each linearised variable is z_i = u_i · b_φ with
a coefficient vector b_φ that is constant within a block. One pass over the respondents
therefore serves all breakdowns; nothing afterwards loops over respondents.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

CHUNK_ROWS = 65_536  # keeps each block's temporaries in cache and memory flat at any n


@dataclass
class SurveyMatrix:
    item_codes: list[str]
    item_dimension: list[str]
    dimension_codes: list[str]
    option_codes: list[str]
    answers: np.ndarray  # (n, k) option index into option_codes, -1 blank
    group: np.ndarray  # (n,) index into group_codes
    group_codes: list[str]
    group_population: list[int | None]  # population count of PSUs per group (fpc), None unknown
    group_clustered: list[bool]  # True: PSU = village for that group; else PSU = respondent
    village: np.ndarray | None = None  # (n,) index into village_codes or -1
    village_codes: list[str] = field(default_factory=list)
    age_band: np.ndarray | None = None  # (n,) index into age_band_codes or -1
    age_band_codes: list[str] = field(default_factory=list)

    @property
    def n(self) -> int:
        return int(self.answers.shape[0])


def validate(m: SurveyMatrix) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Check shapes and index ranges; return (group, village, age_band) as int arrays."""
    n, k = m.answers.shape if m.answers.ndim == 2 else (None, None)
    if n is None or k != len(m.item_codes):
        raise ValueError("answers must be (respondents, items) with one column per item code")
    if len(m.item_dimension) != k:
        raise ValueError("item_dimension must name the dimension of every item")
    unknown = set(m.item_dimension) - set(m.dimension_codes)
    if unknown:
        raise ValueError(f"items refer to unknown dimensions: {sorted(unknown)}")
    if not (len(m.group_population) == len(m.group_clustered) == len(m.group_codes)):
        raise ValueError("group_population and group_clustered need one entry per group")
    if n and (m.answers.min() < -1 or m.answers.max() >= len(m.option_codes)):
        raise ValueError("answers must hold an option index or -1")
    group = _index(m.group, n, len(m.group_codes), "group", allow_missing=False)
    village = _index(m.village, n, len(m.village_codes), "village", allow_missing=True)
    age = _index(m.age_band, n, len(m.age_band_codes), "age_band", allow_missing=True)
    return group, village, age


def _index(arr, n, size, name, *, allow_missing) -> np.ndarray:
    if arr is None:
        if not allow_missing:
            raise ValueError(f"{name} is required")
        return np.full(n, -1, dtype=np.int64)
    a = np.asarray(arr)
    if a.shape != (n,):
        raise ValueError(f"{name} must have one entry per respondent")
    low = -1 if allow_missing else 0
    if n and (a.min() < low or a.max() >= size):
        raise ValueError(f"{name} holds an index outside its codes")
    return a


@dataclass
class Blocks:
    """Sufficient statistics per block φ = ((village+1)·G + group)·(A+1) + (age+1)."""

    village: np.ndarray  # (Φ,) -1 = none
    group: np.ndarray  # (Φ,)
    age: np.ndarray  # (Φ,) -1 = none
    count: np.ndarray  # (Φ,) respondents
    counted: np.ndarray  # (Φ,) respondents with at least one counted answer
    counted_dim: np.ndarray  # (Φ, D) respondents with a counted answer in that dimension
    sums: np.ndarray  # (Φ, 2k) Σ [points, counted]
    gram: np.ndarray  # (Φ, 2k, 2k) Σ u uᵀ
    distribution: np.ndarray  # (k, options + 1) answer counts per option, last column = blank
    listwise: list[tuple[int, np.ndarray, np.ndarray]]  # all items, then each dimension: (n, Σy, Σyyᵀ)
    order: np.ndarray  # respondent order sorted by block (for the bootstrap)
    starts: np.ndarray  # (Φ+1,) block boundaries in that order


def block_stats(
    m: SurveyMatrix,
    points: np.ndarray,
    membership: np.ndarray,
) -> Blocks:
    """One pass over the respondents. `points` is per option index (NaN = not counted).

    `membership` is the (k, D) item → dimension one-hot. Listwise moments (for Cronbach's
    alpha) are kept for all items first, then for each dimension's items.
    """
    group, village, age = validate(m)
    k = len(m.item_codes)
    n_groups, n_ages = len(m.group_codes), len(m.age_band_codes)
    n_blocks = (len(m.village_codes) + 1) * n_groups * (n_ages + 1)
    key = ((village.astype(np.int64) + 1) * n_groups + group) * (n_ages + 1) + (age + 1)
    # A 16-bit key lets numpy use a radix sort, the cheapest way to group a million rows.
    key = key.astype(np.int16 if n_blocks < 32_767 else np.int64)
    order = np.argsort(key, kind="stable")
    count = np.bincount(key, minlength=n_blocks)
    starts = np.concatenate([[0], np.cumsum(count)])
    # Shifted by one so that blank (-1) is code 0: a plain non-negative index into the tables.
    codes = (m.answers[order] + 1).astype(np.uint8)
    table_y = np.concatenate([[0.0], np.where(np.isnan(points), 0.0, points)])
    table_d = np.concatenate([[0.0], (~np.isnan(points)).astype(float)])
    sizes = membership.sum(axis=0)
    subsets = [np.arange(k)] + [np.flatnonzero(membership[:, d]) for d in range(membership.shape[1])]

    sums = np.zeros((n_blocks, 2 * k))
    gram = np.zeros((n_blocks, 2 * k, 2 * k))
    counted = np.zeros(n_blocks, dtype=np.int64)
    counted_dim = np.zeros((n_blocks, membership.shape[1]))
    moments = [[0, np.zeros(len(s)), np.zeros((len(s), len(s)))] for s in subsets]
    u = np.empty((min(CHUNK_ROWS, max(len(codes), 1)), 2 * k))
    for b in np.flatnonzero(count):
        for lo in range(starts[b], starts[b + 1], CHUNK_ROWS):
            hi = min(lo + CHUNK_ROWS, starts[b + 1])
            a = codes[lo:hi]
            ub = u[: hi - lo]
            np.take(table_y, a, out=ub[:, :k])
            np.take(table_d, a, out=ub[:, k:])
            gram[b] += ub.T @ ub
            per_dim = ub[:, k:] @ membership  # counted answers per dimension, per respondent
            counted[b] += int(np.count_nonzero(per_dim.sum(axis=1)))
            counted_dim[b] += (per_dim > 0).sum(axis=0)
            complete = np.concatenate([(per_dim == sizes).all(axis=1)[:, None], per_dim == sizes], axis=1)
            _accumulate_listwise(moments, membership, ub[:, :k], complete.astype(float))

    # Column sums are on the Gram's diagonals: Σ y_j = Σ y_j·δ_j and Σ δ_j = Σ δ_j², as δ ∈ {0, 1}
    # and y_j = 0 wherever δ_j = 0. That saves a pass over the data.
    diag = np.arange(k)
    sums[:, :k] = gram[:, diag, k + diag]
    sums[:, k:] = gram[:, k + diag, k + diag]

    distribution = np.stack(
        [
            np.bincount(m.answers[:, j].astype(np.intp) + 1, minlength=len(m.option_codes) + 1)
            for j in range(k)
        ]
    )
    # Move the blank count (index 0 after the +1 shift) to the last column.
    distribution = np.roll(distribution, -1, axis=1)

    phi = np.arange(n_blocks)
    return Blocks(
        village=phi // (n_groups * (n_ages + 1)) - 1,
        group=(phi // (n_ages + 1)) % n_groups,
        age=phi % (n_ages + 1) - 1,
        count=count,
        counted=counted,
        counted_dim=counted_dim,
        sums=sums,
        gram=gram,
        distribution=distribution,
        listwise=[(int(c), s1, s2) for c, s1, s2 in moments],
        order=order,
        starts=starts,
    )


def _accumulate_listwise(moments, membership, y, complete) -> None:
    """Moments of the rows complete on all items (slot 0) and on each dimension (slots 1..).

    No rows are copied out: incomplete rows are multiplied by 0, and one product per kind gives
    every dimension's Σyyᵀ as the diagonal blocks of (y · mask of the column's dimension)ᵀ y.
    """
    all_mask = complete[:, 0]
    masked = y * all_mask[:, None]
    moments[0][0] += int(np.count_nonzero(all_mask))
    moments[0][1] += all_mask @ y
    moments[0][2] += masked.T @ y
    dim_mask = complete[:, 1:]
    masked = y * (dim_mask @ membership.T)
    cross = masked.T @ y
    sums = (dim_mask.T @ y)[membership.argmax(axis=1), np.arange(y.shape[1])]
    counts = dim_mask.sum(axis=0)
    for d, slot in enumerate(moments[1:]):
        items = np.flatnonzero(membership[:, d])
        slot[0] += int(counts[d])
        slot[1] += sums[items]
        slot[2] += cross[np.ix_(items, items)]
