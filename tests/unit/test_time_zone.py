"""The person's own time zone: days are counted in it, around midnight and across DST changes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from parallel_you.bootstrap import Adapters
from parallel_you.domain import InvalidValue, day_of, today_in
from parallel_you.service_layer import save
from sprints import services as sprint_services
from sprints.domain import OverlapNeedsConfirmation, capacity_from_history
from sprints.selectors import burndown_get, capacity_suggestion, reads_of
from tests.support.sessions import completed_session
from threads import services
from threads.domain import DEFAULT_BANDS, Profile
from threads.selectors import profile_get

AUCKLAND = ZoneInfo("Pacific/Auckland")
BERLIN = ZoneInfo("Europe/Berlin")
# Monday 2 March 2026, 11:30 UTC is already Tuesday 3 March, 00:30 in Auckland (NZDT, UTC+13).
AUCKLAND_AFTER_MIDNIGHT = datetime(2026, 3, 2, 11, 30, tzinfo=UTC)


def test_a_profile_starts_in_utc_and_refuses_a_zone_it_does_not_know() -> None:
    profile = Profile.default("ada")
    assert profile.time_zone == "UTC"
    with pytest.raises(InvalidValue, match="isn't a time zone we know") as refused:
        profile.set_time_zone("Mars/Olympus_Mons")
    assert "time_zone" in refused.value.errors
    assert profile.time_zone == "UTC"
    profile.set_time_zone("Pacific/Auckland")
    assert profile.zone == AUCKLAND


def test_today_is_the_persons_day_not_utcs_around_midnight() -> None:
    assert today_in(UTC, AUCKLAND_AFTER_MIDNIGHT) == date(2026, 3, 2)
    assert today_in(AUCKLAND, AUCKLAND_AFTER_MIDNIGHT) == date(2026, 3, 3)
    # One minute before Auckland's midnight it is still Monday there.
    assert today_in(AUCKLAND, datetime(2026, 3, 2, 10, 59, tzinfo=UTC)) == date(2026, 3, 2)
    with time_machine.travel(AUCKLAND_AFTER_MIDNIGHT, tick=False):
        assert today_in(AUCKLAND) == date(2026, 3, 3)
        assert today_in() == date(2026, 3, 2)


def test_a_berlin_day_follows_the_clock_change() -> None:
    # Berlin moves from CET (UTC+1) to CEST (UTC+2) at 01:00 UTC on Sunday 29 March 2026:
    # 22:30 UTC is 23:30 the same day before the change and 00:30 the next day after it.
    assert day_of(datetime(2026, 3, 28, 22, 30, tzinfo=UTC), BERLIN) == date(2026, 3, 28)
    assert day_of(datetime(2026, 3, 29, 22, 30, tzinfo=UTC), BERLIN) == date(2026, 3, 30)
    # And back to CET at 01:00 UTC on Sunday 25 October 2026.
    assert day_of(datetime(2026, 10, 24, 22, 30, tzinfo=UTC), BERLIN) == date(2026, 10, 25)
    assert day_of(datetime(2026, 10, 25, 22, 30, tzinfo=UTC), BERLIN) == date(2026, 10, 25)


def test_capacity_history_counts_worked_days_in_the_persons_zone_across_dst() -> None:
    # Two quanta at 22:30 and 23:10 UTC on 29 March: one UTC day, but in Berlin (now CEST) the
    # first is 00:30 on the 30th and so is the second; a third, on the 28th at 22:30 UTC, is
    # 23:30 on the 28th in Berlin (CET). UTC sees days 28 and 29; Berlin sees 28 and 30.
    sessions = [
        completed_session(datetime(2026, 3, 28, 22, 30, tzinfo=UTC)),
        completed_session(datetime(2026, 3, 29, 22, 30, tzinfo=UTC)),
        completed_session(datetime(2026, 3, 29, 23, 10, tzinfo=UTC)),
    ]
    bands = list(DEFAULT_BANDS)
    # On 30 March (Berlin) the last two sessions are "today" there; in UTC they are yesterday.
    only_the_30th = capacity_from_history(sessions, bands, today=date(2026, 3, 30), window=0, zone=BERLIN)
    assert only_the_30th["deep"] == 2
    assert capacity_from_history(sessions, bands, today=date(2026, 3, 30), window=0) == {}


async def _set_zone(adapters: Adapters, owner: str, name: str) -> None:
    await services.profile_time_zone_set(profiles=adapters.profiles, bus=adapters.bus, owner=owner, time_zone=name)


@pytest.mark.parametrize(("zone", "remaining"), [("UTC", [3, 0, None]), ("Pacific/Auckland", [3, 3, 0])])
async def test_the_burndowns_today_and_done_day_are_the_persons(
    adapters: Adapters, zone: str, remaining: list[int | None]
) -> None:
    await _set_zone(adapters, "ada", zone)
    with time_machine.travel(datetime(2026, 3, 1, 9, 0, tzinfo=UTC), tick=False):
        sprint = await sprint_services.sprint_create(
            repo=adapters.sprints, bus=adapters.bus, owner="ada", name="S", start=date(2026, 3, 2), end=date(2026, 3, 6)
        )
        task = await services.task_create(repo=adapters.threads, bus=adapters.bus, owner="ada", title="t", estimate=3)
        common = {"repo": adapters.sprints, "bus": adapters.bus, "owner": "ada", "sprint_id": sprint.id}
        await sprint_services.sprint_item_add(**common, threads=adapters.threads, thread_id=task.id)
        await sprint_services.sprint_start(**common)
    with time_machine.travel(AUCKLAND_AFTER_MIDNIGHT, tick=False):
        await services.thread_transition(
            repo=adapters.threads, bus=adapters.bus, owner="ada", thread_id=task.id, action="done"
        )
        charts = burndown_get(
            **reads_of(adapters, "ada"),
            sprint_id=sprint.id,
        )
    # Start, end of Monday 2, end of Tuesday 3 (None: that day hasn't happened yet).
    assert charts.overall.remaining[:3] == remaining


async def test_a_new_sprints_capacity_comes_from_days_in_the_persons_zone(adapters: Adapters) -> None:
    task = await services.task_create(repo=adapters.threads, bus=adapters.bus, owner="ada", title="t")
    # 10:30 and 11:30 UTC on 2 March: one UTC day, but 23:30 on the 2nd and 00:30 on the 3rd in Auckland.
    task.sessions = [
        completed_session(datetime(2026, 3, 2, 10, 30, tzinfo=UTC)),
        completed_session(AUCKLAND_AFTER_MIDNIGHT),
    ]
    save(adapters.threads, task)
    common = {"threads": adapters.threads, "profiles": adapters.profiles, "owner": "ada"}
    at = datetime(2026, 3, 3, 10, tzinfo=UTC)
    assert capacity_suggestion(**common, now=at)["deep"] == 2  # UTC: 2 quanta on 1 worked day
    await _set_zone(adapters, "ada", "Pacific/Auckland")
    assert profile_get(repo=adapters.profiles, owner="ada").time_zone == "Pacific/Auckland"
    assert capacity_suggestion(**common, now=at)["deep"] == 1  # Auckland: 1 quantum on each of 2 days


async def test_a_sprint_closed_early_frees_its_days_from_the_persons_closing_day(adapters: Adapters) -> None:
    # Closed at 11:30 UTC on Monday 2 March: still Monday in UTC, already Tuesday in Auckland, so
    # in Auckland Tuesday is the last day it holds and a sprint may start on Wednesday.
    with time_machine.travel(datetime(2026, 3, 1, 9, 0, tzinfo=UTC), tick=False):
        first = await sprint_services.sprint_create(
            repo=adapters.sprints, bus=adapters.bus, owner="ada", name="S", start=date(2026, 3, 2), end=date(2026, 3, 6)
        )
        common = {"repo": adapters.sprints, "bus": adapters.bus, "owner": "ada", "sprint_id": first.id}
        await sprint_services.sprint_start(**common)
    with time_machine.travel(AUCKLAND_AFTER_MIDNIGHT, tick=False):
        await sprint_services.sprint_close(**common, threads=adapters.threads)
    closed = adapters.sprints.get(first.id)
    assert closed is not None
    assert closed.occupied_until == date(2026, 3, 2)
    assert closed.occupied_until_in(AUCKLAND) == date(2026, 3, 3)
    tuesday = {"repo": adapters.sprints, "bus": adapters.bus, "owner": "ada", "start": date(2026, 3, 3)}
    # In UTC the closed sprint held only Monday: a sprint may start on Tuesday.
    made = await sprint_services.sprint_create(**tuesday, name="UTC", end=date(2026, 3, 4), profiles=adapters.profiles)
    await sprint_services.sprint_delete(
        repo=adapters.sprints, threads=adapters.threads, bus=adapters.bus, owner="ada", sprint_id=made.id
    )
    await _set_zone(adapters, "ada", "Pacific/Auckland")
    with pytest.raises(OverlapNeedsConfirmation):
        await sprint_services.sprint_create(**tuesday, name="NZ", end=date(2026, 3, 4), profiles=adapters.profiles)
