"""Rough edges a new user hit (issue 14, item 5), one test each."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from asgiref.sync import async_to_sync
from django.urls import reverse

from parallel_you.bootstrap import Adapters
from tests.web.test_sprints import TODAY, make_sprint, make_story, plan, sprint_holding
from threads import services as threads
from threads.domain import TITLE_MAX, Outcome
from timers import services as timers

HX = {"HTTP_HX_REQUEST": "true"}
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_a_wednesday")]


def owner(person: Any) -> str:
    return str(person.pk)


def mine(adapters: Adapters, person: Any) -> list[Any]:
    return adapters.threads.list(threads.thread_filter(owner=owner(person)))


def input_tag(page: str, name: str) -> str:
    found = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    assert found, name
    return found.group(0)


# --- the shortest quantum is 1 minute; the field steps by 1 --------------------------------------------------
def test_the_quantum_field_and_the_server_agree_on_one_minute_steps(
    client_as: Any, person: Any, adapters: Adapters
) -> None:
    field = input_tag(client_as.get(reverse("threads:new")).content.decode(), "quantum")
    assert 'min="1"' in field and 'step="1"' in field and 'max="240"' in field
    created = client_as.post(
        reverse("threads:new"), {"kind": "task", "title": "Tiny", "quantum": "1", "energy_band": "deep"}
    )
    assert created.status_code == 302
    assert [t.quantum for t in mine(adapters, person)] == [1]
    refused = client_as.post(
        reverse("threads:new"), {"kind": "task", "title": "None", "quantum": "0", "energy_band": "deep"}
    )
    assert refused.status_code == 400 and "A quantum is 1 to 240 minutes." in refused.content.decode()
    assert len(mine(adapters, person)) == 1


# --- renaming an energy band reaches the sprint pages ----------------------------------------------------------
def test_a_renamed_band_shows_under_its_new_name_on_the_sprint_pages(
    client_as: Any, person: Any, adapters: Adapters
) -> None:
    sprint, [story] = sprint_holding(adapters, owner(person), "Draft")
    client_as.post(reverse("threads:energy_band_change", args=["deep"]), {"name": "Focus", "colour": "#112233"})
    planning = client_as.get(reverse("sprints:detail", args=[sprint.id])).content.decode()
    assert '<span class="band-chip band-chip--deep">Focus</span>' in planning
    assert ">Deep<" not in planning
    client_as.post(reverse("sprints:start", args=[sprint.id]))
    client_as.post(reverse("sprints:close", args=[sprint.id]), {"carry_to": "backlog"})
    summary = client_as.get(reverse("sprints:summary", args=[sprint.id])).content.decode()
    assert '<tr id="summary-deep"><th scope="row">Focus</th>' in summary
    assert " q · Focus</span>" in summary and "Deep" not in summary


# --- a closed sprint of 4 items is listed as 4 items -----------------------------------------------------------
def test_a_closed_sprint_is_listed_with_every_item_it_held(client_as: Any, person: Any, adapters: Adapters) -> None:
    sprint, stories = sprint_holding(adapters, owner(person), *(f"Story {i}" for i in range(4)))
    client_as.post(reverse("sprints:start", args=[sprint.id]))
    client_as.post(reverse("threads:transition", args=[stories[0].id]), {"action": "done"})
    client_as.post(reverse("sprints:close", args=[sprint.id]), {"carry_to": "backlog"})
    page = client_as.get(reverse("sprints:list")).content.decode()
    row = page.split(f'id="sprint-{sprint.id}"', 1)[1].split("</li>", 1)[0]
    assert "· 4 items</span>" in row
    one = make_sprint(adapters, owner(person), "One", start=TODAY + timedelta(days=14))
    plan(adapters, one, make_story(adapters, owner(person), "Alone"))
    page = client_as.get(reverse("sprints:list")).content.decode()
    assert "· 1 item</span>" in page.split(f'id="sprint-{one.id}"', 1)[1].split("</li>", 1)[0]


# --- saving energy bands gives feedback ------------------------------------------------------------------------
@pytest.mark.parametrize("use_htmx", [True, False])
def test_saving_or_adding_a_band_says_so(client_as: Any, person: Any, adapters: Adapters, use_htmx: bool) -> None:
    headers = HX if use_htmx else {}
    url = reverse("threads:energy_band_change", args=["deep"])
    changed = client_as.post(url, {"name": "Focus", "colour": "#112233"}, follow=not use_htmx, **headers)
    assert "Saved the energy band “Focus”." in changed.content.decode()
    added = client_as.post(reverse("threads:energy_bands"), {"name": "<b>Admin</b>", "colour": "#aabbcc"}, **headers)
    if not use_htmx:
        added = client_as.get(added["Location"])
    assert "Added the energy band “&lt;b&gt;Admin&lt;/b&gt;”." in added.content.decode()
    refused = client_as.post(url, {"name": "", "colour": "#112233"}, **headers)
    assert "Saved the energy band" not in refused.content.decode()


# --- a too-long title pasted into the inline input is refused with a message, not cut ---------------------------
def test_a_too_long_title_is_sent_whole_and_refused_with_a_message(
    client_as: Any, person: Any, adapters: Adapters
) -> None:
    board = client_as.get(reverse("threads:board")).content.decode()
    title_input = input_tag(board.split('id="new-thread"', 1)[1], "title")
    assert "maxlength" not in title_input  # a browser would cut a pasted title silently at it
    edit_page = client_as.get(reverse("threads:new")).content.decode()
    assert "maxlength" not in input_tag(edit_page, "title")
    response = client_as.post(
        reverse("threads:new"),
        {"kind": "task", "title": "x" * (TITLE_MAX + 50), "quantum": "25", "energy_band": "deep"},
        **HX,
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert f"Keep the title to {TITLE_MAX} characters or fewer." in body
    assert 'value="' + "x" * (TITLE_MAX + 50) + '"' in body  # kept whole, for the person to shorten
    assert mine(adapters, person) == []


# --- the session chart: axes and values, caption in the table's order, "1 session" ------------------------------
def test_the_session_chart_has_axes_values_and_says_one_session(
    client_as: Any, person: Any, adapters: Adapters, make_thread: Any
) -> None:
    thread = make_thread(person, "task", "Charted", quantum=20)
    async_to_sync(timers.quantum_start)(
        repo=adapters.threads, bus=adapters.bus, owner=owner(person), thread_id=thread.id
    )
    async_to_sync(timers.quantum_stop)(
        repo=adapters.threads, bus=adapters.bus, owner=owner(person), thread_id=thread.id
    )
    page = client_as.get(reverse("threads:detail", args=[thread.id])).content.decode()
    chart = page.split('<figure class="history-chart">', 1)[1].split("</figure>", 1)[0]
    assert "Last 1 session, newest first (left), like the table." in chart
    assert "1 sessions" not in page
    assert re.findall(r'class="tick">([^<]+)</text>', chart) == ["0", "10", "20"]  # the minutes axis
    assert ">min</text>" in chart
    assert re.search(r'class="bar__value"[^>]*>0</text>', chart)  # stopped at once: 0 actual minutes
    assert re.search(r'class="bar__when"[^>]*>11/3</text>', chart)  # its day, under the bar


# --- item 4: one model for ending work ---------------------------------------------------------------------------
def _running(adapters: Adapters, person: Any, make_thread: Any) -> Any:
    thread = make_thread(person, "task", "Focus work", quantum=25)
    return async_to_sync(timers.quantum_start)(
        repo=adapters.threads, bus=adapters.bus, owner=owner(person), thread_id=thread.id
    )


def test_stop_offers_done_more_to_do_and_park_beside_the_cards_own_park_and_done(
    client_as: Any, person: Any, adapters: Adapters, make_thread: Any
) -> None:
    thread = _running(adapters, person, make_thread)
    page = client_as.get(reverse("threads:detail", args=[thread.id])).content.decode()
    stop_menu = page.split('<details class="timer-stop">', 1)[1].split("</details>", 1)[0]
    assert re.findall(r'name="then" value="(\w+)"[^>]*>([^<]+)</button>', stop_menu) == [
        ("done", "Done"),
        ("ready", "More to do"),
        ("parked", "Park it"),
    ]
    actions = page.split('<div class="actions">', 1)[1].split("</form>", 1)[0]
    assert 'value="park" data-action="park"' in actions and 'value="done" data-action="done"' in actions


def test_the_cards_park_ends_a_running_quantum_at_once_recorded_as_park_it(
    client_as: Any, person: Any, adapters: Adapters, make_thread: Any
) -> None:
    thread = _running(adapters, person, make_thread)
    assert thread.run is not None
    with time_machine.travel(thread.run.started_at + timedelta(minutes=5), tick=False):
        response = client_as.post(reverse("threads:transition", args=[thread.id]), {"action": "park"})
    assert response.status_code == 302  # no question asked
    parked = adapters.threads.get(thread.id)
    assert parked is not None and parked.state.value == "parked" and parked.run is None
    assert [s.outcome for s in parked.sessions] == [Outcome.ABANDONED]  # as Stop… → Park it records it
    topics = [e.topic for e in adapters.bus.emitted]  # type: ignore[attr-defined]
    assert "task.quantum_stopped" in topics


def test_more_to_do_is_recorded_as_stopped_early_even_just_before_the_deadline(
    client_as: Any, person: Any, adapters: Adapters, make_thread: Any
) -> None:
    thread = _running(adapters, person, make_thread)
    assert thread.run is not None
    with time_machine.travel(thread.run.deadline - timedelta(seconds=1), tick=False):
        response = client_as.post(reverse("timers:stop", args=[thread.id]), {"then": "ready"})
    assert response.status_code == 302
    stopped = adapters.threads.get(thread.id)
    assert stopped is not None and stopped.state.value == "ready"
    assert [s.outcome for s in stopped.sessions] == [Outcome.STOPPED_EARLY]
    page = client_as.get(reverse("threads:detail", args=[thread.id])).content.decode()
    assert '<span class="outcome outcome--stopped_early">Stopped early</span>' in page
