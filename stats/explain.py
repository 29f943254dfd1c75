"""Every figure's derivation in words and numbers, for people (Chinese by default, or English).

Numbers shown to people have two decimals; the JSON keeps full precision.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from stats.result import Cell, ScoreResult
from stats.text import rounded

TEXT = {
    "zh": {
        "answered": "{n} 人答“{option}”",
        "blank": "{n} 人未作答",
        "left_out": "（{parts}，不计入）",
        "left_out_and": "、",
        "method_taylor": "泰勒线性化",
        "method_bootstrap": "自助法",
        "brackets": str.maketrans({"(": "（", ")": "）", ",": "，", " ": ""}),
        "composite": "综合满意度",
        "composite_of": "综合满意度",
        "named": "{name}（{code}）",
        "no_score": "{name}：没有计分的回答，不计入",
        "no_composite": "综合满意度：还没有计分的回答，无法计算",
        "groups": "{name} = 各群体得分按群体权重加权：{terms} = {value}",
        "withheld": "〔{name}：作答不足 {min_cell} 人，不公布〕",
        "se_taylor": "{name}的标准误 {se} 按泰勒线性化计算：以受访者群体为层，{psus}{fpc}"
        "；自由度 = 初级抽样单元数 − 层数 = {df}；95% 置信区间 [{lo}, {hi}] 用 t 分布；设计效应 {deff}。",
        "se_boot": "{name}的标准误 {se} 按{method}重抽样计算：每层有放回地抽取 n_h − 1 个初级抽样单元"
        "；自由度 {df}；95% 置信区间 [{lo}, {hi}] 用 t 分布。",
        "psus_clustered": "整群抽样的群体以村为初级抽样单元，其他受访者各为一个单元",
        "psus_single": "每个受访者为一个初级抽样单元",
        "fpc": "，并按各层总体单元数作有限总体校正",
        "fpc_some": "，并对已知总体单元数的层作有限总体校正（{strata}；其余层没有总体数，按有放回抽样计算）",
        "fpc_count": "{name}共 {population} 个单元",
        "cell": "{name}：{score}（n = {n}，标准误 {se}，{method}）",
        "suppressed": "{name}：计分人数 {n} 少于 {min_cell}，不公布得分",
        "within": "村内受访者视为简单随机样本",
        "alpha": "克朗巴赫 α = {alpha}（{n} 名全部题目都计分的受访者；95% 置信区间 [{lo}, {hi}]，Feldt 法）",
        "alpha_few": "；区间下限低于 0：受访者太少，α 说明不了各题的回答是否一致",
        "alpha_weak": "；区间下限低于 0、上限低于 0.7：各题的回答几乎不一致（α 与 0 没有显著差别）",
        "alpha_one_item": "克朗巴赫 α：只有 1 道题，无法计算（α 比较各题的回答）",
        "alpha_too_few": "克朗巴赫 α：只有 {n} 名受访者全部题目都计分（选不计分的选项或未答的不算），至少需要 2 名，无法计算",
        "alpha_no_answer": "；没有计分回答的题目：{items}",
        "alpha_no_variance": "克朗巴赫 α：{n} 名全部题目都计分的受访者总分都相同，无法计算",
        "list": "、",
    },
    "en": {
        "answered": "{n} answered “{option}”",
        "blank": "{n} left it blank",
        "left_out": " ({parts}, left out)",
        "left_out_and": " and ",
        "method_taylor": "Taylor linearisation",
        "method_bootstrap": "bootstrap",
        "brackets": {},
        "composite": "Composite satisfaction",
        "composite_of": "composite satisfaction",
        "named": "{name} ({code})",
        "no_score": "{name}: no counted answer, left out",
        "no_composite": "The composite: no counted answer yet, so no score",
        "groups": "{name} = group scores weighted by the group weights: {terms} = {value}",
        "withheld": "[{name}: fewer than {min_cell} answers, not shown]",
        "se_taylor": "The SE of the {name}, {se}, is by Taylor linearisation: strata are respondent groups, "
        "{psus}{fpc}"
        "; df = PSUs − strata = {df}; the 95% CI [{lo}, {hi}] uses Student's t; design effect {deff}.",
        "se_boot": "The SE of the {name}, {se}, is from the {method}: "
        "n_h − 1 PSUs drawn with replacement in each stratum"
        "; df {df}; the 95% CI [{lo}, {hi}] uses Student's t.",
        "psus_clustered": "PSUs are villages for clustered groups and single respondents otherwise",
        "psus_single": "each respondent is a PSU",
        "fpc": ", with a finite population correction from each stratum's population count",
        "fpc_some": ", with a finite population correction for the strata whose population count is "
        "known ({strata}; the other strata have none and are taken as drawn with replacement)",
        "fpc_count": "{name}: {population} units",
        "cell": "{name}: {score} (n = {n}, SE {se}, {method})",
        "suppressed": "{name}: {n} counted respondents, fewer than {min_cell}: score not shown",
        "suppressed_one": "{name}: {n} counted respondent, fewer than {min_cell}: score not shown",
        "within": "respondents within the village taken as a simple random sample",
        "alpha": "Cronbach's alpha = {alpha} ({n} respondents with every item counted; 95% CI [{lo}, {hi}], "
        "Feldt's method)",
        "alpha_few": "; the interval reaches below 0: too few respondents for alpha to say whether the "
        "items' answers agree",
        "alpha_weak": "; the interval reaches below 0 and stays under 0.7: the items' answers hardly agree "
        "(alpha is not significantly above 0)",
        "alpha_one_item": "Cronbach's alpha: only one item, so none (alpha compares the items' answers)",
        "alpha_too_few": "Cronbach's alpha: only {n} respondents with every item counted (an unscored option "
        "or a blank does not count), at least 2 are needed, so none",
        "alpha_too_few_one": "Cronbach's alpha: only {n} respondent with every item counted (an unscored option "
        "or a blank does not count), at least 2 are needed, so none",
        "alpha_no_answer": "; items with no counted answer: {items}",
        "alpha_no_variance": "Cronbach's alpha: the {n} respondents with every item counted all have the same "
        "total, so none",
        "list": ", ",
    },
}


def _texts(lang: str) -> dict:
    return TEXT["en" if lang == "en" else "zh"]


def _counted(t: dict[str, str], key: str, n: int) -> str:
    """The text for a count of n: its "_one" form (English singular) for 1 where it has one."""
    return t.get(f"{key}_one", t[key]) if n == 1 else t[key]


def f2(x) -> str:
    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else rounded(x)


def pts(x: float) -> str:
    return f"{x:g}"


def explain(
    result: ScoreResult, names: dict[str, str] | None = None, lang: str = "zh"
) -> list[dict[str, str]]:
    t = _texts(lang)
    names = names or {}

    def label(code: str) -> str:  # the name, its code set apart: 收入（income）, Income (income)
        return t["named"].format(name=names[code], code=code) if code in names else code

    points = result.scheme["option_points"]
    out: list[dict[str, str]] = []
    for item in result.items:
        name = label(item.code)
        if math.isnan(item.score):
            out.append({"figure": f"item:{item.code}", "text": t["no_score"].format(name=name)})
            continue
        if item.group_scores is not None:
            gw = result.scheme["group_weights"]
            present = {g: s for g, s in item.group_scores.items() if s is None or not math.isnan(s)}

            def shown(group: str, score: float | None) -> str:  # a withheld mean says why, not what
                if score is None:
                    return t["withheld"].format(name=label(group), min_cell=result.scheme["min_cell"])
                return f2(score)

            terms = " + ".join(f"{pts(gw[g])}×{shown(g, s)}" for g, s in present.items())
            total = sum(gw[g] for g in present)
            text = t["groups"].format(name=name, terms=f"({terms})/{pts(total)}", value=f2(item.score))
        else:
            terms = " + ".join(
                f"{n}×{pts(points[o])}" for o, n in item.distribution.items() if points.get(o) is not None
            )
            text = f"{name} = ({terms})/{item.n} = {f2(item.score)}"
        notes = [
            t["answered"].format(n=n, option=names.get(o, o))
            for o, n in item.distribution.items()
            if points.get(o) is None and n
        ]
        if item.blank:
            notes.append(t["blank"].format(n=item.blank))
        if notes:  # one bracket: （4 人答“不了解”、4 人未作答，不计入）, not two in a row
            text += t["left_out"].format(parts=t["left_out_and"].join(notes))
        out.append({"figure": f"item:{item.code}", "text": text})

    for dim in result.dimensions:
        members = [i for i in result.items if i.dimension == dim.code and not math.isnan(i.score)]
        if not members:
            out.append(
                {"figure": f"dimension:{dim.code}", "text": t["no_score"].format(name=label(dim.code))}
            )
            continue
        if len({i.weight for i in members}) == 1:
            terms = " + ".join(f2(i.score) for i in members)
            denominator = str(len(members))
        else:
            terms = " + ".join(f"{pts(i.weight)}×{f2(i.score)}" for i in members)
            denominator = pts(sum(i.weight for i in members))
        out.append(
            {
                "figure": f"dimension:{dim.code}",
                "text": f"{label(dim.code)} = ({terms})/{denominator} = {f2(dim.score)}",
            }
        )

    c = result.composite
    present = [d for d in result.dimensions if not math.isnan(d.score)]
    if present:
        terms = " + ".join(f"{d.weight:.4g}×{f2(d.score)}" for d in present)
        out.append({"figure": "composite", "text": f"{t['composite']} = {terms} = {f2(c.score)}"})
    else:  # no dimension has a counted answer (no responses yet): not "综合满意度 =  = —"
        out.append({"figure": "composite", "text": t["no_composite"]})
    out.append({"figure": "composite:se", "text": _se_sentence(result, t, label)})

    for key in ("by_village", "by_group", "by_age_band", "by_village_group"):
        for cell in getattr(result, key):
            out.append({"figure": f"{key}:{cell.code}", "text": _cell_sentence(cell, label, t, result)})
    out.append({"figure": "reliability", "text": _alpha_sentence(result, t, label)})
    return out


ALPHA_ACCEPTABLE = 0.7  # the α usually asked of a scale (Nunnally)


def alpha_caution(reliability: Mapping) -> str | None:
    """What the derivation, the page and the PDF say when α's Feldt interval (a score document's
    `reliability`, or one dimension's) reaches below 0, or None when it does not.

    "few": the interval also reaches ALPHA_ACCEPTABLE, so the respondents are too few to tell a
    useless α from a good one (城关街道's 0.40 from four). "weak": it stays under it, so α is low
    whatever more respondents would add (0.17 from 88: "too few respondents" was wrong there)."""
    interval = reliability.get("ci95")
    if not interval or interval[0] is None or interval[0] >= 0:
        return None
    return "few" if interval[1] >= ALPHA_ACCEPTABLE else "weak"


def _alpha_sentence(result: ScoreResult, t: dict[str, str], label) -> str:
    """α and how many it rests on or, when there is none, why (not "α = —" left to be guessed)."""
    alpha, n = result.reliability.get("cronbach_alpha"), result.reliability.get("n")
    if alpha is not None and not math.isnan(alpha):
        lo, hi = result.reliability.get("ci95") or (None, None)
        caution = alpha_caution(result.reliability)
        said = t[f"alpha_{caution}"] if caution else ""
        return t["alpha"].format(alpha=f2(alpha), n=n, lo=f2(lo), hi=f2(hi)) + said
    if result.reliability.get("k", len(result.items)) < 2:
        return t["alpha_one_item"]
    if n is None or n < 2:
        unanswered = [label(i.code) for i in result.items if math.isnan(i.score)]
        why = t["alpha_no_answer"].format(items=t["list"].join(unanswered)) if unanswered else ""
        return _counted(t, "alpha_too_few", n or 0).format(n=n or 0) + why
    return t["alpha_no_variance"].format(n=n)


def _se_sentence(result: ScoreResult, t: dict[str, str], label) -> str:
    c = result.composite
    counted = [s for s in result.design["strata"] if s["population"] is not None]
    if counted and len(counted) < len(result.design["strata"]):  # which: "各层" would be wrong
        strata = t["list"].join(
            t["fpc_count"].format(name=label(s["group"]), population=s["population"]) for s in counted
        )
        fpc = t["fpc_some"].format(strata=strata)
    else:
        fpc = t["fpc"] if counted else ""
    # Villages named only where a group was sampled in them (a bureau's survey of firms has none).
    clustered = any(s.get("psu_is") == "village" for s in result.design["strata"])
    fields = dict(
        name=t["composite_of"],
        se=f2(c.se),
        df=c.df,
        lo=f2(c.ci95[0] if c.ci95 else None),
        hi=f2(c.ci95[1] if c.ci95 else None),
        deff=f2(c.deff),
        method=method_name(c.method, t),
        fpc=fpc,
        psus=t["psus_clustered"] if clustered else t["psus_single"],
    )
    return (t["se_boot"] if c.method.startswith("bootstrap") else t["se_taylor"]).format(**fields)


def _cell_sentence(cell: Cell, label, t, result: ScoreResult) -> str:
    name = label(cell.village) + "|" + label(cell.group) if cell.village and cell.group else label(cell.code)
    if cell.suppressed:
        return _counted(t, "suppressed", cell.n).format(
            name=name, n=cell.n, min_cell=result.scheme["min_cell"]
        )
    method = t["within"] if cell.method == "srs_within_village" else method_name(cell.method, t)
    return t["cell"].format(name=name, score=f2(cell.score), n=cell.n, se=f2(cell.se), method=method)


def method_name(method: str, t: dict[str, str]) -> str:
    """The SE method as the document names it ("taylor", "bootstrap (Rao–Wu, R=500)") in words of
    the text's language."""
    if method == "taylor":
        return t["method_taylor"]
    if method.startswith("bootstrap"):
        return t["method_bootstrap"] + method.removeprefix("bootstrap").translate(t["brackets"])
    return method


def method_in(method: str, lang: str = "zh") -> str:
    """The SE method in words of the asked language ("zh" or "en"), as the derivations name it."""
    return method_name(method, _texts(lang))


def has_chinese(text: str) -> bool:
    """Whether the text holds a Chinese character (CJK Unified Ideographs)."""
    return any("\u4e00" <= c <= "\u9fff" for c in text)


# A Chinese run: from a Chinese character (has_chinese's range), or the digits written onto one
# ("18–44岁"), to the last Chinese character, full-width punctuation or digit after it; the
# spaces and ASCII punctuation of an English sentence end it.
_CHINESE_RUN = re.compile("[0-9.–-]*[\u4e00-\u9fff][0-9–\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]*")


def chinese_runs(text: str) -> list[tuple[str, bool]]:
    """The text cut into its Chinese runs and what lies between, in order: (part, is Chinese).

    An English derivation names a survey's parts in Chinese where they have no English ("道路
    (roads) = …"); a page marks only those runs as Chinese, not the sentence around them.
    """
    parts: list[tuple[str, bool]] = []
    end = 0
    for run in _CHINESE_RUN.finditer(text):
        if run.start() > end:
            parts.append((text[end : run.start()], False))
        parts.append((run.group(), True))
        end = run.end()
    if end < len(text):
        parts.append((text[end:], False))
    return parts


def _warning_parts(warning: str) -> tuple[str, str] | None:
    """(Chinese, English) of a warning written "中文（English）", or None for one in one language."""
    if not warning.endswith("）") or "（" not in warning:
        return None
    chinese, _, english = warning[:-1].rpartition("（")
    if not chinese or not english or has_chinese(english):
        return None
    return chinese, english


def warning_text(warning: str, lang: str = "zh") -> str:
    """One warning as the score document in the asked language carries it.

    The engine writes its warnings "中文（English）" (stats/summaries.py), so that one list serves
    both; English wants only the part in brackets. The Chinese document keeps both, as it always
    has (scripts may read either). A warning in one language only is returned as it is. What a
    reader sees (the page, the PDF, the XLSX, the text report) is `warning_shown`.
    """
    parts = _warning_parts(warning)
    return parts[1] if lang == "en" and parts else warning


def warning_shown(warning: str, lang: str = "zh") -> str:
    """One warning for a reader, in the asked language only (not "中文（English）")."""
    parts = _warning_parts(warning)
    if parts is None:
        return warning
    return parts[1] if lang == "en" else parts[0]


# How the engine's warnings name a part (stats/summaries.py, stats/scoring.py): 群体“staff”,
# group 'staff'; and the figures whose confidence interval was cut, after the sentence's colon.
_PART_ZH = {"群体": "group", "题目": "item", "维度": "dimension"}
_PART_EN = ("group", "item", "dimension")
_CODED_ZH = re.compile("(" + "|".join(_PART_ZH) + ")“([^”]+)”")
_CODED_EN = re.compile(r"\b(" + "|".join(_PART_EN) + r") '([^']+)'")
_CUT = {"zh": ("已截断至该范围：", "、"), "en": ("were cut at its ends: ", ", ")}
_FIGURE_KIND = {
    "dimension": ("维度", "dimension", "dimension"),
    "item": ("题目", "item", "item"),
    "by_village": ("村", "village", "village"),
    "by_group": ("群体", "group", "group"),
    "by_age_band": ("年龄段", "age band", "age_band"),
}


def sentence(document: Mapping, figure: str) -> str:
    """The derivation's sentence for one figure of a score document ("" where it has none)."""
    return next((e["text"] for e in document.get("explain") or [] if e["figure"] == figure), "")


def figure_named(figure: str, names: Mapping[str, Mapping[str, str]], lang: str = "zh") -> str:
    """A figure of the score document as a reader knows it: "item:water" → 题目“饮水安全”
    (English: item “Drinking water”), "by_village_group:east|villager" → 东村 · 村民,
    "composite" → 综合满意度. A code without a name stays as it is."""
    en = lang == "en"
    if figure == "composite":
        return "the composite" if en else "综合满意度"
    kind, _, code = figure.partition(":")
    if kind == "by_village_group" and "|" in code:
        village, _, group = code.partition("|")
        return (
            f"{names.get('village', {}).get(village, village)} · {names.get('group', {}).get(group, group)}"
        )
    if kind not in _FIGURE_KIND or not code:
        return figure
    zh, english, names_kind = _FIGURE_KIND[kind]
    name = names.get(names_kind, {}).get(code, code)
    return f"{english} “{name}”" if en else f"{zh}“{name}”"


def warning_named(warning: str, names: Mapping[str, Mapping[str, str]], lang: str = "zh") -> str:
    """A warning of the engine with the parts it names by code named as readers know them, in the
    part of the sentence written in `lang` (whose names `names` holds, kind → code → name): a
    Chinese document's warning keeps its English part as the engine wrote it, an English
    document's warning is its English part alone (as `warning_text` gives it)."""
    parts = _warning_parts(warning)
    en = lang == "en"
    sentence = (parts[1] if en else parts[0]) if parts else warning

    def part(match: re.Match) -> str:
        kind = match.group(1)
        code = match.group(2)
        name = names.get(kind if en else _PART_ZH[kind], {}).get(code)
        if name is None:
            return match.group(0)
        return f"{kind} “{name}”" if en else f"{kind}“{name}”"

    sentence = (_CODED_EN if en else _CODED_ZH).sub(part, sentence)
    lead, joiner = _CUT["en" if en else "zh"]
    before, found, listed = sentence.rpartition(lead)
    if found:  # the figures cut: "a、b、c…" / "a, b, c, …"
        figures = [f.strip() for f in listed.split(joiner.strip())]
        more = any(f.endswith("…") for f in figures)
        figures = [f.removesuffix("…") for f in figures if f.removesuffix("…")]
        shown = joiner.join(figure_named(f, names, lang) for f in figures)
        sentence = before + found + shown + ((joiner if en else "") + "…" if more else "")
    if en or not parts:
        return sentence
    return f"{sentence}（{parts[1]}）"


def render_text(
    result: ScoreResult,
    names: dict[str, str] | None = None,
    lang: str = "zh",
    part_names: Mapping[str, Mapping[str, str]] | None = None,
) -> str:
    """A readable report: headline figures, then every derivation line, then warnings."""
    c = result.composite
    lo, hi = c.ci95 or (None, None)
    method = method_name(c.method, _texts(lang))
    if lang == "en":
        headline = (
            f"Composite: {f2(c.score)}  (SE {f2(c.se)}, 95% CI [{f2(lo)}, {f2(hi)}], n = {c.n}, {method})"
        )
    else:
        headline = f"综合满意度：{f2(c.score)}（标准误 {f2(c.se)}，95% 置信区间 [{f2(lo)}, {f2(hi)}]，n = {c.n}，{method}）"
    lines = [headline, ""]
    lines += [e["text"] for e in explain(result, names, lang)]
    if result.warnings:
        lines += ["", "注意：" if lang != "en" else "Warnings:"]
        named = [warning_named(w, part_names, lang) if part_names else w for w in result.warnings]
        lines += [f"- {warning_shown(w, lang)}" for w in named]
    return "\n".join(lines) + "\n"
