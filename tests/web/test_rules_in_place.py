"""Bad numbers, dates and requests the domain refuses: the message shows where the value was
entered (the page form or the htmx fragment), and nothing changes."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime, timedelta
from io import StringIO
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from parallel_you.bootstrap import Adapters
from parallel_you.service_layer import save
from sprints import services as sprint_services
from sprints.domain import Closing, Sprint, SprintState
from sprints.selectors import sprint_filter
from threads import services
from threads.domain import Kind, Thread
from timers import services as timers

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}
FIVE_THOUSAND_DIGITS = "7" * 5000


def owner_of(person: Any) -> str:
    return str(person.pk)


def task(app: Adapters, who: str, title: str = "Task") -> Thread:
    return async_to_sync(services.thread_create)(repo=app.threads, bus=app.bus, owner=who, kind=Kind.TASK, title=title)


def sprint_with(app: Adapters, who: str, *threads: Thread) -> Sprint:
    sprint = async_to_sync(sprint_services.sprint_create)(
        repo=app.sprints, bus=app.bus, owner=who, name="Now", start=date(2026, 3, 2), end=date(2026, 3, 6)
    )
    for thread in threads:
        sprint = async_to_sync(sprint_services.sprint_item_add)(
            repo=app.sprints, threads=app.threads, bus=app.bus, owner=who, sprint_id=sprint.id, thread_id=thread.id
        )
    return sprint


def text(response: Any) -> str:
    return html.unescape(response.content.decode())


# --- numbers on the planning page ----------------------------------------------------------------------
@pytest.mark.parametrize("value", ["²", "٣٣٣", FIVE_THOUSAND_DIGITS, "1e309", "-0", "NaN", "", " ", "101"])
@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_a_bad_estimate_is_refused_on_the_planning_page(
    client_as: Client, person: Any, adapters: Adapters, value: str, headers: dict[str, str]
) -> None:
    thread = task(adapters, owner_of(person))
    sprint = sprint_with(adapters, owner_of(person), thread)
    before = adapters.threads.get(thread.id)
    url = reverse("sprints:item_estimate", args=[sprint.id, thread.id])
    response = client_as.post(url, {"estimate": value}, headers=headers)
    assert response.status_code == (422 if headers else 400)
    assert "An estimate is a whole number of quanta, 1 to 100." in text(response)
    assert adapters.threads.get(thread.id) == before


def test_a_good_estimate_is_kept(client_as: Client, person: Any, adapters: Adapters) -> None:
    thread = task(adapters, owner_of(person))
    sprint = sprint_with(adapters, owner_of(person), thread)
    response = client_as.post(reverse("sprints:item_estimate", args=[sprint.id, thread.id]), {"estimate": " 8 "})
    assert response.status_code == 302
    assert adapters.threads.get(thread.id).estimate == 8  # type: ignore[union-attr]


@pytest.mark.parametrize("value", ["²", FIVE_THOUSAND_DIGITS, "-1", "1e309", "5"])
@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_a_bad_position_is_refused_when_adding_or_moving(
    client_as: Client, person: Any, adapters: Adapters, value: str, headers: dict[str, str]
) -> None:
    a, b, spare = (task(adapters, owner_of(person), n) for n in ("A", "B", "Spare"))
    sprint = sprint_with(adapters, owner_of(person), a, b)
    status = 422 if headers else 400
    add = client_as.post(
        reverse("sprints:item_add", args=[sprint.id]), {"thread_id": spare.id, "position": value}, headers=headers
    )
    move = client_as.post(reverse("sprints:item_move", args=[sprint.id, a.id]), {"position": value}, headers=headers)
    for response in (add, move):
        assert response.status_code == status
        assert re.search(r"position is a place in the sprint's list|isn't in the sprint's list", text(response))
    assert adapters.sprints.get(sprint.id) == sprint
    assert adapters.threads.get(spare.id) == spare


# --- sprint dates ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("start", "end"), [("0001-01-01", "0001-01-07"), ("9999-12-25", "9999-12-31")])
@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_a_sprint_outside_the_years_2000_to_2100_is_refused_in_the_form(
    client_as: Client, person: Any, adapters: Adapters, start: str, end: str, headers: dict[str, str]
) -> None:
    data = {"name": "Ancient", "start": start, "end": end}
    response = client_as.post(reverse("sprints:new"), data, headers=headers)
    assert response.status_code == (422 if headers else 400)
    assert "Choose a day between 2000 and 2100." in text(response)
    assert adapters.sprints.list(sprint_filter(owner=owner_of(person))) == []


@pytest.mark.parametrize("state", list(SprintState))
@pytest.mark.parametrize("start", [date(1, 1, 1), date(9999, 12, 25)])
def test_a_stored_sprint_outside_those_years_still_shows_its_pages(
    client_as: Client, person: Any, adapters: Adapters, state: SprintState, start: date
) -> None:
    closed = (
        {"closing": Closing(), "closed_at": datetime(2026, 3, 2, tzinfo=UTC)} if state is SprintState.CLOSED else {}
    )
    sprint = Sprint(
        owner=owner_of(person), name="Old", start=start, end=start + timedelta(days=6), state=state, **closed
    )
    adapters.sprints.upsert(sprint)
    for name in ("sprints:detail", "sprints:burndown", "sprints:summary", "sprints:close", "sprints:edit"):
        for headers in ({}, HX):
            response = client_as.get(reverse(name, args=[sprint.id]), headers=headers)
            assert response.status_code in (200, 302), (name, response.status_code)
    assert client_as.get(reverse("sprints:list")).status_code == 200
    assert client_as.get(reverse("sprints:active_board")).status_code == 200
    # Saving it asks for dates in range, next to the date.
    data = {"name": "Old", "start": start.isoformat(), "end": (start + timedelta(days=6)).isoformat()}
    response = client_as.post(reverse("sprints:edit", args=[sprint.id]), data)
    if state is not SprintState.CLOSED:
        assert response.status_code == 400 and "Choose a day between 2000 and 2100." in text(response)


# --- timer minutes -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["²", FIVE_THOUSAND_DIGITS, "1e309", "0", "-5", "NaN", "", "241"])
def test_bad_minutes_are_refused_on_the_timer(client_as: Client, person: Any, adapters: Adapters, value: str) -> None:
    thread = task(adapters, owner_of(person))
    running = async_to_sync(timers.quantum_start)(
        repo=adapters.threads, bus=adapters.bus, owner=owner_of(person), thread_id=thread.id
    )
    extend = client_as.post(reverse("timers:extend", args=[thread.id]), {"minutes": value}, headers=HX)
    assert extend.status_code == 422 and "Add 1 to 240 minutes." in text(extend)
    tune = client_as.post(reverse("timers:tune", args=[thread.id]), {"minutes": value}, headers=HX)
    assert tune.status_code == 422 and "A quantum is 5 to 240 minutes." in text(tune)
    assert adapters.threads.get(thread.id) == running


# --- the rules of section 3, through the pages ---------------------------------------------------------
@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_an_archived_thread_cannot_be_edited_from_its_form(
    client_as: Client, person: Any, adapters: Adapters, transition: Any, headers: dict[str, str]
) -> None:
    thread = task(adapters, owner_of(person), "Old")
    transition(person, thread, "done")
    archived = transition(person, thread, "archive")
    data = {"title": "Changed", "quantum": "25", "energy_band": "deep", "notes": ""}
    response = client_as.post(reverse("threads:edit", args=[thread.id]), data, headers=headers)
    assert response.status_code == (422 if headers else 400)
    assert "“Old” is archived: unarchive it before you edit it." in text(response)
    assert adapters.threads.get(thread.id) == archived
    block = client_as.post(reverse("threads:block", args=[thread.id]), {"note": "x"}, headers=headers)
    assert block.status_code == (422 if headers else 400) and "is archived" in text(block)
    assert adapters.threads.get(thread.id) == archived


def test_an_unknown_action_on_someone_elses_thread_is_a_404(
    client_as: Client, other_person: Any, adapters: Adapters
) -> None:
    theirs = task(adapters, owner_of(other_person), "Theirs")
    for action in ("no-such-action", "", "start"):
        for headers in ({}, HX):
            response = client_as.post(
                reverse("threads:transition", args=[theirs.id]), {"action": action}, headers=headers
            )
            assert response.status_code == 404
    assert adapters.threads.get(theirs.id) == theirs


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_a_circle_of_blocks_is_refused_in_the_block_form(
    client_as: Client, person: Any, adapters: Adapters, transition: Any, headers: dict[str, str]
) -> None:
    t1, t2, t3 = (task(adapters, owner_of(person), f"t{n}") for n in (1, 2, 3))
    transition(person, t1, "block", blocked_by=[t2.id])
    transition(person, t2, "block", blocked_by=[t3.id])
    response = client_as.post(reverse("threads:block", args=[t3.id]), {"blocked_by": [t1.id]}, headers=headers)
    assert response.status_code == (422 if headers else 400)
    assert "That would make a circle of blocks: “t3” → “t1” → “t2” → “t3”." in text(response)
    assert adapters.threads.get(t3.id) == t3


@pytest.mark.parametrize("title", ["\u200b", "\u2060\ufeff", " \u200b ", "\u3164"])
def test_a_title_of_invisible_characters_is_refused_in_the_new_form(
    client_as: Client, person: Any, adapters: Adapters, title: str
) -> None:
    data = {"kind": "task", "title": title, "quantum": "25", "energy_band": "deep"}
    response = client_as.post(reverse("threads:new"), data, headers=HX)
    assert response.status_code == 422 and "This can't be empty." in text(response)
    assert adapters.threads.list(services.thread_filter(owner=owner_of(person))) == []


def _token(response: Any) -> str:
    match = re.search(r'name="token" value="([0-9a-f]{32})"', response.content.decode())
    assert match, "the create form carries a token"
    return match.group(1)


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_a_thread_create_sent_twice_makes_one_thread_and_answers_alike(
    client_as: Client, person: Any, adapters: Adapters, headers: dict[str, str]
) -> None:
    token = _token(client_as.get(reverse("threads:new")))
    data = {"kind": "task", "title": "Once", "quantum": "25", "energy_band": "deep", "token": token, "next": "/"}
    first = client_as.post(reverse("threads:new"), data, headers=headers)
    again = client_as.post(reverse("threads:new"), data, headers=headers)
    made = adapters.threads.list(services.thread_filter(owner=owner_of(person)))
    assert [t.title for t in made] == ["Once"]
    assert first.status_code == again.status_code == (200 if headers else 302)
    if headers:
        for response in (first, again):
            assert f'data-created-id="{made[0].id}"' in response.content.decode()
        # The fresh form that comes back carries a new token: the next thread is a new one.
        assert _token(first) != token
    else:
        assert first["Location"] == again["Location"]
    # Another render, another token, another thread.
    data["token"] = _token(client_as.get(reverse("threads:new")))
    client_as.post(reverse("threads:new"), data, headers=headers)
    assert len(adapters.threads.list(services.thread_filter(owner=owner_of(person)))) == 2


def test_a_sprint_create_sent_twice_makes_one_sprint(client_as: Client, person: Any, adapters: Adapters) -> None:
    token = _token(client_as.get(reverse("sprints:new")))
    data = {"name": "Once", "start": "2026-03-02", "end": "2026-03-06", "token": token}
    first = client_as.post(reverse("sprints:new"), data)
    again = client_as.post(reverse("sprints:new"), data, headers=HX)
    [sprint] = adapters.sprints.list(sprint_filter(owner=owner_of(person)))
    assert first["Location"] == again["HX-Redirect"] == reverse("sprints:detail", args=[sprint.id])


def test_someone_elses_token_does_not_reach_their_thread(
    client_as: Client, person: Any, other_person: Any, adapters: Adapters
) -> None:
    other = Client()
    other.force_login(other_person)
    token = _token(client_as.get(reverse("threads:new")))
    data = {"kind": "task", "title": "Mine", "quantum": "25", "energy_band": "deep", "token": token}
    client_as.post(reverse("threads:new"), data)
    other.post(reverse("threads:new"), data | {"title": "Theirs"})
    assert [t.title for t in adapters.threads.list(services.thread_filter(owner=owner_of(person)))] == ["Mine"]
    assert [t.title for t in adapters.threads.list(services.thread_filter(owner=owner_of(other_person)))] == ["Theirs"]


def test_check_consistency_agrees_with_what_the_timer_pages_make(
    client_as: Client, person: Any, adapters: Adapters
) -> None:
    first, second = (task(adapters, owner_of(person), n) for n in ("First", "Second"))
    client_as.post(reverse("timers:start", args=[first.id]))
    refused = client_as.post(reverse("timers:start", args=[second.id]), headers=HX)
    assert refused.status_code == 422 and "“First” is running" in text(refused)
    client_as.post(reverse("timers:start", args=[second.id]), {"current": "pause"})
    states = [adapters.threads.get(t.id) for t in (first, second)]
    assert [(t.state.value, t.run.paused_at is not None) for t in states if t and t.run] == [
        ("running", True),
        ("running", False),
    ]
    out = StringIO()
    call_command("check_consistency", stdout=out)
    assert "consistent" in out.getvalue()
    # Two counting at once is what the checker reports (made behind the services' back).
    paused = adapters.threads.get(first.id)
    assert paused is not None and paused.run is not None
    paused.run.paused_at = None
    save(adapters.threads, paused)
    with pytest.raises(CommandError):
        call_command("check_consistency", stdout=(out := StringIO()))
    assert "2 running quanta at once, not paused" in out.getvalue()
