"""Template tags so other apps' pages can include the timer partials with just a `thread`."""

from __future__ import annotations

from django import template

from parallel_you.domain import utcnow
from parallel_you.web import app
from threads.domain import Thread
from timers import selectors

register = template.Library()


@register.simple_tag
def server_now() -> str:
    """The server's clock, so a page can correct for its own clock being off."""
    return utcnow().isoformat()


@register.simple_tag
def quantum_history(thread: Thread) -> selectors.History:
    adapters = app()
    return selectors.history_get(repo=adapters.threads, profiles=adapters.profiles, thread=thread)


@register.simple_tag
def quanta_in_a_row(thread: Thread) -> int:
    """Quanta worked back to back up to now, the running one included."""
    if thread.run is None:
        return selectors.streak_get(repo=app().threads, owner=thread.owner, now=utcnow())
    return 1 + selectors.streak_get(repo=app().threads, owner=thread.owner, now=thread.run.started_at)
