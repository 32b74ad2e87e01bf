"""Sprints over `/api/v1/`: CRUD, planning (items, order, estimates, capacity), start, close,
and the capacity and burndown numbers the planning page and the sprint board show."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status
from pydantic import Field, StrictBool, StrictInt

from parallel_you.api_support import (
    ERRORS,
    READ_ERRORS,
    ApiError,
    Input,
    adapters,
    call,
    check_if_match,
    created,
    owner_of,
    tagged,
)
from sprints import selectors, services
from sprints.domain import Closing, Sprint, SprintState
from threads.domain import EnergyBand, Thread
from threads.services import thread_edit

router = Router(tags=["sprints"])
T = TypeVar("T")


@router.get("", response={200: list[Sprint], **READ_ERRORS}, summary="The person's sprints, by start date")
async def sprint_list(request: HttpRequest, state: SprintState | None = None) -> list[Sprint]:
    return selectors.sprint_list(repo=adapters().sprints, owner=owner_of(request), state=state)


class SprintIn(Input):
    name: str
    start: date
    end: date
    goal: str = ""
    capacity: dict[str, StrictInt] | None = Field(None, description="Quanta a day per band; default from history")
    allow_overlap: StrictBool = False


@router.post("", response={201: Sprint, **ERRORS}, summary="Plan a sprint")
async def sprint_create(request: HttpRequest, payload: SprintIn, response: HttpResponse) -> Status:
    arguments = payload.model_dump()
    sprint = await call(request, services.sprint_create, repo="sprints", uses=("threads", "profiles"), **arguments)
    created(response, sprint, f"/api/v1/sprints/{sprint.id}")
    return Status(201, sprint)


@router.get("/active", response={200: Sprint, **READ_ERRORS}, summary="The active sprint (404 when none)")
async def sprint_active(request: HttpRequest, response: HttpResponse) -> Sprint:
    sprint = selectors.sprint_active(repo=adapters().sprints, owner=owner_of(request))
    if sprint is None:
        raise ApiError(404, "no_active_sprint", "No sprint is active: start one from the sprints page.")
    return tagged(response, sprint)


@router.get("/{sprint_id}", response={200: Sprint, **READ_ERRORS}, summary="One sprint (ETag: its version)")
async def sprint_get(request: HttpRequest, sprint_id: str, response: HttpResponse) -> Sprint:
    return tagged(response, selectors.sprint_get(repo=adapters().sprints, owner=owner_of(request), sprint_id=sprint_id))


async def sprint_write(
    request: HttpRequest, service: Callable[..., Awaitable[T]], sprint_id: str, **arguments: Any
) -> T:
    """A write to one sprint: `If-Match` checked against it, then the service run (see `call`)."""
    check_if_match(request, selectors.sprint_get(repo=adapters().sprints, owner=owner_of(request), sprint_id=sprint_id))
    return await call(request, service, repo="sprints", sprint_id=sprint_id, **arguments)


class SprintEdit(Input):
    name: str | None = None
    goal: str | None = None
    start: date | None = None
    end: date | None = None
    allow_overlap: StrictBool = False


@router.patch("/{sprint_id}", response={200: Sprint, **ERRORS}, summary="Edit name, goal, dates")
async def sprint_edit(request: HttpRequest, sprint_id: str, payload: SprintEdit, response: HttpResponse) -> Sprint:
    changes = payload.model_dump(exclude_unset=True)
    return tagged(response, await sprint_write(request, services.sprint_edit, sprint_id, **changes))


@router.delete("/{sprint_id}", response={200: Sprint, **ERRORS}, summary="Delete; its items go back to the backlog")
async def sprint_delete(request: HttpRequest, sprint_id: str) -> Sprint:
    return await sprint_write(request, services.sprint_delete, sprint_id, uses=["threads"])


class CapacityIn(Input):
    capacity: dict[str, StrictInt] = Field(description="Quanta a day per energy band id")
    count_weekends: StrictBool | None = None


@router.put("/{sprint_id}/capacity", response={200: Sprint, **ERRORS}, summary="Set capacity per band")
async def capacity_set(request: HttpRequest, sprint_id: str, payload: CapacityIn, response: HttpResponse) -> Sprint:
    capacity = payload.model_dump()
    return tagged(
        response, await sprint_write(request, services.sprint_capacity_set, sprint_id, uses=["profiles"], **capacity)
    )


class CapacityRowOut(Schema):
    band: EnergyBand
    per_day: int
    available: int
    planned: int
    over: bool


class CapacityOut(Schema):
    sprint_id: str
    working_days: int
    rows: list[CapacityRowOut]


@router.get("/{sprint_id}/capacity", response={200: CapacityOut, **READ_ERRORS}, summary="Planned vs available")
async def capacity_get(request: HttpRequest, sprint_id: str) -> CapacityOut:
    a = adapters()
    planning = selectors.planning_get(**selectors.reads_of(a, owner_of(request)), sprint_id=sprint_id)
    rows = [
        CapacityRowOut(band=r.band, per_day=r.per_day, available=r.available, planned=r.planned, over=r.over)
        for r in planning.capacity
    ]
    return CapacityOut(sprint_id=sprint_id, working_days=planning.sprint.working_days, rows=rows)


class ChartOut(Schema):
    labels: list[date] = Field(description="The start, then the end of each day")
    total: int
    remaining: list[int | None] = Field(description="None for days still to come")
    ideal: list[float]


class BandChartOut(Schema):
    band: EnergyBand
    chart: ChartOut


class BurndownOut(Schema):
    sprint_id: str
    overall: ChartOut
    bands: list[BandChartOut]


def _chart(data: Any) -> ChartOut:
    return ChartOut(labels=data.labels, total=data.total, remaining=data.remaining, ideal=data.ideal)


@router.get("/{sprint_id}/burndown", response={200: BurndownOut, **READ_ERRORS}, summary="Remaining quanta by day")
async def burndown_get(request: HttpRequest, sprint_id: str) -> BurndownOut:
    a = adapters()
    found = selectors.burndown_get(**selectors.reads_of(a, owner_of(request)), sprint_id=sprint_id)
    return BurndownOut(
        sprint_id=sprint_id,
        overall=_chart(found.overall),
        bands=[BandChartOut(band=b.band, chart=_chart(b.chart)) for b in found.bands],
    )


class ItemIn(Input):
    thread_id: str
    position: StrictInt | None = Field(None, ge=0, description="Default: at the end")


@router.post("/{sprint_id}/items", response={200: Sprint, **ERRORS}, summary="Add a story or task")
async def item_add(request: HttpRequest, sprint_id: str, payload: ItemIn, response: HttpResponse) -> Sprint:
    item = payload.model_dump()
    return tagged(response, await sprint_write(request, services.sprint_item_add, sprint_id, uses=["threads"], **item))


@router.delete("/{sprint_id}/items/{thread_id}", response={200: Sprint, **ERRORS}, summary="Back to the backlog")
async def item_remove(request: HttpRequest, sprint_id: str, thread_id: str, response: HttpResponse) -> Sprint:
    removed = await sprint_write(request, services.sprint_item_remove, sprint_id, uses=["threads"], thread_id=thread_id)
    return tagged(response, removed)


class MoveIn(Input):
    position: StrictInt = Field(ge=0)


@router.post("/{sprint_id}/items/{thread_id}/move", response={200: Sprint, **ERRORS}, summary="Move to a position")
async def item_move(
    request: HttpRequest, sprint_id: str, thread_id: str, payload: MoveIn, response: HttpResponse
) -> Sprint:
    moved = await sprint_write(
        request, services.sprint_item_move, sprint_id, thread_id=thread_id, **payload.model_dump()
    )
    return tagged(response, moved)


class OrderIn(Input):
    order: list[str] = Field(description="Every item's id, in the new order")


@router.put("/{sprint_id}/items", response={200: Sprint, **ERRORS}, summary="Reorder all items")
async def items_reorder(request: HttpRequest, sprint_id: str, payload: OrderIn, response: HttpResponse) -> Sprint:
    return tagged(response, await sprint_write(request, services.sprint_items_reorder, sprint_id, order=payload.order))


class EstimateIn(Input):
    estimate: StrictInt = Field(description="Quanta")


@router.put(
    "/{sprint_id}/items/{thread_id}/estimate",
    response={200: Thread, **ERRORS},
    summary="Estimate an item in quanta (answers with the thread)",
)
async def item_estimate(request: HttpRequest, sprint_id: str, thread_id: str, payload: EstimateIn) -> Thread:
    owner = owner_of(request)
    a = adapters()
    selectors.sprint_get(repo=a.sprints, owner=owner, sprint_id=sprint_id)
    return await thread_edit(repo=a.threads, bus=a.bus, owner=owner, thread_id=thread_id, estimate=payload.estimate)


@router.post("/{sprint_id}/start", response={200: Sprint, **ERRORS}, summary="Planned → Active")
async def sprint_start(request: HttpRequest, sprint_id: str, response: HttpResponse) -> Sprint:
    return tagged(response, await sprint_write(request, services.sprint_start, sprint_id))


class CloseIn(Input):
    carry_to: str = Field(services.CARRY_TO_BACKLOG, description='"backlog" or a Planned sprint\'s id')


@router.post("/{sprint_id}/close", response={200: Closing, **ERRORS}, summary="Close; unfinished work moves on")
async def sprint_close(request: HttpRequest, sprint_id: str, payload: CloseIn) -> Closing:
    return await sprint_write(request, services.sprint_close, sprint_id, uses=["threads"], carry_to=payload.carry_to)
