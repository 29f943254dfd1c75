"""A survey design written as an XLSForm workbook that pyxform converts and ODK/Kobo can run.

See `surveys.xlsform` for the mapping. The workbook has the three standard sheets plus a
`quotas` sheet that pyxform ignores; the extra columns (weight, points, role …) are ignored by
pyxform too, so the same file serves ODK and a later import here.
"""

from __future__ import annotations

import hashlib
import io
import json

from openpyxl import Workbook
from openpyxl.styles import Font

from surveys.design import SurveyDesign
from surveys.xlsform.conventions import (
    ANSWER_LIST,
    EN_LABEL,
    NAMESPACE_SETTING,
    QUOTA_COLUMNS,
    ROLE_COLUMN,
    ROLE_LABELS,
    ZH_LABEL,
    ZH_LANGUAGE,
)

SURVEY_COLUMNS = [
    "type",
    "name",
    ZH_LABEL,
    EN_LABEL,
    "required",
    "relevant",
    "appearance",
    "weight",
    ROLE_COLUMN,
]
CHOICE_COLUMNS = ["list_name", "name", ZH_LABEL, EN_LABEL, "points"]
GROUP_COLUMNS = ["by_village", "population", "weight"]
SETTINGS_COLUMNS = [
    "form_id", "form_title", "title_en", "version", "default_language", "namespaces",
    "organisation", "organisation_en", "year", "allow_shared_device", "min_cell",
]  # fmt: skip


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def form_version(design: SurveyDesign) -> str:
    """Changes whenever the questionnaire does, as ODK Central wants for a re-uploaded form."""
    questionnaire = [design.dimensions, design.items, design.options]
    text = json.dumps(questionnaire, default=lambda o: o.__dict__, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:10]


def _sheet(workbook: Workbook, title: str, header: list[str], rows: list[list]):
    sheet = workbook.create_sheet(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([None if value in ("", None) else value for value in row])
    for index, name in enumerate(header):
        letter = sheet.cell(row=1, column=index + 1).column_letter
        sheet.column_dimensions[letter].width = 40 if name.startswith("label") else max(12, len(name) + 2)
    return sheet


def _survey_rows(design: SurveyDesign) -> list[list]:
    scheme = design.scheme or {}
    dimension_weights = scheme.get("dimension_weights") or {}
    item_weights = scheme.get("item_weights") or {}

    def role_row(kind: str, role: str, *, required: str = "", relevant: str = "", appearance: str = ""):
        zh, en = ROLE_LABELS[role]
        return [kind, role, zh, en, required, relevant, appearance, None, role]

    rows = []
    sampled = [g.code for g in design.groups if g.by_village]
    # Villages and age bands are asked of the groups sampled per village only.
    per_village = " or ".join(f"selected(${{group}}, '{code}')" for code in sampled) if design.groups else ""
    if design.groups:
        rows.append(role_row("select_one group", "group", required="yes"))
    if design.villages:
        rows.append(role_row("select_one village", "village", required="yes", relevant=per_village))
    if design.age_bands:
        rows.append(role_row("select_one age_band", "age_band", required="yes", relevant=per_village))
    for dimension in design.dimensions:
        rows.append(
            ["begin_group", dimension.code, dimension.name, dimension.name_en, None, None, "field-list",
             dimension_weights.get(dimension.code), None]
        )  # fmt: skip
        for item in design.items:
            if item.dimension == dimension.code:
                rows.append(
                    [f"select_one {ANSWER_LIST}", item.code, item.text, item.text_en, None, None, None,
                     item_weights.get(item.code), None]
                )  # fmt: skip
        rows.append(["end_group", dimension.code, None, None, None, None, None, None, None])
    rows.append(role_row("text", "comment", appearance="multiline"))
    return rows


def _choice_rows(design: SurveyDesign, scheme_points: bool) -> list[list]:
    scheme = design.scheme or {}
    option_points = scheme.get("option_points") or {}
    group_weights = scheme.get("group_weights") or {}
    rows = []
    for option in design.options:
        row = [ANSWER_LIST, option.code, option.label, option.label_en, option.points]
        rows.append(row + ([None] * 3 + [option_points.get(option.code)] if scheme_points else []))
    for group in design.groups:
        rows.append(
            ["group", group.code, group.name, group.name_en, None, _yes(group.by_village), group.population,
             group_weights.get(group.code)]
        )  # fmt: skip
    for band in design.age_bands:
        rows.append(["age_band", band.code, band.label, band.label_en])
    for village in design.villages:
        rows.append(
            ["village", village.code, village.name, village.name_en, None, None, None, None]
            + ([None] if scheme_points else [])
            + [_yes(village.is_placeholder)]
        )
    return rows


def _scheme_points_differ(design: SurveyDesign) -> bool:
    """The scheme may score options otherwise than their default points: keep both then."""
    points = (design.scheme or {}).get("option_points")
    if design.scheme is None or points is None:
        return False
    return any(points.get(o.code) != o.points for o in design.options) or set(points) != {
        o.code for o in design.options
    }


def write_xlsform(design: SurveyDesign) -> Workbook:
    workbook = Workbook()
    workbook.remove(workbook.active)
    _sheet(workbook, "survey", SURVEY_COLUMNS, _survey_rows(design))
    scheme_points = _scheme_points_differ(design)
    choice_columns = (
        CHOICE_COLUMNS + GROUP_COLUMNS + (["scheme_points"] if scheme_points else []) + ["placeholder"]
    )
    _sheet(workbook, "choices", choice_columns, _choice_rows(design, scheme_points))
    min_cell = design.scheme.get("min_cell", 5) if design.scheme is not None else None
    settings = [
        design.slug, design.title, design.title_en, form_version(design), ZH_LANGUAGE, NAMESPACE_SETTING,
        design.organisation, design.organisation_en, design.year, _yes(design.allow_shared_device), min_cell,
    ]  # fmt: skip
    _sheet(workbook, "settings", SETTINGS_COLUMNS, [settings])
    quotas = [[q.group, q.village, q.age_band, q.target] for q in design.quotas]
    _sheet(workbook, "quotas", QUOTA_COLUMNS, quotas)
    return workbook


def xlsform_bytes(design: SurveyDesign) -> bytes:
    buffer = io.BytesIO()
    write_xlsform(design).save(buffer)
    return buffer.getvalue()
