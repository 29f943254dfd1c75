"""Review: staff exclude a doubtful response from the scores, or count it again, or note that
they checked its flags and keep it (核实保留), so that the list says what is still to look at.
A list still to check of one kind of flag may be kept or excluded all at once (批量核实保留,
批量剔除: the list they were shown, after they checked it — a village's respondents called back,
a village's answers found filled in by one hand).

Nothing is deleted. The response keeps its answers and its flags; only `excluded` changes, and
every change writes an AuditEntry saying who, when, what and why. Scores count only responses
with `excluded=False`.
"""

import hashlib
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import CharField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from surveys.cache import survey_data_changed
from surveys.models import AuditEntry, Response, Survey
from surveys.permissions import can_review

EXCLUDED = "response_excluded"
INCLUDED = "response_included"
KEPT = "response_kept"
# A batch: one entry for the batch itself (how many, of which kind of flag, where, why: what the
# staff page's audit log shows), and one for each response in it (what makes it kept, or says
# why it is excluded, as a single decision's entry does).
KEPT_BATCH = "responses_kept"
KEPT_IN_BATCH = "response_kept_in_batch"
EXCLUDED_BATCH = "responses_excluded"
EXCLUDED_IN_BATCH = "response_excluded_in_batch"
KEPT_ACTIONS = (KEPT, KEPT_IN_BATCH)
EXCLUDED_ACTIONS = (EXCLUDED, EXCLUDED_IN_BATCH)
IN_BATCH = (KEPT_IN_BATCH, EXCLUDED_IN_BATCH)
REASON_MAX = 500
BULK_SIZE = 500  # rows per INSERT, well under SQLite's parameter limit
# A response's id as the database writes it as text: a batch's digest is taken over these, read
# without making a UUID of each (a third of the time of a list of 50,000).
PK_TEXT = Cast("pk", output_field=CharField())


def _checked_reason(*, survey: Survey, user: User, reason: str, required: bool, missing: str = "") -> str:
    """The reason as it will be kept (stripped), once it and the user may be: a reason too long
    or missing where one is `required` (said as `missing`, if given), or a user who may not
    review the survey, is refused."""
    reason = (reason or "").strip()
    if required and not reason:
        raise ValidationError({"reason": missing or _("请填写原因。")}, code="required")
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("原因不超过 %(n)d 字。") % {"n": REASON_MAX}}, code="max_length")
    if "\x00" in reason:  # no text box sends one; PostgreSQL could not store it (a 500)
        raise ValidationError({"reason": _("原因中有空字符（NUL），无法保存。")}, code="null_characters")
    if not can_review(user, survey):
        raise PermissionDenied(_("只有这项调查的工作人员或管理员可以剔除或恢复答卷。"))
    return reason


def _logged(*, locked: Response, user: User, action: str, reason: str) -> AuditEntry:
    """The audit entry of a decision on `locked`, with the flags it had."""
    return AuditEntry.objects.create(
        survey_id=locked.survey_id,
        user=user,
        action=action,
        response=locked,
        reason=reason,
        details={"flags": [flag.get("code") for flag in locked.flags or []]},
    )


def _set_excluded(*, response: Response, user: User, reason: str, excluded: bool) -> AuditEntry:
    reason = _checked_reason(survey=response.survey, user=user, reason=reason, required=True)
    with transaction.atomic():
        # Locked, so two reviewers clicking at once make one change and one clear refusal.
        locked = Response.objects.select_for_update().get(pk=response.pk)
        if locked.excluded == excluded:
            raise ValidationError(
                _("这份答卷已经剔除。") if excluded else _("这份答卷没有被剔除，无需恢复。"), code="unchanged"
            )
        Response.objects.filter(pk=locked.pk).update(excluded=excluded, updated_at=timezone.now())
        entry = _logged(locked=locked, user=user, action=EXCLUDED if excluded else INCLUDED, reason=reason)
        survey_data_changed(response.survey)
    response.excluded = excluded
    return entry


