"""Starting and stopping a quantum from the page, with and without htmx."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from parallel_you.bootstrap import App
from threads import services
from threads.domain import State

pytestmark = pytest.mark.django_db


def make_task(adapters: App, owner: str, title: str = "Write") -> Any:
    from asgiref.sync import async_to_sync

    return async_to_sync(services.task_create)(repo=adapters.threads, bus=adapters.bus, owner=owner, title=title)


def test_start_then_stop_with_htmx(client_as: Any, person: Any, adapters: App) -> None:
    task = make_task(adapters, str(person.pk))
    response = client_as.post(reverse("timers:start", args=[task.id]), headers={"HX-Request": "true"})
    assert response.status_code == 200
    running = adapters.threads.get(task.id)
    assert running is not None and running.state is State.RUNNING and running.run is not None
    assert f'data-deadline="{running.run.deadline.isoformat()}"' in response.content.decode()
    response = client_as.post(
        reverse("timers:stop", args=[task.id]), {"then": "parked"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    stopped = adapters.threads.get(task.id)
    assert stopped is not None and stopped.state is State.PARKED and len(stopped.sessions) == 1


def test_a_second_running_quantum_is_refused_with_a_message(client_as: Any, person: Any, adapters: App) -> None:
    first, second = make_task(adapters, str(person.pk), "First"), make_task(adapters, str(person.pk), "Second")
    client_as.post(reverse("timers:start", args=[first.id]))
    response = client_as.post(reverse("timers:start", args=[second.id]), headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert "“First” is running" in response.content.decode()
    assert adapters.threads.get(second.id).state is State.READY  # type: ignore[union-attr]


def test_without_htmx_it_redirects_back(client_as: Any, person: Any, adapters: App) -> None:
    task = make_task(adapters, str(person.pk))
    response = client_as.post(reverse("timers:start", args=[task.id]), {"next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    response = client_as.post(reverse("timers:start", args=[task.id]), {"next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_another_persons_thread_is_a_404(client_as: Any, other_person: Any, adapters: App) -> None:
    theirs = make_task(adapters, str(other_person.pk))
    assert client_as.post(reverse("timers:start", args=[theirs.id])).status_code == 404
    assert client_as.post(reverse("timers:stop", args=[theirs.id])).status_code == 404
    assert adapters.threads.get(theirs.id).state is State.READY  # type: ignore[union-attr]


def test_csrf_is_required(person: Any, adapters: App) -> None:
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(person)
    task = make_task(adapters, str(person.pk))
    assert strict.post(reverse("timers:start", args=[task.id])).status_code == 403
    assert adapters.threads.get(task.id).state is State.READY  # type: ignore[union-attr]
