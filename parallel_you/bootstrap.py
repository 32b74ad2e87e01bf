"""The composition root: the one place that picks adapters (repo backend, bus transport, expiry
scheduler) and says what starts and stops with them.

Services never build adapters. A web process calls `bootstrap()` once (through `current_adapters()`),
runs `Adapters.startup` on its event loop (ASGI lifespan) and hands the adapters to request code;
the Celery worker and management commands do the same; tests build their own with
`bootstrap(repo_backend="memory", bus=MemoryBus())`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache, partial
from typing import TYPE_CHECKING, Any, Literal, TypedDict, TypeVar

from django.conf import settings

from pace.documents import BREAKS, PACE_MARKS, PACE_SETTINGS, SKIPS
from parallel_you.documents import OUTBOX, Collection
from parallel_you.repo import MemoryRepo, Repo
from sprints.documents import SPRINTS
from threads.documents import PROFILES, THREADS

if TYPE_CHECKING:
    from pace.domain import Break, PaceMarks, PaceSettings, Skip
    from parallel_you.bus import MessageBus
    from sprints.domain import Sprint
    from threads.domain import Profile, Thread
    from timers.scheduler import ExpiryScheduler

log = logging.getLogger(__name__)

Hook = Callable[[], Awaitable[None]]
T = TypeVar("T")
Port = Literal["threads", "sprints", "profiles", "scheduler"]


@cache
def _mongo_database() -> Any:
    from pymongo import MongoClient

    timeout = settings.MONGO_TIMEOUT_MS
    client: MongoClient[Any] = MongoClient(
        settings.MONGO_URI,
        serverSelectionTimeoutMS=timeout,
        connectTimeoutMS=timeout,
        socketTimeoutMS=timeout,
        tz_aware=True,
    )
    return client[settings.MONGO_DB]


def store_blocks() -> bool:
    """Whether store calls wait on the network, so HTTP is served off the event loop (offload.py)."""
    mode = settings.PARALLEL_YOU_STORE_OFF_LOOP
    if mode != "auto":
        return bool(mode == "on")
    return bool(settings.PARALLEL_YOU_REPO == "mongo" or settings.PARALLEL_YOU_REPO_LATENCY_MS > 0)


def make_repo(collection: Collection, backend: str | None = None) -> Repo[Any]:
    """The repo for one document type, on the backend PARALLEL_YOU_REPO names (memory by default)."""
    repo = _make_repo(collection, backend or settings.PARALLEL_YOU_REPO)
    if settings.PARALLEL_YOU_REPO_LATENCY_MS > 0:
        from parallel_you.repo.latency import DelayedRepo

        return DelayedRepo(repo, settings.PARALLEL_YOU_REPO_LATENCY_MS / 1000)
    return repo


def _make_repo(collection: Collection, backend: str) -> Repo[Any]:
    if backend == "memory":
        return MemoryRepo(collection.codec, collection.name)
    if backend == "sqlite":
        from parallel_you.repo.parsed import remembering
        from parallel_you.repo.sqlite import SqliteRepo

        # Stored documents parsed once per process, keyed by their text: never stale (parsed.py).
        codec = remembering(collection.codec)
        return SqliteRepo(codec, settings.PARALLEL_YOU_SQLITE_PATH, collection.name, collection.indexes)
    if backend == "mongo":
        from parallel_you.repo.mongo import MongoRepo

        return MongoRepo(collection.codec, _mongo_database()[collection.name], collection.indexes)
    raise ValueError(f"Unknown repo backend {backend!r}")


def make_bus(transport: str, repo_backend: str | None = None, *, sources: Sequence[Repo[Any]] = ()) -> MessageBus:
    """The bus; with RabbitMQ, an outbox in front that also sweeps `sources` for events a writer
    staged with its document and died before publishing."""
    if transport == "memory":
        from parallel_you.bus import MemoryBus

        return MemoryBus()
    if transport == "rabbitmq":
        from parallel_you.bus.outbox import OutboxBus
        from parallel_you.bus.rabbitmq import RabbitMQBus

        # A short publish bound: while the broker is away, one request pays it, then events are
        # held in the outbox (in the document store) and relayed when the broker is back.
        rabbit = RabbitMQBus(
            settings.AMQP.aio_pika, exchange=f"{settings.PARALLEL_YOU_AMQP_PREFIX}.events", publish_timeout=2.0
        )
        return OutboxBus(rabbit, make_repo(OUTBOX, repo_backend), sources=sources)
    raise ValueError(f"Unknown bus transport {transport!r}")


def make_scheduler(transport: str, task: str | None = None) -> ExpiryScheduler:
    """Quantum expiry (or another timer's, whose Celery `task` is named): in-process with the
    in-memory bus (embedded), Celery with RabbitMQ."""
    if transport == "rabbitmq":
        from parallel_you.celery import app as celery_app
        from timers.scheduler import CeleryScheduler

        return CeleryScheduler(celery_app, task)
    if transport == "memory":
        from timers.scheduler import InProcessScheduler

        return InProcessScheduler()
    raise ValueError(f"Unknown bus transport {transport!r}")


class Stores(TypedDict):
    """The document repos by name, as the services that read or write all of them take them."""

    threads: Repo[Thread]
    sprints: Repo[Sprint]
    profiles: Repo[Profile]


@dataclass
class Adapters:
    """The adapters one process works with, and what starts and stops with them on its event loop."""

    threads: Repo[Thread]
    sprints: Repo[Sprint]
    profiles: Repo[Profile]
    bus: MessageBus
    scheduler: ExpiryScheduler
    break_timer: ExpiryScheduler  # ends breaks at their deadline (pace/timing.py)
    pace_settings: Repo[PaceSettings]
    breaks: Repo[Break]
    skips: Repo[Skip]
    pace_marks: Repo[PaceMarks]
    startup: list[Hook] = field(default_factory=list)
    shutdown: list[Hook] = field(default_factory=list)

    def stores(self) -> Stores:
        return Stores(threads=self.threads, sprints=self.sprints, profiles=self.profiles)

    def call(
        self,
        service: Callable[..., Awaitable[T]],
        /,
        *,
        owner: str,
        repo: Port | None = None,
        uses: Sequence[Port] = (),
        **arguments: Any,
    ) -> Awaitable[T]:
        """A keyword-only service wired to these adapters: `repo=` the adapter `repo` names, those
        `uses` names under their own names (`threads=`, `scheduler=`), the bus, the owner, then
        `arguments`. The one place a view or an endpoint hands adapters to a service."""
        ports: dict[str, Any] = {name: getattr(self, name) for name in uses}
        if repo is not None:
            ports["repo"] = getattr(self, repo)
        return service(**ports, bus=self.bus, owner=owner, **arguments)

    async def start(self) -> None:
        for hook in self.startup:
            await hook()

    async def stop(self) -> None:
        for hook in self.shutdown:
            try:
                await hook()
            except Exception:
                log.exception("shutdown hook %s failed", getattr(hook, "__qualname__", hook))


def bootstrap(
    *,
    repo_backend: str | None = None,
    transport: str | None = None,
    bus: MessageBus | None = None,
    scheduler: ExpiryScheduler | None = None,
    break_timer: ExpiryScheduler | None = None,
) -> Adapters:
    """Adapters for `repo_backend` and the bus `transport` (settings by default); `bus` and
    `scheduler` replace the ones the transport implies (tests)."""
    from pace.selectors import PaceStores
    from pace.timing import END_BREAK_TASK, break_timer_start
    from parallel_you import startup
    from timers.lifecycle import scheduler_start

    transport = transport or settings.PARALLEL_YOU_BUS
    threads, sprints, profiles = (make_repo(c, repo_backend) for c in (THREADS, SPRINTS, PROFILES))
    pace_settings, breaks, skips, pace_marks = (
        make_repo(c, repo_backend) for c in (PACE_SETTINGS, BREAKS, SKIPS, PACE_MARKS)
    )
    sources = (threads, sprints, profiles, pace_settings, breaks, skips, pace_marks)
    adapters = Adapters(
        threads=threads,
        sprints=sprints,
        profiles=profiles,
        bus=bus if bus is not None else _server_bus(make_bus(transport, repo_backend, sources=sources)),
        scheduler=scheduler if scheduler is not None else make_scheduler(transport),
        break_timer=break_timer if break_timer is not None else make_scheduler(transport, END_BREAK_TASK),
        pace_settings=pace_settings,
        breaks=breaks,
        skips=skips,
        pace_marks=pace_marks,
    )
    adapters.startup.append(adapters.bus.start)
    if transport == "memory":
        # Embedded: the realtime bridge runs in this process; distributed: in `run_consumers`.
        adapters.startup.append(partial(startup.start_bridge_here, adapters.bus))
        adapters.startup.append(partial(startup.deliver_left_over, adapters.bus, sources))
    else:
        adapters.startup.append(partial(startup.resync_pages_on_reconnect, adapters.bus))
    off_loop = None
    if store_blocks():
        from parallel_you.offload import on_a_thread

        off_loop = on_a_thread
    stores = PaceStores.of(adapters, minute=timedelta(seconds=settings.PARALLEL_YOU_SECONDS_PER_MINUTE))
    timers = (
        partial(scheduler_start, threads=adapters.threads, scheduler=adapters.scheduler),
        partial(break_timer_start, breaks=adapters.breaks, timer=adapters.break_timer, stores=stores),
    )
    adapters.startup += [partial(start, bus=adapters.bus, off_loop=off_loop) for start in timers]
    adapters.shutdown += [adapters.scheduler.stop, adapters.break_timer.stop, adapters.bus.close]
    return adapters


def _server_bus(bus: MessageBus) -> MessageBus:
    """With a store that blocks, requests run on other loops: their publishes hop to the server's."""
    if not store_blocks():
        return bus
    from parallel_you.offload import LoopBoundBus

    return LoopBoundBus(bus)


_adapters: Adapters | None = None


def current_adapters() -> Adapters:
    """This process's adapters, built on first use: the one accessor for entry points (views,
    consumers, tasks, commands, the ASGI lifespan). Anything they call gets adapters as arguments."""
    global _adapters
    if _adapters is None:
        _adapters = bootstrap()
    return _adapters


def install(replacement: Adapters | None) -> None:
    """Install the adapters for this process (tests), or None to build them again on next use."""
    global _adapters
    _adapters = replacement
