"""Evaluators' pages: the score's breakdown and derivation, charts, downloads, publishing, API token."""

import hashlib
import json
from pathlib import Path
from typing import NamedTuple

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_POST
from rest_framework.authtoken.models import Token

from stats import charts
from stats.explain import alpha_caution, sentence, warning_shown
from surveys.evaluate.overview import SurveyFigures, survey_figures
from surveys.evaluate.selectors import evaluator_document, evaluator_view
from surveys.models import Survey
from surveys.permissions import (
    can_publish,
    can_read_scores,
    can_view_progress,
    is_administrator,
    may_have_api_token,
    survey_get_for,
    surveys_listed_for,
)
from surveys.reports import CONTENT_TYPES
from surveys.reports.comparison import (
    changes_chart_document,
    comparison_pdf,
    comparison_table,
    comparison_xlsx,
)
from surveys.reports.data import flagged_sentence, report_language
from surveys.reports.overview import overview_csv, overview_xlsx
from surveys.reports.paragraph import report_paragraph
from surveys.reports.tables import dimension_alpha_cautions
from surveys.scoring import QuestionnaireIncomplete, SchemeBroken
from surveys.selectors_surveys import SCORE_ORDERS, SurveysAsked, by_score, survey_listing, surveys_asked
from surveys.services.publish import report_publish
from surveys.services.submission import late_until

CHART_TYPES = {"png": "image/png", "svg": "image/svg+xml"}
CHART_SECONDS = 24 * 3600
# The drawing code's own digest, in every cached chart's key: a release that draws a chart
# differently does not serve the images its predecessor cached.
CHART_CODE = hashlib.sha256(Path(charts.__file__).read_bytes()).hexdigest()[:12]


class Chart(NamedTuple):
    """One chart of the score page: its addresses, and its PNGs' sizes in pixels (width, height),
    which the page names so that the browser keeps each image's place before it arrives."""

    name: str
    title: str
    png: str
    svg: str
    phone_png: str  # laid out for a phone's screen, where the wide one's text would shrink to a third
    size: tuple[int, int]
    phone_size: tuple[int, int]


def _chart_sizes(doc: dict, digest: str) -> dict[str, dict[str, tuple[int, int]]]:
    """Each chart's PNG size at each width ({name: {size: (width, height)}}), once per document:
    their height follows the document (rows, wrapped labels), learnt without building the figures,
    which only `chart` builds, to draw them."""
    key = f"chart-sizes:{CHART_CODE}:{digest[:24]}"
    sizes = cache.get(key)
    if sizes is None:
        sizes = {
            name: {size: charts.chart_size(draw, doc, width=inches) for size, inches in charts.SIZES.items()}
            for name, draw in charts.CHARTS.items()
        }
        cache.set(key, sizes, CHART_SECONDS)
    return sizes


def _survey_for_scores(request, slug: str):
    survey = survey_get_for(request.user, slug)
    if not can_read_scores(request.user, survey):
        raise PermissionDenied(_("只有这项调查的评价人员或管理员可以查看评价结果。"))
    return survey


def surveys_to_evaluate(user) -> list[Survey]:
    """The surveys whose scores this user may read, newest first (can_read_scores itself: every
    one for administrators, those they are an evaluator of for members)."""
    return [survey for survey in surveys_listed_for(user) if can_read_scores(user, survey)]


def _in_order(figures: list[SurveyFigures], order: str) -> list[SurveyFigures]:
    of = {f.survey.pk: f for f in figures}
    ranked = by_score([f.survey for f in figures], {pk: f.score for pk, f in of.items()}, order)
    return [of[survey.pk] for survey in ranked]


def _evaluated(request, language: str) -> tuple[SurveysAsked, list[Survey], list[SurveyFigures] | None]:
    """What the evaluator asked for: the choices, every survey they evaluate, and — where an
    order by score is asked — the figures of every survey kept, in that order (else None: only a
    page's are needed)."""
    surveys = surveys_to_evaluate(request.user)
    asked = surveys_asked(request, surveys, SCORE_ORDERS)
    if not asked.order:
        return asked, surveys, None
    return (
        asked,
        surveys,
        _in_order(survey_figures(asked.keep(surveys), language, among=surveys), asked.order),
    )


