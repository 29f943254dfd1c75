"""The XLSX download: one sheet per table, numbers stored as numbers, shown with two decimals.

Sheets (named in the report's language; in Chinese): 汇总, 维度, 题目, 村, 群体, 年龄段, 原始数据
(the included responses, anonymised: a sequence number instead of the response id; no device
marker, timestamps or comments; small cells' parts withheld, see reports/disclosure.py), 计算方法 (the
scheme and the derivation of every figure). Every sheet's first line states survey, scheme,
time and data hash.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from surveys.reports import tables
from surveys.reports.data import ReportData, source_label

HEADER_FILL = PatternFill("solid", fgColor="DDE4EC")
BOLD = Font(bold=True)
NOTE = Font(italic=True, color="666666", size=9)
FIRST_ROW = 3  # row 1: the stamp, row 2: blank, row 3: headers


def _stamp(sheet, data: ReportData) -> None:
    sheet.cell(row=1, column=1, value=data.stamp).font = NOTE


def _widths(sheet, headers: list[str], rows: list[list], *, cap: int = 48) -> None:
    for col, header in enumerate(headers, start=1):
        values = [header] + [r[col - 1] for r in rows[:200]]
        width = max(
            len(str(v)) * (2 if isinstance(v, str) and not v.isascii() else 1)
            for v in values
            if v is not None
        )
        sheet.column_dimensions[get_column_letter(col)].width = min(max(width + 2, 8), cap)


def _write_table(sheet, data: ReportData, table: tables.Table) -> None:
    _stamp(sheet, data)
    for col, header in enumerate(table.headers, start=1):
        cell = sheet.cell(row=FIRST_ROW, column=col, value=header)
        cell.font, cell.fill = BOLD, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for r, row in enumerate(table.rows, start=FIRST_ROW + 1):
        for col, (value, fmt) in enumerate(zip(row, table.formats, strict=True), start=1):
            cell = sheet.cell(row=r, column=col, value=value)
            if fmt and isinstance(value, int | float):
                cell.number_format = fmt
    sheet.freeze_panes = sheet.cell(row=FIRST_ROW + 1, column=3)
    _widths(sheet, table.headers, table.rows)


def _summary(sheet, data: ReportData) -> None:
    table = tables.summary(data)
    sheet.title = table.title
    _write_table(sheet, data, table)
    for r, ((_label, value), fmt) in enumerate(
        zip(table.rows, table.row_formats, strict=True), start=FIRST_ROW + 1
    ):
        if fmt and isinstance(value, int | float):
            sheet.cell(row=r, column=2).number_format = fmt
    sheet.freeze_panes = None
    sheet.column_dimensions["B"].width = 70
    if data.sample.synthetic:
        note = _("注意：%(n)s 份答卷为合成演示数据，并非真实调查结果。") % {"n": data.sample.synthetic}
        sheet.cell(row=FIRST_ROW + len(table.rows) + 2, column=1, value=note).font = Font(
            bold=True, color="B91C1C"
        )


def _raw(sheet, data: ReportData) -> None:
    names = data.names
    item_codes = [i["code"] for i in data.document["items"]]
    headers = [_("序号"), _("村（社区）"), _("受访群体"), _("年龄段"), _("来源")] + [
        _("%(item)s（%(code)s）") % {"item": names["item"][c], "code": c} for c in item_codes
    ]
    rows = [
        [
            r.number,
            names["village"].get(r.village, r.village),
            names["group"].get(r.group, r.group),
            names["age_band"].get(r.age_band, r.age_band),
            source_label(r.source),
            *(names["option"].get(r.answers[c], r.answers[c]) if r.answers[c] else None for c in item_codes),
        ]
        for r in data.responses
    ]
    _stamp(sheet, data)
    sheet.append([])
    sheet.append(headers)
    for cell in sheet[FIRST_ROW]:
        cell.font, cell.fill = BOLD, HEADER_FILL
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = sheet.cell(row=FIRST_ROW + 1, column=2)
    _widths(sheet, headers, rows, cap=18)


def _method(sheet, data: ReportData) -> None:
    _stamp(sheet, data)
    sheet.cell(row=FIRST_ROW, column=1, value=_("类别")).font = BOLD
    sheet.cell(row=FIRST_ROW, column=2, value=_("内容")).font = BOLD
    for r, (heading, text) in enumerate(tables.method_lines(data), start=FIRST_ROW + 1):
        sheet.cell(row=r, column=1, value=heading)
        sheet.cell(row=r, column=2, value=text).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 120


def report_xlsx(data: ReportData) -> bytes:
    workbook = Workbook()
    _summary(workbook.active, data)
    for table in tables.all_tables(data):
        _write_table(workbook.create_sheet(table.title), data, table)
    _raw(workbook.create_sheet(_("原始数据")), data)
    _method(workbook.create_sheet(_("计算方法")), data)
    workbook.properties.title = data.title
    workbook.properties.subject = data.stamp
    workbook.properties.creator = _("满意度")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
