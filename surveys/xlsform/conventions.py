"""Names shared by the XLSForm reader and writer, and the problems the reader reports."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

ROLE_COLUMN = "bind::manyidu:role"
NAMESPACE_SETTING = 'manyidu="urn:manyidu:xforms"'
ZH_LABEL = "label::中文 (zh)"
EN_LABEL = "label::English (en)"
ZH_LANGUAGE = "中文 (zh)"
ANSWER_LIST = "answer"

# Questions that describe the respondent rather than rate anything: they never become items.
ROLES = ("group", "village", "age_band", "comment")
ROLE_LABELS = {
    "group": ("受访群体", "Respondent group"),
    "village": ("村（社区）", "Village"),
    "age_band": ("年龄段", "Age band"),
    "comment": ("意见建议", "Comments and suggestions"),
}

QUOTA_COLUMNS = ["group", "village", "age_band", "target"]

_LANGUAGE_CODE = re.compile(r"\(\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)?\s*\)\s*$")


def language_of(name: str) -> str:
    """'中文 (zh)', 'Chinese (zh-CN)', 'zh' → 'zh'; 'English (en)', 'en' → 'en'; else the name lowered."""
    match = _LANGUAGE_CODE.search(name)
    if match:
        return match.group(1).lower()
    lowered = name.strip().lower()
    if lowered in ("zh", "zh-hans", "zh-cn", "chinese", "中文", "汉语", "简体中文"):
        return "zh"
    if lowered in ("en", "english", "英文", "英语"):
        return "en"
    return lowered


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or doubtful) in a workbook, named by sheet, row and column."""

    sheet: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = _("%(sheet)s 表") % {"sheet": self.sheet} if self.sheet else _("工作簿")
        if self.row:
            where += _("第 %(row)d 行") % {"row": self.row}
        if self.column:
            where += _("（%(column)s 列）") % {"column": self.column}
        return _("%(where)s：%(message)s") % {"where": where, "message": self.message}


class XLSFormError(Exception):
    """The workbook cannot be imported; `problems` lists every reason found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