@login_required
@require_GET
def survey_list(request):
    """/evaluate/: the surveys this user may evaluate, each with its composite, interval and
    sample as its page shows them (surveys/evaluate/overview.py), linking to that page, a page of
    20 at a time, narrowed on asking to a year, a status or a name (surveys/selectors_surveys.py)
    and ordered by the composite on asking; those asked for as one Excel workbook or CSV file."""
    language = report_language()
    asked, surveys, ordered = _evaluated(request, language)
    listing = survey_listing(
        request,
        surveys,
        asked=asked,
        kept=None if ordered is None else [f.survey for f in ordered],
        file_extra={"lang": "en"} if language == "en" else None,
    )
    if ordered is None:
        figures = survey_figures(list(listing.page), language, among=surveys)
    else:
        on_page = {survey.pk for survey in listing.page}
        figures = [f for f in ordered if f.survey.pk in on_page]
    return render(
        request,
        "surveys/evaluate/list.html",
        {
            "figures": figures,
            "listing": listing,
            "may_have_token": may_have_api_token(request.user),
        },
    )


@login_required
@require_GET
def overview_download(request, fmt: str):
    """The list's figures as a file, in the page's language (?lang=en): every survey this user
    may evaluate that the list's choices keep (?year=, ?status=, ?q=; every page of them, in the
    list's order; none: an empty table, as the page's empty list)."""
    language = report_language()
    asked, surveys, ordered = _evaluated(request, language)
    figures = ordered if ordered is not None else survey_figures(asked.keep(surveys), language, among=surveys)
    body = overview_xlsx(figures, asked.described()) if fmt == "xlsx" else overview_csv(figures)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    name = timezone.localdate().strftime(f"surveys-%Y%m%d.{fmt}")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _percent(count: int, total: int) -> float:
    return 100 * count / total if total else 0.0


CANNOT_SCORE = (QuestionnaireIncomplete, SchemeBroken)


def _cannot_score(request, survey: Survey, exc: QuestionnaireIncomplete | SchemeBroken) -> HttpResponse:
    """What every page and chart of a survey that cannot be scored as it is stored answers (409):
    what is missing, or what of its saved scheme does not fit the questionnaire and where an
    administrator fixes it (the link for administrators; a published survey's frozen downloads)."""
    context = {"survey": survey, "message": str(exc)}
    if isinstance(exc, SchemeBroken):
        query = "?lang=en" if report_language() == "en" else ""
        context.update(
            {
                "scheme": True,
                "message": exc.heading(),
                "problems": exc.problems(),
                "remedy": exc.remedy(),
                "admin_url": exc.admin_path if is_administrator(request.user) and not exc.frozen else "",
                # Published: the frozen files need no score of today's data.
                "downloads": _downloads(survey, query) if exc.frozen else [],
            }
        )
    return render(request, "surveys/evaluate/incomplete.html", context, status=409)


