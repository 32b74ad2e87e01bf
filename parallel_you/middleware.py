"""Response headers and fixes every page gets:

- Server-Timing: how long Django took (readable in the browser's dev tools and by the benchmark);
- LivePaused: while the bus is unreachable, an htmx trigger that tells the page live updates are paused;
- the CSRF inputs that cached fragments left as placeholders, filled in with this request's;
- a document store that stops answering (or a lost race) shown as a message, never a 500.
- the Content-Security-Policy header (django-csp, configured in settings).
"""

from __future__ import annotations

import logging
import time
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from csp.middleware import CSPMiddleware
from django.http import HttpRequest, HttpResponseBase
from django.middleware.csrf import get_token
from django.shortcuts import render
from django_htmx.http import trigger_client_event

from parallel_you.repo import Conflict, RepoError
from parallel_you.templatetags.fragments import CSRF_PLACEHOLDER, csrf_input
from parallel_you.web import live_paused

logger = logging.getLogger(__name__)

GetResponse = Callable[[HttpRequest], HttpResponseBase | Awaitable[HttpResponseBase]]


class ResponseMiddleware(ABC):
    """A middleware that only post-processes the response, in sync and async stacks alike."""

    async_capable = True
    sync_capable = True

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> HttpResponseBase | Awaitable[HttpResponseBase]:
        if self.is_async:
            return self._acall(request)
        started = time.perf_counter()
        response = self.get_response(request)
        assert isinstance(response, HttpResponseBase)
        return self.process(request, response, started)

    async def _acall(self, request: HttpRequest) -> HttpResponseBase:
        started = time.perf_counter()
        response = await self.get_response(request)  # type: ignore[misc]
        return self.process(request, response, started)

    @abstractmethod
    def process(self, request: HttpRequest, response: HttpResponseBase, started: float) -> HttpResponseBase:
        """What this middleware does to the response (`started`: when the request came in)."""


class ServerTimingMiddleware(ResponseMiddleware):
    def process(self, request: HttpRequest, response: HttpResponseBase, started: float) -> HttpResponseBase:
        response["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.2f}"
        return response


class LivePausedMiddleware(ResponseMiddleware):
    """While the bus holds events back, tell an htmx page that its change is saved but live updates
    are paused (static/js/live.js shows the banner)."""

    def process(self, request: HttpRequest, response: HttpResponseBase, started: float) -> HttpResponseBase:
        if live_paused():
            trigger_client_event(response, "parallel-you:live-paused")
        return response


class CsrfPlaceholderMiddleware(ResponseMiddleware):
    """Fill in the CSRF inputs that cached fragments left as placeholders (see
    parallel_you/templatetags/fragments.py), with this request's token."""

    def process(self, request: HttpRequest, response: HttpResponseBase, started: float) -> HttpResponseBase:
        if getattr(response, "streaming", False) or not response.get("Content-Type", "").startswith("text/html"):
            return response
        content: bytes = response.content  # type: ignore[attr-defined]
        placeholder = CSRF_PLACEHOLDER.encode()
        if placeholder in content:
            field = csrf_input(get_token(request)).encode()
            response.content = content.replace(placeholder, field)  # type: ignore[attr-defined]
        return response


class StoreProblemMiddleware:
    """A store that stops answering, or a change that lost a race no service could resolve, is a
    message the person can act on, never a 500: 503 "the store isn't answering" and 409 "changed
    elsewhere". An htmx request gets the message in the page's status line (swapped over
    #live-status); a full page gets a page."""

    async_capable = True
    sync_capable = True

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> HttpResponseBase | Awaitable[HttpResponseBase]:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponseBase | None:
        if isinstance(exception, Conflict):
            status, message = 409, CHANGED_ELSEWHERE
        elif isinstance(exception, RepoError):
            logger.error("document store failed during %s %s: %s", request.method, request.path, exception)
            status, message = 503, STORE_UNAVAILABLE
        else:
            return None
        if request.headers.get("HX-Request") == "true":
            response = render(request, "_store_problem.html", {"message": message}, status=status)
            response["HX-Retarget"] = "#live-status"
            response["HX-Reswap"] = "outerHTML"
            return response
        return render(request, "store_problem.html", {"message": message}, status=status)


CHANGED_ELSEWHERE = (
    "This changed elsewhere (another tab, device or the timer) while you were working on it, so "
    "nothing was changed here. Reload to see it as it is now."
)
STORE_UNAVAILABLE = "The document store isn't answering right now, so nothing was changed. Try again in a moment."


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware without the two thread hops Django's MiddlewareMixin makes per
    request under ASGI: building the header is pure CPU, so it runs on the event loop."""

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        self.process_request(request)
        response = await self.get_response(request)  # type: ignore[misc]
        return self.process_response(request, response)
