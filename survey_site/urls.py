from django.contrib import admin
from django.http import JsonResponse
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views import defaults
from django.views.generic import TemplateView
from rest_framework.exceptions import APIException, NotFound

from survey_site.address import AddressRefused
from survey_site.favicon import favicon
from survey_site.health import healthz
from surveys.respond import views as respond_views

admin.site.site_header = _("满意度 · 问卷调查与统计")
admin.site.site_title = _("满意度")
admin.site.index_title = pgettext_lazy("后台首页", "管理")

urlpatterns = [
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("surveys.api.urls")),
    path("", include("surveys.dashboard.urls")),
    path("", include("surveys.paper.urls")),
    path("evaluate/", include("surveys.evaluate.urls")),
    path("s/sw.js", respond_views.service_worker, name="respond-service-worker"),
    path("s/<str:token>/", respond_views.questionnaire, name="respond"),
    path("s/<str:token>/done/", respond_views.done, name="respond-done"),
    path("s/<str:token>/poster.png", respond_views.poster_png, name="respond-poster-png"),
    path("s/<str:token>/poster.pdf", respond_views.poster_pdf, name="respond-poster-pdf"),
]


# Error pages: the site's own 400.html, 403.html, 404.html and 500.html (survey_site/templates/),
# in the page's language (500.html in both, as it is drawn without context). The API's views
# answer their errors in JSON through DRF; an address under /api/ that matches no view, a request
# refused before any view, or a crash there, answers JSON too, so that the evaluators' tools
# never get a web page.
API_PREFIX = "/api/"


def bad_request(request, exception):
    """A request refused before any view (survey_site/address.py), or one Django finds suspicious."""
    if request.path.startswith(API_PREFIX):
        if isinstance(exception, AddressRefused):
            errors = exception.errors
        else:
            errors = {"non_field_errors": [str(_("服务器无法理解这次请求。"))]}
        return JsonResponse({"errors": errors}, status=400, json_dumps_params={"ensure_ascii": False})
    return defaults.bad_request(request, exception)


def page_not_found(request, exception):
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": str(APIException.default_detail)}, status=500)
    return defaults.server_error(request)


handler400 = bad_request
handler404 = page_not_found
handler500 = server_error
