"""Review: staff exclude a doubtful response from the scores, or count it again, or note that
they checked its flags and keep it (核实保留), so that the list says what is still to look at.

Nothing is deleted. The response keeps its answers and its flags; only `excluded` changes, and
every change writes an AuditEntry saying who, when, what and why. Scores count only responses
with `excluded=False`.
"""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from surveys.cache import survey_data_changed
from surveys.models import AuditEntry, Response
from surveys.permissions import can_review

EXCLUDED = "response_excluded"
INCLUDED = "response_included"
KEPT = "response_kept"
REASON_MAX = 500


def _checked_reason(*, response: Response, user: User, reason: str, required: bool) -> str:
    """The reason as it will be kept (stripped), once it and the user may be: a reason too long
    or missing where one is `required`, or a user who may not review, is refused."""
    reason = (reason or "").strip()
    if required and not reason:
        raise ValidationError({"reason": _("请填写原因。")}, code="required")
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("原因不超过 %(n)d 字。") % {"n": REASON_MAX}}, code="max_length")
    if "\x00" in reason:  # no text box sends one; PostgreSQL could not store it (a 500)
        raise ValidationError({"reason": _("原因中有空字符（NUL），无法保存。")}, code="null_characters")
    if not can_review(user, response.survey):
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
    reason = _checked_reason(response=response, user=user, reason=reason, required=True)
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
    reason = _checked_reason(response=response, user=user, reason=reason, required=False)
    with transaction.atomic():
        locked = Response.objects.select_for_update().get(pk=response.pk)
        if locked.excluded:
            raise ValidationError(_("这份答卷已经剔除；要计入请“恢复计入”。"), code="excluded")
        if AuditEntry.objects.filter(response=locked, action=KEPT).exists():
            raise ValidationError(_("这份答卷已经核实保留过。"), code="unchanged")
        return _logged(locked=locked, user=user, action=KEPT, reason=reason)


def response_exclude(*, response: Response, user: User, reason: str) -> AuditEntry:
    """Leave the response out of scores and progress; the reason is required and kept."""
    return _set_excluded(response=response, user=user, reason=reason, excluded=True)


def response_include(*, response: Response, user: User, reason: str) -> AuditEntry:
    """Count an excluded response again; the reason is required and kept."""
    return _set_excluded(response=response, user=user, reason=reason, excluded=False)
