"""The threads app's events: one declared message type per topic, and the one place a thread's
topic is built (`thread_event`). The quantum events are declared by the timers app (timers/events.py).

`ThreadsConfig.ready` registers these with the kernel's catalogue (parallel_you/events.py).
"""

from __future__ import annotations

from enum import StrEnum

from parallel_you.events import Event, MessageBase, message_type
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


class SagaCreated(ThreadMessage):
    """A saga was created."""

    topic = "saga.created"


class SagaUpdated(ThreadMessage):
    """A saga had its title, notes, quantum, energy band, estimate, saga or sprint edited."""

    topic = "saga.updated"


class SagaDeleted(ThreadMessage):
    """A saga was deleted (payload: the thread as it was)."""

    topic = "saga.deleted"


class SagaStateChanged(ThreadMessage):
    """A saga moved to another state (started, parked, unparked, blocked, unblocked, done, reopened)."""

    topic = "saga.state_changed"


class SagaArchived(ThreadMessage):
    """A saga was archived."""

    topic = "saga.archived"


class SagaUnarchived(ThreadMessage):
    """A saga was taken out of the archive."""

    topic = "saga.unarchived"


class StoryCreated(ThreadMessage):
    """A story was created."""

    topic = "story.created"


class StoryUpdated(ThreadMessage):
    """A story had its title, notes, quantum, energy band, estimate, saga or sprint edited."""

    topic = "story.updated"


class StoryDeleted(ThreadMessage):
    """A story was deleted (payload: the thread as it was)."""

    topic = "story.deleted"


class StoryStateChanged(ThreadMessage):
    """A story moved to another state (started, parked, unparked, blocked, unblocked, done, reopened)."""

    topic = "story.state_changed"


class StoryArchived(ThreadMessage):
    """A story was archived."""

    topic = "story.archived"


class StoryUnarchived(ThreadMessage):
    """A story was taken out of the archive."""

    topic = "story.unarchived"


class TaskCreated(ThreadMessage):
    """A task was created."""

    topic = "task.created"


class TaskUpdated(ThreadMessage):
    """A task had its title, notes, quantum, energy band, estimate, saga or sprint edited."""

    topic = "task.updated"


class TaskDeleted(ThreadMessage):
    """A task was deleted (payload: the thread as it was)."""

    topic = "task.deleted"


class TaskStateChanged(ThreadMessage):
    """A task moved to another state (started, parked, unparked, blocked, unblocked, done, reopened)."""

    topic = "task.state_changed"


class TaskArchived(ThreadMessage):
    """A task was archived."""

    topic = "task.archived"


class TaskUnarchived(ThreadMessage):
    """A task was taken out of the archive."""

    topic = "task.unarchived"


class ProfileUpdated(Profile, MessageBase):
    """A person's energy bands or capacity changed."""

    topic = "profile.updated"


MESSAGES: tuple[type[MessageBase], ...] = (
    SagaCreated,
    SagaUpdated,
    SagaDeleted,
    SagaStateChanged,
    SagaArchived,
    SagaUnarchived,
    StoryCreated,
    StoryUpdated,
    StoryDeleted,
    StoryStateChanged,
    StoryArchived,
    StoryUnarchived,
    TaskCreated,
    TaskUpdated,
    TaskDeleted,
    TaskStateChanged,
    TaskArchived,
    TaskUnarchived,
    ProfileUpdated,
)
