from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.generic import TemplateView

from surveys.respond import views as respond_views

admin.site.site_header = _("满意度 · 问卷调查与统计")
admin.site.site_title = _("满意度")
admin.site.index_title = pgettext_lazy("后台首页", "管理")

urlpatterns = [
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
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
