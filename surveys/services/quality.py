"""Data-quality flags, set when a response arrives. A flag is a question for staff, not a verdict:
nothing is excluded automatically, and each flag says why, with the numbers.

    straight_lining  the same answer to every item, at least 5 items answered
    speeder          answered in under a third of the survey's median time (over ≥ 10 responses)
    near_duplicate   another response from the same device marker within 10 minutes
                     (when the survey allows a shared device, only one with the very same answers)
    over_quota       the response's quota cell was already full when it arrived
    late             answered before its link or the survey closed, arrived after, within the
                     survey's late_grace_hours (set by surveys/services/submission.py)

The rules themselves are plain functions of numbers and strings; the services below fetch what
they need in a fixed number of queries, for one response or for a whole imported batch.

A flag is stored as {"code", "reason", "reason_en"}: the reason in Chinese and in English, both
written when the flag is set (flags set before English reasons existed have only "reason";
`flag_reason` falls back to it).
"""

import statistics
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from surveys.answers import BLANK, SYMBOLS
from surveys.compiled_query import CompiledQuery
from surveys.localized import localized
from surveys.models import QuestionnaireVersion, Quota, Response, Survey
from surveys.process_memo import ProcessMemo

STRAIGHT_LINING_MIN_ITEMS = 5
SPEEDER_FRACTION = 3  # flagged under 1/3 of the median
SPEEDER_MIN_RESPONSES = 10
SPEEDER_SAMPLE = 1000  # the median of the most recent responses: bounded cost, follows the survey
DURATIONS_CACHE_SECONDS = 60
NEAR_DUPLICATE_WINDOW = timedelta(minutes=10)
CHUNK = 500  # ids per IN (...) clause, well under SQLite's parameter limit

Flag = dict[str, str]

# Every kind of flag, in the order staff see them, with its short name. A response carries each
# kind at most once, so its list of flags is never longer than this.
FLAG_KINDS = {
    "straight_lining": _("一律同答"),
    "speeder": _("用时过短"),
    "near_duplicate": _("疑似重复"),
    "over_quota": _("超出配额"),
    "late": _("截止后送达"),
}


def flag_label(code: str) -> str:
    """A kind of flag's short name in the page's language; an unknown code as it is."""
    return str(FLAG_KINDS.get(code, code))


def flag_reason(flag: Flag, *, english: bool) -> str:
    """The reason to show: the English one on an English page when the flag has it."""
    return (flag.get("reason_en") or flag.get("reason", "")) if english else flag.get("reason", "")


# The rules: no database.


def straight_lining_flag(
    answers: str, option_labels: Sequence[str], option_labels_en: Sequence[str] = ()
) -> Flag | None:
    """`option_labels_en`: the options' English labels ("" where there is none), in the same order."""
    answered = [symbol for symbol in answers if symbol != BLANK]
    if len(answered) < STRAIGHT_LINING_MIN_ITEMS or len(set(answered)) != 1:
        return None
    position = SYMBOLS.index(answered[0])
    label = option_labels[position] if position < len(option_labels) else answered[0]
    label_en = (option_labels_en[position] if position < len(option_labels_en) else "") or label
    blank = len(answers) - len(answered)
    also = f"（另有 {blank} 题未答）" if blank else ""
    also_en = f" ({blank} more left blank)" if blank else ""
    return {
        "code": "straight_lining",
        "reason": f"所答 {len(answered)} 道题全部选择“{label}”{also}。",
        "reason_en": f"All {len(answered)} answered items are “{label_en}”{also_en}.",
    }


def seconds_text(seconds: float, *, english: bool = False) -> str:
    seconds = round(seconds)
    minutes, rest = divmod(seconds, 60)
    if english:
        return f"{minutes} min {rest} s" if minutes else f"{rest} s"
    return f"{minutes} 分 {rest} 秒" if minutes else f"{rest} 秒"


def median_duration(durations: Sequence[float]) -> float | None:
    """The median of the positive durations, or None with fewer than SPEEDER_MIN_RESPONSES."""
    positive = [d for d in durations if d > 0]
    return statistics.median(positive) if len(positive) >= SPEEDER_MIN_RESPONSES else None


