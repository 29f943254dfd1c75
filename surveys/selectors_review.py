"""Reads for review: the responses to look at (a page at a time, narrowed on asking), where and
of what kind the flags are, and the audit log."""

from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Q

from surveys.cache import survey_data_token
from surveys.models import AuditEntry, Group, Response, Survey, Village
from surveys.selectors_surveys import SURVEYS_AT_ONCE
from surveys.services.quality import FLAG_KINDS
from surveys.services.review import IN_BATCH, KEPT_ACTIONS, PK_TEXT, batch_digest

if TYPE_CHECKING:  # surveys.selectors_progress reads FOR_REVIEW from here
    from surveys.selectors_progress import Progress

LIST_LIMIT = 50
# Written exactly as the condition of the partial index response_review, so that both
# databases read only the flagged or excluded few.
FOR_REVIEW = Q(excluded=True) | ~Q(flags=[])


def _kept() -> Exists:
    """Whether staff checked the response and kept it (its audit log has a KEPT entry, on its own
    or in a batch)."""
    return Exists(AuditEntry.objects.filter(response=OuterRef("pk"), action__in=KEPT_ACTIONS))


@dataclass(frozen=True)
class ReviewNarrowing:
    """What the list to review is narrowed to: the responses still to check (flagged, counted,
    not kept), those carrying one kind of flag, from one village, of one group. Empty: all."""

    to_check: bool = False
    flag: str = ""  # a code of FLAG_KINDS
    village: str = ""  # a village's code
    group: str = ""  # a group's code

    @property
    def narrowed(self) -> bool:
        """Narrowed by kind or place (the list of those to check aside)."""
        return bool(self.flag or self.village or self.group)

    def widened(self) -> "ReviewNarrowing":
        """The same list of those to check, or of all, without the kind and the place."""
        return ReviewNarrowing(to_check=self.to_check)


def review_narrowing(
    survey: Survey, *, to_check: bool, flag: str, village: str, group: str
) -> ReviewNarrowing:
    """What was asked for, as far as it names this survey's kinds of flag, villages and groups: a
    code it does not have narrows nothing (a link from last year's survey, a code mistyped)."""
    return ReviewNarrowing(
        to_check=to_check,
        flag=flag if flag in FLAG_KINDS else "",
        village=village if _names_one(Village, survey, village) else "",
        group=group if _names_one(Group, survey, group) else "",
    )


def _names_one(model, survey: Survey, code: str) -> bool:
    """Whether `code` is one of the survey's villages or groups. A code with a NUL character is
    none (a form's field sent with one: PostgreSQL cannot even be asked about it)."""
    return bool(code) and "\x00" not in code and model.objects.filter(survey=survey, code=code).exists()


def _flagged_as(code: str) -> Q:
    """Carries a flag of this kind. A response's list of flags holds each kind at most once, so
    the kind is at one of the first len(FLAG_KINDS) places: the same key look-ups on both
    databases (SQLite has no JSON containment)."""
    return Q(*(Q(**{f"flags__{i}__code": code}) for i in range(len(FLAG_KINDS))), _connector=Q.OR)


def _still_to_check(responses):
    """Of the flagged or excluded (FOR_REVIEW), those flagged, still counted and not checked and
    kept yet."""
    return responses.filter(excluded=False).exclude(flags=[]).exclude(_kept())


def _narrowed(survey: Survey, narrowing: ReviewNarrowing):
    responses = Response.objects.filter(survey=survey).filter(FOR_REVIEW)
    if narrowing.to_check:
        responses = _still_to_check(responses)
    if narrowing.flag:
        responses = responses.filter(_flagged_as(narrowing.flag))
    if narrowing.village:
        responses = responses.filter(village__code=narrowing.village)
    if narrowing.group:
        responses = responses.filter(group__code=narrowing.group)
    return responses


def responses_for_review(
    survey: Survey, page: object = 1, *, per_page: int = LIST_LIMIT, narrowing: ReviewNarrowing | None = None
) -> Page:
    """One page of the flagged or excluded responses, newest first (an excluded one stays listed
    to be re-included): two queries, the count and the page. A page number that is not a number
    gives the first page, one past the end the last. Each says whether staff checked it and kept
    it (`kept`). `narrowing`: only those still to check (the ones `responses_to_check` counts),
    of one kind of flag, from one place."""
    responses = (
        _narrowed(survey, narrowing or ReviewNarrowing())
        .annotate(kept=_kept())
        .select_related("group", "village", "age_band")
        .order_by("-received_at", "-pk")
    )
    return Paginator(responses, per_page).get_page(page)


def responses_to_check(survey: Survey, narrowing: ReviewNarrowing | None = None) -> int:
    """Flagged responses still counted that nobody has checked and kept yet (of one kind of flag,
    from one place, when narrowed)."""
    return _narrowed(survey, replace(narrowing or ReviewNarrowing(), to_check=True)).count()


def surveys_to_check(surveys: list[Survey]) -> dict[int, int]:
    """`responses_to_check` of many surveys in one query, by survey id (0 for none)."""
    ids = [s.pk for s in surveys]
    counts = dict.fromkeys(ids, 0)
    for start in range(0, len(ids), SURVEYS_AT_ONCE):  # as many as one statement may name
        counts.update(
            _still_to_check(
                Response.objects.filter(survey_id__in=ids[start : start + SURVEYS_AT_ONCE]).filter(FOR_REVIEW)
            )
            .order_by()
            .values_list("survey_id")
            .annotate(n=Count("*"))
        )
    return counts


