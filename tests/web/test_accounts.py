"""Accounts and the first page: sign up, log in, log out, change password; everything needs a login."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_every_page_needs_a_login(client: Any, adapters: Any) -> None:
    response = client.get(reverse("threads:board"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_sign_up_logs_in_and_shows_the_empty_board(client: Any, adapters: Any) -> None:
    response = client.post(
        reverse("signup"),
        {"username": "ada", "password1": "a-long-Passw0rd!", "password2": "a-long-Passw0rd!"},
        follow=True,
    )
    assert response.status_code == 200
    assert b"Your board is empty" in response.content
    assert b"Create a <strong>saga</strong>" in response.content


def test_sign_up_errors_show_next_to_the_field(client: Any, adapters: Any) -> None:
    response = client.post(reverse("signup"), {"username": "ada", "password1": "x", "password2": "y"})
    assert response.status_code == 400
    assert "The two password fields didn’t match." in response.content.decode()


def test_log_in_and_log_out(client: Any, person: Any, adapters: Any) -> None:
    response = client.post(reverse("login"), {"username": "ada", "password": "a-long-Passw0rd!"})
    assert response.status_code == 302 and response["Location"] == reverse("threads:board")
    assert client.get(reverse("threads:board")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("threads:board")).status_code == 302


def test_wrong_password_is_refused_with_a_message(client: Any, person: Any, adapters: Any) -> None:
    response = client.post(reverse("login"), {"username": "ada", "password": "nope"})
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content


def test_change_password(client_as: Any, person: Any) -> None:
    response = client_as.post(
        reverse("password_change"),
        {"old_password": "a-long-Passw0rd!", "new_password1": "Another-l0ng-one", "new_password2": "Another-l0ng-one"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password("Another-l0ng-one")


def test_csrf_is_enforced_on_login(adapters: Any, person: Any) -> None:
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("login"), {"username": "ada", "password": "a-long-Passw0rd!"})
    assert response.status_code == 403
