"""Fault: the document store (MongoDB over the wire; here the nx-27017 emulator, a process the test
controls) stops answering while a request waits on it, then goes away, then comes back.

The person sees a clear message in place of a 500, nothing is half-written, and the same web
process serves them again once the store is back, without a restart.
"""

from __future__ import annotations

import html
import re
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pymongo import MongoClient

from tests.support import mongo_wire
from tests.support.http import Response, WebClient
from tests.support.servers import Server, free_port, migrate, server_env

pytestmark = pytest.mark.timeout(120)

CREATED = re.compile(r'data-created-id="([0-9a-f]{32})"')


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[dict[str, Any]]:
    mongo_wire.require()
    store = mongo_wire.WireServer(tmp_path / "store")
    (tmp_path / "store").mkdir()
    store.start()
    env = server_env(tmp_path, PARALLEL_YOU_REPO="mongo", MONGO_URI=store.uri, MONGO_TIMEOUT_MS="1500")
    migrate(env)
    port = free_port()
    web = Server(url=f"http://127.0.0.1:{port}", port=port, env=env, log_path=tmp_path / "web.log")
    try:
        web.start()
        yield {"web": web, "store": store}
    finally:
        web.stop()
        store.stop()


def stored(store: mongo_wire.WireServer, thread_id: str) -> dict[str, Any]:
    client: MongoClient[Any] = MongoClient(store.uri, serverSelectionTimeoutMS=5000)
    try:
        found = client.get_default_database()["threads"].find_one({"_id": thread_id})
        assert found is not None
        return found
    finally:
        client.close()


def edit(client: WebClient, thread_id: str, title: str) -> Response:
    return client.post(
        f"/threads/{thread_id}/edit/",
        {"title": title, "notes": "", "quantum": "25", "energy_band": "deep", "estimate": "1", "parent_id": ""},
        htmx=True,
    )


def test_the_store_going_away_mid_request_is_a_clear_message_and_the_app_recovers(rig: dict[str, Any]) -> None:
    web, store = rig["web"], rig["store"]
    ada = WebClient(web.url)
    ada.sign_up("ada")
    made = ada.post(
        "/threads/new/", {"kind": "task", "title": "Before", "energy_band": "deep", "quantum": "25"}, htmx=True
    )
    found = CREATED.search(made.text)
    assert made.status == 200 and found is not None, made.text[:300]
    task = found.group(1)
    before = stored(store, task)

    # The store hangs (SIGSTOP) with the edit already on its way, then dies while it waits.
    assert store.process is not None
    store.process.send_signal(signal.SIGSTOP)
    answers: list[Response] = []
    request = threading.Thread(target=lambda: answers.append(edit(ada, task, "During the outage")))
    request.start()
    request.join(0.5)
    assert request.is_alive(), "the edit answered while the store was frozen"
    store.kill()
    request.join(15)
    [during] = answers
    assert during.status == 503, during.text[:500]
    assert "isn't answering right now, so nothing was changed" in html.unescape(during.text)
    assert during.headers.get("hx-retarget") == "#live-status"

    # A page asked for while the store is down says so too.
    board = ada.get("/")
    assert board.status == 503 and "Try again" in board.text

    # Back on the same data: nothing of the refused edit was written, and the same process serves again.
    store.start()
    assert stored(store, task) == before
    assert ada.get("/").status == 200
    after = edit(ada, task, "After the outage")
    assert after.status == 200, after.text[:500]
    again = stored(store, task)
    assert again["title"] == "After the outage" and again["version"] == before["version"] + 1
