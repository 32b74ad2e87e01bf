"""Quantum expiry schedulers: in-process (embedded) and Celery on RabbitMQ (distributed).

Both only *ask* for `quantum_expire(thread_id, run_id)` at a deadline; the service decides. So a
stale, duplicate or early delivery is harmless, and nothing has to be cancelled reliably: pause,
extend and stop change the run in the repo, and the pending expiry finds nothing to do.

Early deliveries (a clock a little ahead, Celery's whole-second delays, an expiry queued before
an extend) are handled by whoever delivered them: the scheduler re-arms for the run's current
deadline if — and only if — the deadline it was armed for is still the current one. A newer
deadline always has an expiry of its own (pause/resume and extend schedule one), so an expiry
for an older deadline simply ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, Protocol

from parallel_you.domain import utcnow

log = logging.getLogger(__name__)


Expire = Callable[[str, str, datetime], Awaitable[None]]
# From the composition root, when store calls wait on the network: runs each expiry away from
# the server's event loop.
OffLoop = Callable[[Expire], Expire]


async def timer_start(
    scheduler: ExpiryScheduler, expire: Expire, due: list[tuple[str, str, datetime]], off_loop: OffLoop | None
) -> None:
    """Start `scheduler` firing `expire` (through `off_loop` when given), `due` re-armed first."""
    await scheduler.start(off_loop(expire) if off_loop is not None else expire, due)


class ExpiryScheduler(Protocol):
    async def start(self, expire: Expire, due: list[tuple[str, str, datetime]]) -> None:
        """Begin firing expiries in this process: `expire` at each deadline, `due` re-armed from the
        repo. A no-op where another process fires them (Celery)."""
        ...

    async def stop(self) -> None: ...

    async def schedule(self, *, thread_id: str, run_id: str, deadline: datetime) -> None:
        """Ask for `quantum_expire(thread_id, run_id)` at `deadline`; survives restarts."""
        ...

    async def cancel(self, *, thread_id: str, run_id: str) -> None:
        """A hint that the pending expiry is no longer needed (correctness never depends on it)."""
        ...


class InProcessScheduler:
    """Timers on the ASGI server's event loop (embedded mode).

    Nothing here is durable by itself: the runs in the repo are. At start-up `start()` re-arms
    every running, unpaused quantum from the repo, so a restart loses no expiry (one that fell
    due while the server was down fires at once). Before `start()` (tests, management commands)
    requests are only remembered in `pending`.
    """

    def __init__(self) -> None:
        self.pending: dict[str, tuple[str, datetime]] = {}
        self._handles: dict[str, asyncio.TimerHandle] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._expire: Expire | None = None

    @property
    def started(self) -> bool:
        return self._loop is not None

    async def start(self, expire: Expire, due: list[tuple[str, str, datetime]]) -> None:
        """Bind to the running loop; `expire` is called at each deadline; `due` re-arms from the repo."""
        self._loop = asyncio.get_running_loop()
        self._expire = expire
        for thread_id, run_id, deadline in due:
            self.pending[thread_id] = (run_id, deadline)
        for thread_id, (run_id, deadline) in list(self.pending.items()):
            self._arm(thread_id, run_id, deadline)

    async def stop(self) -> None:
        for handle in self._handles.values():
            handle.cancel()
        self._handles.clear()
        for task in list(self._tasks):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._loop = None

    async def schedule(self, *, thread_id: str, run_id: str, deadline: datetime) -> None:
        self.pending[thread_id] = (run_id, deadline)
        if self._loop is None:
            return
        # Views may run on another loop (a sync test client); timers live on the server's loop.
        if self._running_here():
            self._arm(thread_id, run_id, deadline)
        else:
            self._loop.call_soon_threadsafe(self._arm, thread_id, run_id, deadline)

    async def cancel(self, *, thread_id: str, run_id: str) -> None:
        if self.pending.get(thread_id, ("", None))[0] != run_id:
            return
        self.pending.pop(thread_id, None)
        if self._loop is None:
            return
        if self._running_here():
            self._disarm(thread_id)
        else:
            self._loop.call_soon_threadsafe(self._disarm, thread_id)

    def _running_here(self) -> bool:
        try:
            return asyncio.get_running_loop() is self._loop
        except RuntimeError:
            return False

    def _disarm(self, thread_id: str) -> None:
        handle = self._handles.pop(thread_id, None)
        if handle is not None:
            handle.cancel()

    def _arm(self, thread_id: str, run_id: str, deadline: datetime) -> None:
        assert self._loop is not None
        self._disarm(thread_id)
        delay = max((deadline - utcnow()).total_seconds(), 0.0)
        # call_at on the loop's monotonic clock: wall-clock jumps don't move the expiry.
        self._handles[thread_id] = self._loop.call_at(
            self._loop.time() + delay, self._fire, thread_id, run_id, deadline
        )

    def _fire(self, thread_id: str, run_id: str, deadline: datetime) -> None:
        self._handles.pop(thread_id, None)
        if self.pending.get(thread_id) == (run_id, deadline):
            self.pending.pop(thread_id, None)
        task = asyncio.ensure_future(self._run(thread_id, run_id, deadline))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, thread_id: str, run_id: str, deadline: datetime) -> None:
        assert self._expire is not None
        try:
            await self._expire(thread_id, run_id, deadline)
        except Exception:
            log.exception("quantum expiry for thread %s run %s failed", thread_id, run_id)


class CeleryScheduler:
    """Sends `timers.expire_quantum` to the Celery worker with an ETA (distributed mode).

    With quorum queues on a topic exchange, Celery uses RabbitMQ's native delayed delivery: the
    message waits in the broker's `celery_delayed_*` queues, not unacked in a worker, so a quantum
    longer than RabbitMQ's consumer_timeout cannot kill the worker, and a waiting expiry survives
    worker restarts (it is in durable quorum queues).
    """

    def __init__(self, celery_app: Any, task: str | None = None) -> None:
        self.celery = celery_app
        self.task = task or EXPIRE_TASK  # another timer (a break's end) names its own task

    async def start(self, expire: Expire, due: list[tuple[str, str, datetime]]) -> None:
        """The Celery worker fires expiries, from the broker's durable queues: nothing to do here."""

    async def stop(self) -> None:
        return None

    async def schedule(self, *, thread_id: str, run_id: str, deadline: datetime) -> None:
        # kombu publishes (with confirms) synchronously: keep it off the event loop.
        await asyncio.to_thread(send_expiry, self.celery, thread_id, run_id, deadline, self.task)

    async def cancel(self, *, thread_id: str, run_id: str) -> None:
        # Celery's revoke lives in worker memory only; the expiry service ignores a stale run.
        return None


EXPIRE_TASK = "parallel_you.timers.expire_quantum"
SHORT_DELAY = 2.0


def send_expiry(celery_app: Any, thread_id: str, run_id: str, deadline: datetime, task: str = EXPIRE_TASK) -> None:
    """Publish one expiry request. Native delayed delivery counts whole seconds only (and Celery
    fails on a delay that rounds down to zero by the time it publishes), so a delay under
    `SHORT_DELAY` seconds goes out at once and the task waits the rest."""
    delay = (deadline - utcnow()).total_seconds()
    options: dict[str, Any] = {"eta": deadline} if delay >= SHORT_DELAY else {}
    celery_app.send_task(task, args=[thread_id, run_id, deadline.isoformat()], **options)
