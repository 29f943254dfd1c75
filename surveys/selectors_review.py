"""Reads for review: the responses to look at and the audit log, one query each."""

from django.db.models import Q

from surveys.models import AuditEntry, Response, Survey

LIST_LIMIT = 50
# Written exactly as the condition of the partial index response_review, so that both
# databases read only the flagged or excluded few.
FOR_REVIEW = Q(excluded=True) | ~Q(flags=[])


def responses_for_review(survey: Survey, *, limit: int = LIST_LIMIT) -> list[Response]:
    """Flagged or excluded responses, newest first (an excluded one stays listed to be re-included)."""
    return list(
        Response.objects.filter(survey=survey)
        .filter(FOR_REVIEW)
        .select_related("group", "village", "age_band")
        .order_by("-received_at")[:limit]
    )


def audit_log(survey: Survey, *, limit: int = LIST_LIMIT) -> list[AuditEntry]:
    """Who did what, when and why, newest first."""
    return list(
        AuditEntry.objects.filter(survey=survey).select_related("user").order_by("-at", "-pk")[:limit]
    )
