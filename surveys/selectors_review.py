"""Reads for review: the responses to look at and the audit log, one query each."""

from django.db.models import Q

from surveys.models import AuditEntry, Response, Survey

LIST_LIMIT = 100


def responses_for_review(survey: Survey, *, limit: int = LIST_LIMIT) -> list[Response]:
    """Flagged or excluded responses, newest first (an excluded one stays listed to be re-included)."""
    return list(
        Response.objects.filter(survey=survey)
        .filter(Q(excluded=True) | ~Q(flags=[]))
        .select_related("group", "village", "age_band")
        .order_by("-received_at", "pk")[:limit]
    )


def audit_log(survey: Survey, *, limit: int = LIST_LIMIT) -> list[AuditEntry]:
    """Who did what, when and why, newest first."""
    return list(
        AuditEntry.objects.filter(survey=survey).select_related("user").order_by("-at", "-pk")[:limit]
    )
