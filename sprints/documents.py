"""The sprints app's stored documents."""

from __future__ import annotations

from parallel_you.documents import Collection
from parallel_you.repo import Codec
from sprints.domain import Sprint

SPRINTS = Collection("sprints", Codec.pydantic(Sprint), (("state",), ("start",)))
