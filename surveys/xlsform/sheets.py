"""Reading sheets and cells of an XLSForm workbook, and collecting problems with their place."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from stats.text import one_line
from surveys.xlsform.conventions import ROLE_COLUMN, Problem, language_of

CODE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.+-]*$")
SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
YES = {"yes", "true", "1", "y", "是", "true()"}
NO = {"no", "false", "0", "n", "否", "false()", ""}
# What a PositiveIntegerField (a quota's target, a group's population) holds on every database.
INTEGER_MAX = 2**31 - 1

# Question types that hold no answer: skipped with a warning.
METADATA = {
    "start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber", "username",
    "email", "audit", "start-geopoint", "background-audio", "note",
}  # fmt: skip
# Columns that only change how a question looks: ignored, with one warning per column.
PRESENTATION = re.compile(
    r"^(hint|guidance_hint|required|required_message|constraint_message|appearance|autoplay|"
    r"media::\w+|image|audio|video|big-image)(::.*)?$"
)
# Columns with meaning we cannot keep (skip logic, calculations …): an error where used.
LOGIC = re.compile(
    r"^(relevant|constraint|calculation|choice_filter|repeat_count|default|read_only|trigger|"
    r"parameters|bind::.*|instance::.*|body::.*)$"
)
LOGIC_ON_ROLES = {"relevant"}  # the written form asks villages and age bands of some groups only
KNOWN_SURVEY = {"type", "name", "dimension", "weight", "appearance", ROLE_COLUMN}  # appearance: looks only
KNOWN_CHOICES = {
    "list_name",
    "name",
    "points",
    "scheme_points",
    "by_village",
    "population",
    "weight",
    "placeholder",
}
PYXFORM_SETTINGS = {
    "version", "namespaces", "instance_name", "style", "public_key", "submission_url", "auto_send",
    "auto_delete", "allow_choice_duplicates", "clean_text_values", "omit_instanceid", "instance_xmlns",
    "entities_version", "name",
}  # fmt: skip
OUR_SETTINGS = {
    "form_id", "id_string", "form_title", "title_en", "default_language", "organisation",
    "organisation_en", "year", "allow_shared_device", "min_cell",
}  # fmt: skip


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def name_text(value: Any) -> str:
    """A cell that holds a name (a label, a title): on one line, as the models store names."""
    return one_line(cell_text(value))


@dataclass
class Sheet:
    """One sheet: its header (normalised) and data rows with their row numbers in Excel."""

    title: str
    header: list[str]
    rows: list[tuple[int, dict[str, Any]]]

    def has(self, column: str) -> bool:
        return column in self.header


def _normal_header(name: str) -> str:
    name = cell_text(name)
    if "::" in name:
        prefix, rest = name.split("::", 1)
        return f"{prefix.strip().lower()}::{rest.strip()}"
    return re.sub(r"\s+", "_", name.lower())


def _load_sheet(worksheet) -> Sheet:
    rows = list(worksheet.iter_rows(values_only=True))
    header = [_normal_header(v) for v in rows[0]] if rows else []
    data = []
    for number, values in enumerate(rows[1:], start=2):
        cells = {name: value for name, value in zip(header, values, strict=False) if name}
        if any(cell_text(v) for v in cells.values()):
            data.append((number, cells))
    return Sheet(worksheet.title, header, data)


@dataclass
class Labels:
    """Which column holds each language's labels in one sheet."""

    zh: str | None = None
    en: str | None = None


