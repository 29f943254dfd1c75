"""Storing one respondent's submission (contract §6): never lost, never counted twice.

The id of a response is made on the respondent's phone, and the database's primary key on it
decides whether a submission is new: of two identical requests arriving at the same moment only
one INSERT can win. The loser's insert stores nothing (ON CONFLICT DO NOTHING), the winner's row
is read back and compared: the same content is a retry (answered 200), other content is a
conflict (409). There is no "already stored?" look-up before the insert: the primary key answers
that for free, and a retry is the rare case.

Two ways to the insert. The careful way (`response_submit`) reads the invitation and its survey,
checks them, and inserts. Once a process has read a link, its next submissions take one
statement (`submission_store` → surveys/services/submission_insert.py): an INSERT that checks
the remembered invitation and survey against their rows, the phone and the quota cell in the
same breath. Whatever that statement cannot store goes the careful way, which says why.
"""

import uuid
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from surveys.answers import decode_answers, encode_answers
from surveys.compiled_query import CompiledInsert, CompiledQuery
from surveys.localized import english_wanted, localized
from surveys.models import Invitation, Response
from surveys.services.quality import Flag, recent_durations_cached, response_flags_compute
from surveys.services.submission_insert import response_insert_checked
from surveys.survey_state import SurveyState, invitation_remembered, submission_invitation, survey_state

COMMENT_MAX_LENGTH = 2000
# The hot path's INSERT, compiled once (the same SQL and values as save(force_insert=True)); a
# taken id inserts nothing (ON CONFLICT DO NOTHING / INSERT OR IGNORE) and is read back.
_RESPONSE_INSERT = CompiledInsert(Response, ignore_conflicts=True)
# The phone's random marker travels in this cookie (and in the API's "device" field).
DEVICE_COOKIE = "sv_device"


@dataclass(frozen=True)
class ResponsePayload:
    """What a respondent sends; the invitation fixes survey, village and group."""

    response_id: uuid.UUID
    answers: dict[str, str | None]
    age_band: str | None = None
    comment: str = ""
    started_at: datetime | None = None
    submitted_at: datetime | None = None


class SubmissionRefused(Exception):
    """The invitation cannot take this response (HTTP 403).

    `code` says why (for programs), `message` tells the respondent (in Chinese; English by the
    code with surveys.respond.texts.refusal_text), `details` what the message names (`opens_at`).
    """

    def __init__(self, code: str, message: str, details: dict | None = None):
        self.code = code
        self.message = message
        self.details = details or {}
        super().__init__(message)


