"""The report's tables as plain rows, shared by the XLSX, CSV and PDF renderers.

Each table is a title, column headers, a number format per column (None for text) and rows of
plain Python values: floats stay floats (full precision; people see two decimals), a missing
or suppressed figure is None.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from surveys.reports.data import ReportData

SCORE = "0.00"
COUNT = "0"
WEIGHT = "0.000"


@dataclass(frozen=True)
class Table:
    key: str  # machine name (CSV "table" column)
    title: str  # sheet name / heading
    headers: list[str]
    formats: list[str | None]
    rows: list[list]


def _ci(cell: dict, side: int):
    ci = cell.get("ci95")
    return None if not ci else ci[side]


def _estimate(cell: dict) -> list:
    suppressed = bool(cell.get("suppressed"))
    if suppressed:
        return [None, None, None, None, None]
    return [cell.get("score"), cell.get("se"), _ci(cell, 0), _ci(cell, 1), cell.get("deff")]


ESTIMATE_HEADERS = ["得分", "标准误", "95%置信区间下限", "95%置信区间上限", "设计效应"]
ESTIMATE_FORMATS = [SCORE, SCORE, SCORE, SCORE, SCORE]
# The summary is label → value; these labels' values are figures with a number format.
SUMMARY_FORMATS = {
    "综合满意度": SCORE,
    "标准误": SCORE,
    "95%置信区间下限": SCORE,
    "95%置信区间上限": SCORE,
    "设计效应": SCORE,
    "克朗巴赫 α": "0.000",
}


def summary(data: ReportData) -> Table:
    doc, sample, composite = data.document, data.sample, data.document["composite"]
    survey = data.survey
    rows = [
        ["调查", survey.title],
        ["调查代码", survey.slug],
        ["被评价单位", survey.organisation],
        ["年度", survey.year],
        ["状态", survey.get_status_display()],
        ["综合满意度", composite["score"]],
        ["标准误", composite.get("se")],
        ["95%置信区间下限", _ci(composite, 0)],
        ["95%置信区间上限", _ci(composite, 1)],
        ["自由度", composite.get("df")],
        ["设计效应", composite.get("deff")],
        ["标准误方法", "泰勒线性化" if composite.get("method") == "taylor" else composite.get("method")],
        ["计划样本量（配额合计）", sample.planned],
        ["邀请链接数", sample.invitations],
        ["回收答卷", sample.returned],
        ["有效答卷（计入得分）", sample.valid],
        ["剔除答卷", sample.excluded],
        ["其中合成演示数据", sample.synthetic],
        ["克朗巴赫 α", doc["reliability"].get("cronbach_alpha")],
        ["计分方案摘要", data.scheme_digest],
        ["数据摘要（SHA-256）", data.data_hash],
        ["生成时间", timezone.localtime(data.generated_at).strftime("%Y-%m-%d %H:%M:%S")],
    ]
    return Table("summary", "汇总", ["项目", "数值"], [None, None], rows)


def dimensions(data: ReportData) -> Table:
    rows = [
        [d["code"], d["name"], d.get("weight"), d.get("n"), *_estimate(d)]
        for d in data.document["dimensions"]
    ]
    return Table(
        "dimension",
        "维度",
        ["代码", "维度", "权重", "样本数", *ESTIMATE_HEADERS],
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
        "题目",
        ["代码", "题目", "维度", "维度内权重", "综合权重", "计分人数", *ESTIMATE_HEADERS]
        + [f"{o['name']}（人）" for o in options]
        + ["未作答（人）", "校正题总相关", "删除该题后α"],
        [None, None, None, WEIGHT, WEIGHT, COUNT, *ESTIMATE_FORMATS]
        + [COUNT] * len(options)
        + [COUNT, "0.000", "0.000"],
        rows,
    )


def _breakdown(data: ReportData, key: str, title: str, label: str, *, ranked: bool = False) -> Table:
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
            + [cell["code"], cell["name"], cell.get("n"), *_estimate(cell), "是" if suppressed else "否"]
            + [None if suppressed else by_dim.get(d["code"]) for d in dims]
        )
    return Table(
        key,
        title,
        (["排名"] if ranked else [])
        + ["代码", label, "样本数", *ESTIMATE_HEADERS, "样本不足不公布"]
        + [d["name"] for d in dims],
        ([COUNT] if ranked else []) + [None, None, COUNT, *ESTIMATE_FORMATS, None] + [SCORE] * len(dims),
        rows,
    )


def villages(data: ReportData) -> Table:
    return _breakdown(data, "by_village", "村", "村（社区）", ranked=True)


def groups(data: ReportData) -> Table:
    return _breakdown(data, "by_group", "群体", "受访群体")


def age_bands(data: ReportData) -> Table:
    return _breakdown(data, "by_age_band", "年龄段", "年龄段")


def method_lines(data: ReportData) -> list[tuple[str, str]]:
    """(heading, text) lines: the scheme, then the derivation of every figure, then the hash."""
    doc = data.document
    scheme = doc["scheme"]
    lines: list[tuple[str, str]] = [("标识", data.stamp)]
    for option in data.options:
        points = option["points"]
        lines.append(
            (
                "选项分值",
                f"{option['name']}（{option['code']}）：{'不计分' if points is None else f'{points:g} 分'}",
            )
        )
    for d in doc["dimensions"]:
        lines.append(("维度权重", f"{d['name']}（{d['code']}）：{d['weight']:g}"))
    for code, weight in (scheme.get("item_weights") or {}).items():
        lines.append(
            ("题目权重", f"{data.names['item'].get(code, code)}（{code}）：{weight:g}；未列出的题目权重为 1")
        )
    group_weights = scheme.get("group_weights")
    if group_weights:
        for code, weight in group_weights.items():
            lines.append(("群体权重", f"{data.names['group'].get(code, code)}（{code}）：{weight:g}"))
    else:
        lines.append(("群体权重", "无（各受访者等权）"))
    lines.append(("最小公布样本", f"分组样本少于 {scheme.get('min_cell', 5)} 份时不公布得分"))
    for entry in doc.get("explain") or []:
        lines.append(("计算过程", entry["text"]))
    for warning in doc.get("warnings") or []:
        lines.append(("提示", warning if isinstance(warning, str) else str(warning)))
    lines.append(
        (
            "数据摘要",
            "SHA-256，按合同 §3 的答卷 CSV 计算：表头一行，加上所有计入得分的答卷各一行（按 response_id 排序，"
            "格式与 export_responses 导出相同，每行以换行结尾）。",
        )
    )
    return lines


def all_tables(data: ReportData) -> list[Table]:
    return [dimensions(data), items(data), villages(data), groups(data), age_bands(data)]
