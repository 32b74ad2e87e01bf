"""Timer actions from a card or the detail page: start, pause, resume, extend, stop, again, break.

Each action is a POST that works as a plain form (redirect back) and with htmx (the controls
fragment). The detail page `/timers/<id>/` shows the controls with the session history.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from pace import services as pace_services
from pace.web import pace_stores
from parallel_you.bootstrap import current_adapters
from parallel_you.domain import DomainError
from parallel_you.htmx import HtmxHttpRequest, form_refusal, next_url, not_found_is_404, refused
from parallel_you.web import owner_of
from threads import services as thread_services
from threads.domain import State, Thread
from threads.forms import MinutesForm, QuantumForm
from threads.selectors import thread_get
from threads.views import board_changes_answer
from timers import selectors, services

STOP_TARGETS = {"ready": State.READY, "parked": State.PARKED, "done": State.DONE}
CURRENT_CHOICES = services.CURRENT_CHOICES
NO_THREAD = "There's no such thread."


def minute() -> timedelta:
    return timedelta(seconds=settings.PARALLEL_YOU_SECONDS_PER_MINUTE)


def _back(request: HtmxHttpRequest) -> HttpResponse:
    referer = request.headers.get("Referer", "")
    safe = "/" in referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()})
    return HttpResponseRedirect(next_url(request, default=referer if safe else "/"))


def _controls(thread: Thread, **context: Any) -> dict[str, Any]:
    """The context of the controls fragment for `thread`, with the person's pace and break."""
    adapters = current_adapters()
    controls = selectors.controls_context(
        repo=adapters.threads, owner=thread.owner, pace=pace_stores(), show_break=True
    )
    return {"thread": thread, **controls, **context}


def _page(thread: Thread, **context: Any) -> dict[str, Any]:
    """The context of the timer page: the controls and the session history."""
    adapters = current_adapters()
    history = selectors.history_get(
        repo=adapters.threads, profiles=adapters.profiles, thread=thread, skips=adapters.skips
    )
    return _controls(thread, history=history, **context)


def _respond(request: HtmxHttpRequest, thread: Thread, error: str | None = None, **context: Any) -> HttpResponse:
    if request.htmx:
        # From a card on the board: the card moves (to Now, or back to a column), so answer with the
        # board's changed parts instead of the controls alone (issue 15).
        narrow = None if error or context else board_changes_answer(request, thread.owner)
        if narrow is not None:
            return narrow
        status = 422 if error else 200
        return render(request, "timers/_controls.html", _controls(thread, error=error, **context), status=status)
    if error:
        messages.error(request, error)
        if context.get("reason_action"):
            # Without htmx the controls aren't re-rendered in place: the timer page asks for the reason.
            return render(request, "timers/detail.html", _page(thread, error=error, **context), status=422)
    return _back(request)


Action = Callable[..., Awaitable[Thread]]


async def _act(request: HtmxHttpRequest, thread_id: str, action: Action, **arguments: Any) -> HttpResponse:
    """Call one timer service for the signed-in person and answer with the controls or a redirect."""
    thread = await _owned(request, thread_id)
    adapters = current_adapters()
    try:
        thread = await action(
            repo=adapters.threads,
            bus=adapters.bus,
            owner=thread.owner,
            thread_id=thread_id,
            scheduler=adapters.scheduler,
            **arguments,
        )
    except services.OtherRunning as exc:
        return _respond(request, thread, exc.message, conflict=exc.current)
    except pace_services.ReasonNeeded as exc:
        # Nothing started: ask for the reason in place, posting to what was asked for.
        return _respond(request, await _owned(request, thread_id), exc.message, reason_action=request.path)
    except DomainError as exc:
        return _respond(request, await _owned(request, thread_id), refused(exc))
    return _respond(request, thread)


def _current(request: HtmxHttpRequest) -> str | None:
    choice = request.POST.get("current", "")
    return choice if choice in CURRENT_CHOICES else None


def _paced(request: HtmxHttpRequest) -> dict[str, Any]:
    """Starting focused work goes through the person's break policy, with the reason they wrote
    (and a quantum's start through its band's daily cap)."""
    return {"pace": pace_stores(), "reason": request.POST.get("reason", "")}


async def _owned(request: HtmxHttpRequest, thread_id: str) -> Thread:
    """Whose thread it is comes first: someone else's id is a 404 whatever was sent with it."""
    return thread_get(repo=current_adapters().threads, owner=await owner_of(request), thread_id=thread_id)


