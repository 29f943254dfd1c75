"""Year over year, as the evaluator page shows it and as its Excel and PDF downloads give it.

Each side is the score document its own page shows (frozen where published); the differences,
their standard errors (two independent samples) and 95% CIs are stats.compare_documents'.
"""

from __future__ import annotations

import dataclasses
import io
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from fpdf.enums import XPos, YPos
from openpyxl import Workbook
from openpyxl.drawing.image import Image as SheetImage
from openpyxl.styles import Alignment, Font

from stats import charts
from stats.compare import compare_documents, same_scoring
from stats.explain import f2
from stats.text import interval, rounded, signed
from surveys.localized import localized, organisation
from surveys.models import Response, Survey
from surveys.reports.data import report_language
from surveys.reports.pdf import FONT, MUTED, Document
from surveys.reports.xlsx import HEADER_FILL, NOTE, fit_widths, put_cell

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


def _named(survey: Survey) -> str:
    """The survey's name and year: "…调查（2020）", "… survey (2020)"."""
    return _("%(name)s（%(year)s）") % {"name": localized(survey), "year": survey.year}


def _synthetic(survey: Survey) -> int:
    """The survey's counted responses that are synthetic demo data."""
    return Response.objects.filter(survey=survey, excluded=False, source=Response.Source.SYNTHETIC).count()


def _title(survey: Survey, base: Survey) -> str:
    return _("%(this)s 与 %(base)s 比较") % {"this": _named(survey), "base": _named(base)}


def _notes(survey: Survey, base: Survey, table: ComparisonTable) -> list[tuple[str, str]]:
    """What the comparison's downloads say under their title, each with its kind ("synthetic",
    "warning" or "note"): synthetic responses on either side, how the differences are worked
    out, whether the schemes differ; what is not compared."""
    notes = [
        (
            ngettext(
                "注意：%(survey)s 有 %(n)s 份答卷为合成演示数据，并非真实调查结果，不能用于绩效评价。",
                "注意：%(survey)s 有 %(n)s 份答卷为合成演示数据，并非真实调查结果，不能用于绩效评价。",
                n,
            )
            % {"survey": _named(side), "n": n},
            "synthetic",
        )
        for side in (survey, base)
        if (n := _synthetic(side))
    ]
    notes += [
        (
            # The page's sentence (its msgid, "%%" for "%").
            _(
                "差值 = 本调查 − %(base)s。两期为独立样本：差值的标准误 = √(se₁² + se₂²)，"
                "95%% 置信区间 = 差值 ± 1.96 × 标准误；区间不含 0 的变化标为“显著”。"
            )
            % {"base": _named(base)}
            + " "
            + _("已发布的调查用发布时冻结的得分。"),
            "note",
        )
    ]
    if not table.same_scoring:
        notes.append(
            (
                _(
                    "两项调查的计分方案（选项分值或权重）不同：差值有一部分来自方案的变化，而不只是受访者评价的变化。"
                ),
                "warning",
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
                "note",
            )
        )
    return notes


