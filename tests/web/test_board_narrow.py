"""Narrow answers (issue 15): a change made on the board, and its live refresh, answer with the
parts of the board that changed (the card in its new column, the Now strip, the counts) as
out-of-band swaps, not the whole board region; a page that shows another layout gets the region."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from parallel_you.bootstrap import Adapters
from tests.support.board_page import BoardPage
from threads.domain import State

pytestmark = pytest.mark.django_db

BOARD = "http://testserver/"
HX = {"HX-Request": "true", "HX-Current-URL": BOARD}


def loaded(client: Any, url: str = "/") -> BoardPage:
    response = client.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    return BoardPage.load(response.content.decode())


def narrow(page: BoardPage, current: str = BOARD) -> dict[str, str]:
    return {"HX-Request": "true", "HX-Current-URL": current, "X-Board-Shown": page.header()}


def transition(client: Any, page: BoardPage, thread: Any, action: str, current: str = BOARD) -> Any:
    """`action` on `thread`, posted from `page` (shown at `current`) as the board posts it."""
    return client.post(
        reverse("threads:transition", args=[thread.id]), {"action": action}, headers=narrow(page, current)
    )


def swapped(html: str) -> set[str]:
    ids = set()
    for tag in re.findall(r"<[a-z]+\b[^>]*hx-swap-oob=\"true\"[^>]*>", html):
        match = re.search(r'\bid="([^"]+)"', tag)
        assert match, tag
        ids.add(match.group(1))
    return ids


@pytest.fixture
def board_of(client_as: Any, person: Any, make_thread: Any) -> dict[str, Any]:
    """A saga of 3 Ready stories and a Done one; 3 Ready tasks outside it, a Parked and a Done one."""
    saga = make_thread(person, "saga", "Garden")
    stories = [make_thread(person, "story", f"Bed {i}", parent_id=saga.id) for i in range(3)]
    tasks = [make_thread(person, "task", f"Errand {i}") for i in range(3)]
    for thread, action in [
        (make_thread(person, "story", "Bed dug", parent_id=saga.id), "done"),
        (make_thread(person, "task", "Errand parked"), "park"),
        (make_thread(person, "task", "Errand done"), "done"),
    ]:
        client_as.post(reverse("threads:transition", args=[thread.id]), {"action": action})
    return {"saga": saga, "stories": stories, "tasks": tasks}


def test_park_answers_with_the_card_in_its_new_column_and_the_counts(
    client_as: Any, adapters: Adapters, board_of: dict[str, Any]
) -> None:
    page = loaded(client_as)
    task = board_of["tasks"][0]
    response = transition(client_as, page, task, "park")
    html = response.content.decode()
    assert response.status_code == 200
    assert response["HX-Reswap"] == "none" and response["X-Board-Parts"] == "1"
    assert 'id="board"' not in html  # not the region
    assert swapped(html) == {"col-none-ready", "col-none-parked", "lane-counts-none", "board-tabs"}
    parked = html[html.index('id="col-none-parked"') :]
    assert f'id="thread-{task.id}"' in parked and 'data-state="parked"' in parked
    ready = html[html.index('id="col-none-ready"') : html.index('id="col-none-parked"')]
    assert f'id="thread-{task.id}"' not in ready
    assert "2 ready" in html and "2 parked" in html  # the lane's counts
    assert adapters.threads.get(task.id).state is State.PARKED  # type: ignore[union-attr]
    # Far smaller than the region, and what the page shows then is what a fresh board shows.
    assert len(html) < len(client_as.get("/", headers={"HX-Request": "true"}).content) / 2
    page.apply(html)
    assert page.header() == loaded(client_as).header()


def test_the_live_refresh_fetches_only_what_changed(client_as: Any, board_of: dict[str, Any]) -> None:
    page = loaded(client_as)
    refresh = {"HX-Request": "true", "X-Live-Refresh": "1", "X-Board-Shown": page.header()}
    unchanged = client_as.get("/", headers=refresh)
    assert unchanged.status_code == 200 and swapped(unchanged.content.decode()) == {"board-tabs"}
    # Another tab marks a story done: this tab's refresh brings that saga's columns and counts.
    story = board_of["stories"][1]
    client_as.post(reverse("threads:transition", args=[story.id]), {"action": "done"})
    html = client_as.get("/", headers=refresh).content.decode()
    saga = board_of["saga"].id
    assert swapped(html) == {
        f"col-{saga}-ready",
        f"col-{saga}-done",
        f"lane-counts-{saga}",
        f"lane-progress-{saga}",
        "board-tabs",
    }
    assert "2/4 done" in html
    page.apply(html)
    assert page.header() == loaded(client_as).header()


def test_start_and_stop_from_a_card_move_it_to_now_and_back(client_as: Any, board_of: dict[str, Any]) -> None:
    page = loaded(client_as)
    task = board_of["tasks"][2]
    started = client_as.post(reverse("timers:start", args=[task.id]), headers=narrow(page))
    html = started.content.decode()
    assert started.status_code == 200 and started["X-Board-Parts"] == "1"
    assert swapped(html) == {"now", "col-none-ready", "lane-counts-none", "board-tabs"}
    now = html[html.index('id="now"') : html.index("</section>")]
    assert f'id="thread-{task.id}"' in now and "countdown" in now
    page.apply(html)
    stopped = client_as.post(reverse("timers:stop", args=[task.id]), {"then": "done"}, headers=narrow(page))
    html = stopped.content.decode()
    assert swapped(html) == {"now", "col-none-done", "lane-counts-none", "board-tabs"}
    assert "Nothing running" in html
    page.apply(html)
    assert page.header() == loaded(client_as).header()
    # Without the board's keys (another page, an old script): the controls, as before.
    plain = client_as.post(reverse("timers:start", args=[board_of["tasks"][0].id]), headers={"HX-Request": "true"})
    assert plain.status_code == 200 and 'class="timer"' in plain.content.decode() and "X-Board-Parts" not in plain


def test_a_refused_change_shows_its_message_on_the_card_with_422(client_as: Any, board_of: dict[str, Any]) -> None:
    page = loaded(client_as)
    task = board_of["tasks"][0]
    refused = transition(client_as, page, task, "unpark")
    html = refused.content.decode()
    assert refused.status_code == 422
    assert swapped(html) == {"col-none-ready", "lane-counts-none", "board-tabs"}
    card = html[html.index(f'id="thread-{task.id}"') :]
    assert 'role="alert"' in card[: card.index("</article>")]
    page.apply(html)
    # The next answer replaces the column showing the message, even with nothing else changed.
    again = client_as.get("/", headers={"HX-Request": "true", "X-Board-Shown": page.header()})
    assert "col-none-ready" in swapped(again.content.decode())
    assert 'role="alert"' not in again.content.decode()


def test_a_page_with_another_layout_gets_the_whole_region(
    client_as: Any, person: Any, make_thread: Any, board_of: dict[str, Any]
) -> None:
    page = loaded(client_as)
    # A new saga with a story: a lane the page does not have.
    saga = make_thread(person, "saga", "Kitchen")
    make_thread(person, "story", "Tiles", parent_id=saga.id)
    task = board_of["tasks"][0]
    response = transition(client_as, page, task, "park")
    assert response.status_code == 200 and 'id="board"' in response.content.decode()
    assert response["HX-Retarget"] == "#board"
    # Filtered: the keys of the unfiltered board don't fit the filtered one.
    page = loaded(client_as)
    filtered = transition(client_as, page, task, "unpark", BOARD + "?q=Errand")
    assert 'id="board"' in filtered.content.decode()
    # Nonsense in the header is a layout like any other: the whole region, never a 500.
    for value in ["", "x", "a|b", "a|b|c.d,e", "|" * 5000]:
        odd = client_as.get("/", headers={"HX-Request": "true", "X-Board-Shown": value})
        assert odd.status_code == 200 and 'id="board"' in odd.content.decode()


def test_someone_elses_board_keys_change_nothing_of_theirs(
    client_as: Any, other_person: Any, make_thread: Any, adapters: Adapters, board_of: dict[str, Any]
) -> None:
    theirs = make_thread(other_person, "task", "Private errand")
    page = loaded(client_as)
    response = transition(client_as, page, theirs, "park")
    assert response.status_code == 404
    assert adapters.threads.get(theirs.id).state is State.READY  # type: ignore[union-attr]
    assert "Private errand" not in client_as.get("/", headers={"HX-Request": "true"}).content.decode()


def test_a_lane_that_gains_a_state_comes_whole(client_as: Any, board_of: dict[str, Any]) -> None:
    """Its phone-tab classes (lane--has-STATE) change: the lane is sent whole, with its cards."""
    page = loaded(client_as)
    story = board_of["stories"][0]
    response = transition(client_as, page, story, "park")
    html = response.content.decode()
    saga = board_of["saga"].id
    assert swapped(html) == {f"lane-{saga}", "board-tabs"}
    assert "lane--has-parked" in html and f'id="thread-{story.id}"' in html
    page.apply(html)
    assert page.header() == loaded(client_as).header()


def test_an_empty_board_refreshes_narrowly_without_parts_it_does_not_have(client_as: Any) -> None:
    page = loaded(client_as)
    response = client_as.get("/", headers={"HX-Request": "true", "X-Board-Shown": page.header()})
    assert response.status_code == 200 and response["X-Board-Parts"] == "1"
    assert swapped(response.content.decode()) == set()  # no tabs: an empty board has none
