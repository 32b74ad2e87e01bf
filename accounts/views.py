"""Sign up, log in (throttled), log out, password change.

Log-in failures are throttled per account and per address by django-axes (settings); sign-ups that
hit a taken name are throttled per address here, so the one thing the form must say ("that name is
taken") cannot be asked about a whole list of names. A password change also ends the live sockets
of every session opened under the old password (parallel_you/live_sessions.py).
"""

from __future__ import annotations

import math
import time
from datetime import timedelta
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.forms import LoginForm, SignUpForm, wait_text
from accounts.time_zone import TimeZoneForm, browser_zone
from parallel_you import live_sessions
from parallel_you.bootstrap import current_adapters
from parallel_you.htmx import HtmxHttpRequest, settings_form
from parallel_you.web import owner_of
from threads import services
from threads.selectors import profile_get

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _signup_key(request: HttpRequest) -> str:
    return f"signup-taken:{request.META.get('REMOTE_ADDR', '')}"


def _signup_blocked_for(request: HttpRequest) -> float:
    """Seconds until this address may try sign-up names again (0: it may now)."""
    state = cache.get(_signup_key(request))
    if not state or state[0] < settings.SIGNUP_TAKEN_LIMIT:
        return 0.0
    return max(0.0, state[1] - time.time())


def _count_taken_name(request: HttpRequest) -> None:
    key = _signup_key(request)
    window = settings.SIGNUP_TAKEN_WINDOW.total_seconds()
    count, until = cache.get(key) or (0, time.time() + window)
    cache.set(key, (count + 1, until), timeout=max(1, math.ceil(until - time.time())))


@login_not_required
@require_http_methods(["GET", "POST"])
async def signup(request: HttpRequest) -> HttpResponse:
    response, user = await sync_to_async(_signup)(request)
    if user is not None:
        adapters = current_adapters()
        await services.profile_time_zone_set(
            profiles=adapters.profiles,
            bus=adapters.bus,
            owner=str(user.pk),
            time_zone=browser_zone(request.POST.get("time_zone")),
        )
    return response


def _signup(request: HttpRequest) -> tuple[HttpResponse, Any]:
    """The sign-up page; with a valid form, the new account (signed in) besides the response."""
    if request.user.is_authenticated:
        return redirect("threads:board"), None
    if request.method == "POST" and (blocked_for := _signup_blocked_for(request)):
        form = SignUpForm(initial={"username": request.POST.get("username", "")})
        refusal = (
            "Too many sign-ups with names already taken from your address. "
            f"Try again in {wait_text(timedelta(seconds=blocked_for))}."
        )
        response = render(request, "registration/signup.html", {"form": form, "refusal": refusal}, status=429)
        response["Retry-After"] = str(math.ceil(blocked_for))
        return response, None
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend=MODEL_BACKEND)
        return redirect("threads:board"), user
    if form.has_error("username", "unique"):
        _count_taken_name(request)
    return render(request, "registration/signup.html", {"form": form}, status=400 if form.errors else 200), None


@require_http_methods(["GET", "POST"])
async def settings_page(request: HtmxHttpRequest) -> HttpResponse:
    """The person's settings: their time zone."""
    owner = await owner_of(request)
    adapters = current_adapters()
    profile = profile_get(repo=adapters.profiles, owner=owner)
    return await settings_form(
        request,
        template="accounts/settings.html",
        form_class=TimeZoneForm,
        initial={"time_zone": profile.time_zone},
        context=lambda: {"profile": profile},
        change=lambda form: services.profile_time_zone_set(
            profiles=adapters.profiles, bus=adapters.bus, owner=owner, time_zone=form.cleaned_data["time_zone"]
        ),
        saved=lambda done: f"Saved: your time zone is {done.time_zone.replace('_', ' ')}.",
        then="settings",
    )


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_invalid(form)
        if form.locked_out_for is not None:
            response.status_code = 429
            response["Retry-After"] = str(math.ceil(form.locked_out_for.total_seconds()))
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form: Any) -> HttpResponse:
        # The key of this browser's session is renewed (it stays logged in): its sockets reconnect.
        with live_sessions.renewing(self.request.session.session_key):
            response = super().form_valid(form)
        user = form.user
        live_sessions.password_changed(user_pk=user.pk, auth_hash=user.get_session_auth_hash())
        return response
