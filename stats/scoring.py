"""score(): the survey's composite, dimensions, items and breakdowns with their uncertainty.

Rules: contract §2 (see `stats.estimate`). Uncertainty: Taylor linearisation on the design of
`stats.taylor` (or the Rao–Wu bootstrap of `stats.bootstrap`). Breakdowns by group and age band
are domains of the full design. A village is a single PSU, so a design-based variance between
PSUs does not exist for a village cell: those cells (and village × group) treat the cell's
respondents as a stratified simple random sample instead, named "srs_within_village".
"""

from __future__ import annotations

import numpy as np

from stats import bootstrap
from stats.estimate import Estimates, Spec, estimate
from stats.matrix import Blocks, SurveyMatrix, block_stats
from stats.result import Cell, Composite, Dimension, Item, ScoreResult
from stats.scheme import MAX_WEIGHT, Scheme, scheme_to_dict
from stats.summaries import design_summary, design_warnings, reliability_summary
from stats.taylor import build_design, coefficients, subset_df, variances
from stats.variance import t_quantile

# The contract's 不了解: counted on its own in every item, whatever the scheme makes of it.
DONT_KNOW = "dont_know"

WITHIN_VILLAGE = "srs_within_village"


def score(
    matrix: SurveyMatrix,
    scheme: Scheme,
    *,
    method: str = "taylor",
    replicates: int = 500,
    seed: int = 0,
) -> ScoreResult:
    if method not in ("taylor", "bootstrap"):
        raise ValueError("method must be 'taylor' or 'bootstrap'")
    spec = _spec(matrix, scheme)
    member = spec.membership
    points = np.array(
        [
            np.nan if scheme.option_points.get(c) is None else scheme.option_points[c]
            for c in matrix.option_codes
        ],
        dtype=float,
    )
    blocks = block_stats(matrix, points, member)
    design = build_design(blocks, matrix.group_clustered, matrix.group_population)
    cells = _breakdowns(blocks, matrix)
    est = {name: _totals_estimate(blocks, cell, n, spec, matrix) for name, (cell, n) in cells.items()}

    k, n_dims = member.shape
    overall = est["overall"]
    q_weights = np.concatenate(
        [np.eye(k), overall.in_dimension[0][:, None] * member, overall.in_composite[0][:, None]],
        axis=1,
    )[None]
    v_all = variances(
        blocks, design, coefficients(blocks, overall, cells["overall"][0], q_weights), cells["overall"][0], 1
    )
    v_cells = {
        name: variances(
            blocks, design, coefficients(blocks, est[name], cell, est[name].in_composite[:, :, None]), cell, n
        )
        for name, (cell, n) in cells.items()
        if name != "overall"
    }
    method_name = "taylor"
    design_var = {"overall": v_all.design[0], **{name: v.design[:, 0] for name, v in v_cells.items()}}
    warnings = design_warnings(matrix, blocks, design, overall)
    for code, weight in (scheme.group_weights or {}).items():
        if weight == 0 and code in matrix.group_codes:
            warnings.append(
                f"群体“{code}”的权重为 0：不计入任何得分，其分组得分为空"
                f"（group {code!r} weighs 0: it counts towards no score, and its own breakdown is empty）"
            )
    if method == "bootstrap":
        method_name = f"bootstrap (Rao–Wu, R={replicates})"
        boot, boot_warnings = bootstrap.rao_wu(
            matrix,
            blocks,
            design,
            points,
            spec,
            {name: cells[name] for name in ("overall", "by_group", "by_age_band")},
            replicates=replicates,
            seed=seed,
        )
        design_var.update(boot)
        warnings += boot_warnings

    # Each estimate's df is its own subset's (R's degf() of the design subset to the respondents
    # it counts); from fewer than two PSUs in any stratum (df < 1) a variance cannot be
    # estimated: SE, CI and deff are then null, not 0.
    counted_by = np.concatenate([blocks.sums[:, k:], blocks.counted_dim, blocks.counted[:, None]], axis=1)
    df0 = subset_df(blocks, design, cells["overall"][0], 1, counted_by)[0]
    v0 = np.where(df0 >= 1, design_var["overall"], np.nan)
    srs0 = v_all.srs[0]
    se0 = np.sqrt(v0)
    half = t_quantile(df0) * se0
    low, high = _scale(points)
    clipped: list[str] = []

    def ci(estimate: float, half: float, figure: str) -> tuple[float, float] | None:
        """estimate ± half, cut at the scale's ends (a mean of points cannot leave them)."""
        if not (np.isfinite(estimate) and np.isfinite(half)):
            return None
        if estimate - half < low or estimate + half > high:
            clipped.append(figure)
        return (float(max(estimate - half, low)), float(min(estimate + half, high)))

    counted_answers = blocks.sums[:, k:].sum(axis=0)
    composite = Composite(
        score=float(overall.composite[0]),
        se=float(se0[-1]),
        ci95=ci(overall.composite[0], half[-1], "composite"),
        df=int(df0[-1]),
        deff=_ratio(v0[-1], srs0[-1]),
        n=int(blocks.counted.sum()),
        method=method_name,
    )
    dimensions = [
        Dimension(
            code=code,
            weight=float(overall.dimension_share[0, d]),
            score=float(overall.dimension[0, d]),
            se=float(se0[k + d]),
            ci95=ci(overall.dimension[0, d], half[k + d], f"dimension:{code}"),
            deff=_ratio(v0[k + d], srs0[k + d]),
            n=int(blocks.counted_dim[:, d].sum()),
        )
        for d, code in enumerate(matrix.dimension_codes)
    ]
    # Counted answers per group and item: a group's item mean from fewer than min_cell people is
    # withheld, as any breakdown cell is (it would otherwise print one deputy's answers).
    group_item_n = np.zeros((len(matrix.group_codes), k))
    np.add.at(group_item_n, blocks.group, blocks.sums[:, k:])
    null_options = np.array([scheme.option_points.get(c) is None for c in matrix.option_codes])
    items = [
        Item(
            code=code,
            dimension=matrix.item_dimension[j],
            weight=float(scheme.item_weight(code)),
            composite_weight=float(overall.in_composite[0, j]),
            score=float(overall.item[0, j]),
            se=float(se0[j]),
            ci95=ci(overall.item[0, j], half[j], f"item:{code}"),
            deff=_ratio(v0[j], srs0[j]),
            n=int(counted_answers[j]),
            dont_know=int(blocks.distribution[j, matrix.option_codes.index(DONT_KNOW)])
            if DONT_KNOW in matrix.option_codes
            else 0,
            left_out=int(blocks.distribution[j, :-1][null_options].sum()),
            blank=int(blocks.distribution[j, -1]),
            distribution={o: int(blocks.distribution[j, i]) for i, o in enumerate(matrix.option_codes)},
            group_scores=None
            if scheme.group_weights is None
            else {
                g: _group_score(overall, h, j, group_item_n[h, j], scheme.min_cell)
                for h, g in enumerate(matrix.group_codes)
            },
        )
        for j, code in enumerate(matrix.item_codes)
    ]
    labels = _labels(matrix)
    breakdown = {}
    for name, v in v_cells.items():
        within = name in ("by_village", "by_village_group")
        var = v.within[:, 0] if within else design_var[name]
        df = (
            v.within_df
            if within
            else subset_df(blocks, design, cells[name][0], cells[name][1], counted_by[:, -1:])[:, 0]
        )
        breakdown[name] = _cells(
            blocks,
            cells[name][0],
            est[name],
            var,
            v.srs[:, 0],
            df,
            labels[name],
            matrix,
            scheme.min_cell,
            WITHIN_VILLAGE if within else method_name,
            lambda e, h, code, name=name: ci(e, h, f"{name}:{code}"),
        )
    if clipped:
        warnings.append(_clipped_warning(clipped, low, high))
    return ScoreResult(
        composite=composite,
        dimensions=dimensions,
        items=items,
        by_village=breakdown["by_village"],
        by_group=breakdown["by_group"],
        by_age_band=breakdown["by_age_band"],
        by_village_group=breakdown["by_village_group"],
        reliability=reliability_summary(blocks, matrix),
        scheme=scheme_to_dict(scheme),
        design=design_summary(design, matrix),
        warnings=warnings,
    )


