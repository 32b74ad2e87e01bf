"""Pace pages: settings, breaks, the day's end and the pace report."""

from django.urls import URLPattern, path

from pace import day_views, report_views, views

app_name = "pace"

urlpatterns: list[URLPattern] = [
    path("", report_views.report, name="report"),
    path("end-day/", day_views.end_day, name="end_day"),
    path("settings/", views.settings_page, name="settings"),
    path("clock/", views.clock, name="clock"),
    path("break/", views.break_start, name="break_start"),
    path("break/end/", views.break_end, name="break_end"),
]
