"""The XLSX download: one sheet per table, numbers stored as numbers, shown with two decimals.

Sheets (named in the report's language; in Chinese): 汇总, 维度, 题目, 村, 群体, 年龄段, 原始数据
(the included responses, anonymised: a sequence number instead of the response id; no device
marker, timestamps or comments; small cells' parts withheld, see reports/disclosure.py), 计算方法 (the
scheme and the derivation of every figure). Every sheet's first line states survey, scheme,
time and data hash. 复算 (reports/recompute.py) works the composite out again in formulas over
原始数据, beside the service's result.
"""

from __future__ import annotations

import io
import math

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from stats.text import NONCHARACTERS
from surveys.reports import tables
from surveys.reports.data import ReportData, source_label
from surveys.reports.paragraph import report_paragraph
from surveys.reports.recompute import Pen, RecomputeSheet

HEADER_FILL = PatternFill("solid", fgColor="DDE4EC")
BOLD = Font(bold=True)
NOTE = Font(italic=True, color="666666", size=9)
ALERT = Font(bold=True, color="B91C1C")  # the data are synthetic
FIRST_ROW = 3  # row 1: the stamp, row 2: blank, row 3: headers


def synthetic_note(n: int) -> str:
    """Said in red (ALERT) on a sheet whose counts include `n` synthetic demo responses."""
    return ngettext(
        "注意：%(n)s 份答卷为合成演示数据，并非真实调查结果。",
        "注意：%(n)s 份答卷为合成演示数据，并非真实调查结果。",
        n,
    ) % {"n": n}


def _text_kept(cell: Cell, value) -> Cell:
    """The cell, its text always as text: openpyxl takes any string that starts with "=" for a
    formula, so a village named '=HYPERLINK(…)' became a live link in Excel, and '=1+2人大代表'
    a broken formula. (Text starting with + - @ is stored as text already.)"""
    if isinstance(value, str) and cell.data_type == "f":
        cell.data_type = "s"
    return cell


def _writable(value):
    """`value`, a text as a workbook can hold it: without control characters (openpyxl refuses
    them: a 500) and noncharacters (U+FFFF: a file Excel will not open). Whatever reaches a sheet —
    a comment pasted from elsewhere, the words a list was narrowed to, a name stored before names
    were cleaned — is written."""
    return NONCHARACTERS.sub("", ILLEGAL_CHARACTERS_RE.sub("", value)) if isinstance(value, str) else value


def put_cell(sheet, row: int, column: int, value):
    """The cell with `value` of a sheet in openpyxl's normal mode, a text always as text."""
    value = _writable(value)
    return _text_kept(sheet.cell(row=row, column=column, value=value), value)


def _styled(cell: Cell, *, font=None, fill=None, alignment=None, number_format=None) -> Cell:
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if alignment is not None:
        cell.alignment = alignment
    if number_format is not None:
        cell.number_format = number_format
    return cell


def _cell(sheet, value, **style) -> Cell:
    """A cell of the report's write-only sheets, a text always as text (as put_cell), styled."""
    value = _writable(value)
    return _styled(_text_kept(WriteOnlyCell(sheet, value=value), value), **style)


def _formula(sheet, text: str, **style) -> Cell:
    """A cell that holds a formula (of the 复算 sheet; anything else that starts with "=" is
    text, `_cell`)."""
    return _styled(WriteOnlyCell(sheet, value=text), **style)


def _plain(sheet, value):
    """A value appended as it is, unless a spreadsheet would take the text for a formula: the
    rows of the 原始数据 sheet are written without a cell object each (a fifth of its time)."""
    return _cell(sheet, value) if isinstance(value, str) and value.startswith("=") else value


def _begin(sheet, data: ReportData) -> None:
    """Row 1, the stamp, and row 2, blank. A write-only sheet is written as it is appended:
    its column widths and frozen panes must be set before this."""
    sheet.append([_cell(sheet, data.stamp, font=NOTE)])
    sheet.append([])


def _shown_length(value) -> int:
    """About how many character widths a cell shows: a number with the decimals its format
    shows (at most three), not all seventeen digits it is stored with; a Chinese character two."""
    if isinstance(value, float):
        return len(f"{value:.3f}")
    text = str(value)
    return len(text) * (1 if text.isascii() else 2)


def fit_widths(sheet, headers: list[str], rows: list[list], *, cap: int = 48) -> None:
    for col, header in enumerate(headers, start=1):
        values = [header] + [r[col - 1] for r in rows[:200]]
        width = max(_shown_length(v) for v in values if v is not None)
        sheet.column_dimensions[get_column_letter(col)].width = min(max(width + 2, 8), cap)


def _headers(sheet, headers: list[str], *, wrap: bool = True) -> list[Cell]:
    alignment = Alignment(wrap_text=True, vertical="center") if wrap else None
    return [_cell(sheet, h, font=BOLD, fill=HEADER_FILL, alignment=alignment) for h in headers]