@require_POST
@not_found_is_404(NO_THREAD)
async def start(request: HtmxHttpRequest, thread_id: str) -> HttpResponse:
    """Start a quantum, through the break policy and minding the band's daily cap (pace.cap_gate):
    past the cap, a warning kept on the run, or in strict mode a refusal."""
    return await _act(
        request,
        thread_id,
        services.quantum_start,
        current=_current(request),
        minute=minute(),
        **_paced(request),
    )


@require_POST
@not_found_is_404(NO_THREAD)
async def pause(request: HtmxHttpRequest, thread_id: str) -> HttpResponse:
    return await _act(request, thread_id, services.quantum_pause)


@require_POST
@not_found_is_404(NO_THREAD)
async def resume(request: HtmxHttpRequest, thread_id: str) -> HttpResponse:
    return await _act(request, thread_id, services.quantum_resume, current=_current(request), **_paced(request))


@require_POST
@not_found_is_404(NO_THREAD)
async def extend(request: HtmxHttpRequest, thread_id: str) -> HttpResponse:
    thread = await _owned(request, thread_id)
    form = MinutesForm(request.POST if "minutes" in request.POST else {"minutes": "5"})
    if not form.is_valid():
        return _respond(request, thread, form_refusal(form).message)
    minutes = form.cleaned_data["minutes"]
    return await _act(request, thread_id, services.quantum_extend, minutes=minutes, minute=minute())


@require_POST
@not_found_is_404(NO_THREAD)
async def stop(request: HtmxHttpRequest, thread_id: str) -> HttpResponse:
    then = STOP_TARGETS.get(request.POST.get("then", "ready"), State.READY)
    return await _act(request, thread_id, services.quantum_stop, then=then, minute=minute())


@require_POST
@not_found_is_404(NO_THREAD)
async def again(request: HtmxHttpRequest, thread_id: str) -> HttpResponse:
    return await _act(request, thread_id, services.quantum_again, minute=minute(), **_paced(request))


@require_POST
@not_found_is_404(NO_THREAD)
async def take_break(request: HtmxHttpRequest, thread_id: str) -> HttpResponse:
    """Record the quantum (the thread is Ready again) and start a stored break: its countdown
    shows in every tab and survives a reload, and it counts (pace.services.break_start)."""
    adapters = current_adapters()
    thread = await _owned(request, thread_id)
    try:
        if thread.run is not None:
            thread = await services.quantum_stop(
                repo=adapters.threads,
                bus=adapters.bus,
                owner=thread.owner,
                thread_id=thread_id,
                then=State.READY,
                scheduler=adapters.scheduler,
                minute=minute(),
            )
        await pace_services.break_start(stores=pace_stores(), bus=adapters.bus, owner=thread.owner)
    except DomainError as exc:
        return _respond(request, thread, refused(exc))
    if request.htmx:
        return render(request, "timers/_controls.html", _controls(thread))
    return render(request, "timers/detail.html", _page(thread))


@require_POST
@not_found_is_404(NO_THREAD)
async def tune(request: HtmxHttpRequest, thread_id: str) -> HttpResponse:
    """Accept a quantum suggestion: the person chose it, so this is a plain edit of the quantum."""
    adapters = current_adapters()
    thread = await _owned(request, thread_id)
    form = QuantumForm(request.POST)
    error = None
    try:
        if not form.is_valid():
            raise form_refusal(form)
        thread = await thread_services.thread_edit(
            repo=adapters.threads,
            bus=adapters.bus,
            owner=thread.owner,
            thread_id=thread_id,
            quantum=form.cleaned_data["minutes"],
        )
    except DomainError as exc:
        error = refused(exc)
    if request.htmx:
        history = selectors.history_get(
            repo=adapters.threads, profiles=adapters.profiles, thread=thread, skips=adapters.skips
        )
        context = {"thread": thread, "history": history, "error": error, "tuned": error is None}
        return render(request, "timers/_history.html", context, status=422 if error else 200)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"Quantum set to {thread.quantum} minutes.")
    return _back(request)


@require_GET
@not_found_is_404(NO_THREAD)
async def detail(request: HtmxHttpRequest, thread_id: str) -> HttpResponse:
    """The timer of one thread with its session history; htmx asks for just the controls."""
    thread = await _owned(request, thread_id)
    if request.htmx:
        return render(request, "timers/_controls.html", _controls(thread))
    return render(request, "timers/detail.html", _page(thread))
