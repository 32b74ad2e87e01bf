"""The person's own time zone: the form that picks it and the middleware that uses it.

Every page renders times in the zone stored on the person's profile (threads.domain.Profile), and
days are counted in it by the selectors, which read the same profile.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django import forms
from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from parallel_you.bootstrap import current_adapters
from parallel_you.domain import time_zone_names, zone_of
from parallel_you.repo import RepoError
from threads.selectors import profile_get

UNKNOWN_ZONE = "Pick a time zone from the list, for example Europe/Berlin."


def zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(time_zone_names())]


class TimeZoneForm(forms.Form):
    time_zone = forms.ChoiceField(
        label="Time zone",
        help_text="Times are shown in it, and your days (today, a sprint's days, your history) start at its midnight.",
        error_messages={"required": UNKNOWN_ZONE, "invalid_choice": UNKNOWN_ZONE},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["time_zone"]).choices = zone_choices()


def browser_zone(value: object) -> str:
    """The zone a browser reported (sign-up's hidden field), or UTC when it's missing or unknown."""
    return value if isinstance(value, str) and value in time_zone_names() else "UTC"


class PersonTimeZoneMiddleware:
    """Activate the signed-in person's time zone for the request (templates' |date and |time then
    show their local times); anyone else gets UTC.

    It works at the view step, after LoginRequiredMiddleware has loaded the user (in its one thread
    hop, parallel_you/middleware.py): asking for the user earlier would cost a hop of its own on
    every request. A view that needs no login (log-in, sign-up) is shown in UTC."""

    async_capable = True
    sync_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)
            # Django's handler reads the instance's process_view: the coroutine runs on the loop.
            self.process_view = self._aprocess_view  # type: ignore[method-assign,assignment]

    def __call__(self, request: HttpRequest) -> Any:
        timezone.deactivate()
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> None:
        user = request.user if settings.SESSION_COOKIE_NAME in request.COOKIES else None
        self._activate(str(user.pk) if user is not None and user.is_authenticated else None)

    async def _aprocess_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> None:
        user = getattr(request, "_acached_user", None)  # loaded by LoginRequiredMiddleware, if at all
        self._activate(str(user.pk) if user is not None and user.is_authenticated else None)

    @staticmethod
    def _activate(owner: str | None) -> None:
        if owner is None:
            timezone.deactivate()
            return
        try:
            profile = profile_get(repo=current_adapters().profiles, owner=owner)
        except RepoError:
            # The store is away: show UTC rather than fail here; the view's own store call meets
            # the same error and answers with the store's message (StoreProblemMiddleware).
            timezone.deactivate()
            return
        timezone.activate(zone_of(profile.time_zone))
