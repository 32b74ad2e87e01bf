"""The pace report on a fake clock: days in the person's zone, days over a cap, breaks, the verdict."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from pace.caps import Focus
from pace.domain import Break, BreakEnd, Skip
from pace.report import CHART_HEIGHT, BreakDay, break_days, nice_top, pace_report, window
from threads.domain import EnergyBand

BERLIN = ZoneInfo("Europe/Berlin")
TODAY = date(2026, 3, 31)  # Berlin moved its clocks forward on Sunday 29 March
DEEP = EnergyBand(id="deep", name="Deep", daily_cap=120)
LIGHT = EnergyBand(id="light", name="Light")


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=BERLIN).astimezone(UTC)


def work(day: date, minutes: int, band: str = "deep", hour: int = 9) -> Focus:
    start = local(day, hour)
    return Focus(band, start, start + timedelta(minutes=minutes), minutes)


def test_the_window_ends_today_and_spans_whole_weeks() -> None:
    days = window(TODAY, 4)
    assert len(days) == 28 and days[-1] == TODAY and days[0] == date(2026, 3, 4)


def test_minutes_per_day_by_band_days_over_and_chart_geometry() -> None:
    focus = [work(TODAY, 150), work(TODAY - timedelta(days=1), 60), work(TODAY, 30, "light", hour=14)]
    report = pace_report([DEEP, LIGHT], focus, today=TODAY, zone=BERLIN, weeks=4)
    deep, light = report.charts
    assert (deep.total, deep.worked_days, deep.days_over, deep.peak, deep.average) == (210, 2, 1, 150, 105)
    assert report.days_over == [TODAY] and report.worked_days == 2 and report.total == 240
    last = deep.bars[-1]
    assert (last.day, last.minutes, last.over) == (TODAY, 150, True)
    assert last.height == CHART_HEIGHT * 150 / 150 and last.y == 0
    assert deep.cap_y == round(CHART_HEIGHT * (1 - 120 / 150), 1)
    assert [t.label for t in deep.ticks] == ["0", "75", "150"]
    assert deep.show_values and len(deep.labels) == 4
    assert light.cap_y is None and light.days_over == 0
    assert not pace_report([DEEP], focus, today=TODAY, zone=BERLIN, weeks=12).charts[0].show_values


def test_work_late_in_the_evening_counts_on_the_persons_day() -> None:
    # 00:30 on the 31st in Berlin is 22:30 UTC on the 30th: the person's 31st.
    focus = [Focus("deep", local(TODAY, 0, 30), local(TODAY, 1, 30), 60)]

    def minutes(zone: tzinfo) -> dict[date, int]:
        bars = pace_report([DEEP], focus, today=TODAY, zone=zone, weeks=4).charts[0].bars
        return {b.day: b.minutes for b in bars if b.minutes}

    assert minutes(BERLIN) == {TODAY: 60}
    assert minutes(UTC) == {TODAY - timedelta(days=1): 60}


def test_the_short_dst_day_is_one_day() -> None:
    sunday = date(2026, 3, 29)
    focus = [work(sunday, 60, hour=1), work(sunday, 70, hour=22)]
    report = pace_report([DEEP], focus, today=TODAY, zone=BERLIN, weeks=4)
    bar = next(b for b in report.charts[0].bars if b.day == sunday)
    assert (bar.minutes, bar.over) == (130, True)


def test_an_axis_top_is_a_round_number() -> None:
    assert [nice_top(v) for v in (1, 30, 31, 179, 181, 500)] == [30, 30, 60, 180, 240, 540]


def test_breaks_taken_and_skipped_per_day() -> None:
    now = local(TODAY, 18)
    length = timedelta(minutes=10)
    full = Break.begin(owner="1", now=local(TODAY, 10), length=length)
    full.finish(local(TODAY, 10, 30), BreakEnd.TAKEN)
    short = Break.begin(owner="1", now=local(TODAY, 12), length=length)
    short.finish(local(TODAY, 12, 3), BreakEnd.ENDED_EARLY)
    skips = [Skip(owner="1", at=local(TODAY, h)) for h in (13, 14, 15, 16)]
    days = break_days([full, short], skips, zone=BERLIN, now=now, break_length=length)
    assert days == {TODAY: BreakDay(taken=1, skipped=4)}
    report = pace_report([DEEP], [work(TODAY, 60)], today=TODAY, zone=BERLIN, weeks=4, breaks=days, skip_allowance=3)
    assert (report.breaks_taken, report.breaks_skipped, report.days_over_skips) == (1, 4, [TODAY])


def test_the_verdict_judges_by_the_persons_own_settings() -> None:
    def verdict(focus: list[Focus], bands: list[EnergyBand] | None = None, **kw: object) -> str:
        return pace_report(bands or [DEEP], focus, today=TODAY, zone=BERLIN, weeks=4, **kw).verdict  # type: ignore[arg-type]

    assert verdict([]) == "No focused work recorded in the last 4 weeks: nothing to judge yet."
    calm = [work(TODAY - timedelta(days=n), 100) for n in range(20)]
    assert verdict(calm) == "Sustainable: in the last 4 weeks no day went over your caps."
    one_long = [*calm[1:], work(TODAY, 200)]
    assert verdict(one_long) == "Mostly sustainable: 1 of 20 working days went over a cap in the last 4 weeks."
    many = [work(TODAY - timedelta(days=n), 200) for n in range(5)]
    assert verdict(many).startswith("Not sustainable by your own settings: 5 of 5 working days went over a cap")
    assert "No daily caps are set" in verdict(calm, [LIGHT])
    skipping = {TODAY - timedelta(days=n): BreakDay(skipped=5) for n in range(4)}
    assert "4 days skipped more breaks than you allow" in verdict(calm, breaks=skipping, skip_allowance=3)
