"""Sprint pages: thin views that parse, call one service or selector, and render.

Every action works as a plain form post with a redirect; with htmx the same templates render the
fragment that changed. Someone else's sprint id is a 404 everywhere.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect, trigger_client_event

from parallel_you.domain import DomainError, InvalidValue, NotFound
from parallel_you.web import app, owner_of
from sprints import services
from sprints.charts import chart_of
from sprints.domain import Sprint, SprintState
from sprints.forms import CapacityForm, CloseForm, EstimateForm, PositionForm, SprintForm
from sprints.selectors import (
    Burndowns,
    burndown_get,
    planning_get,
    sprint_active,
    sprint_get,
    sprint_index,
)
from threads.domain import BOARD_STATES
from threads.selectors import board_get, profile_get, thread_get
from threads.services import thread_edit

CHANGED = "parallel-you:changed"


def _invalid(request: HttpRequest) -> int:
    return 422 if request.htmx else 400


def _go(request: HttpRequest, url: str) -> HttpResponse:
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _form_errors(form: Any, error: DomainError) -> None:
    errors = getattr(error, "errors", None) or {error.field or "__all__": error.message}
    for field, message in errors.items():
        form.add_error(field if field in form.fields else None, message)


def _burndown_context(burndowns: Burndowns) -> dict[str, Any]:
    return {
        "burndown": burndowns,
        "chart": chart_of(burndowns.overall),
        "band_charts": [(b.band, b.chart, chart_of(b.chart, width=200, height=110)) for b in burndowns.bands],
    }


# --- list, create, edit, delete --------------------------------------------------------------------
@require_GET
async def sprint_list_page(request: HttpRequest) -> HttpResponse:
    owner = await owner_of(request)
    index = sprint_index(repo=app().sprints, owner=owner)
    return render(request, "sprints/list.html", {"index": index})


@require_http_methods(["GET", "POST"])
async def sprint_new(request: HttpRequest) -> HttpResponse:
    owner = await owner_of(request)
    adapters = app()
    form = SprintForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sprint = await services.sprint_create(
                repo=adapters.sprints,
                bus=adapters.bus,
                owner=owner,
                sprint_id=form.created_id(owner),
                name=data["name"],
                goal=data["goal"],
                start=data["start"],
                end=data["end"],
                allow_overlap=data["allow_overlap"],
                threads=adapters.threads,
                profiles=adapters.profiles,
            )
        except DomainError as exc:
            _form_errors(form, exc)
        else:
            return _go(request, reverse("sprints:detail", args=[sprint.id]))
    return _form_page(request, form, None)


def _form_page(request: HttpRequest, form: SprintForm, sprint: Sprint | None) -> HttpResponse:
    """The sprint form (a fragment for htmx), with its errors if it has any."""
    template = "sprints/_form.html" if request.htmx else "sprints/form.html"
    status = _invalid(request) if form.errors else 200
    return render(request, template, {"form": form, "sprint": sprint}, status=status)


@require_http_methods(["GET", "POST"])
async def sprint_edit(request: HttpRequest, sprint_id: str) -> HttpResponse:
    owner = await owner_of(request)
    adapters = app()
    try:
        sprint = sprint_get(repo=adapters.sprints, owner=owner, sprint_id=sprint_id)
    except NotFound:
        raise Http404("There's no such sprint.") from None
    form = SprintForm(request.POST) if request.method == "POST" else SprintForm.of(sprint)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            await services.sprint_edit(
                repo=adapters.sprints,
                bus=adapters.bus,
                owner=owner,
                sprint_id=sprint.id,
                allow_overlap=data["allow_overlap"],
                **{k: data[k] for k in ("name", "goal", "start", "end")},
            )
        except DomainError as exc:
            _form_errors(form, exc)
        else:
            return _go(request, reverse("sprints:detail", args=[sprint.id]))
    return _form_page(request, form, sprint)


@require_http_methods(["GET", "POST"])
async def sprint_delete(request: HttpRequest, sprint_id: str) -> HttpResponse:
    """GET asks to confirm (a page that works without JS); POST deletes."""
    owner = await owner_of(request)
    adapters = app()
    try:
        if request.method == "GET":
            sprint = sprint_get(repo=adapters.sprints, owner=owner, sprint_id=sprint_id)
            return render(request, "sprints/confirm_delete.html", {"sprint": sprint})
        sprint = await services.sprint_delete(
            repo=adapters.sprints, threads=adapters.threads, bus=adapters.bus, owner=owner, sprint_id=sprint_id
        )
    except NotFound:
        raise Http404("There's no such sprint.") from None
    messages.success(request, f"Deleted “{sprint.name}”; its stories and tasks are back in the backlog.")
    return _go(request, reverse("sprints:list"))


# --- planning --------------------------------------------------------------------------------------
def _filters(request: HttpRequest) -> tuple[str, str]:
    source = request.POST if request.method == "POST" else request.GET
    return source.get("band", ""), source.get("state", "")


async def _planning(
    request: HttpRequest, owner: str, sprint_id: str, *, error: str = "", status: int = 200, form: Any = None
) -> HttpResponse:
    adapters = app()
    band, state = _filters(request)
    try:
        planning = planning_get(
            repo=adapters.sprints,
            threads=adapters.threads,
            profiles=adapters.profiles,
            owner=owner,
            sprint_id=sprint_id,
            band=band,
            state=state,
        )
    except NotFound:
        raise Http404("There's no such sprint.") from None
    sprint = planning.sprint
    if sprint.state is SprintState.CLOSED and not request.htmx:
        return redirect("sprints:summary", sprint.id)
    capacity_form = form or CapacityForm(
        bands=planning.bands, capacity=sprint.capacity, count_weekends=sprint.count_weekends
    )
    context: dict[str, Any] = {"planning": planning, "sprint": sprint, "capacity_form": capacity_form, "error": error}
    if (request.htmx and request.method == "POST") or request.headers.get("HX-Target") == "planning":
        response = render(request, "sprints/_planning.html", context, status=status)
        return trigger_client_event(response, CHANGED) if status == 200 and request.method == "POST" else response
    burndowns = burndown_get(
        repo=adapters.sprints, threads=adapters.threads, profiles=adapters.profiles, owner=owner, sprint_id=sprint.id
    )
    context |= _burndown_context(burndowns)
    return render(request, "sprints/planning.html", context, status=status)


@require_GET
async def sprint_detail(request: HttpRequest, sprint_id: str) -> HttpResponse:
    """The planning page: the backlog beside the sprint (filterable by band and state)."""
    return await _planning(request, await owner_of(request), sprint_id)


async def _plan_action(request: HttpRequest, sprint_id: str, action: Any) -> HttpResponse:
    """Run one planning service; re-render the planning fragment or redirect back to the page."""
    owner = await owner_of(request)
    try:
        await action(owner)
    except NotFound:
        raise Http404("There's no such sprint.") from None
    except DomainError as exc:
        return await _planning(request, owner, sprint_id, error=exc.message, status=_invalid(request))
    if request.htmx:
        return await _planning(request, owner, sprint_id)
    band, state = _filters(request)
    query = "&".join(f"{k}={v}" for k, v in (("band", band), ("state", state)) if v)
    return redirect(reverse("sprints:detail", args=[sprint_id]) + (f"?{query}" if query else "") + "#planning")


def _parsed(form: Any) -> dict[str, Any]:
    """The form's values, or its first message as the domain's refusal (shown on the planning page)."""
    if not form.is_valid():
        raise InvalidValue({name: errors[0] for name, errors in form.errors.items()})
    return form.cleaned_data


def _owned(owner: str, sprint_id: str, thread_id: str | None = None) -> None:
    """Whose sprint and thread they are comes first: someone else's id is a 404 whatever was sent."""
    adapters = app()
    sprint_get(repo=adapters.sprints, owner=owner, sprint_id=sprint_id)
    if thread_id is not None:
        try:
            thread_get(repo=adapters.threads, owner=owner, thread_id=thread_id)
        except NotFound:
            raise Http404("There's no such thread.") from None