class SubmissionInvalid(Exception):
    """The payload names unknown codes or misses answers (HTTP 400): {field: [message]}."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__(errors)


class SubmissionConflict(Exception):
    """The response id is already stored with other content (HTTP 409)."""

    def __init__(self, differences: list[str]):
        self.differences = differences
        super().__init__(f"stored with other content: {', '.join(differences)}")


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str
    status: int = 403
    details: dict = field(default_factory=dict)


def invitation_refusal(invitation: Invitation | None, *, now: datetime | None = None) -> Refusal | None:
    """Why this invitation takes no new response now, or None when it does.

    Shared by the questionnaire page and the API so that both say the same thing. A single-use
    invitation that already has a response is checked by `response_submit` inside its
    transaction, and by the page with `invitation_used_up`.
    """
    if invitation is None:
        return Refusal("unknown", "没有找到这个问卷链接，请核对链接或二维码。", status=404)
    survey = invitation.survey
    if not invitation.is_active:
        return Refusal("inactive", "这个问卷链接已停用。")
    now = now or timezone.now()
    if invitation.opens_at and now < invitation.opens_at:
        opens = timezone.localtime(invitation.opens_at)
        return Refusal(
            "not_yet_open",
            f"问卷尚未开始，将于 {opens:%Y年%m月%d日 %H:%M} 开放。",
            details={"opens_at": invitation.opens_at},
        )
    if invitation.closes_at and now >= invitation.closes_at:
        return Refusal("window_closed", "问卷已截止，感谢您的关注。")
    if not survey.accepts_responses:
        if survey.status == survey.Status.DRAFT:
            return Refusal("survey_not_open", "问卷尚未开始收集。")
        return Refusal("survey_closed", "问卷已截止，感谢您的关注。")
    return None


# Refusals a late arrival may be excused from (`late_arrival`): the link or the survey closed.
CLOSED_CODES = ("window_closed", "survey_closed")


def late_arrival(invitation: Invitation, submitted_at: datetime | None, *, now: datetime) -> Flag | None:
    """The "arrived after closing" flag of answers given before the link or the survey closed
    and arriving after, within the survey's `late_grace_hours` (answered offline on a phone that
    found a network later); None when they are to be refused as the closing says.

    The submission time is the phone's own and could be set by anyone: such answers are taken
    only where the survey asks for it (0 hours, the default, refuses them, contract §6's 403),
    only until the grace period ends and never once published, and each is flagged for review
    with both times. An invitation must still be active and the survey open or closed."""
    survey = invitation.survey
    if not survey.late_grace_hours or submitted_at is None or not invitation.is_active:
        return None
    closings = []
    if invitation.closes_at and now >= invitation.closes_at:
        closings.append(invitation.closes_at)
    if survey.status == survey.Status.CLOSED:
        if survey.closed_at is None:  # closed before the time of closing was kept
            return None
        closings.append(survey.closed_at)
    elif survey.status != survey.Status.OPEN:
        return None
    if not closings:
        return None
    closed = min(closings)
    if not submitted_at < closed <= now < closed + timedelta(hours=survey.late_grace_hours):
        return None
    return late_flag(closed=closed, submitted_at=submitted_at, received_at=now)


def late_until(survey) -> datetime | None:
    """Until when a closed survey still takes answers given before it closed (`late_arrival`);
    None when that time has passed or it takes none."""
    if survey.status != survey.Status.CLOSED or not survey.late_grace_hours or survey.closed_at is None:
        return None
    until = survey.closed_at + timedelta(hours=survey.late_grace_hours)
    return until if timezone.now() < until else None


def late_flag(*, closed: datetime, submitted_at: datetime, received_at: datetime) -> Flag:
    closed_local, submitted_local = timezone.localtime(closed), timezone.localtime(submitted_at)
    minutes = max(1, round((received_at - closed).total_seconds() / 60))
    hours, rest = divmod(minutes, 60)
    after = " ".join([f"{hours} 小时"] * bool(hours) + [f"{rest} 分钟"] * bool(rest))
    after_en = " ".join([f"{hours} h"] * bool(hours) + [f"{rest} min"] * bool(rest))
    return {
        "code": "late",
        "reason": (
            f"截止（{closed_local:%m-%d %H:%M}）后 {after}送达；手机上的提交时间 "
            f"{submitted_local:%m-%d %H:%M} 在截止之前。"
        ),
        "reason_en": (
            f"Arrived {after_en} after closing ({closed_local:%m-%d %H:%M}); the phone's submission time,"
            f" {submitted_local:%m-%d %H:%M}, is before it."
        ),
    }


def invitation_used_up(invitation: Invitation) -> bool:
    return invitation.single_use and Response.objects.filter(invitation=invitation).exists()


USED_UP = "这个问卷链接只能使用一次，已经有人提交过答卷。"
DEVICE_USED = "这部手机已经提交过本次调查的答卷，每部手机只能提交一份。如由调查员代为填写，请联系工作人员。"


def device_digest(*, survey_id: int, marker: str) -> str:
    """A keyed hash of the phone's random marker: equal markers match, the marker itself is not kept.

    The survey is part of the hashed value, so the same phone cannot be followed from one
    survey to the next.
    """
    if not marker:
        return ""
    return salted_hmac("surveys.device", f"{survey_id}:{marker}", algorithm="sha256").hexdigest()


def device_answered(survey, marker: str) -> bool:
    """Whether this phone already answered the survey (always False where phones are shared)."""
    if not marker or survey.allow_shared_device:
        return False
    return Response.objects.filter(
        survey=survey, device=device_digest(survey_id=survey.pk, marker=marker)
    ).exists()


def _normalised(payload: ResponsePayload) -> ResponsePayload:
    return ResponsePayload(
        response_id=payload.response_id,
        answers={code: option or None for code, option in payload.answers.items()},
        age_band=payload.age_band or None,
        comment=(payload.comment or "").strip(),
        started_at=payload.started_at,
        submitted_at=payload.submitted_at,
    )


def unsure_named(catalog, *, english: bool | None = None) -> str:
    """The not-sure options' names, quoted: “不了解”, “说不清”或“不了解”; "" when there is none.
    In English, one the survey has no English name for is “don't know”, as before surveys named
    their own (its Chinese name would go unmarked in the page's error texts, WCAG 3.1.2)."""
    english = english_wanted(english)
    names = dict.fromkeys(  # two unnamed ones are one “don't know”
        "“" + (option.label_en or "don't know") + "”" if english else f"“{option.label}”"
        for option in catalog.unsure_options
    )
    return (" or " if english else "或").join(names)


def answer_required(catalog) -> str:
    """What an unanswered item is told, naming the survey's own not-sure option (“说不清” on a
    bureau's five-level scale, not “不了解”), in the active language."""
    unsure = unsure_named(catalog)
    if not unsure:
        return _("请选择一项。")
    return _("请选择一项（不清楚可选%(unsure)s）。") % {"unsure": unsure}


def _check_codes(invitation: Invitation, payload: ResponsePayload, catalog) -> None:
    errors: dict[str, list[str]] = {}
    for code, option in payload.answers.items():
        if code not in catalog.items:
            errors[f"answers.{code}"] = [_("未知题目代码 %(code)r。") % {"code": code}]
        elif option is not None and option not in catalog.options:
            errors[f"answers.{code}"] = [
                _("未知选项代码 %(code)r；应为 %(known)s 之一。")
                % {"code": option, "known": ", ".join(catalog.options)}
            ]
    for code in catalog.items:
        if not payload.answers.get(code) and f"answers.{code}" not in errors:
            errors[f"answers.{code}"] = [answer_required(catalog)]
    if invitation.group.by_village:
        if payload.age_band is None:
            errors["age_band"] = [_("请选择您的年龄段。")]
        elif payload.age_band not in catalog.age_bands:
            errors["age_band"] = [
                _("未知年龄段 %(code)r；应为 %(known)s 之一。")
                % {"code": payload.age_band, "known": ", ".join(catalog.age_bands)}
            ]
    elif payload.age_band is not None:
        errors["age_band"] = [
            _("“%(group)s”不按年龄段抽样，年龄段应留空。") % {"group": localized(invitation.group)}
        ]
    if problems := comment_problems(payload.comment):
        errors["comment"] = problems
    if errors:
        raise SubmissionInvalid(errors)


def comment_problems(comment: str) -> list[str]:
    """What is wrong with a comment (意见建议), already trimmed: [] when it may be stored. The one
    rule for every way a comment arrives (a phone, the API, a paper sheet typed by staff, a CSV
    import)."""
    problems = []
    if len(comment) > COMMENT_MAX_LENGTH:
        problems.append(_("意见建议最多 %(n)d 字。") % {"n": COMMENT_MAX_LENGTH})
    if "\x00" in comment:  # PostgreSQL stores no NUL in text: refused, not a server error
        problems.append(_("意见建议中有空字符（NUL），无法保存。"))
    return problems


def response_differences(stored: Response, *, invitation: Invitation, payload: ResponsePayload) -> list[str]:
    """The fields in which a stored response differs from a payload claiming the same id.

    Answers are compared by their codes, so a stored response answered on an older
    questionnaire version still matches a faithful retry. `started_at` is not compared: it is
    the phone's own note, and `submitted_at` only when the retry gives one.
    """
    payload = _normalised(payload)
    version = stored.version
    stored_answers = decode_answers(
        stored.answers, item_codes=version.item_codes, option_codes=version.option_codes
    )
    differ = []
    if stored.invitation_id != invitation.pk:
        differ.append("invitation")
    if stored.survey_id != invitation.survey_id or stored.group_id != invitation.group_id:
        differ.append("group")
    if stored.village_id != invitation.village_id:
        differ.append("village")
    if (stored.age_band.code if stored.age_band_id else None) != payload.age_band:
        differ.append("age_band")
    codes = list(dict.fromkeys([*stored_answers, *payload.answers]))
    if any(stored_answers.get(c) != payload.answers.get(c) for c in codes):
        differ.append("answers")
    if stored.comment != payload.comment:
        differ.append("comment")
    if payload.submitted_at is not None and stored.submitted_at != payload.submitted_at:
        differ.append("submitted_at")
    return differ


# What comparing a retry needs of the stored response (one fixed query); the other fields stay
# deferred.
_STORED_FIELDS = [
    "id", "survey_id", "version_id", "invitation_id", "group_id", "village_id", "age_band_id",
    "answers", "comment", "submitted_at", "received_at",
]  # fmt: skip
_stored_query = CompiledQuery(
    lambda response_id: Response.objects.filter(pk=response_id).order_by().values_list(*_STORED_FIELDS),
    1,
    sample=[uuid.uuid4()],
)


def _stored(response_id: uuid.UUID, state: SurveyState | None = None) -> Response | None:
    """The stored response with this id. Its questionnaire version and age band come from
    `state` when they are the survey's current ones; otherwise they load when first used."""
    rows = _stored_query.rows(response_id)
    if not rows:
        return None
    stored = Response.from_db(DEFAULT_DB_ALIAS, _STORED_FIELDS, rows[0])
    if state is not None and stored.survey_id == state.catalog.survey.pk:
        if stored.version_id == state.version.pk:
            stored.version = state.version
        if stored.age_band_id in state.age_bands_by_id:
            stored.age_band = state.age_bands_by_id[stored.age_band_id]
    return stored


def _retry_or_conflict(
    stored: Response, *, invitation: Invitation, payload: ResponsePayload
) -> tuple[Response, bool]:
    differ = response_differences(stored, invitation=invitation, payload=payload)
    if differ:
        raise SubmissionConflict(differ)
    return stored, False


def _response_new(
    *,
    invitation: Invitation,
    payload: ResponsePayload,
    device: str,
    source: str,
    state: SurveyState,
    late_allowed: bool = False,
) -> tuple[Response, bool, Flag | None]:
    """The response to insert (flags not yet set), whether its phone must not have answered
    before, and, for answers arriving after closing that the survey still takes (`late_allowed`:
    the careful way only), their flag. Raises SubmissionRefused or SubmissionInvalid."""
    survey = invitation.survey
    catalog, version = state.catalog, state.version
    now = timezone.now()
    refusal = invitation_refusal(invitation, now=now)
    late = None
    if refusal is not None and late_allowed and refusal.code in CLOSED_CODES:
        late = late_arrival(invitation, payload.submitted_at, now=now)
    if refusal is not None and late is None:
        raise SubmissionRefused(refusal.code, refusal.message, refusal.details)
    _check_codes(invitation, payload, catalog)
    digest = device_digest(survey_id=survey.pk, marker=device)
    response = Response(
        id=payload.response_id,
        survey=survey,
        version=version,
        invitation=invitation,
        group=invitation.group,
        village=invitation.village,
        age_band=catalog.age_bands[payload.age_band] if payload.age_band else None,
        answers=encode_answers(
            payload.answers, item_codes=version.item_codes, option_codes=version.option_codes
        ),
        comment=payload.comment,
        started_at=payload.started_at,
        submitted_at=payload.submitted_at or now,
        received_at=now,
        source=source,
        device=digest,
    )
    return response, bool(digest) and not survey.allow_shared_device, late


def response_submit(
    *,
    invitation: Invitation,
    payload: ResponsePayload,
    device: str = "",
    source: str = Response.Source.API,
    state: SurveyState | None = None,
) -> tuple[Response, bool]:
    """Store a respondent's answers; returns (response, created).

    created is False for a retry of a response already stored with the same content.
    Raises SubmissionRefused (closed, used up, this phone already answered), SubmissionInvalid
    (unknown codes, missing answers) or SubmissionConflict (same id, other content).
    `device` is the phone's random marker as sent; only its keyed hash is stored. `state`: the
    survey's state when the caller already has it (see `submission_invitation`).
    """
    payload = _normalised(payload)
    survey = invitation.survey
    state = state or survey_state(survey)
    try:
        response, check_device, late = _response_new(
            invitation=invitation,
            payload=payload,
            device=device,
            source=source,
            state=state,
            late_allowed=True,
        )
    except (SubmissionRefused, SubmissionInvalid):
        # A retry of what is already stored is answered even after the invitation closed or
        # the questionnaire changed: the phone may have queued it offline, and it must learn
        # that the server has it. (Looked up only here: on the normal path the primary key
        # decides, below.)
        stored = _stored(payload.response_id, state)
        if stored is not None:
            return _retry_or_conflict(stored, invitation=invitation, payload=payload)
        raise
    # Flags are worked out before the insert and stored with it: a response is never seen
    # without its data-quality flags, and no second write is needed.
    response.flags = response_flags_compute(
        response=response,
        quotas=state.quotas_covering(response.group_id, response.village_id, response.age_band_id),
        durations=recent_durations_cached(survey),
        device_is_checked=check_device,
    )
    if late is not None:
        response.flags = [*response.flags, late]
    # A transaction only where something must be checked under a lock; otherwise the INSERT
    # alone, in autocommit, is all there is to write. Inside a caller's transaction, atomic()
    # makes a savepoint, so a failing statement cannot break the caller's transaction.
    needs_transaction = invitation.single_use or check_device or connection.in_atomic_block
    with transaction.atomic() if needs_transaction else nullcontext():
        if invitation.single_use:
            # Serialise the submissions of this one invitation, so that two different
            # responses arriving together cannot both find it unused.
            list(Invitation.objects.select_for_update().filter(pk=invitation.pk).order_by().values_list("pk"))
            if Response.objects.filter(invitation=invitation).exclude(pk=payload.response_id).exists():
                stored = _stored(payload.response_id, state)
                if stored is not None:
                    return _retry_or_conflict(stored, invitation=invitation, payload=payload)
                raise SubmissionRefused("used_up", USED_UP)
        if (
            check_device
            and Response.objects.filter(survey=survey, device=response.device)
            .exclude(pk=payload.response_id)
            .exists()
        ):
            raise SubmissionRefused("device_used", DEVICE_USED)
        # The insert is the last statement. Always an INSERT: an existing id must be left as
        # it is, never overwritten by an UPDATE. A taken primary key (a retry, or two
        # identical requests at once) inserts nothing, without an error.
        # No cache write: the score cache sees a new row by its count (surveys/scoring.py).
        inserted = _RESPONSE_INSERT.insert(response)
    if not inserted:
        stored = _stored(payload.response_id, state)
        if stored is None:  # a constraint other than the primary key refused it
            raise IntegrityError(f"response {payload.response_id} was refused by the database")
        return _retry_or_conflict(stored, invitation=invitation, payload=payload)
    return response, True


def submission_store(
    *, token: str, payload: ResponsePayload, device: str = "", source: str = Response.Source.API
) -> tuple[Response, bool]:
    """Store a submission sent with an invitation's token; (response, created) and the
    exceptions as for `response_submit`, and SubmissionRefused("unknown") for a token that
    names no invitation.

    The usual case is a single statement: the invitation as this process last read it, checked
    against its row by the INSERT itself (surveys/services/submission_insert.py). Anything else
    takes the careful way, with the invitation read afresh: a link not seen before or changed
    since, a taken id (a retry, a conflict), a refusal, a single-use link, a shared phone.
    """
    payload = _normalised(payload)
    remembered = invitation_remembered(token)
    if remembered is not None:
        stored = _submit_remembered(remembered, payload=payload, device=device, source=source)
        if stored is not None:
            return stored
    found = submission_invitation(token)
    if found is None:
        refusal = invitation_refusal(None)
        raise SubmissionRefused(refusal.code, refusal.message, refusal.details)
    invitation, state = found
    return response_submit(invitation=invitation, payload=payload, device=device, source=source, state=state)


def _submit_remembered(
    invitation: Invitation, *, payload: ResponsePayload, device: str, source: str
) -> tuple[Response, bool] | None:
    """The single-statement way (see `submission_store`); None when it cannot answer."""
    if invitation.single_use:  # checked under a lock, the careful way
        return None
    survey = invitation.survey
    state = survey_state(survey)
    try:
        response, check_device, _late = _response_new(
            invitation=invitation, payload=payload, device=device, source=source, state=state
        )
    except (SubmissionRefused, SubmissionInvalid):
        return None  # answered the careful way, which also finds a stored retry, or a late arrival
    if response.device and not check_device:  # a shared phone: its near duplicates are looked up
        return None
    response.flags = response_flags_compute(
        response=response,
        quotas=(),
        durations=recent_durations_cached(survey),
        device_is_checked=check_device,
    )
    # Inside a caller's transaction, a savepoint, so that a failing statement cannot break it.
    with transaction.atomic() if connection.in_atomic_block else nullcontext():
        inserted = response_insert_checked(
            response,
            invitation=invitation,
            covering=state.quotas_covering(response.group_id, response.village_id, response.age_band_id),
            check_device=check_device,
            now=timezone.now(),
        )
    if inserted:
        return response, True
    # Nothing inserted: a retry or a conflict (answered from the stored row, as the careful way
    # would), or the invitation, the survey or the phone is no longer as remembered.
    stored = _stored(payload.response_id, state)
    if stored is not None:
        return _retry_or_conflict(stored, invitation=invitation, payload=payload)
    return None
