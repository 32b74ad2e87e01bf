"""A person with every kind of document and reference, for the export and import tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from parallel_you.bootstrap import Adapters
from sprints.domain import ClosedItem, Closing, Sprint, SprintState
from threads.domain import EnergyBand, Kind, Outcome, Profile, Run, Session, State, Thread

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def seed(app: Adapters, owner: str = "ada") -> dict[str, Any]:
    """A person with every kind of document and every kind of reference between them."""
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
    saga = Thread(owner=owner, kind=Kind.SAGA, title="Book", created_at=T0, updated_at=T0, version=2)
    session = Session(
        started_at=T0,
        ended_at=T0 + timedelta(minutes=26),
        planned_minutes=25,
        actual_minutes=26.0,
        outcome=Outcome.COMPLETED,
        energy_band="admin",
    )
    story = Thread(
        owner=owner,
        kind=Kind.STORY,
        title="Chapter one",
        parent_id=saga.id,
        energy_band="admin",
        estimate=3,
        sessions=[session],
        created_at=T0 + timedelta(minutes=1),
        updated_at=T0 + timedelta(hours=1),
        version=5,
    )
    blocked = Thread(
        owner=owner,
        kind=Kind.STORY,
        title="Chapter two",
        parent_id=saga.id,
        state=State.BLOCKED,
        blocked_by=[story.id],
        blocked_note="after one",
        created_at=T0 + timedelta(minutes=2),
        updated_at=T0 + timedelta(minutes=2),
    )
    running = Thread(
        owner=owner,
        kind=Kind.TASK,
        title="Email",
        state=State.RUNNING,
        run=Run(started_at=T0 + timedelta(hours=2), deadline=T0 + timedelta(hours=2, minutes=25), planned_minutes=25),
        started_at=T0 + timedelta(hours=2),
        created_at=T0 + timedelta(minutes=3),
        updated_at=T0 + timedelta(hours=2),
    )
    done = Thread(
        owner=owner,
        kind=Kind.TASK,
        title="Outline",
        state=State.DONE,
        archived=True,
        completed_at=T0 + timedelta(days=1),
        created_at=T0 + timedelta(minutes=4),
        updated_at=T0 + timedelta(days=1),
    )
    active = Sprint(
        owner=owner,
        name="Week 2",
        start=date(2026, 3, 9),
        end=date(2026, 3, 13),
        state=SprintState.ACTIVE,
        members=[story.id, running.id],
        capacity={"admin": 2},
        created_at=T0 + timedelta(days=4),
        updated_at=T0 + timedelta(days=7),
        started_at=T0 + timedelta(days=7),
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
    closed = Sprint(
        owner=owner,
        name="Week 1",
        start=date(2026, 3, 2),
        end=date(2026, 3, 6),
        state=SprintState.CLOSED,
        members=[done.id],
        capacity={"deep": 2, "admin": 1},
        created_at=T0,
        updated_at=T0 + timedelta(days=4),
        started_at=T0,
        closed_at=T0 + timedelta(days=4),
        version=9,
        closing=closing,
    )
    planned = Sprint(
        owner=owner,
        name="Week 3",
        start=date(2026, 3, 16),
        end=date(2026, 3, 20),
        created_at=T0 + timedelta(days=5),
        updated_at=T0 + timedelta(days=5),
    )
    done.sprint_id = closed.id
    story.sprint_id = active.id
    running.sprint_id = active.id
    app.profiles.upsert(profile)
    for t in (saga, story, blocked, running, done):
        app.threads.upsert(t)
    for s in (closed, active, planned):
        app.sprints.upsert(s)
    return {
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
