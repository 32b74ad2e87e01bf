"""The pace report: focused minutes per day by band, days over a cap, breaks taken and skipped,
and a one-line verdict by the person's own settings, over the last 4 or 12 weeks.

Pure: the numbers and the SVG geometry of the charts (user units; the template draws them).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo

from pace.caps import Focus, minutes_per_day
from pace.domain import Break, Skip
from parallel_you.domain import day_of
from threads.domain import EnergyBand
from timers.domain import Tick, axis_ticks

CHART_WIDTH = 600
CHART_HEIGHT = 100
# Write each bar's value over it when the bars are wide enough to hold it.
VALUES_UP_TO_DAYS = 31
# The share of working days over a cap that still reads as "mostly" sustainable.
MOSTLY = 0.1


@dataclass(frozen=True)
class DayLabel:
    x: float
    label: str


@dataclass(frozen=True)
class DayBar:
    day: date
    minutes: int
    over: bool
    x: float
    width: float
    y: float
    height: float
    value_y: float

    @property
    def centre(self) -> float:
        return round(self.x + self.width / 2, 1)

    @property
    def label(self) -> str:
        return f"{self.day:%a %d %b}: {self.minutes} min{' (over the cap)' if self.over else ''}"


@dataclass(frozen=True)
class BandChart:
    """One band's focused minutes per day, with its cap as a line."""

    band: EnergyBand
    bars: list[DayBar]
    ticks: list[Tick]
    labels: list[DayLabel]
    cap_y: float | None
    total: int
    worked_days: int
    days_over: int
    peak: int
    show_values: bool

    @property
    def average(self) -> int:
        """Minutes a day on the days this band was worked."""
        return round(self.total / self.worked_days) if self.worked_days else 0


@dataclass(frozen=True)
class BreakDay:
    """Breaks on one day (from the person's stored breaks and skips)."""

    taken: int = 0
    skipped: int = 0


@dataclass(frozen=True)
class PaceReport:
    weeks: int
    start: date
    end: date
    charts: list[BandChart]
    worked_days: int
    days_over: list[date]
    capped: bool
    breaks_taken: int | None = None
    breaks_skipped: int | None = None
    skip_allowance: int | None = None
    days_over_skips: list[date] = field(default_factory=list)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def total(self) -> int:
        return sum(c.total for c in self.charts)

    @property
    def verdict(self) -> str:
        return verdict(self)


def break_days(
    breaks: Iterable[Break], skips: Iterable[Skip], *, zone: tzinfo, now: datetime, break_length: timedelta
) -> dict[date, BreakDay]:
    """Breaks taken (rested at least `break_length`) and skipped, per day (the person's, in `zone`),
    each on the day it began."""
    taken: dict[date, int] = defaultdict(int)
    skipped: dict[date, int] = defaultdict(int)
    for b in breaks:
        rest = b.rest_span(now)
        if rest is not None and rest.length >= break_length:
            taken[day_of(b.started_at, zone)] += 1
    for s in skips:
        skipped[day_of(s.at, zone)] += 1
    return {d: BreakDay(taken=taken.get(d, 0), skipped=skipped.get(d, 0)) for d in {*taken, *skipped}}


def window(today: date, weeks: int) -> list[date]:
    """The last `weeks` weeks of days, ending today."""
    days = weeks * 7
    return [today - timedelta(days=days - 1 - n) for n in range(days)]


def nice_top(value: float) -> int:
    """An axis top at or above `value`: a whole number of half hours (hours past 3 hours)."""
    step = 30 if value <= 180 else 60
    return max(step, math.ceil(value / step) * step)


