"""Pace pages: settings, breaks, the day's end and the pace report."""

from django.urls import URLPattern

app_name = "pace"

urlpatterns: list[URLPattern] = []
