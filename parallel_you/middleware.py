"""Response headers and fixes every page gets, and Django's middlewares without thread hops:

- Server-Timing: how long Django took (readable in the browser's dev tools and by the benchmark);
- LivePaused: while the bus is unreachable, an htmx trigger that tells the page live updates are paused;
- the CSRF inputs that cached fragments left as placeholders, filled in with this request's;
- a document store that stops answering (or a lost race) shown as a message, never a 500;
- the Content-Security-Policy header (django-csp, configured in settings);
- async-capable versions of Django's (and WhiteNoise's) middlewares.

Why the last: under ASGI, Django's `MiddlewareMixin` runs each `process_request`,
`process_view` and `process_response` through `sync_to_async`, a hop to the request's worker
thread and back (tens of microseconds idle, far more on a busy machine), and a middleware that is
not async-capable at all (WhiteNoise) makes Django adapt the whole stack below it to sync and
back. The hooks of the middlewares below do no I/O, so they run on the event loop; the few cases
that do (saving a modified session, loading the session and user for a view that needs a login,
serving a static file, parsing a multipart upload) still hop to the thread, once. Under WSGI
every one of them is Django's own, unchanged.
"""

from __future__ import annotations

import logging
import time
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from typing import Any, NamedTuple, cast

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.contrib.auth import middleware as auth
from django.contrib.messages import middleware as messages
from django.contrib.sessions import middleware as sessions
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware import clickjacking, common, csrf, security
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.utils.deprecation import MiddlewareMixin
from django_htmx.http import trigger_client_event
from whitenoise.middleware import WhiteNoiseMiddleware

from parallel_you.repo import Conflict, RepoError
from parallel_you.templatetags.fragments import CSRF_PLACEHOLDER, csrf_input
from parallel_you.web import live_paused

logger = logging.getLogger(__name__)

GetResponse = Callable[[HttpRequest], HttpResponseBase | Awaitable[HttpResponseBase]]


class Started(NamedTuple):
    wall: float  # time.perf_counter()
    cpu: float  # time.thread_time()


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
        started = Started(time.perf_counter(), time.thread_time())
        response = self.get_response(request)
        assert isinstance(response, HttpResponseBase)
        return self.process(request, response, started)

    async def _acall(self, request: HttpRequest) -> HttpResponseBase:
        started = Started(time.perf_counter(), time.thread_time())
        response = await self.get_response(request)  # type: ignore[misc]
        return self.process(request, response, started)

    @abstractmethod
    def process(self, request: HttpRequest, response: HttpResponseBase, started: Started) -> HttpResponseBase:
        """What this middleware does to the response (`started`: when the request came in)."""


class ServerTimingMiddleware(ResponseMiddleware):
    def process(self, request: HttpRequest, response: HttpResponseBase, started: Started) -> HttpResponseBase:
        # app: wall time. cpu: CPU time of the thread that ran the middlewares (under ASGI the
        # event loop: it leaves out sync code run in a worker thread, and includes other requests'
        # work on the loop meanwhile). On a busy machine cpu moves far less than app does.
        response["Server-Timing"] = (
            f"app;dur={(time.perf_counter() - started.wall) * 1000:.2f}, "
            f"cpu;dur={(time.thread_time() - started.cpu) * 1000:.2f}"
        )
        return response


class LivePausedMiddleware(ResponseMiddleware):
    """While the bus holds events back, tell an htmx page that its change is saved but live updates
    are paused (static/js/live.js shows the banner)."""

    def process(self, request: HttpRequest, response: HttpResponseBase, started: Started) -> HttpResponseBase:
        if live_paused():
            trigger_client_event(response, "parallel-you:live-paused")
        return response


class CsrfPlaceholderMiddleware(ResponseMiddleware):
    """Fill in the CSRF inputs that cached fragments left as placeholders (see
    parallel_you/templatetags/fragments.py), with this request's token."""

    def process(self, request: HttpRequest, response: HttpResponseBase, started: Started) -> HttpResponseBase:
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


