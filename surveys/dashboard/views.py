"""Staff pages: thin views over the progress and review selectors and the review services."""

import dataclasses
from datetime import datetime
from typing import NamedTuple
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext
from django.views.decorators.http import require_GET, require_POST

from surveys.audit import action_label
from surveys.dashboard.charts import HEIGHT, WIDTH, day_bars
from surveys.dashboard.layout import group_tables
from surveys.dashboard.reminders import survey_reminders
from surveys.localized import localized
from surveys.models import Response, SurveyMembership
from surveys.paper.selectors import paper_summary
from surveys.permissions import (
    can_read_audit,
    can_read_scores,
    can_review,
    can_view_progress,
    survey_get_for,
    survey_roles,
    surveys_listed_for,
)
from surveys.placed_messages import messages_placed
from surveys.posted_time import posted_time
from surveys.reports.comments import comments_xlsx
from surveys.reports.progress import progress_xlsx
from surveys.respond.posters import PosterFontMissing, poster_text, posters_pdf, print_families
from surveys.selectors_comments import SurveyComments, survey_comments
from surveys.selectors_progress import (
    CHART_DAYS,
    InvitationProgress,
    Progress,
    progress_totals,
    survey_progress,
)
from surveys.selectors_review import (
    ReviewNarrowing,
    audit_log,
    flag_summary,
    responses_for_review,
    responses_in_batch,
    responses_to_check,
    review_batch,
    review_narrowing,
    surveys_to_check,
)
from surveys.selectors_surveys import (
    PROGRESS_ORDERS,
    asked_words,
    lagging_first,
    survey_listing,
    surveys_asked,
)
from surveys.services.quality import flag_label
from surveys.services.review import (
    EXCLUDED_BATCH,
    KEPT_BATCH,
    response_exclude,
    response_include,
    response_keep,
    responses_decide,
)
from surveys.services.submission import invitation_refusal, late_until

POLL_SECONDS = 10
COMMENTS_PER_PAGE = 50
MISSING_SHOWN = 20
FLAGGED_PLACES_SHOWN = 5  # the places with the most flags, on the data-quality card
TO_CHECK = "to-check"  # ?review=to-check: the review list of the responses still to check only
# ?flag=<kind>, ?village=<code>, ?group=<code>: the review list of one kind of flag, one place.
NARROWING_KEYS = ("flag", "village", "group")
REVIEW_TAG = "review-"  # a review message's extra tag, then the response's id (and its element's id)


def survey_pages(user, survey) -> list[tuple[str, str, str]]:
    """The pages of a survey this user may open, as (kind, label, url), the user's main one first:
    the evaluation page for evaluators who are not staff, else the dashboard."""
    pages = []
    staff_work = can_review(user, survey)
    if can_view_progress(user, survey):
        pages.append(("progress", _("收集进度"), reverse("staff-survey", args=[survey.slug])))
    if staff_work:
        pages.append(("paper", _("纸质问卷"), reverse("staff-paper", args=[survey.slug])))
    if can_read_scores(user, survey):
        evaluate = ("evaluate", _("评价结果"), reverse("evaluate-survey", args=[survey.slug]))
        pages.insert(len(pages) if staff_work else 0, evaluate)
    return pages


class ListedProgress(NamedTuple):
    """What the list of surveys says of a survey's collection, for those who watch it: the
    dashboard's totals (received against the quotas' target, its state, what is still needed,
    when the last response came) and, for those who review, the flagged responses left to check."""

    progress: Progress
    to_check: int | None  # None: this user does not review


def _listed_progress(user, surveys: list) -> dict[int, ListedProgress]:
    """What the list says of each survey's collection, by survey id, in a fixed number of
    queries (per thousand surveys) whatever their size; none for a draft (nothing is collected
    yet) nor for those who may not see the progress."""
    watched = [s for s in surveys if s.status != s.Status.DRAFT and can_view_progress(user, s)]
    totals = progress_totals(watched)
    to_check = surveys_to_check([s for s in watched if can_review(user, s)])
    return {survey.pk: ListedProgress(totals[survey.pk], to_check.get(survey.pk)) for survey in watched}


