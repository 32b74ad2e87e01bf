"""Sprints: a time box of stories and tasks, with capacity in quanta per energy band.

The rules live here: dates and overlap, one active sprint per person, what a sprint may hold,
closing with carry-over, and the numbers the planning page and the burndown show (pure functions).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import cached_property
from typing import Annotated

from pydantic import Field, ValidationError, model_validator

from parallel_you.domain import (
    Document,
    DomainError,
    IllegalTransition,
    InvalidValue,
    Labelled,
    Timestamp,
    check_editable,
    day_of,
    friendly_errors,
    new_id,
    utcnow,
)
from threads.domain import DEFAULT_QUANTUM, EnergyBand, Kind, Session, State, Thread, check_visible

SPRINT_NAME_MAX = 120
SPRINT_GOAL_MAX = 2000
MAX_SPRINT_DAYS = 92
# A first guess at quanta a day per band, until the person has a session history or says otherwise.
STARTING_CAPACITY = {"deep": 2, "moderate": 3, "light": 4}
STARTING_CAPACITY_OTHER = 2
HISTORY_DAYS = 28
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)


class SprintState(Labelled):
    PLANNED = "planned"
    ACTIVE = "active"
    CLOSED = "closed"


Quanta = Annotated[int, Field(ge=0, le=50)]


class ClosedItem(Document):
    """A story or task as it stood when its sprint closed."""

    id: str
    title: str
    kind: Kind
    energy_band: str
    estimate: int = Field(ge=0)
    done: bool
    completed_at: Timestamp | None = None


class Closing(Document):
    """What a closed sprint keeps: every item it held, where the unfinished ones went, quanta per band."""

    items: list[ClosedItem] = Field(default_factory=list)
    carried_to: str | None = None
    carried_to_name: str = ""
    planned: dict[str, int] = Field(default_factory=dict)
    spent: dict[str, int] = Field(default_factory=dict)

    @property
    def done(self) -> list[ClosedItem]:
        return [i for i in self.items if i.done]

    @property
    def not_done(self) -> list[ClosedItem]:
        return [i for i in self.items if not i.done]

    @property
    def per_band(self) -> list[tuple[str, int, int]]:
        """(band id, quanta planned, quanta spent) for every band with either."""
        bands = list(dict.fromkeys([*self.planned, *self.spent]))
        return [(b, self.planned.get(b, 0), self.spent.get(b, 0)) for b in bands]


class OverlapNeedsConfirmation(InvalidValue):
    """The dates overlap another of the person's sprints; they may keep them if they confirm."""

    def __init__(self, others: Sequence[Sprint]) -> None:
        names = ", ".join(f"“{s.name}” ({s.start:%d %b} – {s.end:%d %b})" for s in others)
        super().__init__({"start": f"These dates overlap {names}. Change them, or tick “Overlap anyway”."})
        self.others = list(others)


