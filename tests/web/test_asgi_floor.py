"""The fixed cost of a request under ASGI: which sync code still hops to a thread, and that what
must happen there (loading the session and user, saving a session, closing a database connection)
still does. Requests go through the project's own ASGI handler (parallel_you/handler.py)."""

from __future__ import annotations

import asyncio
import hashlib
import inspect
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from asgiref.sync import SyncToAsync
from django.contrib.sessions.models import Session
from django.core.handlers.asgi import ASGIHandler as DjangoASGIHandler
from django.db import connections
from django.test import override_settings

from parallel_you.bootstrap import Adapters
from parallel_you.handler import ASGIHandler

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def hops(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The name of every function run through sync_to_async while the test runs."""
    names: list[str] = []
    original = SyncToAsync.__call__

    async def counted(self: SyncToAsync[Any, Any], *args: Any, **kwargs: Any) -> Any:
        names.append(getattr(self.func, "__name__", repr(self.func)))
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(SyncToAsync, "__call__", counted)
    yield names


async def call(
    path: str, *, method: str = "GET", cookies: dict[str, str] | None = None, body: bytes = b"", **headers: str
) -> tuple[int, dict[str, list[str]], bytes]:
    """One request through the project's ASGI handler: status, headers (lower-cased) and body."""
    raw = [(b"host", b"testserver")]
    if cookies:
        raw.append((b"cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()).encode()))
    raw += [(k.replace("_", "-").lower().encode(), v.encode()) for k, v in headers.items()]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": raw,
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    inbox = [{"type": "http.request", "body": body, "more_body": False}]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        if inbox:
            return inbox.pop(0)
        await asyncio.Event().wait()  # no disconnect: the handler cancels this once it has answered
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await ASGIHandler()(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    got: dict[str, list[str]] = {}
    for key, value in start["headers"]:
        got.setdefault(key.decode().lower(), []).append(value.decode("latin1"))
    body_out = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], got, body_out


@pytest.fixture
def signed_in(client: Any, person: Any, adapters: Adapters) -> dict[str, str]:
    client.force_login(person)
    return {"sessionid": client.cookies["sessionid"].value, "csrftoken": "x" * 32}


async def test_a_login_exempt_async_view_runs_no_code_in_a_thread(hops: list[str]) -> None:
    status, headers, body = await call("/healthz")
    assert status == 200 and body == b'{"status": "ok"}'
    assert headers["x-frame-options"] == ["DENY"] and headers["x-content-type-options"] == ["nosniff"]
    assert hops == []


async def test_a_page_behind_the_login_loads_session_and_user_in_one_hop(
    hops: list[str], signed_in: dict[str, str]
) -> None:
    status, _, body = await call("/", cookies=signed_in)
    assert status == 200 and b'id="board"' in body
    # The session and user lookup, then closing the response in that same thread (it opened a
    # database connection); the view's `await request.auser()` reuses the user.
    assert hops == ["_load_user", "close"]


async def test_without_a_session_the_page_redirects_to_the_login(hops: list[str], adapters: Adapters) -> None:
    status, headers, _ = await call("/")
    assert status == 302 and headers["location"] == ["/accounts/login/?next=/"]
    assert hops == ["_load_user", "close"]


async def test_the_request_thread_closes_the_database_connection_it_opened(
    monkeypatch: pytest.MonkeyPatch, signed_in: dict[str, str]
) -> None:
    from django.db.backends.base.base import BaseDatabaseWrapper

    from parallel_you import middleware

    opened: list[tuple[int, Any]] = []
    closed: list[tuple[int, Any]] = []
    load_user = middleware._load_user
    close = BaseDatabaseWrapper.close_if_unusable_or_obsolete

    def load_and_note(request: Any) -> Any:
        user = load_user(request)
        opened.append((threading.get_ident(), connections["default"]))
        assert connections["default"].connection is not None  # the lookups opened it
        return user

    def close_and_note(self: BaseDatabaseWrapper) -> None:
        closed.append((threading.get_ident(), self))
        close(self)

    monkeypatch.setattr(middleware, "_load_user", load_and_note)
    monkeypatch.setattr(BaseDatabaseWrapper, "close_if_unusable_or_obsolete", close_and_note)
    status, _, _ = await call("/", cookies=signed_in)
    # Django's clean-up ran in the thread that opened the connection, on that connection (a file
    # database would be closed now; the test's in-memory one is kept open by Django).
    assert status == 200 and len(opened) == 1
    assert opened[0] in closed


async def test_signing_in_saves_the_session_and_sets_its_cookie(make_user: Any) -> None:
    await asyncio.to_thread(make_user, "lin")
    status, _, _ = await call("/accounts/login/")
    assert status == 200
    form = b"username=lin&password=a-long-Passw0rd%21&csrfmiddlewaretoken=" + b"t" * 32
    status, headers, _ = await call(
        "/accounts/login/",
        method="POST",
        cookies={"csrftoken": "t" * 32},
        body=form,
        content_type="application/x-www-form-urlencoded",
    )
    assert status == 302, headers
    cookie = next(c for c in headers["set-cookie"] if c.startswith("sessionid="))
    key = cookie.split(";")[0].removeprefix("sessionid=")
    session = await Session.objects.aget(session_key=key)
    assert session.get_decoded()["_auth_user_id"]


async def test_a_post_without_the_csrf_token_is_refused_on_the_loop(hops: list[str], signed_in: dict[str, str]) -> None:
    status, _, _ = await call(
        "/threads/new/",
        method="POST",
        cookies=signed_in,
        body=b"kind=task&title=Sneaky",
        content_type="application/x-www-form-urlencoded",
    )
    assert status == 403
    assert "process_view" not in hops  # the CSRF check itself did not hop


def test_the_copied_handler_is_django_5_2_s() -> None:
    # parallel_you/handler.py copies ASGIHandler.handle: revisit it when Django's changes.
    source = inspect.getsource(DjangoASGIHandler.handle)
    assert hashlib.sha256(source.encode()).hexdigest()[:16] == "98faeb5bef800331"


def test_deploy_checks_see_our_middlewares_as_django_s() -> None:
    from django.conf import settings

    from parallel_you.checks import check_middleware_as_django

    def ids() -> set[str]:
        return {m.id for m in check_middleware_as_django(None) if m.id}

    assert not {i for i in ids() if i.startswith("parallel_you.")}  # ours stand in for Django's
    with override_settings(SECURE_HSTS_SECONDS=0, SECURE_CONTENT_TYPE_NOSNIFF=False):
        assert {"security.W004", "security.W006"} <= ids()  # the checks that need them still run
    without = [p for p in settings.MIDDLEWARE if not p.endswith(".SecurityMiddleware")]
    with override_settings(MIDDLEWARE=without, SECURE_HSTS_SECONDS=0):
        assert "parallel_you.W001" in ids() and "security.W004" not in ids()


async def test_any_other_request_signal_receiver_gets_django_s_behaviour(hops: list[str]) -> None:
    from django.core import signals

    heard: list[tuple[str, int]] = []

    def started(**kwargs: Any) -> None:
        heard.append(("started", threading.get_ident()))

    def finished(**kwargs: Any) -> None:
        heard.append(("finished", threading.get_ident()))

    signals.request_started.connect(started)
    signals.request_finished.connect(finished)
    try:
        status, _, _ = await call("/healthz")
    finally:
        signals.request_started.disconnect(started)
        signals.request_finished.disconnect(finished)
    assert status == 200
    assert [what for what, _ in heard] == ["started", "finished"]
    assert all(thread != threading.get_ident() for _, thread in heard)  # in a worker thread, as Django sends them
    assert hops.count("close") == 1
