"""`parallel-you watch` prints one human line per pace, break and day event (the payloads are the
catalogue's, built here from the server's own event classes), and `--json` stays as it was."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from pace import events
from pace.day_events import DayEndedMessage, PaceCapReached, StoppedHere
from pace.domain import Break, BreakEnd, BudgetNote, PaceSettings, Skip
from parallel_you.events import Event
from parallel_you_cli.app import clock_lines
from parallel_you_cli.lines import LINES, event_line
from parallel_you_cli.watch import Watcher

T0 = datetime(2026, 3, 11, 9, 0, tzinfo=UTC)


def payload(event: Event) -> dict[str, Any]:
    return event.payload()


taken = Break(owner="1", started_at=T0, ends_at=T0 + timedelta(minutes=10))
ended = taken.model_copy(deep=True)
ended.finish(T0 + timedelta(minutes=10), BreakEnd.TAKEN)
early = taken.model_copy(deep=True)
early.finish(T0 + timedelta(minutes=4), BreakEnd.ENDED_EARLY)
note = BudgetNote(owner="1", focused_minutes=88.4, focus_budget=90, at=T0)
stopped = [StoppedHere(thread_id="t1", title="Write <the> report", note="at section 2")]
cap = dict(owner="1", day=date(2026, 3, 11), band="deep", band_name="Deep", cap_minutes=60, used_minutes=50)

EXPECTED = {
    "break.started": (events.BreakStarted.of(taken), "☕ Break started: 10 minutes, until 09:10."),
    "break.ended": (events.BreakEnded.of(ended), "☕ Break over: rested, the focus clock starts again. (09:10)"),
    "break.ended early": (events.BreakEnded.of(early), "☕ Break ended early. (09:04)"),
    "break.skipped": (
        events.BreakSkipped.of(Skip(owner="1", at=T0, reason="demo at 11", focused_minutes=91)),
        "⏭  Break skipped after 91 minutes of focus: demo at 11",
    ),
    "pace.budget_nearly_reached": (
        events.BudgetNearlyReached.of(note),
        "⏳ Focus budget nearly reached (88 minutes of 90): a break is due in 2 minutes.",
    ),
    "pace.budget_reached": (
        events.BudgetReached.of(note.model_copy(update={"focused_minutes": 90})),
        "🛑 Focus budget reached (90 minutes of 90): time for a break.",
    ),
    "pace.cap_reached": (
        PaceCapReached.of(PaceCapReached.model_validate(cap | {"planned_minutes": 25, "thread_id": "t1"})),
        "🚧 Deep: past its daily cap of 60 minutes (50 used, 25 more planned).",
    ),
    "pace.cap_reached refused": (
        PaceCapReached.of(
            PaceCapReached.model_validate(cap | {"planned_minutes": 25, "thread_id": "t1", "refused": True})
        ),
        "🚧 Deep: daily cap of 60 minutes reached (50 used); strict mode refused the start.",
    ),
    "pace.settings_changed": (
        events.PaceSettingsChanged.of(PaceSettings(id="1", owner="1", focus_budget=60, strict=True)),
        "⚙  Pace settings: 60-minute focus budget, 10-minute breaks, 3 skips a day, strict.",
    ),
    "day.ended": (
        DayEndedMessage.of(
            DayEndedMessage(owner="1", day=date(2026, 3, 11), ended_at=T0 + timedelta(hours=9), threads=stopped)
        ),
        "🌙 Day ended (18:00): parked with a note “Write <the> report”.",
    ),
}


@pytest.mark.parametrize("case", list(EXPECTED))
def test_each_pace_break_and_day_event_reads_as_one_line(case: str) -> None:
    event, line = EXPECTED[case]
    assert event_line(event.topic, payload(event), UTC) == line


def test_every_new_topic_has_a_line_and_thread_events_have_none() -> None:
    assert {e.topic for e, _ in EXPECTED.values()} == set(LINES)
    assert event_line("task.quantum_started", {"id": "t1", "title": "Write"}) is None


class NoApi:
    """Pace events need no HTTP read: the watcher must not ask."""

    def get(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("no HTTP read expected")


def stream_message(event: Event) -> str:
    return json.dumps(
        {"type": "event", "topic": event.topic, "id": "e1", "time": T0.isoformat(), "document": payload(event)}
    )


async def test_watch_prints_the_line_and_json_mode_prints_only_json(capsys: pytest.CaptureFixture[str]) -> None:
    event, _ = EXPECTED["pace.budget_reached"]
    await Watcher(NoApi(), as_json=False).handle(stream_message(event))  # type: ignore[arg-type]
    assert capsys.readouterr().out == "🛑 Focus budget reached (90 minutes of 90): time for a break.\n"

    await Watcher(NoApi(), as_json=True).handle(stream_message(event))  # type: ignore[arg-type]
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line) for line in lines] == [
        {"type": "event", "topic": "pace.budget_reached", "id": "e1", "thread_id": None}
    ]


def test_the_pace_command_reads_the_clock_in_words() -> None:
    clock = {
        "focused_minutes": 30,
        "focus_budget": 60,
        "left_minutes": 30,
        "running": False,
        "reached": False,
        "reached_at": None,
        "current_break": None,
        "skips_today": 1,
        "skips_left": 2,
        "strict": True,
    }
    assert clock_lines(clock) == [
        "Focus: 30 of 60 minutes since the last break",
        "30 minutes left; the clock stands still (no quantum counting).",
        "Skips left today: 2 (1 used). Strict mode is on.",
    ]
    assert clock_lines(clock | {"reached": True, "left_minutes": 0})[1] == (
        "The focus budget is reached: time for a break."
    )
