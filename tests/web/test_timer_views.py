"""Starting and stopping a quantum from the page, with and without htmx."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from parallel_you.bootstrap import Adapters
from threads import services
from threads.domain import State

pytestmark = pytest.mark.django_db


def make_task(adapters: Adapters, owner: str, title: str = "Write") -> Any:
    from asgiref.sync import async_to_sync

    return async_to_sync(services.task_create)(repo=adapters.threads, bus=adapters.bus, owner=owner, title=title)


def test_start_then_stop_with_htmx(client_as: Any, person: Any, adapters: Adapters) -> None:
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


def test_a_second_running_quantum_is_refused_with_a_message(client_as: Any, person: Any, adapters: Adapters) -> None:
    first, second = make_task(adapters, str(person.pk), "First"), make_task(adapters, str(person.pk), "Second")
    client_as.post(reverse("timers:start", args=[first.id]))
    response = client_as.post(reverse("timers:start", args=[second.id]), headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert "“First” is running" in response.content.decode()
    assert adapters.threads.get(second.id).state is State.READY  # type: ignore[union-attr]


def test_without_htmx_it_redirects_back(client_as: Any, person: Any, adapters: Adapters) -> None:
    task = make_task(adapters, str(person.pk))
    response = client_as.post(reverse("timers:start", args=[task.id]), {"next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    response = client_as.post(reverse("timers:start", args=[task.id]), {"next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_another_persons_thread_is_a_404(client_as: Any, other_person: Any, adapters: Adapters) -> None:
    theirs = make_task(adapters, str(other_person.pk))
    assert client_as.post(reverse("timers:start", args=[theirs.id])).status_code == 404
    assert client_as.post(reverse("timers:stop", args=[theirs.id])).status_code == 404
    assert adapters.threads.get(theirs.id).state is State.READY  # type: ignore[union-attr]


def test_csrf_is_required(person: Any, adapters: Adapters) -> None:
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(person)
    task = make_task(adapters, str(person.pk))
    assert strict.post(reverse("timers:start", args=[task.id])).status_code == 403
    assert adapters.threads.get(task.id).state is State.READY  # type: ignore[union-attr]


def post(client: Any, name: str, thread_id: str, data: dict[str, str] | None = None, htmx: bool = True) -> Any:
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(reverse(f"timers:{name}", args=[thread_id]), data or {}, headers=headers)


def test_pause_resume_extend_from_the_controls(client_as: Any, person: Any, adapters: Adapters) -> None:
    task = make_task(adapters, str(person.pk))
    post(client_as, "start", task.id)
    response = post(client_as, "pause", task.id)
    assert response.status_code == 200 and "data-paused-at=" in response.content.decode()
    assert ">Resume</button>" in response.content.decode()
    response = post(client_as, "resume", task.id)
    assert "data-paused-at=" not in response.content.decode()
    before = adapters.threads.get(task.id).run.deadline  # type: ignore[union-attr]
    post(client_as, "extend", task.id, {"minutes": "5"})
    after = adapters.threads.get(task.id).run  # type: ignore[union-attr]
    assert (after.deadline - before).total_seconds() == 300 and after.planned_minutes == 30
    response = post(client_as, "extend", task.id, {"minutes": "nope"})
    assert response.status_code == 422 and "Add 1 to 240 minutes." in response.content.decode()


def test_stop_asks_how_it_went_and_records_the_session(client_as: Any, person: Any, adapters: Adapters) -> None:
    task = make_task(adapters, str(person.pk))
    response = post(client_as, "start", task.id)
    page = response.content.decode()
    for choice in ('value="done"', 'value="ready"', 'value="parked"', "Another quantum", "Take a break"):
        assert choice in page
    post(client_as, "stop", task.id, {"then": "done"}, htmx=False)
    done = adapters.threads.get(task.id)
    assert done is not None and done.state is State.DONE and done.sessions[-1].outcome.value == "completed"


def test_a_conflict_offers_to_pause_or_park_the_running_one(client_as: Any, person: Any, adapters: Adapters) -> None:
    first, second = make_task(adapters, str(person.pk), "First"), make_task(adapters, str(person.pk), "Second")
    post(client_as, "start", first.id)
    response = post(client_as, "start", second.id)
    assert response.status_code == 422
    assert "Pause “First” and start this" in response.content.decode()
    response = post(client_as, "start", second.id, {"current": "park"})
    assert response.status_code == 200
    assert adapters.threads.get(first.id).state is State.PARKED  # type: ignore[union-attr]
    assert adapters.threads.get(second.id).state is State.RUNNING  # type: ignore[union-attr]


def test_another_quantum_and_a_break(client_as: Any, person: Any, adapters: Adapters) -> None:
    task = make_task(adapters, str(person.pk))
    post(client_as, "start", task.id)
    first_run = adapters.threads.get(task.id).run.id  # type: ignore[union-attr]
    post(client_as, "again", task.id)
    again = adapters.threads.get(task.id)
    assert again is not None and again.run is not None and again.run.id != first_run and len(again.sessions) == 1
    response = post(client_as, "break", task.id)
    assert response.status_code == 200 and "data-break-until=" in response.content.decode()
    rested = adapters.threads.get(task.id)
    assert rested is not None and rested.state is State.READY and len(rested.sessions) == 2


def test_detail_page_shows_controls_history_and_a_suggestion(client_as: Any, person: Any, adapters: Adapters) -> None:
    task = make_task(adapters, str(person.pk), "Deep <b>work</b>")
    empty = client_as.get(reverse("timers:detail", args=[task.id])).content.decode()
    assert "No sessions yet" in empty and "Deep &lt;b&gt;work&lt;/b&gt;" in empty
    for _ in range(3):
        post(client_as, "start", task.id)
        post(client_as, "stop", task.id, {"then": "done"})
        from asgiref.sync import async_to_sync

        async_to_sync(services.thread_transition)(
            repo=adapters.threads, bus=adapters.bus, owner=str(person.pk), thread_id=task.id, action="reopen"
        )
    page = client_as.get(reverse("timers:detail", args=[task.id])).content.decode()
    assert page.count('class="bar bar--completed"') == 3 and "<svg" in page
    assert "3 clean 25-minute Deep sessions: try 30." in page
    fragment = client_as.get(reverse("timers:detail", args=[task.id]), headers={"HX-Request": "true"})
    assert fragment.content.decode().lstrip().startswith('<div class="timer"')
    response = post(client_as, "tune", task.id, {"minutes": "30"})
    assert response.status_code == 200 and "Quantum set to 30 minutes." in response.content.decode()
    assert adapters.threads.get(task.id).quantum == 30  # type: ignore[union-attr]


def test_every_timer_action_is_a_404_on_someone_elses_thread(
    client_as: Any, other_person: Any, adapters: Adapters
) -> None:
    theirs = make_task(adapters, str(other_person.pk))
    for name in ("pause", "resume", "extend", "stop", "again", "break", "tune"):
        assert post(client_as, name, theirs.id).status_code == 404, name
    assert client_as.get(reverse("timers:detail", args=[theirs.id])).status_code == 404