class Sprint(Document):
    id: str = Field(default_factory=new_id)
    owner: str = Field(min_length=1)
    name: str = Field(min_length=1, max_length=SPRINT_NAME_MAX)
    goal: str = Field(default="", max_length=SPRINT_GOAL_MAX)
    start: date
    end: date
    state: SprintState = SprintState.PLANNED
    # Thread ids in the order the person planned them.
    members: list[str] = Field(default_factory=list)
    # Quanta a day the person can really do, per energy band id.
    capacity: dict[str, Quanta] = Field(default_factory=dict)
    # Capacity counts working days (Monday to Friday) unless the person says they work weekends too.
    count_weekends: bool = False
    created_at: Timestamp = Field(default_factory=utcnow)
    updated_at: Timestamp = Field(default_factory=utcnow)
    started_at: Timestamp | None = None
    closed_at: Timestamp | None = None
    closing: Closing | None = None
    version: int = 0

    @model_validator(mode="after")
    def _dates(self) -> Sprint:
        if self.end < self.start:
            raise ValueError("A sprint ends on or after the day it starts.")
        if self.days > MAX_SPRINT_DAYS:
            raise ValueError(f"Keep a sprint to {MAX_SPRINT_DAYS} days or fewer.")
        if len(set(self.members)) != len(self.members):
            raise ValueError("A thread is in a sprint once.")
        if (self.state is SprintState.CLOSED) != (self.closing is not None):
            raise ValueError("A closed sprint, and only a closed one, keeps a closing summary.")
        return self

    # --- construction -----------------------------------------------------------------------------
    # Dates in range and a name that shows are checked where sprints are made and edited, not in
    # the model's validators: a sprint stored before these rules must still load (and show).
    @classmethod
    def new(cls, **values: object) -> Sprint:
        try:
            sprint = cls(**values)
        except ValidationError as exc:
            raise InvalidValue(_date_errors(friendly_errors(exc))) from None
        check_visible(name=sprint.name)
        errors = dates_out_of_range(sprint.start, sprint.end)
        if errors:
            raise InvalidValue(errors)
        return sprint

    def edit(self, now: datetime | None = None, **changes: object) -> Sprint:
        """A copy with these fields changed, validated as a whole; the original is untouched."""
        check_editable(changes, {"name", "goal", "start", "end", "capacity", "count_weekends"})
        self._refuse_if_closed("edit")
        data = self.model_dump() | changes | {"updated_at": now or utcnow()}
        return Sprint.new(**data)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def item_count(self) -> int:
        """The items it holds; a closed sprint counts what it held when it closed (carried-over
        items left its members)."""
        return len(self.closing.items) if self.closing is not None else len(self.members)

    @property
    def dates(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range(self.days)]

    @property
    def working_days(self) -> int:
        """The days capacity counts: every day when weekends count, else Monday to Friday only."""
        if self.count_weekends:
            return self.days
        return sum(1 for d in self.dates if d.weekday() < 5)

    @property
    def occupied_until(self) -> date:
        return self.occupied_until_in(UTC)

    def occupied_until_in(self, zone: tzinfo) -> date:
        """A sprint closed early frees the rest of its dates (from the person's day it closed on)."""
        if self.closed_at is not None:
            return max(self.start, min(self.end, day_of(self.closed_at, zone)))
        return self.end

    def overlapping(self, others: Iterable[Sprint], zone: tzinfo = UTC) -> list[Sprint]:
        return [
            o
            for o in others
            if o.id != self.id
            and o.owner == self.owner
            and o.start <= self.end
            and self.start <= o.occupied_until_in(zone)
        ]

    # --- planning ---------------------------------------------------------------------------------
    def _refuse_if_closed(self, verb: str) -> None:
        if self.state is SprintState.CLOSED:
            raise IllegalTransition(f"“{self.name}” is closed: you can't {verb} it any more.")

    def check_can_hold(self, thread: Thread) -> None:
        """Refuse a thread this sprint may not take, saying why."""
        name = f"“{thread.title}”"
        if thread.kind is Kind.SAGA:
            raise IllegalTransition(f"{name} is a saga: a sprint holds its stories and tasks, not the saga itself.")
        if thread.archived:
            raise IllegalTransition(f"{name} is archived: unarchive it first.")
        if thread.state is State.DONE:
            raise IllegalTransition(f"{name} is done already: reopen it if there's more to do.")
        if thread.sprint_id is not None and thread.sprint_id != self.id:
            raise IllegalTransition(f"{name} is in another sprint: remove it there first.")

    def add(self, thread: Thread, position: int | None = None, now: datetime | None = None) -> None:
        self._refuse_if_closed("plan")
        self.check_can_hold(thread)
        if thread.id in self.members:
            raise IllegalTransition(f"“{thread.title}” is in this sprint already.")
        members = list(self.members)
        if position is not None:
            _check_position(position, len(members))
        members.insert(len(members) if position is None else position, thread.id)
        self.members = members
        self.updated_at = now or utcnow()

    def remove(self, thread_id: str, now: datetime | None = None) -> None:
        self._refuse_if_closed("plan")
        if thread_id not in self.members:
            raise DomainError("That isn't in this sprint.")
        self.members = [m for m in self.members if m != thread_id]
        self.updated_at = now or utcnow()

    def reorder(self, order: Sequence[str], now: datetime | None = None) -> bool:
        """Put the members in this order; True when it changed anything."""
        self._refuse_if_closed("plan")
        if sorted(order) != sorted(self.members):
            raise DomainError("The sprint changed meanwhile: reload the page and try again.")
        changed = list(order) != self.members
        self.members = list(order)
        self.updated_at = now or utcnow()
        return changed

    def move(self, thread_id: str, position: int, now: datetime | None = None) -> bool:
        if thread_id not in self.members:
            raise DomainError("That isn't in this sprint.")
        order = [m for m in self.members if m != thread_id]
        _check_position(position, len(order))
        order.insert(position, thread_id)
        return self.reorder(order, now)

    # --- transitions ------------------------------------------------------------------------------
    def start_sprint(self, active: Sprint | None, now: datetime | None = None) -> None:
        if self.state is not SprintState.PLANNED:
            raise IllegalTransition(f"“{self.name}” is {self.state.label}: only a Planned sprint can be started.")
        if active is not None and active.id != self.id:
            raise IllegalTransition(f"“{active.name}” is active: close it before you start “{self.name}”.")
        now = now or utcnow()
        self.state = SprintState.ACTIVE
        self.started_at = now
        self.updated_at = now

    def close(self, items: Sequence[Thread], carry_to: Sprint | None = None, now: datetime | None = None) -> Closing:
        """Close the sprint: keep what was done, hand the rest to `carry_to` (None: the backlog).

        `items` are the member threads as they are now; the caller moves the unfinished ones.
        """
        if self.state is not SprintState.ACTIVE:
            raise IllegalTransition(f"“{self.name}” is {self.state.label}: only the active sprint can be closed.")
        if carry_to is not None and (carry_to.id == self.id or carry_to.state is not SprintState.PLANNED):
            raise InvalidValue({"carry_to": "Carry unfinished work to the backlog or to a Planned sprint."})
        now = now or utcnow()
        by_id = {t.id: t for t in items}
        held = [by_id[m] for m in self.members if m in by_id]
        closing = Closing(
            items=[
                ClosedItem(
                    id=t.id,
                    title=t.title,
                    kind=t.kind,
                    energy_band=t.energy_band,
                    estimate=t.estimate,
                    done=t.state is State.DONE,
                    completed_at=t.completed_at,
                )
                for t in held
            ],
            carried_to=carry_to.id if carry_to else None,
            carried_to_name=carry_to.name if carry_to else "",
            planned=planned_per_band(held),
            spent=spent_per_band(held, since=self.started_at or _day_start(self.start, now), until=now),
        )
        self.members = [t.id for t in held if t.state is State.DONE]
        self.state = SprintState.CLOSED
        self.closed_at = now
        self.updated_at = now
        self.closing = closing
        return closing

    def take_carried(self, threads: Sequence[Thread], now: datetime | None = None) -> None:
        """Append another sprint's unfinished work (already checked by `close`)."""
        self._refuse_if_closed("plan")
        self.members = [*self.members, *(t.id for t in threads if t.id not in self.members)]
        self.updated_at = now or utcnow()


