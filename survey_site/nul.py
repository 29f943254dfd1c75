"""No address holds a NUL character: a link that does (`/s/ab%00c/`, `?compare=%00`, a mangled QR
code or a probe) is refused before any view looks it up. PostgreSQL cannot take a NUL in a text,
so each such look-up was a 500 there (SQLite merely found nothing).

A NUL in the path is a page that does not exist (404, as for any other unknown address); in the
query string it is a 400 naming the parameter — in the API's shape under /api/, else the site's
400 page. Forms and JSON bodies are left to their fields, which refuse a NUL with a message of
their own beside the field (Django's and DRF's CharField).
"""

from django.core.exceptions import BadRequest
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _

from survey_site.urls import API_PREFIX


class NulRefusedMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info:
            raise Http404
        if "%00" in request.META.get("QUERY_STRING", ""):
            named = sorted(
                {
                    key
                    for key, value in request.GET.lists()
                    if "\x00" in key or any("\x00" in v for v in value)
                }
            )
            if named:
                message = _("Null characters are not allowed.")
                if request.path_info.startswith(API_PREFIX):
                    errors = {key.replace("\x00", "\\0"): [message] for key in named}
                    return JsonResponse(
                        {"errors": errors}, status=400, json_dumps_params={"ensure_ascii": False}
                    )
                raise BadRequest(message)
        return self.get_response(request)
