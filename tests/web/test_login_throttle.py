"""Failed log-ins are throttled per account and per address, with the wait in the message; sign-up
tells no more about existing names than the form must, and not for a whole list of them."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import cache
from django.db.models import F
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-Passw0rd!"
LIMIT = settings.AXES_FAILURE_LIMIT


def log_in(client: Client, username: str, password: str, address: str = "10.0.0.1") -> Any:
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_the_limit_is_small_enough_to_matter() -> None:
    assert 3 <= LIMIT <= 10 and settings.AXES_COOLOFF_TIME >= timedelta(minutes=5)


def test_an_account_is_locked_after_the_limit_and_the_right_password_then_waits(
    client: Client, person: Any, adapters: Any
) -> None:
    for attempt in range(LIMIT - 1):
        response = log_in(client, "ada", f"wrong-{attempt}", address=f"10.0.1.{attempt}")
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.content.decode()
    locked = log_in(client, "ada", "wrong-again", address="10.0.2.1")
    assert locked.status_code == 429
    assert "Too many failed log-ins for this account or from your address. Try again in 15 minutes." in (
        locked.content.decode()
    )
    assert locked["Retry-After"] == str(int(settings.AXES_COOLOFF_TIME.total_seconds()))

    # The right password, from yet another address, still waits: the account is locked.
    response = log_in(client, "ada", PASSWORD, address="10.0.3.1")
    assert response.status_code == 429 and "Try again in" in response.content.decode()
    assert client.get(reverse("threads:board")).status_code == 302

    # Once the cool-off has passed, the right password logs in.
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - settings.AXES_COOLOFF_TIME)
    response = log_in(client, "ada", PASSWORD, address="10.0.3.1")
    assert response.status_code == 302 and response["Location"] == reverse("threads:board")


def test_the_wait_counts_down_from_the_last_failure(client: Client, person: Any, adapters: Any) -> None:
    for attempt in range(LIMIT):
        log_in(client, "ada", f"wrong-{attempt}")
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=11, seconds=30))
    response = log_in(client, "ada", PASSWORD, address="10.9.9.9")
    assert response.status_code == 429
    assert "Try again in 4 minutes." in response.content.decode()


def test_an_address_is_locked_after_the_limit_across_accounts(client: Client, person: Any, adapters: Any) -> None:
    for attempt in range(LIMIT):
        log_in(client, f"guess-{attempt}", "wrong", address="10.0.0.66")
    refused = log_in(client, "ada", PASSWORD, address="10.0.0.66")
    assert refused.status_code == 429
    assert "Try again in 15 minutes." in refused.content.decode()
    # Ada herself, from her own address, is not locked out by someone else's guessing.
    assert log_in(Client(), "ada", PASSWORD, address="10.0.0.7").status_code == 302


def test_a_lock_out_looks_the_same_for_a_name_that_does_not_exist(client: Client, person: Any, adapters: Any) -> None:
    def locked_page(username: str, address: str) -> str:
        for attempt in range(LIMIT):
            response = log_in(client, username, f"wrong-{attempt}", address=address)
        assert response.status_code == 429
        page = response.content.decode()
        main = page[page.index("<main") : page.index("</main>")].replace(username, "NAME")
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", main)

    assert locked_page("ada", "10.0.5.1") == locked_page("nobody-by-this-name", "10.0.5.2")


@pytest.fixture
def signup_address() -> Any:
    address = "10.0.7.7"
    cache.delete(f"signup-taken:{address}")
    yield address
    cache.delete(f"signup-taken:{address}")


def test_sign_up_says_a_name_is_taken_but_not_for_a_whole_list(
    client: Client, make_user: Any, adapters: Any, signup_address: str
) -> None:
    for n in range(settings.SIGNUP_TAKEN_LIMIT):
        make_user(f"taken-{n}")

    def sign_up(username: str, address: str = signup_address) -> Any:
        data = {"username": username, "password1": PASSWORD, "password2": PASSWORD}
        return client.post(reverse("signup"), data, REMOTE_ADDR=address)

    for n in range(settings.SIGNUP_TAKEN_LIMIT):
        response = sign_up(f"taken-{n}")
        assert response.status_code == 400
        assert "A user with that username already exists." in response.content.decode()
    refused = sign_up("taken-0")
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "Too many sign-ups with names already taken from your address. Try again in 15 minutes." in page
    assert "already exists" not in page
    # Refused the same way whether or not the name exists, and nothing is created.
    assert sign_up("free-name").status_code == 429
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(username="free-name").exists()
    # Another address signs up as usual.
    assert sign_up("free-name", address="10.0.8.8").status_code == 302
