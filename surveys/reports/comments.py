"""The 意见建议 download: every listed comment as an Excel sheet, as the comments page lists them
(surveys/selectors_comments.py: counted responses only, small cells' villages not named)."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from surveys.localized import localized
from surveys.models import Survey
from surveys.reports.xlsx import ALERT, HEADER_FILL, NOTE, put_cell
from surveys.selectors_comments import SurveyComments


def comments_xlsx(survey: Survey, listed: SurveyComments, *, left_out: int = 0, words: str = "") -> bytes:
    """One sheet: what it is, then a row per comment (number, village, group, text), the text
    wrapped in a wide column; a comment starting with "=" stays text (put_cell). `left_out`: the
    comments that say nothing (无, 没有意见) not in `listed`, said under the title; `words`: what the
    list was narrowed to, said too."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("意见建议")
    title = _("%(survey)s · 意见建议") % {"survey": localized(survey)}
    notes = [
        (title, Font(bold=True, size=12)),
        *(
            [
                (
                    ngettext(
                        "注意：%(n)s 份答卷为合成演示数据，其中的意见建议也是编写的，并非真实受访者所写。",
                        "注意：%(n)s 份答卷为合成演示数据，其中的意见建议也是编写的，并非真实受访者所写。",
                        listed.synthetic,
                    )
                    % {"n": listed.synthetic},
                    ALERT,
                )
            ]
            if listed.synthetic
            else []
        ),
        (
            # The comments page's own words: a group too small is not named either.
            _(
                "剔除的答卷不列出。一个村（社区）的某一群体计入的答卷少于 %(k)s 份时不写村名，一个群体少于 %(k)s 份时村名和群体都不写，以免认出是谁写的；按村、群体和内容排列，与答卷先后无关。"
            )
            % {"k": listed.min_cell},
            NOTE,
        ),
        *(
            [
                (
                    ngettext(
                        "只写了“无”“没有意见”之类的 %(n)s 份未列出。",
                        "只写了“无”“没有意见”之类的 %(n)s 份未列出。",
                        left_out,
                    )
                    % {"n": left_out},
                    NOTE,
                )
            ]
            if left_out
            else []
        ),
        *([(_("只列出含“%(words)s”的意见建议。") % {"words": words}, NOTE)] if words else []),
        (
            _("%(slug)s · 生成时间：%(at)s")
            % {"slug": survey.slug, "at": timezone.localtime().strftime("%Y-%m-%d %H:%M")},
            NOTE,
        ),
    ]
    for r, (text, font) in enumerate(notes, start=1):
        put_cell(sheet, r, 1, text).font = font
    first = len(notes) + 2
    headers = [_("序号"), _("村（社区）"), _("受访群体"), _("意见建议"), _("同样的话共几份")]
    for c, header in enumerate(headers, start=1):
        cell = put_cell(sheet, first, c, header)
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
    wrap = Alignment(wrap_text=True, vertical="top")
    for n, comment in enumerate(listed.comments, start=1):
        village = comment.village or (_("（村名不列出）") if comment.withheld else "")
        group = comment.group or _("（群体不列出）")
        same = comment.same if comment.same > 1 else None
        for c, value in enumerate([n, village, group, comment.text, same], start=1):
            put_cell(sheet, first + n, c, value).alignment = wrap
    for column, width in zip("ABCDE", (6, 18, 16, 80, 10), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = sheet.cell(row=first + 1, column=1)
    workbook.properties.title = title
    workbook.properties.creator = _("满意度")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
