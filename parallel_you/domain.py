"""Building blocks shared by every domain module: ids, time, documents, domain errors.

Pure Python and pydantic; nothing here imports Django, pymongo, Celery or Channels.
"""

from __future__ import annotations

import uuid
import zoneinfo
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta, tzinfo
from enum import StrEnum
from functools import cache
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError


def new_id() -> str:
    return uuid.uuid4().hex


_ZERO = timedelta(0)


def to_millis(value: datetime) -> datetime:
    """UTC, truncated to milliseconds: what every backend (BSON dates included) keeps exactly."""
    if value.microsecond % 1000 == 0 and value.tzinfo is not None and value.utcoffset() == _ZERO:
        return value  # the common case: read back from a store
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    value = value.astimezone(UTC)
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def utcnow() -> datetime:
    return to_millis(datetime.now(UTC))


Timestamp = Annotated[datetime, AfterValidator(to_millis)]


@cache
def time_zone_names() -> frozenset[str]:
    """The IANA zone names this machine knows (Europe/Berlin, Pacific/Auckland, UTC, ...)."""
    return frozenset(zoneinfo.available_timezones())


def zone_of(name: str) -> tzinfo:
    """The zone called `name`; UTC for a name this machine doesn't know."""
    return zoneinfo.ZoneInfo(name) if name in time_zone_names() else UTC


def day_of(moment: datetime, zone: tzinfo = UTC) -> date:
    """The calendar day `moment` falls on for a person living in `zone`."""
    try:
        return moment.astimezone(zone).date()
    except OverflowError:  # a stored instant at the very edge of the calendar (year 1 or 9999)
        return moment.date()


def today_in(zone: tzinfo = UTC, now: datetime | None = None) -> date:
    return day_of(now or utcnow(), zone)


class Labelled(StrEnum):
    """An enum whose members a page shows by name: `stopped_early` reads "Stopped early"."""

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Document(BaseModel):
    """A stored document: unknown fields refused, strings stripped.

    Changes often touch several fields together (a transition sets state, run and timestamps), so
    a document is checked as a whole with `ensure_valid()` before every write rather than field by
    field on assignment (pydantic keeps a refused assignment on the model when an "after" model
    validator fails, which would leave a half-changed document behind).
    """

    model_config = ConfigDict(validate_assignment=False, extra="forbid", str_strip_whitespace=True)

    def ensure_valid(self) -> None:
        """Raise InvalidValue unless the whole document is valid."""
        try:
            type(self).model_validate(self.model_dump())
        except ValidationError as exc:
            raise InvalidValue(friendly_errors(exc)) from None


class DomainError(Exception):
    """A request the domain refuses; `message` is written for the person who made it."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidValue(DomainError):
    """One or more fields are out of bounds; `errors` maps field -> message."""

    def __init__(self, errors: dict[str, str]) -> None:
        first_field, first = next(iter(errors.items()))
        super().__init__(first, field=first_field)
        self.errors = errors


class IllegalTransition(DomainError):
    pass


class NotFound(DomainError):
    pass


_MESSAGES = {
    "string_too_short": "This can't be empty.",
    "missing": "This is required.",
}


def friendly_errors(exc: ValidationError) -> dict[str, str]:
    """Turn pydantic's errors into one message per field that a person can act on."""
    errors: dict[str, str] = {}
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else "__all__"
        ctx: dict[str, Any] = error.get("ctx") or {}
        kind = error["type"]
        if kind in _MESSAGES:
            message = _MESSAGES[kind]
        elif kind == "string_too_long":
            message = f"Keep it to {ctx['max_length']} characters or fewer."
        elif kind in ("greater_than_equal", "less_than_equal", "int_parsing", "int_from_float"):
            message = error["msg"]
        elif kind == "value_error":
            message = str(ctx.get("error", error["msg"]))
        else:
            message = error["msg"]
        errors.setdefault(field, message)
    return errors


M = TypeVar("M", bound=BaseModel)


def validated(model: type[M], **values: Any) -> M:
    """Build a `model`, turning validation failures into InvalidValue (one message per field)."""
    try:
        return model(**values)
    except ValidationError as exc:
        raise InvalidValue(friendly_errors(exc)) from None


def check_editable(changes: Iterable[str], editable: Iterable[str]) -> None:
    """Refuse an edit naming a field that can't be edited directly (such as a state, which only
    moves by its transitions)."""
    unknown = set(changes) - set(editable)
    if unknown:
        raise DomainError(f"These can't be edited directly: {', '.join(sorted(unknown))}.")
