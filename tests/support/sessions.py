"""Test data: finished quanta (sessions), as capacity and quantum suggestions learn from them."""

from __future__ import annotations

from datetime import datetime, timedelta

from threads.domain import Outcome, Session


def completed_session(at: datetime, band: str = "deep", minutes: int = 25) -> Session:
    """A quantum of `minutes` started at `at` and worked to its end."""
    return Session(
        started_at=at,
        ended_at=at + timedelta(minutes=minutes),
        planned_minutes=minutes,
        actual_minutes=minutes,
        outcome=Outcome.COMPLETED,
        energy_band=band,
    )
