"""The sprints app's events: one declared message type per topic (the payload is the whole sprint).

Publish one with `SprintCreated.of(sprint)`. `SprintsConfig.ready` registers these with the
kernel's catalogue (parallel_you/events.py).
"""

from __future__ import annotations

from parallel_you.events import MessageBase
from sprints.domain import Sprint


class SprintMessage(Sprint, MessageBase):
    """A message whose payload is a whole sprint."""


class SprintCreated(SprintMessage):
    """A sprint was created."""

    topic = "sprint.created"


class SprintUpdated(SprintMessage):
    """A sprint had its name, goal, dates or capacity edited."""

    topic = "sprint.updated"


class SprintDeleted(SprintMessage):
    """A sprint was deleted (payload: the sprint as it was)."""

    topic = "sprint.deleted"


class SprintItemAdded(SprintMessage):
    """A sprint got a story or task added."""

    topic = "sprint.item_added"


class SprintItemRemoved(SprintMessage):
    """A sprint had a story or task removed."""

    topic = "sprint.item_removed"


class SprintItemsReordered(SprintMessage):
    """A sprint had its stories and tasks reordered."""

    topic = "sprint.items_reordered"


class SprintStarted(SprintMessage):
    """A sprint became the active sprint."""

    topic = "sprint.started"


class SprintClosed(SprintMessage):
    """A sprint was closed; unfinished items were carried over."""

    topic = "sprint.closed"


MESSAGES: tuple[type[MessageBase], ...] = (
    SprintCreated,
    SprintUpdated,
    SprintDeleted,
    SprintItemAdded,
    SprintItemRemoved,
    SprintItemsReordered,
    SprintStarted,
    SprintClosed,
)
