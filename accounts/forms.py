"""Sign-up and log-in forms. Log-in failures are counted by django-axes (see settings); a locked-out
account or address is told so on the form, with how long to wait."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.core.exceptions import ValidationError
from django.db.models import Max, Q
from django.http import HttpRequest
from django.utils import timezone


class SignUpForm(UserCreationForm):
    # Filled by static/js/time-zone.js from the browser; checked by accounts.time_zone.browser_zone.
    time_zone = forms.CharField(
        required=False, max_length=100, widget=forms.HiddenInput(attrs={"data-browser-zone": ""})
    )

    class Meta(UserCreationForm.Meta):
        fields = ("username",)


def wait_text(wait: timedelta) -> str:
    """ "15 minutes", "1 minute", "40 seconds": how long, rounded up, in words."""
    seconds = max(1, math.ceil(wait.total_seconds()))
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def lockout_wait(request: HttpRequest, username: str | None) -> timedelta:
    """How long until this account and this address may try again: the cool-off runs from the last
    failure that counted against either of them."""
    counted = Q(ip_address=get_client_ip_address(request))
    if username:
        counted |= Q(username=username)
    latest = AccessAttempt.objects.filter(counted, failures_since_start__gte=settings.AXES_FAILURE_LIMIT).aggregate(
        latest=Max("attempt_time")
    )["latest"]
    if latest is None:
        return settings.AXES_COOLOFF_TIME
    return max(latest + settings.AXES_COOLOFF_TIME - timezone.now(), timedelta(seconds=1))


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "locked_out": "Too many failed log-ins for this account or from your address. Try again in %(wait)s.",
    }
    locked_out_for: timedelta | None = None

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except ValidationError:
            if self.request is None or not getattr(self.request, "axes_locked_out", False):
                raise
            self.locked_out_for = lockout_wait(self.request, self.cleaned_data.get("username"))
            raise ValidationError(
                self.error_messages["locked_out"], code="locked_out", params={"wait": wait_text(self.locked_out_for)}
            ) from None
