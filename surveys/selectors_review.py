"""Reads for review: the responses to look at (a page at a time) and the audit log."""

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Q

from surveys.models import AuditEntry, Response, Survey
from surveys.services.review import KEPT

LIST_LIMIT = 50
# Written exactly as the condition of the partial index response_review, so that both
# databases read only the flagged or excluded few.
FOR_REVIEW = Q(excluded=True) | ~Q(flags=[])


def _kept() -> Exists:
    """Whether staff checked the response and kept it (its audit log has a KEPT entry)."""
    return Exists(AuditEntry.objects.filter(response=OuterRef("pk"), action=KEPT))


def responses_for_review(
    survey: Survey, page: object = 1, *, per_page: int = LIST_LIMIT, to_check: bool = False
) -> Page:
    """One page of the flagged or excluded responses, newest first (an excluded one stays listed
    to be re-included): two queries, the count and the page. A page number that is not a number
    gives the first page, one past the end the last. Each says whether staff checked it and kept
    it (`kept`). `to_check`: only those still to check (flagged, counted, not kept), the ones
    `responses_to_check` counts."""
    responses = (
        Response.objects.filter(survey=survey)
        .filter(FOR_REVIEW)
        .annotate(kept=_kept())
        .select_related("group", "village", "age_band")
        .order_by("-received_at", "-pk")
    )
    if to_check:
        responses = responses.filter(excluded=False, kept=False)
    return Paginator(responses, per_page).get_page(page)


def responses_to_check(survey: Survey) -> int:
    """Flagged responses still counted that nobody has checked and kept yet."""
    return Response.objects.filter(survey=survey, excluded=False).exclude(flags=[]).exclude(_kept()).count()


def audit_log(survey: Survey, *, limit: int = LIST_LIMIT) -> list[AuditEntry]:
    """Who did what, when and why, newest first."""
    return list(
        AuditEntry.objects.filter(survey=survey).select_related("user").order_by("-at", "-pk")[:limit]
    )