# What a view can set on its response (django-csp's decorators) to change its own policy.
_PER_RESPONSE_POLICY = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_exempt",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
    "_csp_exempt_ro",
)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, minus two costs on every request: the two thread hops Django's
    MiddlewareMixin makes under ASGI (building the header is pure CPU, so it runs on the event
    loop), and rebuilding the same header (django-csp re-renders the policy from the settings for
    every response, ~0.1-0.4 ms here). A response with no nonce and no per-view policy gets the
    headers rendered once per settings; anything else goes through django-csp unchanged."""

    _rendered: tuple[object, object, str, str] | None = None

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        self.process_request(request)
        response = await self.get_response(request)  # type: ignore[misc]
        return self.process_response(request, response)

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        config = getattr(settings, "CONTENT_SECURITY_POLICY", None)
        config_ro = getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
        if (
            getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in _PER_RESPONSE_POLICY)
            or any((policy or {}).get("EXCLUDE_URL_PREFIXES") for policy in (config, config_ro))
            or HEADER in response
            or HEADER_REPORT_ONLY in response
        ):
            return super().process_response(request, response)
        if settings.DEBUG and response.status_code in (500, 404):
            return response  # Django's debug pages have inline script (as django-csp does)
        rendered = self._rendered
        if rendered is None or rendered[0] is not config or rendered[1] is not config_ro:
            rendered = self._rendered = (
                config,
                config_ro,
                build_policy(config=None),
                build_policy(config=None, report_only=True),
            )
        if rendered[2]:
            response[HEADER] = rendered[2]
        if rendered[3]:
            response[HEADER_REPORT_ONLY] = rendered[3]
        # As django-csp: a nonce asked for after the header is written is an error, not a silent gap.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response


class OnTheLoop(MiddlewareMixin):
    """Mixed into one of Django's `MiddlewareMixin` middlewares whose hooks do no I/O: in an
    async stack, call them on the event loop instead of in a thread (`MiddlewareMixin.__acall__`
    wraps each in `sync_to_async`). A `process_view` becomes a coroutine there for the same reason
    (Django's handler wraps a sync one). In a sync stack nothing changes."""

    def __init__(self, get_response: Any) -> None:
        super().__init__(get_response)
        if self.async_mode and hasattr(self, "process_view"):
            # Django's handler reads the instance's process_view after building it.
            setattr(self, "process_view", self.aprocess_view)  # noqa: B010

    async def aprocess_view(
        self, request: HttpRequest, view: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> HttpResponseBase | None:
        process_view = getattr(type(self), "process_view")  # noqa: B009 (the class's sync hook)
        return cast(HttpResponseBase | None, process_view(self, request, view, args, kwargs))

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        response = None
        if hasattr(self, "process_request"):
            response = self.process_request(request)
        response = response or await cast(Awaitable[HttpResponseBase], self.get_response(request))
        if hasattr(self, "process_response"):
            response = await self.aprocess_response(request, response)
        return cast(HttpResponseBase, response)

    async def aprocess_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        process_response = getattr(self, "process_response")  # noqa: B009 (the sync hook of the class it is mixed into)
        return cast(HttpResponseBase, process_response(request, response))


class SecurityMiddleware(OnTheLoop, security.SecurityMiddleware):
    pass


class CommonMiddleware(OnTheLoop, common.CommonMiddleware):
    pass


class XFrameOptionsMiddleware(OnTheLoop, clickjacking.XFrameOptionsMiddleware):
    pass


class AuthenticationMiddleware(OnTheLoop, auth.AuthenticationMiddleware):
    """Sets the lazy `request.user` and `request.auser`; nothing is loaded yet."""


class CsrfViewMiddleware(OnTheLoop, csrf.CsrfViewMiddleware):
    """The token comes from a cookie (not the session); a POST's form is parsed from the body already
    read into memory, except a multipart upload, which may spill to disk: that one hops."""

    async def aprocess_view(
        self, request: HttpRequest, view: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> HttpResponseBase | None:
        if request.content_type == "multipart/form-data":
            return await sync_to_async(csrf.CsrfViewMiddleware.process_view)(self, request, view, args, kwargs)
        return csrf.CsrfViewMiddleware.process_view(self, request, view, args, kwargs)


class SessionMiddleware(OnTheLoop, sessions.SessionMiddleware):
    """The session is lazy (loaded on first use); only saving a modified one touches the store."""

    async def aprocess_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        session = getattr(request, "session", None)
        if session is not None and (session.modified or settings.SESSION_SAVE_EVERY_REQUEST) and not session.is_empty():
            return await sync_to_async(self.process_response)(request, cast(HttpResponse, response))
        return self.process_response(request, cast(HttpResponse, response))


class MessageMiddleware(OnTheLoop, messages.MessageMiddleware):
    """Storing messages writes to the session (saved by SessionMiddleware); it reads the session
    first only if messages were used or added, which loads it if the view has not."""

    async def aprocess_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        storage = getattr(request, "_messages", None)
        session = getattr(request, "session", None)
        touched = storage is not None and (storage.used or storage.added_new)
        if touched and session is not None and not hasattr(session, "_session_cache"):
            return await sync_to_async(self.process_response)(request, cast(HttpResponse, response))
        return self.process_response(request, cast(HttpResponse, response))


class LoginRequiredMiddleware(OnTheLoop, auth.LoginRequiredMiddleware):
    """A view marked `login_not_required` loads nothing. Any other loads the session and the user
    in one hop, and hands the user to `request.auser()` too, so the view's `await request.auser()`
    costs nothing more (Django caches the sync and the async lookups separately)."""

    async def aprocess_view(
        self, request: HttpRequest, view: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> HttpResponseBase | None:
        if not getattr(view, "login_required", True):
            return None
        user = await sync_to_async(_load_user)(request)
        request._acached_user = user  # type: ignore[attr-defined]  # Django's cache for auser()
        if user.is_authenticated:
            return None
        return self.handle_no_permission(request, view)


def _load_user(request: HttpRequest) -> Any:
    """The signed-in user (or AnonymousUser), loaded with the session: the one store hop."""
    user = request.user
    user.is_authenticated  # noqa: B018 (evaluates the lazy object: session and user lookups)
    return getattr(user, "_wrapped", user)  # the user itself, not the lazy wrapper


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise, async-capable: a request outside the static prefixes goes straight on; looking
    up (with autorefresh, DEBUG) and serving a static file stays off the loop."""

    async_capable = True
    sync_capable = True

    def __init__(self, get_response: GetResponse, **kwargs: Any) -> None:
        super().__init__(get_response, **kwargs)
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> Any:
        if self.is_async:
            return self._acall(request)
        return super().__call__(request)

    def _may_be_static(self, path: str) -> bool:
        return path.startswith(self.static_prefix) or any(path.startswith(prefix) for _, prefix in self.directories)

    async def _acall(self, request: HttpRequest) -> HttpResponseBase:
        path = request.path_info
        if self.autorefresh:
            static_file = await sync_to_async(self.find_file)(path) if self._may_be_static(path) else None
        else:
            static_file = self.files.get(path)
        if static_file is not None:
            return cast(HttpResponseBase, await sync_to_async(self.serve)(static_file, request))
        return cast(HttpResponseBase, await self.get_response(request))
