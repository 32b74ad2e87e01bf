"""The pace page: focused minutes per day by band, days over a cap, and a verdict."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from parallel_you.htmx import HtmxHttpRequest


@require_GET
async def report(request: HtmxHttpRequest) -> HttpResponse:
    return render(request, "pace/report.html", {})
