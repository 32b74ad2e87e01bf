"""The sprint domain: dates and overlap, one active sprint, what a sprint holds, capacity, burndown."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from parallel_you.domain import DomainError, IllegalTransition, InvalidValue
from sprints import domain
from sprints.charts import chart_of
from sprints.domain import STARTING_CAPACITY, BurnItem, OverlapNeedsConfirmation, Sprint, SprintState
from tests.support.sessions import completed_session
from threads.domain import DEFAULT_BANDS, Kind, Session, State, Thread
from timers import quantum

MON = date(2026, 6, 1)  # a Monday
T0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def sprint(name: str = "June", start: date = MON, days: int = 5, **fields: object) -> Sprint:
    return Sprint.new(owner="ada", name=name, start=start, end=start + timedelta(days=days - 1), **fields)


def story(title: str = "Chapter", **fields: object) -> Thread:
    fields.setdefault("parent_id", "saga-1")
    return Thread.new(owner="ada", kind=Kind.STORY, title=title, **fields)


# --- dates and overlap -------------------------------------------------------------------------------
def test_a_sprint_ends_on_or_after_its_start_and_the_message_sits_by_the_end_date() -> None:
    assert sprint(days=1).days == 1
    with pytest.raises(InvalidValue) as exc:
        Sprint.new(owner="ada", name="x", start=MON, end=MON - timedelta(days=1))
    assert exc.value.errors == {"end": "A sprint ends on or after the day it starts."}


def test_name_is_required_and_dates_must_be_dates() -> None:
    with pytest.raises(InvalidValue) as exc:
        Sprint.new(owner="ada", name=" ", start="someday", end=MON)
    assert set(exc.value.errors) == {"name", "start"}


def test_overlap_needs_confirmation_and_names_the_other_sprint() -> None:
    june = sprint("June")
    clash = sprint("Overlapping", start=MON + timedelta(days=4))
    later = sprint("Later", start=MON + timedelta(days=5))
    assert clash.overlapping([june]) == [june]
    assert later.overlapping([june]) == []
    with pytest.raises(OverlapNeedsConfirmation) as exc:
        domain.overlap_check(clash, [june, clash], allow_overlap=False)
    assert "“June” (01 Jun – 05 Jun)" in exc.value.errors["start"]
    domain.overlap_check(clash, [june], allow_overlap=True)


def test_a_sprint_closed_early_frees_its_remaining_days() -> None:
    june = sprint("June")
    june.start_sprint(None, T0)
    june.close([], None, T0 + timedelta(days=1))
    assert june.occupied_until == MON + timedelta(days=1)
    assert sprint("Next", start=MON + timedelta(days=2)).overlapping([june]) == []
    assert sprint("Same", start=MON + timedelta(days=1)).overlapping([june]) == [june]


def test_another_persons_sprints_never_overlap() -> None:
    theirs = Sprint.new(owner="grace", name="G", start=MON, end=MON)
    assert sprint().overlapping([theirs]) == []


# --- states ------------------------------------------------------------------------------------------
def test_one_active_sprint_at_a_time() -> None:
    first, second = sprint("First"), sprint("Second", start=MON + timedelta(days=7))
    first.start_sprint(None, T0)
    with pytest.raises(IllegalTransition, match="“First” is active: close it before you start “Second”"):
        second.start_sprint(first, T0)
    assert second.state is SprintState.PLANNED
    with pytest.raises(IllegalTransition, match="only a Planned sprint can be started"):
        first.start_sprint(first, T0)


def test_only_the_active_sprint_closes_and_a_closed_one_is_read_only() -> None:
    s = sprint()
    with pytest.raises(IllegalTransition, match="only the active sprint can be closed"):
        s.close([], None)
    s.start_sprint(None, T0)
    s.close([], None, T0)
    assert s.state is SprintState.CLOSED and s.closing is not None
    with pytest.raises(IllegalTransition, match="is closed"):
        s.edit(name="Again")
    with pytest.raises(IllegalTransition, match="is closed"):
        s.add(story())


# --- what a sprint holds -----------------------------------------------------------------------------
def test_a_sprint_holds_unfinished_stories_and_tasks_only() -> None:
    s = sprint()
    saga = Thread.new(owner="ada", kind=Kind.SAGA, title="Book")
    with pytest.raises(IllegalTransition, match="is a saga"):
        s.add(saga)
    done = story("Done one")
    done.finish(T0)
    with pytest.raises(IllegalTransition, match="done already"):
        s.add(done)
    elsewhere = story("Elsewhere", sprint_id="other")
    with pytest.raises(IllegalTransition, match="in another sprint"):
        s.add(elsewhere)
    a, b = story("A"), story("B")
    s.add(a)
    s.add(b, position=0)
    assert s.members == [b.id, a.id]
    with pytest.raises(IllegalTransition, match="in this sprint already"):
        s.add(a)


def test_reorder_must_keep_the_same_items_and_move_stays_within_the_list() -> None:
    s = sprint()
    a, b, c = story("A"), story("B"), story("C")
    for t in (a, b, c):
        s.add(t)
    assert s.move(c.id, 0) and s.members == [c.id, a.id, b.id]
    for outside in (99, 3, -1):
        with pytest.raises(InvalidValue, match="isn't in the sprint's list"):
            s.move(c.id, outside)
        assert s.members == [c.id, a.id, b.id]
    assert s.move(c.id, 2) and s.members == [a.id, b.id, c.id]
    assert not s.reorder([a.id, b.id, c.id])
    with pytest.raises(DomainError, match="changed meanwhile"):
        s.reorder([a.id, b.id])
    s.remove(b.id)
    assert s.members == [a.id, c.id]


# --- closing -----------------------------------------------------------------------------------------
def test_close_summarises_done_not_done_and_quanta_per_band_then_keeps_only_the_done() -> None:
    s = sprint()
    a = story("A", estimate=3, energy_band="deep")
    b = story("B", estimate=2, energy_band="light")
    s.add(a)
    s.add(b)
    s.start_sprint(None, T0)
    quantum.start(a, T0 + timedelta(hours=1))
    quantum.stop(a, T0 + timedelta(hours=1, minutes=25))
    quantum.start(a, T0 + timedelta(days=1))
    a.finish(T0 + timedelta(days=1, minutes=25))
    quantum.start(b, T0 + timedelta(days=1, hours=2))
    quantum.stop(b, T0 + timedelta(days=1, hours=2, minutes=20))
    b.sessions = [*b.sessions, b.sessions[0].model_copy(update={"started_at": T0 - timedelta(days=3)})]
    nxt = sprint("July", start=MON + timedelta(days=7))
    closing = s.close([a, b], nxt, T0 + timedelta(days=4))
    assert [i.title for i in closing.done] == ["A"] and [i.title for i in closing.not_done] == ["B"]
    assert closing.planned == {"deep": 3, "light": 2}
    assert closing.spent == {"deep": 2, "light": 1}  # the session before the sprint doesn't count
    assert closing.carried_to == nxt.id and closing.carried_to_name == "July"
    assert s.members == [a.id]


def test_carry_over_goes_only_to_a_planned_sprint() -> None:
    s, active = sprint(), sprint("Other")
    s.start_sprint(None, T0)
    active.state = SprintState.ACTIVE
    with pytest.raises(InvalidValue, match="Planned sprint"):
        s.close([], active, T0)
    with pytest.raises(InvalidValue, match="Planned sprint"):
        s.close([], s, T0)
    assert s.state is SprintState.ACTIVE


# --- capacity ----------------------------------------------------------------------------------------
def test_capacity_rows_show_planned_against_available_and_flag_an_overfull_band() -> None:
    s = sprint(days=5, capacity={"deep": 1, "moderate": 3, "light": 2})
    members = [story("A", estimate=4, energy_band="deep"), story("B", estimate=3, energy_band="deep")]
    members.append(story("C", estimate=10, energy_band="light"))
    rows = {r.band.id: r for r in domain.capacity_rows(list(DEFAULT_BANDS), s, members)}
    assert (rows["deep"].available, rows["deep"].planned, rows["deep"].over) == (5, 7, True)
    assert (rows["moderate"].available, rows["moderate"].planned, rows["moderate"].over) == (15, 0, False)
    assert (rows["light"].available, rows["light"].planned, rows["light"].over) == (10, 10, False)
    assert rows["light"].percent == 100 and rows["moderate"].percent == 0


def test_available_counts_working_days_unless_the_person_counts_weekends() -> None:
    # Worked example: Thursday 4 June to Tuesday 9 June 2026 is six days: Thu, Fri, (Sat, Sun), Mon, Tue.
    thursday = MON + timedelta(days=3)
    s = sprint(start=thursday, days=6, capacity={"deep": 2, "light": 3})
    members = [story("A", estimate=9, energy_band="deep")]
    assert (s.days, s.working_days, s.count_weekends) == (6, 4, False)
    rows = {r.band.id: r for r in domain.capacity_rows(list(DEFAULT_BANDS), s, members)}
    assert (rows["deep"].available, rows["deep"].over, rows["deep"].excess) == (8, True, 1)
    assert rows["light"].available == 12
    weekends = s.edit(count_weekends=True)
    assert weekends.working_days == 6
    rows = {r.band.id: r for r in domain.capacity_rows(list(DEFAULT_BANDS), weekends, members)}
    assert (rows["deep"].available, rows["deep"].over) == (12, False)
    assert rows["light"].available == 18
    # A weekend-only sprint has no working days: nothing is available unless weekends count.
    saturday = sprint(start=MON + timedelta(days=5), days=2, capacity={"deep": 2})
    assert saturday.working_days == 0 and domain.capacity_rows(list(DEFAULT_BANDS), saturday, [])[0].available == 0


def _session(day: int, band: str, hour: int = 9) -> Session:
    return completed_session(T0 + timedelta(days=day, hours=hour - 9), band)


def test_capacity_from_history_averages_over_days_worked() -> None:
    # Two worked days in the window: 4 deep sessions and 1 light one; an old session is ignored.
    sessions = [_session(0, "deep"), _session(0, "deep", 11), _session(0, "deep", 14), _session(2, "deep")]
    sessions += [_session(2, "light"), _session(-60, "moderate")]
    history = domain.capacity_from_history(sessions, list(DEFAULT_BANDS), today=MON + timedelta(days=3))
    assert history == {"deep": 2, "moderate": 0, "light": 0}
    assert domain.capacity_from_history([], list(DEFAULT_BANDS), today=MON) == {}


def test_starting_capacity_prefers_history_then_saved_then_a_first_guess() -> None:
    bands = list(DEFAULT_BANDS)
    assert domain.starting_capacity(bands, {}, {}) == STARTING_CAPACITY
    assert domain.starting_capacity(bands, {"deep": 5}, {}) == {**STARTING_CAPACITY, "deep": 5}
    assert domain.starting_capacity(bands, {"deep": 5}, {"deep": 1, "moderate": 1, "light": 1}) == {
        "deep": 1,
        "moderate": 1,
        "light": 1,
    }


def test_spent_counts_sessions_in_the_window_per_band() -> None:
    t = story(energy_band="deep")
    t.sessions = [_session(0, "deep"), _session(1, "light"), _session(9, "deep")]
    assert domain.spent_per_band([t], since=T0, until=T0 + timedelta(days=5)) == {"deep": 1, "light": 1}


# --- burndown: a worked example --------------------------------------------------------------------
WORKED = [
    BurnItem(estimate=3, energy_band="deep", done_on=MON + timedelta(days=3)),  # Thursday
    BurnItem(estimate=2, energy_band="deep", done_on=MON + timedelta(days=1)),  # Tuesday
    BurnItem(estimate=1, energy_band="light", done_on=MON + timedelta(days=1)),  # Tuesday
    BurnItem(estimate=4, energy_band="moderate", done_on=None),  # not done
]


def test_burndown_worked_example_five_day_sprint() -> None:
    b = domain.burndown(WORKED, start=MON, end=MON + timedelta(days=4), today=MON + timedelta(days=4))
    assert b.total == 10
    # start, end of Mon, Tue, Wed, Thu, Fri
    assert b.remaining == [10, 10, 7, 7, 4, 4]
    assert b.ideal == [10, 8, 6, 4, 2, 0]
    assert b.labels[1] == MON and b.labels[-1] == MON + timedelta(days=4)
    assert b.now == 4


def test_burndown_stops_at_today_and_per_band() -> None:
    b = domain.burndown(WORKED, start=MON, end=MON + timedelta(days=4), today=MON + timedelta(days=2))
    assert b.remaining == [10, 10, 7, 7, None, None]
    deep = domain.burndown(
        [i for i in WORKED if i.energy_band == "deep"],
        start=MON,
        end=MON + timedelta(days=4),
        today=MON + timedelta(days=4),
    )
    assert deep.remaining == [5, 5, 3, 3, 0, 0]
    assert deep.ideal == [5, 4, 3, 2, 1, 0]


def test_burndown_clamps_work_done_before_or_after_the_sprint() -> None:
    early_late = [
        BurnItem(2, "deep", MON - timedelta(days=3)),
        BurnItem(1, "deep", MON + timedelta(days=9)),
    ]
    b = domain.burndown(early_late, start=MON, end=MON + timedelta(days=1), today=MON + timedelta(days=20))
    assert b.remaining == [3, 1, 0]


def test_burn_items_from_threads_use_the_completion_day() -> None:
    a, b = story("A", estimate=2), story("B", estimate=5)
    a.finish(T0 + timedelta(days=2))
    assert domain.burn_items([a, b]) == [BurnItem(2, "deep", MON + timedelta(days=2)), BurnItem(5, "deep", None)]
    assert a.state is State.DONE


def test_chart_puts_the_ideal_line_from_top_left_to_bottom_right() -> None:
    b = domain.burndown(WORKED, start=MON, end=MON + timedelta(days=4), today=MON + timedelta(days=1))
    chart = chart_of(b)
    first, last = chart.ideal.split()[0], chart.ideal.split()[-1]
    assert first == f"{chart.left},10.0" and last == f"{chart.right},{chart.baseline}"
    assert [p.value for p in chart.points] == [10, 10, 7]
    assert chart.actual.count(",") == 3
