"""API test fixtures: people with tokens, and a client that speaks JSON with a bearer token."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from accounts import tokens


class ApiClient:
    """The Django test client, sending `Authorization: Bearer <token>` and JSON bodies."""

    def __init__(self, token: str | None) -> None:
        self.client = Client()
        self.token = token

    def _headers(self, headers: dict[str, str] | None) -> dict[str, str]:
        base = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return base | (headers or {})

    def get(self, path: str, headers: dict[str, str] | None = None, **params: Any) -> Any:
        return self.client.get(f"/api/v1{path}", params, headers=self._headers(headers))

    def send(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
        call = getattr(self.client, method.lower())
        data = json.dumps(body) if body is not None else ""
        return call(f"/api/v1{path}", data, content_type="application/json", headers=self._headers(headers))

    def post(self, path: str, body: Any = None, **kw: Any) -> Any:
        return self.send("POST", path, {} if body is None else body, **kw)

    def patch(self, path: str, body: Any, **kw: Any) -> Any:
        return self.send("PATCH", path, body, **kw)

    def put(self, path: str, body: Any, **kw: Any) -> Any:
        return self.send("PUT", path, body, **kw)

    def delete(self, path: str, **kw: Any) -> Any:
        return self.send("DELETE", path, None, **kw)


@pytest.fixture(autouse=True)
def _fresh_throttle() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def token(person: Any) -> str:
    return tokens.token_issue(user=person, name="laptop", scope="read_write").token


@pytest.fixture
def api(token: str, adapters: Any) -> ApiClient:
    return ApiClient(token)


@pytest.fixture
def other_api(other_person: Any, adapters: Any) -> ApiClient:
    return ApiClient(tokens.token_issue(user=other_person, name="theirs", scope="read_write").token)


@pytest.fixture
def reader(person: Any, adapters: Any) -> ApiClient:
    return ApiClient(tokens.token_issue(user=person, name="read only", scope="read").token)
