"""Test data for sprints: a sprint made through its service, and the sessions capacity is learnt from."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from parallel_you.bootstrap import Adapters
from sprints import services
from sprints.domain import Sprint
from threads.domain import Outcome, Session


async def sprint_made(
    app: Adapters, *, owner: str, start: date, name: str = "Now", days: int = 5, **fields: Any
) -> Sprint:
    """A Planned sprint of `days` days from `start`, made by `sprint_create` (capacity from history)."""
    end = start + timedelta(days=days - 1)
    create = services.sprint_create
    return await app.call(
        create, owner=owner, repo="sprints", uses=("threads", "profiles"), name=name, start=start, end=end, **fields
    )


def completed_session(at: datetime, band: str = "deep", minutes: int = 25) -> Session:
    """A quantum of `minutes` started at `at` and worked to its end."""
    return Session(
        started_at=at,
        ended_at=at + timedelta(minutes=minutes),
        planned_minutes=minutes,
        actual_minutes=minutes,
        outcome=Outcome.COMPLETED,
        energy_band=band,
    )
