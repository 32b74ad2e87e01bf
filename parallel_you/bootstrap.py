"""The composition root: the one place that picks adapters (repo backend, bus transport).

Services never build adapters; views, consumers, Celery tasks and management commands ask
`get_app()` for the process's adapters, and tests build their own with `bootstrap(...)`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from django.conf import settings

from parallel_you.documents import OUTBOX, PROFILES, SPRINTS, THREADS, Collection
from parallel_you.repo import MemoryRepo, Repo

if TYPE_CHECKING:
    from parallel_you.bus import MessageBus
    from sprints.domain import Sprint
    from threads.domain import Profile, Thread
    from timers.scheduler import ExpiryScheduler


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
        from parallel_you.repo.sqlite import SqliteRepo

        return SqliteRepo(collection.codec, settings.PARALLEL_YOU_SQLITE_PATH, collection.name, collection.indexes)
    if backend == "mongo":
        from parallel_you.repo.mongo import MongoRepo

        return MongoRepo(collection.codec, _mongo_database()[collection.name], collection.indexes)
    raise ValueError(f"Unknown repo backend {backend!r}")


def make_bus(transport: str | None = None, *, sources: Sequence[Repo[Any]] = ()) -> MessageBus:
    """The bus; with RabbitMQ, an outbox in front that also sweeps `sources` for events a writer
    staged with its document and died before publishing."""
    transport = transport or settings.PARALLEL_YOU_BUS
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
        return OutboxBus(rabbit, make_repo(OUTBOX), sources=sources)
    raise ValueError(f"Unknown bus transport {transport!r}")


def make_scheduler(transport: str | None = None) -> ExpiryScheduler:
    """Quantum expiry: in-process with the in-memory bus (embedded), Celery with RabbitMQ."""
    transport = transport or settings.PARALLEL_YOU_BUS
    if transport == "rabbitmq":
        from parallel_you.celery import app as celery_app
        from timers.scheduler import CeleryScheduler

        return CeleryScheduler(celery_app)
    from timers.scheduler import InProcessScheduler

    return InProcessScheduler()


@dataclass
class App:
    """The adapters one process works with."""

    threads: Repo[Thread]
    sprints: Repo[Sprint]
    profiles: Repo[Profile]
    bus: MessageBus
    extras: dict[str, Any] = field(default_factory=dict)
    scheduler: ExpiryScheduler | None = None


def bootstrap(
    *, repo_backend: str | None = None, bus: MessageBus | None = None, scheduler: ExpiryScheduler | None = None
) -> App:
    threads, sprints, profiles = (make_repo(c, repo_backend) for c in (THREADS, SPRINTS, PROFILES))
    return App(
        threads=threads,
        sprints=sprints,
        profiles=profiles,
        bus=bus if bus is not None else _server_bus(make_bus(sources=(threads, sprints, profiles))),
        scheduler=scheduler if scheduler is not None else make_scheduler(None if bus is None else "memory"),
    )


def _server_bus(bus: MessageBus) -> MessageBus:
    """With a store that blocks, requests run on other loops: their publishes hop to the server's."""
    if not store_blocks():
        return bus
    from parallel_you.offload import LoopBoundBus

    return LoopBoundBus(bus)  # type: ignore[return-value]


_app: App | None = None


def get_app() -> App:
    global _app
    if _app is None:
        _app = bootstrap()
    return _app


def set_app(app: App | None) -> None:
    """Install the adapters for this process (tests, and start-up hooks)."""
    global _app
    _app = app
