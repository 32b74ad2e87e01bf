"""The quantum tuning rule, with worked examples: ramp up slowly, back off after trouble."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.support.sessions import session
from threads.domain import MAX_QUANTUM, MIN_QUANTUM, Outcome, Session
from timers.domain import Suggestion, suggest_quantum

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
C, V, E, A = Outcome.COMPLETED, Outcome.OVERRAN, Outcome.STOPPED_EARLY, Outcome.ABANDONED


def history(*outcomes: Outcome, planned: int = 25, band: str = "deep") -> list[Session]:
    """Sessions an hour apart, oldest first, in the order given."""
    actual = {C: planned, V: planned + 12, E: planned / 2, A: 3}
    return [
        session(T0 + timedelta(hours=i), actual[outcome], planned=planned, outcome=outcome, band=band)
        for i, outcome in enumerate(outcomes)
    ]


def suggest(sessions: list[Session], current: int = 25, band: str = "deep", name: str = "Deep") -> Suggestion | None:
    return suggest_quantum(sessions, band=band, band_name=name, current=current)


def test_three_clean_sessions_grow_the_quantum_by_five() -> None:
    assert suggest(history(C, C, C)) == Suggestion(30, 25, "3 clean 25-minute Deep sessions: try 30.")


def test_two_clean_sessions_are_not_enough_yet() -> None:
    assert suggest(history(C, C)) is None


def test_one_overrun_in_the_last_three_blocks_growth_but_does_not_shrink() -> None:
    assert suggest(history(C, V, C)) is None


def test_two_overruns_in_the_last_three_shrink_by_five() -> None:
    suggestion = suggest(history(C, C, C, V, C, V))
    assert suggestion == Suggestion(20, 25, "Of your last 3 Deep sessions, 2 overran: try 20 minutes.")
    assert not suggestion.grows


def test_early_stops_shrink_too_and_the_reason_names_both() -> None:
    suggestion = suggest(history(V, E, C), current=40)
    assert suggestion == Suggestion(
        35, 40, "Of your last 3 Deep sessions, 1 overran and 1 stopped early: try 35 minutes."
    )


def test_only_the_recent_window_counts() -> None:
    # Old trouble, then three clean sessions: grow.
    assert suggest(history(V, E, V, C, C, C)).minutes == 30  # type: ignore[union-attr]


def test_parked_sessions_say_nothing_about_length() -> None:
    assert suggest(history(C, A, C, A, C)).minutes == 30  # type: ignore[union-attr]


def test_clean_sessions_at_a_shorter_plan_do_not_grow_a_longer_quantum() -> None:
    # Three clean 25-minute sessions while the quantum is already 30: nothing yet.
    assert suggest(history(C, C, C, planned=25), current=30) is None


def test_each_energy_band_is_tuned_on_its_own() -> None:
    mixed = history(C, C, C, band="deep") + history(V, V, V, band="light")
    assert suggest(mixed, band="deep").minutes == 30  # type: ignore[union-attr]
    light = suggest(mixed, band="light", name="Light")
    assert light is not None and light.minutes == 20 and "Light" in light.reason


@pytest.mark.parametrize(("current", "outcomes"), [(MIN_QUANTUM, (V, V, V)), (MAX_QUANTUM, (C, C, C))])
def test_it_never_suggests_beyond_the_bounds(current: int, outcomes: tuple[Outcome, ...]) -> None:
    assert suggest(history(*outcomes, planned=current), current=current) is None


def test_no_history_no_suggestion() -> None:
    assert suggest([]) is None


def test_a_person_who_keeps_skipping_breaks_is_not_offered_a_longer_quantum() -> None:
    clean = history(C, C, C)
    assert suggest_quantum(clean, band="deep", band_name="Deep", current=25, skipped_breaks=2) is not None
    assert suggest_quantum(clean, band="deep", band_name="Deep", current=25, skipped_breaks=3) is None
    # A shorter one is still offered after trouble, skips or not.
    shorter = suggest_quantum(history(V, V, C), band="deep", band_name="Deep", current=25, skipped_breaks=9)
    assert shorter is not None and shorter.minutes == 20
