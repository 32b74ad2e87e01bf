"""Sprint pages: thin views that parse, call one service or selector, and render.

Every action works as a plain form post with a redirect; with htmx the same templates render the
fragment that changed. Someone else's sprint id is a 404 everywhere.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from functools import wraps
from typing import Any, TypeVar

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pace.web import pace_stores
from parallel_you.bootstrap import Port, current_adapters
from parallel_you.domain import DomainError, NotFound
from parallel_you.htmx import (
    HtmxHttpRequest,
    changed,
    form_refusal,
    go,
    not_found_is_404,
    page_or_fragment,
    refused,
    refused_status,
    submit,
)
from parallel_you.web import owner_of
from sprints import services
from sprints.charts import chart_of
from sprints.domain import Sprint, SprintState
from sprints.forms import CapacityForm, CloseForm, EstimateForm, PositionForm, SprintForm
from sprints.selectors import (
    Burndowns,
    burndown_get,
    planning_get,
    reads_of,
    sprint_active,
    sprint_get,
    sprint_index,
)
from threads.cards import rendered_cards
from threads.domain import BOARD_STATES
from threads.selectors import board_get, profile_get, thread_get
from threads.services import thread_edit
from timers import selectors as timer_selectors

NO_SPRINT = "There's no such sprint."
T = TypeVar("T")
THREADS: tuple[Port, ...] = ("threads",)
PROFILES: tuple[Port, ...] = ("profiles",)
BOTH: tuple[Port, ...] = ("threads", "profiles")


def _burndown_context(burndowns: Burndowns) -> dict[str, Any]:
    return {
        "burndown": burndowns,
        "chart": chart_of(burndowns.overall),
        "band_charts": [(b.band, b.chart, chart_of(b.chart, width=200, height=110)) for b in burndowns.bands],
        "band_list": [b.band for b in burndowns.bands],
    }


# --- list, create, edit, delete --------------------------------------------------------------------
@require_GET
async def sprint_list_page(request: HtmxHttpRequest) -> HttpResponse:
    owner = await owner_of(request)
    index = sprint_index(repo=current_adapters().sprints, owner=owner)
    return render(request, "sprints/list.html", {"index": index})


@require_http_methods(["GET", "POST"])
async def sprint_new(request: HtmxHttpRequest) -> HttpResponse:
    owner = await owner_of(request)
    form = SprintForm(request.POST or None)
    if request.method == "POST":
        create = services.sprint_create
        sprint = await submit(
            form, lambda: _on_sprint(owner, create, form.created_id(owner), uses=BOTH, **form.changes())
        )
        if sprint is not None:
            return go(request, reverse("sprints:detail", args=[sprint.id]))
    return _form_page(request, form, None)


def _form_page(request: HtmxHttpRequest, form: SprintForm, sprint: Sprint | None) -> HttpResponse:
    """The sprint form (a fragment for htmx), with its errors if it has any."""
    template = page_or_fragment(request, "sprints/form.html", "sprints/_form.html")
    status = refused_status(request) if form.errors else 200
    return render(request, template, {"form": form, "sprint": sprint}, status=status)


@require_http_methods(["GET", "POST"])
@not_found_is_404(NO_SPRINT)
async def sprint_edit(request: HtmxHttpRequest, sprint_id: str) -> HttpResponse:
    owner = await owner_of(request)
    adapters = current_adapters()
    sprint = sprint_get(repo=adapters.sprints, owner=owner, sprint_id=sprint_id)
    form = SprintForm(request.POST) if request.method == "POST" else SprintForm.of(sprint)
    if request.method == "POST":
        edit = services.sprint_edit
        edited = await submit(form, lambda: _on_sprint(owner, edit, sprint.id, uses=PROFILES, **form.changes()))
        if edited is not None:
            return go(request, reverse("sprints:detail", args=[sprint.id]))
    return _form_page(request, form, sprint)


@require_http_methods(["GET", "POST"])
@not_found_is_404(NO_SPRINT)
async def sprint_delete(request: HtmxHttpRequest, sprint_id: str) -> HttpResponse:
    """GET asks to confirm (a page that works without JS); POST deletes."""
    owner = await owner_of(request)
    adapters = current_adapters()
    if request.method == "GET":
        sprint = sprint_get(repo=adapters.sprints, owner=owner, sprint_id=sprint_id)
        return render(request, "sprints/confirm_delete.html", {"sprint": sprint})
    sprint = await adapters.call(services.sprint_delete, owner=owner, repo="sprints", uses=THREADS, sprint_id=sprint_id)
    messages.success(request, f"Deleted “{sprint.name}”; its stories and tasks are back in the backlog.")
    return go(request, reverse("sprints:list"))


# --- planning --------------------------------------------------------------------------------------
def _filters(request: HtmxHttpRequest) -> tuple[str, str]:
    source = request.POST if request.method == "POST" else request.GET
    return source.get("band", ""), source.get("state", "")


async def _planning(
    request: HtmxHttpRequest, owner: str, sprint_id: str, *, error: str = "", status: int = 200, form: Any = None
) -> HttpResponse:
    band, state = _filters(request)
    planning = planning_get(**reads_of(current_adapters(), owner), sprint_id=sprint_id, band=band, state=state)
    sprint = planning.sprint
    if sprint.state is SprintState.CLOSED and not request.htmx:
        return redirect("sprints:summary", sprint.id)
    capacity_form = form or CapacityForm(
        bands=planning.bands, capacity=sprint.capacity, count_weekends=sprint.count_weekends
    )
    context: dict[str, Any] = {"planning": planning, "sprint": sprint, "capacity_form": capacity_form, "error": error}
    if (request.htmx and request.method == "POST") or request.headers.get("HX-Target") == "planning":
        response = render(request, "sprints/_planning.html", context, status=status)
        return changed(response) if status == 200 and request.method == "POST" else response
    context |= _burndown_context(burndown_get(**reads_of(current_adapters(), owner), sprint_id=sprint.id))
    return render(request, "sprints/planning.html", context, status=status)


@require_GET
@not_found_is_404(NO_SPRINT)
async def sprint_detail(request: HtmxHttpRequest, sprint_id: str) -> HttpResponse:
    """The planning page: the backlog beside the sprint (filterable by band and state)."""
    return await _planning(request, await owner_of(request), sprint_id)


PlanningChange = Callable[..., Awaitable[object]]


def planning_change(change: PlanningChange) -> Callable[..., Coroutine[Any, Any, HttpResponse]]:
    """A view that makes one planning change for the signed-in person, as
    `change(request, owner, sprint_id, **ids)`. Whose sprint it is comes first (someone else's is a
    404, whatever was sent); a refusal shows on the planning page; the answer is the planning
    fragment, or the page again for a plain post."""

    @wraps(change)
    async def view(request: HtmxHttpRequest, sprint_id: str, **ids: Any) -> HttpResponse:
        owner = await owner_of(request)
        sprint_get(repo=current_adapters().sprints, owner=owner, sprint_id=sprint_id)
        try:
            await change(request, owner, sprint_id, **ids)
        except DomainError as exc:
            return await _planning(request, owner, sprint_id, error=refused(exc), status=refused_status(request))
        if request.htmx:
            return await _planning(request, owner, sprint_id)
        band, state = _filters(request)
        query = "&".join(f"{k}={v}" for k, v in (("band", band), ("state", state)) if v)
        return redirect(reverse("sprints:detail", args=[sprint_id]) + (f"?{query}" if query else "") + "#planning")

    return not_found_is_404(NO_SPRINT)(view)


def _parsed(form: Any) -> dict[str, Any]:
    """The form's values, or its errors as the domain's refusal (shown on the planning page)."""
    if not form.is_valid():
        raise form_refusal(form)
    return form.cleaned_data


def _on_sprint(
    owner: str, service: Callable[..., Awaitable[T]], sprint_id: str | None, **arguments: Any
) -> Awaitable[T]:
    """A sprint service on the person's sprint `sprint_id`, wired to the process's adapters."""
    return current_adapters().call(service, owner=owner, repo="sprints", sprint_id=sprint_id, **arguments)


def _thread_of(owner: str, thread_id: str) -> None:
    """Whose thread it is comes before what was sent with it."""
    try:
        thread_get(repo=current_adapters().threads, owner=owner, thread_id=thread_id)
    except NotFound:
        raise Http404("There's no such thread.") from None


@require_POST
@planning_change
async def item_add(request: HtmxHttpRequest, owner: str, sprint_id: str) -> None:
    item = {"thread_id": request.POST.get("thread_id", ""), "position": _parsed(PositionForm(request.POST))["position"]}
    await _on_sprint(owner, services.sprint_item_add, sprint_id, uses=THREADS, **item)


@require_POST
@planning_change
async def item_remove(request: HtmxHttpRequest, owner: str, sprint_id: str, thread_id: str) -> None:
    _thread_of(owner, thread_id)
    await _on_sprint(owner, services.sprint_item_remove, sprint_id, uses=THREADS, thread_id=thread_id)


@require_POST
@planning_change
async def item_move(request: HtmxHttpRequest, owner: str, sprint_id: str, thread_id: str) -> None:
    _thread_of(owner, thread_id)
    position = _parsed(PositionForm(request.POST))["position"]
    await _on_sprint(owner, services.sprint_item_move, sprint_id, thread_id=thread_id, position=position or 0)


@require_POST
@planning_change
async def items_reorder(request: HtmxHttpRequest, owner: str, sprint_id: str) -> None:
    order = [i for i in request.POST.get("order", "").split(",") if i]
    await _on_sprint(owner, services.sprint_items_reorder, sprint_id, order=order)


@require_POST
@planning_change
async def item_estimate(request: HtmxHttpRequest, owner: str, sprint_id: str, thread_id: str) -> None:
    """A story's or task's estimate in quanta, set from the planning page."""
    _thread_of(owner, thread_id)
    value = _parsed(EstimateForm(request.POST))["estimate"]
    await current_adapters().call(thread_edit, owner=owner, repo="threads", thread_id=thread_id, estimate=value)


@require_POST
@not_found_is_404(NO_SPRINT)
async def capacity_set(request: HtmxHttpRequest, sprint_id: str) -> HttpResponse:
    owner = await owner_of(request)
    adapters = current_adapters()
    sprint = sprint_get(repo=adapters.sprints, owner=owner, sprint_id=sprint_id)
    profile = profile_get(repo=adapters.profiles, owner=owner)
    form = CapacityForm(
        request.POST, bands=profile.bands, capacity=sprint.capacity, count_weekends=sprint.count_weekends
    )
    if not form.is_valid():
        # The capacity form itself shows what is wrong, field by field.
        return await _planning(request, owner, sprint_id, form=form, status=refused_status(request))
    return await _capacity_save(request, sprint_id, form=form)


@planning_change
async def _capacity_save(request: HtmxHttpRequest, owner: str, sprint_id: str, form: CapacityForm) -> None:
    capacity = {"capacity": form.capacity(), "count_weekends": form.cleaned_data["count_weekends"]}
    await _on_sprint(owner, services.sprint_capacity_set, sprint_id, uses=PROFILES, **capacity)


@require_POST
@not_found_is_404(NO_SPRINT)
async def sprint_start(request: HtmxHttpRequest, sprint_id: str) -> HttpResponse:
    owner = await owner_of(request)
    adapters = current_adapters()
    try:
        sprint = await adapters.call(services.sprint_start, owner=owner, repo="sprints", sprint_id=sprint_id)
    except DomainError as exc:
        return await _planning(request, owner, sprint_id, error=refused(exc), status=refused_status(request))
    messages.success(request, f"“{sprint.name}” is under way.")
    return go(request, reverse("sprints:active_board"))


def _burndowns_or_404(owner: str, sprint_id: str) -> Burndowns:
    return burndown_get(**reads_of(current_adapters(), owner), sprint_id=sprint_id)


@require_GET
@not_found_is_404(NO_SPRINT)
async def burndown(request: HtmxHttpRequest, sprint_id: str) -> HttpResponse:
    """The burndown fragment, re-fetched whenever the page hears `parallel-you:changed`."""
    burndowns = _burndowns_or_404(await owner_of(request), sprint_id)
    return render(request, "sprints/_burndown.html", {"sprint": burndowns.sprint, **_burndown_context(burndowns)})


# --- closing ---------------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@not_found_is_404(NO_SPRINT)
async def sprint_close(request: HtmxHttpRequest, sprint_id: str) -> HttpResponse:
    """GET: what closing would mean and where unfinished work goes; POST: close."""
    owner = await owner_of(request)
    planning = planning_get(**reads_of(current_adapters(), owner), sprint_id=sprint_id)
    form = CloseForm(request.POST or None, planned=planning.planned_sprints)
    closing = None
    if request.method == "POST":
        close = services.sprint_close
        closing = await submit(form, lambda: _on_sprint(owner, close, sprint_id, uses=THREADS, **form.cleaned_data))
    if closing is not None:
        where = f"“{closing.carried_to_name}”" if closing.carried_to else "the backlog"
        note = f" {len(closing.not_done)} unfinished went to {where}." if closing.not_done else ""
        messages.success(request, f"Closed “{planning.sprint.name}”.{note}")
        return go(request, reverse("sprints:summary", args=[sprint_id]))
    status = refused_status(request) if form.errors else 200
    return render(
        request, "sprints/close.html", {"planning": planning, "sprint": planning.sprint, "form": form}, status=status
    )


@require_GET
@not_found_is_404(NO_SPRINT)
async def sprint_summary(request: HtmxHttpRequest, sprint_id: str) -> HttpResponse:
    burndowns = _burndowns_or_404(await owner_of(request), sprint_id)
    if burndowns.sprint.closing is None:
        return redirect("sprints:detail", sprint_id)
    return render(request, "sprints/summary.html", {"sprint": burndowns.sprint, **_burndown_context(burndowns)})


# --- the sprint board ------------------------------------------------------------------------------
# Its cards are the board's (threads/_card.html): their transitions, Block, Edit and Delete post to
# the thread views, which answer a page they don't know (this one) with the card and
# `parallel-you:changed`, so this region and the burndown re-fetch themselves (static/js/board.js).
@require_GET
async def sprint_board(request: HtmxHttpRequest) -> HttpResponse:
    """The board restricted to the active sprint."""
    owner = await owner_of(request)
    adapters = current_adapters()
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
        context |= board.cards | timer_selectors.controls_context(
            repo=adapters.threads, owner=owner, pace=pace_stores()
        )
        shown = [t for _, threads in context["columns"] for t in threads]
        context["cards_html"] = rendered_cards(shown, context, here=context["here"], inline=True)
    if request.htmx:
        return render(request, "sprints/_board.html", context)
    if sprint is not None:
        context |= _burndown_context(burndown_get(**reads_of(adapters, owner), sprint_id=sprint.id))
    return render(request, "sprints/board.html", context)