def _check_position(position: int, last: int) -> None:
    if not 0 <= position <= last:
        raise InvalidValue(
            {"position": f"That place isn't in the sprint's list (0 to {last}): reload the page and try again."}
        )


def dates_out_of_range(start: date, end: date) -> dict[str, str]:
    """A message for each date outside the years a sprint may have."""
    message = f"Choose a day between {FIRST_DAY.year} and {LAST_DAY.year}."
    return {name: message for name, day in (("start", start), ("end", end)) if not FIRST_DAY <= day <= LAST_DAY}


def _day_start(day: date, like: datetime) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=like.tzinfo)


def _date_errors(errors: dict[str, str]) -> dict[str, str]:
    # Whole-document rules about dates belong next to the end date in the form.
    message = errors.get("__all__", "")
    if "day" in message:
        del errors["__all__"]
        errors.setdefault("end", message)
    return errors


def overlap_check(sprint: Sprint, others: Iterable[Sprint], *, allow_overlap: bool, zone: tzinfo = UTC) -> None:
    clashes = sprint.overlapping(others, zone)
    if clashes and not allow_overlap:
        raise OverlapNeedsConfirmation(clashes)


# --- capacity ---------------------------------------------------------------------------------------
def planned_per_band(threads: Iterable[Thread]) -> dict[str, int]:
    planned: dict[str, int] = defaultdict(int)
    for t in threads:
        planned[t.energy_band] += t.estimate
    return dict(planned)


def spent_per_band(threads: Iterable[Thread], *, since: datetime, until: datetime) -> dict[str, int]:
    """Quanta spent: the sessions recorded on these threads between `since` and `until`."""
    spent: Counter[str] = Counter()
    for t in threads:
        for s in t.sessions:
            if since <= s.started_at <= until:
                spent[s.energy_band] += 1
    return dict(spent)


