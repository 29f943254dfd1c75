from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from surveys.api.progress import SurveyProgressView
from surveys.api.reports import download_view
from surveys.api.scores import CompareView, SchemeView, ScoreView
from surveys.api.submission import ResponseSubmitApi
from surveys.api.surveys import SurveyListView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-docs"),
    path(
        "docs/swagger/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs-swagger"
    ),
    path("responses/", ResponseSubmitApi.as_view(), name="api-responses"),
    path("surveys/", SurveyListView.as_view(), name="api-surveys"),
    path("surveys/<slug:slug>/score/", ScoreView.as_view(), name="api-survey-score"),
    path("surveys/<slug:slug>/scheme/", SchemeView.as_view(), name="api-survey-scheme"),
    path("surveys/<slug:slug>/compare/<slug:other>/", CompareView.as_view(), name="api-survey-compare"),
    path("surveys/<slug:slug>/progress/", SurveyProgressView.as_view(), name="api-survey-progress"),
    *(
        path(
            f"surveys/<slug:slug>/report.{fmt}", download_view(fmt).as_view(), name=f"api-survey-report-{fmt}"
        )
        for fmt in ("xlsx", "pdf", "csv", "sav")
    ),
]
