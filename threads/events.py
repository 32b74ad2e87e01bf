"""The threads app's events: one declared message type per topic, and the one place a thread's
topic is built (`thread_event`). The quantum events are declared by the timers app (timers/events.py).

`ThreadsConfig.ready` registers these with the kernel's catalogue (parallel_you/events.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import ClassVar

from parallel_you.events import Event, MessageBase, declared_in, message_type
from threads.domain import Profile, Thread


class Verb(StrEnum):
    """What can happen to a thread: the second word of its topics (`story.updated`)."""

    CREATED = "created"
    UPDATED = "updated"
    DELETED = "deleted"
    STATE_CHANGED = "state_changed"
    ARCHIVED = "archived"
    UNARCHIVED = "unarchived"
    QUANTUM_STARTED = "quantum_started"
    QUANTUM_PAUSED = "quantum_paused"
    QUANTUM_RESUMED = "quantum_resumed"
    QUANTUM_EXTENDED = "quantum_extended"
    QUANTUM_STOPPED = "quantum_stopped"
    QUANTUM_EXPIRED = "quantum_expired"


def thread_event(thread: Thread, verb: Verb) -> Event:
    """The event `<kind>.<verb>` carrying `thread`; refused (UnknownTopic) for a pair the catalogue
    lacks, such as a saga's quantum."""
    return Event(message_type(f"{thread.kind.value}.{verb.value}"), thread)


class ThreadMessage(Thread, MessageBase):
    """A message whose payload is a whole thread."""

    summaries: ClassVar[Mapping[str, str]] = {
        Verb.CREATED: "A {aggregate} was created.",
        Verb.UPDATED: "A {aggregate} had its title, notes, quantum, energy band, estimate, saga or sprint edited.",
        Verb.DELETED: "A {aggregate} was deleted (payload: the thread as it was).",
        Verb.STATE_CHANGED: (
            "A {aggregate} moved to another state (started, parked, unparked, blocked, unblocked, done, reopened)."
        ),
        Verb.ARCHIVED: "A {aggregate} was archived.",
        Verb.UNARCHIVED: "A {aggregate} was taken out of the archive.",
    }


class SagaCreated(ThreadMessage, topic="saga.created"): ...


class SagaUpdated(ThreadMessage, topic="saga.updated"): ...


class SagaDeleted(ThreadMessage, topic="saga.deleted"): ...


class SagaStateChanged(ThreadMessage, topic="saga.state_changed"): ...


class SagaArchived(ThreadMessage, topic="saga.archived"): ...


class SagaUnarchived(ThreadMessage, topic="saga.unarchived"): ...


class StoryCreated(ThreadMessage, topic="story.created"): ...


class StoryUpdated(ThreadMessage, topic="story.updated"): ...


class StoryDeleted(ThreadMessage, topic="story.deleted"): ...


class StoryStateChanged(ThreadMessage, topic="story.state_changed"): ...


class StoryArchived(ThreadMessage, topic="story.archived"): ...


class StoryUnarchived(ThreadMessage, topic="story.unarchived"): ...


class TaskCreated(ThreadMessage, topic="task.created"): ...


class TaskUpdated(ThreadMessage, topic="task.updated"): ...


class TaskDeleted(ThreadMessage, topic="task.deleted"): ...


class TaskStateChanged(ThreadMessage, topic="task.state_changed"): ...


class TaskArchived(ThreadMessage, topic="task.archived"): ...


class TaskUnarchived(ThreadMessage, topic="task.unarchived"): ...


class ProfileUpdated(Profile, MessageBase, topic="profile.updated"):
    """A person's energy bands or capacity changed."""


MESSAGES = declared_in(__name__)
