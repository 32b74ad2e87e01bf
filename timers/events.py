"""The timers app's events: what happens to a story's or a task's quantum (the payload is the
whole thread). Topics come from `threads.events.thread_event(thread, Verb.QUANTUM_...)`.

`TimersConfig.ready` registers these with the kernel's catalogue (parallel_you/events.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from parallel_you.events import declared_in
from threads.events import ThreadMessage, Verb


class QuantumMessage(ThreadMessage):
    """A message about a story's or a task's quantum (the payload is the whole thread)."""

    summaries: ClassVar[Mapping[str, str]] = {
        Verb.QUANTUM_STARTED: "A {aggregate} started a quantum; `run.deadline` is the server's deadline.",
        Verb.QUANTUM_PAUSED: "A {aggregate} paused its running quantum; `run.paused_at` is set.",
        Verb.QUANTUM_RESUMED: "A {aggregate} resumed its paused quantum with a new deadline.",
        Verb.QUANTUM_EXTENDED: "A {aggregate} got more minutes on its running quantum.",
        Verb.QUANTUM_STOPPED: "A {aggregate} ended its quantum; the new session is the last of `sessions`.",
        Verb.QUANTUM_EXPIRED: "A {aggregate} reached its quantum's deadline; `run.expired_at` is set.",
    }


class StoryQuantumStarted(QuantumMessage, topic="story.quantum_started"): ...


class StoryQuantumPaused(QuantumMessage, topic="story.quantum_paused"): ...


class StoryQuantumResumed(QuantumMessage, topic="story.quantum_resumed"): ...


class StoryQuantumExtended(QuantumMessage, topic="story.quantum_extended"): ...


class StoryQuantumStopped(QuantumMessage, topic="story.quantum_stopped"): ...


class StoryQuantumExpired(QuantumMessage, topic="story.quantum_expired"): ...


class TaskQuantumStarted(QuantumMessage, topic="task.quantum_started"): ...


class TaskQuantumPaused(QuantumMessage, topic="task.quantum_paused"): ...


class TaskQuantumResumed(QuantumMessage, topic="task.quantum_resumed"): ...


class TaskQuantumExtended(QuantumMessage, topic="task.quantum_extended"): ...


class TaskQuantumStopped(QuantumMessage, topic="task.quantum_stopped"): ...


class TaskQuantumExpired(QuantumMessage, topic="task.quantum_expired"): ...


MESSAGES = declared_in(__name__)
