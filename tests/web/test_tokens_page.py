"""The access tokens settings page: create (shown once), list with last use, revoke; login and CSRF."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import AccessToken

pytestmark = pytest.mark.django_db


def test_create_shows_the_token_once_and_lists_it(client_as: Any, person: Any) -> None:
    response = client_as.post(reverse("tokens"), {"name": "Laptop <b>", "scope": "read_write"})
    assert response.status_code == 200
    html = response.content.decode()
    token = response.context["issued"].token
    assert token in html and "Laptop &lt;b&gt;" in html and "Laptop <b>" not in html
    record = AccessToken.objects.get(user=person)
    assert record.scope == "read_write" and record.digest != token
    listed = client_as.get(reverse("tokens")).content.decode()
    assert token not in listed and f"{record.hint}…" in listed and "never" in listed
    assert client_as.get("/api/v1/threads", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_bad_input_is_refused_in_place(client_as: Any, person: Any) -> None:
    response = client_as.post(reverse("tokens"), {"name": "  ", "scope": "admin"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"name", "scope"}
    assert not AccessToken.objects.exists()


def test_revoke_is_for_my_own_tokens_only(client_as: Any, person: Any, other_person: Any) -> None:
    client_as.post(reverse("tokens"), {"name": "mine", "scope": "read"})
    mine = AccessToken.objects.get(user=person)
    other = Client()
    other.force_login(other_person)
    assert other.post(reverse("token_revoke", args=[mine.pk])).status_code == 404
    response = client_as.post(reverse("token_revoke", args=[mine.pk]))
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.revoked_at is not None
    assert "mine" not in client_as.get(reverse("tokens")).content.decode()
    assert client_as.post(reverse("token_revoke", args=[mine.pk])).status_code == 404


def test_tokens_page_needs_a_login_and_csrf(client: Any, person: Any) -> None:
    assert client.get(reverse("tokens")).status_code == 302
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(person)
    assert strict.post(reverse("tokens"), {"name": "x", "scope": "read"}).status_code == 403
    assert not AccessToken.objects.exists()
