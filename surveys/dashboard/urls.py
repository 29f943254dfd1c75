from django.contrib.auth import views as auth_views
from django.urls import path

from surveys.dashboard import views

urlpatterns = [
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            template_name="surveys/staff/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("staff/", views.survey_list, name="staff-surveys"),
    path("staff/<slug:slug>/", views.survey_dashboard, name="staff-survey"),
    path("staff/<slug:slug>/progress.xlsx", views.survey_progress_download, name="staff-progress-xlsx"),
    path("staff/<slug:slug>/posters.pdf", views.survey_posters_download, name="staff-posters-pdf"),
    path("staff/<slug:slug>/reminders/", views.survey_reminders_page, name="staff-reminders"),
    path("staff/<slug:slug>/comments/", views.survey_comments_page, name="staff-comments"),
    path("staff/<slug:slug>/comments.xlsx", views.survey_comments_download, name="staff-comments-xlsx"),
    path("staff/<slug:slug>/responses/batch/", views.responses_decide_batch, name="staff-responses-batch"),
    path(
        "staff/<slug:slug>/responses/<uuid:response_id>/exclude/",
        views.response_review,
        {"action": "exclude"},
        name="staff-response-exclude",
    ),
    path(
        "staff/<slug:slug>/responses/<uuid:response_id>/include/",
        views.response_review,
        {"action": "include"},
        name="staff-response-include",
    ),
    path(
        "staff/<slug:slug>/responses/<uuid:response_id>/keep/",
        views.response_review,
        {"action": "keep"},
        name="staff-response-keep",
    ),
]
