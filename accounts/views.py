"""Sign up, log in (throttled), log out, password change.

Log out and password change are Django's views; a password change also ends the live sockets of
every session opened under the old password (parallel_you/live_sessions.py).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.forms import SignUpForm
from parallel_you import live_sessions


@login_not_required
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("threads:board")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user)
        return redirect("threads:board")
    return render(request, "registration/signup.html", {"form": form}, status=400 if form.errors else 200)


class PasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form: Any) -> HttpResponse:
        # The key of this browser's session is renewed (it stays logged in): its sockets reconnect.
        with live_sessions.renewing(self.request.session.session_key):
            response = super().form_valid(form)
        user = form.user
        live_sessions.password_changed(user_pk=user.pk, auth_hash=user.get_session_auth_hash())
        return response
