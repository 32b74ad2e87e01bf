"""The sprints app's events: one declared message type per topic (the payload is the whole sprint).

Publish one with `SprintCreated.of(sprint)`. `SprintsConfig.ready` registers these with the
kernel's catalogue (parallel_you/events.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from parallel_you.events import MessageBase, declared_in
from sprints.domain import Sprint


class SprintMessage(Sprint, MessageBase):
    """A message whose payload is a whole sprint."""

    summaries: ClassVar[Mapping[str, str]] = {
        "created": "A sprint was created.",
        "updated": "A sprint had its name, goal, dates or capacity edited.",
        "deleted": "A sprint was deleted (payload: the sprint as it was).",
        "item_added": "A sprint got a story or task added.",
        "item_removed": "A sprint had a story or task removed.",
        "items_reordered": "A sprint had its stories and tasks reordered.",
        "started": "A sprint became the active sprint.",
        "closed": "A sprint was closed; unfinished items were carried over.",
    }


class SprintCreated(SprintMessage, topic="sprint.created"): ...


class SprintUpdated(SprintMessage, topic="sprint.updated"): ...


class SprintDeleted(SprintMessage, topic="sprint.deleted"): ...


class SprintItemAdded(SprintMessage, topic="sprint.item_added"): ...


class SprintItemRemoved(SprintMessage, topic="sprint.item_removed"): ...


class SprintItemsReordered(SprintMessage, topic="sprint.items_reordered"): ...


class SprintStarted(SprintMessage, topic="sprint.started"): ...


class SprintClosed(SprintMessage, topic="sprint.closed"): ...


MESSAGES = declared_in(__name__)
