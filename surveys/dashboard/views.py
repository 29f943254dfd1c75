"""Staff pages: thin views over the progress and review selectors and the review services."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from surveys.dashboard.charts import HEIGHT, WIDTH, day_bars
from surveys.dashboard.layout import group_tables
from surveys.models import Response, SurveyMembership
from surveys.paper.selectors import paper_summary
from surveys.permissions import (
    can_read_audit,
    can_review,
    can_view_progress,
    survey_get_for,
    surveys_visible_to,
)
from surveys.selectors_progress import survey_progress
from surveys.selectors_review import audit_log, responses_for_review
from surveys.services.paper import ACTION_LABELS as PAPER_ACTION_LABELS
from surveys.services.review import ACTION_LABELS as REVIEW_ACTION_LABELS
from surveys.services.review import response_exclude, response_include

ACTION_LABELS = {**REVIEW_ACTION_LABELS, **PAPER_ACTION_LABELS}

POLL_SECONDS = 10
MISSING_SHOWN = 20


@login_required
def survey_list(request):
    surveys = list(surveys_visible_to(request.user).order_by("-year", "slug"))
    roles: dict[int, list[str]] = {}
    for membership in SurveyMembership.objects.filter(user=request.user, survey__in=surveys):
        roles.setdefault(membership.survey_id, []).append(membership.get_role_display())
    rows = [(survey, roles.get(survey.pk, [])) for survey in surveys]
    return render(request, "surveys/staff/survey_list.html", {"rows": rows})


@login_required
def survey_dashboard(request, slug: str):
    survey = survey_get_for(request.user, slug)
    if not can_view_progress(request.user, survey):
        raise PermissionDenied
    progress = survey_progress(survey)
    audit = audit_log(survey) if can_read_audit(request.user, survey) else []
    for entry in audit:
        entry.action_label = ACTION_LABELS.get(entry.action, entry.action)
    context = {
        "survey": survey,
        "progress": progress,
        "tables": group_tables(progress.cells),
        "missing": progress.missing[:MISSING_SHOWN],
        "bars": day_bars(progress.per_day),
        "chart_width": WIDTH,
        "chart_height": HEIGHT,
        "chart_max": max((n for _, n in progress.per_day), default=0),
        "review": responses_for_review(survey, request.GET.get("review_page")),
        "paper": paper_summary(survey),
        "audit": audit,
        "may_review": can_review(request.user, survey),
        "poll_seconds": POLL_SECONDS,
        "time_zone": settings.TIME_ZONE,
        "progress_url": reverse("api-survey-progress", args=[survey.slug]),
        # The review forms' actions are this plus "<id>/exclude/" or "<id>/include/" (see urls.py).
        "review_url": reverse("staff-surveys") + f"{survey.slug}/responses/",
        # What dashboard.js writes itself, in the page's language.
        "js_texts": {
            "all_met": _("各配额均已完成。"),
            "missing": _("缺"),
            "refreshed": _("更新于"),
            "expired": _("登录已过期，请刷新页面重新登录"),
        },
    }
    return render(request, "surveys/staff/dashboard.html", context)


@login_required
@require_POST
def response_review(request, slug: str, response_id, action: str):
    survey = survey_get_for(request.user, slug)
    if not can_review(request.user, survey):
        raise PermissionDenied
    response = get_object_or_404(Response.objects.select_related("survey"), survey=survey, pk=response_id)
    service = response_exclude if action == "exclude" else response_include
    try:
        service(response=response, user=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(
            request,
            _("答卷 %(id)s：%(problems)s")
            % {"id": str(response.pk)[:8], "problems": _("；").join(error.messages)},
        )
    else:
        done = (
            _("答卷 %(id)s 已剔除，已记入审计日志。")
            if action == "exclude"
            else _("答卷 %(id)s 已恢复计入，已记入审计日志。")
        )
        messages.success(request, done % {"id": str(response.pk)[:8]})
    # Back to the page of the list the decision was made on.
    page = request.POST.get("review_page", "")
    query = f"?review_page={int(page)}" if page.isdigit() and int(page) > 1 else ""
    return redirect(reverse("staff-survey", args=[survey.slug]) + query + "#review")
