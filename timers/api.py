"""Quanta over `/api/v1/`: start, pause, resume, extend, stop, and the running one's deadline.

The server owns the deadline; a client counts down from `run.deadline` against `server_time`
(its own clock may be off), and learns of expiry from the event stream.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, Literal

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema
from pydantic import Field, StrictInt

from pace.web import pace_stores
from parallel_you.api_support import ERRORS, READ_ERRORS, Input, Port, adapters, owner_of
from parallel_you.domain import utcnow
from threads.api import thread_write
from threads.domain import Outcome, State, Thread
from threads.selectors import thread_filter
from timers import services

router = Router(tags=["quanta"])

STOP_TARGETS = {"ready": State.READY, "parked": State.PARKED, "done": State.DONE}
Current = Literal["pause", "park"]
SCHEDULER: tuple[Port, ...] = ("scheduler",)  # every quantum service arms or disarms the expiry timer


# The person's break policy applies here as on the pages (pace.services.focus_gate): a start when
# a break is due spends a skip; once the day's skips are spent it needs a reason (422 otherwise).
REASON = "Why carry on when a break is due and today's skips are spent (else refused with 422)"


async def paced_write(
    request: HttpRequest,
    response: HttpResponse,
    service: Callable[..., Awaitable[Thread]],
    thread_id: str,
    **arguments: Any,
) -> Thread:
    """A quantum service that starts focused work: through the person's break policy, and a
    quantum's start through its band's daily cap (`run.cap_warning` past it; in strict mode a 422)."""
    return await thread_write(request, response, service, thread_id, uses=SCHEDULER, pace=pace_stores(), **arguments)


def minute() -> timedelta:
    return timedelta(seconds=settings.PARALLEL_YOU_SECONDS_PER_MINUTE)


class Running(Schema):
    server_time: datetime = Field(description="The server's clock now: count down from run.deadline against it")
    thread: Thread | None = Field(description="The thread whose quantum runs (or is paused), if any")
    remaining_seconds: float | None = None


@router.get("/quanta/running", response={200: Running, **READ_ERRORS}, summary="The running quantum and its deadline")
async def quantum_running(request: HttpRequest) -> Running:
    a = adapters()
    owner = owner_of(request)
    now = utcnow()
    thread = services.running_get(repo=a.threads, owner=owner)
    if thread is None:  # a paused quantum is still the one a person is on
        running = a.threads.list(thread_filter(owner=owner, states=[State.RUNNING], order_by=("-updated_at",)))
        thread = next((t for t in running if t.run is not None), None)
    remaining = thread.run.remaining(now).total_seconds() if thread is not None and thread.run else None
    return Running(server_time=now, thread=thread, remaining_seconds=remaining)


class StartIn(Input):
    minutes: StrictInt | None = Field(None, description="Default: the thread's quantum")
    current: Current | None = Field(None, description="What to do with a quantum running elsewhere")
    reason: str = Field("", max_length=500, description=REASON)


@router.post("/threads/{thread_id}/quantum/start", response={200: Thread, **ERRORS}, summary="Start a quantum")
async def quantum_start(request: HttpRequest, thread_id: str, payload: StartIn, response: HttpResponse) -> Thread:
    return await paced_write(
        request, response, services.quantum_start, thread_id, minute=minute(), **payload.model_dump()
    )


@router.post("/threads/{thread_id}/quantum/pause", response={200: Thread, **ERRORS}, summary="Pause the quantum")
async def quantum_pause(request: HttpRequest, thread_id: str, response: HttpResponse) -> Thread:
    return await thread_write(request, response, services.quantum_pause, thread_id, uses=SCHEDULER)


class ResumeIn(Input):
    current: Current | None = Field(None, description="What to do with a quantum running elsewhere")
    reason: str = Field("", max_length=500, description=REASON)


@router.post("/threads/{thread_id}/quantum/resume", response={200: Thread, **ERRORS}, summary="Resume the quantum")
async def quantum_resume(request: HttpRequest, thread_id: str, payload: ResumeIn, response: HttpResponse) -> Thread:
    return await paced_write(request, response, services.quantum_resume, thread_id, **payload.model_dump())


class ExtendIn(Input):
    minutes: StrictInt = 5


@router.post("/threads/{thread_id}/quantum/extend", response={200: Thread, **ERRORS}, summary="Add minutes")
async def quantum_extend(request: HttpRequest, thread_id: str, payload: ExtendIn, response: HttpResponse) -> Thread:
    return await thread_write(
        request, response, services.quantum_extend, thread_id, uses=SCHEDULER, minute=minute(), minutes=payload.minutes
    )


class StopIn(Input):
    then: Literal["ready", "parked", "done"] = Field("ready", description="Where the thread goes next")
    outcome: Outcome | None = Field(None, description="Default: judged from the time worked against the deadline")


@router.post(
    "/threads/{thread_id}/quantum/stop", response={200: Thread, **ERRORS}, summary="Stop and record the session"
)
async def quantum_stop(request: HttpRequest, thread_id: str, payload: StopIn, response: HttpResponse) -> Thread:
    stop = {"then": STOP_TARGETS[payload.then], "outcome": payload.outcome, "minute": minute()}
    return await thread_write(request, response, services.quantum_stop, thread_id, uses=SCHEDULER, **stop)


@router.post(
    "/threads/{thread_id}/quantum/again",
    response={200: Thread, **ERRORS},
    summary="Time's up and there's more to do: record this session and start another quantum",
)
async def quantum_again(request: HttpRequest, thread_id: str, response: HttpResponse) -> Thread:
    return await paced_write(request, response, services.quantum_again, thread_id, minute=minute())
