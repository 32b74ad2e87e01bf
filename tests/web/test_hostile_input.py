"""Hostile input on every view of the threads, sprints and timers apps: never a 5xx, and someone
else's id is a 404 whatever comes with it.

The views are found from the URL resolver, so a view added later is walked too; the fields each
view reads are found by recording which keys it asks the request's POST and GET for. Each field
gets each classic bad value, alone and beside otherwise sensible values, as a plain post and as an
htmx request, against a fresh store holding real ids of the person's own thread and sprint.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.http import QueryDict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.datastructures import MultiValueDict

from parallel_you.bootstrap import bootstrap, current_adapters, install
from parallel_you.bus import MemoryBus
from sprints import services as sprint_services
from threads import services as thread_services
from threads.domain import Kind
from timers import services as timer_services

pytestmark = pytest.mark.django_db

APPS = ("threads", "sprints", "timers")
BAD_VALUES = [
    "²",  # passes str.isdigit(), refused by int()
    "٣",  # an Arabic-Indic digit: int() reads it as 3
    "1e309",  # a float overflow
    "-0",
    "-1",
    "NaN",
    "9" * 5000,  # over int()'s 4,300 digits
    "",
    "   ",
    "\u200b\u2060\ufeff",  # only invisible characters
    "0001-01-01",
    "9999-12-31",
]
HX = {"HX-Request": "true", "HX-Current-URL": "http://testserver/"}
# htmx requests take turns with these pages as the one they came from (the header is input too).
CURRENT_URLS = [
    "http://testserver/",
    "http://[::1",
    "http://testserver/threads/%ff/",
    "http://testserver/archive/?q=%ff",
]
# The whole cross product (a few minutes): every bad value in every field, together and alone,
# each plain and with htmx. By default each view still meets every value in every field, in turn
# plain or htmx, and each field alone gets two of the values.
FULL = os.environ.get("PARALLEL_YOU_HOSTILE_FULL") == "1"
# Keys a view may read only after its form is valid (so an empty request doesn't reveal them).
ALWAYS = ("next", "action", "current", "then")


@dataclass
class World:
    owner: str
    thread_id: str  # a running task in the sprint
    spare_id: str  # a task in the backlog
    story_id: str
    saga_id: str
    sprint_id: str
    their_thread_id: str
    their_sprint_id: str

    def kwargs(self, converters: list[str], *, foreign: bool = False) -> dict[str, str]:
        ids = {
            "thread_id": self.their_thread_id if foreign else self.thread_id,
            "sprint_id": self.their_sprint_id if foreign else self.sprint_id,
            "band_id": "no-such-band" if foreign else "deep",
        }
        return {name: ids[name] for name in converters}

    def sensible(self) -> dict[str, str]:
        """A value each known field accepts, so a bad value in one field reaches the code behind the form."""
        return {
            "kind": "task",
            "title": "A title",
            "name": "A name",
            "goal": "",
            "notes": "",
            "note": "waiting",
            "quantum": "25",
            "energy_band": "deep",
            "parent_id": self.saga_id,
            "estimate": "2",
            "position": "0",
            "thread_id": self.spare_id,
            "order": f"{self.story_id},{self.thread_id}",
            "start": "2026-03-09",
            "end": "2026-03-13",
            "minutes": "5",
            "capacity_deep": "2",
            "capacity_moderate": "2",
            "capacity_light": "2",
            "blocked_by": self.story_id,
            "carry_to": "backlog",
            "colour": "#123456",
            "move_to": "light",
            "action": "park",
            "then": "ready",
            "current": "pause",
        }


def build_world(owner: str, other: str) -> World:
    """A fresh in-memory store (installed as the process's adapters) with the person's work in it."""
    app = bootstrap(repo_backend="memory", bus=MemoryBus())
    install(app)
    sync = async_to_sync
    common = {"repo": app.threads, "bus": app.bus}
    saga = sync(thread_services.thread_create)(**common, owner=owner, kind=Kind.SAGA, title="Saga")
    story = sync(thread_services.thread_create)(
        **common, owner=owner, kind=Kind.STORY, title="Story", parent_id=saga.id
    )
    task = sync(thread_services.thread_create)(**common, owner=owner, kind=Kind.TASK, title="Task")
    spare = sync(thread_services.thread_create)(**common, owner=owner, kind=Kind.TASK, title="Spare")
    theirs = sync(thread_services.thread_create)(**common, owner=other, kind=Kind.TASK, title="Theirs")
    sprint_common = {"repo": app.sprints, "bus": app.bus}
    sprint = sync(sprint_services.sprint_create)(
        **sprint_common, owner=owner, name="Now", start=date(2026, 3, 2), end=date(2026, 3, 6)
    )
    their_sprint = sync(sprint_services.sprint_create)(
        **sprint_common, owner=other, name="Theirs", start=date(2026, 3, 2), end=date(2026, 3, 6)
    )
    for thread in (story, task):
        sync(sprint_services.sprint_item_add)(
            **sprint_common, threads=app.threads, owner=owner, sprint_id=sprint.id, thread_id=thread.id
        )
    sync(timer_services.quantum_start)(**common, owner=owner, thread_id=task.id)
    return World(owner, task.id, spare.id, story.id, saga.id, sprint.id, theirs.id, their_sprint.id)


def app_patterns() -> list[tuple[str, list[str]]]:
    """(URL name, the names of its arguments) for every view of the three apps."""
    found = []
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace in APPS:
            for pattern in entry.url_patterns:
                assert isinstance(pattern, URLPattern)
                found.append((f"{entry.namespace}:{pattern.name}", list(pattern.pattern.converters)))
    return found


PATTERNS = app_patterns()


@contextmanager
def recording_reads() -> Iterator[set[str]]:
    """Record every key a view asks a QueryDict (request.POST, request.GET, ...) for."""
    keys: set[str] = set()
    originals = {name: getattr(MultiValueDict, name) for name in ("get", "getlist", "__getitem__", "__contains__")}

    def recorder(name: str) -> Callable[..., Any]:
        original = originals[name]

        def read(self: MultiValueDict, key: Any, *args: Any) -> Any:
            if isinstance(self, QueryDict) and isinstance(key, str):
                keys.add(key)
            return original(self, key, *args)

        return read

    for name in originals:
        setattr(MultiValueDict, name, recorder(name))
    try:
        yield keys
    finally:
        for name, original in originals.items():
            setattr(MultiValueDict, name, original)


def test_the_walk_covers_every_view_of_the_three_apps() -> None:
    names = {name for name, _ in PATTERNS}
    assert {"sprints:item_estimate", "sprints:item_add", "sprints:item_move", "sprints:new", "timers:extend"} <= names
    assert {"threads:new", "threads:edit", "threads:transition", "timers:tune", "sprints:capacity"} <= names
    assert len(names) >= 35


@pytest.fixture
def world(client_as: Client, person: Any, other_person: Any) -> Iterator[Callable[[], World]]:
    def make() -> World:
        return build_world(str(person.pk), str(other_person.pk))

    yield make
    install(None)


def _send(client: Client, method: str, url: str, data: dict[str, str], headers: dict[str, str]) -> int:
    if method == "get":
        return client.get(url, data, headers=headers).status_code
    return client.post(url, data, headers=headers).status_code


@pytest.mark.parametrize(("name", "converters"), PATTERNS, ids=[name for name, _ in PATTERNS])
def test_no_bad_value_in_any_field_gives_a_5xx(
    request: pytest.FixtureRequest, client_as: Client, world: Callable[[], World], name: str, converters: list[str]
) -> None:
    if request.config.getoption("--instant"):
        # The walk is about parsing, not the calendar, and is the slowest web test: `make test`
        # runs it once, in the pass at the real clock, not again at each fixed instant.
        pytest.skip("runs in the pass at the real clock")
    current = world()
    methods = []
    for method in ("get", "post"):
        read: set[str] = set()
        for payload in ({}, current.sensible()):
            current = world()
            with recording_reads() as keys:
                status = _send(client_as, method, reverse(name, kwargs=current.kwargs(converters)), payload, {})
            read |= keys
        if status != 405:
            methods.append((method, sorted((read | set(ALWAYS)) - {"csrfmiddlewaretoken"})))
    assert methods, f"{name} answers no GET nor POST"
    failures = []
    fresh = True
    for method, fields in methods:
        for n, value in enumerate(BAD_VALUES):
            # Every field bad at once (plain and htmx in turn): each value reaches each field's
            # parsing. Then fields one at a time beside sensible values for the others, so a value
            # a form lets through reaches the domain: each field gets two values in turn.
            # FULL: both of every attempt, and every value in every field alone.
            attempts: list[tuple[str | None, dict[str, str]]] = (
                [(None, {}), (None, HX)] if FULL else [(None, HX if n % 2 else {})]
            )
            for i, field in enumerate(fields):
                if FULL:
                    attempts += [(field, {}), (field, HX)]
                elif (n - 5 * i) % len(BAD_VALUES) in (0, 1):
                    attempts.append((field, HX if (n + i) % 2 else {}))
            for bad, headers in attempts:
                if fresh:
                    current = world()
                url = reverse(name, kwargs=current.kwargs(converters))
                payload = dict.fromkeys(fields, value) if bad is None else current.sensible() | {bad: value}
                if headers:
                    pages = [*CURRENT_URLS, f"http://testserver/threads/{current.their_thread_id}/"]
                    headers = headers | {"HX-Current-URL": pages[(n + len(payload)) % len(pages)]}
                emitted = len(current_adapters().bus.emitted)  # type: ignore[attr-defined]
                try:
                    status = _send(client_as, method, url, payload, headers)
                except Exception as exc:  # the test client re-raises what a view raised
                    status, detail = 500, f"{type(exc).__name__}: {exc}"[:300]
                else:
                    detail = ""
                # Services publish after every write: no new event, nothing changed.
                fresh = len(current_adapters().bus.emitted) != emitted  # type: ignore[attr-defined]
                if status >= 500:
                    where = "every field" if bad is None else bad
                    failures.append(
                        f"{method.upper()} {name} {where}={value[:20]!r} htmx from {headers.get('HX-Current-URL')}: {detail}"
                    )
    assert not failures, "\n".join(failures[:20]) + f"\n({len(failures)} in all)"


@pytest.mark.parametrize("page", CURRENT_URLS)
def test_an_htmx_action_from_a_page_url_that_cannot_be_read_still_answers(
    client_as: Client, world: Callable[[], World], page: str
) -> None:
    current = world()
    url = reverse("threads:transition", args=[current.spare_id])
    response = client_as.post(url, {"action": "park"}, headers={"HX-Request": "true", "HX-Current-URL": page})
    assert response.status_code == 200
    assert current_adapters().threads.get(current.spare_id).state.value == "parked"  # type: ignore[union-attr]


ID_PATTERNS = [(name, converters) for name, converters in PATTERNS if converters]


@pytest.mark.parametrize(("name", "converters"), ID_PATTERNS, ids=[name for name, _ in ID_PATTERNS])
def test_someone_elses_id_is_a_404_whatever_comes_with_it(
    client_as: Client, world: Callable[[], World], name: str, converters: list[str]
) -> None:
    """Whose it is is checked before anything else: an unknown action, a bad number or a fine
    request all get the same 404 for another person's thread, sprint or band."""
    current = world()
    url = reverse(name, kwargs=current.kwargs(converters, foreign=True))
    app = current_adapters()
    before = (app.threads.get(current.their_thread_id), app.sprints.get(current.their_sprint_id))
    payloads = [{}, current.sensible(), current.sensible() | {"action": "no-such-action"}]
    payloads += [dict.fromkeys(current.sensible(), value) for value in ("²", "9" * 5000, "0001-01-01")]
    for method in ("get", "post"):
        for payload in payloads:
            for headers in ({}, HX):
                status = _send(client_as, method, url, payload, headers)
                assert status in (404, 405), f"{method.upper()} {name} {sorted(payload)[:3]}…: {status}"
    assert (app.threads.get(current.their_thread_id), app.sprints.get(current.their_sprint_id)) == before
