"""Live sockets end with the login session they were opened from.

A socket is authorised once, at connect, from its session cookie. When that session ends (log out,
a password change, the session deleted by an admin or `clearsessions`, or simply expired), every
socket opened from it must stop receiving the person's events and close, within a second.

Why three paths, and none of them a database query per forwarded event: an event fans out to every
open tab of its owner, so a per-event session check would cost a query per socket per event.
Instead a socket carries an `ended` flag that the consumer reads before forwarding (free), and
three things set it:

1. A signal in the process that ends the session (a deleted `Session` row: log out, key cycling,
   an ORM flush; a password change through our view) marks that process's sockets of the session
   at once, before the request that ended it returns: that process forwards nothing more to them.
2. The same signal tells every other web process through the channel layer (the path the events
   themselves take), in groups named after a hash of the session key (never the key itself: the
   group names travel to the broker).
3. What happens without a signal or outside a web process (expiry, `clearsessions` in a shell,
   `changepassword`, SQL): one sweeper task per process checks every open socket's session and
   password hash in two indexed queries every SWEEP_SECONDS, whatever the number of sockets or
   events. That bounds the cost at two queries per process per half second while sockets are open.

A session whose key was only renewed (a password change cycles the key and keeps the person logged
in on that browser) closes its sockets with 1012 "service restart", which the htmx ws extension
reconnects with the new cookie; an ended one closes with 4401, which it does not.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import logging
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

log = logging.getLogger(__name__)

SWEEP_SECONDS = 0.5
ENDED = 4401  # the session is over: the page says so and does not reconnect
RENEWED = 1012  # the session goes on under a new key: the page reconnects with its new cookie
_CHUNK = 500  # session keys per query (well under SQLite's bound-parameter limit)


class LiveSocket(Protocol):
    session_key: str
    user_pk: Any
    auth_hash: str

    def end(self, code: int) -> None:
        """Stop forwarding at once and close the socket on its own loop (thread-safe)."""


def session_group(session_key: str) -> str:
    """The Channels group of one session's sockets: a hash, so the key never reaches the broker."""
    return "session." + hashlib.sha256(session_key.encode()).hexdigest()[:40]


# This process's open sockets by session key. Signals run in Django's sync threads while the
# sockets live on the event loop, hence the lock.
_lock = threading.Lock()
_sockets: dict[str, set[LiveSocket]] = {}
_renewing: set[str] = set()
_loop: asyncio.AbstractEventLoop | None = None
_sweeper: asyncio.Task[None] | None = None


def remember_loop() -> None:
    """Record the server's event loop (called by the ASGI application on every connection), so a
    signal raised in a sync view's thread can reach the channel layer on that loop."""
    global _loop
    loop = asyncio.get_running_loop()
    if _loop is not loop:
        _loop = loop


def register(socket: LiveSocket) -> None:
    global _sweeper
    remember_loop()
    with _lock:
        _sockets.setdefault(socket.session_key, set()).add(socket)
    if _sweeper is None or _sweeper.done():
        _sweeper = asyncio.get_running_loop().create_task(_sweep(), name="live-session-sweeper")


def unregister(socket: LiveSocket) -> None:
    with _lock:
        sockets = _sockets.get(socket.session_key)
        if sockets is not None:
            sockets.discard(socket)
            if not sockets:
                del _sockets[socket.session_key]


def _snapshot() -> list[LiveSocket]:
    with _lock:
        return [socket for sockets in _sockets.values() for socket in sockets]


def end_local(session_key: str, code: int) -> int:
    """End this process's sockets of one session; returns how many."""
    with _lock:
        sockets = list(_sockets.get(session_key, ()))
    for socket in sockets:
        socket.end(code)
    return len(sockets)


@contextmanager
def renewing(session_key: str | None) -> Iterator[None]:
    """Within this block, deleting `session_key` renews the session rather than ending it."""
    if session_key is None:
        yield
        return
    with _lock:
        _renewing.add(session_key)
    try:
        yield
    finally:
        with _lock:
            _renewing.discard(session_key)


