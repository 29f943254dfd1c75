"""An XLSForm workbook read into a survey design, every problem named by sheet, row and column.

See `surveys.xlsform` for the mapping. Nothing here touches the database: `read_xlsform`
returns a `SurveyDesign` and warnings, or raises `XLSFormError` listing every problem found.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from stats.scheme import SchemeError, parse_scheme
from surveys.answers import MAX_OPTIONS
from surveys.design import (
    AgeBandSpec,
    DimensionSpec,
    GroupSpec,
    ItemSpec,
    OptionSpec,
    QuotaSpec,
    SurveyDesign,
    VillageSpec,
)
from surveys.xlsform.conventions import QUOTA_COLUMNS, ROLE_COLUMN, ROLES, Problem, XLSFormError, language_of
from surveys.xlsform.sheets import (
    KNOWN_CHOICES,
    KNOWN_SURVEY,
    METADATA,
    OUR_SETTINGS,
    PYXFORM_SETTINGS,
    SLUG,
    Collector,
    Labels,
    Sheet,
    cell_text,
    load_sheets,
    name_text,
)

MAX_ITEMS = 255  # one character per item in Response.answers
MAX_PROBLEMS = 50
KNOWN_SHEETS = {"survey", "choices", "settings", "quotas"}
UNSUPPORTED_TYPES = {
    "select_multiple": gettext_noop("不支持多选题 select_multiple：每道满意度题目只能选一个答案"),
    "select_all_that_apply": gettext_noop("不支持多选题 select_all_that_apply：每道满意度题目只能选一个答案"),
    "select_one_from_file": gettext_noop("不支持 select_one_from_file：选项须写在 choices 表中"),
    "select_multiple_from_file": gettext_noop("不支持 select_multiple_from_file"),
    "rank": gettext_noop("不支持排序题 rank"),
    "calculate": gettext_noop("不支持计算字段 calculate"),
    "begin_repeat": gettext_noop("不支持重复组 begin_repeat"),
    "end_repeat": gettext_noop("不支持重复组 end_repeat"),
}


@dataclass
class _Dimension:
    code: str
    name: str
    name_en: str
    row: int
    weight: float | None
    has_items: bool = False


@dataclass
class _Questions:
    dimensions: dict[str, _Dimension] = field(default_factory=dict)
    items: list[tuple[ItemSpec, int, float | None]] = field(default_factory=list)
    answer_list: tuple[str, int] | None = None
    roles: dict[str, tuple[str, int]] = field(default_factory=dict)  # role → (list name, row)


@dataclass
class _Choice:
    row: int
    code: str
    cells: dict[str, Any]


def _type_of(cells: dict) -> tuple[str, list[str]]:
    """'select_one answer' → ('select_one', ['answer']); 'begin group' → ('begin_group', [])."""
    words = cell_text(cells.get("type")).lower().split()
    if len(words) >= 2 and words[0] in ("begin", "end"):
        words = [f"{words[0]}_{words[1]}", *words[2:]]
    if words and words[0] in ("select", "select1"):
        words = ["select_one", *words[1:]] if len(words) > 1 and words[1] == "one" else words
    return (words[0] if words else ""), words[1:]


class _Parser:
    def __init__(self, sheets: dict[str, Sheet], collector: Collector):
        self.sheets = sheets
        self.c = collector

    # --- settings -------------------------------------------------------------------------

    def settings(self) -> dict[str, Any]:
        sheet = self.sheets.get("settings")
        if sheet is None:
            return {}
        for column in sheet.header:
            if column and column not in OUR_SETTINGS | PYXFORM_SETTINGS:
                self.c.warn("settings", 1, column, _("未知设置 %(column)s，不导入") % {"column": column})
        if len(sheet.rows) > 1:
            self.c.warn("settings", sheet.rows[1][0], None, _("settings 表只读第一行，其余各行已忽略"))
        return sheet.rows[0][1] if sheet.rows else {}

    # --- survey sheet ---------------------------------------------------------------------

    def questions(self, default_language: str) -> _Questions:
        sheet, c, found = self.sheets["survey"], self.c, _Questions()
        for column in ("type", "name"):
            if not sheet.has(column):
                c.error("survey", 1, column, _("缺少 %(column)s 列") % {"column": column})
        labels = c.label_columns(sheet, default_language)
        if c.problems:
            return found
        open_group: _Dimension | None = None
        item_rows: dict[str, int] = {}
        for row, cells in sheet.rows:
            kind, args = _type_of(cells)
            name = cell_text(cells.get("name"))
            role = cell_text(cells.get(ROLE_COLUMN)).lower()
            if role and role not in ROLES:
                c.error(
                    "survey",
                    row,
                    ROLE_COLUMN,
                    _("未知角色 %(role)r；应为 %(known)s 之一") % {"role": role, "known": ", ".join(ROLES)},
                )
                continue
            if not kind:
                c.error("survey", row, "type", _("缺少题型"))
            elif kind in UNSUPPORTED_TYPES:
                c.error("survey", row, "type", _(UNSUPPORTED_TYPES[kind]))
            elif kind in METADATA:
                c.warn("survey", row, "type", _("%(kind)s 不含满意度答案，不导入") % {"kind": kind})
            elif kind == "begin_group":
                if open_group is not None:
                    c.error(
                        "survey",
                        row,
                        "type",
                        _("不支持嵌套分组：第 %(row)d 行的分组尚未结束") % {"row": open_group.row},
                    )
                    continue
                code = c.code("survey", row, name, _("维度"))
                if code in found.dimensions:
                    c.error(
                        "survey",
                        row,
                        "name",
                        _("维度代码 %(code)s 重复（第 %(row)d 行）")
                        % {"code": code, "row": found.dimensions[code].row},
                    )
                zh, en = c.label_pair(sheet, labels, row, cells, _("维度 %(code)s ") % {"code": code})
                self._lengths("survey", row, labels, zh, en, 100, _("维度名称"))
                weight = c.number("survey", row, "weight", cells.get("weight"))
                c.other_columns(sheet, row, cells, KNOWN_SURVEY, role=False)
                open_group = _Dimension(code, zh, en, row, weight)
            elif kind == "end_group":
                if open_group is None:
                    c.error("survey", row, "type", _("end_group 之前没有对应的 begin_group"))
                elif not open_group.has_items:
                    if open_group.weight is not None:
                        c.error(
                            "survey",
                            open_group.row,
                            "weight",
                            _("分组 %(code)s 没有题目，不能有权重") % {"code": open_group.code},
                        )
                    else:
                        c.warn(
                            "survey",
                            open_group.row,
                            "type",
                            _("分组 %(code)s 没有题目，不作为维度导入") % {"code": open_group.code},
                        )
                open_group = None
            elif kind == "select_one":
                self._select_one(found, sheet, labels, row, cells, args, name, role, open_group, item_rows)
            elif kind == "text" and (role or name) == "comment":
                c.other_columns(sheet, row, cells, KNOWN_SURVEY, role=True)
                self._role(found, "comment", "", row)
            elif kind == "text":
                c.error("survey", row, "type", _("不支持文本题 text（只有意见建议题 comment 可以是文本）"))
            else:
                c.error("survey", row, "type", _("不支持题型 %(kind)s") % {"kind": kind})
        if open_group is not None:
            c.error(
                "survey",
                open_group.row,
                "type",
                _("分组 %(code)s 没有 end_group") % {"code": open_group.code},
            )
        if not found.items and not c.problems:
            c.error("survey", None, None, _("没有任何 select_one 满意度题目"))
        if len(found.items) > MAX_ITEMS:
            c.error(
                "survey",
                None,
                None,
                _("题目太多：%(n)d 道，最多 %(max)d 道") % {"n": len(found.items), "max": MAX_ITEMS},
            )
        return found

    def _role(self, found: _Questions, role: str, list_name: str, row: int) -> None:
        if role in found.roles:
            self.c.error(
                "survey",
                row,
                ROLE_COLUMN,
                _("角色 %(role)s 重复（第 %(row)d 行）") % {"role": role, "row": found.roles[role][1]},
            )
        found.roles[role] = (list_name, row)

    def _select_one(self, found, sheet, labels, row, cells, args, name, role, open_group, item_rows) -> None:
        c = self.c
        if len(args) != 1:
            what = "or_other" if "or_other" in args else _("选项列表名")
            c.error(
                "survey",
                row,
                "type",
                _("select_one 后应只有一个选项列表名（不支持 %(what)s）") % {"what": what},
            )
            return
        list_name = args[0]
        role = role or (name if name in ("group", "village", "age_band") else "")
        if role == "comment":
            c.error("survey", row, ROLE_COLUMN, _("comment（意见建议）应为 text 题"))
            return
        if role:
            c.other_columns(sheet, row, cells, KNOWN_SURVEY, role=True)
            self._role(found, role, list_name, row)
            return
        code = c.code("survey", row, name, _("题目"))
        if code in item_rows:
            c.error(
                "survey",
                row,
                "name",
                _("题目代码 %(code)s 重复（第 %(row)d 行）") % {"code": code, "row": item_rows[code]},
            )
        item_rows.setdefault(code, row)
        if found.answer_list is None:
            found.answer_list = (list_name, row)
        elif found.answer_list[0] != list_name:
            first, first_row = found.answer_list
            c.error(
                "survey", row, "type",
                _("所有题目须用同一个选项列表：这里是 %(here)s，第 %(row)d 行是 %(first)s")
                % {"here": list_name, "row": first_row, "first": first},
            )  # fmt: skip
        zh, en = c.label_pair(sheet, labels, row, cells, _("题目 %(code)s ") % {"code": code})
        self._lengths("survey", row, labels, zh, en, 300, _("题目"))
        weight = c.number("survey", row, "weight", cells.get("weight"))
        c.other_columns(sheet, row, cells, KNOWN_SURVEY, role=False)
        dimension = self._dimension_of(found, row, cells, open_group)
        found.items.append((ItemSpec(code, dimension, zh, en), row, weight))

    def _dimension_of(self, found: _Questions, row: int, cells: dict, open_group: _Dimension | None) -> str:
        column = cell_text(cells.get("dimension"))
        if open_group is not None:
            if column and column != open_group.code:
                self.c.error(
                    "survey", row, "dimension",
                    _("dimension 列为 %(column)s，但题目在分组 %(group)s（第 %(row)d 行）中")
                    % {"column": column, "group": open_group.code, "row": open_group.row},
                )  # fmt: skip
            open_group.has_items = True
            found.dimensions.setdefault(open_group.code, open_group)
            return open_group.code
        if not column:
            self.c.error(
                "survey",
                row,
                "dimension",
                _("题目不属于任何维度：请放进 begin_group 分组，或填写 dimension 列"),
            )
        elif column not in found.dimensions:
            self.c.code("survey", row, column, _("维度"), column="dimension")
            self.c.warn(
                "survey", row, "dimension",
                _("维度 %(code)s 只出现在 dimension 列，没有名称：暂用代码作名称，请在管理后台补上中英文名称")
                % {"code": column},
            )  # fmt: skip
            found.dimensions[column] = _Dimension(column, column, "", row, None, has_items=True)
        return column

    def _lengths(self, sheet: str, row: int, labels: Labels, zh: str, en: str, limit: int, what: str) -> None:
        self.c.length(sheet, row, labels.zh, zh, limit, what)
        self.c.length(sheet, row, labels.en, en, limit, what)

    # --- choices sheet --------------------------------------------------------------------

    def choice_lists(self, default_language: str) -> tuple[dict[str, list[_Choice]], Labels]:
        sheet, c = self.sheets["choices"], self.c
        lists: dict[str, list[_Choice]] = {}
        for column in ("list_name", "name"):
            if not sheet.has(column):
                c.error("choices", 1, column, _("缺少 %(column)s 列") % {"column": column})
        labels = c.label_columns(sheet, default_language)
        if not (sheet.has("list_name") and sheet.has("name")):
            return lists, labels
        seen: dict[tuple[str, str], int] = {}
        for row, cells in sheet.rows:
            list_name = cell_text(cells.get("list_name"))
            if not list_name:
                c.error("choices", row, "list_name", _("缺少列表名"))
                continue
            code = c.code("choices", row, cells.get("name"), _("选项"))
            if (list_name, code) in seen:
                c.error(
                    "choices",
                    row,
                    "name",
                    _("列表 %(list)s 中 %(code)s 重复（第 %(row)d 行）")
                    % {"list": list_name, "code": code, "row": seen[list_name, code]},
                )
            seen.setdefault((list_name, code), row)
            c.other_columns(sheet, row, cells, KNOWN_CHOICES, role=False)
            lists.setdefault(list_name, []).append(_Choice(row, code, cells))
        return lists, labels

    def labelled(self, choices: list[_Choice], labels: Labels, what: str, limit: int):
        sheet = self.sheets["choices"]
        for choice in choices:
            zh, en = self.c.label_pair(
                sheet,
                labels,
                choice.row,
                choice.cells,
                _("%(what)s %(code)s ") % {"what": what, "code": choice.code},
            )
            self._lengths("choices", choice.row, labels, zh, en, limit, what)
            yield choice, zh, en


def _list_for(parser: _Parser, lists: dict, name: str, row: int, what: str) -> list[_Choice]:
    if name not in lists:
        known = ", ".join(lists) or _("（无）")
        parser.c.error(
            "survey",
            row,
            "type",
            _("%(what)s的选项列表 %(name)s 在 choices 表中不存在；已有：%(known)s")
            % {"what": what, "name": name, "known": known},
        )
        return []
    return lists[name]


def _scheme(parser: _Parser, found: _Questions, options, groups, group_weights, min_cell) -> dict | None:
    """The scoring scheme, when the workbook gives any weight or min_cell; else None (defaults)."""
    c, choices = parser.c, parser.sheets["choices"]
    dimension_weights = {d.code: d.weight for d in found.dimensions.values() if d.weight is not None}
    item_weights = {item.code: weight for item, _row, weight in found.items if weight is not None}
    if not (dimension_weights or item_weights or group_weights or min_cell is not None):
        return None
    if dimension_weights:
        for d in found.dimensions.values():
            if d.weight is None:
                c.error(
                    "survey",
                    d.row,
                    "weight",
                    _("维度 %(code)s 缺少权重（其他维度给了权重）") % {"code": d.code},
                )
    else:
        dimension_weights = {code: 1 for code in found.dimensions}
    if group_weights and len(group_weights) < len(groups):
        for group, row in groups:
            if group.code not in group_weights:
                c.error(
                    "choices",
                    row,
                    "weight",
                    _("受访群体 %(code)s 缺少权重（其他群体给了权重）") % {"code": group.code},
                )
    if choices.has("scheme_points"):
        option_points = {
            o.code: c.number("choices", row, "scheme_points", cells.get("scheme_points"))
            for o, row, cells in options
        }
    else:
        option_points = {o.code: o.points for o, _row, _cells in options}
    scheme = {
        "option_points": option_points,
        "dimension_weights": dimension_weights,
        "item_weights": item_weights,
        "group_weights": group_weights or None,
        "min_cell": 5 if min_cell is None else min_cell,
    }
    if not c.problems:
        items = [item for item, _row, _weight in found.items]
        try:
            parse_scheme(
                scheme,
                options=[o.code for o, _row, _cells in options],
                dimensions=list(found.dimensions),
                items=[i.code for i in items],
                groups=[g.code for g, _row in groups],
                item_dimension=[i.dimension for i in items],
            )
        except SchemeError as exc:
            for key, messages in exc.errors.items():
                for message in messages:
                    c.error(
                        "", None, None, _("计分方案 %(key)s：%(message)s") % {"key": key, "message": message}
                    )
    return scheme


def _quotas(parser: _Parser, groups: list[str], villages: list[str], age_bands: list[str]) -> list[QuotaSpec]:
    sheet, c = parser.sheets.get("quotas"), parser.c
    if sheet is None:
        return []
    missing = [col for col in QUOTA_COLUMNS if not sheet.has(col)]
    for column in missing:
        c.error("quotas", 1, column, _("缺少 %(column)s 列") % {"column": column})
    if missing:
        return []
    quotas, seen = [], {}
    for row, cells in sheet.rows:
        group, village, age_band = (cell_text(cells.get(k)) for k in ("group", "village", "age_band"))
        for column, code, known in (
            ("group", group, groups),
            ("village", village, villages),
            ("age_band", age_band, age_bands),
        ):  # noqa: E501
            if (code or column == "group") and code not in known:
                c.error(
                    "quotas",
                    row,
                    column,
                    _("未知代码 %(code)r；应为 %(known)s 之一")
                    % {"code": code, "known": ", ".join(known) or _("（无）")},
                )
        target = c.number("quotas", row, "target", cells.get("target"), integer=True)
        if target is None and cell_text(cells.get("target")) == "":
            c.error("quotas", row, "target", _("缺少目标份数"))
        key = (group, village, age_band)
        if key in seen:
            c.error("quotas", row, None, _("与第 %(row)d 行是同一个配额格") % {"row": seen[key]})
        seen.setdefault(key, row)
        quotas.append(QuotaSpec(group, village or None, age_band or None, target or 0))
    return quotas


def _survey_fields(parser: _Parser, settings: dict, slug: str | None, year: int | None) -> dict:
    c = parser.c
    slug = slug or cell_text(settings.get("form_id")) or cell_text(settings.get("id_string"))
    if not slug:
        c.error("settings", 2, "form_id", _("缺少 form_id（调查代码），也可在导入时指定 --slug"))
    elif len(slug) > 80 or not SLUG.match(slug):
        c.error(
            "settings",
            2,
            "form_id",
            _("调查代码 %(slug)r 只能含字母、数字、-、_，最多 80 个字符") % {"slug": slug},
        )
    title = name_text(settings.get("form_title"))
    if not title:
        c.warn("settings", 2, "form_title", _("缺少 form_title：调查名称暂用 form_id"))
        title = slug
    organisation = name_text(settings.get("organisation"))
    if not organisation:
        c.warn("settings", 2, "organisation", _("缺少 organisation（被评价单位）：暂用调查名称"))
        organisation = title
    if year is None:
        year = c.number("settings", 2, "year", settings.get("year"), integer=True)
        if year is None and cell_text(settings.get("year")) == "":
            c.error("settings", 2, "year", _("缺少年度 year，也可在导入时指定 --year"))
    title_en, organisation_en = (
        name_text(settings.get("title_en")),
        name_text(settings.get("organisation_en")),
    )
    for column, value, limit in (
        ("form_title", title, 200),
        ("title_en", title_en, 200),
        ("organisation", organisation, 200),
        ("organisation_en", organisation_en, 200),
    ):  # noqa: E501
        c.length("settings", 2, column, value, limit, column)
    return {
        "slug": slug,
        "title": title[:200],
        "title_en": title_en,
        "organisation": organisation[:200],
        "organisation_en": organisation_en[:200],
        "year": year or 0,
        "allow_shared_device": c.flag(
            "settings", 2, "allow_shared_device", settings.get("allow_shared_device")
        ),
    }


def _design(parser: _Parser, slug: str | None, year: int | None) -> SurveyDesign | None:
    c = parser.c
    for name in ("survey", "choices"):
        if name not in parser.sheets:
            c.error(name, None, None, _("缺少 %(sheet)s 工作表") % {"sheet": name})
    for name, sheet in parser.sheets.items():
        if name not in KNOWN_SHEETS:
            c.warn(sheet.title, None, None, _("工作表 %(sheet)s 不导入") % {"sheet": sheet.title})
    if c.problems:
        return None
    settings = parser.settings()
    default_language = language_of(cell_text(settings.get("default_language")) or "zh")
    found = parser.questions(default_language)
    lists, labels = parser.choice_lists(default_language)
    if c.problems:
        return None

    answer_list, answer_row = found.answer_list
    answer_choices = _list_for(parser, lists, answer_list, answer_row, _("题目"))
    options = []
    for choice, zh, en in parser.labelled(answer_choices, labels, _("选项"), 50):
        points = c.number("choices", choice.row, "points", choice.cells.get("points"))
        options.append((OptionSpec(choice.code, zh, en, points), choice.row, choice.cells))
    if answer_choices and not parser.sheets["choices"].has("points"):
        c.warn("choices", 1, "points", _("没有 points 列：选项都不计分，请在管理后台补上分值"))
    if len(options) > MAX_OPTIONS:
        c.error(
            "choices",
            None,
            None,
            _("选项列表 %(list)s 有 %(n)d 个选项，最多 %(max)d 个")
            % {"list": answer_list, "n": len(options), "max": MAX_OPTIONS},
        )

    def role_list(role: str, what: str) -> list[_Choice]:
        if role not in found.roles:
            return []
        list_name, row = found.roles[role]
        return _list_for(parser, lists, list_name, row, what)

    groups, group_weights = [], {}
    for choice, zh, en in parser.labelled(role_list("group", _("受访群体")), labels, _("受访群体"), 100):
        cells, row = choice.cells, choice.row
        population = c.number("choices", row, "population", cells.get("population"), integer=True)
        by_village = c.flag("choices", row, "by_village", cells.get("by_village"))
        groups.append((GroupSpec(choice.code, zh, en, by_village, population), row))
        weight = c.number("choices", row, "weight", cells.get("weight"))
        if weight is not None:
            group_weights[choice.code] = weight
    if "group" not in found.roles:
        c.warn(
            "survey", None, None, _("没有受访群体题（group）：导入后请在管理后台添加受访群体，才能收集答卷")
        )
    age_bands = [
        AgeBandSpec(choice.code, zh, en)
        for choice, zh, en in parser.labelled(role_list("age_band", _("年龄段")), labels, _("年龄段"), 50)
    ]
    villages = [
        VillageSpec(
            choice.code, zh, en, c.flag("choices", choice.row, "placeholder", choice.cells.get("placeholder"))
        )
        for choice, zh, en in parser.labelled(
            role_list("village", _("村（社区）")), labels, _("村（社区）"), 100
        )
    ]
    used = {answer_list, *(name for name, _row in found.roles.values())}
    for name, choices in lists.items():
        if name not in used:
            c.warn(
                "choices",
                choices[0].row,
                "list_name",
                _("列表 %(list)s 没有题目使用，不导入") % {"list": name},
            )

    min_cell = c.number("settings", 2, "min_cell", settings.get("min_cell"), integer=True)
    scheme = _scheme(parser, found, options, groups, group_weights, min_cell)
    quotas = _quotas(
        parser, [g.code for g, _row in groups], [v.code for v in villages], [a.code for a in age_bands]
    )
    fields = _survey_fields(parser, settings, slug, year)
    return SurveyDesign(
        **fields,
        scheme=scheme,
        dimensions=[DimensionSpec(d.code, d.name, d.name_en) for d in found.dimensions.values()],
        items=[item for item, _row, _weight in found.items],
        options=[option for option, _row, _cells in options],
        groups=[group for group, _row in groups],
        age_bands=age_bands,
        villages=villages,
        quotas=quotas,
    )


def read_xlsform(
    source: BinaryIO | str, *, slug: str | None = None, year: int | None = None
) -> tuple[SurveyDesign, list[Problem]]:
    """The design the workbook describes, and warnings; raises XLSFormError on any problem.

    `slug` and `year` take the place of the settings sheet's form_id and year.
    """
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise XLSFormError(
            [Problem("", None, None, _("不是可读取的 .xlsx 工作簿（%(error)s）") % {"error": exc})]
        ) from None
    try:
        sheets = load_sheets(workbook)
    finally:
        workbook.close()
    collector = Collector()
    design = _design(_Parser(sheets, collector), slug, year)
    if collector.problems or design is None:
        raise XLSFormError(collector.problems[:MAX_PROBLEMS])
    return design, collector.warnings
