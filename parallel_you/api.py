"""`/api/v1/`: the JSON API (django-ninja), for the terminal client and every other program.

Authentication: a personal access token (`Authorization: Bearer pyat_…`), or the signed-in
session of the app's own pages (then Django's CSRF check applies to every write). A read-only
token is refused on writes (403). Errors are JSON `{code, message, details, current}`; someone
else's id is a 404, as on the pages. The OpenAPI document is `/api/v1/openapi.json`; the
interactive docs (`/api/v1/docs`) load Swagger UI from ninja's own static files, never a CDN.
"""

from __future__ import annotations

from typing import Any

from csp.decorators import csp_update
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import APIKeyCookie, HttpBearer

from accounts import tokens
from parallel_you.api_support import ApiError
from parallel_you.domain import DomainError, IllegalTransition, InvalidValue, NotFound
from parallel_you.service_layer import StorageFailed

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class ReadOnlyToken(Exception):
    pass


def _client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "unknown")


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <personal access token>`."""

    async def authenticate(self, request: HttpRequest, token: str) -> Any:
        record = await tokens.token_authenticate(token, address=_client_address(request))
        if record is None:
            return None
        if request.method not in SAFE_METHODS and not record.can_write:
            raise ReadOnlyToken
        request.access_token = record  # type: ignore[attr-defined]
        return record.user


class SessionAuth(APIKeyCookie):
    """The app's own signed-in session; CSRF is checked on writes (ninja's cookie auth does)."""

    param_name = "sessionid"

    async def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = await request.auser()
        return user if user.is_authenticated else None


def add_links(schema: dict[str, Any]) -> None:
    """OpenAPI links from each create to the operations on what it created, so clients and
    schemathesis' stateful tests can follow them (`$response.body#/id`)."""
    paths = schema.get("paths", {})
    for collection, parameter in (("threads", "thread_id"), ("sprints", "sprint_id")):
        base = f"/api/v1/{collection}"
        responses = paths.get(base, {}).get("post", {}).get("responses", {})
        create = responses.get(201) or responses.get("201")
        if create is None:
            continue
        links = {}
        for path, operations in paths.items():
            if not path.startswith(f"{base}/{{{parameter}}}") or path.count("{") != 1:
                continue
            for operation in operations.values():
                links[operation["operationId"]] = {
                    "operationId": operation["operationId"],
                    "parameters": {parameter: "$response.body#/id"},
                }
        create["links"] = links


class ParallelYouAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        add_links(schema)
        return schema


api = ParallelYouAPI(
    title="Parallel You",
    version="1",
    description=(
        "Threads, quanta, sessions, sprints and energy bands: the same rules as the web pages. "
        "Authenticate with `Authorization: Bearer <token>` (create one at /accounts/tokens/)."
    ),
    urls_namespace="api-v1",
    auth=[TokenAuth(), SessionAuth()],
    docs=Swagger(settings={"persistAuthorization": False}),
    # Swagger UI's stylesheet draws its icons from data: URIs; the site's CSP allows images from
    # 'self' only, so the docs page (and only it) also allows data: images. Its scripts stay 'self'.
    docs_decorator=csp_update({"img-src": ["data:"]}),
)


def _json(request: HttpRequest, status: int, code: str, message: str, **extra: Any) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": message, "details": {}, **extra}, status=status)


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    response = api.create_response(request, exc.body(), status=exc.status)
    for name, value in exc.headers.items():
        response[name] = value
    return response


@api.exception_handler(NotFound)
def _not_found(request: HttpRequest, exc: NotFound) -> HttpResponse:
    return _json(request, 404, "not_found", exc.message)


@api.exception_handler(Http404)
def _http_404(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _json(request, 404, "not_found", str(exc) or "Not found.")


@api.exception_handler(StorageFailed)
def _storage(request: HttpRequest, exc: StorageFailed) -> HttpResponse:
    return _json(request, 503, "unavailable", exc.message)


@api.exception_handler(DomainError)
def _domain(request: HttpRequest, exc: DomainError) -> HttpResponse:
    if isinstance(exc, NotFound):
        return _not_found(request, exc)
    if isinstance(exc, StorageFailed):
        return _storage(request, exc)
    from timers.services import OtherRunning, TimerUnavailable

    if isinstance(exc, TimerUnavailable):
        return _json(request, 503, "unavailable", exc.message)
    if isinstance(exc, OtherRunning):
        details = {"current": exc.current.id}
        return _json(request, 422, "other_running", exc.message, details=details)
    if isinstance(exc, InvalidValue):
        return _json(request, 422, "invalid", exc.message, details=dict(exc.errors))
    code = "illegal_transition" if isinstance(exc, IllegalTransition) else "refused"
    details = {exc.field: exc.message} if exc.field else {}
    return _json(request, 422, code, exc.message, details=details)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    details: dict[str, str] = {}
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("body", "payload", "query", "path")]
        details.setdefault(".".join(location) or "__all__", str(error.get("msg", "Invalid value.")))
    first = next(iter(details.values()), "Invalid request.")
    return _json(request, 422, "invalid", first, details=details)


@api.exception_handler(tokens.TokenThrottled)
def _throttled(request: HttpRequest, exc: tokens.TokenThrottled) -> HttpResponse:
    response = _json(request, 429, "throttled", "Too many failed sign-ins from this address: wait a few minutes.")
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(ReadOnlyToken)
def _read_only(request: HttpRequest, exc: ReadOnlyToken) -> HttpResponse:
    return _json(request, 403, "read_only_token", "This token may only read: create a read-write token to change.")


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = _json(request, 401, "unauthenticated", "Sign in: send a valid token as `Authorization: Bearer …`.")
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = {400: "bad_request", 403: "forbidden", 404: "not_found", 405: "method_not_allowed"}.get(
        exc.status_code, "error"
    )
    if exc.status_code == 403 and "CSRF" in str(exc):
        return _json(request, 403, "csrf_failed", "CSRF check failed: send the page's CSRF token with this change.")
    return _json(request, exc.status_code, code, str(exc))


def _add_routers() -> None:
    from accounts.api import router as data_router
    from pace.api import router as pace_router
    from sprints.api import router as sprints_router
    from threads.api import bands_router
    from threads.api import router as threads_router
    from timers.api import router as timers_router

    api.add_router("/threads", threads_router)
    api.add_router("", timers_router)
    api.add_router("/energy-bands", bands_router)
    api.add_router("/sprints", sprints_router)
    api.add_router("", data_router)
    api.add_router("", pace_router)


_add_routers()


def api_urls() -> tuple[list[Any], str, str]:
    """The API's URL patterns. Its operations authenticate themselves (token or session), and the
    OpenAPI document describes the API rather than anyone's data, so those skip the site's
    login redirect; the interactive docs page stays behind the login like every other page."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        callback = getattr(pattern, "callback", None)
        if callback is not None and getattr(pattern, "name", None) != "openapi-view":
            pattern.callback = login_not_required(callback)
    return patterns, app_name, namespace
