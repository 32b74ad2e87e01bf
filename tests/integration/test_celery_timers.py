"""Distributed quantum expiry against the real RabbitMQ with real Celery worker processes.

Each test gets its own names on the shared broker (PARALLEL_YOU_AMQP_PREFIX) and deletes its
queue and exchanges afterwards; Celery's `celery_delayed_*` queues are shared infrastructure and
are left in place. The worker and the test share one SQLite document file, as web servers and
workers share MongoDB in production. A "minute" lasts one second here, so quanta take seconds.

"Nothing happened" is proven with a fence: a later expiry on the same worker queue (one solo
worker, prefetch 1, processed in order), whose event arrives while the earlier one's did not.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import aio_pika
import pytest
from celery import Celery
from django.conf import settings

from pace.documents import BREAKS, PACE_MARKS, PACE_SETTINGS, SKIPS
from pace.selectors import PaceStores
from pace.timing import END_BREAK_TASK
from parallel_you.bus import Envelope, RabbitMQBus, amqp_urls
from parallel_you.domain import utcnow
from parallel_you.repo.sqlite import SqliteRepo
from tests.support.servers import ROOT, free_port, stop_process
from tests.support.services import require_rabbitmq, unavailable, unique_name
from threads import services as thread_services
from threads.documents import PROFILES, THREADS
from threads.domain import Thread
from timers import services
from timers.scheduler import EXPIRE_TASK, CeleryScheduler

pytestmark = [pytest.mark.rabbitmq, pytest.mark.celery]

SECOND = timedelta(seconds=1)  # a quantum "minute"
# How late after its deadline an expiry lands is a benchmark figure (bench/expiry.py, `make bench`),
# not a bound asserted here: these tests check that it lands, once, and never before its deadline.
# A redelivery (a worker that lost its channel) would come after the broker's ~60 s check instead.
REDELIVERED_AFTER = 30.0
PACE_MINUTE = SECOND / 4  # a minute of the break policy (a 10-minute break lasts 2.5 s)


@dataclass
class Worker:
    """A real `celery worker` process (solo pool) on this test's queue."""

    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 30) -> Worker:
        self.log_path.write_bytes(b"")
        name = f"timers-{uuid.uuid4().hex[:6]}@localhost"
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "parallel_you.celery", "worker", "--pool", "solo",
                 "--loglevel", "INFO", "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", name],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited with {self.process.returncode}:\n{self.log()}")
            if " ready." in self.log():
                return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"worker not ready within {timeout} s:\n{self.log()}")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        stop_process(self.process, timeout=15)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


class Inbox:
    """Bus handler recording `quantum_expired` events with their arrival time."""

    def __init__(self) -> None:
        self.received: list[tuple[Envelope, datetime]] = []
        self._changed = asyncio.Event()
        self.logs: Callable[[], str] = str

    async def __call__(self, envelope: Envelope) -> None:
        self.received.append((envelope, utcnow()))
        self._changed.set()

    def for_run(self, run_id: str) -> list[tuple[Envelope, datetime]]:
        return [(e, at) for e, at in self.received if (e.payload.get("run") or {}).get("id") == run_id]

    async def wait_for_run(self, run_id: str, timeout: float) -> tuple[Envelope, datetime]:
        try:
            async with asyncio.timeout(timeout):
                while not self.for_run(run_id):
                    self._changed.clear()
                    await self._changed.wait()
        except TimeoutError:
            raise AssertionError(f"no quantum_expired for run {run_id} within {timeout} s\n{self.logs()}") from None
        return self.for_run(run_id)[0]


