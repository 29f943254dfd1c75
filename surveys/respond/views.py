"""The respondent's pages: /s/<token>/ (the questionnaire), its confirmation, and the posters.

The questionnaire works as a plain HTML form (POST to the same address, validated on the
server, errors shown beside the questions). respond.js, when it runs, keeps the answers on the
phone and submits through the API instead, queueing while there is no network. Both paths go
through `response_submit` with a response id made before the first submission, so a double tap
or a re-posted form stores one response.

CSRF: these pages are anonymous and act with no session or login, so there is nothing for a
forged request to borrow, except the device cookie, which is SameSite=Lax and so never sent on a
cross-site POST. The form is therefore exempt, and an expired CSRF cookie on an old phone can
never show the respondent Django's error page.
"""

import hashlib
import json
import uuid
from dataclasses import dataclass
from functools import lru_cache

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import etag, require_GET, require_http_methods

from survey_site.language import CHOICES as LANGUAGE_CHOICES
from surveys.localized import fallback_lang, language, localized
from surveys.models import Invitation, Response
from surveys.permissions import can_review, survey_get_for
from surveys.posted_time import posted_time
from surveys.ratelimit import retry_after, submission_allowed
from surveys.respond.layout import columns
from surveys.respond.posters import poster_filename, poster_text
from surveys.respond.posters import poster_pdf as render_poster_pdf
from surveys.respond.posters import poster_png as render_poster_png
from surveys.respond.texts import deadline_text, missing_text, rate_limited_text, refusal_text, texts_for
from surveys.selectors import SurveyCatalog, survey_catalog
from surveys.services.submission import (
    COMMENT_MAX_LENGTH,
    DEVICE_COOKIE,
    DEVICE_USED,
    USED_UP,
    Refusal,
    ResponsePayload,
    SubmissionConflict,
    SubmissionInvalid,
    SubmissionRefused,
    answer_required,
    device_answered,
    invitation_refusal,
    invitation_used_up,
    response_submit,
    unsure_named,
)

DEVICE_COOKIE_AGE = 400 * 24 * 3600  # the longest browsers keep a cookie


def _invitation(token: str) -> Invitation | None:
    return Invitation.objects.select_related("survey", "group", "village").filter(token=token).first()


def _lang(request: HttpRequest) -> str:
    """The language asked for (?lang= or the form's field), else the one the phone chose before
    (the language cookie, see survey_site/language.py), else Chinese."""
    chosen = request.GET.get("lang") or request.POST.get("lang")
    return language(chosen == "en" if chosen else None)


