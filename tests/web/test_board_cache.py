"""Cached board cards: never stale, and their forms carry this request's CSRF token."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from parallel_you.templatetags.fragments import CSRF_PLACEHOLDER

pytestmark = pytest.mark.django_db


def test_a_plain_form_post_from_a_cached_card_passes_the_csrf_check(
    person: Any, adapters: Any, make_thread: Any
) -> None:
    task = make_thread(person, "task", "Write")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(person)
    browser.get(reverse("threads:board"))  # renders and caches the card
    page = browser.get(reverse("threads:board")).content.decode()  # served from the cache
    assert CSRF_PLACEHOLDER not in page
    card = page[page.index(f'id="thread-{task.id}"') :]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', card)
    assert token is not None
    response = browser.post(
        reverse("threads:transition", args=[task.id]), {"action": "park", "csrfmiddlewaretoken": token.group(1)}
    )
    assert response.status_code == 302
    assert adapters.threads.get(task.id).state.value == "parked"


def test_a_changed_thread_or_saga_title_is_never_served_stale(
    client_as: Any, person: Any, make_thread: Any, transition: Any
) -> None:
    saga = make_thread(person, "saga", "Old saga title")
    story = make_thread(person, "story", "Chapter", parent_id=saga.id)
    assert "Old saga title" in client_as.get(reverse("threads:board")).content.decode()
    client_as.post(
        reverse("threads:edit", args=[saga.id]), {"title": "New saga title", "energy_band": "deep", "quantum": 25}
    )
    transition(person, story, "park")
    page = client_as.get(reverse("threads:board")).content.decode()
    card = page[page.index(f'id="thread-{story.id}"') :]
    card = card[: card.index("</article>")]
    assert "New saga title" in card and "Old saga title" not in page
    assert 'data-state="parked"' in card