@dataclass
class Collector:
    """Problems (which stop the import) and warnings (which do not), in the order found."""

    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    warned_columns: set[tuple[str, str]] = field(default_factory=set)

    def error(self, sheet: str, row: int | None, column: str | None, message: str) -> None:
        self.problems.append(Problem(sheet, row, column, message))

    def warn(self, sheet: str, row: int | None, column: str | None, message: str) -> None:
        self.warnings.append(Problem(sheet, row, column, message))

    # --- labels ---------------------------------------------------------------------------

    def label_columns(self, sheet: Sheet, default_language: str) -> Labels:
        labels = Labels()
        for column in sheet.header:
            if column == "label":
                language = default_language
            elif column.startswith("label::"):
                language = language_of(column[len("label::") :])
            else:
                continue
            if language not in ("zh", "en"):
                self.warn(sheet.title, 1, column, _("只导入中文和英文标签，这一列已忽略"))
            elif getattr(labels, language) is None or column != "label":
                setattr(labels, language, column)
        if labels.zh is None:
            self.error(
                sheet.title, 1, None, _("没有中文标签列（应为 label::中文 (zh)，或默认语言为中文时的 label）")
            )
        elif labels.en is None:
            self.warn(sheet.title, 1, None, _("没有英文标签列（label::English (en)）：英文界面将显示中文"))
        return labels

    def label_pair(self, sheet: Sheet, labels: Labels, row: int, cells: dict, what: str) -> tuple[str, str]:
        zh = name_text(cells.get(labels.zh)) if labels.zh else ""
        en = name_text(cells.get(labels.en)) if labels.en else ""
        if labels.zh and not zh:
            self.error(sheet.title, row, labels.zh, _("%(what)s缺少中文标签") % {"what": what})
        if labels.en and not en and zh:
            self.warn(sheet.title, row, labels.en, _("%(what)s缺少英文标签") % {"what": what})
        return zh, en

    # --- cells ----------------------------------------------------------------------------

    def number(self, sheet: str, row: int, column: str, value: Any, *, integer: bool = False) -> float | None:
        text = cell_text(value)
        if text == "":
            return None
        try:
            number = float(text)
        except ValueError:
            self.error(sheet, row, column, _("%(text)r 不是数字") % {"text": text})
            return None
        if number < 0 or number != number or (integer and not number.is_integer()):
            self.error(
                sheet,
                row,
                column,
                (_("%(text)r 应为非负整数") if integer else _("%(text)r 应为非负数")) % {"text": text},
            )
            return None
        if integer and number > INTEGER_MAX:  # a target or population past the database's column
            self.error(
                sheet,
                row,
                column,
                _("%(text)r 超出范围：应为不大于 %(max)d 的非负整数") % {"text": text, "max": INTEGER_MAX},
            )
            return None
        return int(number) if integer or number.is_integer() else number

    def flag(self, sheet: str, row: int, column: str, value: Any) -> bool:
        text = cell_text(value).lower()
        if text in YES:
            return True
        if text not in NO:
            self.error(sheet, row, column, _("%(text)r 应为 yes 或 no") % {"text": text})
        return False

    def code(self, sheet: str, row: int, value: Any, what: str, column: str = "name") -> str:
        code = cell_text(value)
        if not code:
            self.error(sheet, row, column, _("%(what)s缺少代码") % {"what": what})
        elif len(code) > 40 or not CODE.match(code):
            self.error(
                sheet,
                row,
                column,
                _("%(what)s代码 %(code)r 应为不超过 40 个字符的字母、数字、_、-")
                % {"what": what, "code": code},
            )
        return code

    def length(self, sheet: str, row: int, column: str | None, text: str, limit: int, what: str) -> None:
        if len(text) > limit:
            self.error(sheet, row, column, _("%(what)s超过 %(n)d 个字符") % {"what": what, "n": limit})

    def other_columns(self, sheet: Sheet, row: int, cells: dict, known: set[str], *, role: bool) -> None:
        """Name every column of this row that we do not use, by what it would have meant."""
        for column, value in cells.items():
            if column in known or column.startswith("label") or cell_text(value) == "":
                continue
            if LOGIC.match(column) and not (role and column in LOGIC_ON_ROLES):
                self.error(
                    sheet.title,
                    row,
                    column,
                    _("不支持 %(column)s（跳转、计算或校验逻辑无法保留）") % {"column": column},
                )
            elif (sheet.title, column) not in self.warned_columns and not role:
                self.warned_columns.add((sheet.title, column))
                kind = _("显示设置") if PRESENTATION.match(column) else _("未知列")
                self.warn(
                    sheet.title,
                    row,
                    column,
                    _("%(kind)s %(column)s 不导入（此后各行同样忽略）") % {"kind": kind, "column": column},
                )


def load_sheets(workbook) -> dict[str, Sheet]:
    """Every sheet by its lowered name (XLSForm tools accept 'Survey' for 'survey')."""
    return {ws.title.strip().lower(): _load_sheet(ws) for ws in workbook.worksheets}
