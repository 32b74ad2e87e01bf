"""The Celery app (distributed quantum expiry), configured from Django settings (CELERY_ prefix),
and the worker's runtime: its adapters on one event loop of their own.

Run a worker with `celery -A parallel_you.celery worker` (`make worker`); its tasks live in
timers/tasks.py and are thin: ids in, one service call through `worker.run`.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from celery import Celery
from celery.signals import worker_process_shutdown, worker_shutdown

if TYPE_CHECKING:
    from parallel_you.bootstrap import Adapters

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parallel_you.settings")

app = Celery("parallel_you")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

T = TypeVar("T")


class WorkerRuntime:
    """The worker process's adapters, started once on an event loop that runs in a thread of its own.

    A bus connection belongs to the loop it was opened on, and Celery runs tasks in pool threads
    with no loop: each task hands its coroutine to this loop and waits for the result, so every task
    shares one bus connection instead of opening its own. Started on first use, so that a prefork
    child (not the parent) owns it.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._adapters: Adapters | None = None

    def run(self, job: Callable[[Adapters], Awaitable[T]]) -> T:
        loop, adapters = self._started()
        return asyncio.run_coroutine_threadsafe(_call(job, adapters), loop).result()

    def _started(self) -> tuple[asyncio.AbstractEventLoop, Adapters]:
        with self._lock:
            if self._loop is None or self._adapters is None:
                from parallel_you.bootstrap import current_adapters

                loop = asyncio.new_event_loop()
                threading.Thread(target=loop.run_forever, name="worker-adapters", daemon=True).start()
                adapters = current_adapters()
                asyncio.run_coroutine_threadsafe(adapters.start(), loop).result()
                self._loop, self._adapters = loop, adapters
            return self._loop, self._adapters

    def stop(self, **_: Any) -> None:
        with self._lock:
            if self._loop is None or self._adapters is None:
                return
            loop, adapters = self._loop, self._adapters
            self._loop = self._adapters = None
        asyncio.run_coroutine_threadsafe(adapters.stop(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)


async def _call(job: Callable[[Adapters], Awaitable[T]], adapters: Adapters) -> T:
    return await job(adapters)


worker = WorkerRuntime()
worker_shutdown.connect(worker.stop, weak=False)
worker_process_shutdown.connect(worker.stop, weak=False)
