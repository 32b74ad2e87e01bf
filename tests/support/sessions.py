"""Test data: finished quanta (sessions), as capacity and quantum suggestions learn from them."""

from __future__ import annotations

from datetime import datetime, timedelta

from threads.domain import Outcome, Session


def session(
    at: datetime,
    minutes: float,
    *,
    planned: int | None = None,
    outcome: Outcome = Outcome.COMPLETED,
    band: str = "deep",
) -> Session:
    """A quantum started at `at` and worked for `minutes` (of `planned`: by default as many)."""
    return Session(
        started_at=at,
        ended_at=at + timedelta(minutes=minutes),
        planned_minutes=int(minutes) if planned is None else planned,
        actual_minutes=minutes,
        outcome=outcome,
        energy_band=band,
    )


def completed_session(at: datetime, band: str = "deep", minutes: int = 25) -> Session:
    """A quantum of `minutes` started at `at` and worked to its end."""
    return session(at, minutes, band=band)