@require_POST
async def item_add(request: HttpRequest, sprint_id: str) -> HttpResponse:
    adapters = app()

    async def add(owner: str) -> None:
        _owned(owner, sprint_id)
        position = _parsed(PositionForm(request.POST))["position"]
        await services.sprint_item_add(
            repo=adapters.sprints,
            threads=adapters.threads,
            bus=adapters.bus,
            owner=owner,
            sprint_id=sprint_id,
            thread_id=request.POST.get("thread_id", ""),
            position=position,
        )

    return await _plan_action(request, sprint_id, add)


@require_POST
async def item_remove(request: HttpRequest, sprint_id: str, thread_id: str) -> HttpResponse:
    adapters = app()

    async def remove(owner: str) -> None:
        _owned(owner, sprint_id, thread_id)
        await services.sprint_item_remove(
            repo=adapters.sprints,
            threads=adapters.threads,
            bus=adapters.bus,
            owner=owner,
            sprint_id=sprint_id,
            thread_id=thread_id,
        )

    return await _plan_action(request, sprint_id, remove)


@require_POST
async def item_move(request: HttpRequest, sprint_id: str, thread_id: str) -> HttpResponse:
    adapters = app()

    async def move(owner: str) -> None:
        _owned(owner, sprint_id, thread_id)
        position = _parsed(PositionForm(request.POST))["position"]
        await services.sprint_item_move(
            repo=adapters.sprints,
            bus=adapters.bus,
            owner=owner,
            sprint_id=sprint_id,
            thread_id=thread_id,
            position=0 if position is None else position,
        )

    return await _plan_action(request, sprint_id, move)


