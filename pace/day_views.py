"""End the day: one form with a "where I stopped" line for each running or paused quantum; on
submit each is parked with its note (pace.day_services.day_end)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from pace import day_services
from parallel_you.bootstrap import current_adapters
from parallel_you.domain import DomainError, InvalidValue
from parallel_you.htmx import HtmxHttpRequest, go, refused, refused_status
from parallel_you.web import owner_of
from threads.domain import STOPPED_NOTE_MAX, Thread
from timers.views import minute


def _rows(threads: list[Thread], notes: dict[str, str], errors: dict[str, str]) -> list[dict[str, Any]]:
    return [
        {
            "thread": t,
            "field": day_services.note_field(t.id),
            "note": notes.get(t.id, t.where_stopped),
            "error": errors.get(day_services.note_field(t.id), ""),
        }
        for t in threads
    ]


@require_http_methods(["GET", "POST"])
async def end_day(request: HtmxHttpRequest) -> HttpResponse:
    owner = await owner_of(request)
    adapters = current_adapters()
    open_ = day_services.open_quanta_get(repo=adapters.threads, owner=owner)
    notes: dict[str, str] = {}
    errors: dict[str, str] = {}
    error = ""
    status = 200
    if request.method == "POST":
        notes = {t.id: request.POST.get(day_services.note_field(t.id), "") for t in open_}
        try:
            ended = await day_services.day_end(
                repo=adapters.threads,
                profiles=adapters.profiles,
                bus=adapters.bus,
                owner=owner,
                notes=notes,
                scheduler=adapters.scheduler,
                minute=minute(),
            )
        except InvalidValue as exc:
            errors = exc.errors
            status = refused_status(request)
        except DomainError as exc:
            error = refused(exc)
            status = refused_status(request)
        else:
            count = len(ended.threads)
            parked = (
                f" Parked {count} thread{'s' if count != 1 else ''} with a note on where you stopped." if count else ""
            )
            messages.success(request, f"Day ended.{parked} Rest well.")
            return go(request, "/") if request.htmx else redirect("threads:board")
        open_ = day_services.open_quanta_get(repo=adapters.threads, owner=owner)
    context = {"rows": _rows(open_, notes, errors), "error": error, "note_max": STOPPED_NOTE_MAX}
    return render(request, "pace/end_day.html", context, status=status)