def _with_device_cookie(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    # A random marker for "this phone", made here so that the plain form has one too;
    # respond.js keeps the same value in localStorage and puts it back if cookies are cleared.
    if not request.COOKIES.get(DEVICE_COOKIE):
        response.set_cookie(
            DEVICE_COOKIE, uuid.uuid4().hex, max_age=DEVICE_COOKIE_AGE, samesite="Lax", httponly=False
        )
    return response


def _switch_url(request: HttpRequest, lang: str) -> str:
    """This page in the other language: the questionnaire, and also the thank-you and refusal
    pages (a respondent who cannot read why the link is closed can switch there too)."""
    return f"{request.path}?lang={'zh' if lang == 'en' else 'en'}"


def _refused(
    request: HttpRequest, refusal: Refusal, lang: str, invitation: Invitation | None = None
) -> HttpResponse:
    message = refusal_text(
        refusal.code, refusal.message, lang, opens_at=invitation.opens_at if invitation is not None else None
    )
    t = texts_for(lang)
    context = {
        "t": t,
        "lang": lang,
        "message": message,
        "code": refusal.code,
        "switch_url": _switch_url(request, lang),
        "hint": t["closed_hint"],
    }
    if invitation is not None:
        context["survey_title"] = localized(invitation.survey, english=lang == "en")
        context["survey_title_lang"] = fallback_lang(invitation.survey, english=lang == "en")
        # Whom to ask: the survey's own 被评价单位, not "镇政府" for a county bureau's; in English
        # only by its English name (a Chinese one would go unmarked in the sentence).
        body = invitation.survey.organisation_en if lang == "en" else invitation.survey.organisation
        if body:
            key = "closed_hint_village" if invitation.village_id else "closed_hint_body"
            context["hint"] = t[key].format(body=body)
    return render(request, "surveys/respond/closed.html", context, status=refusal.status)


def _script_config(invitation: Invitation, lang: str, **extra) -> dict:
    """What respond.js needs, on every page that loads it. `keep`: the page is the link's own
    address, which the service worker is asked to keep (so that one visit is enough to open it
    again offline). `answered`: the server knows that this phone's answers are stored. `survey`:
    the survey every link of it shares (one phone, one response per survey, not per link)."""
    return {
        "token": invitation.token,
        "survey": invitation.survey.slug,
        "api": reverse("api-responses"),
        "lang": lang,
        "deviceCookie": DEVICE_COOKIE,
        "serviceWorker": reverse("respond-service-worker"),
        "sharedDevice": invitation.survey.allow_shared_device,
        "keep": False,
        "answered": False,
        "js": texts_for(lang)["js"],
        **extra,
    }


def _next_respondent(invitation: Invitation) -> bool:
    """An interviewer's phone (phones shared) on a link that takes more than one response: the
    pages offer to go on to the next person, also while the last answers wait for a network."""
    return invitation.survey.allow_shared_device and not invitation.single_use


def _required_texts(lang: str, catalog: SurveyCatalog) -> dict:
    """The service's own sentences for a missing answer (surveys/services/submission.py), so that
    the page with JavaScript asks in the same words as without."""
    with translation.override(LANGUAGE_CHOICES[lang]):
        return {
            "required": answer_required(catalog),
            "required_age": gettext("请选择您的年龄段。"),
        }


def _confirmation(
    request: HttpRequest, invitation: Invitation | None, lang: str, *, answered: bool
) -> HttpResponse:
    """The thank-you page: after the plain form's submission (/s/<token>/done/), and at the link
    itself for a phone whose answers the server already holds (`answered`) — also when their
    acknowledgement never reached it. Its script delivers what the phone still queues (a retry
    of a stored response is acknowledged), so nothing stays stuck in the phone's outbox."""
    t = texts_for(lang)
    context = {
        "t": t,
        "lang": lang,
        "switch_url": _switch_url(request, lang),
        "title": t["answered_title"] if answered else t["done_title"],
        "message": t["answered_body"] if answered else t["done_body"],
        "hint": t["answered_hint"] if answered else "",
    }
    if invitation is not None and not answered and _next_respondent(invitation):
        next_url = reverse("respond", args=[invitation.token])
        context["next_url"] = f"{next_url}?lang=en" if lang == "en" else next_url
    if invitation is not None:
        context["survey_title"] = localized(invitation.survey, english=lang == "en")
        context["survey_title_lang"] = fallback_lang(invitation.survey, english=lang == "en")
        context["config"] = _script_config(invitation, lang, keep=answered, answered=answered)
    return render(request, "surveys/respond/done.html", context)


@dataclass
class ItemView:
    code: str
    number: int
    text: str
    value: str | None
    error: str | None
    lang: str = ""  # "zh-Hans" for a Chinese text on an English page (fallback_lang)


def _sections(catalog: SurveyCatalog, lang: str, values: dict, errors: dict) -> list[dict]:
    sections: list[dict] = []
    for number, item in enumerate(catalog.items.values(), start=1):
        if not sections or sections[-1]["code"] != item.dimension.code:
            sections.append(
                {
                    "code": item.dimension.code,
                    "name": localized(item.dimension, english=lang == "en"),
                    "lang": fallback_lang(item.dimension, english=lang == "en"),
                    "items": [],
                }
            )
        error = errors.get(f"answers.{item.code}")
        sections[-1]["items"].append(
            ItemView(
                item.code,
                number,
                localized(item, english=lang == "en"),
                values.get(item.code),
                error[0] if error else None,
                fallback_lang(item, english=lang == "en"),
            )
        )
    for index, section in enumerate(sections, start=1):
        section["progress"] = texts_for(lang)["section"].format(n=index, total=len(sections))
    return sections


def _intro(t: dict, catalog: SurveyCatalog, english: bool) -> str:
    """The page's opening words, naming the survey's not-sure option (“说不清” on a five-level
    scale that ends so), as the message for an unanswered item does; none on a scale without."""
    unsure = unsure_named(catalog, english=english)
    return t["intro_unsure"].format(unsure=unsure) if unsure else t["intro"]


def _form_page(
    request: HttpRequest,
    invitation: Invitation,
    catalog: SurveyCatalog,
    lang: str,
    *,
    response_id: uuid.UUID,
    started_at: str,
    values: dict | None = None,
    age_band: str | None = None,
    comment: str = "",
    errors: dict | None = None,
    form_error: str = "",
    status: int = 200,
) -> HttpResponse:
    errors = errors or {}
    t = texts_for(lang)
    survey = invitation.survey
    english = lang == "en"
    # Each name with the lang attribute it needs: "zh-Hans" where an English page shows the
    # survey's Chinese name (fallback_lang).
    age_bands = (
        [
            {
                "code": a.code,
                "label": localized(a, english=english),
                "lang": fallback_lang(a, english=english),
            }
            for a in catalog.age_bands.values()
        ]
        if invitation.group.by_village
        else []
    )
    place = [
        {"name": localized(part, english=english), "lang": fallback_lang(part, english=english)}
        for part in (invitation.village, invitation.group)
        if part is not None
    ]
    missing_items = sum(1 for key in errors if key.startswith("answers."))
    options = [
        {"code": o.code, "label": localized(o, english=english), "lang": fallback_lang(o, english=english)}
        for o in catalog.options.values()
    ]
    context = {
        "t": t,
        "lang": lang,
        "switch_url": _switch_url(request, lang),
        "survey_title": localized(survey, english=english),
        "survey_title_lang": fallback_lang(survey, english=english),
        "place": place,
        # "不清楚的选“说不清”" on a scale whose not-sure option is 说不清; nothing on one without
        "intro": _intro(t, catalog, english),
        "invitation": invitation,
        "sections": _sections(catalog, lang, values or {}, errors),
        "options": options,
        # How many choices a row holds at each width (surveys/respond/layout.py).
        "option_columns": columns([o["label"] for o in options]),
        "age_bands": age_bands,
        "age_columns": columns([a["label"] for a in age_bands]),
        "age_band": age_band,
        "age_error": (errors.get("age_band") or [None])[0],
        "comment": comment,
        "comment_error": (errors.get("comment") or [None])[0],
        "comment_max": COMMENT_MAX_LENGTH,
        "response_id": response_id,
        "started_at": started_at,
        "form_error": form_error or missing_text(t, items=missing_items, age_band="age_band" in errors),
        # The counter counts the numbered questions; the age band is asked first, unnumbered.
        "total": len(catalog.items),
        "next_respondent": _next_respondent(invitation),
        "config": _script_config(
            invitation,
            lang,
            keep=True,
            js={
                **t["js"],
                **_required_texts(lang, catalog),
                # What the server says when this phone has answered by another link (respond.js
                # says it before the form is filled in, where the phone knows).
                "device_used": refusal_text("device_used", DEVICE_USED, lang),
                "deadline": deadline_text(invitation.closes_at, lang),
            },
        ),
    }
    response = render(request, "surveys/respond/questionnaire.html", context, status=status)
    return _with_device_cookie(request, response)


def _payload_from_form(request: HttpRequest, catalog: SurveyCatalog) -> tuple[ResponsePayload, dict]:
    post = request.POST
    try:
        response_id = uuid.UUID(post.get("response_id", ""))
    except ValueError:
        # Only an altered form lacks one; a fresh id at least stores the answers once.
        response_id = uuid.uuid4()
    values = {code: post.get(f"q_{code}") or None for code in catalog.items}
    payload = ResponsePayload(
        response_id=response_id,
        answers=values,
        age_band=post.get("age_band") or None,
        comment=post.get("comment", ""),
        started_at=posted_time(post.get("started_at", "")),
    )
    return payload, values


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def questionnaire(request: HttpRequest, token: str) -> HttpResponse:
    lang = _lang(request)
    invitation = _invitation(token)
    if invitation is None:
        return _refused(request, invitation_refusal(None), lang)
    if request.method == "GET":
        refusal = invitation_refusal(invitation)
        if refusal is not None:
            return _refused(request, refusal, lang, invitation)
        # One phone, one response: a phone whose answers are stored is thanked, not refused
        # (200: nothing went wrong) — before the single-use check, which its own answers used.
        if device_answered(invitation.survey, request.COOKIES.get(DEVICE_COOKIE, "")):
            return _confirmation(request, invitation, lang, answered=True)
        if invitation_used_up(invitation):
            return _refused(request, Refusal("used_up", USED_UP), lang, invitation)
        return _form_page(
            request,
            invitation,
            survey_catalog(invitation.survey),
            lang,
            response_id=uuid.uuid4(),
            started_at=timezone.now().isoformat(),
        )

    t = texts_for(lang)
    catalog = survey_catalog(invitation.survey)
    payload, values = _payload_from_form(request, catalog)
    again = {
        "response_id": payload.response_id,
        "started_at": request.POST.get("started_at", ""),
        "values": values,
        "age_band": payload.age_band,
        "comment": payload.comment,
    }
    if not submission_allowed(request, token=token):
        # The form again, answers kept, "wait a minute" above it: not 无法填写问卷 on a page of its
        # own, where the answers were only one Back away (and gone where Back reloads the form).
        wait = retry_after()
        refused = _form_page(
            request, invitation, catalog, lang, form_error=rate_limited_text(lang, wait), status=429, **again
        )
        refused["Retry-After"] = str(wait)
        return refused
    try:
        # The page's language, which the form itself may carry: the service's messages follow it.
        with translation.override(LANGUAGE_CHOICES[lang]):
            response, _created = response_submit(
                invitation=invitation,
                payload=payload,
                device=request.COOKIES.get(DEVICE_COOKIE, "")[:100],
                source=Response.Source.WEB,
            )
    except SubmissionInvalid as exc:
        return _form_page(request, invitation, catalog, lang, errors=exc.errors, status=400, **again)
    except SubmissionRefused as exc:
        return _refused(request, Refusal(exc.code, exc.message), lang, invitation)
    except SubmissionConflict:
        return _form_page(request, invitation, catalog, lang, form_error=t["conflict"], status=409, **again)
    done = reverse("respond-done", args=[invitation.token])
    return HttpResponseRedirect(f"{done}?lang={lang}" if lang == "en" else done, status=303)


# The files the questionnaire pages load (respond/base.html, questionnaire.html, favicon.html).
QUESTIONNAIRE_FILES = (
    "surveys/respond.js",
    "surveys/respond.css",
    "surveys/favicon-32.png",
    "surveys/favicon.svg",
)
DEPLOYED_LINE = "var DEPLOYED = [];"


@lru_cache(maxsize=1)
def _service_worker_source() -> tuple[str, str]:
    """The service worker's text and its ETag, read once per process (static files change only
    with a deployment, which restarts the processes). The text names the questionnaire's files
    as this deploy serves them (in production with their content's digest in their names): a
    deploy that changes one changes the worker, whose activation drops the files it replaces."""
    path = finders.find("surveys/respond-sw.js")
    with open(path, encoding="utf-8") as stream:
        text = stream.read()
    if DEPLOYED_LINE not in text:
        raise RuntimeError(f"surveys/respond-sw.js lacks the line {DEPLOYED_LINE!r} that the server fills in")
    deployed = json.dumps([static(name) for name in QUESTIONNAIRE_FILES])
    text = text.replace(DEPLOYED_LINE, f"var DEPLOYED = {deployed};", 1)
    return text, hashlib.sha256(text.encode()).hexdigest()[:16]


@require_GET
@etag(lambda request: _service_worker_source()[1])
def service_worker(request: HttpRequest) -> HttpResponse:
    """The questionnaire's service worker (surveys/static/surveys/respond-sw.js), served from /s/
    so that its scope takes in the questionnaire pages; never cached by the browser without
    asking, so that a new version is picked up on the next visit — and an unchanged one costs a
    phone only a 304 (its ETag)."""
    response = HttpResponse(_service_worker_source()[0], content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def done(request: HttpRequest, token: str) -> HttpResponse:
    return _confirmation(request, _invitation(token), _lang(request), answered=False)


# Posters are for the survey's staff who print them (and administrators): rendering one takes a
# few hundred milliseconds of CPU, which an anonymous endpoint would offer to anyone for free,
# and a poster carries the invitation's token.
def _poster_invitation(request: HttpRequest, token: str) -> Invitation:
    invitation = get_object_or_404(
        Invitation.objects.select_related("survey", "group", "village"), token=token
    )
    survey = survey_get_for(request.user, invitation.survey.slug)  # 404 for outsiders
    if not can_review(request.user, survey):
        raise PermissionDenied
    return invitation


@login_required
@require_GET
def poster_png(request: HttpRequest, token: str) -> HttpResponse:
    invitation = _poster_invitation(request, token)
    response = HttpResponse(render_poster_png(poster_text(invitation)), content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="{poster_filename(invitation, "png")}"'
    return response


@login_required
@require_GET
def poster_pdf(request: HttpRequest, token: str) -> HttpResponse:
    invitation = _poster_invitation(request, token)
    response = HttpResponse(render_poster_pdf(poster_text(invitation)), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{poster_filename(invitation, "pdf")}"'
    return response
