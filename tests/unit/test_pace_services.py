"""Pace use cases on in-memory adapters and a fake clock: breaks stored as timers, the budget
events, skips and reasons around the start of a quantum, strict mode."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine

from pace import services as pace
from pace.domain import BreakEnd, Gate
from pace.selectors import PaceStores, break_current, pace_status, settings_get, skips_list
from pace.timing import break_timer_start, budget_read, budget_timers, open_breaks
from parallel_you.bootstrap import Adapters
from parallel_you.domain import InvalidValue, NotFound, utcnow
from parallel_you.repo import FilterSpec
from parallel_you.service_layer import ChangedElsewhere
from threads import services as thread_services
from threads.domain import State, Thread
from timers import services as timers

T0 = datetime(2026, 3, 11, 9, 0, tzinfo=UTC)


def topics(app: Adapters) -> list[str]:
    return [e.topic for e in app.bus.emitted]  # type: ignore[attr-defined]


def stores(app: Adapters) -> PaceStores:
    return PaceStores.of(app)


async def task(app: Adapters, title: str = "Write", quantum: int = 45) -> Thread:
    return await thread_services.task_create(repo=app.threads, bus=app.bus, owner="ada", title=title, quantum=quantum)


async def work(app: Adapters, clock: Any, thread: Thread, minutes: int, **kw: Any) -> Thread:
    """Start a quantum (through the person's pace policy), work `minutes`, stop it."""
    await timers.quantum_start(repo=app.threads, bus=app.bus, owner="ada", thread_id=thread.id, pace=stores(app), **kw)
    clock.shift(timedelta(minutes=minutes))
    return await timers.quantum_stop(repo=app.threads, bus=app.bus, owner="ada", thread_id=thread.id)


async def test_settings_defaults_update_and_refusals(adapters: Adapters) -> None:
    repo = adapters.pace_settings
    assert settings_get(repo=repo, owner="ada").focus_budget == 90
    updated = await pace.pace_settings_update(repo=repo, bus=adapters.bus, owner="ada", focus_budget=60, strict=True)
    assert (updated.focus_budget, updated.strict, updated.version) == (60, True, 1)
    assert topics(adapters) == ["pace.settings_changed"]  # every header clock re-reads itself
    with pytest.raises(InvalidValue) as bad:
        await pace.pace_settings_update(repo=repo, bus=adapters.bus, owner="ada", break_minutes=30, idle_minutes=20)
    assert "idle_minutes" in bad.value.errors
    with pytest.raises(InvalidValue):
        await pace.pace_settings_update(repo=repo, bus=adapters.bus, owner="ada", focus_budget=0)
    with pytest.raises(ChangedElsewhere):
        await pace.pace_settings_update(repo=repo, bus=adapters.bus, owner="ada", read_version=0, focus_budget=70)
    assert settings_get(repo=repo, owner="ada").focus_budget == 60
    assert topics(adapters) == ["pace.settings_changed"]  # refusals publish nothing


async def test_a_break_is_stored_ends_at_its_deadline_and_resets_the_clock(adapters: Adapters) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        thread = await task(adapters)
        await work(adapters, clock, thread, 40)
        assert pace_status(stores=stores(adapters), owner="ada", now=T0 + timedelta(minutes=40)).fatigue.minutes == 40
        pause = await pace.break_start(stores=stores(adapters), bus=adapters.bus, owner="ada")
        assert pause.ends_at == T0 + timedelta(minutes=50)
        assert topics(adapters)[-1] == "break.started"
        # A second tab asking again gets the same break.
        again = await pace.break_start(stores=stores(adapters), bus=adapters.bus, owner="ada")
        assert again.id == pause.id
        clock.shift(timedelta(minutes=9))
        assert await pace.break_end_due(repo=adapters.breaks, bus=adapters.bus, owner="ada") is None
        clock.shift(timedelta(minutes=5))  # read late: it still ended at its deadline
        ended = await pace.break_end_due(repo=adapters.breaks, bus=adapters.bus, owner="ada")
        assert ended is not None and ended.how is BreakEnd.TAKEN and ended.ended_at == pause.ends_at
        assert await pace.break_end_due(repo=adapters.breaks, bus=adapters.bus, owner="ada") is None
        assert topics(adapters).count("break.ended") == 1
        status = pace.pace_status(stores=stores(adapters), owner="ada", now=T0 + timedelta(minutes=54))
        assert status.fatigue.focused == timedelta(0)


async def test_a_break_is_refused_while_a_quantum_counts(adapters: Adapters) -> None:
    thread = await task(adapters)
    await timers.quantum_start(repo=adapters.threads, bus=adapters.bus, owner="ada", thread_id=thread.id)
    with pytest.raises(pace.BreakRefused, match="stop or pause it"):
        await pace.break_start(stores=stores(adapters), bus=adapters.bus, owner="ada")
    assert break_current(repo=adapters.breaks, owner="ada") is None


async def test_heads_up_then_budget_reached_once_each(adapters: Adapters) -> None:
    await pace.pace_settings_update(repo=adapters.pace_settings, bus=adapters.bus, owner="ada", focus_budget=30)
    with time_machine.travel(T0, tick=False) as clock:
        thread = await task(adapters)
        await timers.quantum_start(
            repo=adapters.threads, bus=adapters.bus, owner="ada", thread_id=thread.id, pace=stores(adapters)
        )
        clock.shift(timedelta(minutes=27))
        await pace.pace_check(stores=stores(adapters), bus=adapters.bus, owner="ada")
        assert "pace.budget_nearly_reached" not in topics(adapters)
        clock.shift(timedelta(minutes=1, seconds=30))
        for _ in range(3):  # every tab asks
            await pace.pace_check(stores=stores(adapters), bus=adapters.bus, owner="ada")
        assert topics(adapters).count("pace.budget_nearly_reached") == 1
        clock.shift(timedelta(minutes=2))
        for _ in range(3):
            await pace.pace_check(stores=stores(adapters), bus=adapters.bus, owner="ada")
        assert topics(adapters).count("pace.budget_reached") == 1
        reached = [e for e in adapters.bus.emitted if e.topic == "pace.budget_reached"][0]  # type: ignore[attr-defined]
        assert reached.payload["owner"] == "ada" and reached.payload["focus_budget"] == 30


async def test_skips_then_a_reason_then_strict_mode_waits(adapters: Adapters) -> None:
    await pace.pace_settings_update(
        repo=adapters.pace_settings, bus=adapters.bus, owner="ada", focus_budget=30, daily_skips=1
    )
    with time_machine.travel(T0, tick=False) as clock:
        thread = await task(adapters)
        await work(adapters, clock, thread, 30)
        status = pace_status(stores=stores(adapters), owner="ada", now=T0 + timedelta(minutes=30))
        assert status.gate is Gate.SKIP and status.skips_left == 1
        # Another quantum spends the skip.
        await work(adapters, clock, thread, 5)
        assert [s.reason for s in skips_list(repo=adapters.skips, owner="ada")] == [""]
        assert "break.skipped" in topics(adapters)
        # Skips spent: a written reason is asked for, and nothing starts without it.
        with pytest.raises(pace.ReasonNeeded, match="say why"):
            await work(adapters, clock, thread, 5)
        assert adapters.threads.get(thread.id).state is State.READY  # type: ignore[union-attr]
        await work(adapters, clock, thread, 5, reason="  Demo at noon,\n  must finish ")
        assert skips_list(repo=adapters.skips, owner="ada")[0].reason == "Demo at noon, must finish"
        # Strict mode: the break is waited out, reason or not.
        await pace.pace_settings_update(repo=adapters.pace_settings, bus=adapters.bus, owner="ada", strict=True)
        with pytest.raises(pace.BreakDue, match="Take your 10-minute break first"):
            await work(adapters, clock, thread, 5, reason="please")
        await pace.break_start(stores=stores(adapters), bus=adapters.bus, owner="ada")
        clock.shift(timedelta(minutes=4))
        with pytest.raises(pace.BreakDue, match="6 minutes to go"):
            await work(adapters, clock, thread, 5, reason="please")
        clock.shift(timedelta(minutes=6))
        await work(adapters, clock, thread, 5)  # the break is over: the clock starts again
        assert len(skips_list(repo=adapters.skips, owner="ada")) == 2


async def test_another_quantum_refused_changes_nothing(adapters: Adapters) -> None:
    await pace.pace_settings_update(
        repo=adapters.pace_settings, bus=adapters.bus, owner="ada", focus_budget=10, daily_skips=0
    )
    with time_machine.travel(T0, tick=False) as clock:
        thread = await task(adapters, quantum=10)
        await timers.quantum_start(repo=adapters.threads, bus=adapters.bus, owner="ada", thread_id=thread.id)
        clock.shift(timedelta(minutes=11))
        with pytest.raises(pace.ReasonNeeded):
            await timers.quantum_again(
                repo=adapters.threads, bus=adapters.bus, owner="ada", thread_id=thread.id, pace=stores(adapters)
            )
        still = adapters.threads.get(thread.id)
        assert still is not None and still.state is State.RUNNING and not still.sessions


async def test_work_started_during_a_break_interrupts_it(adapters: Adapters) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        thread = await task(adapters)
        await pace.break_start(stores=stores(adapters), bus=adapters.bus, owner="ada")
        clock.shift(timedelta(minutes=3))
        await work(adapters, clock, thread, 5)
        pause = adapters.breaks.list(FilterSpec(owner="ada"))[0]
        assert pause.how is BreakEnd.INTERRUPTED and pause.ended_at == T0 + timedelta(minutes=3)
        assert skips_list(repo=adapters.skips, owner="ada") == []  # the budget wasn't reached: no skip


async def test_someone_elses_break_is_not_found(adapters: Adapters) -> None:
    pause = await pace.break_start(stores=stores(adapters), bus=adapters.bus, owner="ada")
    with pytest.raises(NotFound):
        await pace.break_end(repo=adapters.breaks, bus=adapters.bus, owner="bob", break_id=pause.id)


FAST = timedelta(milliseconds=40)  # a "minute" of 40 ms: a 10-minute break lasts 0.4 s


async def test_the_server_ends_a_break_at_its_deadline_with_no_page_open(adapters: Adapters) -> None:
    ended = asyncio.Event()

    async def heard(envelope: Any) -> None:
        ended.set()

    await adapters.bus.subscribe("break.ended", heard)
    await break_timer_start(breaks=adapters.breaks, bus=adapters.bus, timer=adapters.break_timer)
    try:
        fast = PaceStores.of(adapters, minute=FAST)
        pause = await pace.break_start(stores=fast, bus=adapters.bus, owner="ada")
        await asyncio.wait_for(ended.wait(), timeout=5)
        stored = adapters.breaks.get(pause.id)
        assert stored is not None and stored.how is BreakEnd.TAKEN and stored.ended_at == pause.ends_at
        assert topics(adapters).count("break.ended") == 1
    finally:
        await adapters.break_timer.stop()


async def test_a_break_timer_delivery_for_a_break_ended_meanwhile_does_nothing(adapters: Adapters) -> None:
    pause = await pace.break_start(stores=stores(adapters), bus=adapters.bus, owner="ada")
    assert await pace.break_expire(repo=adapters.breaks, bus=adapters.bus, owner="ada", break_id=pause.id) == (
        pace.BreakExpiry.EARLY,
        pause.ends_at,
    )
    await pace.break_end(repo=adapters.breaks, bus=adapters.bus, owner="ada", break_id=pause.id)
    assert await pace.break_expire(repo=adapters.breaks, bus=adapters.bus, owner="ada", break_id=pause.id) == (
        pace.BreakExpiry.STALE,
        None,
    )
    assert open_breaks(adapters.breaks) == []


async def test_the_server_announces_the_budget_with_no_page_open(adapters: Adapters) -> None:
    reached = asyncio.Event()

    async def heard(envelope: Any) -> None:
        reached.set()

    await adapters.bus.subscribe("pace.budget_reached", heard)
    fast = PaceStores.of(adapters, minute=FAST)  # a 5-"minute" budget runs out in 0.2 s
    await pace.pace_settings_update(repo=adapters.pace_settings, bus=adapters.bus, owner="ada", focus_budget=5)
    await break_timer_start(breaks=adapters.breaks, bus=adapters.bus, timer=adapters.break_timer, stores=fast)
    try:
        thread = await task(adapters, quantum=20)
        await timers.quantum_start(
            repo=adapters.threads, bus=adapters.bus, owner="ada", thread_id=thread.id, pace=fast, minute=FAST
        )
        await asyncio.wait_for(reached.wait(), timeout=5)
        assert topics(adapters).count("pace.budget_nearly_reached") == 1
        assert topics(adapters).count("pace.budget_reached") == 1
        assert topics(adapters).index("pace.budget_nearly_reached") < topics(adapters).index("pace.budget_reached")
    finally:
        await adapters.break_timer.stop()


async def test_a_budget_timer_after_a_pause_says_nothing(adapters: Adapters) -> None:
    fast = PaceStores.of(adapters, minute=FAST)
    await pace.pace_settings_update(repo=adapters.pace_settings, bus=adapters.bus, owner="ada", focus_budget=5)
    thread = await task(adapters, quantum=20)
    await timers.quantum_start(
        repo=adapters.threads, bus=adapters.bus, owner="ada", thread_id=thread.id, pace=fast, minute=FAST
    )
    await timers.quantum_pause(repo=adapters.threads, bus=adapters.bus, owner="ada", thread_id=thread.id)
    again = await budget_read(stores=fast, bus=adapters.bus, owner="ada", kind=pace.REACHED_TIMER, deadline=utcnow())
    assert again is None and "pace.budget_reached" not in topics(adapters)


async def test_a_restart_re_arms_the_budget_timers_of_running_work_only(adapters: Adapters) -> None:
    """Quantum expiry is re-armed from the store at start-up (timers/lifecycle.py); the budget's
    heads-up and reached timers are too, so a restart mid-quantum still announces the budget."""
    from timers.scheduler import InProcessScheduler

    reached = asyncio.Event()

    async def heard(envelope: Any) -> None:
        reached.set()

    await adapters.bus.subscribe("pace.budget_reached", heard)
    fast = PaceStores.of(adapters, minute=FAST)
    await pace.pace_settings_update(repo=adapters.pace_settings, bus=adapters.bus, owner="ada", focus_budget=5)
    thread = await task(adapters, quantum=20)
    await timers.quantum_start(
        repo=adapters.threads, bus=adapters.bus, owner="ada", thread_id=thread.id, pace=fast, minute=FAST
    )
    # Bob's quantum is paused: his clock stands still, so he gets no timer.
    bobs = await thread_services.task_create(repo=adapters.threads, bus=adapters.bus, owner="bob", title="Read")
    await timers.quantum_start(repo=adapters.threads, bus=adapters.bus, owner="bob", thread_id=bobs.id, minute=FAST)
    await timers.quantum_pause(repo=adapters.threads, bus=adapters.bus, owner="bob", thread_id=bobs.id)

    planned = budget_timers(fast)
    assert sorted((key, kind) for key, kind, _ in planned) == [
        (pace.budget_timer_key(pace.HEADS_UP_TIMER, "ada"), pace.HEADS_UP_TIMER),
        (pace.budget_timer_key(pace.REACHED_TIMER, "ada"), pace.REACHED_TIMER),
    ]
    heads_up_at, reached_at = (at for _, _, at in sorted(planned))
    assert heads_up_at < reached_at

    # The server restarts: a new scheduler knows nothing until start-up re-arms from the store.
    restarted = InProcessScheduler()
    assert restarted.pending == {}
    stores_after = dataclasses.replace(fast, timer=restarted)
    await break_timer_start(breaks=adapters.breaks, bus=adapters.bus, timer=restarted, stores=stores_after)
    try:
        assert set(restarted.pending) == {key for key, _, _ in planned}
        await asyncio.wait_for(reached.wait(), timeout=5)
        assert topics(adapters).count("pace.budget_reached") == 1
        assert topics(adapters).count("pace.budget_nearly_reached") == 1
    finally:
        await restarted.stop()
