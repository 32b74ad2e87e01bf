"""Template tags for the timer partials. Their data (history, quanta in a row) comes from the view's
context (timers.selectors.controls_context, history_get); a tag never reads a repo."""

from __future__ import annotations

from django import template

from parallel_you.domain import utcnow

register = template.Library()


@register.simple_tag
def server_now() -> str:
    """The server's clock, so a page can correct for its own clock being off."""
    return utcnow().isoformat()
