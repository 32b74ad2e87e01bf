"""Pace pages: settings, breaks, the day's end and the pace report."""

from django.urls import URLPattern, path

from pace import day_views, report_views

app_name = "pace"

urlpatterns: list[URLPattern] = [
    path("", report_views.report, name="report"),
    path("end-day/", day_views.end_day, name="end_day"),
]