@dataclass(frozen=True)
class CapacityRow:
    band: EnergyBand
    per_day: int
    available: int
    planned: int
    # The sprint's own quanta a day, when the band's daily cap cut it down to `per_day`.
    asked: int | None = None
    quantum: int = DEFAULT_QUANTUM

    @property
    def capped(self) -> bool:
        return self.asked is not None

    @property
    def over(self) -> bool:
        return self.planned > self.available

    @property
    def excess(self) -> int:
        return max(0, self.planned - self.available)

    @property
    def percent(self) -> int:
        """How full the band is, for the bar (capped at 100)."""
        if self.available == 0:
            return 100 if self.planned else 0
        return min(100, round(self.planned * 100 / self.available))


def typical_quantum(threads: Iterable[Thread], band: str) -> int:
    """The quantum a band's work usually runs at: the median of its threads' quanta (a default when none)."""
    lengths = sorted(t.quantum for t in threads if t.energy_band == band)
    return lengths[len(lengths) // 2] if lengths else DEFAULT_QUANTUM


def quanta_within_cap(band: EnergyBand, quantum: int) -> int | None:
    """How many whole quanta of `quantum` minutes the band's daily cap allows a day (None: no cap)."""
    return None if band.daily_cap is None else band.daily_cap // max(1, quantum)


def capacity_rows(bands: Sequence[EnergyBand], sprint: Sprint, members: Iterable[Thread]) -> list[CapacityRow]:
    """Planned vs available quanta per band; a band the sprint holds work in but the profile lost shows too.

    A band's quanta a day never exceed what its daily cap allows (at the quantum its planned work
    usually runs at): planned work never assumes more of a band's minutes than the person allows."""
    members = list(members)
    planned = planned_per_band(members)
    known = [*bands, *(EnergyBand(id=b, name=b) for b in planned if b not in {x.id for x in bands})]
    rows = []
    for band in known:
        asked = sprint.capacity.get(band.id, 0)
        quantum = typical_quantum(members, band.id)
        allowed = quanta_within_cap(band, quantum)
        per_day = asked if allowed is None else min(asked, allowed)
        rows.append(
            CapacityRow(
                band=band,
                per_day=per_day,
                available=per_day * sprint.working_days,
                planned=planned.get(band.id, 0),
                asked=asked if per_day < asked else None,
                quantum=quantum,
            )
        )
    return rows


# --- estimates that learn ------------------------------------------------------------------------------
LEARN_FROM = 3  # the closed sprints planning learns from


@dataclass(frozen=True)
class SprintRecord:
    """One band in one closed sprint (or, as a band record's `total`, in all of them together):
    quanta estimated, quanta it took, estimate of what got done."""

    name: str
    estimated: int
    actual: int
    done: int
    working_days: int


@dataclass(frozen=True)
class BandRecord:
    """How a band's estimates compared with actuals over the last closed sprints, and the capacity
    (quanta a day, in estimate units) that record proposes."""

    band: EnergyBand
    sprints: list[SprintRecord]
    quantum: int = DEFAULT_QUANTUM

    @cached_property
    def total(self) -> SprintRecord:
        """The sprints added up."""
        return SprintRecord(
            name="total",
            estimated=sum(r.estimated for r in self.sprints),
            actual=sum(r.actual for r in self.sprints),
            done=sum(r.done for r in self.sprints),
            working_days=sum(r.working_days for r in self.sprints),
        )

    @property
    def ratio(self) -> float | None:
        """Quanta taken per quantum estimated (1.5: work took half as long again as estimated)."""
        return round(self.total.actual / self.total.estimated, 2) if self.total.estimated else None

    @property
    def per_day(self) -> float:
        """Estimated quanta of work actually finished per working day."""
        return self.total.done / self.total.working_days if self.total.working_days else 0.0

    @property
    def proposed(self) -> int:
        """Capacity to plan with: what was finished a day, never more than the band's cap allows."""
        delivered = min(50, round(self.per_day))
        allowed = quanta_within_cap(self.band, self.quantum)
        return delivered if allowed is None else min(delivered, allowed)


def estimate_record(
    bands: Sequence[EnergyBand],
    closed: Iterable[Sprint],
    *,
    last: int = LEARN_FROM,
    quanta: dict[str, int] | None = None,
) -> list[BandRecord]:
    """Per band, estimates against actuals in the `last` closed sprints (newest first); bands with
    neither are left out. `quanta`: the quantum each band's work runs at (for the cap)."""
    recent = sorted(
        (s for s in closed if s.closing is not None and s.state is SprintState.CLOSED),
        key=lambda s: s.end,
        reverse=True,
    )[:last]
    records = []
    for band in bands:
        rows = []
        for sprint in recent:
            closing = sprint.closing
            assert closing is not None
            done = sum(i.estimate for i in closing.done if i.energy_band == band.id)
            rows.append(
                SprintRecord(
                    name=sprint.name,
                    estimated=closing.planned.get(band.id, 0),
                    actual=closing.spent.get(band.id, 0),
                    done=done,
                    working_days=sprint.working_days,
                )
            )
        if any(r.estimated or r.actual for r in rows):
            records.append(BandRecord(band=band, sprints=rows, quantum=(quanta or {}).get(band.id, DEFAULT_QUANTUM)))
    return records


def capacity_from_history(
    sessions: Iterable[Session],
    bands: Sequence[EnergyBand],
    *,
    today: date,
    window: int = HISTORY_DAYS,
    zone: tzinfo = UTC,
) -> dict[str, int]:
    """Quanta a day per band the person really did: sessions per band over the days they worked.

    Looks at the last `window` days; a day without any session is a day off, not a day of zero.
    Empty when there's no history in the window. Days are the person's, in `zone`.
    """
    since = today - timedelta(days=window)
    recent = [s for s in sessions if since <= day_of(s.started_at, zone) <= today]
    worked_days = {day_of(s.started_at, zone) for s in recent}
    if not worked_days:
        return {}
    per_band = Counter(s.energy_band for s in recent)
    return {b.id: min(50, round(per_band.get(b.id, 0) / len(worked_days))) for b in bands}


def starting_capacity(bands: Sequence[EnergyBand], saved: dict[str, int], history: dict[str, int]) -> dict[str, int]:
    """The capacity a new sprint starts with: history first, then the profile's, then a first guess."""
    return {
        b.id: history.get(b.id, saved.get(b.id, STARTING_CAPACITY.get(b.id, STARTING_CAPACITY_OTHER))) for b in bands
    }


# --- burndown ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BurnItem:
    estimate: int
    energy_band: str
    done_on: date | None


@dataclass(frozen=True)
class Burndown:
    """Remaining quanta at the sprint's start and at the end of each day, against the ideal line.

    `labels[0]` is the start; `labels[i]` (i >= 1) is the end of day i. `remaining[i]` is None for
    days that haven't happened yet.
    """

    labels: list[date]
    total: int
    remaining: list[int | None]
    ideal: list[float]

    @property
    def rows(self) -> list[tuple[date, int | None, float]]:
        return list(zip(self.labels, self.remaining, self.ideal, strict=True))

    @property
    def now(self) -> int:
        return next((r for r in reversed(self.remaining) if r is not None), self.total)


def burndown(items: Iterable[BurnItem], *, start: date, end: date, today: date | None) -> Burndown:
    """Work finished before the sprint starts counts on its first day, after it ends on its last.
    `today` None: the sprint hasn't started, no day has happened yet."""
    items = list(items)
    days = (end - start).days + 1
    total = sum(i.estimate for i in items)
    burnt_by_day: Counter[int] = Counter()
    for item in items:
        if item.done_on is not None:
            day = max(0, min((item.done_on - start).days, days - 1))
            burnt_by_day[day] += item.estimate
    remaining: list[int | None] = [total]
    left = total
    for day in range(days):
        left -= burnt_by_day[day]
        remaining.append(left if today is not None and start + timedelta(days=day) <= today else None)
    ideal = [round(total * (1 - i / days), 2) for i in range(days + 1)]
    labels = [start, *(start + timedelta(days=d) for d in range(days))]
    return Burndown(labels=labels, total=total, remaining=remaining, ideal=ideal)


def burn_items(threads: Iterable[Thread], band: str | None = None, zone: tzinfo = UTC) -> list[BurnItem]:
    """Each thread's estimate and the day (in the person's `zone`) it was done."""
    return [
        BurnItem(
            t.estimate,
            t.energy_band,
            day_of(t.completed_at, zone) if t.state is State.DONE and t.completed_at else None,
        )
        for t in threads
        if band is None or t.energy_band == band
    ]


def closed_burn_items(closing: Closing, band: str | None = None, zone: tzinfo = UTC) -> list[BurnItem]:
    return [
        BurnItem(i.estimate, i.energy_band, day_of(i.completed_at, zone) if i.done and i.completed_at else None)
        for i in closing.items
        if band is None or i.energy_band == band
    ]
