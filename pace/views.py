"""Pace pages: the break policy, the header's fatigue clock, and starting or ending a break.

The clock fragment is read from the store on every request (the server owns the clock, like a
quantum's deadline); reading it also ends a break past its deadline and announces the budget
(pace.services.pace_check), so the tab whose countdown reaches zero first tells every other tab.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pace import services
from pace.domain import BreakEnd, PaceSettings
from pace.forms import PaceSettingsForm
from pace.selectors import PaceStatus, break_current, pace_status, settings_get
from pace.web import pace_stores
from parallel_you.bootstrap import current_adapters
from parallel_you.domain import DomainError, utcnow
from parallel_you.htmx import HtmxHttpRequest, next_url, not_found_is_404, refused, settings_form
from parallel_you.web import owner_of

NO_BREAK = "There's no such break."


def _clock_context(status: PaceStatus, **context: Any) -> dict[str, Any]:
    fatigue = status.fatigue
    return {
        "pace": status,
        "fatigue": fatigue,
        "percent": min(100, round(100 * fatigue.focused / fatigue.budget)) if fatigue.budget else 0,
        **context,
    }


def _clock(request: HtmxHttpRequest, status: PaceStatus, error: str | None = None) -> HttpResponse:
    return render(request, "pace/_clock.html", _clock_context(status, error=error), status=422 if error else 200)


@require_GET
async def clock(request: HtmxHttpRequest) -> HttpResponse:
    """The fatigue clock for the page header (every tab asks on load, on pace events, and when a
    countdown it shows reaches zero)."""
    owner = await owner_of(request)
    adapters = current_adapters()
    status = await services.pace_check(stores=pace_stores(), bus=adapters.bus, owner=owner)
    return _clock(request, status)


@require_POST
async def break_start(request: HtmxHttpRequest) -> HttpResponse:
    owner = await owner_of(request)
    adapters = current_adapters()
    stores = pace_stores()
    error = None
    try:
        await services.break_start(stores=stores, bus=adapters.bus, owner=owner)
    except DomainError as exc:
        error = refused(exc)
    if request.htmx:
        return _clock(request, pace_status(stores=stores, owner=owner, now=utcnow()), error)
    if error:
        messages.error(request, error)
    return redirect(next_url(request))


@require_POST
@not_found_is_404(NO_BREAK)
async def break_end(request: HtmxHttpRequest) -> HttpResponse:
    """ "I'm back": end the running break before its deadline."""
    owner = await owner_of(request)
    adapters = current_adapters()
    stores = pace_stores()
    current = break_current(repo=adapters.breaks, owner=owner)
    if current is not None:
        await services.break_end(
            repo=adapters.breaks, bus=adapters.bus, owner=owner, break_id=current.id, how=BreakEnd.ENDED_EARLY
        )
    if request.htmx:
        return _clock(request, pace_status(stores=stores, owner=owner, now=utcnow()))
    return redirect(next_url(request))


@require_http_methods(["GET", "POST"])
async def settings_page(request: HtmxHttpRequest) -> HttpResponse:
    """The person's break policy."""
    owner = await owner_of(request)
    adapters = current_adapters()
    current = settings_get(repo=adapters.pace_settings, owner=owner)
    version = request.POST.get("version", "")
    return await settings_form(
        request,
        template="pace/settings.html",
        form_class=PaceSettingsForm,
        initial=current.model_dump(include=set(services.SETTING_FIELDS)),
        # Refused (a conflict too): the form against what is stored now.
        context=lambda: {"current": settings_get(repo=adapters.pace_settings, owner=owner)},
        change=lambda form: services.pace_settings_update(
            repo=adapters.pace_settings,
            bus=adapters.bus,
            owner=owner,
            read_version=int(version) if version.isdigit() else None,
            **{name: form.cleaned_data[name] for name in services.SETTING_FIELDS},
        ),
        saved=_saved,
        then="pace:settings",
    )


def _saved(done: PaceSettings) -> str:
    strict = "strict mode on" if done.strict else "strict mode off"
    return (
        f"Saved: a {done.break_minutes}-minute break is due after {done.focus_budget} focused minutes; "
        f"{done.daily_skips} skip{'' if done.daily_skips == 1 else 's'} a day; "
        f"idle {done.idle_minutes} minutes counts as a break; {strict}."
    )
