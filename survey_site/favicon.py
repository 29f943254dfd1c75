"""GET /favicon.ico: where a browser looks for the site's icon on what is not one of our pages
(a poster's PNG, a PDF, the API's JSON), which cannot name it with <link rel="icon">."""

from django.http import HttpResponseRedirect
from django.templatetags.static import static
from django.views.decorators.http import require_safe

ICON = "surveys/favicon-32.png"  # the same icon the pages name (favicon.html)


@require_safe
def favicon(request):
    """A redirect to the icon's static file, which is served with its own long caching. Not a
    permanent one: the file's address changes with its content, and a browser keeps this answer
    for a day only."""
    response = HttpResponseRedirect(static(ICON))
    response["Cache-Control"] = "public, max-age=86400"
    return response
