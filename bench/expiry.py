"""Quantum expiry lateness: how late after its deadline a running quantum's expiry reaches a page.

Measured (once expiry exists) over 50 quanta, embedded (in-process scheduler) and distributed
(Celery native delayed delivery on RabbitMQ): start each quantum, listen on a live socket for its
`<kind>.quantum_expired` event, and take arrival time minus the `run.deadline` the server set.

Expiry is being built on another branch. Until it is on main this benchmark reports its rows as
"not run" rather than a number: `expiry_available()` says whether the pieces exist.
"""

from __future__ import annotations

import importlib.util
from datetime import datetime
from typing import Any

from bench.report import Figure, Target
from bench.runner import Context

QUANTA = 50
TARGETS = (Target("p99", "<=", 1000), Target("p99", "<=", 100, kind="goal"))


def expiry_available() -> str | None:
    """None when quantum expiry can be measured, else why not."""
    if importlib.util.find_spec("timers.scheduler") is None or importlib.util.find_spec("timers.tasks") is None:
        return "quantum expiry is not on main yet"
    return "expiry landed; this benchmark still has to be written against its interface"


def lateness_ms(payload: dict[str, Any], received_at: datetime) -> float:
    """How late an expiry event arrived: its arrival time minus the quantum's deadline."""
    deadline = datetime.fromisoformat(payload["run"]["deadline"])
    return (received_at - deadline).total_seconds() * 1000


def run(ctx: Context) -> list[Figure]:
    reason = expiry_available()
    return [
        Figure(f"quantum expiry lateness ({mode}, {QUANTA} quanta)", "ms", targets=TARGETS, not_run=reason or "")
        for mode in ("embedded", "distributed")
    ]
