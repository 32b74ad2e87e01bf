"""The board's saga lanes (threads.selectors.board_lanes) and their cached HTML (threads.cards)."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from parallel_you.bootstrap import Adapters
from parallel_you.service_layer import save
from threads.cards import rendered_cards, rendered_lanes
from threads.domain import Kind, State, Thread
from threads.selectors import NO_SAGA, board_get, board_lanes


def put(adapters: Adapters, kind: Kind, title: str, parent: Thread | None = None, state: State = State.READY) -> Thread:
    thread = Thread(owner="ada", kind=kind, title=title, parent_id=parent.id if parent else None)
    if state is State.DONE:
        thread.finish()
    elif state is State.PARKED:
        thread.park()
    thread.version = 1  # stored as a service would: a stored document is at version 1 or more
    adapters.threads.upsert(thread)
    return thread


def test_lanes_follow_the_sagas_then_the_threads_outside_any(adapters: Adapters) -> None:
    book = put(adapters, Kind.SAGA, "Book")
    house = put(adapters, Kind.SAGA, "House")
    outline = put(adapters, Kind.STORY, "Outline", book)
    draft = put(adapters, Kind.STORY, "Draft", book, State.DONE)
    paint = put(adapters, Kind.STORY, "Paint", house, State.PARKED)
    errand = put(adapters, Kind.TASK, "Errand")
    lanes = board_lanes(board_get(repo=adapters.threads, owner="ada"))
    assert {lanes[0].key, lanes[1].key} == {book.id, house.id} and lanes[2].key == NO_SAGA
    by_key = {lane.key: {s: [t.id for t in shown] for s, shown, _ in lane.columns} for lane in lanes}
    assert by_key[book.id] == {State.READY: [outline.id], State.PARKED: [], State.BLOCKED: [], State.DONE: [draft.id]}
    assert by_key[house.id][State.PARKED] == [paint.id]
    assert by_key[NO_SAGA][State.READY] == [errand.id]
    lane = next(lane for lane in lanes if lane.key == book.id)
    assert lane.progress == (1, 2) and lane.states == ["ready", "done"]


def test_a_closed_lane_shows_no_card_and_the_limit_counts_over_all_lanes(adapters: Adapters) -> None:
    sagas = [put(adapters, Kind.SAGA, f"Saga {n}") for n in range(3)]
    for saga in sagas:
        for n in range(3):
            put(adapters, Kind.STORY, f"{saga.title}.{n}", saga)
    board = board_get(repo=adapters.threads, owner="ada")
    order = [lane.key for lane in board_lanes(board)]
    lanes = board_lanes(board, closed={order[0]}, limit=4)
    first, second, third = lanes  # in the board's order; the closed one takes none of the limit
    assert not first.open and first.shown == 0 and first.total == 3
    assert second.shown == 3 and third.shown == 1 and third.hidden == 2


@pytest.mark.django_db
def test_a_lane_is_cached_until_anything_it_shows_changes(adapters: Adapters) -> None:
    cache.clear()
    book = put(adapters, Kind.SAGA, "Book")
    outline = put(adapters, Kind.STORY, "Outline", book)

    def html() -> str:
        board = board_get(repo=adapters.threads, owner="ada")
        lanes = board_lanes(board)
        shown = [t for lane in lanes for _, s, _ in lane.columns for t in s]
        cards_html = rendered_cards(shown, board.cards, here="/", inline=True)
        return "".join(rendered_lanes(lanes, board.cards, cards_html, here="/", show_all_url="/?all=1", limit=40))

    first = html()
    assert "Outline" in first and 'data-lane="' + book.id + '"' in first
    assert html() == first
    outline.title = "Outline, revised"
    save(adapters.threads, outline)  # a write bumps the version: the card's key, so the lane's
    assert "Outline, revised" in html()
