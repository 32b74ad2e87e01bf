"""Settings: personal access tokens for the API, the event stream and the terminal client.

Create (named, read or read-write; the token is shown once, on the page that answers the POST),
list (with when each was last used) and revoke. Thin views over accounts/tokens.py.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts import tokens
from accounts.models import AccessToken


class TokenForm(forms.Form):
    name = forms.CharField(max_length=80, help_text="What will use it, e.g. “laptop terminal”.")
    scope = forms.ChoiceField(
        choices=AccessToken.Scope.choices, initial=AccessToken.Scope.READ, widget=forms.RadioSelect
    )


@never_cache
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        try:
            issued = tokens.token_issue(
                user=request.user, name=form.cleaned_data["name"], scope=form.cleaned_data["scope"]
            )
        except ValueError as exc:
            form.add_error("name", str(exc))
        else:
            form = TokenForm()
    context = {"form": form, "issued": issued, "tokens": tokens.token_list(user=request.user)}
    status = 400 if form.errors else 200
    return render(request, "accounts/tokens.html", context, status=status)


@require_POST
async def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    user = await request.auser()
    if not await tokens.token_revoke(user=user, token_id=token_id):
        raise Http404("There's no such token.")
    messages.success(request, "Token revoked: anything using it is signed out now.")
    return redirect("tokens")
