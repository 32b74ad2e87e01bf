"""Many writers seen from the page: two sessions of one person edit the same story; a store that
stops answering or a race no service could settle is a message, never a 500."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from parallel_you.bootstrap import Adapters as App
from parallel_you.repo import Conflict, RepoError

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true", "HX-Current-URL": "http://testserver/"}


def read_version(form_html: str) -> str:
    found = re.search(r'name="version" value="(\d+)"', form_html)
    assert found is not None, form_html
    return found.group(1)


def story_form(title: str, version: str) -> dict[str, str]:
    return {"title": title, "notes": "", "quantum": "25", "energy_band": "deep", "estimate": "1", "version": version}


def test_two_sessions_edit_one_story_the_second_is_told_and_the_first_change_survives(
    person: Any, adapters: App, make_thread: Any
) -> None:
    saga = make_thread(person, "saga", "Book")
    story = make_thread(person, "story", "Chapter one", parent_id=saga.id)
    laptop, phone = Client(), Client()
    laptop.force_login(person)
    phone.force_login(person)
    url = reverse("threads:edit", args=[story.id])

    # Both open the edit form on the same version.
    seen_on_laptop = read_version(laptop.get(url, headers=HX).content.decode())
    seen_on_phone = read_version(phone.get(url, headers=HX).content.decode())
    assert seen_on_laptop == seen_on_phone == str(story.version)

    first = laptop.post(url, story_form("Chapter one, revised on the laptop", seen_on_laptop) | {"parent_id": saga.id})
    assert first.status_code == 302

    second = phone.post(
        url, story_form("Chapter one, from the phone", seen_on_phone) | {"parent_id": saga.id}, headers=HX
    )
    body = html.unescape(second.content.decode())
    assert second.status_code == 422
    assert "This story changed elsewhere (another tab or device) while you were editing it" in body
    assert "your changes were not saved" in body
    # The form now shows the story as it is, with the version it shows.
    assert 'value="Chapter one, revised on the laptop"' in body
    assert read_version(body) == str(story.version + 1)

    stored = adapters.threads.get(story.id)
    assert stored is not None and stored.title == "Chapter one, revised on the laptop"
    assert stored.version == story.version + 1
    updates = [e for e in adapters.bus.emitted if e.topic == "story.updated"]  # type: ignore[attr-defined]
    assert [e.payload["title"] for e in updates] == ["Chapter one, revised on the laptop"]

    # Saving again from the form that now shows the current state is a knowing choice: it applies.
    again = phone.post(url, story_form("Chapter one, from the phone", read_version(body)) | {"parent_id": saga.id})
    assert again.status_code == 302
    assert adapters.threads.get(story.id).title == "Chapter one, from the phone"  # type: ignore[union-attr]


class Failing:
    """A threads repo whose reads fail the way a store that went away does."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def __getattr__(self, name: str) -> Any:
        raise self.error


@pytest.mark.parametrize(
    "error,status,words",
    [
        (RepoError("connection refused"), 503, "isn't answering right now, so nothing was changed"),
        (Conflict("x", 3), 409, "changed elsewhere"),
    ],
    ids=["store-down", "conflict"],
)
def test_store_problems_are_messages_not_500s(
    client_as: Any, person: Any, adapters: App, make_thread: Any, error: Exception, status: int, words: str
) -> None:
    task = make_thread(person, "task", "Anything")
    adapters.threads = Failing(error)  # type: ignore[assignment]
    page = client_as.get("/")
    assert page.status_code == status and words in html.unescape(page.content.decode())
    fragment = client_as.post(reverse("threads:transition", args=[task.id]), {"action": "park"}, headers=HX)
    assert fragment.status_code == status and fragment["HX-Retarget"] == "#live-status"
    assert words in html.unescape(fragment.content.decode())