@login_required
def survey_report(request, slug: str):
    survey = _survey_for_scores(request, slug)
    language = report_language()
    try:
        view = evaluator_view(survey, language)
    except CANNOT_SCORE as exc:
        return _cannot_score(request, survey, exc)
    doc = view.document
    # The downloads in the page's language (the API's default is Chinese).
    query = "?lang=en" if language == "en" else ""
    options = doc.get("options") or [
        {"code": c, "name": c, "points": p} for c, p in doc["scheme"]["option_points"].items()
    ]
    items = []
    for item in doc["items"]:
        # Shares of the item's answers, blanks left out (counted beside them), as in the charts.
        total = sum(item["distribution"].values())
        # Each option drawn as in the answers chart (stats.charts.option_background).
        shares = [
            (
                o["name"],
                item["distribution"].get(o["code"], 0),
                _percent(item["distribution"].get(o["code"], 0), total),
                charts.option_background(k, len(options)),
            )
            for k, o in enumerate(options)
        ]
        items.append({**item, "shares": shares})
    villages = sorted(
        doc["by_village"],
        key=lambda c: (c.get("suppressed") or c.get("score") is None, -(c.get("score") or 0), c["code"]),
    )
    reliability = {r["code"]: r for r in doc["reliability"].get("items") or []}
    # The images' addresses name the page's language and the figures they draw, so that a
    # browser never shows a chart it kept from before a switch of language or new responses.
    digest = _digest(doc)
    chart_query = f"?lang={language}&v={digest[:12]}"
    sizes = _chart_sizes(doc, digest)
    context = {
        "survey": survey,
        "doc": doc,
        "view": view,
        "sample": view.sample,
        # What became of the flagged responses (None where the publication did not state it).
        "flagged_sentence": flagged_sentence(view.sample) if view.sample.flagged is not None else None,
        # The paragraph for the 绩效评价报告, from the figures shown here (surveys/reports/paragraph.py).
        "report_paragraph": report_paragraph(doc, view.sample),
        "options": options,
        "items": items,
        "warnings": [warning_shown(str(w), language) for w in doc.get("warnings") or []],
        "villages": villages,
        # No group sampled by village (a bureau's survey of the firms it serves): no village
        # section, rather than an empty table and charts saying the samples were too small.
        "by_village": survey.group_set.filter(by_village=True).exists(),
        # The heat map's figures as a table (its text alternative): village, suppressed, scores.
        "village_dimensions": [
            (
                v["name"],
                bool(v.get("suppressed")),
                [(v.get("dimensions") or {}).get(d["code"]) for d in doc["dimensions"]],
            )
            for v in doc["by_village"]
        ],
        "reliability_items": [(i["name"], reliability.get(i["code"], {})) for i in doc["items"]],
        # Without α, the derivation's sentence says why (too few complete respondents, one item).
        "no_alpha": doc["reliability"].get("cronbach_alpha") is None and sentence(doc, "reliability"),
        "alpha_caution": alpha_caution(doc["reliability"]),
        # α of each dimension's items (总量表及各维度), where there are two dimensions or more.
        "reliability_dimensions": [
            (d["name"], doc["reliability"]["dimensions"][d["code"]])
            for d in doc["dimensions"]
            if d["code"] in (doc["reliability"].get("dimensions") or {})
        ]
        if len(doc["dimensions"]) > 1
        else [],
        "dimension_cautions": dimension_alpha_cautions(doc),  # shown with that table only
        "one_item_dimension": any(
            r.get("k", 2) < 2 for r in (doc["reliability"].get("dimensions") or {}).values()
        ),
        "explain": [e for e in doc.get("explain") or [] if not e["figure"].startswith("by_village_group:")],
        "downloads": _downloads(survey, query),
        # The page shows the phone's PNG on a narrow screen, where the wide one's text would
        # shrink to a third of its size.
        "charts": [
            Chart(
                name,
                title,
                reverse("evaluate-chart", args=[survey.slug, name, "png"]) + chart_query,
                reverse("evaluate-chart", args=[survey.slug, name, "svg"]) + chart_query,
                reverse("evaluate-chart", args=[survey.slug, name, "png"]) + chart_query + "&size=phone",
                sizes[name]["wide"],
                sizes[name]["phone"],
            )
            for name, title in (
                ("dimensions", _("综合满意度与各维度得分")),
                ("items", _("各题答案分布")),
                ("villages", _("各村（社区）得分排序")),
                ("heatmap", _("各村（社区）× 维度")),
                ("groups", _("按受访群体与年龄段") if doc["by_age_band"] else _("按受访群体")),
            )
        ],
        "may_publish": can_publish(request.user, survey) and survey.status == survey.Status.CLOSED,
        # Answers given offline before the close may still arrive until then (late_grace_hours).
        "late_until": late_until(survey),
        # Not closed yet: the publisher is told why there is no button, and who closes collection.
        "publish_after_close": can_publish(request.user, survey)
        and survey.status in (survey.Status.DRAFT, survey.Status.OPEN),
        **_comparison(request, survey, doc, language),
    }
    return render(request, "surveys/evaluate/report.html", context)


