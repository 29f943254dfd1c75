"""The evaluator's surveys side by side as files (/evaluate/surveys.xlsx, .csv): each survey's
composite with its standard error and 95% interval, its sample, where its figures come from
(the publication or today's data), its scheme's and data's digests, and each dimension's score.

The workbook has two sheets, 汇总 (a row per survey) and 各维度 (a row per survey and dimension),
headed in the page's language, numbers stored at full precision and shown with two decimals. The
CSV is for scripts: its column names are the same in every language, one line per survey with
`dimension` empty (the composite) followed by a line per dimension; numbers at full precision
with a "." decimal point, empty for none; UTF-8 with a byte-order mark, and a text a spreadsheet
would take for a formula written with a leading apostrophe (surveys/csv_cells.py).
"""

from __future__ import annotations

import csv
import io

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from surveys.csv_cells import csv_cell
from surveys.evaluate.overview import Change, SurveyFigures
from surveys.localized import localized, organisation
from surveys.reports.xlsx import ALERT, HEADER_FILL, NOTE, fit_widths, put_cell

SCORE = "0.00"
DIFFERENCE = "+0.00;-0.00;0.00"
CSV_COLUMNS = (
    "survey",
    "title",
    "organisation",
    "year",
    "status",
    "published_at",
    "dimension",
    "name",
    "weight",
    "n",
    "score",
    "se",
    "ci95_low",
    "ci95_high",
    "responses",
    "excluded",
    "synthetic",
    "previous",
    "change",
    "change_se",
    "change_ci95_low",
    "change_ci95_high",
    "change_significant",
    "scheme",
    "data_hash",
    "changed_since_publication",
    "note",
)


def _bounds(cell: dict) -> tuple[float | None, float | None]:
    return tuple(cell.get("ci95") or (None, None))


def figures_source(figures: SurveyFigures) -> str:
    """Where the row's figures come from, in words."""
    if figures.published_at is not None:
        at = timezone.localtime(figures.published_at).strftime("%Y-%m-%d %H:%M")
        return _("%(at)s 发布的数字") % {"at": at}
    return _("当前数据") if figures.document is not None else ""


def figures_note(figures: SurveyFigures) -> str:
    """What a reader of the row must know: why there is no score, a change since publication,
    synthetic responses among those counted."""
    notes = []
    if figures.problem:
        notes.append(figures.problem)
    elif figures.document is not None and figures.score is None:
        notes.append(_("尚无有效答卷"))
    if figures.changed_since_publication:
        notes.append(_("发布后答卷有变化，发布的数字不受影响"))
    if figures.change is not None and not figures.change.same_scoring:
        notes.append(_("与上年的计分方案（选项分值或权重）不同：差值有一部分来自方案的变化"))
    if figures.synthetic:
        notes.append(
            ngettext("%(n)s 份为合成演示数据", "%(n)s 份为合成演示数据", figures.synthetic)
            % {"n": figures.synthetic}
        )
    return _("；").join(notes)


def _stamp(count: int) -> str:
    at = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    return ngettext(
        "评价结果汇总：%(n)s 项调查，生成时间 %(at)s。每项调查的数字与其评价页一致（已发布的为发布时冻结的数字）。",
        "评价结果汇总：%(n)s 项调查，生成时间 %(at)s。每项调查的数字与其评价页一致（已发布的为发布时冻结的数字）。",
        count,
    ) % {"n": count, "at": at}


def _change_cells(change: Change | None, truth) -> list:
    """The base's code, the difference, its standard error and interval, and whether the interval
    keeps off 0 as `truth` writes a yes or no (empty where there is no survey of the year before
    to compare with; the last empty where the difference has no interval: nobody can tell)."""
    if change is None:
        return [None] * 6
    low, high = change.ci95 or (None, None)
    significant = None if change.significant is None else truth(change.significant)
    return [change.base.slug, change.difference, change.se, low, high, significant]


def _summary_rows(all_figures: list[SurveyFigures]) -> tuple[list[str], list[list]]:
    headers = [
        _("调查代码"),
        _("调查"),
        _("被评价单位"),
        _("年度"),
        _("状态"),
        _("数字来源"),
        _("综合满意度"),
        _("标准误"),
        _("95%% 置信区间下限") % {},
        _("95%% 置信区间上限") % {},
        _("有效答卷"),
        pgettext("汇总表", "剔除"),
        _("上年度调查"),
        _("较上年"),
        _("较上年的标准误"),
        _("较上年 95%% 置信区间下限") % {},
        _("较上年 95%% 置信区间上限") % {},
        _("变化显著"),
        _("计分方案"),
        _("数据摘要（SHA-256）"),
        _("说明"),
    ]
    rows = []
    for figures in all_figures:
        survey, composite = figures.survey, figures.composite
        low, high = _bounds(composite)
        rows.append(
            [
                survey.slug,
                localized(survey),
                organisation(survey),
                survey.year,
                survey.get_status_display(),
                figures_source(figures),
                composite.get("score"),
                composite.get("se"),
                low,
                high,
                figures.valid,
                figures.excluded,
                *_change_cells(figures.change, lambda yes: _("是") if yes else _("否")),
                figures.scheme_digest,
                figures.data_hash,
                figures_note(figures),
            ]
        )
    return headers, rows