def response_keep(*, response: Response, user: User, reason: str = "") -> AuditEntry:
    """Record that the response's flags were checked and it stays counted (an over-quota answer,
    a fast but genuine one). Its scores do not change, so the reason may be left out."""
    reason = _checked_reason(survey=response.survey, user=user, reason=reason, required=False)
    with transaction.atomic():
        locked = Response.objects.select_for_update().get(pk=response.pk)
        if locked.excluded:
            raise ValidationError(_("这份答卷已经剔除；要计入请“恢复计入”。"), code="excluded")
        if AuditEntry.objects.filter(response=locked, action__in=KEPT_ACTIONS).exists():
            raise ValidationError(_("这份答卷已经核实保留过。"), code="unchanged")
        return _logged(locked=locked, user=user, action=KEPT, reason=reason)


def response_exclude(*, response: Response, user: User, reason: str) -> AuditEntry:
    """Leave the response out of scores and progress; the reason is required and kept."""
    return _set_excluded(response=response, user=user, reason=reason, excluded=True)


def response_include(*, response: Response, user: User, reason: str) -> AuditEntry:
    """Count an excluded response again; the reason is required and kept."""
    return _set_excluded(response=response, user=user, reason=reason, excluded=False)


def batch_digest(response_ids: Iterable) -> str:
    """What names a list of responses whatever its order: the SHA-256 of their sorted ids (as
    `PK_TEXT` reads them). The page offering a batch carries it, and the batch is kept only if the
    list is still that one."""
    return hashlib.sha256("\n".join(sorted(str(pk) for pk in response_ids)).encode()).hexdigest()


def responses_decide(
    *, survey: Survey, user: User, candidates, digest: str, reason: str, batch: dict, exclude: bool = False
) -> AuditEntry:
    """Keep as checked — or, with `exclude`, leave out of the scores and quotas — every response
    of `candidates` (a queryset of the survey's responses still to check: flagged, counted, not
    kept), if they are still exactly the ones whose `batch_digest` the staff member was shown.
    Someone else deciding on one meanwhile, or a response joining the list, refuses the whole
    batch (nothing is written), so that no response is decided on that its checker did not see.
    The reason is required: it stands for every response. An excluded response is re-included
    one at a time, as any other.

    `batch` says what the list was (the kind of flag, the village and group codes, and the time
    it was drawn up to); it goes into the batch's entry with the count. Returns that entry."""
    reason = _checked_reason(
        survey=survey,
        user=user,
        reason=reason,
        required=True,
        missing=_("请写明核实的依据（如回访的情况），它会记入每份答卷的审计日志。"),
    )
    with transaction.atomic():
        # The rows are locked first, as a single decision locks its response, so that no one else
        # decides on them until this commits; read again after the lock (a statement of its own:
        # what others committed meanwhile), the list must still be the one shown.
        list(candidates.select_for_update(of=("self",)).values_list("pk", flat=True))
        rows = list(candidates.values_list(PK_TEXT, "flags"))
        if not rows:
            raise ValidationError(_("这份名单里已经没有待核实的答卷。"), code="empty")
        if batch_digest(pk for pk, _flags in rows) != digest:
            raise ValidationError(
                _("名单已经变了（有答卷刚被别人核实、剔除或恢复计入）：请看一遍新的名单，再确认。"),
                code="changed",
            )
        now = timezone.now()
        if exclude:
            ids = [pk for pk, _flags in rows]
            for start in range(0, len(ids), BULK_SIZE):
                Response.objects.filter(pk__in=ids[start : start + BULK_SIZE]).update(
                    excluded=True, updated_at=now
                )
            survey_data_changed(survey)
        entry = AuditEntry.objects.create(
            survey=survey,
            user=user,
            at=now,
            action=EXCLUDED_BATCH if exclude else KEPT_BATCH,
            reason=reason,
            details={**batch, "count": len(rows), "batch": digest},
        )
        AuditEntry.objects.bulk_create(
            (
                AuditEntry(
                    survey=survey,
                    user=user,
                    at=now,
                    action=EXCLUDED_IN_BATCH if exclude else KEPT_IN_BATCH,
                    response_id=pk,
                    reason=reason,
                    details={"flags": [flag.get("code") for flag in flags or []], "batch": digest},
                )
                for pk, flags in rows
            ),
            batch_size=BULK_SIZE,
        )
    return entry
