"""Threads and energy bands over `/api/v1/`: the board's reads and the thread services.

Thin, like the views: parse with a schema, call one service or selector, answer with the document.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import Field, StrictInt

from parallel_you.api_support import (
    ERRORS,
    LIMIT_DEFAULT,
    LIMIT_MAX,
    READ_ERRORS,
    Input,
    Page,
    Port,
    adapters,
    call,
    check_if_match,
    created,
    owner_of,
    paginate,
    tagged,
)
from parallel_you.domain import NotFound
from threads import selectors, services
from threads.domain import BOARD_STATES, DEFAULT_QUANTUM, EnergyBand, Kind, Profile, State, Thread
from timers.domain import Suggestion
from timers.selectors import history_get

router = Router(tags=["threads"])
bands_router = Router(tags=["energy bands"])


class ThreadPage(Page):
    items: list[Thread]


class ThreadFilters(Schema):
    saga: str = Field("", description="Only this saga and its stories and tasks")
    band: str = Field("", description="Only this energy band (its id)")
    q: str = Field("", description="Text in the title or notes")
    state: list[State] = Field(default_factory=list, description="Only these states (repeat the parameter)")
    kind: Kind | None = None
    sprint: str = Field("", description="Only the threads in this sprint")
    archived: bool = Field(False, description="The archive instead of the board (title search with q)")
    limit: int = Field(LIMIT_DEFAULT, ge=1, le=LIMIT_MAX)
    offset: int = Field(0, ge=0)


@router.get("", response={200: ThreadPage, **READ_ERRORS}, summary="The board (or the archive), filtered")
async def thread_list(request: HttpRequest, filters: Query[ThreadFilters]) -> dict[str, Any]:
    owner = owner_of(request)
    found: list[Thread]
    if filters.archived:
        found = selectors.archive_get(repo=adapters().threads, owner=owner, text=filters.q)
    else:
        board = selectors.board_get(
            repo=adapters().threads,
            owner=owner,
            saga_id=filters.saga or None,
            energy_band=filters.band or None,
            text=filters.q,
            sprint_id=filters.sprint or None,
        )
        found = [t for state in BOARD_STATES for t in board.columns[state]]
    if filters.state:
        found = [t for t in found if t.state in filters.state]
    if filters.kind is not None:
        found = [t for t in found if t.kind is filters.kind]
    items, page = paginate(found, filters.limit, filters.offset)
    return {"items": items, **page}


class ThreadIn(Input):
    kind: Kind
    title: str
    notes: str = ""
    quantum: StrictInt = DEFAULT_QUANTUM
    energy_band: str = "deep"
    estimate: StrictInt = 1
    parent_id: str | None = Field(None, description="The saga a story or task belongs to")


@router.post("", response={201: Thread, **ERRORS}, summary="Create a saga, story or task")
async def thread_create(request: HttpRequest, payload: ThreadIn, response: HttpResponse) -> Status:
    thread = await call(request, services.thread_create, repo="threads", uses=["profiles"], **payload.model_dump())
    created(response, thread, f"/api/v1/threads/{thread.id}")
    return Status(201, thread)


@router.get("/{thread_id}", response={200: Thread, **READ_ERRORS}, summary="One thread (ETag: its version)")
async def thread_get(request: HttpRequest, thread_id: str, response: HttpResponse) -> Thread:
    return tagged(response, selectors.thread_get(repo=adapters().threads, owner=owner_of(request), thread_id=thread_id))


def guarded(request: HttpRequest, thread_id: str) -> Thread:
    """The person's thread, after the request's `If-Match` (if any) was checked against it."""
    thread = selectors.thread_get(repo=adapters().threads, owner=owner_of(request), thread_id=thread_id)
    check_if_match(request, thread)
    return thread


async def thread_write(
    request: HttpRequest,
    response: HttpResponse,
    service: Callable[..., Awaitable[Thread]],
    thread_id: str,
    **arguments: Any,
) -> Thread:
    """A write to one thread: `If-Match` checked, the service run (see `call`), the answer's ETag set."""
    guarded(request, thread_id)
    return tagged(response, await call(request, service, repo="threads", thread_id=thread_id, **arguments))


class ThreadEdit(Input):
    title: str | None = None
    notes: str | None = None
    quantum: StrictInt | None = None
    energy_band: str | None = None
    estimate: StrictInt | None = None
    parent_id: str | None = Field(None, description="A saga's id, or null for top-level")


@router.patch("/{thread_id}", response={200: Thread, **ERRORS}, summary="Edit fields (If-Match: a version)")
async def thread_edit(request: HttpRequest, thread_id: str, payload: ThreadEdit, response: HttpResponse) -> Thread:
    changes = payload.model_dump(exclude_unset=True)
    return await thread_write(request, response, services.thread_edit, thread_id, uses=["profiles"], **changes)


class Deleted(Schema):
    deleted: list[str] = Field(description="Ids deleted: a saga takes its stories and tasks with it")


@router.delete("/{thread_id}", response={200: Deleted, **ERRORS}, summary="Delete (If-Match: a version)")
async def thread_delete(request: HttpRequest, thread_id: str) -> dict[str, list[str]]:
    guarded(request, thread_id)
    doomed = await call(request, services.thread_delete, repo="threads", thread_id=thread_id)
    return {"deleted": [t.id for t in doomed]}