def _numbered(sheet, row: list, formats) -> list:
    """A table's row: a number in its column's (or row's) format, a text as text."""
    return [
        _cell(sheet, value, number_format=fmt)
        if fmt and isinstance(value, int | float)
        else _plain(sheet, value)
        for value, fmt in zip(row, formats, strict=True)
    ]


def _write_table(sheet, data: ReportData, table: tables.Table) -> None:
    fit_widths(sheet, table.headers, table.rows)
    sheet.freeze_panes = f"C{FIRST_ROW + 1}"
    _begin(sheet, data)
    sheet.append(_headers(sheet, table.headers))
    for row in table.rows:
        sheet.append(_numbered(sheet, row, table.formats))
    if not table.rows and table.empty:  # the sheet is there for scripts that read it by name
        sheet.append([_cell(sheet, table.empty, font=NOTE)])


def _summary(sheet, data: ReportData) -> None:
    table = tables.summary(data)
    sheet.title = table.title
    fit_widths(sheet, table.headers, table.rows)
    sheet.column_dimensions["B"].width = 70
    _begin(sheet, data)
    sheet.append(_headers(sheet, table.headers))
    for row, row_format in zip(table.rows, table.row_formats, strict=True):
        sheet.append(_numbered(sheet, row, [table.formats[0], row_format or table.formats[1]]))
    sheet.append([])
    if data.sample.synthetic:
        sheet.append([_cell(sheet, synthetic_note(data.sample.synthetic), font=ALERT)])
        sheet.append([])
    # The paragraph for the 绩效评价报告, as the evaluation page and the PDF's cover write it.
    paragraph = report_paragraph(data.document, data.sample)
    sheet.append(
        [
            _cell(sheet, _("写入评价报告的一段话"), font=BOLD),
            _cell(sheet, paragraph, alignment=Alignment(wrap_text=True, vertical="top")),
        ]
    )


def _raw(sheet, data: ReportData) -> None:
    names = data.names
    item_codes = [i["code"] for i in data.document["items"]]
    headers = [_("序号"), _("村（社区）"), _("受访群体"), _("年龄段"), _("来源")] + [
        _("%(item)s（%(code)s）") % {"item": names["item"][c], "code": c} for c in item_codes
    ]
    village, group, age_band, option = (names[part] for part in ("village", "group", "age_band", "option"))
    rows = [
        [
            r.number,
            village.get(r.village, r.village),
            group.get(r.group, r.group),
            age_band.get(r.age_band, r.age_band),
            source_label(r.source),
            *(option.get(r.answers[c], r.answers[c]) if r.answers[c] else None for c in item_codes),
        ]
        for r in data.responses
    ]
    fit_widths(sheet, headers, rows, cap=18)
    sheet.freeze_panes = f"B{FIRST_ROW + 1}"
    _begin(sheet, data)
    sheet.append(_headers(sheet, headers, wrap=False))
    # A row of plain values needs no cell object (a fifth of the sheet's time); only where a
    # name would be taken for a formula is each of its values made a cell of its own (a cell
    # must not be appended twice: openpyxl writes the next value of the row into it).
    formulaic = any(
        isinstance(name, str) and name.startswith("=")
        for part in (village, group, age_band, option)
        for name in part.values()
    )
    for row in rows:
        sheet.append([_plain(sheet, value) for value in row] if formulaic else row)


def _method(sheet, data: ReportData) -> None:
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 120
    _begin(sheet, data)
    sheet.append([_cell(sheet, _("类别"), font=BOLD), _cell(sheet, _("内容"), font=BOLD)])
    wrap = Alignment(wrap_text=True, vertical="top")
    for heading, text in tables.method_lines(data):
        sheet.append([_plain(sheet, heading), _cell(sheet, text, alignment=wrap)])


def _recompute(sheet, data: ReportData, raw_title: str) -> None:
    recompute = RecomputeSheet(data, raw_title, raw_first_row=FIRST_ROW + 1)
    pen = Pen(
        cell=lambda value, **style: _cell(sheet, value, **style),
        formula=lambda text, **style: _formula(sheet, text, **style),
        header=lambda texts: _headers(sheet, texts, wrap=False),
        bold=BOLD,
        note=NOTE,
    )
    rows = list(recompute.rows(pen))  # a few hundred cells at most: measured before writing
    widths: dict[int, int] = {}
    for row in rows:
        for column, cell in enumerate(row, start=1):
            # A text with nothing to its right may run on into the next column (a title, a
            # note): not measured.
            value = getattr(cell, "value", cell)
            beside = column < len(row) and row[column] is not None
            if isinstance(value, str) and getattr(cell, "data_type", "s") != "f" and beside:
                widths[column] = max(widths.get(column, 0), _shown_length(value) + 2)
    for column in range(1, recompute.last_count_column + 5):
        sheet.column_dimensions[get_column_letter(column)].width = min(max(widths.get(column, 0), 10), 40)
    _begin(sheet, data)
    for row in rows:
        sheet.append(row)


