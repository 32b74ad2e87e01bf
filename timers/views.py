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
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from parallel_you.domain import DomainError, InvalidValue, NotFound, utcnow
from parallel_you.web import app, owner_of
from threads import services as thread_services
from threads.domain import State, Thread
from threads.forms import MinutesForm, QuantumForm
from threads.selectors import thread_get
from timers import selectors, services
from timers.domain import break_minutes

STOP_TARGETS = {"ready": State.READY, "parked": State.PARKED, "done": State.DONE}
CURRENT_CHOICES = services.CURRENT_CHOICES


def minute() -> timedelta:
    return timedelta(seconds=settings.PARALLEL_YOU_SECONDS_PER_MINUTE)


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next") or request.headers.get("Referer") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) or "/" not in target:
        target = "/"
    return HttpResponseRedirect(target)


def _respond(request: HttpRequest, thread: Thread | None, error: str | None = None, **context: Any) -> HttpResponse:
    if request.htmx and thread is not None:
        return render(
            request,
            "timers/_controls.html",
            {"thread": thread, "error": error, **context},
            status=422 if error else 200,
        )
    if error:
        messages.error(request, error)
    return _back(request)


Action = Callable[..., Awaitable[Thread]]


async def _act(request: HttpRequest, thread_id: str, action: Action, **arguments: Any) -> HttpResponse:
    """Call one timer service for the signed-in person and answer with the controls or a redirect."""
    owner = await owner_of(request)
    adapters = app()
    try:
        thread = await action(
            repo=adapters.threads,
            bus=adapters.bus,
            owner=owner,
            thread_id=thread_id,
            scheduler=adapters.scheduler,
            **arguments,
        )
    except NotFound:
        raise Http404("There's no such thread.") from None
    except services.OtherRunning as exc:
        return _respond(request, adapters.threads.get(thread_id), exc.message, conflict=exc.current)
    except DomainError as exc:
        return _respond(request, adapters.threads.get(thread_id), exc.message)
    return _respond(request, thread)


def _current(request: HttpRequest) -> str | None:
    choice = request.POST.get("current", "")
    return choice if choice in CURRENT_CHOICES else None


@require_POST
async def start(request: HttpRequest, thread_id: str) -> HttpResponse:
    return await _act(request, thread_id, services.quantum_start, current=_current(request), minute=minute())


@require_POST
async def pause(request: HttpRequest, thread_id: str) -> HttpResponse:
    return await _act(request, thread_id, services.quantum_pause)


@require_POST
async def resume(request: HttpRequest, thread_id: str) -> HttpResponse:
    return await _act(request, thread_id, services.quantum_resume, current=_current(request))


async def _owned(request: HttpRequest, thread_id: str) -> Thread:
    """Whose thread it is comes first: someone else's id is a 404 whatever was sent with it."""
    try:
        return thread_get(repo=app().threads, owner=await owner_of(request), thread_id=thread_id)
    except NotFound:
        raise Http404("There's no such thread.") from None


def _first_error(form: Any) -> str:
    return next(iter(form.errors.values()))[0]


@require_POST
async def extend(request: HttpRequest, thread_id: str) -> HttpResponse:
    thread = await _owned(request, thread_id)
    form = MinutesForm(request.POST if "minutes" in request.POST else {"minutes": "5"})
    if not form.is_valid():
        return _respond(request, thread, _first_error(form))
    return await _act(
        request, thread_id, services.quantum_extend, minutes=form.cleaned_data["minutes"], minute=minute()
    )


@require_POST
async def stop(request: HttpRequest, thread_id: str) -> HttpResponse:
    then = STOP_TARGETS.get(request.POST.get("then", "ready"), State.READY)
    return await _act(request, thread_id, services.quantum_stop, then=then, minute=minute())


@require_POST
async def again(request: HttpRequest, thread_id: str) -> HttpResponse:
    return await _act(request, thread_id, services.quantum_again, minute=minute())


@require_POST
async def take_break(request: HttpRequest, thread_id: str) -> HttpResponse:
    """Record the quantum (the thread is Ready again) and show a break with its own countdown."""
    owner = await owner_of(request)
    adapters = app()
    try:
        thread = await services.quantum_stop(
            repo=adapters.threads,
            bus=adapters.bus,
            owner=owner,
            thread_id=thread_id,
            then=State.READY,
            scheduler=adapters.scheduler,
            minute=minute(),
        )
    except NotFound:
        raise Http404("There's no such thread.") from None
    except DomainError as exc:
        return _respond(request, adapters.threads.get(thread_id), exc.message)
    now = utcnow()
    in_a_row = selectors.streak_get(repo=adapters.threads, owner=owner, now=now)
    length = break_minutes(in_a_row)
    context = {"break_until": now + minute() * length, "break_minutes": length}
    if request.htmx:
        return render(request, "timers/_controls.html", {"thread": thread, **context})
    return render(request, "timers/detail.html", {"thread": thread, **context})


@require_POST
async def tune(request: HttpRequest, thread_id: str) -> HttpResponse:
    """Accept a quantum suggestion: the person chose it, so this is a plain edit of the quantum."""
    owner = await owner_of(request)
    adapters = app()
    found = await _owned(request, thread_id)
    form = QuantumForm(request.POST)
    try:
        if not form.is_valid():
            raise InvalidValue({"minutes": _first_error(form)})
        thread = await thread_services.thread_edit(
            repo=adapters.threads,
            bus=adapters.bus,
            owner=owner,
            thread_id=thread_id,
            quantum=form.cleaned_data["minutes"],
        )
    except NotFound:
        raise Http404("There's no such thread.") from None
    except DomainError as exc:
        if request.htmx:
            return render(request, "timers/_history.html", {"thread": found, "error": exc.message}, status=422)
        messages.error(request, exc.message)
        return _back(request)
    if request.htmx:
        return render(request, "timers/_history.html", {"thread": thread, "tuned": True})
    messages.success(request, f"Quantum set to {thread.quantum} minutes.")
    return _back(request)


@require_GET
async def detail(request: HttpRequest, thread_id: str) -> HttpResponse:
    """The timer of one thread with its session history; htmx asks for just the controls."""
    owner = await owner_of(request)
    adapters = app()
    try:
        thread = thread_get(repo=adapters.threads, owner=owner, thread_id=thread_id)
    except NotFound:
        raise Http404("There's no such thread.") from None
    if request.htmx:
        return render(request, "timers/_controls.html", {"thread": thread})
    return render(request, "timers/detail.html", {"thread": thread})
