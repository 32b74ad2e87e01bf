"""The timers app's events: what happens to a story's or a task's quantum (the payload is the
whole thread). Topics come from `threads.events.thread_event(thread, Verb.QUANTUM_...)`.

`TimersConfig.ready` registers these with the kernel's catalogue (parallel_you/events.py).
"""

from __future__ import annotations

from parallel_you.events import MessageBase
from threads.events import ThreadMessage


class StoryQuantumStarted(ThreadMessage):
    """A story started a quantum; `run.deadline` is the server's deadline."""

    topic = "story.quantum_started"


class StoryQuantumPaused(ThreadMessage):
    """A story paused its running quantum; `run.paused_at` is set."""

    topic = "story.quantum_paused"


class StoryQuantumResumed(ThreadMessage):
    """A story resumed its paused quantum with a new deadline."""

    topic = "story.quantum_resumed"


class StoryQuantumExtended(ThreadMessage):
    """A story got more minutes on its running quantum."""

    topic = "story.quantum_extended"


class StoryQuantumStopped(ThreadMessage):
    """A story ended its quantum; the new session is the last of `sessions`."""

    topic = "story.quantum_stopped"


class StoryQuantumExpired(ThreadMessage):
    """A story reached its quantum's deadline; `run.expired_at` is set."""

    topic = "story.quantum_expired"


class TaskQuantumStarted(ThreadMessage):
    """A task started a quantum; `run.deadline` is the server's deadline."""

    topic = "task.quantum_started"


class TaskQuantumPaused(ThreadMessage):
    """A task paused its running quantum; `run.paused_at` is set."""

    topic = "task.quantum_paused"


class TaskQuantumResumed(ThreadMessage):
    """A task resumed its paused quantum with a new deadline."""

    topic = "task.quantum_resumed"


class TaskQuantumExtended(ThreadMessage):
    """A task got more minutes on its running quantum."""

    topic = "task.quantum_extended"


class TaskQuantumStopped(ThreadMessage):
    """A task ended its quantum; the new session is the last of `sessions`."""

    topic = "task.quantum_stopped"


class TaskQuantumExpired(ThreadMessage):
    """A task reached its quantum's deadline; `run.expired_at` is set."""

    topic = "task.quantum_expired"


MESSAGES: tuple[type[MessageBase], ...] = (
    StoryQuantumStarted,
    StoryQuantumPaused,
    StoryQuantumResumed,
    StoryQuantumExtended,
    StoryQuantumStopped,
    StoryQuantumExpired,
    TaskQuantumStarted,
    TaskQuantumPaused,
    TaskQuantumResumed,
    TaskQuantumExtended,
    TaskQuantumStopped,
    TaskQuantumExpired,
)
