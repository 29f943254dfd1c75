"""The XLSX's 复算 sheet: the composite worked out again by spreadsheet formulas, step by step.

The 计算方法 sheet says how each figure was found, in sentences; this sheet does it in Excel (or
WPS, or LibreOffice), so that an auditor can follow every step in cells and change an option's
points or a weight (the yellow cells) to see what the score would be:

    counts      each item's answers per option, counted in the 原始数据 sheet (SUMPRODUCT of an
                exact comparison: COUNTIF would take * ? ~ in a name for wildcards)
    item        Σ count × points / Σ counts of the options that have points (blank: not scored);
                with group weights, first per group, then Σ W_g S_g / Σ W_g over the groups
                that answered it (contract §2)
    dimension   Σ weight × score / Σ weight over its items that have a score
    composite   Σ weight × score / Σ weight over the dimensions that have a score

and sets the result beside the one the service computed (the 汇总 sheet's), with their
difference. Where the anonymised answers cannot give a step (two options with the same name;
with group weights, a group withheld as a small cell), that step's figures are the service's
own, and a line says so. The formulas are verified by LibreOffice in the tests
(tests/surveys/test_reports_recompute.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname

from surveys.reports.data import ReportData
from surveys.reports.disclosure import WITHHELD

INPUT_FILL = PatternFill("solid", fgColor="FFF2AB")  # what the reader may change
SCORE, COUNT = "0.00", "0"
PLAIN = "General"  # points and weights as typed: 1, 0.25, 100 (Excel shows "0.###" as "1.")
PRODUCT = "0.00##"  # a weight × score: 93.0343, not 93.03430079 spilling into the next column
RAW_GROUP_COLUMN = 3  # C: 受访群体
RAW_FIRST_ITEM_COLUMN = 6  # F: the first item, the rest follow in the score document's order
FIRST_COUNT_COLUMN = 5  # E: the options' counts in the item tables


def _distinct(names: list) -> bool:
    """Whether cells holding these names tell them apart (a spreadsheet's = ignores case)."""
    folded = [name.casefold() for name in names if isinstance(name, str) and name]
    return len(folded) == len(names) and len(set(folded)) == len(folded)


@dataclass(frozen=True)
class Pen:
    """How reports/xlsx.py writes a cell: `cell(value, **style)` (a text always as text),
    `formula(text, **style)`, `header(texts)` (the tables' header row), and its fonts."""

    cell: Callable
    formula: Callable
    header: Callable
    bold: Font
    note: Font


@dataclass
class _Layout:
    """Where the tables fall, worked out before anything is written (a write-only sheet)."""

    points_row: int
    item_rows: dict[str, int]
    group_weight_rows: dict[str, int]
    group_item_rows: list[tuple[str, str, int]]  # (item code, group code, row)
    dimension_rows: dict[str, int]
    composite_row: int


class RecomputeSheet:
    def __init__(self, data: ReportData, raw_sheet_title: str, raw_first_row: int):
        """`raw_first_row`: the 原始数据 sheet's row of the first response."""
        self.data = data
        document = data.document
        self.items = document["items"]
        self.dimensions = document["dimensions"]
        self.options = data.options  # code, name, points
        self.group_weights = document["scheme"].get("group_weights")
        self.raw = quote_sheetname(raw_sheet_title)
        n = len(data.responses)
        self.raw_first_row = raw_first_row
        self.raw_last_row = raw_first_row + n - 1
        option_names = [o["name"] for o in self.options]
        # The counts are formulas over 原始数据 when its cells tell the options apart.
        self.counted = n > 0 and _distinct(option_names)
        groups = [code for code in self.group_weights or {}]
        self.group_names = {code: data.names["group"].get(code, code) for code in groups}
        self.by_group = (
            self.group_weights is not None
            and self.counted
            and _distinct(list(self.group_names.values()))
            and all(r.group != WITHHELD for r in data.responses)
        )
        self.last_count_column = FIRST_COUNT_COLUMN + len(self.options) - 1
        # After the counts: 计分人数, 得分, 计入的权重, 权重×得分 (every table of the sheet).
        self._n_col, self._score_col, self._weight_in_col, self._weighted_col = (
            get_column_letter(self.last_count_column + i) for i in range(1, 5)
        )
        self.layout = self._layout()

    # -- geometry ------------------------------------------------------------------------------

    def _layout(self) -> _Layout:
        row = 8  # 1 stamp, 2 blank, 3–4 what the sheet is, 5 blank, 6 title, 7 headers
        points_row = row
        item_rows = {item["code"]: points_row + 1 + i for i, item in enumerate(self.items)}
        row = points_row + len(self.items) + 2  # a blank row after the items
        group_weight_rows: dict[str, int] = {}
        group_item_rows: list[tuple[str, str, int]] = []
        if self.group_weights is not None:
            row += 2  # title, headers
            group_weight_rows = {code: row + i for i, code in enumerate(self.group_weights)}
            row += len(self.group_weights) + 1
            if self.by_group:
                row += 2
                for item in self.items:
                    for code in self.group_weights:
                        group_item_rows.append((item["code"], code, row))
                        row += 1
                row += 1
        row += 2  # title, headers
        dimension_rows = {d["code"]: row + i for i, d in enumerate(self.dimensions)}
        row += len(self.dimensions) + 1
        return _Layout(points_row, item_rows, group_weight_rows, group_item_rows, dimension_rows, row)

    def _points_range(self) -> str:
        row = self.layout.points_row
        return f"${get_column_letter(FIRST_COUNT_COLUMN)}${row}:${get_column_letter(self.last_count_column)}${row}"

    def _counts_range(self, row: int) -> str:
        return (
            f"{get_column_letter(FIRST_COUNT_COLUMN)}{row}:{get_column_letter(self.last_count_column)}{row}"
        )

    def _raw_range(self, column: int) -> str:
        letter = get_column_letter(column)
        return f"{self.raw}!${letter}${self.raw_first_row}:${letter}${self.raw_last_row}"

    def _raw_item_range(self, item_code: str) -> str:
        index = [i["code"] for i in self.items].index(item_code)
        return self._raw_range(RAW_FIRST_ITEM_COLUMN + index)

    def _table_range(self, column: str, rows: list[int]) -> str:
        return f"${column}${min(rows)}:${column}${max(rows)}"

    # -- formulas --------------------------------------------------------------------------------

    def _n_formula(self, row: int) -> str:
        return f"=SUMPRODUCT({self._counts_range(row)},--ISNUMBER({self._points_range()}))"

    def _mean_formula(self, row: int) -> str:
        n = f"{self._n_col}{row}"
        return f'=IF({n}>0,SUMPRODUCT({self._counts_range(row)},{self._points_range()})/{n},"")'

    def _weighted_cells(self, formula, row: int) -> list:
        """计入的权重 and 权重×得分: the row's weight (column D) and its product with the score
        where the row has a score, else 0."""
        score, weight = f"{self._score_col}{row}", f"D{row}"
        return [
            formula(f"=IF(ISNUMBER({score}),{weight},0)", number_format=PLAIN),
            formula(f"=IF(ISNUMBER({score}),{weight}*{score},0)", number_format=PRODUCT),
        ]

    def _count_cells(self, formula, item_code: str, group_cell: str | None = None) -> list:
        """The item's answers of each option counted in 原始数据 (of the group named in
        `group_cell` only, when given), each option named in the header above the points row."""
        raw = self._raw_item_range(item_code)
        where = f"({self._raw_range(RAW_GROUP_COLUMN)}={group_cell})*" if group_cell else "--"
        header_row = self.layout.points_row - 1
        return [
            formula(
                f"=SUMPRODUCT({where}({raw}={get_column_letter(FIRST_COUNT_COLUMN + i)}${header_row}))",
                number_format=COUNT,
            )
            for i in range(len(self.options))
        ]

    def _ratio_of(self, key_range: str, key: str, rows: list[int]) -> str:
        """Σ 权重×得分 / Σ 计入的权重 over the table rows whose key column equals `key`."""
        w = self._table_range(self._weight_in_col, rows)
        ws = self._table_range(self._weighted_col, rows)
        weight = f"SUMPRODUCT(--({key_range}={key}),{w})"
        return f'=IF({weight}>0,SUMPRODUCT(--({key_range}={key}),{ws})/{weight},"")'

    # -- the sheet -----------------------------------------------------------------------------

    def rows(self, pen: Pen) -> Iterator[list]:
        """The rows after the stamp, made with reports/xlsx.py's cells and fonts."""
        cell, formula, header, BOLD, NOTE = pen.cell, pen.formula, pen.header, pen.bold, pen.note  # noqa: N806

        def number(value, fmt, *, editable=False):
            return cell(value, number_format=fmt, fill=INPUT_FILL if editable else None)

        layout = self.layout
        yield [
            cell(
                _(
                    "本表用公式从“原始数据”表一步步重新算出综合满意度：各题各选项的人数 → 各题得分 → 各维度得分 → 综合满意度。"
                )
            )
        ]
        yield [
            cell(
                _(
                    "黄色格子（分值、权重）可以改动，看得分随之如何变化；最后一行把结果与“汇总”表的综合满意度相比。"
                ),
                font=NOTE,
            )
        ]
        yield []
        yield [cell(_("各题得分"), font=BOLD)]
        names = [o["name"] for o in self.options]
        yield header(
            [
                _("题目代码"),
                _("题目"),
                _("维度代码"),
                _("维度内权重"),
                *names,
                _("计分人数"),
                _("得分"),
                _("计入的权重"),
                _("权重×得分"),
            ]
        )
        yield [
            cell(_("分值（空白：不计分）"), font=BOLD),
            None,
            None,
            None,
            *(number(o["points"], PLAIN, editable=True) for o in self.options),
        ]
        by_group_rows = [row for _item, _group, row in layout.group_item_rows]
        for item in self.items:
            row = layout.item_rows[item["code"]]
            if self.counted:
                counts = self._count_cells(formula, item["code"])
            else:
                counts = [number(item["distribution"].get(o["code"], 0), COUNT) for o in self.options]
            if self.group_weights is None:
                score = formula(self._mean_formula(row), number_format=SCORE)
            elif self.by_group:
                item_range = self._table_range("A", by_group_rows)
                score = formula(self._ratio_of(item_range, f"$A{row}", by_group_rows), number_format=SCORE)
            else:  # the groups' means cannot be counted from the anonymised answers
                score = number(item["score"], SCORE)
            yield [
                cell(item["code"]),
                cell(item["name"]),
                cell(item["dimension"]),
                number(item["weight"], PLAIN, editable=True),
                *counts,
                formula(self._n_formula(row), number_format=COUNT),
                score,
                *self._weighted_cells(formula, row),
            ]
        yield []
        if self.group_weights is not None:
            yield from self._groups(pen, number)
        yield [cell(_("各维度得分"), font=BOLD)]
        yield header(
            [
                _("维度代码"),
                _("维度"),
                None,
                _("权重"),
                *[None] * len(self.options),
                None,
                _("得分"),
                _("计入的权重"),
                _("权重×得分"),
            ]
        )
        item_rows = list(layout.item_rows.values())
        dim_key = self._table_range("C", item_rows)
        for dimension in self.dimensions:
            row = layout.dimension_rows[dimension["code"]]
            yield [
                cell(dimension["code"]),
                cell(dimension["name"]),
                None,
                number(dimension["weight"], PLAIN, editable=True),
                *[None] * len(self.options),
                None,
                formula(self._ratio_of(dim_key, f"$A{row}", item_rows), number_format=SCORE),
                *self._weighted_cells(formula, row),
            ]
        yield []
        dim_rows = list(layout.dimension_rows.values())
        w = self._table_range(self._weight_in_col, dim_rows)
        ws = self._table_range(self._weighted_col, dim_rows)
        composite = f"{self._score_col}{layout.composite_row}"
        # Each label in column A, running on over the empty cells to the value in the 得分 column.
        pad = [None] * (self.last_count_column)
        yield [
            cell(_("综合满意度"), font=BOLD),
            *pad,
            formula(f'=IF(SUM({w})>0,SUM({ws})/SUM({w}),"")', number_format=SCORE, font=BOLD),
        ]
        yield [cell(_("“汇总”表的综合满意度")), *pad, number(self.data.document["composite"]["score"], SCORE)]
        yield [
            cell(_("两者之差")),
            *pad,
            formula(
                f'=IF(ISNUMBER({composite}),{composite}-{self._score_col}{layout.composite_row + 1},"")',
                number_format=SCORE,
            ),
        ]
        for line in self._notes():
            yield []
            yield [cell(line, font=NOTE)]

    def _groups(self, pen: Pen, number) -> Iterator[list]:
        cell, formula, header, BOLD = pen.cell, pen.formula, pen.header, pen.bold  # noqa: N806
        layout = self.layout
        yield [cell(_("群体权重"), font=BOLD)]
        yield header([_("群体代码"), _("受访群体"), None, _("权重")])
        for code, weight in self.group_weights.items():
            yield [cell(code), cell(self.group_names[code]), None, number(weight, PLAIN, editable=True)]
        yield []
        if not self.by_group:
            return
        yield [
            cell(
                _("各群体的题目得分（题目得分 = Σ 群体权重 × 群体得分 / Σ 有人计分的群体的权重）"), font=BOLD
            )
        ]
        yield header(
            [
                _("题目代码"),
                _("受访群体"),
                None,
                _("群体权重"),
                *[o["name"] for o in self.options],
                _("计分人数"),
                _("得分"),
                _("计入的权重"),
                _("权重×得分"),
            ]
        )
        for item_code, group_code, row in layout.group_item_rows:
            counts = self._count_cells(formula, item_code, group_cell=f"$B{row}")
            weight_row = layout.group_weight_rows[group_code]
            yield [
                cell(item_code),
                cell(self.group_names[group_code]),
                None,
                formula(f"=$D${weight_row}", number_format=PLAIN),
                *counts,
                formula(self._n_formula(row), number_format=COUNT),
                formula(self._mean_formula(row), number_format=SCORE),
                *self._weighted_cells(formula, row),
            ]
        yield []

    def _notes(self) -> list[str]:
        notes = []
        if not self.data.responses:
            notes.append(_("尚无计入得分的答卷。"))
        elif not self.counted:
            notes.append(_("有选项同名，无法在“原始数据”表中区分：各选项人数取自计算结果，不是公式。"))
        if self.group_weights is not None and not self.by_group and self.data.responses:
            notes.append(
                _(
                    "“原始数据”表中有群体因答卷少于 %(k)s 份而不公布（或群体同名），无法按群体计数：题目得分取自计算结果，不是公式。"
                )
                % {"k": self.data.document["scheme"].get("min_cell")}
            )
        return notes
