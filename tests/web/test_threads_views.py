"""Create, edit, block, move and delete threads from the page, with htmx and as plain form posts."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from parallel_you.bootstrap import Adapters
from threads.domain import State
from threads.selectors import thread_filter

pytestmark = pytest.mark.django_db

BOARD_URL = "http://testserver/"


def hx(current: str = BOARD_URL) -> dict[str, str]:
    return {"HX-Request": "true", "HX-Current-URL": current}


def topics(adapters: Adapters) -> list[str]:
    return [e.topic for e in adapters.bus.emitted]  # type: ignore[attr-defined]


def threads_of(adapters: Adapters, person: Any) -> list[Any]:
    return adapters.threads.list(thread_filter(owner=str(person.pk), archived=None))


NEW = {"kind": "task", "title": "Write", "quantum": "25", "energy_band": "deep", "notes": "", "parent_id": ""}


# --- create ---------------------------------------------------------------------------------------
def test_create_with_htmx_answers_with_a_fresh_form_and_the_board_out_of_band(
    client_as: Any, person: Any, adapters: Adapters, make_thread: Any
) -> None:
    saga = make_thread(person, "saga", "Book")
    data = NEW | {"kind": "story", "title": "Chapter 1", "parent_id": saga.id, "quantum": "40", "notes": "n"}
    response = client_as.post(reverse("threads:new"), data, headers=hx())
    body = response.content.decode()
    assert response.status_code == 200
    story = next(t for t in threads_of(adapters, person) if t.title == "Chapter 1")
    assert (story.kind.value, story.parent_id, story.quantum, story.notes) == ("story", saga.id, 40, "n")
    assert "Added story “Chapter 1”" in body
    assert '<div id="board" class="board-region" data-live-region' in body and 'hx-swap-oob="true"' in body
    assert f'id="thread-{story.id}"' in body
    # The fresh form keeps kind, saga and quantum, and clears the title.
    form = body[: body.index('<div id="board"')]
    assert '<option value="story" selected>' in form and f'<option value="{saga.id}" selected>' in form
    assert 'value="40"' in form and 'value="Chapter 1"' not in form
    assert topics(adapters)[-1] == "story.created"


def test_create_as_a_plain_post_redirects_back(client_as: Any, person: Any, adapters: Adapters) -> None:
    response = client_as.post(reverse("threads:new"), NEW | {"kind": "saga", "title": "Garden", "next": "/?q=g"})
    assert response.status_code == 302 and response["Location"] == "/?q=g"
    assert [t.title for t in threads_of(adapters, person)] == ["Garden"]
    response = client_as.post(reverse("threads:new"), NEW | {"next": "https://evil.example/"})
    assert response["Location"] == reverse("threads:board")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "Give it a title."),
        ({"title": "x" * 201}, "title", "Keep the title to 200 characters or fewer."),
        ({"quantum": "1"}, "quantum", "A quantum is 5 to 240 minutes."),
        ({"quantum": "999"}, "quantum", "A quantum is 5 to 240 minutes."),
        ({"quantum": "soon"}, "quantum", "A quantum is 5 to 240 minutes."),
        ({"kind": "story"}, "parent_id", "A story belongs to a saga: choose one."),
        ({"parent_id": "not-a-saga"}, "parent_id", "Choose one of your sagas."),
        ({"energy_band": "zen"}, "energy_band", "Choose one of your energy bands."),
        ({"kind": "epic"}, "kind", "Select a valid choice. epic is not one of the available choices."),
    ],
)
def test_validation_errors_show_next_to_the_field_and_save_nothing(
    client_as: Any, person: Any, adapters: Adapters, changes: dict[str, str], field: str, message: str
) -> None:
    for headers, status in ((hx(), 422), ({}, 400)):
        response = client_as.post(reverse("threads:new"), NEW | changes, headers=headers)
        body = response.content.decode()
        assert response.status_code == status
        assert f'<p class="error" role="alert" data-error-for="{field}">{message}</p>' in body
    assert threads_of(adapters, person) == [] and topics(adapters) == []


def test_the_new_form_page_and_fragment_are_prefilled(client_as: Any, person: Any, make_thread: Any) -> None:
    saga = make_thread(person, "saga", "Book")
    for headers in ({}, {"HX-Request": "true"}):
        body = client_as.get(reverse("threads:new"), {"kind": "story", "saga": saga.id}, headers=headers).content
        text = body.decode()
        assert '<option value="story" selected>' in text and f'<option value="{saga.id}" selected>' in text
    assert b"<html" in client_as.get(reverse("threads:new")).content
    assert b"<html" not in client_as.get(reverse("threads:new"), headers={"HX-Request": "true"}).content


# --- edit -----------------------------------------------------------------------------------------
def test_edit_in_place_then_the_board_is_re_rendered(
    client_as: Any, person: Any, adapters: Adapters, make_thread: Any
) -> None:
    saga = make_thread(person, "saga", "Book")
    task = make_thread(person, "task", "Old title")
    form = client_as.get(reverse("threads:edit", args=[task.id]), headers=hx()).content.decode()
    assert f'<form id="edit-{task.id}"' in form and 'value="Old title"' in form and "<html" not in form
    data = {"title": "New title", "notes": "why", "quantum": "50", "energy_band": "light", "parent_id": saga.id}
    response = client_as.post(reverse("threads:edit", args=[task.id]), data, headers=hx())
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#board" and response["HX-Reswap"] == "outerHTML"
    assert "New title" in response.content.decode()
    edited = adapters.threads.get(task.id)
    assert edited is not None and (edited.title, edited.quantum, edited.energy_band, edited.parent_id) == (
        "New title",
        50,
        "light",
        saga.id,
    )
    assert topics(adapters)[-1] == "task.updated"


def test_edit_refusals_show_in_the_form_and_change_nothing(
    client_as: Any, person: Any, adapters: Adapters, make_thread: Any
) -> None:
    task = make_thread(person, "task", "Keep")
    data = {"title": " ", "quantum": "2", "energy_band": "deep", "parent_id": ""}
    response = client_as.post(reverse("threads:edit", args=[task.id]), data, headers=hx())
    body = response.content.decode()
    assert response.status_code == 422
    assert 'data-error-for="title">Give it a title.' in body and 'data-error-for="quantum">A quantum is' in body
    assert client_as.post(reverse("threads:edit", args=[task.id]), data).status_code == 400
    assert adapters.threads.get(task.id) == task


def test_edit_as_plain_pages(client_as: Any, person: Any, adapters: Adapters, make_thread: Any) -> None:
    saga = make_thread(person, "saga", "Book")
    page = client_as.get(reverse("threads:edit", args=[saga.id]), {"next": "/"}).content.decode()
    assert "<html" in page and 'name="parent_id"' not in page  # a saga has no saga
    data = {"title": "Book 2", "notes": "", "quantum": "25", "energy_band": "deep", "next": "/"}
    response = client_as.post(reverse("threads:edit", args=[saga.id]), data)
    assert response.status_code == 302 and response["Location"] == "/"
    assert adapters.threads.get(saga.id).title == "Book 2"  # type: ignore[union-attr]
    response = client_as.post(reverse("threads:edit", args=[saga.id]), data | {"next": ""})
    assert response["Location"] == reverse("threads:detail", args=[saga.id])


def test_the_card_fragment_brings_a_card_back(client_as: Any, person: Any, make_thread: Any) -> None:
    task = make_thread(person, "task", "Card")
    body = client_as.get(reverse("threads:card", args=[task.id]), {"next": "/"}, headers=hx()).content.decode()
    assert body.lstrip().startswith('<article class="thread-card thread-card--task thread-card--ready"\n')
    assert f'id="thread-{task.id}"' in body


# --- transitions ----------------------------------------------------------------------------------
def post_action(client: Any, thread: Any, action: str, headers: dict[str, str] | None = None, **extra: str) -> Any:
    return client.post(reverse("threads:transition", args=[thread.id]), {"action": action, **extra}, headers=headers)


@pytest.mark.parametrize("use_htmx", [True, False])
def test_every_transition_from_the_card(
    client_as: Any, person: Any, adapters: Adapters, make_thread: Any, use_htmx: bool
) -> None:
    task = make_thread(person, "task", "Move me")
    headers = hx() if use_htmx else {}
    expected = [
        ("park", State.PARKED, False),
        ("unpark", State.READY, False),
        ("done", State.DONE, False),
        ("reopen", State.READY, False),
        ("done", State.DONE, False),
        ("archive", State.DONE, True),
        ("unarchive", State.DONE, False),
    ]
    for action, state, archived in expected:
        response = post_action(client_as, task, action, headers, next="/")
        if use_htmx:
            assert response.status_code == 200 and response["HX-Retarget"] == "#board"
            assert (f'id="thread-{task.id}"' in response.content.decode()) is not archived
        else:
            assert response.status_code == 302 and response["Location"] == "/"
        moved = adapters.threads.get(task.id)
        assert moved is not None and (moved.state, moved.archived) == (state, archived), action
    assert topics(adapters)[-2:] == ["task.archived", "task.unarchived"]


def test_an_illegal_transition_shows_the_domains_message_and_changes_nothing(
    client_as: Any, person: Any, adapters: Adapters, make_thread: Any, transition: Any
) -> None:
    task = make_thread(person, "task", "Finished")
    done = transition(person, task, "done")
    emitted = len(topics(adapters))
    response = post_action(client_as, task, "unpark", hx())
    assert response.status_code == 422 and response["HX-Retarget"] == "#board"
    assert "“Finished” isn&#x27;t parked, so there&#x27;s nothing to unpark." in response.content.decode()
    response = post_action(client_as, task, "unarchive", next="/")
    assert response.status_code == 302
    followed = client_as.get("/").content.decode()
    assert "“Finished” isn&#x27;t archived." in followed
    response = post_action(client_as, task, "explode", hx())
    assert response.status_code == 422 and "isn&#x27;t something a thread can do" in response.content.decode()
    assert adapters.threads.get(task.id) == done and len(topics(adapters)) == emitted


def test_block_with_own_threads_and_a_note_then_unblock(
    client_as: Any, person: Any, adapters: Adapters, make_thread: Any, other_person: Any
) -> None:
    saga = make_thread(person, "saga", "Book")
    first = make_thread(person, "story", "First", parent_id=saga.id)
    second = make_thread(person, "story", "Second", parent_id=saga.id)
    theirs = make_thread(other_person, "task", "Not yours")
    form = client_as.get(reverse("threads:block", args=[second.id]), headers=hx()).content.decode()
    assert f'<form id="block-{second.id}"' in form and "First (Story, Ready)" in form
    assert "Not yours" not in form and f'value="{second.id}"' not in form.split("fieldset")[1]
    url = reverse("threads:block", args=[second.id])
    response = client_as.post(url, {"blocked_by": [first.id], "note": "after the outline"}, headers=hx())
    assert response.status_code == 200 and response["HX-Retarget"] == "#board"
    blocked = adapters.threads.get(second.id)
    assert blocked is not None and blocked.state is State.BLOCKED
    assert (blocked.blocked_by, blocked.blocked_note) == ([first.id], "after the outline")
    body = response.content.decode()
    assert "Blocked by" in body and "after the outline" in body
    # Someone else's thread can't be chosen: nothing changes.
    response = client_as.post(reverse("threads:block", args=[first.id]), {"blocked_by": [theirs.id]}, headers=hx())
    assert response.status_code == 422 and "Choose from your own threads." in response.content.decode()
    assert adapters.threads.get(first.id).state is State.READY  # type: ignore[union-attr]
    response = post_action(client_as, second, "unblock", hx())
    assert response.status_code == 200 and adapters.threads.get(second.id).state is State.READY  # type: ignore[union-attr]


def test_block_needs_threads_or_a_note(client_as: Any, person: Any, adapters: Adapters, make_thread: Any) -> None:
    task = make_thread(person, "task", "Waiting")
    url = reverse("threads:block", args=[task.id])
    for headers, status in ((hx(), 422), ({}, 400)):
        response = client_as.post(url, {"note": "  "}, headers=headers)
        assert response.status_code == status
        assert "Say what blocks it: choose threads, write a note, or both." in response.content.decode()
    response = client_as.post(url, {"note": "x" * 2001}, headers=hx())
    assert 'data-error-for="note">Keep the note to 2000 characters or fewer.' in response.content.decode()
    assert adapters.threads.get(task.id) == task
    page = client_as.get(url, {"next": "/"}).content.decode()
    assert "<html" in page and "What blocks “Waiting”?" in page
    response = client_as.post(url, {"note": "the vet", "next": "/"})
    assert response.status_code == 302 and adapters.threads.get(task.id).blocked_note == "the vet"  # type: ignore[union-attr]


def test_blocking_a_done_thread_is_refused_with_the_domains_message(
    client_as: Any, person: Any, adapters: Adapters, make_thread: Any, transition: Any
) -> None:
    task = make_thread(person, "task", "Finished")
    done = transition(person, task, "done")
    response = client_as.post(reverse("threads:block", args=[task.id]), {"note": "x"}, headers=hx())
    assert response.status_code == 422
    assert "“Finished” is Done: reopen it before you block it." in response.content.decode()
    assert adapters.threads.get(task.id) == done


def test_an_action_answers_with_the_region_of_the_page_it_came_from(
    client_as: Any, person: Any, make_thread: Any, transition: Any
) -> None:
    task = make_thread(person, "task", "Here")
    detail = f"http://testserver{reverse('threads:detail', args=[task.id])}"
    response = post_action(client_as, task, "park", hx(detail))
    assert response["HX-Retarget"] == "#thread-detail" and 'id="thread-detail"' in response.content.decode()
    transition(person, task, "unpark")
    transition(person, task, "done")
    response = post_action(client_as, task, "archive", hx("http://testserver/archive/?q=her"))
    assert response["HX-Retarget"] == "#archive" and "Here" in response.content.decode()
    response = post_action(client_as, task, "unarchive", hx("http://testserver/sprints/"))
    assert response["HX-Retarget"] == f"#thread-{task.id}" and "parallel-you:changed" in response["HX-Trigger"]
    response = post_action(client_as, task, "reopen", hx("http://testserver/board/nowhere/"))
    assert response["HX-Retarget"] == f"#thread-{task.id}"


# --- delete ---------------------------------------------------------------------------------------
def test_deleting_a_saga_asks_first_says_what_goes_with_it_and_does_it(
    client_as: Any, person: Any, adapters: Adapters, make_thread: Any, transition: Any
) -> None:
    saga = make_thread(person, "saga", "Garden")
    make_thread(person, "story", "Dig", parent_id=saga.id)
    make_thread(person, "task", "Seeds", parent_id=saga.id)
    other = make_thread(person, "task", "Elsewhere")
    url = reverse("threads:delete", args=[saga.id])
    dialog = client_as.get(url, headers=hx()).content.decode()
    assert "<dialog" in dialog and "<html" not in dialog
    assert "Its 2 stories and tasks will be deleted with it" in dialog and "Dig" in dialog and "Seeds" in dialog
    page = client_as.get(url, {"next": "/"}).content.decode()
    assert "<html" in page and "Delete all 3" in page
    assert len(threads_of(adapters, person)) == 4  # asking deleted nothing
    response = client_as.post(url, {"next": reverse("threads:detail", args=[saga.id])})
    assert response.status_code == 302 and response["Location"] == reverse("threads:board")
    assert [t.id for t in threads_of(adapters, person)] == [other.id]
    assert "Deleted “Garden” and its 2 stories and tasks." in client_as.get("/").content.decode()


def test_delete_with_htmx_and_a_refused_delete(
    client_as: Any, person: Any, adapters: Adapters, make_thread: Any
) -> None:
    task = make_thread(person, "task", "Running")
    client_as.post(reverse("timers:start", args=[task.id]))
    response = client_as.post(reverse("threads:delete", args=[task.id]), headers=hx())
    assert response.status_code == 422 and "stop its quantum before you delete it" in response.content.decode()
    response = client_as.post(reverse("threads:delete", args=[task.id]), {"next": "/"})
    assert response.status_code == 302 and adapters.threads.get(task.id) is not None
    client_as.post(reverse("timers:stop", args=[task.id]))
    response = client_as.post(reverse("threads:delete", args=[task.id]), headers=hx())
    assert response.status_code == 200 and response["HX-Retarget"] == "#board"
    assert adapters.threads.get(task.id) is None
    gone = make_thread(person, "task", "Gone")
    detail = f"http://testserver{reverse('threads:detail', args=[gone.id])}"
    response = client_as.post(reverse("threads:delete", args=[gone.id]), headers=hx(detail))
    assert response["HX-Redirect"] == reverse("threads:board")


# --- detail ---------------------------------------------------------------------------------------
def test_the_detail_page_shows_fields_blockers_what_it_blocks_and_sessions(
    client_as: Any, person: Any, make_thread: Any, transition: Any
) -> None:
    saga = make_thread(person, "saga", "Book")
    first = make_thread(person, "story", "First", parent_id=saga.id, notes="line one\nline two", quantum=35)
    second = make_thread(person, "story", "Second", parent_id=saga.id)
    transition(person, second, "block", blocked_by=[first.id], note="editor")
    client_as.post(reverse("timers:start", args=[first.id]))
    client_as.post(reverse("timers:stop", args=[first.id]))
    body = client_as.get(reverse("threads:detail", args=[first.id])).content.decode()
    assert "line one<br>line two" in body and "35 min" in body and "Deep" in body and "in saga" in body
    blocks = body[body.index("<h2>Blocks</h2>") :]
    assert "Second" in blocks[: blocks.index("</ul>")]
    sessions = body[body.index(f'id="history-{first.id}"') :]
    assert "<table" in sessions and "Stopped early" in sessions and "<svg" in sessions
    body = client_as.get(reverse("threads:detail", args=[second.id])).content.decode()
    blocked_by = body[body.index("<h2>Blocked by</h2>") : body.index("<h2>Blocks</h2>")]
    assert "First" in blocked_by and "editor" in blocked_by and "It blocks nothing." in body
    body = client_as.get(reverse("threads:detail", args=[saga.id])).content.decode()
    assert "Stories and tasks" in body and "First" in body and "Second" in body
    fragment = client_as.get(reverse("threads:detail", args=[saga.id]), headers=hx()).content.decode()
    assert fragment.lstrip().startswith('<section id="thread-detail"')


@pytest.mark.parametrize("current", ["http://[::1", "not a url", "/no/such/page/"])
def test_a_page_url_that_is_not_one_of_ours_gets_the_card_back(
    client_as: Any, person: Any, adapters: Adapters, make_thread: Any, current: str
) -> None:
    task = make_thread(person, "task", "Walk")
    response = post_action(client_as, task, "park", {"HX-Request": "true", "HX-Current-URL": current})
    assert response.status_code == 200 and f'id="thread-{task.id}"' in response.content.decode()
    assert adapters.threads.get(task.id).state is State.PARKED  # type: ignore[union-attr]
