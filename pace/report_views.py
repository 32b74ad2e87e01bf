"""The pace page: focused minutes per day by band, days over a cap, breaks taken and skipped, and
a one-line verdict, for the last 4 and 12 weeks (server-rendered SVG charts)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from pace import day_services
from pace.selectors import PaceStores
from parallel_you.bootstrap import current_adapters
from parallel_you.htmx import HtmxHttpRequest
from parallel_you.web import owner_of

SPANS = (4, 12)


@require_GET
async def report(request: HtmxHttpRequest) -> HttpResponse:
    owner = await owner_of(request)
    stores = PaceStores.of(current_adapters())
    reports = day_services.pace_reports_get(stores=stores, owner=owner, spans=SPANS)
    context = {
        "reports": reports,
        "pace_today": day_services.today_use_get(threads=stores.threads, profiles=stores.profiles, owner=owner),
        "open_quanta": day_services.open_quanta_get(repo=stores.threads, owner=owner),
    }
    return render(request, "pace/report.html", context)
