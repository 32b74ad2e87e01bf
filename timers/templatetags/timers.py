"""Template tags for the timer partials. Their data (history, quanta in a row) comes from the view's
context (timers.selectors.controls_context, history_get); a tag never reads a repo."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template

from parallel_you.domain import utcnow

register = template.Library()


@register.simple_tag
def server_now() -> str:
    """The server's clock, so a page can correct for its own clock being off."""
    return utcnow().isoformat()


@register.filter
def due_by(pace: Any, deadline: datetime | None) -> bool:
    """Whether a break is due by `deadline` (a quantum's end) by the person's fatigue clock
    (`pace`: pace.selectors.PaceStatus from the view's context; False without one)."""
    if pace is None or deadline is None:
        return False
    return bool(pace.due_by(deadline))