def _comparison(request, survey: Survey, doc: dict, language: str) -> dict:
    """Another year (or any survey sharing codes) beside this one: ?compare=SLUG, chosen among
    the surveys this user may evaluate. Each side is the document its own page shows (frozen
    where published); b − a with the standard error of two independent samples (stats.compare)."""
    others = [s for s in surveys_to_evaluate(request.user) if s.pk != survey.pk]
    context = {"compare_choices": others, "compare_with": None}
    slug = request.GET.get("compare")
    if not slug or slug == survey.slug:
        return context
    base = _survey_for_scores(request, slug)  # 404 or 403 as for its own page
    context["compare_with"] = base
    try:
        base_doc = evaluator_document(base, language)
    except CANNOT_SCORE as exc:
        context["compare_error"] = str(exc)
        return context
    table = comparison_table(base_doc, doc)
    context["compare_rows"] = [(r.name, r.kind, r.row, r.significant) for r in table.rows]
    context["compare_same_scoring"] = table.same_scoring
    context["compare_unshared"] = table.unshared  # codes only one side has: not compared, said so
    query = "?lang=en" if language == "en" else ""
    context["compare_xlsx"] = reverse("evaluate-compare-xlsx", args=[survey.slug, base.slug]) + query
    context["compare_pdf"] = reverse("evaluate-compare-pdf", args=[survey.slug, base.slug]) + query
    # The differences drawn (stats.charts.score_changes), the address naming both documents so that
    # a browser never shows a chart it kept from before new responses or a switch of language.
    chart_doc = changes_chart_document(table, base, language)
    chart_query = f"?lang={language}&v={_digest(chart_doc)[:12]}"
    address = reverse("evaluate-compare-chart", args=[survey.slug, base.slug, "png"]) + chart_query
    context["compare_chart"] = Chart(
        "changes",
        _("与基期相比的变化（差值与 95% 置信区间）"),
        address,
        reverse("evaluate-compare-chart", args=[survey.slug, base.slug, "svg"]) + chart_query,
        address + "&size=phone",
        charts.chart_size(charts.score_changes, chart_doc, width=charts.WIDE),
        charts.chart_size(charts.score_changes, chart_doc, width=charts.PHONE),
    )
    return context


def _compared(request, slug: str, other: str):
    """(survey, base, comparison table) for the comparison's downloads, in the page's language, or
    the answer when one side cannot be scored (named: the base may be the one that cannot)."""
    survey = _survey_for_scores(request, slug)
    base_survey = _survey_for_scores(request, other)
    if base_survey.pk == survey.pk:
        raise Http404(_("请选择另一项调查作为基期。"))
    documents = []
    for side in (base_survey, survey):
        try:
            documents.append(evaluator_document(side, report_language()))
        except CANNOT_SCORE as exc:
            return _cannot_score(request, side, exc)
    return survey, base_survey, comparison_table(*documents)


@login_required
@require_GET
def comparison_chart(request, slug: str, other: str, fmt: str):
    """The page's comparison with `other` as the base, drawn (PNG or SVG, ?size=phone)."""
    size = request.GET.get("size", "wide")
    if fmt not in CHART_TYPES or size not in charts.SIZES:
        raise Http404(_("没有这张图。"))
    compared = _compared(request, slug, other)
    if isinstance(compared, HttpResponse):
        return compared
    _survey, base_survey, table = compared
    chart_doc = changes_chart_document(table, base_survey, report_language())
    figure = charts.score_changes(chart_doc, width=charts.SIZES[size])
    response = HttpResponse(charts.render(figure, fmt), content_type=CHART_TYPES[fmt])
    response["Cache-Control"] = "private, max-age=300"
    return response


COMPARISON_FILES = {
    "xlsx": comparison_xlsx,
    "pdf": comparison_pdf,
}


@login_required
@require_GET
def comparison_download(request, slug: str, other: str, fmt: str):
    """The page's comparison with `other` as the base, as an Excel sheet or an A4 PDF in the
    report's style (the composite's change in words, the table and the chart), in the page's
    language (?lang=en)."""
    compared = _compared(request, slug, other)
    if isinstance(compared, HttpResponse):
        return compared
    survey, base_survey, table = compared
    response = HttpResponse(
        COMPARISON_FILES[fmt](survey, base_survey, table), content_type=CONTENT_TYPES[fmt]
    )
    name = f"{survey.slug}-vs-{base_survey.slug}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _downloads(survey: Survey, query: str) -> list[tuple[str, str, str]]:
    """(format, label, address) of each download, `query` "?lang=en" for the English files."""
    return [
        (fmt, label, reverse(f"api-survey-report-{fmt}", args=[survey.slug]) + query)
        for fmt, label in (
            ("pdf", _("PDF 报告")),
            ("xlsx", _("Excel 工作簿")),
            ("csv", _("CSV 统计表")),
            ("sav", _("SPSS 数据")),
        )
    ]