@require_POST
async def items_reorder(request: HttpRequest, sprint_id: str) -> HttpResponse:
    adapters = app()
    order = [i for i in request.POST.get("order", "").split(",") if i]

    async def reorder(owner: str) -> None:
        await services.sprint_items_reorder(
            repo=adapters.sprints, bus=adapters.bus, owner=owner, sprint_id=sprint_id, order=order
        )

    return await _plan_action(request, sprint_id, reorder)


@require_POST
async def item_estimate(request: HttpRequest, sprint_id: str, thread_id: str) -> HttpResponse:
    """A story's or task's estimate in quanta, set from the planning page."""
    adapters = app()

    async def estimate(owner: str) -> None:
        _owned(owner, sprint_id, thread_id)
        value = _parsed(EstimateForm(request.POST))["estimate"]
        await thread_edit(repo=adapters.threads, bus=adapters.bus, owner=owner, thread_id=thread_id, estimate=value)

    return await _plan_action(request, sprint_id, estimate)


@require_POST
async def capacity_set(request: HttpRequest, sprint_id: str) -> HttpResponse:
    owner = await owner_of(request)
    adapters = app()
    try:
        sprint = sprint_get(repo=adapters.sprints, owner=owner, sprint_id=sprint_id)
    except NotFound:
        raise Http404("There's no such sprint.") from None
    profile = profile_get(repo=adapters.profiles, owner=owner)
    form = CapacityForm(
        request.POST, bands=profile.bands, capacity=sprint.capacity, count_weekends=sprint.count_weekends
    )
    if not form.is_valid():
        return await _planning(request, owner, sprint_id, form=form, status=_invalid(request))

    async def save(owner: str) -> None:
        await services.sprint_capacity_set(
            repo=adapters.sprints,
            bus=adapters.bus,
            owner=owner,
            sprint_id=sprint_id,
            capacity=form.capacity(),
            profiles=adapters.profiles,
            count_weekends=form.cleaned_data["count_weekends"],
        )

    return await _plan_action(request, sprint_id, save)


@require_POST
async def sprint_start(request: HttpRequest, sprint_id: str) -> HttpResponse:
    owner = await owner_of(request)
    adapters = app()
    try:
        sprint = await services.sprint_start(repo=adapters.sprints, bus=adapters.bus, owner=owner, sprint_id=sprint_id)
    except NotFound:
        raise Http404("There's no such sprint.") from None
    except DomainError as exc:
        return await _planning(request, owner, sprint_id, error=exc.message, status=_invalid(request))
    messages.success(request, f"“{sprint.name}” is under way.")
    return _go(request, reverse("sprints:active_board"))


