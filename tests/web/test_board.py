"""The board page: columns by state, cards, filters, the fragment, escaping, empty states."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from parallel_you.bootstrap import Adapters

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


def lane(page: str, key: str) -> str:
    start = page.index(f'data-lane="{key}"')
    end = page.find('data-lane="', start + 1)
    return page[start : end if end > 0 else len(page)]


def test_the_board_shows_saga_lanes_with_state_columns_and_cards_with_stable_ids(
    client_as: Any, person: Any, make_thread: Any, transition: Any
) -> None:
    saga = make_thread(person, "saga", "Write the book")
    story = make_thread(person, "story", "Outline", parent_id=saga.id, quantum=40, energy_band="light")
    task = make_thread(person, "task", "Buy paper")
    transition(person, task, "park")
    page = client_as.get(reverse("threads:board")).content.decode()
    book = lane(page, saga.id)
    assert "Write the book" in book and "0/1 done" in book  # the saga's title and progress head its lane
    assert f'id="thread-{saga.id}"' not in page  # a saga is a lane, not a card
    for state in ("ready", "parked", "blocked", "done"):
        assert f'class="column column--{state}"' in book
    ready = book[book.index("column--ready") : book.index("column--parked")]
    assert f'id="thread-{story.id}"' in ready
    outside = lane(page, "none")
    assert "Outside any saga" in outside
    parked = outside[outside.index("column--parked") : outside.index("column--blocked")]
    assert f'id="thread-{task.id}"' in parked
    card = page[page.index(f'id="thread-{story.id}"') :]
    card = card[: card.index("</article>")]
    assert "40 min" in card and "Light" in card and "Write the book" in card
    # Compact: the one action that matters now outside the menu, the rest inside it.
    assert card.index("Start 40 min") < card.index('class="menu"') < card.index('data-action="park"')


def test_a_closed_lane_is_rendered_closed_and_without_cards(client_as: Any, person: Any, make_thread: Any) -> None:
    saga = make_thread(person, "saga", "Write the book")
    story = make_thread(person, "story", "Outline", parent_id=saga.id)
    task = make_thread(person, "task", "Buy paper")
    client_as.cookies["board_lanes_closed"] = f"{saga.id}.nonsense"
    page = client_as.get(reverse("threads:board"), headers=HX).content.decode()
    book = lane(page, saga.id)
    assert " open>" not in book[: book.index(">") + 1] and f'id="thread-{story.id}"' not in page
    assert "1 ready" in book  # its counts still show in its head
    assert f'id="thread-{task.id}"' in lane(page, "none")
    assert 'data-lane="none" open' in page


def test_the_phone_tab_comes_from_the_cookie_or_the_query(client_as: Any, person: Any, make_thread: Any) -> None:
    make_thread(person, "task", "Buy paper")
    assert 'data-tab="ready"' in client_as.get("/", headers=HX).content.decode()
    client_as.cookies["board_tab"] = "parked"
    assert 'data-tab="parked"' in client_as.get("/", headers=HX).content.decode()
    assert 'data-tab="done"' in client_as.get("/", {"tab": "done"}, headers=HX).content.decode()
    client_as.cookies["board_tab"] = "<script>"
    assert 'data-tab="ready"' in client_as.get("/", headers=HX).content.decode()


def test_with_htmx_the_board_answers_with_just_the_board_region(client_as: Any, person: Any, make_thread: Any) -> None:
    make_thread(person, "task", "Only one")
    response = client_as.get(reverse("threads:board"), headers=HX)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="board"')
    assert "<html" not in body and 'id="new-thread"' not in body and "Only one" in body
    assert "HX-Request" in response["Vary"]


def test_filters_by_saga_band_and_text_and_hide_archived(
    client_as: Any, person: Any, make_thread: Any, transition: Any
) -> None:
    a = make_thread(person, "saga", "Saga A")
    b = make_thread(person, "saga", "Saga B")
    in_a = make_thread(person, "story", "Alpha story", parent_id=a.id, energy_band="light")
    in_b = make_thread(person, "story", "Beta story", parent_id=b.id, notes="mentions gamma")
    gone = make_thread(person, "task", "Archived task")
    transition(person, gone, "done")
    transition(person, gone, "archive")

    def shown(**params: str) -> set[str]:
        body = client_as.get(reverse("threads:board"), params, headers=HX).content.decode()
        cards = re.findall(r'<article[^>]* id="thread-([0-9a-f]+)"', body)
        return set(cards) | set(re.findall(r'data-lane="([0-9a-f]+)"', body))

    # A saga's lane shows while it or one of its threads is shown.
    assert shown() == {a.id, b.id, in_a.id, in_b.id}
    assert shown(saga=a.id) == {a.id, in_a.id}
    assert shown(band="light") == {a.id, in_a.id}
    assert shown(q="BETA") == {b.id, in_b.id}
    assert shown(q="gamma") == {b.id, in_b.id}
    assert shown(q="Archived") == set()
    assert "Nothing matches these filters" in client_as.get("/", {"q": "zzz"}, headers=HX).content.decode()


def test_the_filter_form_keeps_its_values(client_as: Any, person: Any, make_thread: Any) -> None:
    saga = make_thread(person, "saga", "Saga A")
    body = client_as.get(reverse("threads:board"), {"saga": saga.id, "band": "light", "q": "x"}).content.decode()
    assert f'<option value="{saga.id}" selected>' in body
    assert '<option value="light" selected>' in body
    assert 'id="filter-text" value="x"' in body


def test_an_empty_board_says_what_to_do_first(client_as: Any) -> None:
    body = client_as.get(reverse("threads:board")).content.decode()
    assert "Your board is empty" in body and "Create a <strong>saga</strong>" in body
    assert '<option value="saga" selected>' in body  # the new-thread form starts with a saga


def test_a_script_title_is_shown_as_text_everywhere(
    client_as: Any, person: Any, make_thread: Any, transition: Any
) -> None:
    evil = "<script>alert(1)</script>"
    saga = make_thread(person, "saga", evil, notes=evil)
    story = make_thread(person, "story", "Story", parent_id=saga.id)
    transition(person, story, "block", blocked_by=[saga.id], note=evil)
    pages = [
        client_as.get(reverse("threads:board")),
        client_as.get(reverse("threads:board"), headers=HX),
        client_as.get(reverse("threads:detail", args=[saga.id])),
        client_as.get(reverse("threads:detail", args=[story.id])),
        client_as.get(reverse("threads:block", args=[story.id])),
        client_as.get(reverse("threads:edit", args=[saga.id])),
        client_as.get(reverse("threads:delete", args=[saga.id])),
        client_as.get(reverse("threads:card", args=[story.id])),
    ]
    for response in pages:
        body = response.content.decode()
        assert evil not in body, response.request["PATH_INFO"]
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_a_blocked_story_shows_as_ready_to_unblock_once_its_blockers_are_done(
    client_as: Any, person: Any, make_thread: Any, transition: Any
) -> None:
    saga = make_thread(person, "saga", "Saga")
    first = make_thread(person, "story", "First", parent_id=saga.id)
    second = make_thread(person, "story", "Second", parent_id=saga.id)
    transition(person, second, "block", blocked_by=[first.id])
    assert "Ready to unblock" not in client_as.get("/").content.decode()
    transition(person, first, "done")
    body = client_as.get("/").content.decode()
    card = body[body.index(f'id="thread-{second.id}"') :]
    assert "Ready to unblock" in card[: card.index("</article>")]
    assert "thread-card--unblockable" in body


def test_the_now_strip_shows_the_running_card_whatever_the_filters(
    client_as: Any, person: Any, make_thread: Any, adapters: Adapters
) -> None:
    task = make_thread(person, "task", "Focus", quantum=30)
    make_thread(person, "task", "Other")
    client_as.post(reverse("timers:start", args=[task.id]))
    running = adapters.threads.get(task.id)
    assert running is not None and running.run is not None
    for params in ({}, {"q": "Other"}, {"q": "nothing matches"}):
        body = client_as.get("/", params).content.decode()
        now = body[body.index('id="now"') : body.index("</section>", body.index('id="now"'))]
        assert f'data-deadline="{running.run.deadline.isoformat()}"' in now
        assert reverse("timers:stop", args=[task.id]) in now
        assert body.count(f'id="thread-{task.id}"') == 1  # in the Now strip only


def test_the_now_strip_says_when_nothing_runs(client_as: Any, person: Any, make_thread: Any) -> None:
    make_thread(person, "task", "Idle")
    body = client_as.get("/", headers=HX).content.decode()
    assert "Nothing running. Start a Ready card." in body[body.index('id="now"') :]


def test_the_help_overlay_and_nav_are_on_every_page(client_as: Any) -> None:
    for name in ("threads:board", "threads:archive", "threads:energy_bands"):
        body = client_as.get(reverse(name)).content.decode()
        assert 'id="help-dialog"' in body and 'id="dialog-slot"' in body
        assert 'aria-current="page"' in body
        for target in ("threads:board", "threads:archive", "threads:energy_bands"):
            assert f'href="{reverse(target)}"' in body


def test_the_edit_form_title_label_names_its_field_and_no_id_repeats(
    client_as: Any, person: Any, make_thread: Any
) -> None:
    task = make_thread(person, "task", "Buy paper")
    body = client_as.get(reverse("threads:edit", args=[task.id]), headers=HX).content.decode()
    ids = re.findall(r'\sid="([^"]+)"', body)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    label = re.search(r'<label for="([^"]+)">Title</label>', body)
    assert label is not None
    assert re.search(rf'<input[^>]*name="title"[^>]*id="{label.group(1)}"', body)


def test_a_card_fetched_by_htmx_edits_in_place(client_as: Any, person: Any, make_thread: Any) -> None:
    task = make_thread(person, "task", "Buy paper")
    fragment = client_as.get(reverse("threads:card", args=[task.id]), {"next": "/"}, headers=HX).content.decode()
    assert 'data-action="edit"' in fragment and f'hx-get="/threads/{task.id}/edit/' in fragment
