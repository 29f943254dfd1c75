"""Addresses no view should see, refused before any view reads them.

A NUL character: a link that holds one (`/s/ab%00c/`, `?compare=%00`, a mangled QR code or a
probe). PostgreSQL cannot take a NUL in a text, so each look-up of such a link was a 500 there
(SQLite merely found nothing). A NUL in the path is a page that does not exist (404, as for any
other unknown address); in the query string it is a 400 naming the parameter — in the API's shape
under /api/, else the site's 400 page.

More query parameters than Django reads (`DATA_UPLOAD_MAX_NUMBER_FIELDS`, 1,000): Django refuses
such a query string each time it is read, and the site's 400 page reads it again for its language
link, so the refusal itself was a 500. It is a 400 (the API's shape under /api/), its page drawn
without the query string.

What is posted is left to the view that reads it, which says what is wrong beside the field (the
questionnaire's comment, an exclusion's reason, Django's and DRF's CharField): reading a form here
would also use up a multipart body that a view reads itself.
"""

from django.conf import settings
from django.core.exceptions import BadRequest, TooManyFieldsSent
from django.http import Http404, QueryDict
from django.utils.translation import gettext as _


class AddressRefused(BadRequest):
    """A 400 that says why: the site's 400 page, or under /api/ the API's 400 shape
    `{"errors": {name: [message]}}` (survey_site/urls.py, bad_request)."""

    def __init__(self, message: str, names: list[str] | None = None):
        super().__init__(message)
        self.errors = {name: [message] for name in names or ["non_field_errors"]}


def _named(data) -> list[str]:
    """The parameters of a QueryDict that hold a NUL, in their name or in a value."""
    return sorted({key for key, values in data.lists() if "\x00" in key or any("\x00" in v for v in values)})


class AddressRefusedMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info:
            raise Http404
        try:
            query = request.GET
        except TooManyFieldsSent:
            request.GET = QueryDict()  # what the error page reads: nothing of the refused query
            limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
            raise AddressRefused(_("地址中的参数太多（超过 %(limit)d 个）。") % {"limit": limit}) from None
        named = _named(query) if "%00" in request.META.get("QUERY_STRING", "") else []
        if named:
            names = [key.replace("\x00", "\\0") for key in named]
            raise AddressRefused(_("Null characters are not allowed."), names)
        return self.get_response(request)
