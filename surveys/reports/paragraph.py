"""The paragraph an evaluator pastes into the 绩效评价报告: who was asked, how many answered,
how the answers were scored, and the composite with its 95% interval, each figure as the page
shows it. The seed report's own paragraph gave 92.62 without a derivation or a margin of error,
and 300-odd questionnaires in one place and 200 in another; this one is written from the
figures themselves, so it cannot disagree with them.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from stats.text import rounded
from surveys.localized import english_wanted
from surveys.reports.data import Sample, report_language


def _series(parts: list[str]) -> str:
    """Parts listed as the active language lists them: 甲、乙、丙 in Chinese, “A, B and C” in
    English (where "A, B, C" read as an unfinished list)."""
    if len(parts) > 1 and english_wanted():
        return ", ".join(parts[:-1]) + " and " + parts[-1]
    return _("、").join(parts)


def _listed(names: list[str]) -> str:
    """Names in quotes, listed: a group's name may hold a 、 of its own (县、镇人大代表)."""
    return _series([_("“%(name)s”") % {"name": name} for name in names])


def _who(document: dict) -> str:
    names = {g["code"]: g["name"] for g in document["by_group"]}
    strata = [s for s in (document.get("design") or {}).get("strata") or [] if s.get("psu")]
    by_village = [names.get(s["group"], s["group"]) for s in strata if s.get("psu_is") == "village"]
    others = [names.get(s["group"], s["group"]) for s in strata if s.get("psu_is") != "village"]
    villages = sum(1 for cell in document["by_village"] if (cell.get("n") or 0) > 0)
    if not strata:  # a document published before it stated its design: the groups that answered
        others = [g["name"] for g in document["by_group"] if (g.get("n") or 0) > 0]
        if not others:
            return ""
    if by_village and others:
        return ngettext(
            "的对象为 %(villages)s 个村（社区）的%(village_groups)s，以及%(others)s",
            "的对象为 %(villages)s 个村（社区）的%(village_groups)s，以及%(others)s",
            villages,
        ) % {"villages": villages, "village_groups": _listed(by_village), "others": _listed(others)}
    if by_village:
        return ngettext(
            "的对象为 %(villages)s 个村（社区）的%(village_groups)s",
            "的对象为 %(villages)s 个村（社区）的%(village_groups)s",
            villages,
        ) % {"villages": villages, "village_groups": _listed(by_village)}
    return _("的对象为%(groups)s") % {"groups": _listed(others)}


def _points(document: dict) -> tuple[str, str]:
    """The options' points ("“满意”100 分、…"), and what is not scored (the options without
    points, and blank answers)."""
    # A document published before options were named in it has its scheme's codes alone.
    options = document.get("options") or [
        {"code": code, "name": code, "points": points}
        for code, points in (document["scheme"].get("option_points") or {}).items()
    ]
    scored = _series(
        [
            _("%(name)s%(points)s 分")
            % {"name": _("“%(name)s”") % {"name": o["name"]}, "points": f"{o['points']:g}"}
            for o in options
            if o["points"] is not None
        ]
    )
    return scored, not_scored(options)


def not_scored(options: list[dict]) -> str:
    """What no score counts: the options the scheme gives no points (不了解 in the usual scheme, but
    a scheme may score it, or leave out 一般 as well) and blank answers ("“不了解”、未作答")."""
    unscored = [_("“%(name)s”") % {"name": o["name"]} for o in options if o["points"] is None]
    return _series([*unscored, _("未作答")])


def _weights(document: dict) -> str:
    scheme = document["scheme"]
    weights = [
        (scheme.get("dimension_weights") or {}).get(d["code"], d["weight"]) for d in document["dimensions"]
    ]
    if len(set(weights)) <= 1:
        text = _("各维度权重相同")
    else:
        text = _("维度权重为%(weights)s") % {
            "weights": _series(
                [f"{d['name']} {w:g}" for d, w in zip(document["dimensions"], weights, strict=True)]
            )
        }
    if scheme.get("group_weights"):
        names = {g["code"]: g["name"] for g in document["by_group"]}
        text += _("，各群体按权重（%(weights)s）合并") % {
            "weights": _series([f"{names.get(c, c)} {w:g}" for c, w in scheme["group_weights"].items()])
        }
    return text


def report_paragraph(document: dict, sample: Sample) -> str:
    """The paragraph, in the active language, from the score document the page shows and its
    sample (the published one's where published)."""
    composite = document["composite"]
    low, high = composite.get("ci95") or (None, None)
    if composite.get("score") is None:
        score = _("综合满意度还无法计算（没有计分的回答）。")
    elif low is None or high is None:
        score = _("综合满意度为 %(score)s 分（样本不足以计算置信区间）。") % {
            "score": rounded(composite["score"])
        }
    else:
        score = _("综合满意度为 %(score)s 分（95%% 置信区间 %(low)s–%(high)s 分）。") % {
            "score": rounded(composite["score"]),
            "low": rounded(low),
            "high": rounded(high),
        }
    dimensions = _("、").join(
        f"{d['name']} —"  # no score: no unit either
        if d.get("score") is None
        else _("%(name)s %(score)s 分") % {"name": d["name"], "score": rounded(d["score"])}
        for d in document["dimensions"]
    )
    counts = ngettext(
        "共回收问卷 %(returned)s 份，有效 %(valid)s 份",
        "共回收问卷 %(returned)s 份，有效 %(valid)s 份",
        sample.returned,
    ) % {"returned": sample.returned, "valid": sample.valid}
    if sample.excluded:
        counts += _("（剔除 %(excluded)s 份）") % {"excluded": sample.excluded}
    points, unscored = _points(document)
    sentences = [
        _("本次满意度调查%(who)s，%(counts)s。") % {"who": _who(document), "counts": counts},
        ngettext(
            "问卷设 %(items)s 道题，分属 %(dimensions)s 个维度，按%(points)s计分（%(unscored)s不计分），%(weights)s。",
            "问卷设 %(items)s 道题，分属 %(dimensions)s 个维度，按%(points)s计分（%(unscored)s不计分），%(weights)s。",
            len(document["items"]),
        )
        % {
            "items": len(document["items"]),
            "dimensions": len(document["dimensions"]),
            "points": points,
            "unscored": unscored,
            "weights": _weights(document),
        },
        score,
        _("各维度得分：%(dimensions)s。") % {"dimensions": dimensions} if document["dimensions"] else "",
    ]
    if sample.synthetic:
        sentences.insert(0, _("（以下为演示数据，并非真实调查结果。）"))
    return (" " if report_language() == "en" else "").join(s for s in sentences if s)