def comparison_xlsx(survey: Survey, base: Survey, table: ComparisonTable) -> bytes:
    """The comparison as one sheet: what is compared and how, then a row per figure, numbers as
    numbers (two decimals shown, full precision kept)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("比较")
    notes = [(_title(survey, base), Font(bold=True, size=12))]
    notes += [(text, NOTE if kind == "note" else WARN) for text, kind in _notes(survey, base, table)]
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
    workbook.properties.title = _title(survey, base)
    workbook.properties.creator = _("满意度")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _headline(survey: Survey, base: Survey, table: ComparisonTable) -> list[str]:
    """The sentences a report writer copies: the composite's change and whether the interval shows
    one, then which dimensions and items changed beyond their intervals."""
    composite = table.rows[0].row
    if composite["difference"] is None:
        sentences = [_("综合满意度无法比较：其中一项调查没有综合得分。")]
    else:
        figures = {
            "a": rounded(composite["a"]),
            "b": rounded(composite["b"]),
            "base_year": base.year,
            "year": survey.year,
            "d": signed(composite["difference"]),
        }
        if composite["ci95"] is None:  # a side without a standard error (one primary sampling unit)
            sentences = [
                _(
                    "综合满意度：基期 %(a)s 分（%(base_year)s），本期 %(b)s 分（%(year)s），差值 %(d)s 分；"
                    "其中一期没有标准误，说不出这一差值是否超出抽样误差。"
                )
                % figures
            ]
        else:
            low, high = composite["ci95"]
            sentences = [
                _(
                    "综合满意度：基期 %(a)s 分（%(base_year)s），本期 %(b)s 分（%(year)s），差值 %(d)s 分，"
                    "95%% 置信区间 %(low)s 至 %(high)s。"
                )
                % {**figures, "low": rounded(low), "high": rounded(high)},
                _("区间不含 0：变化显著。")
                if table.rows[0].significant
                else _("区间含 0：这一差值可能只是抽样误差，不能据此认为满意度有变化。"),
            ]
    parts = table.rows[1:]
    changed = [r for r in parts if r.significant]
    if changed:
        listed = _("、").join(
            _("%(name)s %(d)s") % {"name": r.name, "d": signed(r.row["difference"])} for r in changed
        )
        sentences.append(_("区间不含 0 的维度与题目：%(list)s。") % {"list": listed})
    elif parts and all(r.row["ci95"] for r in parts):
        sentences.append(_("各维度与各题的差值，区间都含 0。"))
    elif any(r.row["ci95"] for r in parts):
        sentences.append(_("有置信区间的维度与题目，区间都含 0；其余没有标准误。"))
    # (none with an interval: nothing to say of them beyond what the table's dashes show)
    return sentences


class _ComparisonPdf(Document):
    def __init__(self, survey: Survey, base: Survey, text: str):
        self.survey, self.base = survey, base
        self.generated_at = timezone.now()
        super().__init__(
            language=report_language(),
            text=text,
            title=_title(survey, base),
            subject=_title(survey, base),
            author=organisation(survey),
            created=self.generated_at,
        )

    def footer_line(self) -> str:
        return _("%(this)s 与 %(base)s 比较") % {"this": self.survey.slug, "base": self.base.slug} + (
            " · " + timezone.localtime(self.generated_at).strftime("%Y-%m-%d %H:%M")
        )


def _status(survey: Survey) -> str:
    if survey.status == Survey.Status.PUBLISHED:
        return _("已发布")
    return _("未发布，数字可能变化")


def comparison_pdf(survey: Survey, base: Survey, table: ComparisonTable) -> bytes:
    """The comparison as an A4 PDF in the report's style: the two surveys, the change of the
    composite in words, how differences are worked out, the table and the chart."""
    rows = [dataclasses.replace(r, name=charts.drawable(r.name) or r.row["code"]) for r in table.rows]
    table = dataclasses.replace(table, rows=rows)
    headline = _headline(survey, base, table)
    notes = _notes(survey, base, table)
    text = "".join([_title(survey, base), *headline, *(n for n, _kind in notes), *(r.name for r in rows)])
    pdf = _ComparisonPdf(survey, base, text)
    pdf.add_page()
    pdf.set_font(FONT, "B", 14)
    pdf.multi_cell(0, 8, _title(survey, base), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    pdf.table(
        [_("项目"), _("本期"), _("基期")],
        [
            [_("调查"), localized(survey), localized(base)],
            [_("评价年度"), str(survey.year), str(base.year)],
            [_("调查代码"), survey.slug, base.slug],
            [_("状态"), _status(survey), _status(base)],
            [
                _("生成时间"),
                timezone.localtime(pdf.generated_at).strftime("%Y-%m-%d %H:%M:%S"),
                "",
            ],
        ],
        [30, 70, 70],
        align=["LEFT", "LEFT", "LEFT"],
    )
    for note, kind in notes:  # before anything else: the figures are not real
        if kind == "synthetic":
            pdf.alert(note)
    pdf.set_font(FONT, "B", 10.5)
    pdf.multi_cell(
        0,
        6,
        (" " if pdf.language == "en" else "").join(headline),
        align="L",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(2)
    for note, kind in notes:
        if kind == "warning":
            pdf.set_font(FONT, "B", 9)
            pdf.multi_cell(0, 5, note, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(1)
        elif kind == "note":
            pdf.paragraph(note, size=9, color=MUTED, height=5)
    headers = [
        "",
        _("基期（%(year)s）") % {"year": base.year},
        _("本期（%(year)s）") % {"year": survey.year},
        pgettext("比较表", "差值"),
        _("标准误"),
        _("95% 置信区间"),
        _("显著"),
    ]

    def lines(kinds: tuple[str, ...]) -> list[list[str]]:
        return [
            [
                r.name,
                f2(r.row["a"]),
                f2(r.row["b"]),
                signed(r.row["difference"]),
                f2(r.row["se"]),
                interval(r.row["ci95"]),
                _("是") if r.significant else "",
            ]
            for r in rows
            if r.kind in kinds
        ]

    widths = [46, 20, 20, 18, 18, 34, 14]
    pdf.section(_("综合满意度与各维度"))
    pdf.table(headers, lines(("composite", "dimension")), widths)
    items = lines(("item",))
    if items:
        pdf.section(_("各题"))
        pdf.table(headers, items, widths)
    figure = charts.score_changes(changes_chart_document(table, base, report_language()))
    inches = figure.get_size_inches()
    # The heading with its chart: alone at the foot of a page, it headed nothing.
    if pdf.get_y() + 14 + 160 * inches[1] / inches[0] > pdf.h - pdf.b_margin:
        pdf.add_page()
    pdf.section(_("与基期相比的变化（差值与 95% 置信区间）"))
    pdf.chart(figure, width=160)
    return bytes(pdf.output())
