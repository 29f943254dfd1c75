"""The report's tables as plain rows, shared by the XLSX, CSV and PDF renderers.

Each table is a title, column headers, a number format per column (None for text) and rows of
plain Python values: floats stay floats (full precision; people see two decimals), a missing
or suppressed figure is None.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from stats.explain import alpha_caution, method_in, sentence, warning_shown
from surveys.reports.data import ReportData, report_language
from surveys.reports.disclosure import WITHHELD

SCORE = "0.00"
COUNT = "0"
WEIGHT = "0.000"


@dataclass(frozen=True)
class Table:
    key: str  # machine name (CSV "table" column)
    title: str  # sheet name / heading (translated with the context "表名")
    headers: list[str]
    formats: list[str | None]
    rows: list[list]
    row_formats: list[str | None] | None = None  # the summary's: one number format per row
    empty: str = ""  # said under the headers when there is no row (a survey without villages)


def _ci(cell: dict, side: int):
    ci = cell.get("ci95")
    return None if not ci else ci[side]


def _estimate(cell: dict) -> list:
    suppressed = bool(cell.get("suppressed"))
    if suppressed:
        return [None, None, None, None, None]
    return [cell.get("score"), cell.get("se"), _ci(cell, 0), _ci(cell, 1), cell.get("deff")]


def estimate_headers() -> list[str]:
    return [_("得分"), _("标准误"), _("95%置信区间下限"), _("95%置信区间上限"), _("设计效应")]


ESTIMATE_FORMATS = [SCORE, SCORE, SCORE, SCORE, SCORE]


def method_name(method: str | None) -> str:
    """The SE method in the report's language, in the derivation texts' words."""
    return method_in(method, report_language()) if method else ""


def publication(data: ReportData) -> str:
    """Whether the figures are the frozen ones, as the PDF's cover and footer say (the XLSX said
    only 收集中 or 已截止, and a reader copying its composite was not told it may still change)."""
    if data.published and data.survey.published_at:
        when = timezone.localtime(data.survey.published_at).strftime("%Y-%m-%d %H:%M")
        return _("已发布（%(when)s），数字已冻结") % {"when": when}
    return _("尚未发布：数字会随答卷变化")


def _alpha(doc: dict) -> float | str | None:
    alpha = doc["reliability"].get("cronbach_alpha")
    return alpha if alpha is not None else sentence(doc, "reliability") or None


def _alpha_ci(doc: dict, end: int) -> float | None:
    interval = doc["reliability"].get("ci95")
    return interval[end] if interval else None


def summary(data: ReportData) -> Table:
    doc, sample, composite = data.document, data.sample, data.document["composite"]
    survey = data.survey
    # (label, value, number format of the value)
    lines = [
        (_("调查"), data.title, None),
        (_("调查代码"), survey.slug, None),
        (_("被评价单位"), data.organisation, None),
        (_("年度"), survey.year, None),
        (_("状态"), survey.get_status_display(), None),
        (_("发布状态"), publication(data), None),
        (_("综合满意度"), composite["score"], SCORE),
        (_("标准误"), composite.get("se"), SCORE),
        (_("95%置信区间下限"), _ci(composite, 0), SCORE),
        (_("95%置信区间上限"), _ci(composite, 1), SCORE),
        (_("自由度"), composite.get("df"), None),
        (_("设计效应"), composite.get("deff"), SCORE),
        (_("标准误方法"), method_name(composite.get("method")), None),
        (_("计划样本量（各配额合计；细分配额与其所属配额不重复计）"), sample.planned, None),
        (_("邀请链接数"), sample.invitations, None),
        (_("回收答卷"), sample.returned, None),
        (_("有效答卷（未剔除）"), sample.valid, None),
        (_("计入得分的答卷（至少一题有计分答案）"), composite.get("n"), None),
        (_("剔除答卷"), sample.excluded, None),
        (_("带数据质量标记的答卷"), sample.flagged, None),
        (_("其中剔除"), sample.flagged_excluded, None),
        (_("其中核实后保留"), sample.flagged_kept, None),
        (_("其中未核实、仍计入得分"), sample.flagged_unchecked, None),
        (_("其中合成演示数据"), sample.synthetic, None),
        # Without α, why (too few complete respondents, one item), as the page and the PDF say.
        (_("克朗巴赫 α"), _alpha(doc), "0.000"),
        (_("α 的 95%置信区间下限（Feldt 法）"), _alpha_ci(doc, 0), "0.000"),
        (_("α 的 95%置信区间上限（Feldt 法）"), _alpha_ci(doc, 1), "0.000"),
        (_("计分方案摘要"), data.scheme_digest, None),
        (_("数据摘要（SHA-256）"), data.data_hash, None),
        (_("生成时间"), timezone.localtime(data.generated_at).strftime("%Y-%m-%d %H:%M:%S"), None),
    ]
    return Table(
        "summary",
        _("汇总"),
        [_("项目"), _("数值")],
        [None, None],
        [[label, value] for label, value, _fmt in lines],
        row_formats=[fmt for _label, _value, fmt in lines],
    )


def dimensions(data: ReportData) -> Table:
    rows = [
        [d["code"], d["name"], d.get("weight"), d.get("n"), *_estimate(d)]
        for d in data.document["dimensions"]
    ]
    return Table(
        "dimension",
        pgettext("表名", "维度"),
        [_("代码"), _("维度"), _("权重"), _("样本数"), *estimate_headers()],
        [None, None, WEIGHT, COUNT, *ESTIMATE_FORMATS],
        rows,
    )


def items(data: ReportData) -> Table:
    dims = {d["code"]: d["name"] for d in data.document["dimensions"]}
    reliability = {r["code"]: r for r in data.document["reliability"].get("items") or []}
    options = data.options
    rows = []
    for item in data.document["items"]:
        rel = reliability.get(item["code"], {})
        rows.append(
            [
                item["code"],
                item["name"],
                dims.get(item["dimension"], item["dimension"]),
                item.get("weight"),
                item.get("composite_weight"),
                item.get("n"),
                *_estimate(item),
                *(item["distribution"].get(o["code"], 0) for o in options),
                item.get("blank", 0),
                rel.get("corrected_item_total"),
                rel.get("alpha_if_deleted"),
            ]
        )
    return Table(
        "item",
        pgettext("表名", "题目"),
        [_("代码"), _("题目"), _("维度"), _("维度内权重"), _("综合权重"), _("计分人数"), *estimate_headers()]
        + [_("%(option)s（人）") % {"option": o["name"]} for o in options]
        + [_("未作答（人）"), _("校正题总相关"), _("删除该题后α")],
        [None, None, None, WEIGHT, WEIGHT, COUNT, *ESTIMATE_FORMATS]
        + [COUNT] * len(options)
        + [COUNT, "0.000", "0.000"],
        rows,
    )


def dimension_alpha_cautions(document: dict) -> str:
    """The dimensions whose α interval reaches below 0, each with what that means (too few
    respondents to tell, or items that hardly agree: stats.explain.alpha_caution), as one
    sentence for under the table of α by dimension; "" when there are none."""
    per_dimension = document["reliability"].get("dimensions") or {}
    why = {"few": _("受访者太少，α 说明不了"), "weak": _("各题的回答几乎不一致")}
    named = []
    for dimension in document["dimensions"]:
        caution = alpha_caution(per_dimension.get(dimension["code"]) or {})
        if caution:
            named.append(_("%(name)s（%(why)s）") % {"name": dimension["name"], "why": why[caution]})
    return _("区间下限低于 0 的维度：%(list)s。") % {"list": _("、").join(named)} if named else ""


def reliability(data: ReportData) -> Table:
    """Cronbach's α of all the items, then of each dimension's (as Chinese survey reports give 总量表及
    各维度的 α), each with its Feldt interval; a dimension of one item has none (α compares items)."""
    reliability = data.document["reliability"]
    per_dimension = reliability.get("dimensions") or {}

    def row(code: str, name: str, entry: dict) -> list:
        interval = entry.get("ci95") or (None, None)
        return [code, name, entry.get("k"), entry.get("n"), entry.get("cronbach_alpha"), *interval]

    rows = [row("", _("全部题目"), reliability)]
    rows += [
        row(d["code"], d["name"], per_dimension[d["code"]])
        for d in data.document["dimensions"]
        if d["code"] in per_dimension
    ]
    return Table(
        "reliability",
        pgettext("表名", "信度"),
        [
            _("代码"),
            _("量表"),
            _("题数"),
            _("全部题目都计分的受访者"),
            _("克朗巴赫 α"),
            _("α 的 95%置信区间下限（Feldt 法）"),
            _("α 的 95%置信区间上限（Feldt 法）"),
        ],
        [None, None, COUNT, COUNT, WEIGHT, WEIGHT, WEIGHT],
        rows,
    )


def _breakdown(
    data: ReportData, key: str, title: str, label: str, *, ranked: bool = False, empty: str = ""
) -> Table:
    dims = data.document["dimensions"]
    cells = list(data.document[key])
    if ranked:
        cells.sort(
            key=lambda c: (c.get("suppressed") or c.get("score") is None, -(c.get("score") or 0), c["code"])
        )
    rows = []
    for position, cell in enumerate(cells, start=1):
        suppressed = bool(cell.get("suppressed"))
        by_dim = cell.get("dimensions") or {}
        rows.append(
            ([None if suppressed else position] if ranked else [])
            + [
                cell["code"],
                cell["name"],
                cell.get("n"),
                *_estimate(cell),
                _("是") if suppressed else _("否"),
            ]
            + [None if suppressed else by_dim.get(d["code"]) for d in dims]
        )
    return Table(
        key,
        title,
        ([_("排名")] if ranked else [])
        + [_("代码"), label, _("样本数"), *estimate_headers(), _("样本不足不公布")]
        + [d["name"] for d in dims],
        ([COUNT] if ranked else []) + [None, None, COUNT, *ESTIMATE_FORMATS, None] + [SCORE] * len(dims),
        rows,
        empty=empty,
    )


def villages(data: ReportData) -> Table:
    none = _("本调查没有按村（社区）抽样的受访群体，没有分村得分。")
    return _breakdown(data, "by_village", pgettext("表名", "村"), _("村（社区）"), ranked=True, empty=none)


def groups(data: ReportData) -> Table:
    return _breakdown(data, "by_group", pgettext("表名", "群体"), _("受访群体"))


def age_bands(data: ReportData) -> Table:
    none = _("本调查不分年龄段，没有分年龄段得分。")
    return _breakdown(data, "by_age_band", pgettext("表名", "年龄段"), _("年龄段"), empty=none)


def uncertainty_note() -> str:
    """How the intervals are made, for the PDF's method notes and the XLSX's method sheet."""
    return _(
        "95% 置信区间用 t 分布，自由度为计入该数字的初级抽样单元数减层数（群体、年龄段和各题各按计入自己的答卷"
        "数）；不足两个单元时标准误无法估计，记为“—”；区间超出计分范围的部分截断至范围两端。"
        "计算过程中列出的数值四舍五入到两位小数，结果按未舍入的数值计算，逐项复算时末位可能相差 0.01。"
    )


def method_lines(data: ReportData) -> list[tuple[str, str]]:
    """(heading, text) lines: the scheme, then the derivation of every figure, then the hash."""
    doc = data.document
    scheme = doc["scheme"]
    lines: list[tuple[str, str]] = [(_("标识"), data.stamp)]
    for option in data.options:
        points = option["points"]
        value = _("不计分") if points is None else _("%(points)s 分") % {"points": f"{points:g}"}
        lines.append((_("选项分值"), _named(option["name"], option["code"], value)))
    for d in doc["dimensions"]:  # the scheme's weight (a dimension without a score weighs 0 in use)
        weight = scheme["dimension_weights"].get(d["code"], d["weight"])
        lines.append((_("维度权重"), _named(d["name"], d["code"], f"{weight:g}")))
    for code, weight in (scheme.get("item_weights") or {}).items():
        lines.append(
            (
                _("题目权重"),
                _named(data.names["item"].get(code, code), code, f"{weight:g}") + _("；未列出的题目权重为 1"),
            )
        )
    group_weights = scheme.get("group_weights")
    if group_weights:
        for code, weight in group_weights.items():
            lines.append((_("群体权重"), _named(data.names["group"].get(code, code), code, f"{weight:g}")))
    else:
        lines.append((_("群体权重"), _("无（各受访者等权）")))
    lines.append(
        (_("最小公布样本"), _("分组样本少于 %(n)s 份时不公布得分") % {"n": scheme.get("min_cell", 5)})
    )
    lines.append((_("不确定性"), uncertainty_note()))
    withheld = sum(1 for r in data.responses if WITHHELD in (r.village, r.group, r.age_band))
    lines.append(
        (
            _("原始数据"),
            ngettext(
                "村、受访群体、年龄段的每种组合至少 %(n)s 份答卷（k-匿名）：不足的，隐去其年龄段，必要时连同村、"
                "群体，共 %(withheld)s 份答卷；答案不变，得分与数据摘要按完整数据计算。",
                "村、受访群体、年龄段的每种组合至少 %(n)s 份答卷（k-匿名）：不足的，隐去其年龄段，必要时连同村、"
                "群体，共 %(withheld)s 份答卷；答案不变，得分与数据摘要按完整数据计算。",
                withheld,
            )
            % {"n": scheme.get("min_cell", 5), "withheld": withheld},
        )
    )
    lines.append(
        (
            _("复算"),
            _(
                "“复算”表用公式从“原始数据”表重新算出各题、各维度得分与综合满意度，可在其中改动分值和权重试算。"
            ),
        )
    )
    for entry in doc.get("explain") or []:
        lines.append((_("计算过程"), entry["text"]))
    for warning in doc.get("warnings") or []:
        lines.append((_("提示"), warning_shown(str(warning), report_language())))
    lines.append(
        (
            _("数据摘要"),
            _(
                "SHA-256，按答卷 CSV（表头 response_id,village,group,age_band,submitted_at 与各题代码）计算：表头一行，加上所有计入得分的答卷各一行（按 response_id 排序，"
                "格式与 export_responses 导出相同，每行以换行结尾）。"
                "export_responses --included-only 正好导出这些答卷。"
            ),
        )
    )
    return lines


def _named(name: str, code: str, value: str) -> str:
    """ "name（code）：value", with the punctuation of the active language."""
    return _("%(name)s（%(code)s）：%(value)s") % {"name": name, "code": code, "value": value}


def all_tables(data: ReportData) -> list[Table]:
    return [dimensions(data), items(data), villages(data), groups(data), age_bands(data), reliability(data)]
