"""Fixtures shared by every test layer: fresh in-memory adapters per test, people to sign in as."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from parallel_you.bootstrap import Adapters, bootstrap, install


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
