"""Breaks and the break policy through the pages: Take a break stores a break that a reload still
shows, the header clock, the expiry alert offering the break first, skips, the written reason and
strict mode's refusal, each with its message."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from asgiref.sync import async_to_sync
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from pace import services as pace
from pace.domain import BreakEnd
from pace.selectors import PaceStores, break_current, skips_list
from parallel_you.bootstrap import Adapters
from parallel_you.repo import FilterSpec
from threads import services
from threads.domain import State

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 11, 9, 0, tzinfo=UTC)
HX = {"HX-Request": "true"}


def make_task(adapters: Adapters, owner: str, title: str = "Write", quantum: int = 30) -> Any:
    return async_to_sync(services.task_create)(
        repo=adapters.threads, bus=adapters.bus, owner=owner, title=title, quantum=quantum
    )


def policy(adapters: Adapters, person: Any, **values: Any) -> None:
    async_to_sync(pace.pace_settings_update)(
        repo=adapters.pace_settings, bus=adapters.bus, owner=str(person.pk), **values
    )


def topics(adapters: Adapters) -> list[str]:
    return [e.topic for e in adapters.bus.emitted]  # type: ignore[attr-defined]


def post(client: Any, name: str, thread_id: str, data: dict[str, str] | None = None) -> Any:
    return client.post(reverse(f"timers:{name}", args=[thread_id]), data or {}, headers=HX)


def test_take_a_break_stores_it_and_a_reload_still_shows_it(client_as: Any, person: Any, adapters: Adapters) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        task = make_task(adapters, str(person.pk))
        post(client_as, "start", task.id)
        clock.shift(timedelta(minutes=30))
        response = post(client_as, "break", task.id)
        assert response.status_code == 200
        stored = break_current(repo=adapters.breaks, owner=str(person.pk))
        assert stored is not None and stored.ends_at == T0 + timedelta(minutes=40)
        assert f'data-break-until="{stored.ends_at.isoformat()}"' in response.content.decode()
        assert adapters.threads.get(task.id).state is State.READY  # type: ignore[union-attr]
        assert "break.started" in topics(adapters)
        # A reload (another tab): the timer page and the header clock both show it, from the store.
        clock.shift(timedelta(minutes=3))
        page = client_as.get(reverse("timers:detail", args=[task.id])).content.decode()
        assert f'data-break-until="{stored.ends_at.isoformat()}"' in page
        header = client_as.get(reverse("pace:clock")).content.decode()
        assert "I'm back" in header and f'data-break-until="{stored.ends_at.isoformat()}"' in header


def test_the_clock_ends_a_break_read_past_its_deadline_once(client_as: Any, person: Any, adapters: Adapters) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        client_as.post(reverse("pace:break_start"), headers=HX)
        clock.shift(timedelta(minutes=10, seconds=1))
        for _ in range(3):  # every tab asks when its countdown reaches zero
            header = client_as.get(reverse("pace:clock")).content.decode()
            assert "Focus" in header and "data-break-until" not in header
        assert topics(adapters).count("break.ended") == 1
        ended = adapters.breaks.list(FilterSpec(owner=str(person.pk)))[0]
        assert ended.how is BreakEnd.TAKEN and ended.ended_at == T0 + timedelta(minutes=10)


def test_im_back_ends_the_break_early(client_as: Any, person: Any, adapters: Adapters) -> None:
    client_as.post(reverse("pace:break_start"), headers=HX)
    response = client_as.post(reverse("pace:break_end"), headers=HX)
    assert response.status_code == 200 and "Focus" in response.content.decode()
    ended = adapters.breaks.list(FilterSpec(owner=str(person.pk)))[0]
    assert ended.how is BreakEnd.ENDED_EARLY


def test_a_break_is_refused_while_a_quantum_counts(client_as: Any, person: Any, adapters: Adapters) -> None:
    task = make_task(adapters, str(person.pk))
    post(client_as, "start", task.id)
    response = client_as.post(reverse("pace:break_start"), headers=HX)
    assert response.status_code == 422
    assert escape("“Write” is running: stop or pause it before your break.") in response.content.decode()
    assert break_current(repo=adapters.breaks, owner=str(person.pk)) is None


def test_the_header_clock_counts_focus_across_threads(client_as: Any, person: Any, adapters: Adapters) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        first, second = make_task(adapters, str(person.pk), "First"), make_task(adapters, str(person.pk), "Second")
        post(client_as, "start", first.id)
        clock.shift(timedelta(minutes=20))
        post(client_as, "stop", first.id, {"then": "ready"})
        clock.shift(timedelta(minutes=2))
        post(client_as, "start", second.id)
        clock.shift(timedelta(minutes=10))
        header = client_as.get(reverse("pace:clock")).content.decode()
        assert "<span data-pace-minutes>30</span>/90 min" in header
        assert 'data-running="1"' in header
        assert f'data-reached-at="{(T0 + timedelta(minutes=32 + 60)).isoformat()}"' in header


def expire(client: Any, adapters: Adapters, clock: Any, task: Any, minutes: int) -> Any:
    from timers import services as timers

    post(client, "start", task.id)
    clock.shift(timedelta(minutes=minutes))
    thread = adapters.threads.get(task.id)
    assert thread is not None and thread.run is not None
    async_to_sync(timers.quantum_expire)(
        repo=adapters.threads, bus=adapters.bus, thread_id=task.id, run_id=thread.run.id
    )
    return client.get(reverse("timers:detail", args=[task.id]), headers=HX).content.decode()


def test_the_expiry_alert_offers_the_break_first_then_another_quantum_spends_a_skip(
    client_as: Any, person: Any, adapters: Adapters
) -> None:
    policy(adapters, person, focus_budget=30)
    with time_machine.travel(T0, tick=False) as clock:
        task = make_task(adapters, str(person.pk))
        controls = expire(client_as, adapters, clock, task, 30)
        expired = controls.split('class="timer-actions timer-expired"')[1]
        assert "A break is due: 30 focused minutes reached." in expired
        assert expired.index("Take a 10-minute break") < expired.index("Another quantum")
        assert "Another quantum (uses a skip: 3 left today)" in expired
        response = post(client_as, "again", task.id)
        assert response.status_code == 200
        assert [s.reason for s in skips_list(repo=adapters.skips, owner=str(person.pk))] == [""]
        assert "break.skipped" in topics(adapters)


def test_no_break_due_no_break_first(client_as: Any, person: Any, adapters: Adapters) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        task = make_task(adapters, str(person.pk))
        expired = expire(client_as, adapters, clock, task, 30).split('class="timer-actions timer-expired"')[1]
        assert "A break is due" not in expired and "(uses a skip" not in expired


def test_skips_spent_a_written_reason_is_asked_in_place(client_as: Any, person: Any, adapters: Adapters) -> None:
    policy(adapters, person, focus_budget=30, daily_skips=0)
    with time_machine.travel(T0, tick=False) as clock:
        task = make_task(adapters, str(person.pk))
        post(client_as, "start", task.id)
        clock.shift(timedelta(minutes=31))
        post(client_as, "stop", task.id, {"then": "ready"})
        response = post(client_as, "start", task.id)
        assert response.status_code == 422
        page = response.content.decode()
        assert escape("A break is due after 31 focused minutes and you've used today's 0 skips.") in page
        assert 'name="reason"' in page and "Why carry on without a break?" in page
        assert adapters.threads.get(task.id).state is State.READY  # type: ignore[union-attr]
        response = post(client_as, "start", task.id, {"reason": "Release <today>"})
        assert response.status_code == 200
        assert adapters.threads.get(task.id).state is State.RUNNING  # type: ignore[union-attr]
        assert skips_list(repo=adapters.skips, owner=str(person.pk))[0].reason == "Release <today>"


def test_strict_mode_refuses_until_the_break_is_over(client_as: Any, person: Any, adapters: Adapters) -> None:
    policy(adapters, person, focus_budget=30, daily_skips=0, strict=True)
    with time_machine.travel(T0, tick=False) as clock:
        task = make_task(adapters, str(person.pk))
        post(client_as, "start", task.id)
        clock.shift(timedelta(minutes=30))
        post(client_as, "break", task.id)
        clock.shift(timedelta(minutes=4))
        response = post(client_as, "start", task.id, {"reason": "please"})
        assert response.status_code == 422
        page = response.content.decode()
        assert "Strict mode: a break is due after 30 focused minutes and today" in page
        assert "Your break has 6 minutes to go." in page and 'name="reason"' not in page
        clock.shift(timedelta(minutes=6))
        assert post(client_as, "start", task.id).status_code == 200


def test_without_htmx_the_reason_is_asked_on_the_timer_page(client_as: Any, person: Any, adapters: Adapters) -> None:
    policy(adapters, person, focus_budget=5, daily_skips=0)
    with time_machine.travel(T0, tick=False) as clock:
        task = make_task(adapters, str(person.pk))
        client_as.post(reverse("timers:start", args=[task.id]))
        clock.shift(timedelta(minutes=6))
        client_as.post(reverse("timers:stop", args=[task.id]), {"then": "ready"})
        response = client_as.post(reverse("timers:start", args=[task.id]))
        assert response.status_code == 422 and 'name="reason"' in response.content.decode()


def test_pages_need_login_and_csrf(person: Any, adapters: Adapters) -> None:
    anonymous = Client()
    assert anonymous.get(reverse("pace:clock")).status_code == 302
    assert anonymous.post(reverse("pace:break_start")).status_code == 302
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(person)
    assert strict.post(reverse("pace:break_start")).status_code == 403
    assert strict.post(reverse("pace:break_end")).status_code == 403
    assert break_current(repo=adapters.breaks, owner=str(person.pk)) is None


def test_one_persons_break_is_not_anothers(client_as: Any, person: Any, other_person: Any, adapters: Adapters) -> None:
    async_to_sync(pace.break_start)(
        stores=PaceStores.of(adapters),
        bus=adapters.bus,
        owner=str(other_person.pk),
    )
    assert "I'm back" not in client_as.get(reverse("pace:clock")).content.decode()
    client_as.post(reverse("pace:break_end"), headers=HX)
    assert break_current(repo=adapters.breaks, owner=str(other_person.pk)) is not None


def test_the_quanta_in_a_row_line_counts_stored_breaks(client_as: Any, person: Any, adapters: Adapters) -> None:
    # A 3-minute break between quanta is shorter than the 5-minute gap that ends a row by itself:
    # only the stored break ends it.
    policy(adapters, person, break_minutes=3, idle_minutes=3, focus_budget=600)
    with time_machine.travel(T0, tick=False) as clock:
        task = make_task(adapters, str(person.pk), quantum=25)
        post(client_as, "start", task.id)
        clock.shift(timedelta(minutes=25))
        post(client_as, "break", task.id)
        clock.shift(timedelta(minutes=3))
        for _ in range(2):
            post(client_as, "start", task.id)
            clock.shift(timedelta(minutes=25))
            post(client_as, "stop", task.id, {"then": "ready"})
        expired = expire(client_as, adapters, clock, task, 25).split('class="timer-actions timer-expired"')[1]
        assert "That's 3 quanta in a row without a break." in expired
