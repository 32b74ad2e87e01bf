"""Board cards, rendered fast: one cache round trip for every card, the template only for misses.

A board can hold hundreds of cards and is re-fetched after every change (live updates). Each
card's HTML is cached under a key made of everything it shows (`selectors.card_key`: the thread's
version, its band, saga title, blockers...), the page it links back to and whether it edits in
place, so a cached card is never stale: any change makes a new key. The CSRF inputs inside are
placeholders, filled in per request by `CsrfPlaceholderMiddleware`.
"""

from __future__ import annotations

import hashlib
from typing import Any, cast

from django.core.cache import cache
from django.template import Context
from django.template.backends.django import Template as BackendTemplate
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

from threads.board_keys import LaneKeys, lane_keys
from threads.domain import Thread
from threads.selectors import Lane

CARD_TEMPLATE = "threads/_card_article.html"
CARD_SECONDS = 24 * 3600


def _key(thread: Thread, signature: str, here: str, inline: bool) -> str:
    digest = hashlib.blake2b(f"{signature}|{here}|{inline}".encode(), digest_size=12).hexdigest()
    return f"card:{thread.id}:{digest}"


def rendered_cards(threads: list[Thread], cards: dict[str, Any], *, here: str, inline: bool) -> dict[str, SafeString]:
    """HTML of each thread's card by id; `cards` is what `selectors.card_context` returned."""
    signatures: dict[str, str] = cards["card_keys"]
    keys = {t.id: _key(t, signatures[t.id], here, inline) for t in threads}
    found: dict[str, str] = cache.get_many(list(keys.values()))
    # The engine's own template: rendered with a plain Context, no context processors.
    template = cast(BackendTemplate, get_template(CARD_TEMPLATE)).template
    fresh: dict[str, str] = {}
    out: dict[str, SafeString] = {}
    for thread in threads:
        html = found.get(keys[thread.id])
        if html is None:
            context = Context({**cards, "thread": thread, "here": here, "inline": inline, "csrf_deferred": True})
            html = fresh[keys[thread.id]] = template.render(context)
        out[thread.id] = mark_safe(html)  # noqa: S308 (rendered by the autoescaping card template)
    if fresh:
        cache.set_many(fresh, CARD_SECONDS)
    return out


LANE_TEMPLATE = "threads/_lane.html"


def _lane_signature(lane: Lane, card_keys: Any, here: str, show_all_url: str, limit: int) -> str:
    saga = lane.saga
    parts = [
        lane.key,
        lane.open,
        (saga.version, saga.updated_at.isoformat(), saga.title, saga.state.value) if saga else None,
        lane.progress,
        [(state.value, total, [(t.id, card_keys[t.id]) for t in shown]) for state, shown, total in lane.columns],
        here,
        show_all_url,
        limit,
    ]
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=12).hexdigest()
    return f"lane2:{lane.key}:{digest}"


def rendered_lanes(
    lanes: list[Lane],
    cards: dict[str, Any],
    cards_html: dict[str, SafeString],
    *,
    here: str,
    show_all_url: str,
    limit: int,
    keys: list[LaneKeys] | None = None,
    errors: dict[str, str] | None = None,
    oob: bool = False,
) -> list[SafeString]:
    """HTML of each lane, in order: like the cards, cached under everything a lane shows (its cards'
    own keys included), so a board of many lanes costs one cache round trip more than its cards.
    A lane holding a card with an error (a refused action) is rendered afresh, not cached. `keys`
    are each lane's `board_keys.LaneKeys` (derived from what the cache key holds; computed when not given); with `oob` each
    lane is marked as an out-of-band swap."""
    errors = errors or {}
    if keys is None:
        refused = set(errors)
        keys = [
            lane_keys(lane, cards["card_keys"], here=here, show_all_url=show_all_url, limit=limit, erred=refused)
            for lane in lanes
        ]
    cache_keys = [_lane_signature(lane, cards["card_keys"], here, show_all_url, limit) for lane in lanes]
    found: dict[str, str] = cache.get_many(cache_keys)
    template = cast(BackendTemplate, get_template(LANE_TEMPLATE)).template
    fresh: dict[str, str] = {}
    out: list[SafeString] = []
    for lane, key, part_keys in zip(lanes, cache_keys, keys, strict=True):
        erred = any(t.id in errors for _, shown, _ in lane.columns for t in shown)
        html = None if erred else found.get(key)
        if html is None:
            context = Context(
                {
                    **cards,
                    "lane": lane,
                    "lane_keys": part_keys,
                    "cards_html": cards_html,
                    "here": here,
                    "inline": True,
                    "show_all_url": show_all_url,
                    "limit": limit,
                    "errors": errors,
                    "csrf_deferred": True,
                }
            )
            html = template.render(context)
            if not erred:
                fresh[key] = html
        if oob:
            html = html.replace("<details ", '<details hx-swap-oob="true" ', 1)
        out.append(mark_safe(html))  # noqa: S308 (rendered by the autoescaping lane template)
    if fresh:
        cache.set_many(fresh, CARD_SECONDS)
    return out
