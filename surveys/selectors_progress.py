"""Quota progress of one survey, in a fixed number of queries whatever its size (seven).

The responses are never loaded: the database counts them per village × group × age band ×
invitation (one scan) and per hour (another), and the quotas are matched to those counts here.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import timezone as dt_timezone

from django.db.models import CharField, Count, Func, Max, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from surveys.models import AgeBand, Group, Invitation, Quota, Response, Survey, Village

MAX_DAYS = 92
BEHIND, MET, OVER = "behind", "met", "over"
STATUS_LABELS = {BEHIND: _("未完成"), MET: _("已完成"), OVER: _("超额")}


class _UtcHour(Func):
    """'YYYY-MM-DD HH' of a timestamp in UTC, computed by the database itself.

    Django's TruncDate runs a Python function per row on SQLite (too slow over 100,000
    responses); grouping by the UTC hour is plain SQL on both databases, and the hours are
    turned into local days in Python. Exact for time zones whose offset is whole hours, as
    China's is.
    """

    arity = 1
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="substr(%(expressions)s, 1, 13)", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24')",
            **extra,
        )


@dataclass
class Cell:
    """One quota cell (or a combination responses arrived in without a quota: target None)."""

    group: Group
    village: Village | None
    age_band: AgeBand | None
    target: int | None
    received: int = 0  # responses counted: not excluded
    excluded: int = 0

    @property
    def key(self) -> str:
        return cell_key(self.group, self.village, self.age_band)

    @property
    def label(self) -> str:
        return " · ".join(str(p) for p in (self.village, self.group, self.age_band) if p is not None)

    @property
    def missing(self) -> int:
        return max(self.target - self.received, 0) if self.target is not None else 0

    @property
    def status(self) -> str | None:
        if self.target is None:
            return None
        if self.received < self.target:
            return BEHIND
        return MET if self.received == self.target else OVER

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status]) if self.status else ""

    @property
    def percent(self) -> float | None:
        """Share of the target received, 0–100 (over 100 when over quota)."""
        if not self.target:
            return None
        return round(100 * self.received / self.target, 1)

    @property
    def bar_percent(self) -> float:
        return min(self.percent or 0.0, 100.0)

    @property
    def urgency(self) -> tuple:
        """Most urgent first: the largest share of the target still missing, then the most missing."""
        share_missing = self.missing / self.target if self.target else 0.0
        return (-share_missing, -self.missing, self.group.order, _order(self.village), _order(self.age_band))


def cell_key(group: Group, village: Village | None, age_band: AgeBand | None) -> str:
    return "|".join([group.code, village.code if village else "", age_band.code if age_band else ""])


def _order(part) -> tuple:
    return (0, "") if part is None else (part.order, part.code)


@dataclass
class InvitationProgress:
    invitation: Invitation
    responses: int = 0
    last_response_at: datetime | None = None


@dataclass
class Progress:
    survey: Survey
    cells: list[Cell]
    invitations: list[InvitationProgress]
    per_day: list[tuple[date, int]]  # every day from the first response to the last, zeros too
    responses: int = 0  # all responses, excluded ones too
    excluded: int = 0
    flagged: int = 0
    without_invitation: int = 0
    last_response_at: datetime | None = None
    generated_at: datetime = field(default_factory=timezone.now)

    @property
    def quota_cells(self) -> list[Cell]:
        return [c for c in self.cells if c.target is not None]

    @property
    def target(self) -> int:
        return sum(c.target for c in self.quota_cells)

    @property
    def received(self) -> int:
        """Responses that count (not excluded), with or without a quota cell."""
        return self.responses - self.excluded

    @property
    def towards_target(self) -> int:
        """Responses that fill a target: a cell over its quota does not make up for one behind."""
        return sum(min(c.received, c.target) for c in self.quota_cells)

    @property
    def percent(self) -> float | None:
        return round(100 * self.towards_target / self.target, 1) if self.target else None

    @property
    def status(self) -> str | None:
        cells = self.quota_cells
        if not cells:
            return None
        if any(c.status == BEHIND for c in cells):
            return BEHIND
        return OVER if any(c.status == OVER for c in cells) else MET

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status]) if self.status else ""

    @property
    def missing(self) -> list[Cell]:
        """The cells still behind, most urgent first."""
        return sorted((c for c in self.quota_cells if c.status == BEHIND), key=lambda c: c.urgency)

    @property
    def invitations_issued(self) -> int:
        return len(self.invitations)

    @property
    def invitations_returned(self) -> int:
        """Invitations through which at least one response came back."""
        return sum(1 for i in self.invitations if i.responses)

    @property
    def responses_per_invitation(self) -> float | None:
        via = self.responses - self.without_invitation
        return round(via / self.invitations_issued, 2) if self.invitations_issued else None


def _covers(quota: Quota, group_id: int, village_id: int | None, age_band_id: int | None) -> bool:
    return (
        quota.group_id == group_id
        and (quota.village_id is None or quota.village_id == village_id)
        and (quota.age_band_id is None or quota.age_band_id == age_band_id)
    )


def survey_progress(survey: Survey) -> Progress:
    """Received vs target per cell, invitations returned, responses per day (seven queries)."""
    groups = {g.pk: g for g in Group.objects.filter(survey=survey)}
    villages = {v.pk: v for v in Village.objects.filter(survey=survey)}
    age_bands = {a.pk: a for a in AgeBand.objects.filter(survey=survey)}
    quotas = list(Quota.objects.filter(survey=survey))
    invitations = {
        i.pk: InvitationProgress(invitation=i)
        for i in Invitation.objects.filter(survey=survey).order_by("group__order", "village__order", "token")
    }
    for row in invitations.values():
        # Set from the dictionaries above rather than joined: no extra query, same objects.
        row.invitation.group = groups[row.invitation.group_id]
        row.invitation.village = villages.get(row.invitation.village_id)

    counts = (
        Response.objects.filter(survey=survey)
        .order_by()
        .values("group_id", "village_id", "age_band_id", "invitation_id", "excluded")
        .annotate(n=Count("pk"), flagged=Count("pk", filter=~Q(flags=[])), last=Max("received_at"))
    )
    cells = {
        q.pk: Cell(
            group=groups[q.group_id], village=villages.get(q.village_id), age_band=age_bands.get(q.age_band_id),
            target=q.target,
        )
        for q in quotas
    }
    loose: dict[tuple, Cell] = {}  # combinations no quota covers
    progress = Progress(survey=survey, cells=[], invitations=list(invitations.values()), per_day=[])
    for row in counts:
        n, excluded = row["n"], row["excluded"]
        where = (row["group_id"], row["village_id"], row["age_band_id"])
        progress.responses += n
        progress.excluded += n if excluded else 0
        progress.flagged += row["flagged"]
        if progress.last_response_at is None or row["last"] > progress.last_response_at:
            progress.last_response_at = row["last"]
        if row["invitation_id"] is None:
            progress.without_invitation += n
        elif row["invitation_id"] in invitations:
            inv = invitations[row["invitation_id"]]
            inv.responses += n
            if inv.last_response_at is None or row["last"] > inv.last_response_at:
                inv.last_response_at = row["last"]
        covering = [cells[q.pk] for q in quotas if _covers(q, *where)]
        if not covering:
            if where not in loose:
                loose[where] = Cell(
                    group=groups[where[0]], village=villages.get(where[1]), age_band=age_bands.get(where[2]),
                    target=None,
                )
            covering = [loose[where]]
        for cell in covering:
            if excluded:
                cell.excluded += n
            else:
                cell.received += n
    progress.cells = sorted(
        [*cells.values(), *loose.values()],
        key=lambda c: (c.target is None, c.group.order, c.group.code, _order(c.village), _order(c.age_band)),
    )
    progress.per_day = _per_day(survey)
    return progress


def _per_day(survey: Survey) -> list[tuple[date, int]]:
    hours = (
        Response.objects.filter(survey=survey)
        .order_by()
        .annotate(hour=_UtcHour(Coalesce("submitted_at", "received_at")))
        .values("hour")
        .annotate(n=Count("pk"))
    )
    local = timezone.get_current_timezone()
    days: dict[date, int] = defaultdict(int)
    for row in hours:
        utc = datetime.strptime(row["hour"], "%Y-%m-%d %H").replace(tzinfo=dt_timezone.utc)
        days[utc.astimezone(local).date()] += row["n"]
    if not days:
        return []
    last = max(days)
    # A wrong clock on one phone must not stretch the chart over years: the last three months.
    first = max(min(days), last - timedelta(days=MAX_DAYS - 1))
    return [(first + timedelta(d), days.get(first + timedelta(d), 0)) for d in range((last - first).days + 1)]
