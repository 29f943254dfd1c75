from django.urls import path

from surveys.evaluate import views

urlpatterns = [
    path("", views.survey_list, name="evaluate-surveys"),
    path("token/", views.api_token, name="evaluate-token"),
    path("surveys.xlsx", views.overview_download, {"fmt": "xlsx"}, name="evaluate-overview-xlsx"),
    path("surveys.csv", views.overview_download, {"fmt": "csv"}, name="evaluate-overview-csv"),
    path("<slug:slug>/", views.survey_report, name="evaluate-survey"),
    path("<slug:slug>/publish/", views.survey_publish, name="evaluate-publish"),
    path("<slug:slug>/charts/<str:name>.<str:fmt>", views.chart, name="evaluate-chart"),
    path(
        "<slug:slug>/compare/<slug:other>.xlsx",
        views.comparison_download,
        {"fmt": "xlsx"},
        name="evaluate-compare-xlsx",
    ),
    path(
        "<slug:slug>/compare/<slug:other>.pdf",
        views.comparison_download,
        {"fmt": "pdf"},
        name="evaluate-compare-pdf",
    ),
    path("<slug:slug>/compare/<slug:other>.<str:fmt>", views.comparison_chart, name="evaluate-compare-chart"),
]
