"""催收提醒: for each place whose quotas are still behind, a short message to paste into the
village's WeChat group — how many answers it still lacks (by age band where the quotas ask for
them), and the questionnaire link to forward.

A place is a village × group where a group's quotas are set per village (villagers: the
village's own quota and its age bands'), and the group itself for the others (staff, deputies). The
shortfall counts each respondent once where quotas nest (selectors_progress.counted_once), as the
dashboard's total does. The link is one the village can share: in use, open or not open yet, and
not single-use (a single-use link is one person's, not a group's).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from surveys.localized import localized, place
from surveys.models import AgeBand, Group, Survey, Village
from surveys.selectors_progress import Cell, Progress, counted_once, part_order


@dataclass
class Reminder:
    group: Group
    village: Village | None
    missing: int  # answers the place still lacks
    bands: list[tuple[AgeBand, int]]  # the age bands behind, with what each lacks
    url: str  # the link to forward; "" when the place has none that it can share
    text: str  # the message, ready to paste

    @property
    def village_id(self) -> int | None:
        return self.village.pk if self.village else None

    @property
    def place(self) -> str:
        """The village and group (东村 · 村民群众), or the group alone: said as an invitation's
        place is (surveys.localized.place, which reads village_id)."""
        return place(self)

    @property
    def key(self) -> str:
        return f"{self.group.code}|{self.village.code if self.village else ''}"


def _places(progress: Progress) -> dict[tuple[Group, Village | None], list[Cell]]:
    """The quota cells per place: per village for a group with quotas in its villages (a quota
    over the whole group is then left to them), else the group's own."""
    by_group: dict[int, list[Cell]] = {}
    for cell in progress.quota_cells:
        by_group.setdefault(cell.group.pk, []).append(cell)
    places: dict[tuple[Group, Village | None], list[Cell]] = {}
    for cells in by_group.values():
        in_villages = [c for c in cells if c.village is not None]
        for cell in in_villages or cells:
            places.setdefault((cell.group, cell.village), []).append(cell)
    return places


def _shared_link(invitation_rows: list[dict], group: Group, village: Village | None) -> str:
    """The first link of the place that may be handed out to a group of people."""
    for row in invitation_rows:
        invitation = row["invitation"]
        if (
            row["postable"]
            and not invitation.single_use
            and invitation.group_id == group.pk
            and invitation.village_id == (village.pk if village else None)
        ):
            return row["url"]
    return ""


def _text(survey: Survey, place: str, missing: int, bands: list[tuple[AgeBand, int]], url: str) -> str:
    numbers = {"survey": localized(survey), "place": place, "n": missing}
    if bands:
        numbers["bands"] = _("、").join(
            _("%(band)s %(n)s 份") % {"band": localized(band), "n": n} for band, n in bands
        )
        said = _("【%(survey)s】%(place)s还缺 %(n)s 份问卷（%(bands)s）。") % numbers
    else:
        said = _("【%(survey)s】%(place)s还缺 %(n)s 份问卷。") % numbers
    if url:
        said += _("请转发问卷链接，每人只填一次，约需两分钟：%(url)s") % {"url": url}
    return said


def survey_reminders(survey: Survey, progress: Progress, invitation_rows: list[dict]) -> list[Reminder]:
    """One reminder per place still behind, in the dashboard's order (group, then village).
    `invitation_rows`: the dashboard's table of links with their addresses
    (surveys.dashboard.views._invitation_rows, with_links=True)."""
    reminders = []
    for (group, village), cells in _places(progress).items():
        missing = counted_once(cells, lambda c: c.missing)
        if not missing:
            continue
        bands = sorted(
            ((c.age_band, c.missing) for c in cells if c.age_band is not None and c.missing),
            key=lambda pair: part_order(pair[0]),
        )
        reminder = Reminder(group, village, missing, bands, _shared_link(invitation_rows, group, village), "")
        reminder.text = _text(survey, reminder.place, missing, bands, reminder.url)
        reminders.append(reminder)
    return sorted(reminders, key=lambda r: (r.group.order, r.group.code, part_order(r.village)))
