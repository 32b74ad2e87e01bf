"""Test data for sprints: a sprint made through its service."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from parallel_you.bootstrap import Adapters
from sprints import services
from sprints.domain import Sprint


async def sprint_made(
    app: Adapters, *, owner: str, start: date, name: str = "Now", days: int = 5, **fields: Any
) -> Sprint:
    """A Planned sprint of `days` days from `start`, made by `sprint_create` (capacity from history)."""
    end = start + timedelta(days=days - 1)
    create = services.sprint_create
    return await app.call(
        create, owner=owner, repo="sprints", uses=("threads", "profiles"), name=name, start=start, end=end, **fields
    )