@dataclass
class Deployment:
    """What one test's distributed set-up is made of: names, documents, a sender, workers, a listener."""

    url: str
    prefix: str
    data: Path
    repo: SqliteRepo[Thread]
    celery: Celery
    bus: RabbitMQBus
    inbox: Inbox
    workers: list[Worker] = field(default_factory=list)

    @property
    def scheduler(self) -> CeleryScheduler:
        return CeleryScheduler(self.celery)

    def worker(self) -> Worker:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PARALLEL_YOU_", "DJANGO_"))}
        env.update(
            PARALLEL_YOU_BUS="rabbitmq",
            PARALLEL_YOU_REPO="sqlite",
            PARALLEL_YOU_SQLITE_PATH=str(self.data / "documents.sqlite3"),
            PARALLEL_YOU_AMQP_PREFIX=self.prefix,
            RABBITMQ_URL=self.url,
            DATABASE_URL=f"sqlite:///{self.data / 'django.sqlite3'}",
            PYTHONUNBUFFERED="1",
            PARALLEL_YOU_SECONDS_PER_MINUTE=str(PACE_MINUTE.total_seconds()),  # the break policy's minutes
        )
        worker = Worker(env, self.data / f"worker-{len(self.workers)}.log")
        self.workers.append(worker)
        return worker

    async def quantum(self, title: str, minutes: int, owner: str = "ada") -> Thread:
        """Create a task and start a quantum of `minutes` seconds on it, armed through Celery."""
        thread = await thread_services.task_create(repo=self.repo, bus=self.bus, owner=owner, title=title)
        return await services.quantum_start(
            repo=self.repo,
            bus=self.bus,
            owner=owner,
            thread_id=thread.id,
            minutes=minutes,
            current="pause",
            scheduler=self.scheduler,
            minute=SECOND,
        )

    def logs(self) -> str:
        return "\n".join(w.log()[-3000:] for w in self.workers)


def sender(url: str, prefix: str) -> Celery:
    """A Celery app with the project's CELERY_* settings, on this test's names."""
    conf = {
        name[len("CELERY_") :].lower(): getattr(settings, name) for name in dir(settings) if name.startswith("CELERY_")
    }
    conf.update(
        broker_url=amqp_urls(url).kombu,
        task_default_queue=f"{prefix}.timers",
        task_default_exchange=f"{prefix}.timers",
        task_default_routing_key=f"{prefix}.timers",
    )
    app = Celery(f"sender-{prefix}", set_as_current=False)
    app.conf.update(conf)
    return app


@contextlib.asynccontextmanager
async def deployment(url: str) -> AsyncIterator[Deployment]:
    prefix = unique_name("py")
    data = Path(tempfile.mkdtemp(prefix="timers-"))
    repo: SqliteRepo[Thread] = SqliteRepo(THREADS.codec, data / "documents.sqlite3", THREADS.name, THREADS.indexes)
    bus = RabbitMQBus(amqp_urls(url).aio_pika, exchange=f"{prefix}.events")
    await bus.start()
    inbox = Inbox()
    await bus.subscribe("#.quantum_expired", inbox)
    app = sender(url, prefix)
    setup = Deployment(url=url, prefix=prefix, data=data, repo=repo, celery=app, bus=bus, inbox=inbox)
    inbox.logs = setup.logs
    try:
        yield setup
    finally:
        for worker in setup.workers:
            worker.stop()
        await bus.delete_all()
        await bus.close()
        app.close()
        connection = await aio_pika.connect(amqp_urls(url).aio_pika)
        async with connection:
            channel = await connection.channel()
            await channel.queue_delete(f"{prefix}.timers")
            await channel.exchange_delete(f"{prefix}.timers")
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture(scope="module")
async def shared_broker() -> AsyncIterator[Deployment]:
    """One deployment for the tests on the shared broker. One, not one per test: right after a
    queue that received delayed messages is deleted, RabbitMQ 3.10's dead-letter worker holds the
    next delayed messages of that delay level for ~10 s (observed here), which would make every
    later test's timing flaky."""
    async with deployment(require_rabbitmq()) as setup:
        setup.worker().start()
        yield setup


def live_worker(setup: Deployment) -> Worker:
    worker = setup.workers[-1]
    assert worker.process is not None and worker.process.poll() is None, setup.logs()
    return worker


