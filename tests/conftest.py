"""Fixtures shared by the test layers: fresh in-memory adapters per test, people to sign in as, a
real server of a test's own (integration and browser tests).

Time: no test may depend on the real date, time of day or time zone. A test about dates names its
date (`on_a_wednesday`, or its own `time_machine.travel`); `--instant=ISO` runs a whole session at
a chosen instant with the clock ticking from there, which `make test` uses to run the fast layers
again at instants that have broken date code elsewhere (weekends, year end, 29 February, a DST
change when run with `TIME_ZONE`/`TZ` set to a zone that has one).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine

from parallel_you.bootstrap import Adapters, bootstrap, install
from tests.support.clock import A_WEDNESDAY
from tests.support.servers import Server, start_server


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--instant",
        metavar="ISO",
        help="run the whole session as if the clock read this instant (ISO 8601 with an offset, e.g. 2026-12-05T23:30Z)",
    )


def pytest_configure(config: pytest.Config) -> None:
    # Started here rather than in a fixture so that module-level values computed at import (and
    # collection) see the chosen instant too. The clock ticks, so sleeps and deadlines still work.
    instant = config.getoption("--instant")
    if instant:
        when = datetime.fromisoformat(instant.replace("Z", "+00:00"))
        if when.tzinfo is None:
            raise pytest.UsageError("--instant needs an offset, e.g. 2026-12-05T23:30:00Z")
        traveller = time_machine.travel(when, tick=True)
        traveller.start()
        config.add_cleanup(traveller.stop)


def pytest_report_header(config: pytest.Config) -> str | None:
    instant = config.getoption("--instant")
    return f"instant: {instant} (time-machine, ticking)" if instant else None


@pytest.fixture
def on_a_wednesday() -> Iterator[date]:
    """The clock at A_WEDNESDAY (ticking): for tests whose expectations assume a working day."""
    with time_machine.travel(A_WEDNESDAY, tick=True):
        yield A_WEDNESDAY.date()


@pytest.fixture
def adapters() -> Iterator[Adapters]:
    """In-memory repos and bus, installed as the process's adapters for this test."""
    from parallel_you.bus import MemoryBus
    from parallel_you.events import validate_message

    bus = MemoryBus()
    app = bootstrap(repo_backend="memory", bus=bus)
    install(app)
    yield app
    install(None)
    # Every message a test made the services emit must match the event catalogue.
    for envelope in bus.emitted:
        validate_message(envelope.topic, envelope.payload)


@pytest.fixture
def server_settings() -> dict[str, str]:
    """Environment overrides for this test's `server`; a module overrides the fixture (timer tests
    make a "minute" last one second)."""
    return {}


@pytest.fixture
def server(tmp_path: Path, server_settings: dict[str, str]) -> Iterator[Server]:
    """An embedded server (SQLite store, in-memory bus) of this test's own, for the integration and
    browser tests."""
    started = start_server(tmp_path / "server", **server_settings)
    yield started
    started.stop()


@pytest.fixture
def make_user(db: Any) -> Any:
    from django.contrib.auth import get_user_model

    def make(username: str = "ada", password: str = "a-long-Passw0rd!") -> Any:
        return get_user_model().objects.create_user(username=username, password=password)

    return make


@pytest.fixture
def person(make_user: Any) -> Any:
    return make_user("ada")


@pytest.fixture
def other_person(make_user: Any) -> Any:
    return make_user("grace")


@pytest.fixture
def client_as(client: Any, person: Any, adapters: Adapters) -> Any:
    """A Django test client signed in as `person`, with in-memory adapters."""
    client.force_login(person)
    return client


@pytest.fixture
def make_thread(adapters: Adapters) -> Any:
    """Create a thread through the services (sync, for web tests): make_thread(owner, kind, title, **fields)."""
    from asgiref.sync import async_to_sync

    from threads import services
    from threads.domain import Kind

    def make(owner: Any, kind: str = "task", title: str = "A thread", **fields: Any) -> Any:
        return async_to_sync(services.thread_create)(
            repo=adapters.threads,
            bus=adapters.bus,
            owner=str(getattr(owner, "pk", owner)),
            kind=Kind(kind),
            title=title,
            **fields,
        )

    return make


@pytest.fixture
def transition(adapters: Adapters) -> Any:
    """Move a thread through the services (sync, for web tests): transition(owner, thread, action, **kw)."""
    from asgiref.sync import async_to_sync

    from threads import services

    def move(owner: Any, thread: Any, action: str, **kw: Any) -> Any:
        return async_to_sync(services.thread_transition)(
            repo=adapters.threads,
            bus=adapters.bus,
            owner=str(getattr(owner, "pk", owner)),
            thread_id=thread.id,
            action=action,
            **kw,
        )

    return move
