"""The person's time zone: taken from the browser at sign-up, changed on the settings page, used
for every time a page shows."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse

from parallel_you.bootstrap import Adapters
from threads.selectors import profile_get

pytestmark = pytest.mark.django_db

SIGN_UP = {"username": "ada", "password1": "a-long-Passw0rd!", "password2": "a-long-Passw0rd!"}


def zone_of(adapters: Adapters, username: str = "ada") -> str:
    user = get_user_model().objects.get(username=username)
    return profile_get(repo=adapters.profiles, owner=str(user.pk)).time_zone


def test_the_sign_up_page_asks_the_browser_for_its_zone(client: Any, adapters: Adapters) -> None:
    body = client.get(reverse("signup")).content.decode()
    assert 'src="/static/js/time-zone.js"' in body
    assert 'type="hidden" name="time_zone"' in body and "data-browser-zone" in body
    assert "<label" in body and 'for="id_time_zone"' not in body  # no label for the hidden field


@pytest.mark.parametrize(
    ("sent", "stored"),
    [("Pacific/Auckland", "Pacific/Auckland"), ("Mars/Olympus_Mons", "UTC"), ("", "UTC"), (None, "UTC")],
)
def test_sign_up_stores_the_browsers_zone_or_utc(
    client: Any, adapters: Adapters, sent: str | None, stored: str
) -> None:
    data = SIGN_UP | ({"time_zone": sent} if sent is not None else {})
    response = client.post(reverse("signup"), data)
    assert response.status_code == 302
    assert zone_of(adapters) == stored


def test_a_refused_sign_up_stores_no_profile(client: Any, adapters: Adapters) -> None:
    response = client.post(reverse("signup"), SIGN_UP | {"password2": "other", "time_zone": "Europe/Berlin"})
    assert response.status_code == 400
    assert not get_user_model().objects.filter(username="ada").exists()
    assert adapters.bus.emitted == []  # type: ignore[attr-defined]


def test_the_settings_page_changes_the_zone(client_as: Any, person: Any, adapters: Adapters) -> None:
    page = client_as.get(reverse("settings")).content.decode()
    assert '<option value="UTC" selected>' in page and '<option value="Europe/Berlin">' in page
    assert 'href="/accounts/settings/">Settings</a>' in page  # in the account menu
    response = client_as.post(reverse("settings"), {"time_zone": "Europe/Berlin"}, follow=True)
    assert response.status_code == 200
    assert "Saved: your time zone is Europe/Berlin." in response.content.decode()
    assert zone_of(adapters) == "Europe/Berlin"
    assert [e.topic for e in adapters.bus.emitted][-1] == "profile.updated"  # type: ignore[attr-defined]


@pytest.mark.parametrize("value", ["Mars/Olympus_Mons", "", "Europe/Berlin<script>"])
def test_an_unknown_zone_is_refused_in_place_and_changes_nothing(
    client_as: Any, person: Any, adapters: Adapters, value: str
) -> None:
    response = client_as.post(reverse("settings"), {"time_zone": value})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Pick a time zone from the list, for example Europe/Berlin." in body
    assert "<script>" not in body.split("<main", 1)[1]
    assert zone_of(adapters) == "UTC"


@pytest.mark.parametrize(
    ("zone", "shown"),
    [("UTC", "1 Mar 2026, 12:30"), ("Pacific/Auckland", "2 Mar 2026, 01:30"), ("Europe/Berlin", "1 Mar 2026, 13:30")],
)
def test_times_are_shown_in_the_persons_zone(
    client_as: Any, person: Any, adapters: Adapters, make_thread: Any, zone: str, shown: str
) -> None:
    with time_machine.travel(datetime(2026, 3, 1, 12, 30, tzinfo=UTC), tick=False):
        thread = make_thread(person, "task", "Zoned")
    client_as.post(reverse("settings"), {"time_zone": zone})
    body = client_as.get(reverse("threads:detail", args=[thread.id])).content.decode()
    assert f'<dt>Created</dt><dd><time datetime="2026-03-01T12:30:00+00:00">{shown}</time></dd>' in body


def test_the_settings_page_shows_now_in_the_persons_zone(client_as: Any, person: Any, adapters: Adapters) -> None:
    client_as.post(reverse("settings"), {"time_zone": "Pacific/Auckland"})
    # 11:30 UTC on Monday 2 March is already Tuesday 00:30 in Auckland.
    with time_machine.travel(datetime(2026, 3, 2, 11, 30, tzinfo=UTC), tick=False):
        body = client_as.get(reverse("settings")).content.decode()
    assert "Tue 3 Mar 2026, 00:30</time> in Pacific/Auckland" in body
