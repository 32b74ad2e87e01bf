"""Template helpers for thread cards: look a value up by a key held in another variable."""

from __future__ import annotations

from typing import Any

from django import template

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
