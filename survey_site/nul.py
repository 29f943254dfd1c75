"""No address with a NUL character reaches a view: a link that holds one (`/s/ab%00c/`,
`?compare=%00`, a mangled QR code or a probe) is refused before any view looks it up. PostgreSQL
cannot take a NUL in a text, so each such look-up was a 500 there (SQLite merely found nothing).

A NUL in the path is a page that does not exist (404, as for any other unknown address); in the
query string it is a 400 naming the parameter — in the API's shape under /api/, else the site's
400 page. What is posted is left to the view that reads it, which says what is wrong beside the
field (the questionnaire's comment, an exclusion's reason, Django's and DRF's CharField): reading
a form here would also use up a multipart body that a view reads itself.
"""

from django.core.exceptions import BadRequest
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _

from survey_site.urls import API_PREFIX


def _named(data) -> list[str]:
    """The parameters of a QueryDict that hold a NUL, in their name or in a value."""
    return sorted({key for key, values in data.lists() if "\x00" in key or any("\x00" in v for v in values)})


class NulRefusedMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info:
            raise Http404
        named = _named(request.GET) if "%00" in request.META.get("QUERY_STRING", "") else []
        if named:
            message = _("Null characters are not allowed.")
            if request.path_info.startswith(API_PREFIX):
                errors = {key.replace("\x00", "\\0"): [message] for key in named}
                return JsonResponse({"errors": errors}, status=400, json_dumps_params={"ensure_ascii": False})
            raise BadRequest(message)
        return self.get_response(request)
