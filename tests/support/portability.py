"""A person with every kind of document and reference, for the export and import tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from pace.domain import Break, BreakEnd, PaceSettings, Skip
from parallel_you.bootstrap import Adapters
from sprints.domain import ClosedItem, Closing, Sprint, SprintState
from tests.support.store import put
from threads.domain import EnergyBand, Kind, Outcome, Profile, Run, Session, Thread

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def at(**delta: float) -> datetime:
    """`T0` moved on by `delta` (`at(hours=2)`)."""
    return T0 + timedelta(**delta)


def seed(app: Adapters, owner: str = "ada") -> dict[str, Any]:
    """A person with every kind of document and every kind of reference between them."""

    def thread(kind: Kind, title: str, *, made: datetime, changed: datetime | None = None, **fields: Any) -> Thread:
        return Thread(owner=owner, kind=kind, title=title, created_at=made, updated_at=changed or made, **fields)

    def sprint(name: str, monday: date, *, made: datetime, changed: datetime | None = None, **fields: Any) -> Sprint:
        """A Monday-to-Friday sprint."""
        end = monday + timedelta(days=4)
        return Sprint(
            owner=owner, name=name, start=monday, end=end, created_at=made, updated_at=changed or made, **fields
        )

    profile = Profile(
        id=owner,
        owner=owner,
        bands=[
            EnergyBand(id="deep", name="Deep", colour="#4f46e5"),
            EnergyBand(id="admin", name="Admin", colour="#aabbcc"),
        ],
        capacity={"deep": 2, "admin": 1},
        updated_at=T0,
        version=4,
    )
    saga = thread(Kind.SAGA, "Book", made=T0, version=2)
    session = Session(
        started_at=T0,
        ended_at=at(minutes=26),
        planned_minutes=25,
        actual_minutes=26.0,
        outcome=Outcome.COMPLETED,
        energy_band="admin",
    )
    story = thread(
        Kind.STORY,
        "Chapter one",
        made=at(minutes=1),
        changed=at(hours=1),
        version=5,
        parent_id=saga.id,
        energy_band="admin",
        estimate=3,
        sessions=[session],
    )
    # The others reach their states by the domain's own transitions, so the seed holds only what
    # the app can reach.
    blocked = thread(Kind.STORY, "Chapter two", made=at(minutes=2), parent_id=saga.id)
    blocked.block(at(minutes=2), blocked_by=[story.id], note="after one")
    running = thread(Kind.TASK, "Email", made=at(minutes=3))
    run = Run(started_at=at(hours=2), deadline=at(hours=2, minutes=25), planned_minutes=25)
    running.begin_quantum(run, run.started_at)
    done = thread(Kind.TASK, "Outline", made=at(minutes=4))
    done.finish(at(days=1))
    done.archive(at(days=1))
    active = sprint(
        "Week 2",
        date(2026, 3, 9),
        made=at(days=4),
        changed=at(days=7),
        state=SprintState.ACTIVE,
        members=[story.id, running.id],
        capacity={"admin": 2},
        started_at=at(days=7),
    )
    closing = Closing(
        items=[
            ClosedItem(id=done.id, title="Outline", kind=Kind.TASK, energy_band="admin", estimate=1, done=True),
            ClosedItem(id="gone", title="Deleted since", kind=Kind.TASK, energy_band="deep", estimate=2, done=False),
        ],
        carried_to=active.id,
        carried_to_name="Week 2",
        planned={"admin": 1, "deep": 2},
        spent={"admin": 1},
    )
    closed = sprint(
        "Week 1",
        date(2026, 3, 2),
        made=T0,
        changed=at(days=4),
        version=9,
        state=SprintState.CLOSED,
        members=[done.id],
        capacity={"deep": 2, "admin": 1},
        closing=closing,
        started_at=T0,
        closed_at=at(days=4),
    )
    planned = sprint("Week 3", date(2026, 3, 16), made=at(days=5))
    done.sprint_id = closed.id
    story.sprint_id = active.id
    running.sprint_id = active.id
    put(app.profiles, profile)
    for t in (saga, story, blocked, running, done):
        put(app.threads, t)
    for s in (closed, active, planned):
        put(app.sprints, s)
    pace = PaceSettings(id=owner, owner=owner, focus_budget=60, break_minutes=12, daily_skips=1, strict=True, version=2)
    taken = Break(
        owner=owner, started_at=at(minutes=30), ends_at=at(minutes=42), ended_at=at(minutes=42), how=BreakEnd.TAKEN
    )
    early = Break(
        owner=owner,
        started_at=at(hours=1),
        ends_at=at(hours=1, minutes=12),
        ended_at=at(hours=1, minutes=5),
        how=BreakEnd.ENDED_EARLY,
    )
    skip = Skip(owner=owner, at=at(hours=1, minutes=50), reason="the demo is at noon", focused_minutes=61.5)
    put(app.pace_settings, pace)
    for b in (taken, early):
        put(app.breaks, b)
    put(app.skips, skip)
    return {
        "pace_settings": pace,
        "taken_break": taken,
        "early_break": early,
        "skip": skip,
        "profile": profile,
        "saga": saga,
        "story": story,
        "blocked": blocked,
        "running": running,
        "done": done,
        "closed": closed,
        "active": active,
        "planned": planned,
    }
