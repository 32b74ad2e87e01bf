"""Test steps on threads, through the services as the pages call them."""

from __future__ import annotations

from parallel_you.bootstrap import Adapters
from threads import services
from threads.domain import Thread


async def block(app: Adapters, thread: Thread, *by: Thread, note: str = "") -> Thread:
    """`thread` blocked by the threads `by` (and/or a note), as its owner."""
    blocking = {"action": "block", "blocked_by": [b.id for b in by], "note": note}
    return await app.call(
        services.thread_transition, owner=thread.owner, repo="threads", thread_id=thread.id, **blocking
    )