def speeder_flag(duration: float | None, median: float | None, sample: int) -> Flag | None:
    if duration is None or median is None or duration < 0 or duration * SPEEDER_FRACTION >= median:
        return None
    return {
        "code": "speeder",
        "reason": (
            f"作答用时 {seconds_text(duration)}，不到本调查中位用时 {seconds_text(median)}"
            f"（最近 {sample} 份答卷）的三分之一。"
        ),
        "reason_en": (
            f"Answered in {seconds_text(duration, english=True)}, under a third of the survey's median time "
            f"of {seconds_text(median, english=True)} (the latest {sample} responses)."
        ),
    }


@dataclass(frozen=True)
class Neighbour:
    """Another response from the same device marker."""

    id: uuid.UUID
    received_at: datetime
    answers: str


def near_duplicate_flag(
    *, received_at: datetime, answers: str, neighbours: Sequence[Neighbour], shared_device: bool
) -> Flag | None:
    close = [
        n
        for n in neighbours
        if abs(n.received_at - received_at) <= NEAR_DUPLICATE_WINDOW
        and (not shared_device or n.answers == answers)
    ]
    if not close:
        return None
    nearest = min(close, key=lambda n: abs(n.received_at - received_at))
    minutes = int(abs(nearest.received_at - received_at).total_seconds() // 60)
    apart = f"{minutes} 分钟" if minutes else "不到 1 分钟"
    when = "之前" if nearest.received_at <= received_at else "之后"
    same = "、答案完全相同" if shared_device else ""
    others = (
        f"；{NEAR_DUPLICATE_WINDOW.seconds // 60} 分钟内同一设备共 {len(close) + 1} 份"
        if len(close) > 1
        else ""
    )
    apart_en = f"{minutes} min" if minutes else "less than 1 min"
    others_en = (
        f"; {len(close) + 1} from this device within {NEAR_DUPLICATE_WINDOW.seconds // 60} min"
        if len(close) > 1
        else ""
    )
    return {
        "code": "near_duplicate",
        "reason": f"同一设备{same}的答卷 {str(nearest.id)[:8]} 相隔{apart}（{when}）提交{others}。",
        "reason_en": (
            f"Response {str(nearest.id)[:8]} from the same device{' with the very same answers' if shared_device else ''}"
            f" was sent {apart_en} {'before' if nearest.received_at <= received_at else 'after'}{others_en}."
        ),
    }


def over_quota_flag(cells: Sequence[tuple[str, int, int, str]]) -> Flag | None:
    """cells: (label, target, responses already counted when this one arrived, English label) of
    each covering quota."""
    full = [cell for cell in cells if cell[2] >= cell[1]]
    return over_quota_flag_of(*full[0]) if full else None


def over_quota_flag_of(label: str, target: int, before: int | str, label_en: str) -> Flag:
    """The flag of one full cell. `before` may be a stand-in string where the count is filled
    in later (by the database, see surveys/services/submission_insert.py)."""
    return {
        "code": "over_quota",
        "reason": f"{label} 配额 {target} 份，收到本答卷时已有 {before} 份。",
        "reason_en": f"{label_en}: quota {target}, already {before} when this response arrived.",
    }


# Fetching what the rules need.


def _duration(started_at: datetime | None, submitted_at: datetime | None) -> float | None:
    if started_at is None or submitted_at is None:
        return None
    return (submitted_at - started_at).total_seconds()


def _recent_durations(survey: Survey, *, excluding: Sequence[uuid.UUID] = ()) -> list[float]:
    rows = (
        Response.objects.filter(survey=survey, started_at__isnull=False, submitted_at__isnull=False)
        .exclude(pk__in=list(excluding)[:CHUNK])
        .order_by("-received_at")
        .values_list("started_at", "submitted_at")[:SPEEDER_SAMPLE]
    )
    return [_duration(s, e) for s, e in rows]


_durations_memo: ProcessMemo[list[float]] = ProcessMemo(ttl=DURATIONS_CACHE_SECONDS)


def recent_durations_cached(survey: Survey) -> list[float]:
    """The survey's recent answering times, kept by each process for a minute.

    The speeder rule compares with their median, which moves slowly; reading the last thousand
    rows on every submission would cost more than everything else it does.
    """
    return _durations_memo.get((survey.pk, survey.created_at), lambda: _recent_durations(survey))


def recent_durations_forget() -> None:
    """Forget the remembered durations (tests)."""
    _durations_memo.clear()


def _quotas(survey: Survey) -> list[Quota]:
    return list(Quota.objects.filter(survey=survey).select_related("group", "village", "age_band"))


def _covers(quota: Quota, response: Response) -> bool:
    return (
        quota.group_id == response.group_id
        and (quota.village_id is None or quota.village_id == response.village_id)
        and (quota.age_band_id is None or quota.age_band_id == response.age_band_id)
    )


def _quota_label(quota: Quota, *, english: bool = False) -> str:
    parts = (quota.village, quota.group, quota.age_band)
    return " · ".join(localized(p, english=english) for p in parts if p is not None)


def quota_cell(quota: Quota, target: int, before: int | str) -> tuple[str, int, int | str, str]:
    """(label, target, before, English label) of a quota's cell, as `over_quota_flag` takes it."""
    return (_quota_label(quota), target, before, _quota_label(quota, english=True))


def _cell_q(quota: Quota) -> Q:
    q = Q(group_id=quota.group_id)
    if quota.village_id is not None:
        q &= Q(village_id=quota.village_id)
    if quota.age_band_id is not None:
        q &= Q(age_band_id=quota.age_band_id)
    return q


def _option_labels(version: QuestionnaireVersion) -> tuple[list[str], list[str]]:
    """The version's option labels in Chinese and in English ("" where it has none)."""
    options = version.definition["options"]
    return [o["label"] for o in options], [o.get("label_en", "") for o in options]


def response_flags_compute(
    *,
    response: Response,
    quotas: Sequence[Quota] | None = None,
    durations: Sequence[float] | None = None,
    device_is_checked: bool = False,
) -> list[Flag]:
    """The flags of one response, as of when it arrived (at most six queries).

    Works on a response about to be stored too (its id and received_at set), so the caller can
    insert it with its flags. `quotas`: the survey's quotas with group, village and age band, when
    the caller already has them (an empty list leaves the over-quota rule to the caller);
    `durations`: recent answering times to compare with (see `recent_durations_cached`).
    `device_is_checked`: the response will be refused if its device marker answered before (one
    phone, one response), so no near duplicate can be stored with it and none is looked for.
    """
    survey = response.survey
    flags: list[Flag | None] = [straight_lining_flag(response.answers, *_option_labels(response.version))]

    if durations is None:
        durations = _recent_durations(survey, excluding=[response.pk])
    flags.append(
        speeder_flag(
            _duration(response.started_at, response.submitted_at), median_duration(durations), len(durations)
        )
    )

    if response.device and not device_is_checked:
        neighbours = [
            Neighbour(*row)
            for row in Response.objects.filter(
                survey=survey,
                device=response.device,
                received_at__gte=response.received_at - NEAR_DUPLICATE_WINDOW,
                received_at__lte=response.received_at + NEAR_DUPLICATE_WINDOW,
            )
            .exclude(pk=response.pk)
            .values_list("id", "received_at", "answers")
        ]
        flags.append(
            near_duplicate_flag(
                received_at=response.received_at,
                answers=response.answers,
                neighbours=neighbours,
                shared_device=survey.allow_shared_device,
            )
        )

    covering = [q for q in (_quotas(survey) if quotas is None else quotas) if _covers(q, response)]
    if covering:
        if response._state.adding:  # arriving now: everything already stored came before it
            before = _cell_counts_now(response, covering)
        else:
            before = (
                Response.objects.filter(survey=survey, excluded=False, received_at__lte=response.received_at)
                .exclude(pk=response.pk)
                .aggregate(**{f"q{q.pk}": Count("pk", filter=_cell_q(q)) for q in covering})
            )
        flags.append(over_quota_flag([quota_cell(q, q.target, before[f"q{q.pk}"]) for q in covering]))
    return [f for f in flags if f is not None]


def _cells_query(*filters: str) -> CompiledQuery:
    return CompiledQuery(
        lambda *ids: (
            Response.objects.filter(excluded=False, **dict(zip(filters, ids, strict=True)))
            .order_by()
            .values_list("village_id", "age_band_id")
            .annotate(n=Count("pk"))
        ),
        len(filters),
        sample=[1] * len(filters),
    )


def narrowest_cell(covering: Sequence[Quota]) -> str:
    """The narrowest cell that holds every covering quota's cell: "group" when one of them spans
    the whole group, "village" when one spans a village's age bands, else "age_band". Counting
    within it reads only its rows (through the response_survey_cell index)."""
    if any(q.village_id is None for q in covering):
        return "group"
    if any(q.age_band_id is None for q in covering):
        return "village"
    return "age_band"


# The included responses per (village, age band) within the narrowest cell that holds every
# covering quota: one fixed query, which reads only that cell's rows through response_survey_cell.
_CELLS = {
    "group": _cells_query("survey_id", "group_id"),
    "village": _cells_query("survey_id", "group_id", "village_id"),
    "age_band": _cells_query("survey_id", "group_id", "village_id", "age_band_id"),
}


def _cell_counts_now(response: Response, covering: Sequence[Quota]) -> dict[str, int]:
    """How many included responses each covering quota's cell holds now, as {"q<pk>": n}."""
    ids = [response.survey_id, response.group_id]
    cell = narrowest_cell(covering)
    if cell == "group":
        rows = _CELLS["group"].rows(*ids)
    elif cell == "village":
        rows = _CELLS["village"].rows(*ids, response.village_id)
    else:
        rows = _CELLS["age_band"].rows(*ids, response.village_id, response.age_band_id)
    return {
        f"q{q.pk}": sum(
            n
            for village_id, age_band_id, n in rows
            if q.village_id in (None, village_id) and q.age_band_id in (None, age_band_id)
        )
        for q in covering
    }


def response_flags_apply(*, response: Response) -> list[Flag]:
    """Compute the response's flags and store them in Response.flags (one UPDATE).

    Call right after storing the response, inside the same transaction, so that a response
    is never seen without its flags.
    """
    response.flags = response_flags_compute(response=response)
    Response.objects.filter(pk=response.pk).update(flags=response.flags)
    return response.flags


@transaction.atomic
def responses_flags_apply(*, survey: Survey, response_ids: Sequence[uuid.UUID]) -> int:
    """Flag a batch of responses just stored together (a CSV import) in a handful of queries
    (one more per 500 responses or devices).

    Responses of the batch are taken to arrive in the order given; returns how many got a flag.
    """
    if not response_ids:
        return 0
    order = {rid: i for i, rid in enumerate(response_ids)}
    batch: list[Response] = []
    for start in range(0, len(response_ids), CHUNK):
        batch += Response.objects.filter(survey=survey, pk__in=response_ids[start : start + CHUNK])
    batch.sort(key=lambda r: order[r.pk])
    first_arrival = min(r.received_at for r in batch)
    labels = {v.pk: _option_labels(v) for v in QuestionnaireVersion.objects.filter(survey=survey)}

    durations = _recent_durations(survey)
    median = median_duration(durations)

    devices = sorted({r.device for r in batch if r.device})
    neighbours: dict[str, list[Neighbour]] = defaultdict(list)
    for start in range(0, len(devices), CHUNK):
        rows = Response.objects.filter(
            survey=survey,
            device__in=devices[start : start + CHUNK],
            received_at__gte=first_arrival - NEAR_DUPLICATE_WINDOW,
            received_at__lte=max(r.received_at for r in batch) + NEAR_DUPLICATE_WINDOW,
        ).values_list("device", "id", "received_at", "answers")
        for device, *rest in rows:
            neighbours[device].append(Neighbour(*rest))

    quotas = _quotas(survey)
    counted: dict[int, int] = {}
    if quotas:
        counted = {
            int(key[1:]): value
            for key, value in Response.objects.filter(
                survey=survey, excluded=False, received_at__lt=first_arrival
            )
            .aggregate(**{f"q{q.pk}": Count("pk", filter=_cell_q(q)) for q in quotas})
            .items()
        }

    flagged: list[Response] = []
    for response in batch:
        covering = [q for q in quotas if _covers(q, response)]
        flags = [
            straight_lining_flag(response.answers, *labels[response.version_id]),
            speeder_flag(_duration(response.started_at, response.submitted_at), median, len(durations)),
            near_duplicate_flag(
                received_at=response.received_at,
                answers=response.answers,
                neighbours=[n for n in neighbours.get(response.device, []) if n.id != response.pk],
                shared_device=survey.allow_shared_device,
            )
            if response.device
            else None,
            over_quota_flag([quota_cell(q, q.target, counted[q.pk]) for q in covering]),
        ]
        if not response.excluded:
            for q in covering:
                counted[q.pk] += 1
        response.flags = [f for f in flags if f is not None]
        if response.flags:
            flagged.append(response)
    Response.objects.bulk_update(flagged, ["flags"], batch_size=CHUNK)
    return len(flagged)
