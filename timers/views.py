"""Timer actions from a card or the detail page: start and stop a quantum."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from parallel_you.domain import DomainError, NotFound
from parallel_you.web import app, owner_of
from threads.domain import State, Thread
from timers import services

STOP_TARGETS = {"ready": State.READY, "parked": State.PARKED, "done": State.DONE}


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next") or request.headers.get("Referer") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return redirect(target)


def _respond(request: HttpRequest, thread: Thread | None, error: str | None = None) -> HttpResponse:
    if request.htmx and thread is not None:
        return render(
            request, "timers/_controls.html", {"thread": thread, "error": error}, status=422 if error else 200
        )
    if error:
        messages.error(request, error)
    return _back(request)


@require_POST
async def start(request: HttpRequest, thread_id: str) -> HttpResponse:
    owner = await owner_of(request)
    adapters = app()
    try:
        thread = await services.quantum_start(repo=adapters.threads, bus=adapters.bus, owner=owner, thread_id=thread_id)
    except NotFound:
        raise Http404("There's no such thread.") from None
    except DomainError as exc:
        return _respond(request, adapters.threads.get(thread_id), exc.message)
    return _respond(request, thread)


@require_POST
async def stop(request: HttpRequest, thread_id: str) -> HttpResponse:
    owner = await owner_of(request)
    adapters = app()
    then = STOP_TARGETS.get(request.POST.get("then", "ready"), State.READY)
    try:
        thread = await services.quantum_stop(
            repo=adapters.threads, bus=adapters.bus, owner=owner, thread_id=thread_id, then=then
        )
    except NotFound:
        raise Http404("There's no such thread.") from None
    except DomainError as exc:
        return _respond(request, adapters.threads.get(thread_id), exc.message)
    return _respond(request, thread)
