"""Sprints: a time box of stories and tasks, with capacity in quanta per energy band."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import Field, model_validator

from parallel_you.domain import Document, Timestamp, new_id, utcnow

SPRINT_NAME_MAX = 120
SPRINT_GOAL_MAX = 2000


class SprintState(StrEnum):
    PLANNED = "planned"
    ACTIVE = "active"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return self.value.capitalize()


Quanta = Annotated[int, Field(ge=0, le=50)]


class Sprint(Document):
    id: str = Field(default_factory=new_id)
    owner: str = Field(min_length=1)
    name: str = Field(min_length=1, max_length=SPRINT_NAME_MAX)
    goal: str = Field(default="", max_length=SPRINT_GOAL_MAX)
    start: date
    end: date
    state: SprintState = SprintState.PLANNED
    # Thread ids in the order the person planned them.
    members: list[str] = Field(default_factory=list)
    # Quanta a day the person can really do, per energy band id.
    capacity: dict[str, Quanta] = Field(default_factory=dict)
    created_at: Timestamp = Field(default_factory=utcnow)
    updated_at: Timestamp = Field(default_factory=utcnow)
    started_at: Timestamp | None = None
    closed_at: Timestamp | None = None
    version: int = 0

    @model_validator(mode="after")
    def _dates(self) -> Sprint:
        if self.end < self.start:
            raise ValueError("A sprint ends on or after the day it starts.")
        if len(set(self.members)) != len(self.members):
            raise ValueError("A thread is in a sprint once.")
        return self

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1