def _dimension_rows(all_figures: list[SurveyFigures]) -> tuple[list[str], list[list]]:
    headers = [
        _("调查代码"),
        _("调查"),
        _("年度"),
        _("维度代码"),
        _("维度"),
        _("权重"),
        _("得分"),
        _("标准误"),
        _("95%% 置信区间下限") % {},
        _("95%% 置信区间上限") % {},
        "n",
    ]
    rows = []
    for figures in all_figures:
        for dimension in figures.dimensions:
            low, high = _bounds(dimension)
            rows.append(
                [
                    figures.survey.slug,
                    localized(figures.survey),
                    figures.survey.year,
                    dimension["code"],
                    dimension.get("name", dimension["code"]),
                    dimension.get("weight"),
                    dimension.get("score"),
                    dimension.get("se"),
                    low,
                    high,
                    dimension.get("n"),
                ]
            )
    return headers, rows


def _sheet(
    sheet, title: str, stamp: str, headers: list[str], rows: list[list], formats: dict[int, str]
) -> None:
    """A sheet: the stamp, a blank line, the headers, the rows; `formats` the number format of
    the 0-based columns shown with two decimals."""
    sheet.title = title
    put_cell(sheet, 1, 1, stamp).font = NOTE
    for c, header in enumerate(headers, start=1):
        cell = put_cell(sheet, 3, c, header)
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for r, row in enumerate(rows, start=4):
        for c, value in enumerate(row):
            cell = put_cell(sheet, r, c + 1, value)
            if c in formats and isinstance(value, float):
                cell.number_format = formats[c]
    fit_widths(sheet, headers, rows, cap=40)
    sheet.freeze_panes = "C4"


def overview_xlsx(all_figures: list[SurveyFigures], choices: str = "") -> bytes:
    """`choices`: the list's choices the surveys were kept by, in words, after the stamp."""
    workbook = Workbook()
    stamp = " ".join(filter(None, (_stamp(len(all_figures)), choices)))
    headers, rows = _summary_rows(all_figures)
    scores = dict.fromkeys((6, 7, 8, 9, 14), SCORE) | dict.fromkeys((13, 15, 16), DIFFERENCE)
    _sheet(workbook.active, _("汇总"), stamp, headers, rows, scores)
    synthetic = sum(f.synthetic for f in all_figures)
    if synthetic:  # under the table, in red, as every report's summary says it
        note = _("注意：含合成演示数据的调查，其数字并非真实调查结果，不能用于绩效评价。")
        put_cell(workbook.active, len(rows) + 5, 1, note).font = ALERT
    headers, rows = _dimension_rows(all_figures)
    _sheet(workbook.create_sheet(), _("各维度"), stamp, headers, rows, dict.fromkeys(range(6, 10), SCORE))
    workbook.properties.title = _("评价结果汇总")
    workbook.properties.creator = _("满意度")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _number(value) -> str:
    return "" if value is None else repr(value) if isinstance(value, float) else str(value)


def overview_csv(all_figures: list[SurveyFigures]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for figures in all_figures:
        survey = figures.survey
        published_at = figures.published_at.isoformat() if figures.published_at else ""
        changed = figures.changed_since_publication
        common = [
            survey.slug,
            localized(survey),
            organisation(survey),
            survey.year,
            survey.status,
            published_at,
        ]
        tail = [
            figures.valid,
            figures.excluded,
            figures.synthetic if figures.document is not None else None,
            *_change_cells(figures.change, lambda yes: str(yes).lower()),
            figures.scheme_digest,
            figures.data_hash,
            "" if changed is None else str(changed).lower(),
            figures_note(figures),
        ]
        composite = figures.composite
        lines = [["", _("综合满意度"), None, composite.get("n"), composite.get("score"), composite.get("se")]]
        lines[0] += _bounds(composite)
        for dimension in figures.dimensions:
            lines.append(
                [
                    dimension["code"],
                    dimension.get("name", dimension["code"]),
                    dimension.get("weight"),
                    dimension.get("n"),
                    dimension.get("score"),
                    dimension.get("se"),
                    *_bounds(dimension),
                ]
            )
        for k, line in enumerate(lines):
            # The survey's own figures on its first line; its dimensions' lines name the survey only.
            row = common + line + (tail if k == 0 else [""] * len(tail))
            writer.writerow(csv_cell(v) if isinstance(v, str) else _number(v) for v in row)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