def _digest(document: dict) -> str:
    return hashlib.sha256(json.dumps(document, sort_keys=True, default=str).encode()).hexdigest()


@login_required
def chart(request, slug: str, name: str, fmt: str):
    size = request.GET.get("size", "wide")
    if name not in charts.CHARTS or fmt not in CHART_TYPES or size not in charts.SIZES:
        raise Http404(_("没有这张图。"))
    survey = _survey_for_scores(request, slug)
    try:
        doc = evaluator_document(survey, report_language())  # its "language" picks the chart's texts
    except CANNOT_SCORE as exc:
        return _cannot_score(request, survey, exc)
    key = f"chart:{CHART_CODE}:{_digest(doc)[:24]}:{name}:{size}:{fmt}"
    body = cache.get(key)
    if body is None:
        body = charts.render(charts.CHARTS[name](doc, width=charts.SIZES[size]), fmt)
        cache.set(key, body, CHART_SECONDS)
    response = HttpResponse(body, content_type=CHART_TYPES[fmt])
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
@require_POST
def survey_publish(request, slug: str):
    survey = _survey_for_scores(request, slug)
    try:
        published = report_publish(survey=survey, user=request.user)
    except ValidationError as error:
        messages.error(request, _("；").join(error.messages))
    else:
        messages.success(
            request,
            _("已发布。数字与下载文件已冻结（数据摘要 %(digest)s…）。")
            % {"digest": published.data_hash[:16]},
        )
    return redirect("evaluate-survey", slug=survey.slug)


class TokenReads(NamedTuple):
    survey: Survey
    reads: str  # what the token reads of it
    url: str  # the page its owner works in


def _token_reads(user) -> list[TokenReads]:
    """The surveys an API token of this user reads, each with what it reads: an evaluator's
    the score, comparisons, downloads and progress; a staff member's the progress."""
    readable = []
    for survey in surveys_listed_for(user):
        if can_read_scores(user, survey):
            reads, page = _("得分、对比、报告下载与收集进度"), "evaluate-survey"
        elif can_view_progress(user, survey):
            reads, page = pgettext("令牌能读取的", "收集进度"), "staff-survey"
        else:
            continue
        readable.append(TokenReads(survey, reads, reverse(page, args=[survey.slug])))
    return readable


@login_required
def api_token(request):
    """Show the user's API token; POST issues one, or replaces it (the old one stops working).
    Any member of a survey may have one; the page says what it reads, and how to call it."""
    user = request.user
    if not may_have_api_token(user):
        raise PermissionDenied(_("只有调查的工作人员、评价人员和管理员可以申请 API 令牌。"))
    if request.method == "POST":
        Token.objects.filter(user=user).delete()
        Token.objects.create(user=user)
        messages.success(request, _("已生成新令牌；旧令牌（如有）已失效。"))
        return redirect("evaluate-token")
    administrator = is_administrator(user)
    readable = _token_reads(user)
    # The examples: calls this user's token may make, on their first survey (SLUG without one).
    scores = next((r.survey.slug for r in readable if can_read_scores(user, r.survey)), None)
    calls = [("/api/v1/surveys/", "")]  # (path, file to write or ""): first, the surveys it reads
    if scores or administrator:
        slug = scores or "SLUG"
        calls += [
            (f"/api/v1/surveys/{slug}/score/", ""),
            (f"/api/v1/surveys/{slug}/report.xlsx", "report.xlsx"),
        ]
    calls.append((f"/api/v1/surveys/{readable[0].survey.slug if readable else 'SLUG'}/progress/", ""))
    return render(
        request,
        "surveys/evaluate/token.html",
        {
            "token": Token.objects.filter(user=user).first(),
            "administrator": administrator,
            "readable": [] if administrator else readable,
            "calls": calls,
            "base_url": request.build_absolute_uri("/").rstrip("/"),
        },
    )
