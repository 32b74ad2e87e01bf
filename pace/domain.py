"""Pace rules that need no storage: the fatigue clock, breaks, skips and daily caps (pure functions
over stored sessions and breaks, given the person's settings, time zone and the time now)."""

from __future__ import annotations