# Weights are relative: every use of them is a weighted mean (contract §2), so scaling a kind of
# weight by one factor changes no figure. One whose largest weight is past these bounds is scaled
# to a largest weight of 1 before use: dimension weights of 1e308 each overflowed their sum, and
# every score became 0; weights near the smallest float lose digits in weight × score. Any other
# is used as given, to the last digit. (A parsed scheme refuses weights past MAX_WEIGHT.)
RELATIVE_BOUNDS = (1e-100, MAX_WEIGHT)


def _relative(weights: list[float]) -> np.ndarray:
    w = np.array(weights, dtype=float)
    top = w.max(initial=0.0)
    low, high = RELATIVE_BOUNDS
    return w / top if top > 0 and not low <= top <= high else w


def _spec(matrix: SurveyMatrix, scheme: Scheme) -> Spec:
    dim_index = {d: i for i, d in enumerate(matrix.dimension_codes)}
    return Spec(
        item_dimension=np.array([dim_index[d] for d in matrix.item_dimension], dtype=np.int64),
        item_weight=_relative([scheme.item_weight(c) for c in matrix.item_codes]),
        dimension_weight=_relative([scheme.dimension_weights.get(d, 0.0) for d in matrix.dimension_codes]),
        group_weight=None
        if scheme.group_weights is None
        else _relative([scheme.group_weights.get(g, 0.0) for g in matrix.group_codes]),
    )