def _burndowns_or_404(owner: str, sprint_id: str) -> Burndowns:
    adapters = app()
    try:
        return burndown_get(
            repo=adapters.sprints,
            threads=adapters.threads,
            profiles=adapters.profiles,
            owner=owner,
            sprint_id=sprint_id,
        )
    except NotFound:
        raise Http404("There's no such sprint.") from None


@require_GET
async def burndown(request: HttpRequest, sprint_id: str) -> HttpResponse:
    """The burndown fragment, re-fetched whenever the page hears `parallel-you:changed`."""
    burndowns = _burndowns_or_404(await owner_of(request), sprint_id)
    return render(request, "sprints/_burndown.html", {"sprint": burndowns.sprint, **_burndown_context(burndowns)})


# --- closing ---------------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
async def sprint_close(request: HttpRequest, sprint_id: str) -> HttpResponse:
    """GET: what closing would mean and where unfinished work goes; POST: close."""
    owner = await owner_of(request)
    adapters = app()
    try:
        planning = planning_get(
            repo=adapters.sprints,
            threads=adapters.threads,
            profiles=adapters.profiles,
            owner=owner,
            sprint_id=sprint_id,
        )
    except NotFound:
        raise Http404("There's no such sprint.") from None
    form = CloseForm(request.POST or None, planned=planning.planned_sprints)
    if request.method == "POST" and form.is_valid():
        try:
            closing = await services.sprint_close(
                repo=adapters.sprints,
                threads=adapters.threads,
                bus=adapters.bus,
                owner=owner,
                sprint_id=sprint_id,
                carry_to=form.cleaned_data["carry_to"],
            )
        except DomainError as exc:
            _form_errors(form, exc)
        else:
            where = f"“{closing.carried_to_name}”" if closing.carried_to else "the backlog"
            note = f" {len(closing.not_done)} unfinished went to {where}." if closing.not_done else ""
            messages.success(request, f"Closed “{planning.sprint.name}”.{note}")
            return _go(request, reverse("sprints:summary", args=[sprint_id]))
    status = _invalid(request) if form.errors else 200
    return render(
        request, "sprints/close.html", {"planning": planning, "sprint": planning.sprint, "form": form}, status=status
    )


@require_GET
async def sprint_summary(request: HttpRequest, sprint_id: str) -> HttpResponse:
    burndowns = _burndowns_or_404(await owner_of(request), sprint_id)
    if burndowns.sprint.closing is None:
        return redirect("sprints:detail", sprint_id)
    return render(request, "sprints/summary.html", {"sprint": burndowns.sprint, **_burndown_context(burndowns)})


# --- the sprint board ------------------------------------------------------------------------------
# Its cards are the board's (threads/_card.html): their transitions, Block, Edit and Delete post to
# the thread views, which answer a page they don't know (this one) with the card and
# `parallel-you:changed`, so this region and the burndown re-fetch themselves (static/js/board.js).
@require_GET
async def sprint_board(request: HttpRequest) -> HttpResponse:
    """The board restricted to the active sprint."""
    owner = await owner_of(request)
    adapters = app()
    sprint = sprint_active(repo=adapters.sprints, owner=owner)
    context: dict[str, Any] = {"sprint": sprint, "here": reverse("sprints:active_board")}
    if sprint is not None:
        profile = profile_get(repo=adapters.profiles, owner=owner)
        board = board_get(repo=adapters.threads, owner=owner, sprint_id=sprint.id, profile=profile)
        order = {m: i for i, m in enumerate(sprint.members)}
        context["columns"] = [
            (state, sorted(board.columns[state], key=lambda t: order.get(t.id, len(order)))) for state in BOARD_STATES
        ]
        context["held"] = board.shown
        context |= board.cards
    if request.htmx:
        return render(request, "sprints/_board.html", context)
    if sprint is not None:
        burndowns = burndown_get(
            repo=adapters.sprints,
            threads=adapters.threads,
            profiles=adapters.profiles,
            owner=owner,
            sprint_id=sprint.id,
        )
        context |= _burndown_context(burndowns)
    return render(request, "sprints/board.html", context)
