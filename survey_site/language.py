"""Which language a page is in: Chinese, unless the person chose English.

`?lang=en` (or `?lang=zh`) on any page chooses, and the choice is kept in Django's language
cookie for a year; otherwise the cookie decides; otherwise Chinese. The browser's
Accept-Language is not consulted: officials' computers often run an English system with
Chinese users in front of them, and Chinese is the service's default for everyone
(respondents, staff, evaluators). Replaces Django's LocaleMiddleware (no i18n URL prefixes here).
"""

from django.conf import settings
from django.core.exceptions import TooManyFieldsSent
from django.http import QueryDict
from django.utils import translation
from django.utils.cache import patch_vary_headers

# What ?lang= accepts, and the language each means.
CHOICES = {"zh": "zh-hans", "zh-hans": "zh-hans", "en": "en"}
ONE_YEAR = 365 * 24 * 3600
ADMIN_PATH = "/admin/"


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            query = request.GET
        except TooManyFieldsSent:  # refused next, in the cookie's language (survey_site/address.py)
            query = QueryDict()
        chosen = CHOICES.get(query.get("lang", ""))
        remembered = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if remembered not in dict(settings.LANGUAGES):
            remembered = None
        language = chosen or remembered or settings.LANGUAGE_CODE
        if "lang" in query and request.path.startswith(ADMIN_PATH):
            # The admin takes every query parameter of a record list for a filter, and an
            # unknown one sends it back to the whole list (?e=1): it never sees this one.
            request.GET = request.GET.copy()
            del request.GET["lang"]
        # Only for this request: the thread's language is restored afterwards.
        with translation.override(language):
            request.LANGUAGE_CODE = translation.get_language()
            response = self.get_response(request)
        if chosen and chosen != remembered:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                chosen,
                max_age=ONE_YEAR,
                path=settings.LANGUAGE_COOKIE_PATH,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        patch_vary_headers(response, ["Cookie"])
        response.headers.setdefault("Content-Language", language)
        return response


def language_switch(request) -> dict:
    """Context processor: `language_switch_url`, this page in the other language (the query
    string kept, so a login page keeps its ?next=)."""
    params = request.GET.copy()
    params["lang"] = "zh" if translation.get_language() == "en" else "en"
    return {"language_switch_url": f"?{params.urlencode()}"}
