"""Template helpers for thread cards: look a value up by a key held in another variable."""

from __future__ import annotations

from typing import Any

from django import template

from threads.domain import State, Thread

register = template.Library()


@register.filter
def get(mapping: Any, key: Any) -> Any:
    """`{{ bands|get:thread.energy_band }}`: the value for `key`, or None."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def minutes(value: float) -> str:
    """Minutes worked, rounded for people: "25 min", "1 h 5 min"."""
    total = round(value or 0)
    hours, mins = divmod(total, 60)
    return f"{hours} h {mins} min" if hours else f"{mins} min"


@register.filter
def band_name(band_id: str, bands: Any) -> str:
    """An energy band's name as the person calls it now (`bands`: their EnergyBands); a band they
    have since removed reads as its id."""
    for band in bands or ():
        if band.id == band_id:
            return str(band.name)
    return str(band_id).capitalize()


# The one move a card offers outside its menu, by state (Start and the countdown are the timer's).
PRIMARY = {State.PARKED: "unpark", State.BLOCKED: "unblock", State.DONE: "archive"}


@register.filter
def primary_action(thread: Thread) -> str:
    """The action that matters now for this thread, when it is one of its actions; "" otherwise."""
    action = "unarchive" if thread.archived else PRIMARY.get(thread.state, "")
    return action if action in thread.actions else ""