def _breakdowns(blocks: Blocks, m: SurveyMatrix) -> dict[str, tuple[np.ndarray, int]]:
    """Cell of every block per breakdown (-1 = in no cell). Cells partition the blocks."""
    n_groups = len(m.group_codes)
    vg = np.where(blocks.village >= 0, blocks.village * n_groups + blocks.group, -1)
    return {
        "overall": (np.zeros(len(blocks.count), dtype=np.int64), 1),
        "by_village": (blocks.village, len(m.village_codes)),
        "by_group": (blocks.group, n_groups),
        "by_age_band": (blocks.age, len(m.age_band_codes)),
        "by_village_group": (vg, len(m.village_codes) * n_groups),
    }


def _totals_estimate(
    blocks: Blocks, cell: np.ndarray, n_cells: int, spec: Spec, m: SurveyMatrix
) -> Estimates:
    k = len(m.item_codes)
    inside = cell >= 0
    totals = np.zeros((n_cells, len(m.group_codes), 2 * k))
    np.add.at(totals, (cell[inside], blocks.group[inside]), blocks.sums[inside])
    return estimate(totals[..., :k], totals[..., k:], spec)


def _labels(m: SurveyMatrix) -> dict[str, list[tuple[str, str | None, str | None]]]:
    return {
        "by_village": [(v, v, None) for v in m.village_codes],
        "by_group": [(g, None, g) for g in m.group_codes],
        "by_age_band": [(a, None, None) for a in m.age_band_codes],
        "by_village_group": [(f"{v}|{g}", v, g) for v in m.village_codes for g in m.group_codes],
    }


def _cells(blocks, cell, est, var, srs, df, labels, m, min_cell, method, ci) -> list[Cell]:
    n_cells = len(labels)
    inside = cell >= 0
    counted = np.bincount(cell[inside], weights=blocks.counted[inside], minlength=n_cells)
    responses = np.bincount(cell[inside], weights=blocks.count[inside], minlength=n_cells)
    # A shown cell's dimension score from fewer than min_cell people (the rest 不了解) is withheld.
    counted_dim = np.stack(
        [
            np.bincount(cell[inside], weights=blocks.counted_dim[inside, d], minlength=n_cells)
            for d in range(len(m.dimension_codes))
        ],
        axis=1,
    ).reshape(n_cells, len(m.dimension_codes))
    # A cell without a score (no counted answer, or only groups the scheme weighs 0) has no SE.
    # Nor from fewer than two PSUs in a stratum (df < 1): not estimable, null rather than 0.
    se = np.where(np.isfinite(est.composite) & (df >= 1), np.sqrt(var), np.nan)
    half = t_quantile(df) * se
    out = []
    for c, (code, village, group) in enumerate(labels):
        if responses[c] == 0 and village is not None and group is not None:
            continue  # village × group lists only the combinations that occur
        hidden = counted[c] < min_cell
        out.append(
            Cell(
                code=code,
                n=int(counted[c]),
                responses=int(responses[c]),
                score=None if hidden else float(est.composite[c]),
                se=None if hidden else float(se[c]),
                ci95=None if hidden else ci(est.composite[c], half[c], code),
                df=int(df[c]),
                deff=None if hidden else _ratio(se[c] ** 2, srs[c]),
                suppressed=bool(hidden),
                method=method,
                dimensions={
                    d: None if hidden or counted_dim[c, i] < min_cell else float(est.dimension[c, i])
                    for i, d in enumerate(m.dimension_codes)
                },
                village=village,
                group=group,
            )
        )
    return out


def _group_score(overall: Estimates, group: int, item: int, n: float, min_cell: int) -> float | None:
    """A group's mean on an item: NaN without a counted answer, None (withheld) from fewer than
    min_cell respondents."""
    if overall.slope[0, group, item] <= 0:
        return float("nan")
    return None if n < min_cell else float(overall.ratio[0, group, item])


def _scale(points: np.ndarray) -> tuple[float, float]:
    """The lowest and highest points an answer can score (0 and 100 on the usual schemes)."""
    scored = points[np.isfinite(points)]
    return (float(scored.min()), float(scored.max())) if scored.size else (0.0, 100.0)


def _clipped_warning(figures: list[str], low: float, high: float) -> str:
    shown = "、".join(figures[:5]) + ("…" if len(figures) > 5 else "")
    listed = ", ".join(figures[:5]) + (", …" if len(figures) > 5 else "")
    return (
        f"{len(figures)} 个 95% 置信区间超出计分范围 [{low:g}, {high:g}]，已截断至该范围：{shown}"
        f"（{len(figures)} 95% confidence intervals reached past the scale [{low:g}, {high:g}] and "
        f"were cut at its ends: {listed}）"
    )


def _ratio(v: float, v_srs: float) -> float:
    return float(v / v_srs) if v_srs > 0 else float("nan")
