"""Every thread endpoint: a login is required, someone else's id is a 404, and CSRF is enforced."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.test import Client
from django.urls import reverse

from parallel_you.bootstrap import Adapters
from threads import services

pytestmark = pytest.mark.django_db

THREAD_GETS = ["threads:detail", "threads:card", "threads:edit", "threads:block", "threads:delete"]
THREAD_POSTS = {
    "threads:edit": {"title": "Mine now", "quantum": "25", "energy_band": "deep", "notes": ""},
    "threads:block": {"note": "mine"},
    "threads:transition": {"action": "done"},
    "threads:delete": {},
}
PAGES = ["threads:board", "threads:archive", "threads:energy_bands", "threads:new"]


@pytest.mark.parametrize("headers", [{}, {"HX-Request": "true", "HX-Current-URL": "http://testserver/"}])
def test_another_persons_thread_is_a_404_on_every_endpoint(
    client_as: Any, other_person: Any, adapters: Adapters, make_thread: Any, headers: dict[str, str]
) -> None:
    saga = make_thread(other_person, "saga", "Their saga")
    theirs = make_thread(other_person, "story", "Their story", parent_id=saga.id)
    for name in THREAD_GETS:
        assert client_as.get(reverse(name, args=[theirs.id]), headers=headers).status_code == 404, name
    for name, data in THREAD_POSTS.items():
        assert client_as.post(reverse(name, args=[theirs.id]), data, headers=headers).status_code == 404, name
    assert adapters.threads.get(theirs.id) == theirs
    # Nor can their saga be used as a parent, nor their thread as a blocker.
    response = client_as.post(
        reverse("threads:new"),
        {"kind": "story", "title": "x", "quantum": "25", "energy_band": "deep", "parent_id": saga.id},
        headers=headers,
    )
    assert response.status_code in (400, 422) and "Choose one of your sagas." in response.content.decode()


def test_someone_elses_energy_band_is_a_404(client_as: Any, other_person: Any, adapters: Adapters) -> None:
    async_to_sync(services.energy_band_add)(
        profiles=adapters.profiles, bus=adapters.bus, owner=str(other_person.pk), name="Theirs"
    )
    assert client_as.get(reverse("threads:energy_band_remove", args=["theirs"])).status_code == 404
    assert client_as.post(reverse("threads:energy_band_remove", args=["theirs"])).status_code == 404
    data = {"name": "Mine", "colour": "#000000"}
    assert client_as.post(reverse("threads:energy_band_change", args=["theirs"]), data).status_code == 404


def test_nobody_sees_anything_without_logging_in(
    client: Any, adapters: Adapters, person: Any, make_thread: Any
) -> None:
    thread = make_thread(person, "task", "Private")
    urls = [reverse(name) for name in PAGES] + [reverse(name, args=[thread.id]) for name in THREAD_GETS]
    urls.append(reverse("threads:energy_band_remove", args=["deep"]))
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url
    for name, data in THREAD_POSTS.items():
        assert client.post(reverse(name, args=[thread.id]), data).status_code == 302
    assert adapters.threads.get(thread.id) == thread


def test_every_post_refuses_a_missing_csrf_token(person: Any, adapters: Adapters, make_thread: Any) -> None:
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(person)
    thread = make_thread(person, "task", "Guarded")
    for name, data in THREAD_POSTS.items():
        for headers in ({}, {"HX-Request": "true"}):
            assert strict.post(reverse(name, args=[thread.id]), data, headers=headers).status_code == 403, name
    new = {"kind": "task", "title": "x", "quantum": "25", "energy_band": "deep"}
    assert strict.post(reverse("threads:new"), new).status_code == 403
    assert strict.post(reverse("threads:energy_bands"), {"name": "x", "colour": "#000000"}).status_code == 403
    assert strict.post(reverse("threads:energy_band_change", args=["deep"]), {"name": "x"}).status_code == 403
    assert strict.post(reverse("threads:energy_band_remove", args=["light"])).status_code == 403
    assert adapters.threads.get(thread.id) == thread
    assert [e.topic for e in adapters.bus.emitted] == ["task.created"]  # type: ignore[attr-defined]


def test_pages_and_fragments_carry_the_csrf_token_for_htmx(client_as: Any, person: Any, make_thread: Any) -> None:
    thread = make_thread(person, "task", "Token")
    page = client_as.get(reverse("threads:board")).content.decode()
    assert 'hx-headers=\'{"X-CSRFToken": "' in page
    fragment = client_as.get(reverse("threads:card", args=[thread.id]), headers={"HX-Request": "true"})
    assert 'name="csrfmiddlewaretoken"' in fragment.content.decode()


def test_only_get_or_post_where_it_makes_sense(client_as: Any, person: Any, make_thread: Any) -> None:
    thread = make_thread(person, "task", "Methods")
    assert client_as.post(reverse("threads:board")).status_code == 405
    assert client_as.post(reverse("threads:archive")).status_code == 405
    assert client_as.post(reverse("threads:detail", args=[thread.id])).status_code == 405
    assert client_as.get(reverse("threads:transition", args=[thread.id])).status_code == 405
    assert client_as.get(reverse("threads:energy_band_change", args=["deep"])).status_code == 405
    assert client_as.delete(reverse("threads:delete", args=[thread.id])).status_code == 405