def _score_chart(sheet, table: tables.Table, *, title: str, horizontal: bool) -> None:
    """A native Excel bar chart of a table's score column beside the table (Excel, WPS and
    LibreOffice draw it; it follows the cells if someone edits them). Suppressed cells have no
    score and so no bar; the score axis starts near the data, as the PDF's charts do, and says so."""
    score_col = table.headers.index(tables.estimate_headers()[0]) + 1
    name_col = table.headers.index(_("代码")) + 2  # the name follows the code
    scores = [row[score_col - 1] for row in table.rows if isinstance(row[score_col - 1], int | float)]
    if not scores:
        return
    chart = BarChart()
    chart.type = "bar" if horizontal else "col"
    chart.title = title
    chart.legend = None
    chart.style = 2
    chart.add_data(
        Reference(sheet, min_col=score_col, min_row=FIRST_ROW, max_row=FIRST_ROW + len(table.rows)),
        titles_from_data=True,
    )
    chart.set_categories(
        Reference(sheet, min_col=name_col, min_row=FIRST_ROW + 1, max_row=FIRST_ROW + len(table.rows))
    )
    start = max(0.0, math.floor((min(scores) - 5) / 5) * 5)
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = start, 100
    chart.y_axis.title = _("得分（坐标从 %(start)s 起）") % {"start": f"{start:g}"}
    chart.y_axis.numFmt = "0"
    chart.y_axis.majorGridlines = None
    chart.x_axis.delete = chart.y_axis.delete = False  # openpyxl hides both axes otherwise
    if horizontal:
        chart.x_axis.scaling.orientation = "maxMin"  # the first row on top, as in the table
    # The value alone (LibreOffice adds the category and series names unless told not to).
    chart.dataLabels = DataLabelList(
        showVal=True, showCatName=False, showSerName=False, showLegendKey=False, showPercent=False
    )
    chart.dataLabels.numFmt = "0.00"
    chart.width = 16
    chart.height = max(7.5, 0.8 * len(table.rows) + 3) if horizontal else 7.5
    sheet.add_chart(chart, f"{get_column_letter(len(table.headers) + 2)}{FIRST_ROW}")


def _distribution_chart(sheet, table: tables.Table, data: ReportData) -> None:
    """Each item's answers as one 100 % stacked bar, option by option (blanks left out, as in the
    PDF's chart: shares of the item's answers)."""
    first = table.headers.index(_("%(option)s（人）") % {"option": data.options[0]["name"]}) + 1
    last = first + len(data.options) - 1
    rows = len(table.rows)
    if not any(isinstance(n, int | float) and n > 0 for row in table.rows for n in row[first - 1 : last]):
        return  # no answer yet: an empty chart frame says nothing (the score chart does the same)
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "percentStacked"
    chart.overlap = 100
    chart.title = _("各题答案分布")
    chart.add_data(
        Reference(sheet, min_col=first, max_col=last, min_row=FIRST_ROW, max_row=FIRST_ROW + rows),
        titles_from_data=True,
    )
    chart.set_categories(Reference(sheet, min_col=2, min_row=FIRST_ROW + 1, max_row=FIRST_ROW + rows))
    chart.x_axis.scaling.orientation = "maxMin"
    chart.x_axis.delete = chart.y_axis.delete = False
    chart.y_axis.numFmt = "0%"
    chart.legend.position = "b"
    chart.width = 18
    chart.height = max(7.5, 0.8 * rows + 4)
    sheet.add_chart(chart, f"{get_column_letter(len(table.headers) + 2)}{FIRST_ROW}")


def _charts(sheet, table: tables.Table, data: ReportData) -> None:
    if table.key == "dimension":
        _score_chart(sheet, table, title=_("各维度得分"), horizontal=True)
    elif table.key == "item":
        _distribution_chart(sheet, table, data)
    elif table.key == "by_village":
        _score_chart(sheet, table, title=_("各村（社区）得分排序"), horizontal=True)
    elif table.key in ("by_group", "by_age_band"):
        _score_chart(sheet, table, title=table.title, horizontal=False)


def report_xlsx(data: ReportData) -> bytes:
    """The workbook, written sheet by sheet as its rows are made (openpyxl's write-only mode):
    50,000 responses' 原始数据 no longer sit in memory as 850,000 cell objects before saving."""
    workbook = Workbook(write_only=True)
    _summary(workbook.create_sheet(), data)
    for table in tables.all_tables(data):
        sheet = workbook.create_sheet(table.title)
        _charts(sheet, table, data)
        _write_table(sheet, data, table)
    raw_title = _("原始数据")
    _raw(workbook.create_sheet(raw_title), data)
    _method(workbook.create_sheet(_("计算方法")), data)
    _recompute(workbook.create_sheet(_("复算")), data, raw_title)
    workbook.calculation.fullCalcOnLoad = True  # the 复算 sheet's formulas have no stored values
    workbook.properties.title = data.title
    workbook.properties.subject = data.stamp
    workbook.properties.creator = _("满意度")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
