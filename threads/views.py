"""Thread pages: thin views that parse, call one service or selector, and render.

Every page works as plain form posts and redirects; with htmx (and not boosted) a request gets a
fragment instead. After a change made from a page, the response is that page's live region (the
board, the archive list or the detail panel), found from `HX-Current-URL`, so what a person sees
is always what the repo holds. Someone else's id is a 404 everywhere (pages, fragments, actions).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget

from pace import day_services
from pace.web import pace_stores
from parallel_you.bootstrap import current_adapters
from parallel_you.domain import DomainError, NotFound
from parallel_you.htmx import (
    HtmxHttpRequest,
    add_domain_errors,
    changed,
    is_fragment,
    next_url,
    not_found_is_404,
    page_or_fragment,
    refused,
    refused_status,
    submit,
)
from parallel_you.repo.parsed import shared_reads
from parallel_you.service_layer import ChangedElsewhere
from parallel_you.web import owner_of
from threads import selectors, services
from threads.board_keys import HEADER as BOARD_HEADER
from threads.board_keys import BoardKeys, board_keys
from threads.board_keys import changes as board_changes
from threads.board_keys import parse as parse_shown
from threads.cards import rendered_cards, rendered_lanes
from threads.domain import Kind, Thread
from threads.forms import BlockForm, EnergyBandForm, EnergyBandRemoveForm, ThreadForm
from threads.selectors import LANE_STATES, Board, Lane
from timers import selectors as timer_selectors

NO_THREAD = "There's no such thread."
NO_BAND = "There's no such energy band."
# On a narrow answer (only the parts of the board that changed, out of band): board.js then skips
# the refresh it would send after a quantum started or stopped from a card.
PARTS_HEADER = "X-Board-Parts"
T = TypeVar("T")


# --- helpers --------------------------------------------------------------------------------------
def _on_threads(owner: str, service: Callable[..., Awaitable[T]], /, **arguments: Any) -> Awaitable[T]:
    """A thread service on the person's threads, wired to the process's adapters."""
    return current_adapters().call(service, owner=owner, repo="threads", **arguments)


async def _owned_thread(request: HtmxHttpRequest, thread_id: str) -> tuple[str, Thread]:
    """Who asks, and their thread `thread_id` (someone else's is a `NotFound`)."""
    owner = await owner_of(request)
    return owner, selectors.thread_get(repo=current_adapters().threads, owner=owner, thread_id=thread_id)


def _refused(request: HtmxHttpRequest, owner: str, exc: DomainError, *, thread_id: str) -> HttpResponse:
    """An action the domain refused: the page's region with the reason on the thread's card, or
    (a plain form post) the reason as a message and back where the person was."""
    if is_fragment(request):
        return _region_response(request, owner, thread_id=thread_id, error=refused(exc))
    messages.error(request, refused(exc))
    return redirect(next_url(request))


def _read_version(data: QueryDict, *, default: int) -> int:
    """The `version` a form was rendered with (a form from before versions were sent: `default`)."""
    value = data.get("version", "")
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 12 else default


def _thread_form(owner: str, data: Any = None, *, thread: Thread | None = None, **kwargs: Any) -> ThreadForm:
    adapters = current_adapters()
    profile = selectors.profile_get(repo=adapters.profiles, owner=owner)
    sagas = selectors.saga_choices(repo=adapters.threads, owner=owner)
    auto_id = f"edit-{thread.id}-%s" if thread is not None else "new-%s"
    return ThreadForm(data, bands=profile.bands, sagas=sagas, thread=thread, auto_id=auto_id, **kwargs)


COLUMN_LIMIT = 40
# Browser-side board preferences (static/js/board.js writes them): the lanes a person closed and
# the state shown on a phone. Cookies, so a live refresh renders them as the person left them.
LANES_CLOSED_COOKIE = "board_lanes_closed"
TAB_COOKIE = "board_tab"
TABS = tuple(state.value for state in LANE_STATES)


def _board_prefs(cookies: Mapping[str, str], params: QueryDict) -> tuple[frozenset[str], str]:
    closed = frozenset(k for k in cookies.get(LANES_CLOSED_COOKIE, "").split(".") if k)
    tab = params.get("tab") or cookies.get(TAB_COOKIE, "")
    return closed, tab if tab in TABS else TABS[0]


@dataclass
class _BoardParts:
    """A board as the view computes it before rendering: what both the whole region and a narrow
    answer need (the lanes and their keys, without any card's HTML)."""

    board: Board
    lanes: list[Lane]
    cards: dict[str, Any]
    keys: BoardKeys
    filters: dict[str, str]
    here: str
    show_all_url: str
    tab: str
    errors: dict[str, str]
    profile: Any


def _board_parts(
    owner: str, params: QueryDict, cookies: Mapping[str, str] | None = None, errors: dict[str, str] | None = None
) -> _BoardParts:
    adapters = current_adapters()
    profile = selectors.profile_get(repo=adapters.profiles, owner=owner)
    filters = {
        "saga": params.get("saga", ""),
        "band": params.get("band", ""),
        "q": params.get("q", "").strip(),
    }
    # Read-only: the board changes nothing it reads, so it needs no copies of the stored documents.
    with shared_reads():
        board = selectors.board_get(
            repo=adapters.threads,
            owner=owner,
            saga_id=filters["saga"] or None,
            energy_band=filters["band"] or None,
            text=filters["q"],
            profile=profile,
        )
        controls = timer_selectors.controls_context(repo=adapters.threads, owner=owner, pace=pace_stores())
    query = QueryDict(mutable=True)
    query.update({k: v for k, v in filters.items() if v})
    show_all = params.get("all") == "1"
    if show_all:
        query["all"] = "1"
    here = reverse("threads:board") + (f"?{query.urlencode()}" if query else "")
    query["all"] = "1"
    show_all_url = reverse("threads:board") + f"?{query.urlencode()}"
    closed, tab = _board_prefs(cookies or {}, params)
    # Each state shows its first COLUMN_LIMIT cards over all lanes unless the person asks for all:
    # a page of hundreds of cards is slow to send, to re-fetch live and to scan.
    lanes = selectors.board_lanes(board, closed=closed, limit=None if show_all else COLUMN_LIMIT)
    cards = board.cards | controls
    keys = board_keys(
        board, lanes, cards["card_keys"], here=here, show_all_url=show_all_url, limit=COLUMN_LIMIT, errors=errors
    )
    return _BoardParts(board, lanes, cards, keys, filters, here, show_all_url, tab, errors or {}, profile)


def _pace_today(owner: str, board: Board) -> list[Any]:
    """Today's focused minutes per band against its daily cap, for the Now strip (pace app)."""
    adapters = current_adapters()
    return day_services.today_use_get(
        threads=adapters.threads, profiles=adapters.profiles, owner=owner, running=board.now
    )


def _board_tabs(board: Board) -> list[tuple[Any, int]]:
    return [(state, sum(t.kind is not Kind.SAGA for t in board.columns[state])) for state in LANE_STATES]


def _board_context(
    owner: str, params: QueryDict, cookies: Mapping[str, str] | None = None, errors: dict[str, str] | None = None
) -> dict[str, Any]:
    parts = _board_parts(owner, params, cookies, errors)
    board, lanes, cards, here = parts.board, parts.lanes, parts.cards, parts.here
    rendered = [*board.now, *(t for lane in lanes for _, shown, _ in lane.columns for t in shown)]
    cards_html = rendered_cards(rendered, cards, here=here, inline=True)
    lanes_html = rendered_lanes(
        lanes,
        cards,
        cards_html,
        here=here,
        show_all_url=parts.show_all_url,
        limit=COLUMN_LIMIT,
        keys=parts.keys.lanes,
        errors=errors,
    )
    return {
        "board": board,
        "board_keys": parts.keys,
        "lanes_html": lanes_html,
        "errors": errors or {},
        "lanes": lanes,
        "limit": COLUMN_LIMIT,
        "tab": parts.tab,
        "tabs": _board_tabs(board),
        "show_all_url": parts.show_all_url,
        "profile": parts.profile,
        "filters": parts.filters,
        "filtered": any(parts.filters.values()),
        "here": here,
        "cards_html": cards_html,
        "pace_today": _pace_today(owner, board),
        **cards,
    }


def _board_changes(
    request: HtmxHttpRequest,
    owner: str,
    params: QueryDict,
    *,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse | None:
    """A narrow answer: only the parts of the board that differ from what the page says it shows
    (`board_keys.HEADER`), each an out-of-band swap; None when the page sent no keys or shows
    another layout (answer with the whole region then)."""
    shown = parse_shown(request.headers.get(BOARD_HEADER))
    if shown is None:
        return None
    parts = _board_parts(owner, params, request.COOKIES, errors)
    diff = board_changes(parts.keys, shown, errors=errors)
    if diff is None:
        return None
    board, lanes, cards, keys = parts.board, parts.lanes, parts.cards, parts.keys
    columns = [(lanes[i], state) for i, state in diff.columns]
    threads = [
        t for lane, state in columns for s, shown_here, _ in lane.columns if s.value == state for t in shown_here
    ]
    full = [lanes[i] for i in diff.lanes]
    threads += [t for lane in full for _, shown_here, _ in lane.columns for t in shown_here]
    if diff.now:
        threads += board.now
    cards_html = rendered_cards(threads, cards, here=parts.here, inline=True)
    lanes_html = rendered_lanes(
        full,
        cards,
        cards_html,
        here=parts.here,
        show_all_url=parts.show_all_url,
        limit=COLUMN_LIMIT,
        keys=[keys.lanes[i] for i in diff.lanes],
        errors=errors,
        oob=True,
    )
    context = {
        "board": board,
        "board_keys": keys,
        "now_changed": diff.now,
        "pace_today": _pace_today(owner, board) if diff.now else [],
        "lanes_html": lanes_html,
        "columns": [
            (lane, state, shown_here, total, keys.lanes[i].columns[state.value])
            for i, column in diff.columns
            for lane in [lanes[i]]
            for state, shown_here, total in lane.columns
            if state.value == column
        ],
        "stats": [(lanes[i], keys.lanes[i]) for i in diff.stats],
        "tab": parts.tab,
        "tabs": _board_tabs(board),
        "errors": errors or {},
        "here": parts.here,
        "show_all_url": parts.show_all_url,
        "limit": COLUMN_LIMIT,
        "cards_html": cards_html,
        "inline": True,
        **cards,
    }
    response = render(request, "threads/_board_changes.html", context, status=status)
    response[PARTS_HEADER] = "1"
    return reswap(response, "none")


def _detail_context(owner: str, thread_id: str) -> dict[str, Any]:
    adapters = current_adapters()
    detail = selectors.thread_detail_get(repo=adapters.threads, owner=owner, thread_id=thread_id)
    profile = selectors.profile_get(repo=adapters.profiles, owner=owner)
    return {
        **timer_selectors.controls_context(repo=adapters.threads, owner=owner, pace=pace_stores()),
        "history": timer_selectors.history_get(
            repo=adapters.threads, profiles=adapters.profiles, thread=detail.thread, skips=adapters.skips
        ),
        "detail": detail,
        "thread": detail.thread,
        "band": profile.band_or_first(detail.thread.energy_band),
        "ready_to_unblock": {thread_id} if detail.ready_to_unblock else set(),
        "here": reverse("threads:detail", args=[thread_id]),
    }


def _archive_context(owner: str, params: QueryDict) -> dict[str, Any]:
    adapters = current_adapters()
    q = params.get("q", "").strip()
    threads = selectors.archive_get(repo=adapters.threads, owner=owner, text=q)
    profile = selectors.profile_get(repo=adapters.profiles, owner=owner)
    cards = selectors.card_context(repo=adapters.threads, owner=owner, threads=threads, profile=profile)
    here = reverse("threads:archive") + (f"?{urlencode({'q': q})}" if q else "")
    return {"archived": threads, "q": q, "here": here, **cards}


def _card_response(
    request: HtmxHttpRequest, owner: str, thread_id: str, *, errors: dict[str, str] | None = None, status: int = 200
) -> HttpResponse:
    adapters = current_adapters()
    thread = selectors.thread_get(repo=adapters.threads, owner=owner, thread_id=thread_id)
    profile = selectors.profile_get(repo=adapters.profiles, owner=owner)
    cards = selectors.card_context(repo=adapters.threads, owner=owner, threads=[thread], profile=profile)
    cards |= timer_selectors.controls_context(repo=adapters.threads, owner=owner, pace=pace_stores())
    here = next_url(request)
    # Swapped into a page by htmx (Cancel, a live update): edit and block in place again, as the board does.
    inline = is_fragment(request)
    cards_html = rendered_cards([thread], cards, here=here, inline=inline)
    context = {
        "thread": thread,
        "errors": errors or {},
        "here": here,
        "inline": inline,
        "cards_html": cards_html,
        **cards,
    }
    return render(request, "threads/_card.html", context, status=status)


def _current_page(request: HtmxHttpRequest) -> tuple[str, dict[str, Any], QueryDict] | None:
    try:
        url = request.htmx.current_url_abs_path if request.htmx else None
        if not url:
            return None
        parts = urlsplit(url)
        match = resolve(parts.path)
    except (ValueError, Resolver404):  # a header that isn't a URL of this site
        return None
    return match.view_name, match.kwargs, QueryDict(parts.query)


def _region_response(
    request: HtmxHttpRequest, owner: str, *, thread_id: str | None = None, error: str | None = None
) -> HttpResponse:
    """The live region of the page this htmx request came from, re-rendered from the repo.

    `error` (an action the domain refused) is shown on that thread's card, with status 422.
    """
    status = 422 if error else 200
    errors = {thread_id: error} if error and thread_id else {}
    page = _current_page(request)
    name, kwargs, params = page if page else ("", {}, QueryDict())
    if name == "threads:detail":
        try:
            context = _detail_context(owner, kwargs["thread_id"])
        except NotFound:  # it was just deleted
            return HttpResponseClientRedirect(reverse("threads:board"))
        template, target = "threads/_detail.html", "#thread-detail"
    elif name == "threads:archive":
        context, template, target = _archive_context(owner, params), "threads/_archive.html", "#archive"
    elif name == "threads:board":
        narrow = _board_changes(request, owner, params, errors=errors, status=status)
        if narrow is not None:
            return narrow
        context, template, target = (
            _board_context(owner, params, request.COOKIES, errors),
            "threads/_board.html",
            "#board",
        )
    else:
        # Another page (a sprint board) shows this card: answer with the card and let the page
        # re-fetch whatever else it shows.
        if thread_id is None or current_adapters().threads.get(thread_id) is None:
            response = HttpResponse(status=204)
        else:
            response = _card_response(request, owner, thread_id, errors=errors, status=status)
            retarget(response, f"#thread-{thread_id}")
            reswap(response, "outerHTML")
        return changed(response)
    context["errors"] = errors
    response = render(request, template, context, status=status)
    retarget(response, target)
    return reswap(response, "outerHTML")


def _done(
    request: HtmxHttpRequest, owner: str, *, thread_id: str | None = None, default: str | None = None
) -> HttpResponse:
    if is_fragment(request):
        return _region_response(request, owner, thread_id=thread_id)
    return redirect(next_url(request, default))


def _form_response(
    request: HtmxHttpRequest, form: Any, thread: Thread, page: str, fragment: str, **extra: Any
) -> HttpResponse:
    """A form about one thread, as a page or in place of its card; refused while it has errors."""
    context = {"form": form, "thread": thread, "here": next_url(request), **extra}
    status = refused_status(request) if form.errors else 200
    return render(request, page_or_fragment(request, page, fragment), context, status=status)


def board_changes_answer(request: HtmxHttpRequest, owner: str) -> HttpResponse | None:
    """For another app's change made from a card on the board (a quantum started or stopped): the
    board's changed parts (the card in its new place, the Now strip, the counts), or None when the
    request did not come from the board with its keys."""
    page = _current_page(request)
    if page is None or page[0] != "threads:board" or BOARD_HEADER not in request.headers:
        return None
    return _board_changes(request, owner, page[2])


# --- pages ----------------------------------------------------------------------------------------
@require_GET
@vary_on_headers("HX-Request")
async def board(request: HtmxHttpRequest) -> HttpResponse:
    owner = await owner_of(request)
    if is_fragment(request):
        # A live refresh sends what the page shows: answer with what differs.
        narrow = _board_changes(request, owner, request.GET)
        if narrow is not None:
            return narrow
        return render(request, "threads/_board.html", _board_context(owner, request.GET, request.COOKIES))
    context = _board_context(owner, request.GET, request.COOKIES)
    kind = Kind.SAGA.value if context["board"].empty else Kind.TASK.value
    context["new_form"] = _thread_form(owner, initial={"kind": kind, "parent_id": context["filters"]["saga"]})
    return render(request, "threads/board.html", context)


@require_GET
@vary_on_headers("HX-Request")
async def archive(request: HtmxHttpRequest) -> HttpResponse:
    owner = await owner_of(request)
    context = _archive_context(owner, request.GET)
    template = page_or_fragment(request, "threads/archive.html", "threads/_archive.html")
    return render(request, template, context)


@require_GET
@vary_on_headers("HX-Request")
@not_found_is_404(NO_THREAD)
async def thread_detail(request: HtmxHttpRequest, thread_id: str) -> HttpResponse:
    owner = await owner_of(request)
    context = _detail_context(owner, thread_id)
    template = page_or_fragment(request, "threads/detail.html", "threads/_detail.html")
    return render(request, template, context)


@require_GET
@not_found_is_404(NO_THREAD)
async def thread_card(request: HtmxHttpRequest, thread_id: str) -> HttpResponse:
    """One card, as the board shows it (for Cancel, and for live updates that swap one card)."""
    owner = await owner_of(request)
    return _card_response(request, owner, thread_id)


# --- create and edit ------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
async def thread_new(request: HtmxHttpRequest) -> HttpResponse:
    owner = await owner_of(request)
    if request.method == "GET":
        kind = request.GET.get("kind", Kind.TASK.value)
        form = _thread_form(owner, initial={"kind": kind, "parent_id": request.GET.get("saga", "")})
        template = page_or_fragment(request, "threads/new.html", "threads/_new_form.html")
        return render(request, template, {"form": form, "focus": True, "here": next_url(request)})
    form = _thread_form(owner, request.POST)
    created = await submit(
        form, lambda: _on_threads(owner, services.thread_create, uses=("profiles",), **form.creates(owner))
    )
    fragment = is_fragment(request)
    if created is None:
        template = page_or_fragment(request, "threads/new.html", "threads/_new_form.html")
        context = {"form": form, "focus": True, "here": next_url(request)}
        return render(request, template, context, status=refused_status(request))
    if not fragment:
        messages.success(request, f"Added {created.kind.value} “{created.title}”.")
        return redirect(next_url(request))
    # A fresh form that keeps kind, saga, band and quantum (adding several stories in a row is
    # common) with the board swapped out-of-band.
    keep = {k: form.cleaned_data.get(k) for k in ("parent_id", "energy_band", "quantum")}
    fresh = _thread_form(owner, initial={"kind": form.kind_value.value, **keep})
    page = _current_page(request)
    params = page[2] if page and page[0] == "threads:board" else QueryDict()
    context = {
        "form": fresh,
        "focus": True,
        "created": created,
        "oob_board": True,
        **_board_context(owner, params, request.COOKIES),
    }
    return render(request, "threads/_new_form.html", context)


@require_http_methods(["GET", "POST"])
@not_found_is_404(NO_THREAD)
async def thread_edit(request: HtmxHttpRequest, thread_id: str) -> HttpResponse:
    owner, thread = await _owned_thread(request, thread_id)
    # The form carries the version the person saw: an edit over a thread changed since is refused.
    read_version = thread.version
    if request.method == "GET":
        form = _thread_form(owner, thread=thread, initial=thread.model_dump())
    else:
        read_version = _read_version(request.POST, default=thread.version)
        form = _thread_form(owner, request.POST, thread=thread)
        if form.is_valid():
            try:
                await _on_threads(
                    owner,
                    services.thread_edit,
                    uses=("profiles",),
                    thread_id=thread.id,
                    read_version=read_version,
                    **form.changes(),
                )
            except ChangedElsewhere as exc:
                # Show it as it is now, with that version: saving again is a choice made knowingly.
                thread = exc.current
                read_version = thread.version
                current = thread.model_dump()
                form = _thread_form(owner, {k: current.get(k) or "" for k in form.fields}, thread=thread)
                form.is_valid()
                form.add_error(None, exc.message)
            except DomainError as exc:
                add_domain_errors(form, exc)
            else:
                return _done(request, owner, thread_id=thread.id, default=reverse("threads:detail", args=[thread.id]))
    return _form_response(
        request, form, thread, "threads/edit.html", "threads/_edit_form.html", read_version=read_version
    )


# --- transitions ----------------------------------------------------------------------------------
@require_POST
@not_found_is_404(NO_THREAD)
async def thread_transition(request: HtmxHttpRequest, thread_id: str) -> HttpResponse:
    """park, unpark, unblock, done, reopen, archive, unarchive: the `action` of the pressed button."""
    owner = await owner_of(request)
    action = request.POST.get("action", "")
    try:
        await _on_threads(owner, services.thread_transition, thread_id=thread_id, action=action)
    except DomainError as exc:
        return _refused(request, owner, exc, thread_id=thread_id)
    return _done(request, owner, thread_id=thread_id)


@require_http_methods(["GET", "POST"])
@not_found_is_404(NO_THREAD)
async def thread_block(request: HtmxHttpRequest, thread_id: str) -> HttpResponse:
    owner, thread = await _owned_thread(request, thread_id)
    choices = selectors.blocker_choices(repo=current_adapters().threads, owner=owner, thread=thread)
    if request.method == "GET":
        initial = {"blocked_by": thread.blocked_by, "note": thread.blocked_note}
        form = BlockForm(initial=initial, choices=choices, auto_id=f"block-{thread.id}-%s")
    else:
        form = BlockForm(request.POST, choices=choices, auto_id=f"block-{thread.id}-%s")
        block = services.thread_transition
        done = await submit(
            form, lambda: _on_threads(owner, block, thread_id=thread.id, action="block", **form.cleaned_data)
        )
        if done is not None:
            return _done(request, owner, thread_id=thread.id)
    return _form_response(request, form, thread, "threads/block.html", "threads/_block_form.html")


@require_http_methods(["GET", "POST"])
@not_found_is_404(NO_THREAD)
async def thread_delete(request: HtmxHttpRequest, thread_id: str) -> HttpResponse:
    owner, thread = await _owned_thread(request, thread_id)
    here = next_url(request)
    if request.method == "GET":
        children = (
            current_adapters().threads.list(selectors.thread_filter(owner=owner, parent_id=thread.id, archived=None))
            if thread.kind is Kind.SAGA
            else []
        )
        context = {"thread": thread, "children": children, "here": here}
        template = page_or_fragment(request, "threads/delete.html", "threads/_delete_dialog.html")
        return render(request, template, context)
    try:
        deleted = await _on_threads(owner, services.thread_delete, thread_id=thread.id)
    except DomainError as exc:
        return _refused(request, owner, exc, thread_id=thread.id)
    others = len(deleted) - 1
    also = f" and its {others} stor{'ies' if others != 1 else 'y'} and tasks" if others else ""
    messages.success(request, f"Deleted “{thread.title}”{also}.")
    if is_fragment(request):
        return _region_response(request, owner)
    # Never send a person back to the page of what they just deleted.
    return redirect(here if thread.id not in here else reverse("threads:board"))


# --- energy bands ---------------------------------------------------------------------------------
def _bands_context(owner: str) -> dict[str, Any]:
    adapters = current_adapters()
    profile = selectors.profile_get(repo=adapters.profiles, owner=owner)
    usage = selectors.band_usage(repo=adapters.threads, owner=owner)
    rows = [
        (band, EnergyBandForm(initial=band.model_dump(), auto_id=f"band-{band.id}-%s"), usage.get(band.id, 0))
        for band in profile.bands
    ]
    return {"profile": profile, "rows": rows, "add_form": EnergyBandForm(auto_id="band-new-%s")}


def _bands_response(
    request: HtmxHttpRequest,
    owner: str,
    *,
    form: EnergyBandForm | None = None,
    band_id: str | None = None,
    saved: str = "",
) -> HttpResponse:
    """The energy bands page or region; an invalid `form` is shown in place of band `band_id`'s (or
    the add form); `saved` says what a change just saved."""
    context = _bands_context(owner) | {"saved": saved}
    if form is not None:
        if band_id is None:
            context["add_form"] = form
        else:
            context["rows"] = [(b, form if b.id == band_id else f, n) for b, f, n in context["rows"]]
    fragment = is_fragment(request)
    status = 200 if form is None else (refused_status(request))
    template = page_or_fragment(request, "threads/energy_bands.html", "threads/_energy_bands.html")
    response = render(request, template, context, status=status)
    if fragment:
        retarget(response, "#energy-bands")
        reswap(response, "outerHTML")
    return response


@require_http_methods(["GET", "POST"])
async def energy_bands(request: HtmxHttpRequest) -> HttpResponse:
    """The settings page; a POST adds a band."""
    owner = await owner_of(request)
    adapters = current_adapters()
    if request.method == "GET":
        return _bands_response(request, owner)
    form = EnergyBandForm(request.POST, auto_id="band-new-%s")
    await submit(
        form, lambda: adapters.call(services.energy_band_add, owner=owner, uses=("profiles",), **form.cleaned_data)
    )
    if form.errors:
        return _bands_response(request, owner, form=form)
    return _bands_saved(request, owner, f"Added the energy band “{form.cleaned_data['name']}”.")


def _bands_saved(request: HtmxHttpRequest, owner: str, saved: str) -> HttpResponse:
    if is_fragment(request):
        return _bands_response(request, owner, saved=saved)
    messages.success(request, saved)
    return redirect("threads:energy_bands")


def _band_or_404(owner: str, band_id: str) -> Any:
    band = selectors.profile_get(repo=current_adapters().profiles, owner=owner).band(band_id)
    if band is None:
        raise Http404(NO_BAND)
    return band


@require_POST
async def energy_band_change(request: HtmxHttpRequest, band_id: str) -> HttpResponse:
    owner = await owner_of(request)
    adapters = current_adapters()
    _band_or_404(owner, band_id)
    form = EnergyBandForm(request.POST, auto_id=f"band-{band_id}-%s")
    change = services.energy_band_change
    await submit(
        form, lambda: adapters.call(change, owner=owner, uses=("profiles",), band_id=band_id, **form.cleaned_data)
    )
    if form.errors:
        return _bands_response(request, owner, form=form, band_id=band_id)
    return _bands_saved(request, owner, f"Saved the energy band “{form.cleaned_data['name']}”.")


@require_http_methods(["GET", "POST"])
async def energy_band_remove(request: HtmxHttpRequest, band_id: str) -> HttpResponse:
    owner = await owner_of(request)
    adapters = current_adapters()
    band = _band_or_404(owner, band_id)
    profile = selectors.profile_get(repo=adapters.profiles, owner=owner)
    in_use = selectors.band_usage(repo=adapters.threads, owner=owner).get(band_id, 0)
    data = request.POST if request.method == "POST" else None
    form = EnergyBandRemoveForm(data, bands=profile.bands, removing=band_id)
    status = 200
    if request.method == "POST":
        remove = services.energy_band_remove
        done = await submit(
            form,
            lambda: adapters.call(
                remove, owner=owner, uses=("profiles", "threads"), band_id=band_id, **form.cleaned_data
            ),
        )
        if done is not None:
            messages.success(request, f"Removed the energy band “{band.name}”.")
            if is_fragment(request):
                return HttpResponseClientRedirect(reverse("threads:energy_bands"))
            return redirect("threads:energy_bands")
        status = refused_status(request)
    context = {"band": band, "form": form, "in_use": in_use, "only_band": len(profile.bands) == 1}
    return render(request, "threads/energy_band_remove.html", context, status=status)
