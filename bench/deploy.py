"""Deployments to measure: an embedded server with a seeded board, and a distributed one.

Servers come from tests/support/servers.py (uvicorn subprocesses, own data folders). The board is
seeded straight into the server's document file with the same SqliteRepo the server uses; the
owner id is the Django user's primary key, read from the server's own auth_user table.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from parallel_you.domain import utcnow
from parallel_you.repo.sqlite import SqliteRepo
from tests.support.http import WebClient
from tests.support.servers import ROOT, Server, free_port, migrate, server_env
from tests.support.services import ensure_delayed_delivery_sink
from threads.documents import THREADS
from threads.domain import Kind, State, Thread

SAGAS = 50
STORIES_PER_SAGA = 9
TOP_LEVEL_TASKS = 50
BANDS = ("deep", "moderate", "light")
# Most work is Ready; the rest spread over the other board columns (no Running: the state-change
# benchmark starts and stops quanta itself, and a person has one running quantum at a time).
STATE_CYCLE = (State.READY, State.READY, State.READY, State.PARKED, State.BLOCKED, State.DONE)
USERNAME = "bench"


@dataclass
class Person:
    """A signed-in person: their owner id and the cookies to send as them."""

    owner: str
    client: WebClient

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.client.jar)

    @property
    def csrf_token(self) -> str:
        return self.client.cookie("csrftoken") or ""

    def headers(self, *, htmx: bool = False, post: bool = False) -> dict[str, str]:
        headers = {"Cookie": self.cookie_header}
        if htmx:
            headers["HX-Request"] = "true"
        if post:
            headers["X-CSRFToken"] = self.csrf_token
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        return headers


def user_pk(data_dir: Path, username: str) -> str:
    with contextlib.closing(sqlite3.connect(data_dir / "django.sqlite3")) as db:
        row = db.execute("SELECT id FROM auth_user WHERE username = ?", (username,)).fetchone()
    if row is None:
        raise RuntimeError(f"no user {username!r} in {data_dir}")
    return str(row[0])


def sign_up(server: Server, data_dir: Path, username: str = USERNAME) -> Person:
    client = WebClient(server.url)
    client.sign_up(username)
    client.get("/")  # the CSRF cookie for posts
    return Person(owner=user_pk(data_dir, username), client=client)


def threads_repo(env: dict[str, str]) -> SqliteRepo[Thread]:
    return SqliteRepo(THREADS.codec, env["PARALLEL_YOU_SQLITE_PATH"], THREADS.name, THREADS.indexes)


def board_threads(owner: str) -> list[Thread]:
    """50 sagas with 9 stories each and 50 top-level tasks, over every column and energy band."""
    now = utcnow()
    made: list[Thread] = []
    n = 0

    def make(kind: Kind, title: str, parent_id: str | None = None) -> Thread:
        nonlocal n
        state = STATE_CYCLE[n % len(STATE_CYCLE)] if kind is not Kind.SAGA else State.READY
        thread = Thread(
            owner=owner,
            kind=kind,
            title=title,
            notes=f"Notes for {title}. " * 3,
            energy_band=BANDS[n % len(BANDS)],
            quantum=(25, 45, 90)[n % 3],
            estimate=1 + n % 8,
            parent_id=parent_id,
            created_at=now - timedelta(minutes=len(made)),
            updated_at=now,
            version=1,  # as stored (0 means never stored)
        )
        if state is State.PARKED:
            thread.park(now)
        elif state is State.BLOCKED:
            thread.block(now, blocked_by=[made[-1].id] if made else [], note="Waiting on a review")
        elif state is State.DONE:
            thread.finish(now)
        n += 1
        made.append(thread)
        return thread

    for s in range(SAGAS):
        saga = make(Kind.SAGA, f"Saga {s + 1}: a long-running line of work")
        for k in range(STORIES_PER_SAGA):
            make(Kind.STORY, f"Story {s + 1}.{k + 1} <with> some & words", saga.id)
    for t in range(TOP_LEVEL_TASKS):
        make(Kind.TASK, f"Task {t + 1}: a quick one")
    return made


def seed_board(env: dict[str, str], owner: str) -> list[Thread]:
    repo = threads_repo(env)
    try:
        made = board_threads(owner)
        for thread in made:
            thread.ensure_valid()
            repo.upsert(thread)
        return made
    finally:
        repo.close()


def seed_task(env: dict[str, str], owner: str, title: str = "Benchmark task", quantum: int = 25) -> Thread:
    repo = threads_repo(env)
    try:
        task = Thread(owner=owner, kind=Kind.TASK, title=title, quantum=quantum, version=1)
        repo.upsert(task)
        return task
    finally:
        repo.close()


@contextlib.contextmanager
def embedded(data_dir: Path, **overrides: str) -> Iterator[tuple[Server, dict[str, str]]]:
    """One embedded server (SQLite file store, in-memory bus), stopped on exit."""
    env = server_env(data_dir, LOG_LEVEL="WARNING", **overrides)
    migrate(env)
    port = free_port()
    server = Server(url=f"http://127.0.0.1:{port}", port=port, env=env, log_path=data_dir / "server.log")
    server.start()
    try:
        yield server, env
    finally:
        server.stop()


@dataclass
class ProfiledServer(Server):
    """A web process run under `python -m pyinstrument`, which saves its session when stopped."""

    session: Path | None = None

    def start(self, timeout: float = 60) -> Server:
        assert self.session is not None
        self.launcher = [sys.executable, "-m", "pyinstrument", "-r", "pyisession", "-o", str(self.session)]
        return super().start(timeout)

    def stop(self, sig: int = signal.SIGINT, timeout: float = 30) -> None:
        # SIGINT: uvicorn shuts down cleanly and pyinstrument then writes the session.
        super().stop(sig, timeout)

    def render(self, out: Path) -> None:
        """Write the saved session as text and HTML next to `out`."""
        assert self.session is not None
        for renderer, suffix in (("text", ".txt"), ("html", ".html")):
            subprocess.run(
                [sys.executable, "-m", "pyinstrument", "--load", str(self.session), "-r", renderer]
                + ["-o", str(out.with_suffix(suffix))]
                + (["--no-color", "--unicode", "--show", "*/channels/*"] if renderer == "text" else []),
                cwd=ROOT,
                check=True,
                timeout=120,
                capture_output=True,
            )


@dataclass
class Distributed:
    a: Server
    b: Server
    env: dict[str, str]
    data_dir: Path
    prefix: str
    url: str


@contextlib.contextmanager
def distributed(
    data_dir: Path,
    url: str,
    prefix: str,
    *,
    profile_b: Path | None = None,
    celery_worker: bool = False,
    **overrides: str,
) -> Iterator[Distributed]:
    """Two web processes and one `run_consumers` on RabbitMQ under `prefix`; broker objects deleted on exit.

    With `profile_b`, web process B runs under pyinstrument and its profile is written there
    (`.txt` and `.html`) once it has stopped. With `celery_worker`, a Celery worker (solo pool)
    runs the quantum expiries (thread pool, as `make worker`).
    """
    # Expiries still on their way when this deployment's queue is deleted must stay routable.
    ensure_delayed_delivery_sink(url)
    env = server_env(
        data_dir,
        LOG_LEVEL="WARNING",
        PARALLEL_YOU_BUS="rabbitmq",
        RABBITMQ_URL=url,
        PARALLEL_YOU_AMQP_PREFIX=prefix,
        **overrides,
    )
    migrate(env)
    servers: list[Server] = []
    consumers: subprocess.Popen[bytes] | None = None
    worker: subprocess.Popen[bytes] | None = None
    try:
        if celery_worker:
            worker = subprocess.Popen(
                # As deployed (make worker): a thread pool, since an expiry task mostly waits.
                [sys.executable, "-m", "celery", "-A", "parallel_you.celery", "worker", "--pool", "threads"]
                + ["--concurrency", "16"]
                + ["--loglevel", "INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"]
                + ["-n", f"{prefix}@localhost"],
                cwd=ROOT,
                env=env,
                stdout=(data_dir / "worker.log").open("wb"),
                stderr=subprocess.STDOUT,
            )
            _wait_for_log(data_dir / "worker.log", " ready.", worker, timeout=60)
        for name in ("a", "b"):
            port = free_port()
            log_path = data_dir / f"web-{name}.log"
            if name == "b" and profile_b is not None:
                session = profile_b.with_suffix(".pyisession")
                server = ProfiledServer(f"http://127.0.0.1:{port}", port, env, log_path, session=session)
            else:
                server = Server(url=f"http://127.0.0.1:{port}", port=port, env=env, log_path=log_path)
            servers.append(server.start())
        consumers = subprocess.Popen(
            [sys.executable, "manage.py", "run_consumers"],
            cwd=ROOT,
            env=env,
            stdout=(data_dir / "consumers.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        _wait_for_log(data_dir / "consumers.log", "consumers running", consumers, timeout=30)
        yield Distributed(servers[0], servers[1], env, data_dir, prefix, url)
    finally:
        for process in (consumers, worker):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(5)
        for server in servers:
            server.stop()
        asyncio.run(delete_broker_objects(url, prefix))
    if profile_b is not None and isinstance(servers[-1], ProfiledServer):
        servers[-1].render(profile_b)


def _wait_for_log(path: Path, text: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and text in path.read_text(errors="replace"):
            return
        if process.poll() is not None:
            raise RuntimeError(f"{path.name}: exited with {process.returncode}: {path.read_text(errors='replace')}")
        time.sleep(0.1)
    raise RuntimeError(f"{path.name}: not ready within {timeout} s")


async def delete_broker_objects(url: str, prefix: str) -> None:
    """Delete what a deployment under `prefix` declared on the shared broker.

    Celery's `celery_delayed_*` queues are shared infrastructure and stay (as in the tests).
    """
    import aio_pika

    from parallel_you.bus.urls import amqp_urls

    connection = await aio_pika.connect(amqp_urls(url).aio_pika)
    async with connection:
        for queue in (f"{prefix}.events.realtime", f"{prefix}.timers"):
            channel = await connection.channel()
            with contextlib.suppress(Exception):
                await channel.queue_delete(queue)
        for exchange in (f"{prefix}.events", f"{prefix}.groups", f"{prefix}.timers"):
            channel = await connection.channel()
            with contextlib.suppress(Exception):
                await channel.exchange_delete(exchange)


@dataclass
class GunicornServer(Server):
    """The project through Django's WSGI handler: gunicorn, one sync worker (a peer's usual setup).

    A sync worker serves one request at a time and closes the connection after each (no keep-alive).
    """

    app: str = "parallel_you.wsgi:application"

    def command(self) -> list[str]:
        return self.serving("gunicorn", "--workers", "1", "--worker-class", "sync", "--bind", f"127.0.0.1:{self.port}")