def expired_at(setup: Deployment, thread: Thread) -> datetime | None:
    stored = setup.repo.get(thread.id)
    return stored.run.expired_at if stored is not None and stored.run is not None else None


async def test_a_short_quantum_expires_at_its_deadline_and_the_event_arrives(shared_broker: Deployment) -> None:
    setup = shared_broker
    thread = await setup.quantum("Write", minutes=3)
    assert thread.run is not None
    envelope, arrived = await setup.inbox.wait_for_run(thread.run.id, timeout=10)
    assert envelope.topic == "task.quantum_expired" and envelope.payload["id"] == thread.id
    assert arrived >= thread.run.deadline, f"event before the deadline\n{setup.logs()}"
    assert expired_at(setup, thread) is not None


async def test_a_paused_or_stopped_quantum_does_not_expire(shared_broker: Deployment) -> None:
    setup = shared_broker
    paused = await setup.quantum("Paused", minutes=2)
    await services.quantum_pause(repo=setup.repo, bus=setup.bus, owner="ada", thread_id=paused.id)
    stopped = await setup.quantum("Stopped", minutes=2)
    await services.quantum_stop(repo=setup.repo, bus=setup.bus, owner="ada", thread_id=stopped.id)
    fence = await setup.quantum("Fence", minutes=4, owner="fence")
    assert fence.run is not None and paused.run is not None and stopped.run is not None
    await setup.inbox.wait_for_run(fence.run.id, timeout=12)
    assert setup.inbox.for_run(paused.run.id) == [] and setup.inbox.for_run(stopped.run.id) == []
    assert expired_at(setup, paused) is None
    assert "stale" in setup.logs()  # the worker did receive them, and ignored them


async def test_a_duplicate_delivery_does_nothing(shared_broker: Deployment) -> None:
    setup = shared_broker
    thread = await setup.quantum("Write", minutes=2)
    assert thread.run is not None
    await setup.inbox.wait_for_run(thread.run.id, timeout=10)
    first = expired_at(setup, thread)
    args = [thread.id, thread.run.id, thread.run.deadline.isoformat()]
    for _ in range(2):  # the same request delivered twice more, as a redelivery would
        await asyncio.to_thread(setup.celery.send_task, EXPIRE_TASK, args=args)
    fence = await setup.quantum("Fence", minutes=1, owner="fence")
    assert fence.run is not None
    await setup.inbox.wait_for_run(fence.run.id, timeout=10)
    assert len(setup.inbox.for_run(thread.run.id)) == 1
    assert expired_at(setup, thread) == first


async def test_an_expiry_survives_a_killed_worker_and_fires_once_on_the_next(shared_broker: Deployment) -> None:
    setup = shared_broker
    first = live_worker(setup)
    # Several people's quanta wait (one running quantum per person), due at different moments.
    threads = [await setup.quantum(f"Write {n}", minutes=2 + n % 2, owner=f"person{n}") for n in range(5)]
    runs = [t.run for t in threads]
    assert all(run is not None for run in runs)
    first.kill()  # SIGKILL while the expiries wait
    last_deadline = max(run.deadline for run in runs if run is not None)
    await asyncio.sleep((last_deadline - utcnow()).total_seconds() + 1.5)
    for thread, run in zip(threads, runs, strict=True):
        assert run is not None
        assert setup.inbox.for_run(run.id) == [] and expired_at(setup, thread) is None
    setup.worker().start()
    for run in runs:
        assert run is not None
        await setup.inbox.wait_for_run(run.id, timeout=15)
    fence = await setup.quantum("Fence", minutes=1, owner="fence")
    assert fence.run is not None
    await setup.inbox.wait_for_run(fence.run.id, timeout=10)
    # Every quantum expired exactly once.
    assert [len(setup.inbox.for_run(run.id)) for run in runs if run is not None] == [1] * len(runs)


# --- A broker of the test's own, with a consumer_timeout of 2 seconds ---------------------------