@login_required
def survey_list(request):
    """Everyone's landing page after logging in: each survey with the pages this user may open,
    and for those who watch its collection, how far it has come (a county's staff with several
    towns' surveys see which one lags without opening each); a page of 20 at a time, narrowed on
    asking to a year, a status or a name (surveys/selectors_surveys.py), and on asking the least
    advanced collection first (?order=progress-asc: every kept survey's progress is read)."""
    user = request.user
    surveys = surveys_listed_for(user)
    asked = surveys_asked(request, surveys, PROGRESS_ORDERS)
    kept = asked.keep(surveys)
    listed = {}
    if asked.order:
        listed = _listed_progress(user, kept)
        kept = lagging_first(kept, {pk: row.progress for pk, row in listed.items()})
    listing = survey_listing(request, surveys, asked=asked, kept=kept)
    if not asked.order:  # a page of 20: only their progress is read, unless all were
        listed = _listed_progress(user, list(listing.page))
    rows = [
        (
            survey,
            [role.label for role in SurveyMembership.Role if role in survey_roles(user, survey)],
            survey_pages(user, survey),
            listed.get(survey.pk),
        )
        for survey in listing.page
    ]
    return render(request, "surveys/staff/survey_list.html", {"rows": rows, "listing": listing})


# What the invitations table says of a link that takes no answers now, by the questionnaire's
# own refusal code (surveys/services/submission.py), and whether it may still be handed out: a
# link that is not open yet may be posted ahead; a closed, switched-off or used-up one may not.
INVITATION_STATES = {
    "inactive": (gettext_lazy("已停用"), False),
    "window_closed": (gettext_lazy("已截止"), False),
    "survey_closed": (gettext_lazy("已截止"), False),
    "used_up": (gettext_lazy("已用过"), False),
    "not_yet_open": (gettext_lazy("未到开始时间"), True),
    "survey_not_open": (gettext_lazy("调查尚未开始"), True),
}


def _invitation_rows(survey, rows: list[InvitationProgress], *, with_links: bool) -> list[dict]:
    """The invitations table: where, responses, the token, and for those who hand links out the
    address to copy and the QR posters. A link that takes no more answers is marked so and
    offered neither for copying nor as a poster."""
    now = timezone.now()
    table = []
    for row in rows:
        invitation = row.invitation
        invitation.survey = survey  # the same object: no query per row
        refusal = invitation_refusal(invitation, now=now)
        state = refusal.code if refusal is not None else ""
        if not state and invitation.single_use and row.responses:
            state = "used_up"
        label, usable = INVITATION_STATES.get(state, ("", not state))
        postable = with_links and usable
        table.append(
            {
                "invitation": invitation,
                "responses": row.responses,
                "state": state,
                "state_label": label,
                "dead": not usable,
                "url": invitation.url if with_links else "",
                "postable": postable,
                "poster_png": reverse("respond-poster-png", args=[invitation.token]) if postable else "",
                "poster_pdf": reverse("respond-poster-pdf", args=[invitation.token]) if postable else "",
            }
        )
    return table


def _response_times(response: Response) -> list[tuple[str, datetime]]:
    """When a response was submitted (the day the chart counts it on) and, when it reached the
    server on another day (imported, typed in from paper, queued on a phone offline), when it
    arrived; only the latter when the submission time is unknown."""
    received = (pgettext("答卷时间", "接收"), response.received_at)
    if response.submitted_at is None:
        return [received]
    submitted = (pgettext("答卷时间", "提交"), response.submitted_at)
    if timezone.localdate(response.submitted_at) == timezone.localdate(response.received_at):
        return [submitted]
    return [submitted, received]


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _survey_viewed(request, slug: str, refusal: str):
    """The survey, for whoever may see its staff pages (its staff, evaluators, administrators);
    anyone else is refused with `refusal`."""
    survey = survey_get_for(request.user, slug)
    if not can_view_progress(request.user, survey):
        raise PermissionDenied(refusal)
    return survey


