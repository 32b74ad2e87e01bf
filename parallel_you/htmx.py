"""What every app's views share: one way to tell a fragment request, to show a domain refusal on a
form, to answer a missing document with a 404, and to tell a page that something changed.

As in django-htmx's example app: one template serves the full page and its fragment, every page
still works as plain form posts and redirects, and triggers go through `django_htmx.http`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from functools import wraps
from typing import Any, Concatenate, ParamSpec, TypeVar

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect, trigger_client_event
from django_htmx.middleware import HtmxDetails

from parallel_you.domain import DomainError, InvalidValue, NotFound

T = TypeVar("T")

# A page that shows documents re-fetches its live parts when a response carries this event.
CHANGED_EVENT = "parallel-you:changed"


class HtmxHttpRequest(HttpRequest):
    """A request that went through django-htmx's middleware (every request here does)."""

    htmx: HtmxDetails


def is_fragment(request: HtmxHttpRequest) -> bool:
    """An htmx request for a fragment: not a boosted navigation, nor a history restore."""
    return bool(request.htmx) and not request.htmx.boosted and not request.htmx.history_restore_request


def page_or_fragment(request: HtmxHttpRequest, page: str, fragment: str) -> str:
    """The template to render: the whole page, or the fragment htmx asked for."""
    return fragment if is_fragment(request) else page


def refused_status(request: HtmxHttpRequest) -> int:
    """A refused form: 422 for htmx (which swaps it in place, see static/js), 400 for a plain post."""
    return 422 if is_fragment(request) else 400


def go(request: HtmxHttpRequest, url: str) -> HttpResponse:
    """Navigate to `url`: a client redirect for htmx, a plain redirect otherwise."""
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def changed(response: HttpResponse) -> HttpResponse:
    """Tell the page that documents changed, so it re-fetches what else it shows."""
    return trigger_client_event(response, CHANGED_EVENT)


def next_url(request: HttpRequest, default: str | None = None) -> str:
    """Where a plain form post goes back to: its `next` if that is a path on this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default or reverse("threads:board")


def refused(exc: DomainError) -> str:
    """The message of a refusal, for the person who asked. A `NotFound` is no refusal to show: it
    goes on up to `not_found_is_404` (views catch DomainError, which NotFound is)."""
    if isinstance(exc, NotFound):
        raise exc
    return exc.message


def add_domain_errors(form: forms.Form, exc: DomainError) -> None:
    """Show a domain refusal on the form: next to its field when the form has one, else on top."""
    refused(exc)
    errors = exc.errors if isinstance(exc, InvalidValue) else {exc.field or "__all__": exc.message}
    for name, message in errors.items():
        form.add_error(name if name in form.fields else None, message)


async def submit(form: forms.Form, change: Callable[[], Awaitable[T]]) -> T | None:
    """Validate `form`, then make the change; None when the form or the domain refuses, with the
    reason shown on the form."""
    if not form.is_valid():
        return None
    try:
        return await change()
    except DomainError as exc:
        add_domain_errors(form, exc)
        return None


async def settings_form(
    request: HtmxHttpRequest,
    *,
    template: str,
    form_class: type[forms.Form],
    initial: dict[str, Any],
    context: Callable[[], dict[str, Any]],
    change: Callable[[forms.Form], Awaitable[T]],
    saved: Callable[[T], str],
    then: str,
) -> HttpResponse:
    """A settings page: GET shows `form_class` filled with `initial`; POST makes the `change` with
    the valid form, then says what was `saved` and goes to `then`; refused, the form again with the
    reason (`context`: the rest of the page, read again then)."""
    if request.method == "GET":
        return render(request, template, {"form": form_class(initial=initial), **context()})
    form = form_class(request.POST)
    done = await submit(form, lambda: change(form))
    if done is None:
        return render(request, template, {"form": form, **context()}, status=refused_status(request))
    messages.success(request, saved(done))
    return redirect(then)


def form_refusal(form: forms.Form) -> InvalidValue:
    """A form's errors as the domain's refusal, one message per field."""
    return InvalidValue({name: str(errors[0]) for name, errors in form.errors.items()})


P = ParamSpec("P")
View = Callable[Concatenate[HtmxHttpRequest, P], Coroutine[Any, Any, HttpResponse]]


def not_found_is_404(message: str) -> Callable[[View[P]], View[P]]:
    """Answer a `NotFound` from anything the view calls with a 404 that says `message`: someone
    else's id and a deleted one look the same."""

    def decorate(view: View[P]) -> View[P]:
        @wraps(view)
        async def wrapper(request: HtmxHttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            try:
                return await view(request, *args, **kwargs)
            except NotFound:
                raise Http404(message) from None

        return wrapper

    return decorate
