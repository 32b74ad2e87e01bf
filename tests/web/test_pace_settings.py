"""The break policy page /pace/settings/: each setting saved, each bad value refused in place with
a clear message and nothing changed; linked from the account menu; login required; CSRF."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from pace.selectors import settings_get
from parallel_you.bootstrap import Adapters

pytestmark = pytest.mark.django_db

URL = "/pace/settings/"
GOOD = {"focus_budget": "90", "break_minutes": "10", "daily_skips": "3", "idle_minutes": "15", "version": "0"}


def saved(adapters: Adapters, person: Any) -> Any:
    return settings_get(repo=adapters.pace_settings, owner=str(person.pk))


def test_the_page_shows_the_defaults_and_is_in_the_account_menu(client_as: Any) -> None:
    page = client_as.get(URL).content.decode()
    for name, value in (("focus_budget", "90"), ("break_minutes", "10"), ("daily_skips", "3"), ("idle_minutes", "15")):
        assert f'name="{name}" value="{value}"' in page
    assert 'name="strict"' in page and "checked" not in page.split('name="strict"')[1].split(">")[0]
    board = client_as.get(reverse("threads:board")).content.decode()
    assert f'href="{reverse("pace:settings")}">Breaks and pace</a>' in board
    assert reverse("pace:clock") in board  # the header clock


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("focus_budget", "45", 45),
        ("break_minutes", "5", 5),
        ("daily_skips", "0", 0),
        ("idle_minutes", "30", 30),
    ],
)
def test_each_setting_is_saved(
    client_as: Any, person: Any, adapters: Adapters, field: str, value: str, expected: int
) -> None:
    response = client_as.post(URL, {**GOOD, field: value})
    assert response.status_code == 302 and response["Location"] == URL
    assert getattr(saved(adapters, person), field) == expected
    assert "Saved:" in client_as.get(URL).content.decode()


def test_strict_mode_is_saved_and_said(client_as: Any, person: Any, adapters: Adapters) -> None:
    response = client_as.post(URL, {**GOOD, "strict": "on"}, follow=True)
    assert saved(adapters, person).strict is True
    assert "strict mode on" in response.content.decode()
    client_as.post(URL, {**GOOD, "version": "1"})
    assert saved(adapters, person).strict is False


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("focus_budget", "0", "The focus budget is at least 1 minute."),
        ("focus_budget", "601", "The focus budget is at most 600 minutes."),
        ("focus_budget", "ninety", "The focus budget is a whole number of minutes."),
        ("focus_budget", "", "Give the focus budget in minutes."),
        ("break_minutes", "0", "The break length is at least 1 minute."),
        ("break_minutes", "121", "The break length is at most 120 minutes."),
        ("daily_skips", "-1", "Skips a day can't be negative: 0 means none."),
        ("daily_skips", "2.5", "Skips a day is a whole number."),
        ("idle_minutes", "5", "Idle time counts as a break only once it is at least as long as a break: make it 10"),
    ],
)
def test_bad_values_are_refused_in_place_and_change_nothing(
    client_as: Any, person: Any, adapters: Adapters, field: str, value: str, message: str
) -> None:
    response = client_as.post(URL, {**GOOD, field: value})
    assert response.status_code == 400
    page = response.content.decode()
    assert escape(message) in page
    # The message sits in the field's own block, next to what was typed.
    block = page.split(f'name="{field}"')[1].split('class="field')[0]
    assert escape(message.split(":")[0]) in block
    assert saved(adapters, person).version == 0


def test_htmx_refusal_is_422(client_as: Any) -> None:
    response = client_as.post(URL, {**GOOD, "break_minutes": "0"}, headers={"HX-Request": "true"})
    assert response.status_code == 422


def test_a_change_made_elsewhere_meanwhile_is_not_overwritten(client_as: Any, person: Any, adapters: Adapters) -> None:
    client_as.post(URL, {**GOOD, "focus_budget": "60"})
    response = client_as.post(URL, {**GOOD, "focus_budget": "120", "version": "0"})
    assert response.status_code == 400
    assert "changed elsewhere" in response.content.decode()
    assert saved(adapters, person).focus_budget == 60


def test_login_and_csrf_required(person: Any, adapters: Adapters) -> None:
    anonymous = Client()
    assert anonymous.get(URL).status_code == 302
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(person)
    assert strict.post(URL, GOOD).status_code == 403
    assert saved(adapters, person).version == 0