def _progress_survey(request, slug: str):
    return _survey_viewed(request, slug, _("只有这项调查的工作人员、评价人员或管理员可以查看收集进度。"))


@login_required
def survey_dashboard(request, slug: str):
    survey = _progress_survey(request, slug)
    progress = survey_progress(survey)
    behind = progress.missing
    audit = audit_log(survey) if can_read_audit(request.user, survey) else []
    for entry in audit:
        entry.action_label = action_label(entry.action)
        entry.batch = _batch_said(entry, progress) if entry.action in (KEPT_BATCH, EXCLUDED_BATCH) else ""
    may_review = can_review(request.user, survey)
    invitation_rows = _invitation_rows(survey, progress.invitations, with_links=may_review)
    narrowing = _narrowing_asked(survey, request.GET)
    to_check_only = narrowing.to_check
    # The list of those to check of one kind of flag may be kept or excluded all at once.
    batch = review_batch(survey, narrowing, timezone.now()) if may_review and to_check_only else None
    review = responses_for_review(survey, request.GET.get("review_page"), narrowing=narrowing)
    flags = flag_summary(progress)
    asked = _narrowing_query(narrowing)
    # A review decision's outcome goes beside its response (on a phone the top of the page,
    # where messages usually are, is far from it); the outcome for a response no longer listed
    # (checked, on the list of those to check; on another page) at the top of the list; any
    # other message at the top of the page.
    review.object_list = list(review.object_list)
    outcomes, unplaced = messages_placed(request, REVIEW_TAG, {str(r.pk) for r in review.object_list})
    review_messages = [m for m in unplaced if _of_review(m)]
    other_messages = [m for m in unplaced if not _of_review(m)]
    for response in review.object_list:
        response.outcome = outcomes.get(str(response.pk))
        response.times = _response_times(response)
    context = {
        "other_messages": other_messages,
        "survey": survey,
        "progress": progress,
        # The demo's made-up responses, said in red as on every page that shows them.
        "synthetic": progress.synthetic,
        # Closed, but still taking answers given offline before the close (late_grace_hours).
        "late_until": late_until(survey),
        "tables": group_tables(progress.cells),
        "missing": behind[:MISSING_SHOWN],
        # The cells behind that the list leaves out: said, or the list reads as all there is.
        "missing_more": max(len(behind) - MISSING_SHOWN, 0),
        "missing_shown": MISSING_SHOWN,
        "bars": day_bars(progress.per_day),
        "chart_width": WIDTH,
        "chart_height": HEIGHT,
        "chart_max": max((n for _, n in progress.per_day), default=0),
        "chart_days": CHART_DAYS,
        "review": review,
        "review_messages": review_messages,
        # On the list of those to check, its own count (the same query).
        "to_check": review.paginator.count if to_check_only else responses_to_check(survey, narrowing),
        "to_check_only": to_check_only,
        "review_batch": batch,
        "batch_kind": flag_label(narrowing.flag) if narrowing.flag else "",
        "narrowing": narrowing,
        # What the review list's links and forms carry on: the list of those to check only, the
        # kind of flag and the place it is narrowed to.
        "review_query": f"&{urlencode(asked)}" if asked else "",
        "review_hidden": asked.items(),
        # The other lists: of those to check with the same kind and place, of all of them with
        # it; and the same list without kind and place.
        "to_check_query": urlencode(_narrowing_query(dataclasses.replace(narrowing, to_check=True))),
        "all_query": urlencode(_narrowing_query(dataclasses.replace(narrowing, to_check=False))),
        "widened_query": urlencode(_narrowing_query(narrowing.widened())),
        "flags": flags,
        "flagged_places_shown": flags.places[:FLAGGED_PLACES_SHOWN],
        "flagged_places_shown_at_most": FLAGGED_PLACES_SHOWN,
        "narrowing_choices": _narrowing_choices(progress, flags),
        "paper": paper_summary(survey),
        "audit": audit,
        # Reviewing, the paper pages and posters are for staff and administrators; evaluators
        # are offered none of them (they would answer 403), but the evaluation page instead.
        "may_review": may_review,
        "may_evaluate": can_read_scores(request.user, survey),
        "invitation_rows": invitation_rows,
        "postable": sum(row["postable"] for row in invitation_rows),
        "poll_seconds": POLL_SECONDS,
        "time_zone": settings.TIME_ZONE,
        "progress_url": reverse("api-survey-progress", args=[survey.slug]),
        # The review forms' actions are this plus "<id>/exclude/", "<id>/include/" or "<id>/keep/".
        "review_url": reverse("staff-surveys") + f"{survey.slug}/responses/",
        # What dashboard.js writes itself, in the page's language.
        "js_texts": {
            "missing": _("缺"),
            # The same texts as the template's, so a refresh writes exactly what the server did.
            "ratio": _("（%(received)s/%(target)s）"),
            "day": _("%(day)s：%(count)s"),
            "refreshed": _("更新于"),
            "paused": _("自动刷新已暂停"),
            "resumed": _("自动刷新已恢复"),
            "expired": _("登录已过期，请刷新页面重新登录"),
            # The data-quality card's texts (a count's two forms: English says 1 response).
            "responses_one": ngettext("%(n)s 份", "%(n)s 份", 1),
            "responses_other": ngettext("%(n)s 份", "%(n)s 份", 2),
            "flagged_all": _(
                "全部 %(flagged)s / %(responses)s 份（%(share)s）有标记。一处的比例远高于此，值得回访核实。"
            ),
            "place_ratio": _("%(flagged)s / %(responses)s（%(share)s）"),
            "places_one": ngettext(
                "共 %(n)s 处有标记，可在待审核答卷中按村（社区）和群体筛选。",
                "共 %(n)s 处有标记，可在待审核答卷中按村（社区）和群体筛选。",
                1,
            ),
            "places_other": ngettext(
                "共 %(n)s 处有标记，可在待审核答卷中按村（社区）和群体筛选。",
                "共 %(n)s 处有标记，可在待审核答卷中按村（社区）和群体筛选。",
                2,
            ),
        },
    }
    return render(request, "surveys/staff/dashboard.html", context)


