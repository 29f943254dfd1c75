"""Parts of the score document that summarise rather than estimate: reliability, the design
used, and the warnings a reader needs next to the figures."""

from __future__ import annotations

import numpy as np

from stats.estimate import Estimates
from stats.matrix import Blocks, SurveyMatrix
from stats.reliability import alpha_from_moments
from stats.result import plain
from stats.taylor import Design


def reliability_summary(blocks: Blocks, m: SurveyMatrix) -> dict:
    overall, *per_dim = blocks.listwise

    def one(moments, codes):
        a = alpha_from_moments(moments[0], moments[1], moments[2], codes)
        return plain(
            {
                "cronbach_alpha": a.alpha,
                "ci95": a.ci95 if np.isfinite(a.alpha) else None,
                "n": a.n,
                "k": a.k,
                "method": a.method,
                "items": [vars(i) for i in a.items],
            }
        )

    result = one(overall, m.item_codes)
    result["dimensions"] = {
        d: one(mom, [c for c, dd in zip(m.item_codes, m.item_dimension, strict=False) if dd == d])
        for d, mom in zip(m.dimension_codes, per_dim, strict=False)
    }
    return result


def design_summary(design: Design, m: SurveyMatrix) -> dict:
    return plain(
        {
            "df": design.df,
            "strata": [
                {
                    "group": g,
                    "psu": int(design.n_psu[h]),
                    "population": m.group_population[h],
                    "fraction": float(design.fraction[h]),
                    "psu_is": "village" if m.group_clustered[h] else "respondent",
                    "lonely": bool(design.lonely[h]),
                }
                for h, g in enumerate(m.group_codes)
            ],
        }
    )


def design_warnings(m: SurveyMatrix, blocks: Blocks, design: Design, overall: Estimates) -> list[str]:
    out = []
    for h in np.flatnonzero(design.lonely):
        out.append(
            f"群体“{m.group_codes[h]}”只有 1 个初级抽样单元，方差按确定单元计为 0"
            f"（group {m.group_codes[h]!r} has a single PSU: "
            "counted as a certainty unit, it adds no variance）"
        )
    if design.lonely.any() and design.df < 1:
        out.append(
            "自由度为 0：每个群体都只有 1 个初级抽样单元，无法估计综合得分的标准误和置信区间"
            "（df is 0: every group has a single PSU, so the composite has no standard error or "
            "confidence interval）"
        )
    for h in np.flatnonzero((design.fraction >= 1) & np.array(m.group_clustered) & (design.n_psu > 0)):
        out.append(
            f"群体“{m.group_codes[h]}”的所有村都已抽中：第一阶段方差为 0，第二阶段未建模"
            f"（every village of group {m.group_codes[h]!r} was sampled: "
            "first-stage variance is 0 and the second stage is not modelled）"
        )
    if design.fpc_ignored is not None:
        for h in np.flatnonzero(design.fpc_ignored):
            out.append(
                f"群体“{m.group_codes[h]}”的总体人数 {m.group_population[h]} 小于抽中的单元数 {int(design.n_psu[h])}："
                "不作有限总体校正，请核对总体人数"
                f"（group {m.group_codes[h]!r}: population {m.group_population[h]} is below the "
                f"{int(design.n_psu[h])} PSUs sampled; no finite population correction, check the count）"
            )
    if design.unplaced:
        out.append(
            f"{design.unplaced} 名整群抽样的受访者没有村，按各自为一个单元计算"
            f"（{design.unplaced} respondents of a clustered group have no village; "
            "each is taken as its own PSU）"
        )
    for j in np.flatnonzero(np.isnan(overall.item[0])):
        out.append(
            f"题目“{m.item_codes[j]}”没有计分的回答，不计入"
            f"（item {m.item_codes[j]!r} has no counted answer and is left out）"
        )
    for d in np.flatnonzero(np.isnan(overall.dimension[0])):
        out.append(
            f"维度“{m.dimension_codes[d]}”没有得分，不计入综合得分"
            f"（dimension {m.dimension_codes[d]!r} has no score and is left out of the composite）"
        )
    return out
