"""The board page: columns by state, cards, filters, the fragment, escaping, empty states."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from parallel_you.bootstrap import Adapters
from threads.domain import State

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


def test_the_board_shows_columns_and_cards_with_stable_ids(
    client_as: Any, person: Any, make_thread: Any, transition: Any
) -> None:
    saga = make_thread(person, "saga", "Write the book")
    story = make_thread(person, "story", "Outline", parent_id=saga.id, quantum=40, energy_band="light")
    task = make_thread(person, "task", "Buy paper")
    transition(person, task, "park")
    page = client_as.get(reverse("threads:board")).content.decode()
    for state in State:
        assert f'id="column-{state.value}"' in page
    ready = page[page.index('id="column-ready"') : page.index('id="column-running"')]
    assert f'id="thread-{saga.id}"' in ready and f'id="thread-{story.id}"' in ready
    parked = page[page.index('id="column-parked"') : page.index('id="column-blocked"')]
    assert f'id="thread-{task.id}"' in parked
    card = page[page.index(f'id="thread-{story.id}"') :]
    assert "40 min" in card and "Light" in card and "Write the book" in card
    assert "0/1 done" in page  # the saga's progress


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
        return set(re.findall(r'<article[^>]* id="thread-([0-9a-f]+)"', body))

    assert shown() == {a.id, b.id, in_a.id, in_b.id}
    assert shown(saga=a.id) == {a.id, in_a.id}
    assert shown(band="light") == {in_a.id}
    assert shown(q="BETA") == {in_b.id}
    assert shown(q="gamma") == {in_b.id}
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


def test_a_running_card_shows_its_countdown(client_as: Any, person: Any, make_thread: Any, adapters: Adapters) -> None:
    task = make_thread(person, "task", "Focus", quantum=30)
    client_as.post(reverse("timers:start", args=[task.id]))
    running = adapters.threads.get(task.id)
    assert running is not None and running.run is not None
    body = client_as.get("/").content.decode()
    column = body[body.index('id="column-running"') : body.index('id="column-parked"')]
    assert f'data-deadline="{running.run.deadline.isoformat()}"' in column
    assert reverse("timers:stop", args=[task.id]) in column


def test_the_help_overlay_and_nav_are_on_every_page(client_as: Any) -> None:
    for name in ("threads:board", "threads:archive", "threads:energy_bands"):
        body = client_as.get(reverse(name)).content.decode()
        assert 'id="help-dialog"' in body and 'id="dialog-slot"' in body
        assert 'aria-current="page"' in body
        for target in ("threads:board", "threads:archive", "threads:energy_bands"):
            assert f'href="{reverse(target)}"' in body