@login_required
@require_GET
def survey_progress_download(request, slug: str):
    """The page's counts as an Excel workbook: every quota still behind, every cell's count, every
    link's responses (with its address for those who hand links out, as on the page)."""
    survey = _progress_survey(request, slug)
    progress = survey_progress(survey)
    links = _invitation_rows(survey, progress.invitations, with_links=can_review(request.user, survey))
    response = HttpResponse(progress_xlsx(survey, progress, links), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{survey.slug}-progress.xlsx"'
    return response


def _handing_out(request, slug: str) -> tuple:
    """(survey, progress, its invitations table with the links) for those who hand links out —
    the survey's staff and administrators; evaluators are refused (403)."""
    survey = survey_get_for(request.user, slug)
    if not can_review(request.user, survey):
        raise PermissionDenied(_("只有这项调查的工作人员或管理员可以发出问卷链接。"))
    progress = survey_progress(survey)
    return survey, progress, _invitation_rows(survey, progress.invitations, with_links=True)


@login_required
@require_GET
def survey_posters_download(request, slug: str):
    """The QR posters of every link still handed out, a page each, in one A4 PDF (in the
    invitations table's order): a town's staff print all the villages' at once instead of
    downloading one PDF per link. For those who hand links out."""
    survey, _progress, links = _handing_out(request, slug)
    rows = [row for row in links if row["postable"]]
    if not rows:
        raise Http404(_("这项调查没有可以张贴的邀请链接（在用、未截止、没有用过）。"))
    try:
        texts = [poster_text(row["invitation"]) for row in rows]
        print_families()
    except PosterFontMissing as error:
        messages.error(request, str(error))
        return redirect(reverse("staff-survey", args=[survey.slug]) + "#invitations")
    pdf = posters_pdf(texts)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{survey.slug}-posters.pdf"'
    return response


@login_required
@require_GET
def survey_reminders_page(request, slug: str):
    """催收提醒: a message per place still behind, with its link, to copy into the village's
    WeChat group. For those who hand links out: the survey's staff and administrators."""
    survey, progress, links = _handing_out(request, slug)
    return render(
        request,
        "surveys/staff/reminders.html",
        {
            "survey": survey,
            "progress": progress,
            "synthetic": progress.synthetic,
            "reminders": survey_reminders(survey, progress, links),
        },
    )


@login_required
@require_POST
def response_review(request, slug: str, response_id, action: str):
    survey = survey_get_for(request.user, slug)
    if not can_review(request.user, survey):
        raise PermissionDenied(_("只有这项调查的工作人员或管理员可以剔除或恢复答卷。"))
    response = get_object_or_404(Response.objects.select_related("survey"), survey=survey, pk=response_id)
    service = {"exclude": response_exclude, "include": response_include, "keep": response_keep}[action]
    # The outcome is shown beside the response (REVIEW_TAG), where the page comes back to.
    place = f"{REVIEW_TAG}{response.pk}"
    try:
        service(response=response, user=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(
            request,
            _("答卷 %(id)s：%(problems)s")
            % {"id": str(response.pk)[:8], "problems": _("；").join(error.messages)},
            extra_tags=place,
        )
    else:
        done = {
            "exclude": _("答卷 %(id)s 已剔除，已记入审计日志。"),
            "include": _("答卷 %(id)s 已恢复计入，已记入审计日志。"),
            "keep": _("答卷 %(id)s 已核实保留，已记入审计日志。"),
        }[action]
        messages.success(request, done % {"id": str(response.pk)[:8]}, extra_tags=place)
    # Back to the page of the list the decision was made on, at the response; on the list of
    # those to check, the response decided on leaves it: at the list (its outcome at its top).
    page = request.POST.get("review_page", "")
    query = {"review_page": int(page)} if page.isdigit() and int(page) > 1 else {}
    narrowing = _narrowing_asked(survey, request.POST)
    query.update(_narrowing_query(narrowing))
    at = "review" if narrowing.to_check else place
    return redirect(
        reverse("staff-survey", args=[survey.slug]) + (f"?{urlencode(query)}" if query else "") + f"#{at}"
    )


@login_required
@require_POST
def responses_decide_batch(request, slug: str):
    """批量核实保留 or 批量剔除 (`decision`: keep or exclude): every response still to check in a
    list narrowed to one kind of flag, as the page showed it (the form carries when it was drawn
    up and the list's digest)."""
    survey = survey_get_for(request.user, slug)
    if not can_review(request.user, survey):
        raise PermissionDenied(_("只有这项调查的工作人员或管理员可以剔除或恢复答卷。"))
    narrowing = dataclasses.replace(_narrowing_asked(survey, request.POST), to_check=True)
    through = posted_time(request.POST.get("through", ""))
    decision = request.POST.get("decision")
    exclude = decision == "exclude"
    place = f"{REVIEW_TAG}batch"  # the outcome at the top of the list, where the form was
    try:
        if not narrowing.flag or through is None or decision not in ("keep", "exclude"):
            raise ValidationError(
                _("批量处理要从按一种标记筛选的待核实名单中提交：请先选好标记，再看一遍名单。"),
                code="narrowing",
            )
        entry = responses_decide(
            survey=survey,
            user=request.user,
            candidates=responses_in_batch(survey, narrowing, through),
            digest=request.POST.get("batch", ""),
            reason=request.POST.get("reason", ""),
            batch={
                "flag": narrowing.flag,
                "village": narrowing.village,
                "group": narrowing.group,
                "through": through.isoformat(),
            },
            exclude=exclude,
        )
    except ValidationError as error:
        messages.error(
            request,
            _("批量处理未做：%(problems)s") % {"problems": _("；").join(error.messages)},
            extra_tags=place,
        )
    else:
        count = entry.details["count"]
        if exclude:
            done = ngettext(
                "已将 %(n)s 份带“%(kind)s”标记的答卷剔除，不再计入得分和配额，每份都已记入审计日志。",
                "已将 %(n)s 份带“%(kind)s”标记的答卷剔除，不再计入得分和配额，每份都已记入审计日志。",
                count,
            )
        else:
            done = ngettext(
                "已将 %(n)s 份带“%(kind)s”标记的答卷核实保留，每份都已记入审计日志。",
                "已将 %(n)s 份带“%(kind)s”标记的答卷核实保留，每份都已记入审计日志。",
                count,
            )
        messages.success(request, done % {"n": count, "kind": flag_label(narrowing.flag)}, extra_tags=place)
    query = urlencode(_narrowing_query(narrowing))
    return redirect(reverse("staff-survey", args=[survey.slug]) + f"?{query}#review")


def _batch_said(entry, progress) -> str:
    """A batch's entry in the audit log: how many, of which kind of flag, from where."""
    details = entry.details or {}
    count = details.get("count", 0)
    parts = [ngettext("%(n)s 份", "%(n)s 份", count) % {"n": count}]
    if details.get("flag"):
        parts.append(flag_label(details["flag"]))
    for code, named in ((details.get("village"), progress.villages), (details.get("group"), progress.groups)):
        if code:
            part = next((p for p in named.values() if p.code == code), None)
            parts.append(localized(part) if part is not None else code)
    return " · ".join(parts)


def _narrowing_asked(survey, params) -> ReviewNarrowing:
    """The review list asked for in a page's query or a review form's fields."""
    return review_narrowing(
        survey,
        to_check=params.get("review") == TO_CHECK,
        **{key: params.get(key, "") for key in NARROWING_KEYS},
    )


def _narrowing_query(narrowing: ReviewNarrowing) -> dict[str, str]:
    """The query that asks for this review list again (nothing for the whole list)."""
    query = {"review": TO_CHECK} if narrowing.to_check else {}
    query.update({key: getattr(narrowing, key) for key in NARROWING_KEYS if getattr(narrowing, key)})
    return query


def _narrowing_choices(progress, flags) -> dict[str, list[tuple[str, str, int]]]:
    """What the review list may be narrowed to, as (code, name, responses flagged): every kind of
    flag present, every village and group of the survey."""
    by_village: dict[int, int] = {}
    by_group: dict[int, int] = {}
    for place in flags.places:
        if place.village is not None:
            by_village[place.village.pk] = by_village.get(place.village.pk, 0) + place.flagged
        by_group[place.group.pk] = by_group.get(place.group.pk, 0) + place.flagged
    return {
        "flag": flags.kinds,
        "village": [(v.code, localized(v), by_village.get(v.pk, 0)) for v in _in_order(progress.villages)],
        "group": [(g.code, localized(g), by_group.get(g.pk, 0)) for g in _in_order(progress.groups)],
    }


def _in_order(parts: dict) -> list:
    """A survey's villages or groups in their order, as the admin lists them."""
    return sorted(parts.values(), key=lambda part: (part.order, part.code))


def _of_review(message) -> bool:
    """Whether a message is a review decision's outcome (tagged REVIEW_TAG and the response)."""
    return (message.extra_tags or "").startswith(REVIEW_TAG)


def _comments_survey(request, slug: str):
    return _survey_viewed(request, slug, _("只有这项调查的工作人员、评价人员或管理员可以查看意见建议。"))


@dataclasses.dataclass(frozen=True)
class _CommentsAsked:
    """What the reader asked of the comments, as the page and its download read it: all of them
    or not those that say nothing (?all=1), one named village (?village=), one named group
    (?group=), some words (?q=). A village or group not named is not narrowed to."""

    every: SurveyComments  # every counted comment
    everything: bool
    choosable: SurveyComments  # what may be chosen from: every, or those that say something
    village: str
    group: str
    words: str

    def narrowed(self, comments: SurveyComments) -> SurveyComments:
        return comments.narrowed(village=self.village, group=self.group, words=self.words)

    def query(self) -> dict[str, str]:
        """The choices as the page's own links carry them on."""
        keep = {"village": self.village, "group": self.group, "all": "1" if self.everything else ""}
        return {name: value for name, value in (keep | {"q": self.words}).items() if value}


def _comments_asked(request, survey) -> _CommentsAsked:
    every = survey_comments(survey)
    everything = request.GET.get("all") == "1"
    choosable = every if everything else every.said()
    return _CommentsAsked(
        every=every,
        everything=everything,
        choosable=choosable,
        village=_named_asked(request, "village", choosable.villages()),
        group=_named_asked(request, "group", choosable.groups()),
        words=asked_words(request),  # as the lists of surveys take them (the workbook repeats them)
    )


def _named_asked(request, name: str, named: list[tuple[str, str, int]]) -> str:
    """The code the reader asked for in `name` if it is one of `named` (code, name, count), or ""."""
    asked = request.GET.get(name, "")
    return asked if asked in {code for code, _name, _n in named} else ""


@login_required
@require_GET
def survey_comments_page(request, slug: str):
    """What respondents wrote in 意见建议 (counted responses), for the survey's staff, evaluators
    and administrators: a page at a time, narrowed on asking (_CommentsAsked), and as an Excel
    sheet with the same choices."""
    survey = _comments_survey(request, slug)
    asked = _comments_asked(request, survey)
    listed = asked.narrowed(asked.choosable).comments
    listing = Paginator(listed, COMMENTS_PER_PAGE).get_page(request.GET.get("page"))
    keep = asked.query()  # what the page's own links carry on
    if request.GET.get("lang"):
        keep["lang"] = request.GET["lang"]
    # The other choice of the comments that say nothing, on this village, words and language.
    other = {k: v for k, v in keep.items() if k != "all"} | ({} if asked.everything else {"all": "1"})
    without_words = {k: v for k, v in keep.items() if k != "q"}
    groups = asked.choosable.groups()
    return render(
        request,
        "surveys/staff/comments.html",
        {
            "survey": survey,
            "every": asked.every,
            "comments": asked.choosable,
            "everything": asked.everything,
            "listing": listing,
            "villages": asked.choosable.villages(),
            "village": asked.village,
            # A choice of group only where there is one to make.
            "groups": groups if len(groups) > 1 else [],
            "group": asked.group,
            "query": ("&" + urlencode(keep)) if keep else "",
            "download_query": ("?" + urlencode(keep)) if keep else "",
            "other_query": "?" + urlencode(other) if other else "?",
            "q": asked.words,
            "without_q": "?" + urlencode(without_words) if without_words else "?",
        },
    )


@login_required
@require_GET
def survey_comments_download(request, slug: str):
    survey = _comments_survey(request, slug)
    asked = _comments_asked(request, survey)
    comments = asked.narrowed(asked.choosable)
    left_out = 0 if asked.everything else asked.narrowed(asked.every).nothing
    village, words = asked.village, asked.words
    response = HttpResponse(
        comments_xlsx(survey, comments, left_out=left_out, words=words),
        content_type=XLSX,
    )
    name = f"{survey.slug}-comments-{village}.xlsx" if village else f"{survey.slug}-comments.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
