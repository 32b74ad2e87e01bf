"""The archive page: archived threads, search, unarchive in place."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from parallel_you.bootstrap import Adapters

pytestmark = pytest.mark.django_db


def archived(person: Any, make_thread: Any, transition: Any, title: str) -> Any:
    thread = make_thread(person, "task", title)
    transition(person, thread, "done")
    return transition(person, thread, "archive")


def test_the_archive_lists_archived_threads_and_searches_them(
    client_as: Any, person: Any, make_thread: Any, transition: Any
) -> None:
    make_thread(person, "task", "Still on the board")
    archived(person, make_thread, transition, "Old report")
    archived(person, make_thread, transition, "Tax return")
    body = client_as.get(reverse("threads:archive")).content.decode()
    assert "Old report" in body and "Tax return" in body and "Still on the board" not in body
    fragment = client_as.get(reverse("threads:archive"), {"q": "TAX"}, headers={"HX-Request": "true"})
    text = fragment.content.decode()
    assert text.lstrip().startswith('<div id="archive"') and "Tax return" in text and "Old report" not in text
    assert "HX-Request" in fragment["Vary"]
    assert "Nothing archived matches “zzz”" in client_as.get(reverse("threads:archive"), {"q": "zzz"}).content.decode()


def test_an_empty_archive_says_how_threads_get_there(client_as: Any) -> None:
    body = client_as.get(reverse("threads:archive")).content.decode()
    assert "Nothing archived yet" in body and "<strong>Archive</strong> it from its card" in body


def test_unarchive_from_the_archive_page(
    client_as: Any, person: Any, adapters: Adapters, make_thread: Any, transition: Any
) -> None:
    thread = archived(person, make_thread, transition, "Bring back")
    body = client_as.get(reverse("threads:archive")).content.decode()
    assert 'value="unarchive"' in body
    response = client_as.post(
        reverse("threads:transition", args=[thread.id]),
        {"action": "unarchive", "next": "/archive/"},
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/archive/"},
    )
    assert response.status_code == 200 and response["HX-Retarget"] == "#archive"
    assert "Bring back" not in response.content.decode()
    assert adapters.threads.get(thread.id).archived is False  # type: ignore[union-attr]
    assert "Bring back" in client_as.get(reverse("threads:board")).content.decode()
    transition(person, thread, "archive")
    response = client_as.post(
        reverse("threads:transition", args=[thread.id]), {"action": "unarchive", "next": "/archive/"}
    )
    assert response.status_code == 302 and response["Location"] == "/archive/"
    assert adapters.threads.get(thread.id).archived is False  # type: ignore[union-attr]