def _band_chart(band: EnergyBand, days: Sequence[date], per_day: Mapping[date, Mapping[str, float]]) -> BandChart:
    minutes = [int(round(per_day.get(d, {}).get(band.id, 0.0))) for d in days]
    cap = band.daily_cap
    top = nice_top(max([*minutes, cap or 0, 1]))
    slot = CHART_WIDTH / len(days)
    width = slot * 0.72
    bars = []
    for i, (day, value) in enumerate(zip(days, minutes, strict=True)):
        height = CHART_HEIGHT * value / top
        bars.append(
            DayBar(
                day=day,
                minutes=value,
                over=cap is not None and value > cap,
                x=round(i * slot + (slot - width) / 2, 1),
                width=round(width, 1),
                y=round(CHART_HEIGHT - height, 1),
                height=round(height, 1),
                value_y=round(max(CHART_HEIGHT - height - 2, 7), 1),
            )
        )
    ticks = axis_ticks(top, CHART_HEIGHT)
    labels = [
        DayLabel(x=round(i * slot + slot / 2, 1), label=f"{d.day}/{d.month}") for i, d in enumerate(days) if i % 7 == 0
    ]
    return BandChart(
        band=band,
        bars=bars,
        ticks=ticks,
        labels=labels,
        cap_y=None if cap is None else round(CHART_HEIGHT * (1 - cap / top), 1),
        total=sum(minutes),
        worked_days=sum(1 for m in minutes if m > 0),
        days_over=sum(1 for b in bars if b.over),
        peak=max(minutes),
        show_values=len(days) <= VALUES_UP_TO_DAYS,
    )


def pace_report(
    bands: Sequence[EnergyBand],
    focus: Iterable[Focus],
    *,
    today: date,
    zone: tzinfo,
    weeks: int,
    breaks: Mapping[date, BreakDay] | None = None,
    skip_allowance: int | None = None,
) -> PaceReport:
    """The report for the `weeks` weeks ending `today` (the person's day, in `zone`). `breaks`
    (per day) and `skip_allowance` (skips a day) come from the person's break settings, if any."""
    days = window(today, weeks)
    per_day = minutes_per_day(focus, zone, days=days)
    # Sessions keep the band they were worked in: one since removed still shows, under its id.
    known = {b.id for b in bands}
    gone = sorted({b for minutes in per_day.values() for b in minutes} - known)
    shown = [*bands, *(EnergyBand(id=b, name=b.capitalize()) for b in gone)]
    charts = [_band_chart(band, days, per_day) for band in shown]
    over = sorted({b.day for c in charts for b in c.bars if b.over})
    # A day counts as worked with at least a minute of focus shown on it (as the charts round).
    worked = sum(1 for i in range(len(days)) if any(c.bars[i].minutes > 0 for c in charts))
    taken = skipped = None
    over_skips: list[date] = []
    if breaks is not None:
        in_window = [breaks.get(d, BreakDay()) for d in days]
        taken, skipped = sum(b.taken for b in in_window), sum(b.skipped for b in in_window)
        if skip_allowance is not None:
            over_skips = [d for d in days if breaks.get(d, BreakDay()).skipped > skip_allowance]
    return PaceReport(
        weeks=weeks,
        start=days[0],
        end=days[-1],
        charts=charts,
        worked_days=worked,
        days_over=over,
        capped=any(b.daily_cap is not None for b in bands),
        breaks_taken=taken,
        breaks_skipped=skipped,
        skip_allowance=skip_allowance,
        days_over_skips=over_skips,
    )


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def verdict(report: PaceReport) -> str:
    """One line: is this pace sustainable, by the person's own caps and skip allowance?"""
    span = f"the last {report.weeks} weeks"
    if report.worked_days == 0:
        return f"No focused work recorded in {span}: nothing to judge yet."
    no_caps = " No daily caps are set: set them on the energy bands page to judge the minutes too."
    if not report.capped and report.skip_allowance is None:
        return f"{report.total} focused minutes over {_days(report.worked_days)} in {span}.{no_caps}"
    judged = [
        what
        for what, on in (("your caps", report.capped), ("your skip allowance", report.skip_allowance is not None))
        if on
    ]
    over = len(report.days_over)
    skips = len(report.days_over_skips)
    tail = "" if report.capped else no_caps
    if over == 0 and skips == 0:
        return f"Sustainable: in {span} no day went over {' or '.join(judged)}.{tail}"
    parts = []
    if over:
        parts.append(f"{over} of {report.worked_days} working days went over a cap")
    if skips:
        parts.append(f"{_days(skips)} skipped more breaks than you allow")
    what = " and ".join(parts)
    if over + skips <= report.worked_days * MOSTLY:
        return f"Mostly sustainable: {what} in {span}.{tail}"
    return f"Not sustainable by your own settings: {what} in {span}. Plan less, or set limits you can keep.{tail}"
