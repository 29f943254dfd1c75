"""Year over year, as the evaluator page shows it and as its Excel download gives it.

Each side is the score document its own page shows (frozen where published); the differences,
their standard errors (two independent samples) and 95% CIs are stats.compare_documents'.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from openpyxl import Workbook
from openpyxl.drawing.image import Image as SheetImage
from openpyxl.styles import Alignment, Font, PatternFill

from stats import charts
from stats.compare import compare_documents, same_scoring
from surveys.localized import localized
from surveys.models import Survey
from surveys.reports.data import report_language
from surveys.reports.xlsx import fit_widths, put_cell

HEADER_FILL = PatternFill("solid", fgColor="DDE4EC")
NOTE = Font(italic=True, color="666666", size=9)
WARN = Font(bold=True, color="9C2A00")


@dataclass(frozen=True)
class ComparedRow:
    name: str
    kind: str  # "composite", "dimension" or "item"
    row: dict  # stats.compare's: code, a, b, difference, se, ci95
    significant: bool  # the 95% interval of the difference keeps on one side of 0


@dataclass(frozen=True)
class ComparisonTable:
    rows: list[ComparedRow]
    same_scoring: bool
    unshared: int  # dimensions and items only one side has: not compared


def comparison_table(base_document: dict, document: dict) -> ComparisonTable:
    """`document` − `base_document`, named as `document` names its dimensions and items."""
    comparison = compare_documents(base_document, document).to_dict()
    names = {kind: {x["code"]: x["name"] for x in document[kind]} for kind in ("dimensions", "items")}
    rows = [
        (_("综合满意度"), "composite", comparison["composite"]),
        *((names["dimensions"][d["code"]], "dimension", d) for d in comparison["dimensions"]),
        *((names["items"][i["code"]], "item", i) for i in comparison["items"]),
    ]
    return ComparisonTable(
        rows=[
            ComparedRow(name, kind, row, bool(row["ci95"]) and (row["ci95"][0] > 0 or row["ci95"][1] < 0))
            for name, kind, row in rows
        ],
        same_scoring=same_scoring(base_document, document),
        unshared=sum(
            len(codes)
            for side in (comparison["only_in_a"], comparison["only_in_b"])
            for codes in side.values()
        ),
    )


def changes_chart_document(table: ComparisonTable, base: Survey, language: str) -> dict:
    """What stats.charts.score_changes draws: each compared figure's difference and interval."""
    return {
        "language": language,
        "base": localized(base, english=language == "en"),
        "rows": [
            {
                "name": r.name,
                "kind": r.kind,
                "difference": r.row["difference"],
                "ci95": r.row["ci95"],
                "significant": r.significant,
            }
            for r in table.rows
        ],
    }


def comparison_xlsx(survey: Survey, base: Survey, table: ComparisonTable) -> bytes:
    """The comparison as one sheet: what is compared and how, then a row per figure, numbers as
    numbers (two decimals shown, full precision kept)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("比较")
    this, before = f"{localized(survey)}（{survey.year}）", f"{localized(base)}（{base.year}）"
    notes = [
        (_("%(this)s 与 %(base)s 比较") % {"this": this, "base": before}, Font(bold=True, size=12)),
        (
            # The page's sentence (its msgid, "%%" for "%").
            _(
                "差值 = 本调查 − %(base)s。两期为独立样本：差值的标准误 = √(se₁² + se₂²)，"
                "95%% 置信区间 = 差值 ± 1.96 × 标准误；区间不含 0 的变化标为“显著”。"
            )
            % {"base": before}
            + " "
            + _("已发布的调查用发布时冻结的得分。"),
            NOTE,
        ),
    ]
    if not table.same_scoring:
        notes.append(
            (
                _(
                    "两项调查的计分方案（选项分值或权重）不同：差值有一部分来自方案的变化，而不只是受访者评价的变化。"
                ),
                WARN,
            )
        )
    if table.unshared:
        notes.append(
            (
                ngettext(
                    "另有 %(n)d 个维度或题目只在其中一项调查中出现，未比较。",
                    "另有 %(n)d 个维度或题目只在其中一项调查中出现，未比较。",
                    table.unshared,
                )
                % {"n": table.unshared},
                NOTE,
            )
        )
    notes.append((_("生成时间：%(at)s") % {"at": timezone.localtime().strftime("%Y-%m-%d %H:%M")}, NOTE))
    for r, (text, font) in enumerate(notes, start=1):
        put_cell(sheet, r, 1, text).font = font
    headers = [
        _("类别"),
        _("代码"),
        _("名称"),
        _("基期（%(year)s）") % {"year": base.year},  # the surveys are named in full above
        _("本期（%(year)s）") % {"year": survey.year},
        pgettext("比较表", "差值"),
        _("标准误"),
        _("95%% 置信区间下限") % {},
        _("95%% 置信区间上限") % {},
        _("显著"),
    ]
    first = len(notes) + 2
    for c, header in enumerate(headers, start=1):
        cell = put_cell(sheet, first, c, header)
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    kinds = {"composite": _("综合"), "dimension": _("维度"), "item": _("题目")}
    values = []
    for compared in table.rows:
        row = compared.row
        low, high = row["ci95"] or (None, None)
        values.append(
            [
                kinds[compared.kind],
                row["code"],
                compared.name,
                row["a"],
                row["b"],
                row["difference"],
                row["se"],
                low,
                high,
                _("是") if compared.significant else "",
            ]
        )
    for r, (compared, line) in enumerate(zip(table.rows, values, strict=True), start=first + 1):
        for c, value in enumerate(line, start=1):
            cell = put_cell(sheet, r, c, value)
            if isinstance(value, int | float) and not isinstance(value, bool):
                cell.number_format = "+0.00;-0.00;0.00" if c == 6 else "0.00"
        if compared.kind != "item":  # the composite and the dimensions stand out from the items
            sheet.cell(row=r, column=3).font = Font(bold=True)
    fit_widths(sheet, headers, values, cap=40)
    sheet.freeze_panes = sheet.cell(row=first + 1, column=4)
    # The page's chart of the differences under the table, at 100 dpi's size (7 in: 700 px wide).
    figure = charts.score_changes(changes_chart_document(table, base, report_language()))
    picture = SheetImage(io.BytesIO(charts.render(figure)))
    picture.width, picture.height = picture.width * 2 // 3, picture.height * 2 // 3  # 150 dpi → 100
    sheet.add_image(picture, f"A{first + len(values) + 3}")
    workbook.properties.title = _("%(this)s 与 %(base)s 比较") % {"this": this, "base": before}
    workbook.properties.creator = _("满意度")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