TRANSITIONS = {
    "park": "Park (set aside); a running quantum is stopped and recorded",
    "unpark": "Unpark a parked thread (Ready again)",
    "unblock": "Unblock (Ready again)",
    "done": "Mark done; a running quantum is recorded as completed",
    "reopen": "Reopen a done thread",
    "archive": "Archive a done thread",
    "unarchive": "Take a thread out of the archive",
}


def _transition(action: str) -> Any:
    async def endpoint(request: HttpRequest, thread_id: str, response: HttpResponse) -> Thread:
        return await thread_write(request, response, services.thread_transition, thread_id, action=action)

    endpoint.__name__ = f"thread_{action}"
    return endpoint


for _action, _summary in TRANSITIONS.items():
    router.post(
        f"/{{thread_id}}/{_action}",
        response={200: Thread, **ERRORS},
        summary=f"{_summary} (If-Match: a version)",
        operation_id=f"thread_{_action}",
    )(_transition(_action))


class BlockIn(Input):
    blocked_by: list[str] = Field(default_factory=list, description="Ids of threads that block this one")
    note: str = Field("", description="What blocks it, in words")


@router.post("/{thread_id}/block", response={200: Thread, **ERRORS}, summary="Block, by threads and/or a note")
async def thread_block(request: HttpRequest, thread_id: str, payload: BlockIn, response: HttpResponse) -> Thread:
    block = {"action": "block", "blocked_by": payload.blocked_by, "note": payload.note}
    return await thread_write(request, response, services.thread_transition, thread_id, **block)


class SuggestionOut(Schema):
    minutes: int
    current: int
    reason: str


class HistoryOut(Schema):
    thread_id: str
    sessions: list[dict[str, Any]] = Field(description="Sessions, newest first, with the band's name")
    suggestion: SuggestionOut | None = Field(description="A next quantum for this thread's energy band, and why")


def _suggestion(found: Suggestion | None) -> SuggestionOut | None:
    if found is None:
        return None
    return SuggestionOut(minutes=found.minutes, current=found.current, reason=found.reason)


@router.get(
    "/{thread_id}/history",
    response={200: HistoryOut, **READ_ERRORS},
    summary="Session history and the quantum suggestion",
)
async def thread_history(request: HttpRequest, thread_id: str) -> HistoryOut:
    a = adapters()
    thread = selectors.thread_get(repo=a.threads, owner=owner_of(request), thread_id=thread_id)
    history = history_get(repo=a.threads, profiles=a.profiles, thread=thread, skips=a.skips)
    sessions = [row.session.model_dump(mode="json") | {"energy_band_name": row.band_name} for row in history.rows]
    return HistoryOut(thread_id=thread.id, sessions=sessions, suggestion=_suggestion(history.suggestion))


# --- energy bands (the person's profile: its ETag guards every change of bands) -------------------
@bands_router.get("", response={200: list[EnergyBand], **READ_ERRORS}, summary="The person's energy bands")
async def band_list(request: HttpRequest, response: HttpResponse) -> list[EnergyBand]:
    return tagged(response, selectors.profile_get(repo=adapters().profiles, owner=owner_of(request))).bands


def guarded_profile(request: HttpRequest, band_id: str | None = None) -> None:
    """Check `If-Match` against the person's profile, and that `band_id` (if given) is one of theirs."""
    profile = selectors.profile_get(repo=adapters().profiles, owner=owner_of(request))
    if band_id is not None and profile.band(band_id) is None:
        raise NotFound("There's no such energy band.")
    check_if_match(request, profile)


async def bands_write(
    request: HttpRequest,
    response: HttpResponse,
    service: Callable[..., Awaitable[Profile]],
    uses: Sequence[Port] = ("profiles",),
    **arguments: Any,
) -> list[EnergyBand]:
    """A change of bands: `If-Match` checked against the profile, the service run, the bands answered."""
    guarded_profile(request, arguments.get("band_id"))
    return tagged(response, await call(request, service, uses=uses, **arguments)).bands


class BandIn(Input):
    name: str
    colour: str = "#64748b"
    daily_cap: StrictInt | None = Field(
        default=None, description="At most this many focused minutes a day; null: no cap."
    )


@bands_router.post("", response={201: list[EnergyBand], **ERRORS}, summary="Add an energy band")
async def band_add(request: HttpRequest, payload: BandIn, response: HttpResponse) -> Status:
    bands = await bands_write(request, response, services.energy_band_add, **payload.model_dump())
    return Status(201, bands)


class BandEdit(Input):
    name: str | None = None
    colour: str | None = None
    daily_cap: StrictInt | None = Field(
        default=None, description="Minutes a day; null clears the cap; absent: unchanged."
    )


@bands_router.patch("/{band_id}", response={200: list[EnergyBand], **ERRORS}, summary="Rename or recolour a band")
async def band_change(
    request: HttpRequest, band_id: str, payload: BandEdit, response: HttpResponse
) -> list[EnergyBand]:
    return await bands_write(
        request, response, services.energy_band_change, band_id=band_id, **payload.model_dump(exclude_unset=True)
    )


@bands_router.delete("/{band_id}", response={200: list[EnergyBand], **ERRORS}, summary="Remove a band")
async def band_remove(
    request: HttpRequest, band_id: str, response: HttpResponse, move_to: str = ""
) -> list[EnergyBand]:
    remove = services.energy_band_remove
    return await bands_write(
        request, response, remove, uses=("profiles", "threads"), band_id=band_id, move_to=move_to or None
    )
