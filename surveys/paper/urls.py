"""/staff/<slug>/paper/…: printing, entering and resolving paper questionnaires."""

from django.urls import path

from surveys.paper import views as paper_views

urlpatterns = [
    path("staff/<slug:slug>/paper/", paper_views.paper_home, name="staff-paper"),
    path("staff/<slug:slug>/paper/print/", paper_views.paper_print, name="staff-paper-print"),
    path("staff/<slug:slug>/paper/enter/", paper_views.paper_enter, name="staff-paper-enter"),
    path("staff/<slug:slug>/paper/lookup/", paper_views.paper_lookup, name="staff-paper-lookup"),
    path(
        "staff/<slug:slug>/paper/sheets/<str:number>/entries/",
        paper_views.paper_entry,
        name="staff-paper-entry",
    ),
    path(
        "staff/<slug:slug>/paper/discrepancies/",
        paper_views.paper_discrepancy_list,
        name="staff-paper-discrepancies",
    ),
    path(
        "staff/<slug:slug>/paper/sheets/<str:number>/resolve/",
        paper_views.paper_resolve,
        name="staff-paper-resolve",
    ),
]