def responses_in_batch(survey: Survey, narrowing: ReviewNarrowing, through: datetime):
    """The responses a batch would decide on: those still to check in the narrowed list that had
    arrived by `through` (the moment the list was shown: later arrivals wait for their own look)."""
    return _narrowed(survey, replace(narrowing, to_check=True)).filter(received_at__lte=through)


@dataclass(frozen=True)
class ReviewBatch:
    """A list still to check, of one kind of flag, as a page offers to keep or exclude it all at
    once: how many, up to when, and its `batch_digest` (the batch is refused if the list changes)."""

    count: int
    through: datetime
    digest: str


def review_batch(survey: Survey, narrowing: ReviewNarrowing, through: datetime) -> ReviewBatch | None:
    """The batch offered for a list narrowed to one kind of flag (None for any other list): a
    batch of mixed kinds would be decided on for one reason that fits only some."""
    if not narrowing.flag:
        return None
    ids = list(responses_in_batch(survey, narrowing, through).values_list(PK_TEXT, flat=True))
    return ReviewBatch(len(ids), through, batch_digest(ids))


@dataclass(frozen=True)
class FlaggedPlace:
    """A village's responses of one group (or a group's not sampled by village): how many carry a
    flag, of how many."""

    village: Village | None
    group: Group
    flagged: int
    responses: int

    @property
    def share(self) -> float:
        return self.flagged / self.responses if self.responses else 0.0


@dataclass(frozen=True)
class FlagSummary:
    """Of what kind the flags are and where they gather: every response that carries a flag,
    excluded ones too (as the count of flagged responses beside it)."""

    flagged: int
    responses: int
    kinds: list[tuple[str, str, int]]  # (code, short name, responses carrying it), those present
    places: list[FlaggedPlace]  # those with a flag, most flagged first, then the larger share


FLAG_KINDS_SECONDS = 3600


def _flag_kinds(progress: "Progress") -> Counter:
    """How many responses carry each kind of flag: one query, the flags of the flagged responses
    (partial index response_review; counted here rather than by the database: on SQLite its JSON
    look-ups took longer than reading them), kept in the cache until the survey's data changes.

    The staff page polls this every 10 seconds, and where most responses are flagged (a full
    quota flags every response after it) reading them all took 380 ms at 50,000 (BENCHMARKS.md).
    A response's flags are written when it is stored — submitted (a new row: the count and the
    latest arrival change), imported or typed in from paper (these also replace the survey's data
    token, surveys/cache.py) — so the key below changes with them, and costs no query: the
    progress has counted its parts already."""
    if not progress.flagged:  # no query while nothing is flagged
        return Counter()
    survey, last = progress.survey, progress.last_response_at
    key = ":".join(
        [
            "flag-kinds",
            str(survey.pk),
            survey_data_token(survey),
            str(progress.responses),
            str(progress.flagged),
            last.isoformat() if last else "-",
        ]
    )
    counted = cache.get(key)
    if counted is None:
        kinds: Counter = Counter()
        responses = Response.objects.filter(survey=survey).filter(FOR_REVIEW)
        for flags in responses.values_list("flags", flat=True):
            kinds.update({flag.get("code") for flag in flags})
        counted = dict(kinds)
        cache.set(key, counted, FLAG_KINDS_SECONDS)
    return Counter(counted)


def flag_summary(progress: "Progress") -> FlagSummary:
    """The kinds of flag counted (_flag_kinds), beside what the survey's progress
    (surveys.selectors_progress.survey_progress) counted per place, with its villages and
    groups."""
    kinds = _flag_kinds(progress)
    flagged, totals = progress.flagged_by_place, progress.responses_by_place
    villages, groups = progress.villages, progress.groups
    places = [
        FlaggedPlace(villages.get(village_id), groups[group_id], n, totals[village_id, group_id])
        for (village_id, group_id), n in flagged.items()
    ]
    places.sort(
        key=lambda p: (
            -p.flagged,
            -p.share,
            p.village.order if p.village else -1,
            p.village.code if p.village else "",
            p.group.order,
            p.group.code,
        )
    )
    return FlagSummary(
        flagged=sum(flagged.values()),
        responses=sum(totals.values()),
        kinds=[(code, str(label), kinds[code]) for code, label in FLAG_KINDS.items() if kinds[code]],
        places=places,
    )


@dataclass(frozen=True)
class FlaggedOutcome:
    """What became of the flagged responses: excluded, checked and kept, or neither (still
    counted, unchecked). The evaluator's downloads state it beside the excluded ones."""

    flagged: int = 0
    excluded: int = 0
    kept: int = 0


def flagged_outcome(survey: Survey) -> FlaggedOutcome:
    """One query over the flagged few (partial index response_review)."""
    counts = (
        Response.objects.filter(survey=survey)
        .filter(FOR_REVIEW)
        .exclude(flags=[])
        .annotate(kept=_kept())
        .aggregate(
            n_flagged=Count("pk"),
            n_excluded=Count("pk", filter=Q(excluded=True)),
            n_kept=Count("pk", filter=Q(excluded=False, kept=True)),
        )
    )
    return FlaggedOutcome(counts["n_flagged"], counts["n_excluded"], counts["n_kept"])


def audit_log(survey: Survey, *, limit: int = LIST_LIMIT) -> list[AuditEntry]:
    """Who did what, when and why, newest first. A batch shows as one entry (how many, of which
    kind, where, why); its entry per response is in the admin's audit log."""
    return list(
        AuditEntry.objects.filter(survey=survey)
        .exclude(action__in=IN_BATCH)
        .select_related("user")
        .order_by("-at", "-pk")[:limit]
    )
