"""Pace pages: settings, breaks, the day's end and the pace report."""

from django.urls import URLPattern, path

from pace import views

app_name = "pace"

urlpatterns: list[URLPattern] = [
    path("settings/", views.settings_page, name="settings"),
    path("clock/", views.clock, name="clock"),
    path("break/", views.break_start, name="break_start"),
    path("break/end/", views.break_end, name="break_end"),
]
