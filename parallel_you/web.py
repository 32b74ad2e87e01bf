"""Helpers every app's views share: who is asking, and whether live updates are held back."""

from __future__ import annotations

from django.http import HttpRequest

from parallel_you.bootstrap import current_adapters


async def owner_of(request: HttpRequest) -> str:
    """The signed-in person's owner id (views sit behind LoginRequiredMiddleware)."""
    user = await request.auser()
    return str(user.pk)


def live_paused() -> bool:
    """True while this process holds events it could not publish (the broker is unreachable)."""
    return current_adapters().bus.paused


def live_context(request: HttpRequest) -> dict[str, bool]:
    """Template context: whether to show the "live updates paused" banner."""
    return {"live_paused": live_paused()}