@contextlib.contextmanager
def private_broker(consumer_timeout_ms: int) -> Iterator[str]:
    """Start a RabbitMQ node of our own (own ports, data dir and node name); stop it afterwards."""
    server = Path("/usr/lib/rabbitmq/bin/rabbitmq-server")
    if not server.exists():
        require_rabbitmq()  # the shared broker must exist too; skip/fail the same way
        unavailable("rabbitmq-server not installed: cannot start a broker with a short consumer_timeout")
    base = Path(tempfile.mkdtemp(prefix="rabbit-"))
    port, dist_port = free_port(), free_port()
    (base / "rabbitmq.conf").write_text(
        f"listeners.tcp.default = 127.0.0.1:{port}\nconsumer_timeout = {consumer_timeout_ms}\nloopback_users = none\n"
    )
    (base / "env.conf").write_text("")
    (base / "enabled_plugins").write_text("[].\n")
    env = dict(
        os.environ,
        HOME=str(base),
        RABBITMQ_CONF_ENV_FILE=str(base / "env.conf"),
        RABBITMQ_CONFIG_FILE=str(base / "rabbitmq"),
        RABBITMQ_NODENAME=f"timers-{uuid.uuid4().hex[:8]}@localhost",
        RABBITMQ_MNESIA_BASE=str(base / "mnesia"),
        RABBITMQ_LOG_BASE=str(base / "log"),
        RABBITMQ_ENABLED_PLUGINS_FILE=str(base / "enabled_plugins"),
        RABBITMQ_DIST_PORT=str(dist_port),
        ERL_EPMD_ADDRESS="127.0.0.1",
    )
    log = (base / "out.log").open("wb")
    process = subprocess.Popen([str(server)], env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"private RabbitMQ exited:\n{(base / 'out.log').read_text()[-3000:]}")
            with contextlib.suppress(OSError):
                import socket

                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            if time.monotonic() > deadline:
                raise RuntimeError("private RabbitMQ did not start within 60 s")
            time.sleep(0.2)
        yield f"amqp://guest:guest@127.0.0.1:{port}/"
    finally:
        # Our own process group (the launcher script and its Erlang VM), nothing else.
        stop_process(process, timeout=30, group=True)
        log.close()
        shutil.rmtree(base, ignore_errors=True)


def _set_on_close(event: asyncio.Event) -> Callable[..., Awaitable[None]]:
    async def on_close(*_: object) -> None:
        event.set()

    return on_close


async def _keep(message: aio_pika.abc.AbstractIncomingMessage) -> None:
    return None  # never acks


async def held_unacked_until_the_broker_closes_the_channel(url: str) -> float:
    """The control: a consumer that holds one message unacked, as a classic ETA worker would.
    Returns how long the broker let it hold the message before closing its channel."""
    connection = await aio_pika.connect(url)
    async with connection:
        channel = await connection.channel()
        closed = asyncio.Event()
        channel.close_callbacks.add(_set_on_close(closed))
        queue = await channel.declare_queue("", exclusive=True)
        await channel.default_exchange.publish(aio_pika.Message(b"held"), routing_key=queue.name)
        started = time.monotonic()
        await queue.consume(_keep)
        await asyncio.wait_for(closed.wait(), 120)
        return time.monotonic() - started


async def test_a_quantum_longer_than_the_consumer_timeout_still_expires() -> None:
    """consumer_timeout is 2 s on this broker, and RabbitMQ 3.10 enforces it on a ~60 s check
    (measured), so the quantum lasts 70 s: long enough that a worker holding the expiry unacked
    (Celery's classic ETA) would lose its channel. The control consumer shows that happening."""
    with private_broker(consumer_timeout_ms=2000) as url:
        async with deployment(url) as setup:
            worker = setup.worker().start()
            thread = await setup.quantum("Long", minutes=70)
            assert thread.run is not None
            control = asyncio.create_task(held_unacked_until_the_broker_closes_the_channel(url))
            envelope, arrived = await setup.inbox.wait_for_run(thread.run.id, timeout=85)
            late = (arrived - thread.run.deadline).total_seconds()
            assert 0 <= late < REDELIVERED_AFTER, f"event {late:.3f} s after the deadline\n{setup.logs()}"
            held = await control
            assert held < 70, f"the broker let an unacked message be held for {held:.0f} s"
            assert worker.process is not None and worker.process.poll() is None
            assert "PRECONDITION_FAILED" not in worker.log(), worker.log()


