"""The collection progress as an Excel workbook, for staff to pass on (to the village committees
in a WeChat group, to the office): what is still missing and where, every quota's count, as the
staff page shows them (surveys/selectors_progress.py) — counts only, never a score.

Three sheets: 尚缺, the quotas still behind, most urgent first, all of them (the page lists
twenty); 配额进度, every quota cell and every combination responses came in without a quota,
with its responses carrying a data-quality flag;
邀请链接, each link's responses and state (a link nobody has answered through may not have reached
its village yet).
"""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from surveys.localized import localized, place
from surveys.models import Survey
from surveys.reports.xlsx import ALERT, HEADER_FILL, NOTE, fit_widths, put_cell, synthetic_note
from surveys.selectors_progress import Cell, Progress

PERCENT = "0.0%"


def _notes(survey: Survey, progress: Progress, synthetic: int) -> list[tuple[str, Font]]:
    """What every sheet says above its table: the survey, the totals, what the counts are."""
    notes = [(_("%(survey)s · 收集进度") % {"survey": localized(survey)}, Font(bold=True, size=12))]
    if synthetic:
        notes.append((synthetic_note(synthetic), ALERT))
    if progress.target:
        totals = _(
            "已收答卷 %(received)s 份（剔除 %(excluded)s 份不计），配额共 %(target)s 份，计入配额 %(towards)s 份（%(percent)s%%），共缺 %(missing)s 份。"
        ) % {
            "received": progress.received,
            "excluded": progress.excluded,
            "target": progress.target,
            "towards": progress.towards_target,
            "percent": progress.percent,
            "missing": progress.still_needed,
        }
    else:
        totals = _("已收答卷 %(received)s 份（剔除 %(excluded)s 份不计）；还没有设置配额。") % {
            "received": progress.received,
            "excluded": progress.excluded,
        }
    notes.append((totals, Font(bold=True)))
    if progress.nested:
        notes.append(
            (_("有的配额包含其他配额，例如村的配额包含该村各年龄段的配额：各行有重叠，不能相加。"), NOTE)
        )
    notes.append(
        (
            _("%(slug)s · %(status)s · 统计时间：%(at)s")
            % {
                "slug": survey.slug,
                "status": survey.get_status_display(),
                "at": timezone.localtime(progress.generated_at).strftime("%Y-%m-%d %H:%M"),
            },
            NOTE,
        )
    )
    return notes


def _place(cell: Cell) -> list[str | None]:
    """Village, group, age band; a blank cell where the quota names none."""
    return [
        localized(part) if part is not None else None for part in (cell.village, cell.group, cell.age_band)
    ]


def _sheet(sheet, notes: list[tuple[str, Font]], headers: list[str], rows: list[list], formats: dict) -> None:
    for r, (text, font) in enumerate(notes, start=1):
        put_cell(sheet, r, 1, text).font = font
    first = len(notes) + 2
    for c, header in enumerate(headers, start=1):
        cell = put_cell(sheet, first, c, header)
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for r, row in enumerate(rows, start=first + 1):
        for c, value in enumerate(row, start=1):
            cell = put_cell(sheet, r, c, value)
            if c in formats and isinstance(value, int | float):
                cell.number_format = formats[c]
    fit_widths(sheet, headers, rows, cap=30)
    sheet.freeze_panes = sheet.cell(row=first + 1, column=1)
    # Filters on the header: a village committee picks its own rows out.
    sheet.auto_filter.ref = f"A{first}:{get_column_letter(len(headers))}{first + max(len(rows), 1)}"


def progress_xlsx(survey: Survey, progress: Progress, invitations: list[dict]) -> bytes:
    """`invitations`: the staff page's table of links (surveys.dashboard.views._invitation_rows),
    their addresses given only to those who hand links out, and only for links still in use."""
    notes = _notes(survey, progress, progress.synthetic)
    where = [_("村（社区）"), _("受访群体"), _("年龄段")]
    workbook = Workbook()

    missing = workbook.active
    missing.title = pgettext("进度表", "尚缺")
    behind = progress.missing
    rows = [[n, *_place(c), c.target, c.received, c.missing] for n, c in enumerate(behind, start=1)]
    if not progress.target:
        said = _(
            "还没有设置配额：在管理后台的“配额”页为各村（社区）、受访群体和年龄段填写目标份数后，这里会列出尚缺的份数。"
        )
    elif not behind:
        said = _("各配额均已完成。")
    else:
        said = _("最紧迫在前：缺的份数占配额比例最大的在前，比例相同时缺得多的在前。")
    _sheet(
        missing,
        [*notes, (said, NOTE)],
        [_("序号"), *where, _("配额"), pgettext("进度表", "已收"), pgettext("进度表", "尚缺")],
        rows,
        {},
    )

    cells = workbook.create_sheet(pgettext("进度表", "配额进度"))
    rows = [
        [
            *_place(c),
            c.target,
            c.received,
            c.excluded,
            c.missing if c.target is not None else None,
            c.received / c.target if c.target else None,
            c.status_label or _("无配额"),
            c.flagged,
        ]
        for c in progress.cells
    ]
    _sheet(
        cells,
        [
            *notes,
            (_("已收：计入的答卷（不含剔除的）；完成率 = 已收 ÷ 配额。"), NOTE),
            (
                _(
                    "有标记：带数据质量标记（一律同答、用时过短等）的答卷，含已剔除的；比例高的地方值得请村里回访核实。"
                ),
                NOTE,
            ),
        ],
        [
            *where,
            _("配额"),
            pgettext("进度表", "已收"),
            pgettext("进度表", "剔除"),
            pgettext("进度表", "尚缺"),
            pgettext("进度表", "完成率"),
            _("状态"),
            pgettext("进度表", "有标记"),
        ],
        rows,
        {8: PERCENT},
    )

    links = workbook.create_sheet(pgettext("仪表板卡片", "邀请链接"))
    rows = [
        [
            place(row["invitation"]),
            row["responses"],
            str(row["state_label"]) or _("可用"),
            row["url"] if row["postable"] else None,
            row["invitation"].token,
        ]
        for row in invitations
    ]
    _sheet(
        links,
        [
            *notes,
            (
                _("没有收到答卷的链接，可能还没有发到村里；已停用或已截止的链接不再接受答卷，不要再发出。"),
                NOTE,
            ),
        ],
        [_("链接"), pgettext("份数", "答卷"), _("状态"), _("问卷地址"), _("邀请码")],
        rows,
        {},
    )

    workbook.properties.title = notes[0][0]
    workbook.properties.creator = _("满意度")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
