"""Properties of the minutes per day (pace/caps.py) over random stretches of focus and zones:
never negative, every minute counted once and only once whatever the zone or the DST change, and
a day's minutes never exceed the wall time it has."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pace.caps import Focus, day_bounds, minutes_per_day

# Around Berlin's spring change (29 March 2026) and over several midnights.
T0 = datetime(2026, 3, 27, 18, 0, tzinfo=UTC)
ZONES: list[tzinfo] = [
    UTC,
    ZoneInfo("Europe/Berlin"),
    ZoneInfo("America/New_York"),
    ZoneInfo("Asia/Kolkata"),
    ZoneInfo("Pacific/Chatham"),
]


@st.composite
def stretches(draw: st.DrawFn) -> Focus:
    start = T0 + timedelta(minutes=draw(st.integers(min_value=0, max_value=5 * 24 * 60)))
    length = draw(st.integers(min_value=0, max_value=600))
    worked = draw(st.floats(min_value=0, max_value=length, allow_nan=False))
    band = draw(st.sampled_from(["deep", "light"]))
    return Focus(band, start, start + timedelta(minutes=length), worked)


@settings(max_examples=300, deadline=None)
@given(st.lists(stretches(), max_size=12), st.sampled_from(ZONES))
def test_every_minute_is_counted_once_and_never_below_zero(focus: list[Focus], zone: tzinfo) -> None:
    per_day = minutes_per_day(focus, zone)
    counted = sum(v for bands in per_day.values() for v in bands.values())
    assert counted == pytest.approx(sum(f.minutes for f in focus), abs=1e-6)
    assert all(v >= 0 for bands in per_day.values() for v in bands.values())


@settings(max_examples=200, deadline=None)
@given(st.lists(stretches(), max_size=12), st.sampled_from(ZONES))
def test_a_day_never_holds_more_than_its_wall_time_of_one_stretch_at_a_time(focus: list[Focus], zone: tzinfo) -> None:
    # Stretches that never overlap (as one person's quanta are): lay them end to end.
    laid: list[Focus] = []
    at = T0
    for f in focus:
        length = f.end - f.start
        laid.append(Focus(f.band, at, at + length, min(f.minutes, length.total_seconds() / 60)))
        at += length
    for day, bands in minutes_per_day(laid, zone).items():
        start, end = day_bounds(day, zone)
        assert sum(bands.values()) <= (end - start).total_seconds() / 60 + 1e-6
