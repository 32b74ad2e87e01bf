"""Who may use /api/v1/: bearer tokens (read or read-write), the session with CSRF, throttling."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.test import Client

from accounts import tokens
from accounts.models import AccessToken
from parallel_you.bootstrap import Adapters
from tests.api.conftest import ApiClient

pytestmark = pytest.mark.django_db


def test_no_token_or_a_bad_one_is_a_401_in_json(adapters: Adapters, person: Any) -> None:
    for client in (ApiClient(None), ApiClient("pyat_not-a-real-token"), ApiClient("garbage")):
        response = client.get("/threads")
        assert response.status_code == 401
        assert response.json()["code"] == "unauthenticated" and response.headers["WWW-Authenticate"] == "Bearer"


def test_tokens_are_stored_hashed_and_record_their_last_use(person: Any, api: ApiClient, token: str) -> None:
    record = AccessToken.objects.get(user=person)
    assert token not in (record.digest, record.hint) and record.digest == tokens.digest_of(token)
    assert token.startswith(record.hint) and record.last_used_at is None
    assert api.get("/threads").status_code == 200
    record.refresh_from_db()
    assert record.last_used_at is not None


def test_a_read_token_reads_but_may_not_write(reader: ApiClient, adapters: Adapters) -> None:
    assert reader.get("/threads").status_code == 200
    response = reader.post("/threads", {"kind": "task", "title": "Nope"})
    assert response.status_code == 403 and response.json()["code"] == "read_only_token"
    assert reader.get("/threads").json()["count"] == 0


def test_a_revoked_token_stops_working_at_once(person: Any, api: ApiClient, token: str) -> None:
    assert api.get("/threads").status_code == 200
    record = AccessToken.objects.get(user=person)
    assert async_to_sync(tokens.token_revoke)(user=person, token_id=record.pk) is True
    assert api.get("/threads").status_code == 401


def test_someone_else_cannot_revoke_my_token(person: Any, other_person: Any, api: ApiClient) -> None:
    record = AccessToken.objects.get(user=person)
    assert async_to_sync(tokens.token_revoke)(user=other_person, token_id=record.pk) is False
    assert api.get("/threads").status_code == 200


def test_failed_token_sign_ins_are_throttled_per_address(adapters: Adapters, api: ApiClient, settings: Any) -> None:
    settings.PARALLEL_YOU_TOKEN_FAILURES = 3
    bad = ApiClient("pyat_guess")
    for _ in range(3):
        assert bad.get("/threads").status_code == 401
    throttled = bad.get("/threads")
    assert throttled.status_code == 429 and throttled.json()["code"] == "throttled"
    assert int(throttled.headers["Retry-After"]) > 0
    # Even a good token from that address waits: guessing must stay slow.
    assert api.get("/threads").status_code == 429
    other_address = api.client.get("/api/v1/threads", REMOTE_ADDR="10.0.0.9", headers=api._headers(None))
    assert other_address.status_code == 200


def test_session_auth_reads_and_writes_with_csrf(person: Any, adapters: Adapters) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)
    assert client.get("/api/v1/threads").status_code == 200
    body = '{"kind": "task", "title": "From the page"}'
    refused = client.post("/api/v1/threads", body, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "csrf_failed"
    assert client.get("/api/v1/threads").json()["count"] == 0
    client.get("/")  # sets the CSRF cookie, as a page would
    csrf = client.cookies["csrftoken"].value
    accepted = client.post("/api/v1/threads", body, content_type="application/json", headers={"X-CSRFToken": csrf})
    assert accepted.status_code == 201


def test_openapi_document_is_public_and_docs_need_a_login(client: Client, person: Any) -> None:
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200 and "/api/v1/threads" in schema.json()["paths"]
    assert client.get("/api/v1/docs").status_code == 302
    client.force_login(person)
    docs = client.get("/api/v1/docs")
    html = docs.content.decode()
    assert docs.status_code == 200 and "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "<script>" not in html  # no CDN, no inline script for a strict CSP
