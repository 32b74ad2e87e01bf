"""A daily cap per energy band (set on the energy bands page, shown on the board, minded when a
quantum starts) and "End the day" (park with a note, shown when the thread is next started)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.urls import reverse

from pace.cap_gate import OverCap
from pace.domain import PaceSettings, Skip
from pace.selectors import PaceStores
from parallel_you.bootstrap import Adapters
from parallel_you.domain import utcnow
from parallel_you.service_layer import save
from tests.support.sessions import session
from threads.domain import State, Thread
from threads.selectors import profile_get
from timers import services as timer_services

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_a_wednesday")]

HX = {"HX-Request": "true"}


def owner(person: Any) -> str:
    return str(person.pk)


def topics(adapters: Adapters) -> list[str]:
    return [e.topic for e in adapters.bus.emitted]  # type: ignore[attr-defined]


def set_cap(client: Any, band: str, cap: str, name: str = "Deep", colour: str = "#4f46e5") -> Any:
    url = reverse("threads:energy_band_change", args=[band])
    return client.post(url, {"name": name, "colour": colour, "daily_cap": cap}, headers=HX)


def worked_today(adapters: Adapters, thread: Thread, minutes: float) -> Thread:
    """Record `minutes` of focus on `thread` earlier today (ending an hour ago)."""
    stored = adapters.threads.get(thread.id)
    assert stored is not None
    start = utcnow() - timedelta(hours=1, minutes=minutes)
    stored.sessions = [*stored.sessions, session(start, minutes, band=stored.energy_band)]
    save(adapters.threads, stored)
    return stored


# --- the cap setting --------------------------------------------------------------------------------
def test_a_cap_is_set_shown_and_cleared_on_the_energy_bands_page(
    client_as: Any, person: Any, adapters: Adapters
) -> None:
    response = set_cap(client_as, "deep", "180")
    assert response.status_code == 200
    assert profile_get(repo=adapters.profiles, owner=owner(person)).band("deep").daily_cap == 180  # type: ignore[union-attr]
    body = client_as.get(reverse("threads:energy_bands")).content.decode()
    assert 'name="daily_cap" value="180"' in body and "Daily cap (minutes)" in body
    set_cap(client_as, "deep", "")
    assert profile_get(repo=adapters.profiles, owner=owner(person)).band("deep").daily_cap is None  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("cap", "message"),
    [
        ("0", "A daily cap is 1 to 1440 minutes, or empty for no cap."),
        ("1441", "A daily cap is 1 to 1440 minutes (a whole day), or empty for no cap."),
        ("lots", "Write the cap as whole minutes (1 to 1440), or leave it empty for no cap."),
        ("2.5", "Write the cap as whole minutes (1 to 1440), or leave it empty for no cap."),
    ],
)
def test_a_bad_cap_is_refused_where_it_was_typed_and_changes_nothing(
    client_as: Any, person: Any, adapters: Adapters, cap: str, message: str
) -> None:
    set_cap(client_as, "deep", "120")
    response = set_cap(client_as, "deep", cap, name="Renamed")
    assert response.status_code == 422
    body = response.content.decode()
    assert message in body and 'id="band-deep-daily_cap"' in body
    band = profile_get(repo=adapters.profiles, owner=owner(person)).band("deep")
    assert band is not None and (band.name, band.daily_cap) == ("Deep", 120)


def test_a_new_band_can_have_a_cap(client_as: Any, person: Any, adapters: Adapters) -> None:
    client_as.post(reverse("threads:energy_bands"), {"name": "Admin", "colour": "#aabbcc", "daily_cap": "45"})
    assert profile_get(repo=adapters.profiles, owner=owner(person)).band("admin").daily_cap == 45  # type: ignore[union-attr]


@pytest.fixture
def deep_task(client_as: Any, person: Any, adapters: Adapters, make_thread: Any) -> Callable[..., Thread]:
    """A 25-minute Deep task of the signed-in person, under a Deep daily cap of `cap` minutes, with
    `worked` minutes of Deep focus on it earlier today."""

    def make(cap: str, worked: float = 0) -> Thread:
        set_cap(client_as, "deep", cap)
        task = make_thread(person, "task", "Write", energy_band="deep", quantum=25)
        return worked_today(adapters, task, worked) if worked else task

    return make


# --- today's use on the board ----------------------------------------------------------------------
def test_the_board_shows_todays_minutes_per_band_against_the_cap(client_as: Any, deep_task: Any) -> None:
    deep_task(cap="60", worked=75)
    body = client_as.get(reverse("threads:board")).content.decode()
    assert 'id="pace-today"' in body
    assert "Deep 75/60 min <strong>over cap</strong>" in body
    assert "Light 0 min" in body


# --- starting past the cap ---------------------------------------------------------------------------
def test_starting_past_the_cap_warns_and_keeps_the_warning_on_the_timer(
    client_as: Any, person: Any, adapters: Adapters, deep_task: Any
) -> None:
    task = deep_task(cap="60", worked=50)
    response = client_as.post(reverse("timers:start", args=[task.id]), headers=HX)
    assert response.status_code == 200
    warning = "This 25-minute quantum takes Deep past its daily cap: 50 of 60 minutes used today, 75 after it."
    assert warning in response.content.decode()
    running = adapters.threads.get(task.id)
    assert running is not None and running.state is State.RUNNING and running.run is not None
    assert running.run.cap_warning == warning
    assert warning in client_as.get(reverse("threads:board")).content.decode()
    assert "pace.cap_reached" in topics(adapters)
    notice = next(e for e in adapters.bus.emitted if e.topic == "pace.cap_reached")  # type: ignore[attr-defined]
    assert notice.payload | {"thread_id": ""} == notice.payload | {
        "owner": owner(person),
        "band": "deep",
        "cap_minutes": 60,
        "used_minutes": 50,
        "planned_minutes": 25,
        "refused": False,
        "thread_id": "",
    }


def test_without_htmx_the_warning_is_a_message_on_the_next_page(client_as: Any, deep_task: Any) -> None:
    task = deep_task(cap="30", worked=20)
    response = client_as.post(reverse("timers:start", args=[task.id]), {"next": "/"}, follow=True)
    assert "takes Deep past its daily cap: 20 of 30 minutes used today, 45 after it." in response.content.decode()


def test_under_the_cap_there_is_no_warning(client_as: Any, adapters: Adapters, deep_task: Any) -> None:
    task = deep_task(cap="180")
    response = client_as.post(reverse("timers:start", args=[task.id]), headers=HX)
    assert "daily cap" not in response.content.decode()
    assert "pace.cap_reached" not in topics(adapters)


def test_strict_mode_refuses_with_the_reason_and_starts_nothing(
    client_as: Any, person: Any, adapters: Adapters, deep_task: Any
) -> None:
    save(adapters.pace_settings, PaceSettings(id=owner(person), owner=owner(person), strict=True))
    task = deep_task(cap="60", worked=60)
    response = client_as.post(reverse("timers:start", args=[task.id]), headers=HX)
    assert response.status_code == 422
    body = response.content.decode()
    assert "Deep is at its daily cap already: 60 of 60 minutes today." in body
    assert "Strict mode is on, so it wasn&#x27;t started: pick work in another band." in body
    assert adapters.threads.get(task.id).state is State.READY  # type: ignore[union-attr]
    notice = next(e for e in adapters.bus.emitted if e.topic == "pace.cap_reached")  # type: ignore[attr-defined]
    assert notice.payload["refused"] is True


def test_the_service_refuses_in_strict_mode(adapters: Adapters, person: Any, make_thread: Any) -> None:
    profile = profile_get(repo=adapters.profiles, owner=owner(person))
    profile.change_band("deep", daily_cap=10)
    save(adapters.profiles, profile)
    save(adapters.pace_settings, PaceSettings(id=owner(person), owner=owner(person), strict=True))
    task = make_thread(person, "task", "Write", energy_band="deep", quantum=25)
    with pytest.raises(OverCap, match="past its daily cap"):
        async_to_sync(timer_services.quantum_start)(
            repo=adapters.threads,
            bus=adapters.bus,
            owner=owner(person),
            thread_id=task.id,
            pace=PaceStores.of(adapters),
        )
    assert adapters.threads.get(task.id).state is State.READY  # type: ignore[union-attr]


# --- End the day -------------------------------------------------------------------------------------
def start(client: Any, thread: Thread, **data: str) -> None:
    assert client.post(reverse("timers:start", args=[thread.id]), data, headers=HX).status_code == 200


def test_end_the_day_parks_what_runs_or_is_paused_with_a_note_each(
    client_as: Any, person: Any, adapters: Adapters, make_thread: Any
) -> None:
    first, second = make_thread(person, "task", "First"), make_thread(person, "task", "Second")
    start(client_as, first)
    start(client_as, second, current="pause")  # First is paused, Second runs
    board = client_as.get(reverse("threads:board")).content.decode()
    assert 'id="end-day"' in board
    page = client_as.get(reverse("pace:end_day")).content.decode()
    assert 'Where I stopped on <strong>First</strong> <span class="muted">(paused)</span>' in page
    assert f'name="note-{second.id}"' in page
    response = client_as.post(
        reverse("pace:end_day"), {f"note-{first.id}": "  Halfway   through §2 ", f"note-{second.id}": "Tests red"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("threads:board")
    for thread, note in ((first, "Halfway through §2"), (second, "Tests red")):
        stored = adapters.threads.get(thread.id)
        assert stored is not None and stored.state is State.PARKED and len(stored.sessions) == 1
        assert stored.stopped_note == note and stored.where_stopped == note
    assert topics(adapters)[-1] == "day.ended"
    ended = adapters.bus.emitted[-1].payload  # type: ignore[attr-defined]
    assert [t["note"] for t in ended["threads"]] == ["Halfway through §2", "Tests red"]
    assert "Day ended. Parked 2 threads" in client_as.get(reverse("threads:board")).content.decode()


def test_a_missing_note_is_asked_for_where_it_was_left_and_nothing_is_parked(
    client_as: Any, person: Any, adapters: Adapters, make_thread: Any
) -> None:
    first, second = make_thread(person, "task", "First"), make_thread(person, "task", "Second")
    start(client_as, first)
    start(client_as, second, current="pause")
    response = client_as.post(
        reverse("pace:end_day"), {f"note-{first.id}": "Done the intro", f"note-{second.id}": " \u200b "}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert f'<p class="error" role="alert" id="note-{second.id}-error">Write a line on where you stopped.</p>' in body
    assert 'value="Done the intro"' in body  # what was typed is kept
    assert all(adapters.threads.get(t.id).state is State.RUNNING for t in (first, second))  # type: ignore[union-attr]
    too_long = client_as.post(reverse("pace:end_day"), {f"note-{first.id}": "x" * 201, f"note-{second.id}": "ok"})
    assert "Keep it to one line of 200 characters or fewer." in too_long.content.decode()
    assert "day.ended" not in topics(adapters)


def test_the_note_is_shown_when_the_thread_is_next_started_then_goes(
    client_as: Any, person: Any, adapters: Adapters, make_thread: Any, transition: Any
) -> None:
    task = make_thread(person, "task", "Write <b>it</b>")
    start(client_as, task)
    client_as.post(reverse("pace:end_day"), {f"note-{task.id}": "Stopped at <script>x</script>"})
    transition(person, task, "unpark")
    card = client_as.get(reverse("timers:detail", args=[task.id]), headers=HX).content.decode()
    assert "Where you stopped: Stopped at &lt;script&gt;x&lt;/script&gt;" in card
    start(client_as, task)
    running = client_as.get(reverse("timers:detail", args=[task.id]), headers=HX).content.decode()
    assert "Where you stopped: Stopped at" in running
    client_as.post(reverse("timers:stop", args=[task.id]), {"then": "ready"}, headers=HX)
    after = client_as.get(reverse("timers:detail", args=[task.id]), headers=HX).content.decode()
    assert "Where you stopped" not in after


def test_with_nothing_running_there_is_nothing_to_end(client_as: Any, make_thread: Any, person: Any) -> None:
    make_thread(person, "task", "Idle")
    assert 'id="end-day"' not in client_as.get(reverse("threads:board")).content.decode()
    body = client_as.get(reverse("pace:end_day")).content.decode()
    assert "Nothing is running or paused" in body
    assert client_as.post(reverse("pace:end_day"), {}).status_code == 302


def test_end_the_day_never_touches_someone_elses_quanta(
    client_as: Any, person: Any, other_person: Any, adapters: Adapters, make_thread: Any
) -> None:
    theirs = make_thread(other_person, "task", "Theirs")
    async_to_sync(timer_services.quantum_start)(
        repo=adapters.threads, bus=adapters.bus, owner=owner(other_person), thread_id=theirs.id
    )
    page = client_as.get(reverse("pace:end_day")).content.decode()
    assert "Theirs" not in page
    client_as.post(reverse("pace:end_day"), {f"note-{theirs.id}": "mine now"})
    stored = adapters.threads.get(theirs.id)
    assert stored is not None and stored.state is State.RUNNING and stored.stopped_note == ""


def test_end_the_day_needs_login_and_csrf(client: Any, adapters: Adapters, person: Any) -> None:
    response = client.get(reverse("pace:end_day"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(person)
    assert strict.post(reverse("pace:end_day"), {}).status_code == 403


# --- the pace page -----------------------------------------------------------------------------------
def test_the_pace_page_charts_minutes_per_band_with_caps_and_a_verdict(
    client_as: Any, person: Any, other_person: Any, adapters: Adapters, make_thread: Any
) -> None:
    set_cap(client_as, "deep", "60")
    mine = make_thread(person, "task", "Mine", energy_band="deep")
    worked_today(adapters, mine, 75)
    theirs = make_thread(other_person, "task", "Theirs", energy_band="light")
    worked_today(adapters, theirs, 333)
    response = client_as.get(reverse("pace:report"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'href="/pace/" aria-current="page">Pace</a>' in body
    assert 'id="pace-4w"' in body and 'id="pace-12w"' in body
    assert "Not sustainable by your own settings: 1 of 1 working days went over a cap in the last 4 weeks." in body
    assert 'data-minutes="75"' in body and "pace-bar--over" in body
    assert 'class="pace-cap"' in body and ">cap 60</text>" in body
    assert '<text x="-5" y="0.0" dy="3" text-anchor="end" class="tick">90</text>' in body
    assert "333" not in body  # someone else's minutes never show
    assert "data-breaks-taken>0<" in body and "data-breaks-skipped>0<" in body


def test_the_pace_page_needs_login(client: Any, adapters: Adapters) -> None:
    response = client.get(reverse("pace:report"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.post(reverse("pace:report")).status_code in (302, 403, 405)


def test_another_quantum_past_the_cap_is_refused_in_strict_mode_before_anything_changes(
    client_as: Any, person: Any, adapters: Adapters, deep_task: Any
) -> None:
    task = deep_task(cap="30", worked=10)
    start(client_as, task)  # 35 of 30: warned, started
    save(adapters.pace_settings, PaceSettings(id=owner(person), owner=owner(person), strict=True))
    response = client_as.post(reverse("timers:again", args=[task.id]), headers=HX)
    assert response.status_code == 422
    assert "Strict mode is on, so no other quantum" in response.content.decode()
    running = adapters.threads.get(task.id)
    assert running is not None and running.state is State.RUNNING and len(running.sessions) == 1


def test_the_pace_page_has_todays_use_and_end_the_day_too(
    client_as: Any, person: Any, adapters: Adapters, make_thread: Any
) -> None:
    task = make_thread(person, "task", "Write")
    body = client_as.get(reverse("pace:report")).content.decode()
    assert 'id="pace-today"' in body and 'id="end-day"' not in body
    start(client_as, task)
    assert 'id="end-day"' in client_as.get(reverse("pace:report")).content.decode()


def test_skipping_breaks_lately_holds_the_quantum_suggestion(
    client_as: Any, person: Any, adapters: Adapters, make_thread: Any
) -> None:
    task = make_thread(person, "task", "Write", energy_band="deep", quantum=25)
    for _ in range(3):
        worked_today(adapters, task, 25)
    offer = "3 clean 25-minute Deep sessions: try 30."
    assert offer in client_as.get(reverse("timers:detail", args=[task.id])).content.decode()
    assert offer in client_as.get(reverse("threads:detail", args=[task.id])).content.decode()
    for hours in (1, 2, 3):
        save(adapters.skips, Skip(owner=owner(person), at=utcnow() - timedelta(hours=hours)))
    assert offer not in client_as.get(reverse("timers:detail", args=[task.id])).content.decode()
    assert offer not in client_as.get(reverse("threads:detail", args=[task.id])).content.decode()
