"""Django's ASGI handler without its two per-request thread hops where no sync code ran.

Django 5.2's `ASGIHandler.handle` sends `request_started` with `asend` (its sync receivers hop to
the request's worker thread) and closes the response with `sync_to_async(response.close)` (which
sends `request_finished` there). Each request has its own worker thread: `ThreadSensitiveContext`
gives it a fresh single-thread executor on its first `sync_to_async` and shuts it down at the end.
Database connections are thread-locals, so they live in that thread.

That makes Django's own receivers no-ops in the two cases skipped here: at `request_started` the
thread is new and holds no connection (`reset_queries`, `close_old_connections` find nothing), and
at `request_finished` a request that never hopped has no thread, hence no connection to close
(`close_caches` and `reset_urlconf` still run, on the loop: they act on context-locals). A
request that did hop (a sync view, the session or user lookup, an ORM query) is closed exactly as
Django closes it, in its thread. Any other receiver connected to either signal restores Django's
behaviour for that signal.

`handle` below is Django 5.2's, with those two calls replaced; tests/web/test_asgi_floor.py
fails if Django's changes, so an upgrade revisits it.
"""

from __future__ import annotations

import asyncio
from typing import Any

from asgiref.sync import SyncToAsync, sync_to_async
from django.core import signals
from django.core.cache import close_caches
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler as DjangoASGIHandler
from django.core.handlers.asgi import get_script_prefix
from django.core.handlers.base import reset_urlconf
from django.db import close_old_connections, reset_queries
from django.dispatch import Signal
from django.http import HttpResponseBase
from django.urls import set_script_prefix

# Receivers that only act on this request's worker thread's database connections.
_THREAD_BOUND = {close_old_connections, reset_queries}
# Receivers that act on context-locals (caches, the URLconf override) and do no I/O of their own.
_LOOP_SAFE = {close_caches, reset_urlconf}


def request_hopped() -> bool:
    """True once sync code ran for this request (its ThreadSensitiveContext has an executor)."""
    context = SyncToAsync.thread_sensitive_context.get(None)
    return context is not None and context in SyncToAsync.context_to_thread_executor


def _receivers(signal: Signal, sender: Any) -> tuple[list[Any], list[Any]]:
    sync, async_ = getattr(signal, "_live_receivers")(sender)  # noqa: B009 (Django's, private)
    return list(sync), list(async_)


async def request_started(sender: Any, scope: dict[str, Any]) -> None:
    sync, async_ = _receivers(signals.request_started, sender)
    if async_ or not set(sync) <= _THREAD_BOUND:
        await signals.request_started.asend(sender=sender, scope=scope)
    # else: the receivers would act on a worker thread created for them, which has no connection.


async def close_response(response: HttpResponseBase) -> None:
    """`response.close()`, in the request's thread if it has one, else on the loop."""
    sync, async_ = _receivers(signals.request_finished, response._handler_class)  # type: ignore[attr-defined]
    if request_hopped() or async_ or not set(sync) <= _THREAD_BOUND | _LOOP_SAFE:
        await sync_to_async(response.close)()
        return
    closers = getattr(response, "_resource_closers")  # noqa: B009
    for closer in closers:  # as HttpResponseBase.close(), minus the signal
        try:
            closer()
        except Exception:  # noqa: S110 (Django ignores a failing closer too)
            pass
    closers.clear()
    response.closed = True
    for receiver in sync:
        if receiver in _LOOP_SAFE:
            receiver(signal=signals.request_finished, sender=response._handler_class)  # type: ignore[attr-defined]


class ASGIHandler(DjangoASGIHandler):
    async def handle(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        """Handles the ASGI request. Called via the __call__ method."""
        # Receive the HTTP request body as a stream object.
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        # Request is complete and can be served.
        set_script_prefix(get_script_prefix(scope))
        await request_started(self.__class__, scope)  # changed
        # Get the request and check for basic issues.
        request, error_response = self.create_request(scope, body_file)
        if request is None:
            body_file.close()
            await self.send_response(error_response, send)  # type: ignore[arg-type]
            await sync_to_async(error_response.close)()  # type: ignore[union-attr]
            return

        async def process_request(request: Any, send: Any) -> Any:
            response = await self.run_get_response(request)
            try:
                await self.send_response(response, send)
            except asyncio.CancelledError:
                # Client disconnected during send_response (ignore exception).
                pass

            return response

        # Try to catch a disconnect while getting response.
        tasks = [
            # Check the status of these tasks and (optionally) terminate them
            # in this order. The listen_for_disconnect() task goes first
            # because it should not raise unexpected errors that would prevent
            # us from cancelling process_request().
            asyncio.create_task(self.listen_for_disconnect(receive)),
            asyncio.create_task(process_request(request, send)),
        ]
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        # Now wait on both tasks (they may have both finished by now).
        for task in tasks:
            if task.done():
                try:
                    task.result()
                except RequestAborted:
                    # Ignore client disconnects.
                    pass
                except AssertionError:
                    body_file.close()
                    raise
            else:
                # Allow views to handle cancellation.
                task.cancel()
                try:
                    await task
                except asyncio.CancelledError:
                    # Task re-raised the CancelledError as expected.
                    pass

        try:
            response = tasks[1].result()
        except asyncio.CancelledError:
            await signals.request_finished.asend(sender=self.__class__)
        else:
            await close_response(response)  # changed

        body_file.close()


def get_asgi_application() -> ASGIHandler:
    """As django.core.asgi.get_asgi_application, with the handler above."""
    import django

    django.setup(set_prefix=False)
    return ASGIHandler()
