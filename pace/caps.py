"""Daily caps per energy band: focused minutes per band and day, counted in the person's time zone.

Pure functions over the stored sessions and the running quanta; nothing here imports Django or a
repo. A stretch of work that crosses midnight counts on each day for the share of it that fell
there; days are the person's calendar days (23 or 25 hours long when the clocks change).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from threads.domain import EnergyBand, Run, Session, Thread


@dataclass(frozen=True)
class Focus:
    """A stretch of focused work in one band: from `start` to `end` (wall clock), `minutes` of it
    worked (pauses left out)."""

    band: str
    start: datetime
    end: datetime
    minutes: float


def focus_of_session(session: Session) -> Focus:
    return Focus(session.energy_band, session.started_at, session.ended_at, session.actual_minutes)


def focus_of_run(run: Run, band: str, now: datetime) -> Focus:
    return Focus(band, run.started_at, run.paused_at or now, run.worked(now).total_seconds() / 60)


def focus_of(threads: Iterable[Thread], now: datetime) -> list[Focus]:
    """Every stretch of focus in these threads: their sessions and their running (or paused) quanta."""
    found: list[Focus] = []
    for thread in threads:
        found.extend(focus_of_session(s) for s in thread.sessions)
        if thread.run is not None:
            found.append(focus_of_run(thread.run, thread.energy_band, now))
    return found


def day_bounds(day: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """The instants (UTC) `day` begins and ends for a person living in `zone`."""
    start = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    return start, end


def _days_spanned(focus: Focus, zone: tzinfo) -> list[date]:
    first = focus.start.astimezone(zone).date()
    last = focus.end.astimezone(zone).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def minutes_per_day(
    focus: Iterable[Focus], zone: tzinfo, *, days: Sequence[date] | None = None
) -> dict[date, dict[str, float]]:
    """Focused minutes per day and band. A stretch over several days is shared out by the wall-clock
    time it spent in each. `days`: only these days (default: every day with any focus)."""
    wanted = set(days) if days is not None else None
    # The instants the wanted days span: a stretch wholly outside them is skipped at once.
    lo = day_bounds(min(days), zone)[0] if days else None
    hi = day_bounds(max(days), zone)[1] if days else None
    result: dict[date, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    bounds: dict[date, tuple[datetime, datetime]] = {}
    for f in focus:
        if f.minutes <= 0 or (lo is not None and f.end < lo) or (hi is not None and f.start >= hi):
            continue
        spanned = _days_spanned(f, zone)
        if len(spanned) == 1:  # most stretches: all of it on one day
            if wanted is None or spanned[0] in wanted:
                result[spanned[0]][f.band] += f.minutes
            continue
        span = (f.end - f.start).total_seconds()
        for day in spanned:
            if wanted is not None and day not in wanted:
                continue
            if day not in bounds:
                bounds[day] = day_bounds(day, zone)
            start, end = bounds[day]
            overlap = (min(end, f.end) - max(start, f.start)).total_seconds()
            if overlap > 0:
                result[day][f.band] += f.minutes * overlap / span
    return {d: dict(b) for d, b in result.items()}


def minutes_on(focus: Iterable[Focus], day: date, zone: tzinfo) -> dict[str, float]:
    """Focused minutes per band on `day` (the person's day, in `zone`)."""
    return minutes_per_day(focus, zone, days=[day]).get(day, {})


@dataclass(frozen=True)
class BandUse:
    """One band's use on one day against its cap (None: no cap)."""

    band: EnergyBand
    used: float
    cap: int | None

    @property
    def minutes(self) -> int:
        return int(self.used)

    @property
    def over(self) -> bool:
        return self.cap is not None and self.used > self.cap

    @property
    def reached(self) -> bool:
        return self.cap is not None and self.used >= self.cap

    @property
    def left(self) -> int | None:
        return None if self.cap is None else max(0, self.cap - int(self.used))


def day_use(bands: Sequence[EnergyBand], focus: Iterable[Focus], day: date, zone: tzinfo) -> list[BandUse]:
    """Each band's focused minutes on `day` against its cap, in the person's band order."""
    used = minutes_on(focus, day, zone)
    return [BandUse(band=b, used=used.get(b.id, 0.0), cap=b.daily_cap) for b in bands]


@dataclass(frozen=True)
class CapCheck:
    """What starting `planned` more minutes in a band would do to today's use against its cap."""

    band: EnergyBand
    used: float
    planned: int

    @property
    def cap(self) -> int | None:
        return self.band.daily_cap

    @property
    def after(self) -> float:
        return self.used + self.planned

    @property
    def passes(self) -> bool:
        """True when the quantum would take the day past the cap."""
        return self.cap is not None and self.after > self.cap

    @property
    def message(self) -> str:
        if self.cap is None:
            return ""
        used = int(self.used)
        if used >= self.cap:
            return (
                f"{self.band.name} is at its daily cap already: {used} of {self.cap} minutes today. "
                f"Another {self.planned} minutes would make {int(self.after)}."
            )
        return (
            f"This {self.planned}-minute quantum takes {self.band.name} past its daily cap: "
            f"{used} of {self.cap} minutes used today, {int(self.after)} after it."
        )


def cap_check(band: EnergyBand, focus: Iterable[Focus], *, planned: int, now: datetime, zone: tzinfo) -> CapCheck:
    """Would a quantum of `planned` minutes started `now` in `band` pass the band's daily cap?"""
    today = now.astimezone(zone).date()
    return CapCheck(band=band, used=minutes_on(focus, today, zone).get(band.id, 0.0), planned=planned)