def _publish(group: str, message: dict[str, Any]) -> None:
    """Send to other web processes through the channel layer, on the server's loop (the layer
    belongs to it: channels-rabbitmq refuses to be made or used off it). Outside a web server (a
    management command) there is no loop to send from and no socket here: the sweepers of the web
    processes notice instead. Never raises: ending a session must not fail on a notice."""
    loop = _loop
    if loop is None or loop.is_closed() or not loop.is_running():
        return
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    try:
        if running is loop:
            _pending.add(task := loop.create_task(_send(group, message)))
            task.add_done_callback(_sent)
        else:
            asyncio.run_coroutine_threadsafe(_send(group, message), loop).add_done_callback(_sent)
    except RuntimeError:  # the loop stopped meanwhile
        log.warning("could not tell other web processes that a session ended: the server is stopping")


async def _send(group: str, message: dict[str, Any]) -> None:
    layer: Any = get_channel_layer()
    await layer.group_send(group, message)


_pending: set[asyncio.Task[None]] = set()


def _sent(future: Any) -> None:
    _pending.discard(future)
    if not future.cancelled() and future.exception() is not None:
        log.error("could not tell other web processes that a session ended", exc_info=future.exception())


def session_deleted(sender: type, instance: Session, **kwargs: Any) -> None:
    """post_delete of a Session row: log out, key cycling, an admin or ORM flush."""
    key = instance.session_key
    with _lock:
        code = RENEWED if key in _renewing else ENDED
    end_local(key, code)
    transaction.on_commit(lambda: _publish(session_group(key), {"type": "session.ended", "code": code}))


def password_changed(*, user_pk: Any, auth_hash: str) -> None:
    """A person's password changed: every socket opened under the old one ends, in every process."""
    from parallel_you.realtime import person_group

    for socket in _snapshot():
        if socket.user_pk == user_pk and socket.auth_hash != auth_hash:
            socket.end(ENDED)
    _publish(person_group(str(user_pk)), {"type": "auth.changed", "auth_hash": auth_hash})


def stale_sockets(sockets: Iterable[LiveSocket]) -> list[LiveSocket]:
    """The sockets whose session is gone or expired, or whose person's password (or active flag)
    changed since they connected: two queries per _CHUNK sessions, whatever the socket count."""
    sockets = list(sockets)
    keys = sorted({s.session_key for s in sockets})
    pks = sorted({s.user_pk for s in sockets}, key=str)
    now = timezone.now()
    live: set[str] = set()
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        current = Session.objects.filter(session_key__in=chunk, expire_date__gt=now)
        # Nearly always every session is still there: counting them transfers no rows.
        if current.count() == len(chunk):
            live.update(chunk)
        else:
            live.update(current.values_list("session_key", flat=True))
    User = get_user_model()
    hashes: dict[Any, str] = {}
    for start in range(0, len(pks), _CHUNK):
        for pk, password, active in User.objects.filter(pk__in=pks[start : start + _CHUNK]).values_list(
            "pk", "password", "is_active"
        ):
            if active:
                hashes[pk] = _auth_hash(pk, password)
    return [s for s in sockets if s.session_key not in live or hashes.get(s.user_pk) != s.auth_hash]


@functools.lru_cache(maxsize=4096)
def _auth_hash(pk: Any, password: str) -> str:
    """A person's session auth hash (an HMAC, and a model instance to compute it: ~0.1 ms), kept
    while their password stays the same, so a sweep costs its two queries and little more."""
    return get_user_model()(pk=pk, password=password).get_session_auth_hash()


async def _sweep() -> None:
    global _sweeper
    check = database_sync_to_async(stale_sockets)
    try:
        while True:
            await asyncio.sleep(SWEEP_SECONDS)
            sockets = _snapshot()
            if not sockets:
                return
            try:
                stale = await check(sockets)
            except Exception:
                log.exception("could not check the sessions of %d open socket(s)", len(sockets))
                continue
            for socket in stale:
                socket.end(ENDED)
    finally:
        if _sweeper is asyncio.current_task():
            _sweeper = None
