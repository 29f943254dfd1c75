"""Questionnaires as XLSForm workbooks (the ODK / KoboToolbox / SurveyCTO standard).

Export writes a workbook that pyxform converts into a working ODK form; import reads a
workbook, ours or hand-written, into a new draft survey, all or nothing. Export → import gives
back the same design (questionnaire, scheme, groups, age bands, villages, quotas).

Mapping
-------
``survey`` sheet (row 1 is the header; columns may come in any order):

- ``begin_group`` / ``end_group`` → a dimension: ``name`` is its code, the labels its name.
  Groups do not nest. A group with no items (e.g. one wrapping an introduction) is skipped
  with a warning.
- ``select_one LIST`` → an item: ``name`` is the item code, the labels its text. Every item
  uses the same list (our questionnaire has one set of answer options); a second list is an
  error. An item outside any group takes its dimension from the ``dimension`` column (a
  dimension named only there gets its code as name, with a warning).
- ``weight`` on a ``begin_group`` row → the scheme's ``dimension_weights``; on an item row →
  ``item_weights``. Give all dimensions a weight or none (then each weighs 1).
- Labels: ``label::中文 (zh)`` and ``label::English (en)`` (any ``label::<name> (zh|en)``;
  a plain ``label`` is the settings' ``default_language``, Chinese when not given). Chinese is
  required; a missing English label is a warning naming the cell, and so is a workbook
  without an English column. Other languages are ignored with a warning.
- Respondent questions never become items. They are recognised by the column
  ``bind::manyidu:role`` (values ``group``, ``village``, ``age_band``, ``comment``; pyxform
  writes it as a ``manyidu:role`` attribute on the bind, harmless to ODK), or, without that
  column, by the names ``group``, ``village``, ``age_band`` (``select_one``) and ``comment``
  (``text``). Their lists on the ``choices`` sheet give the survey's groups, villages and age
  bands. ``relevant`` is allowed on them (the written form asks the village and the age band
  only of groups sampled per village).
- Not supported, each an error naming sheet, row and column: ``select_multiple``,
  ``select_one … or_other``, ``select_one_from_file``, ``rank``, ``calculate``, repeats, any
  other question type (``text`` other than the comment, ``integer``, ``date`` …), nested
  groups, and skip logic or calculations on items (``relevant``, ``constraint``,
  ``calculation``, ``choice_filter``, ``default`` …). Notes and metadata (``start``, ``end``,
  ``deviceid`` …) and display-only columns (``hint``, ``required``, media) are skipped with a
  warning; ``appearance`` is skipped silently.

``choices`` sheet: ``list_name``, ``name`` (the code), labels, and our columns:
``points`` on the answer list (blank = not scored, e.g. ``dont_know``: left out of every mean);
``scheme_points`` when the scheme scores options otherwise than their default points;
``by_village``, ``population`` and ``weight`` (the scheme's ``group_weights``) on the group
list; ``placeholder`` on the village list (yes = a village still to be named).

``settings`` sheet: ``form_id`` → slug, ``form_title`` → title, ``default_language``, and our
``title_en``, ``organisation``, ``organisation_en``, ``year``, ``allow_shared_device``, ``min_cell``. ``version`` is
written (a digest of the questionnaire, so ODK Central sees a changed form) and not read.

``quotas`` sheet (ours; pyxform ignores sheets it does not know): ``group``, ``village``,
``age_band``, ``target``.

The scheme: when the workbook gives any weight or ``min_cell`` the survey gets a scheme
(``option_points`` from the points, missing ``min_cell`` = 5, checked by
``stats.parse_scheme``); without any, the survey has no scheme and scores with the options'
default points and equal dimension weights. The written form carries ``default_language``
中文 (zh) so ODK shows Chinese first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from surveys.design import survey_design
from surveys.models import Survey
from surveys.services.survey_copy import survey_create_from_design
from surveys.xlsform.conventions import Problem, XLSFormError
from surveys.xlsform.reader import read_xlsform
from surveys.xlsform.writer import xlsform_bytes

__all__ = ["ImportedSurvey", "Problem", "XLSFormError", "survey_export_xlsform", "survey_import_xlsform"]


@dataclass
class ImportedSurvey:
    survey: Survey
    warnings: list[Problem]


def survey_import_xlsform(
    *,
    source: BinaryIO | str,
    slug: str | None = None,
    year: int | None = None,
    issue_invitations: bool = False,
) -> ImportedSurvey:
    """A new draft survey from the workbook, or XLSFormError naming every problem."""
    design, warnings = read_xlsform(source, slug=slug, year=year)
    if Survey.objects.filter(slug=design.slug).exists():
        column = None if slug else "form_id"
        raise XLSFormError(
            [
                Problem(
                    "settings",
                    2,
                    column,
                    _("调查代码 %(slug)s 已存在，请换一个（--slug）") % {"slug": design.slug},
                )
            ]
        )
    try:
        survey = survey_create_from_design(design=design, issue_invitations=issue_invitations)
    except ValidationError as exc:
        raise XLSFormError([Problem("", None, None, message) for message in exc.messages]) from None
    return ImportedSurvey(survey, warnings)


def survey_export_xlsform(*, survey: Survey) -> bytes:
    """The survey's design as an .xlsx XLSForm workbook."""
    return xlsform_bytes(survey_design(survey))
