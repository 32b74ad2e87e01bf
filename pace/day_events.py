"""The pace app's events about the day: a band's daily cap reached, the day ended.

Their payloads are small documents of their own (not a stored thread): who, which band or which
threads, and the numbers. `PaceConfig.ready` registers them with the kernel's catalogue.
"""

from __future__ import annotations

from datetime import date

from pydantic import Field

from parallel_you.domain import Document, Timestamp
from parallel_you.events import MessageBase, declared_in


class CapReached(Document):
    """A quantum was started that takes a band past its daily cap (or was refused for it)."""

    owner: str = Field(min_length=1)
    day: date
    band: str
    band_name: str
    cap_minutes: int = Field(ge=1)
    used_minutes: int = Field(ge=0)
    planned_minutes: int = Field(ge=0)
    thread_id: str
    refused: bool = False


class StoppedHere(Document):
    """One thread the day's end parked, and the note left on it."""

    thread_id: str
    title: str
    note: str


class DayEnded(Document):
    owner: str = Field(min_length=1)
    day: date
    ended_at: Timestamp
    threads: list[StoppedHere] = Field(default_factory=list)


class PaceCapReached(CapReached, MessageBase, topic="pace.cap_reached"):
    """Starting a quantum took a band past the person's daily cap for it (`refused`: strict mode
    refused the start instead); the minutes are today's, in the person's time zone."""


class DayEndedMessage(DayEnded, MessageBase, topic="day.ended"):
    """The person ended the day: what was running or paused is parked, each with a "where I
    stopped" note."""


MESSAGES = declared_in(__name__)
