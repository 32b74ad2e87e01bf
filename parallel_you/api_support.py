"""What every endpoint module of `/api/v1/` shares: adapters, who is asking, errors, versions.

The endpoint modules (threads/api.py, sprints/api.py, timers/api.py) are thin: parse with a
schema, call the same service or selector as the pages, answer with the document. Every rule stays
in the domain and the services; this module only translates their answers into HTTP.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse
from ninja import Schema
from pydantic import BaseModel, ConfigDict, Field

from parallel_you.bootstrap import Adapters, Port, current_adapters


def adapters() -> Adapters:
    """The process's adapters: the one place the API asks for them."""
    return current_adapters()


def owner_of(request: HttpRequest) -> str:
    """The owner id of the person the request was authenticated as (token or session)."""
    user: Any = request.auth  # type: ignore[attr-defined]
    return str(user.pk)


T = TypeVar("T")


async def call(
    request: HttpRequest,
    service: Callable[..., Awaitable[T]],
    /,
    *,
    repo: Port | None = None,
    uses: Sequence[Port] = (),
    **arguments: Any,
) -> T:
    """Run a keyword-only service for the person asking, wired as `Adapters.call` says."""
    return await adapters().call(service, owner=owner_of(request), repo=repo, uses=uses, **arguments)


class Input(Schema):
    """A request body: unknown fields are refused (a typo is an error, not silently ignored)."""

    model_config = ConfigDict(extra="forbid")


# --- errors ---------------------------------------------------------------------------------------
class Error(Schema):
    """Every error: a stable `code`, a `message` for a person, per-field `details`; a version
    conflict also carries the `current` document."""

    code: str = Field(examples=["not_found"])
    message: str
    details: dict[str, str | list[str]] = Field(
        default_factory=dict, description="Per field, a message; a refused import: `problems`, a list"
    )
    current: dict[str, Any] | None = None


ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 409: Error, 412: Error, 422: Error, 429: Error, 503: Error}
READ_ERRORS = {400: Error, 401: Error, 404: Error, 422: Error, 429: Error}


class ApiError(Exception):
    """An error answer: raised by endpoint helpers, turned into JSON by the API's handler."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        details: dict[str, str | list[str]] | None = None,
        current: BaseModel | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or {}
        self.current = current
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return Error(
            code=self.code,
            message=self.message,
            details=self.details,
            current=self.current.model_dump(mode="json") if self.current is not None else None,
        ).model_dump(mode="json")


# --- versions: ETag and If-Match ------------------------------------------------------------------
class Versioned(BaseModel):
    """Any stored document: it has an id and a version every write bumps."""

    id: str
    version: int


def etag_of(document: Any) -> str:
    return f'"{document.version}"'


def set_etag(response: HttpResponse, document: Any) -> None:
    response["ETag"] = etag_of(document)


def tagged(response: HttpResponse, document: T) -> T:
    """`document`, its version set as the response's ETag: a write's answer."""
    set_etag(response, document)
    return document


def created(response: HttpResponse, document: Any, location: str) -> None:
    """A 201's headers: where the new document lives, and its version."""
    response["Location"] = location
    set_etag(response, document)


def check_if_match(request: HttpRequest, current: Any) -> None:
    """Refuse a write whose `If-Match` names another version than the stored one (412, with the
    current document so the client can re-apply its change). No header: the write goes ahead.

    The check and the write are not one atomic step here; the repo's compare-and-set (`Conflict`,
    answered 409) closes that window when it is in place."""
    header = request.headers.get("If-Match")
    if header is None:
        return
    tags = {t.strip().removeprefix("W/") for t in header.split(",") if t.strip()}
    if "*" in tags or etag_of(current) in tags:
        return
    raise ApiError(
        412,
        "precondition_failed",
        f"This changed since you read it (it is at version {current.version} now): re-read it and try again.",
        current=current,
        headers={"ETag": etag_of(current)},
    )


class Page(Schema):
    count: int = Field(description="How many match, over all pages")
    limit: int
    offset: int


def paginate(items: list[Any], limit: int, offset: int) -> tuple[list[Any], dict[str, int]]:
    return items[offset : offset + limit], {"count": len(items), "limit": limit, "offset": offset}


LIMIT_DEFAULT = 50
LIMIT_MAX = 500
