"""An option's default points (默认分值) edited on the survey's admin page, and the saved scheme.

Once a survey has a scheme, the score reads each option's points from it (contract §2), not the
option's default; and the admin stores every scheme complete, the defaults copied in for the
options it does not name. So an edited default used to change nothing, silently. Now, for each
option whose default points the page changes:

- if the scheme gives it the points it had by default (copied, or set to the same), the scheme
  follows the new default, and the administrator is told the score counts the new points;
- if the scheme sets points of its own, those still count, and the administrator is warned,
  with the points that count and where to change them.

Nothing else moves a scheme's points: a published survey's options and scheme cannot be edited,
and a survey without a scheme scores with the defaults as they are.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.utils.translation import gettext as _

from surveys.localized import localized
from surveys.models import Option


@dataclass(frozen=True)
class PointsEdit:
    code: str
    name: str  # the option as the page names it
    before: float | None
    after: float | None


def points_edited(formsets) -> list[PointsEdit]:
    """The stored options whose default points the page's option rows change."""
    edits = []
    for formset in formsets or ():
        if formset.model is not Option:
            continue
        for form in formset.forms:
            if form.instance.pk is None or "points" not in form.changed_data:
                continue
            if formset.can_delete and formset._should_delete_form(form):
                continue
            edits.append(
                PointsEdit(
                    code=form.cleaned_data.get("code", form.instance.code),
                    name=localized(form.instance),
                    before=form.initial.get("points"),
                    after=form.cleaned_data.get("points"),
                )
            )
    return edits


def _points(value: float | None) -> str:
    return _("“不计分”") if value is None else f"{value:g}"


def scheme_points_follow(data: dict, edits: list[PointsEdit]) -> tuple[dict, list[tuple[int, str]]]:
    """The scheme as sent (`data`) with the points that followed their option's default changed,
    and what to tell the administrator: [(message level, text)]."""
    given = data.get("option_points")
    if not isinstance(given, dict):
        return data, []  # the scheme names no points: the defaults fill them in, edited or not
    points = dict(given)
    notes = []
    for edit in edits:
        if edit.code not in points or points[edit.code] == edit.after:
            continue
        named = {"option": edit.name, "code": edit.code, "before": _points(edit.before)}
        named |= {"after": _points(edit.after), "scheme": _points(points[edit.code])}
        if points[edit.code] == edit.before:
            points[edit.code] = edit.after
            notes.append(
                (
                    messages.INFO,
                    _(
                        "选项“%(option)s”的默认分值由 %(before)s 改为 %(after)s；计分方案中它原与默认分值相同，"
                        "已一并改为 %(after)s，得分按 %(after)s 计算。"
                    )
                    % named,
                )
            )
        else:
            notes.append(
                (
                    messages.WARNING,
                    _(
                        "选项“%(option)s”的默认分值改为 %(after)s，但计分方案为它另定了 %(scheme)s，"
                        "得分仍按 %(scheme)s 计算：要按 %(after)s 计分，请同时修改计分方案 option_points "
                        "中“%(code)s”的分值。"
                    )
                    % named,
                )
            )
    return {**data, "option_points": points}, notes