def pace_stores_on(setup: Deployment) -> PaceStores:
    """The pace stores in the deployment's document file, breaks and budget alerts on its worker."""
    path = setup.data / "documents.sqlite3"
    repos = {
        c.name: SqliteRepo(c.codec, path, c.name, c.indexes)
        for c in (BREAKS, PACE_SETTINGS, SKIPS, PACE_MARKS, PROFILES)
    }
    return PaceStores(
        settings=repos[PACE_SETTINGS.name],
        breaks=repos[BREAKS.name],
        skips=repos[SKIPS.name],
        marks=repos[PACE_MARKS.name],
        threads=setup.repo,
        profiles=repos[PROFILES.name],
        minute=PACE_MINUTE,
        timer=CeleryScheduler(setup.celery, END_BREAK_TASK),
    )


async def test_a_break_ends_at_its_deadline_through_celery(shared_broker: Deployment) -> None:
    """A break is a timer like a quantum: the worker ends it at its server deadline and
    `break.ended` goes out with no page open (pace/tasks.py)."""
    from pace import services as pace_services
    from pace.domain import BreakEnd

    setup = shared_broker
    ended: asyncio.Queue[tuple[Envelope, datetime]] = asyncio.Queue()

    async def heard(envelope: Envelope) -> None:
        await ended.put((envelope, utcnow()))

    await setup.bus.subscribe("break.ended", heard)
    stores = pace_stores_on(setup)
    pause = await pace_services.break_start(stores=stores, bus=setup.bus, owner="pacer")
    try:
        async with asyncio.timeout(10):
            envelope, arrived = await ended.get()
    except TimeoutError:
        raise AssertionError(f"no break.ended within 10 s\n{setup.logs()}") from None
    assert envelope.payload["id"] == pause.id and envelope.payload["how"] == BreakEnd.TAKEN.value
    assert arrived >= pause.ends_at, f"break.ended before the deadline\n{setup.logs()}"


async def test_the_budget_is_announced_through_celery_with_no_page_open(shared_broker: Deployment) -> None:
    """Starting work arms the budget's instants on the worker, which reads the clock and announces
    `pace.budget_nearly_reached` then `pace.budget_reached` (pace/tasks.py)."""
    from pace import services as pace_services

    setup = shared_broker
    heard: asyncio.Queue[str] = asyncio.Queue()

    async def listen(envelope: Envelope) -> None:
        if envelope.payload.get("owner") == "budgeted":
            await heard.put(envelope.topic)

    await setup.bus.subscribe("pace.#", listen)
    stores = pace_stores_on(setup)
    await pace_services.pace_settings_update(repo=stores.settings, bus=setup.bus, owner="budgeted", focus_budget=16)
    assert await heard.get() == "pace.settings_changed"
    thread = await thread_services.task_create(repo=setup.repo, bus=setup.bus, owner="budgeted", title="Deep")
    await services.quantum_start(
        repo=setup.repo,
        bus=setup.bus,
        owner="budgeted",
        thread_id=thread.id,
        minutes=30,
        scheduler=setup.scheduler,
        minute=SECOND,
        pace=stores,
    )
    try:
        async with asyncio.timeout(12):  # heads-up at 14 x 0.25 s = 3.5 s, reached at 4 s
            assert await heard.get() == "pace.budget_nearly_reached"
            assert await heard.get() == "pace.budget_reached"
    except TimeoutError:
        raise AssertionError(f"no budget events within 12 s\n{setup.logs()}") from None
    await services.quantum_stop(repo=setup.repo, bus=setup.bus, owner="budgeted", thread_id=thread.id)
