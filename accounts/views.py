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

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.forms import LoginForm, SignUpForm, wait_text
from parallel_you import live_sessions

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
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("threads:board")
    if request.method == "POST" and (blocked_for := _signup_blocked_for(request)):
        form = SignUpForm(initial={"username": request.POST.get("username", "")})
        refusal = (
            "Too many sign-ups with names already taken from your address. "
            f"Try again in {wait_text(timedelta(seconds=blocked_for))}."
        )
        response = render(request, "registration/signup.html", {"form": form, "refusal": refusal}, status=429)
        response["Retry-After"] = str(math.ceil(blocked_for))
        return response
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend=MODEL_BACKEND)
        return redirect("threads:board")
    if form.has_error("username", "unique"):
        _count_taken_name(request)
    return render(request, "registration/signup.html", {"form": form}, status=400 if form.errors else 200)


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
