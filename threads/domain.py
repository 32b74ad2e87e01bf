"""Threads: sagas, stories and tasks; their states, the transitions between them, energy bands.

The rules live here and nowhere else: a view or a service asks a thread to change, and the thread
refuses with an `IllegalTransition` whose message says what to do instead.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta, tzinfo
from enum import Enum
from typing import Annotated, TypedDict

from pydantic import Field, ValidationInfo, field_validator, model_validator

from parallel_you.domain import (
    Document,
    DomainError,
    IllegalTransition,
    InvalidValue,
    Labelled,
    Timestamp,
    check_editable,
    new_id,
    time_zone_names,
    utcnow,
    validated,
    zone_of,
)

MIN_QUANTUM = 1  # ramp a quantum up slowly from small
MAX_QUANTUM = 240
DEFAULT_QUANTUM = 25
TITLE_MAX = 200
NOTES_MAX = 20_000
MAX_ESTIMATE = 100
MAX_DAILY_CAP = 24 * 60  # minutes in a day
STOPPED_NOTE_MAX = 200

# Characters that print nothing: Unicode's format, separator and control categories, plus the
# letters and symbols that render blank (Hangul fillers, the braille blank, ...).
_BLANK_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me"})
_BLANK_CHARACTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f\u180e\u17b4\u17b5")


def is_blank(text: str) -> bool:
    """True when `text` shows nothing a person could read: empty, spaces, or invisible characters only."""
    return all(c.isspace() or c in _BLANK_CHARACTERS or unicodedata.category(c) in _BLANK_CATEGORIES for c in text)


def check_visible(**texts: str) -> None:
    """Refuse a title or name that would show as nothing, like an empty one."""
    errors = {name: "This can't be empty." for name, text in texts.items() if is_blank(text)}
    if errors:
        raise InvalidValue(errors)


class Kind(Labelled):
    SAGA = "saga"
    STORY = "story"
    TASK = "task"


class State(Labelled):
    READY = "ready"
    RUNNING = "running"
    PARKED = "parked"
    BLOCKED = "blocked"
    DONE = "done"


BOARD_STATES = (State.READY, State.RUNNING, State.PARKED, State.BLOCKED, State.DONE)

ALLOWED: dict[State, frozenset[State]] = {
    State.READY: frozenset({State.RUNNING, State.PARKED, State.BLOCKED, State.DONE}),
    State.RUNNING: frozenset({State.READY, State.PARKED, State.BLOCKED, State.DONE}),
    State.PARKED: frozenset({State.READY, State.BLOCKED, State.DONE}),
    State.BLOCKED: frozenset({State.READY, State.PARKED, State.DONE}),
    State.DONE: frozenset({State.READY}),
}

# What a person can do from each state, in the words of the buttons.
ACTIONS: dict[State, tuple[str, ...]] = {
    State.READY: ("start", "park", "block", "done"),
    State.RUNNING: ("stop", "park", "done"),
    State.PARKED: ("unpark", "block", "done"),
    State.BLOCKED: ("unblock", "park", "done"),
    State.DONE: ("reopen", "archive"),
}


class Outcome(Labelled):
    COMPLETED = "completed"
    OVERRAN = "overran"
    STOPPED_EARLY = "stopped_early"
    ABANDONED = "abandoned"


class Run(Document):
    """The quantum running now. The server owns `deadline`; pages count down from it."""

    id: str = Field(default_factory=new_id)
    started_at: Timestamp
    deadline: Timestamp
    planned_minutes: int = Field(ge=1, le=MAX_QUANTUM * 4)
    paused_at: Timestamp | None = None
    expired_at: Timestamp | None = None
    paused_seconds: float = Field(default=0, ge=0)
    # Set when the quantum was started past its band's daily cap: the warning, shown with the timer.
    cap_warning: str = Field(default="", max_length=400)

    def remaining(self, now: datetime) -> timedelta:
        until = self.paused_at or now
        return max(self.deadline - until, timedelta(0))

    def worked(self, now: datetime) -> timedelta:
        """Time spent working: from the start until now (or the pause), less the pauses."""
        until = self.paused_at or now
        return max(until - self.started_at - timedelta(seconds=self.paused_seconds), timedelta(0))


class Session(Document):
    """One finished quantum, for the history and the quantum tuning."""

    started_at: Timestamp
    ended_at: Timestamp
    planned_minutes: int = Field(ge=1)
    actual_minutes: float = Field(ge=0)
    outcome: Outcome
    energy_band: str


def grace(run: Run, minute: timedelta) -> timedelta:
    """How far from the deadline a stop still counts as on time: a tenth of the plan, at least a minute."""
    return max(minute * run.planned_minutes / 10, minute)


def outcome_of(run: Run, now: datetime, then: State, minute: timedelta = timedelta(minutes=1)) -> Outcome:
    """How a quantum went, as the person answered when it ended.

    Well past the deadline (more than the grace): overran, whatever came next. Otherwise Done:
    completed; "More to do" (back to Ready) before the deadline: stopped early; Park well before
    the deadline: abandoned; anything else, on time: completed.
    """
    until = run.paused_at or now
    slack = grace(run, minute)
    if until > run.deadline + slack:
        return Outcome.OVERRAN
    if then is State.DONE:
        return Outcome.COMPLETED
    if then is State.READY:
        return Outcome.STOPPED_EARLY if until < run.deadline else Outcome.COMPLETED
    return Outcome.ABANDONED if until < run.deadline - slack else Outcome.COMPLETED


class ThreadFields(TypedDict, total=False):
    """What a person chooses for a thread besides its kind and title, when making or editing it
    (each left out takes `Thread`'s default)."""

    notes: str
    quantum: int
    energy_band: str
    estimate: int
    parent_id: str | None


class Thread(Document):
    id: str = Field(default_factory=new_id)
    owner: str = Field(min_length=1)
    kind: Kind
    title: str = Field(min_length=1, max_length=TITLE_MAX)
    notes: str = Field(default="", max_length=NOTES_MAX)
    quantum: int = Field(default=DEFAULT_QUANTUM, ge=MIN_QUANTUM, le=MAX_QUANTUM)
    energy_band: str = Field(default="deep", min_length=1, max_length=40)
    estimate: int = Field(default=1, ge=1, le=MAX_ESTIMATE)
    state: State = State.READY
    parent_id: str | None = None
    sprint_id: str | None = None
    blocked_by: list[str] = Field(default_factory=list)
    blocked_note: str = Field(default="", max_length=2000)
    # "Where I stopped", left when the person ended the day; shown until a later quantum ends.
    stopped_note: str = Field(default="", max_length=STOPPED_NOTE_MAX)
    stopped_note_at: Timestamp | None = None
    archived: bool = False
    created_at: Timestamp = Field(default_factory=utcnow)
    updated_at: Timestamp = Field(default_factory=utcnow)
    started_at: Timestamp | None = None
    completed_at: Timestamp | None = None
    run: Run | None = None
    sessions: list[Session] = Field(default_factory=list)
    version: int = 0

    @field_validator("title", "notes")
    @classmethod
    def _strip(cls, value: str, info: ValidationInfo) -> str:
        # Python's notion of whitespace (which Django's forms share), not only pydantic's: a title
        # of nothing but separators like U+001F would otherwise pass as "not empty".
        value = value.strip()
        if info.field_name == "title" and not value:
            raise ValueError("This can't be empty.")
        return value

    @field_validator("quantum", mode="before")
    @classmethod
    def _quantum_message(cls, value: object) -> object:
        if isinstance(value, int) and not isinstance(value, bool) and not MIN_QUANTUM <= value <= MAX_QUANTUM:
            raise ValueError(f"A quantum is {MIN_QUANTUM} to {MAX_QUANTUM} minutes.")
        return value

    @model_validator(mode="after")
    def _shape(self) -> Thread:
        if self.kind is Kind.SAGA and self.parent_id is not None:
            raise ValueError("A saga is top-level: it can't sit inside another saga.")
        if self.kind is Kind.STORY and not self.parent_id:
            raise ValueError("A story belongs to a saga: choose one.")
        if self.parent_id is not None and self.parent_id == self.id:
            raise ValueError("A thread can't be its own saga.")
        if self.state is State.RUNNING and self.run is None:
            raise ValueError("A running thread needs a running quantum.")
        if self.state is not State.RUNNING and self.run is not None:
            raise ValueError("Only a running thread has a running quantum.")
        if self.state is State.BLOCKED and not (self.blocked_by or self.blocked_note):
            raise ValueError("Say what blocks it: other threads, a note, or both.")
        if self.archived and self.state is not State.DONE:
            raise ValueError("Only a done thread can be archived.")
        if self.id in self.blocked_by:
            raise ValueError("A thread can't block itself.")
        return self

    # --- construction -----------------------------------------------------------------------------
    # A title that shows nothing is checked where threads are made and edited, not in the model's
    # validators: a thread stored before this rule must still load.
    @classmethod
    def new(cls, **values: object) -> Thread:
        thread = validated(cls, **values)
        check_visible(title=thread.title)
        return thread

    def edit(self, now: datetime | None = None, **changes: object) -> Thread:
        """A person's edit: a copy with these fields changed, validated as a whole; the original is
        untouched. An archived thread is read-only until it is unarchived."""
        check_editable(changes, {"title", "sprint_id", *ThreadFields.__optional_keys__})
        self._refuse_if_archived("edit")
        edited = self._copy(now, **changes)
        if "title" in changes:
            check_visible(title=edited.title)
        return edited

    # Bookkeeping that follows another document (a sprint deleted or closed, a band removed):
    # archived threads follow it too.
    def in_sprint(self, sprint_id: str | None, now: datetime | None = None) -> Thread:
        """A copy in sprint `sprint_id` (None: the backlog)."""
        return self._copy(now, sprint_id=sprint_id)

    def leave_note(self, note: str, now: datetime | None = None) -> None:
        """Leave a one-line "where I stopped" note (the day's end), for the next time it is started."""
        note = " ".join(note.split())
        if is_blank(note):
            raise InvalidValue({"note": "Write a line on where you stopped."})
        if len(note) > STOPPED_NOTE_MAX:
            raise InvalidValue({"note": f"Keep it to one line of {STOPPED_NOTE_MAX} characters or fewer."})
        self.stopped_note = note
        self.stopped_note_at = now or utcnow()
        self.updated_at = self.stopped_note_at

    @property
    def actual_quanta(self) -> int:
        """What it actually took, in quanta: its recorded sessions."""
        return len(self.sessions)

    @property
    def over_estimate(self) -> int:
        """Quanta taken beyond the estimate (0 within it)."""
        return max(0, self.actual_quanta - self.estimate)

    @property
    def actual_minutes(self) -> int:
        return round(sum(s.actual_minutes for s in self.sessions))

    @property
    def where_stopped(self) -> str:
        """The "where I stopped" note while it still matters: until a quantum started after it ends."""
        if not self.stopped_note or self.stopped_note_at is None:
            return ""
        at = self.stopped_note_at
        return "" if any(s.started_at > at for s in self.sessions) else self.stopped_note

    def in_band(self, band_id: str, now: datetime | None = None) -> Thread:
        """A copy in energy band `band_id`."""
        return self._copy(now, energy_band=band_id)

    def _copy(self, now: datetime | None, **changes: object) -> Thread:
        data = self.model_dump() | changes | {"updated_at": now or utcnow()}
        return validated(Thread, **data)

    # --- transitions ------------------------------------------------------------------------------
    @property
    def label(self) -> str:
        return self.kind.label

    @property
    def actions(self) -> tuple[str, ...]:
        if self.archived:
            return ("unarchive",)
        if self.kind is Kind.SAGA:
            return tuple(a for a in ACTIONS[self.state] if a not in ("start", "stop"))
        return ACTIONS[self.state]

    def _refuse_if_archived(self, verb: str) -> None:
        if self.archived:
            raise IllegalTransition(f"“{self.title}” is archived: unarchive it before you {verb} it.")

    def _move(self, target: State, verb: str, now: datetime) -> None:
        self._refuse_if_archived(verb)
        if target not in ALLOWED[self.state]:
            raise IllegalTransition(self._why_not(target, verb))
        self.state = target
        self.updated_at = now

    def _why_not(self, target: State, verb: str) -> str:
        name = f"“{self.title}”"
        if self.state is target:
            return f"{name} is already {self.state.label}."
        if self.state is State.DONE:
            return f"{name} is Done: reopen it before you {verb} it."
        if target is State.RUNNING:
            return f"{name} is {self.state.label}: only a Ready {self.kind.value} can be started."
        return f"{name} is {self.state.label}: it can't be {verb}ed from there."

    def _end_run(self, now: datetime, outcome: Outcome | None = None) -> Session | None:
        if self.run is None:
            return None
        run = self.run
        until = run.paused_at or now
        worked = run.worked(now).total_seconds()
        if outcome is None:
            outcome = Outcome.OVERRAN if until > run.deadline else Outcome.STOPPED_EARLY
        session = Session(
            started_at=run.started_at,
            ended_at=until,
            planned_minutes=run.planned_minutes,
            actual_minutes=round(worked / 60, 2),
            outcome=outcome,
            energy_band=self.energy_band,
        )
        self.sessions = [*self.sessions, session]
        self.run = None
        return session

    def begin_quantum(self, run: Run, now: datetime) -> None:
        """Enter Running with `run` (timers/quantum.py makes the run and owns what happens to it)."""
        if self.kind is Kind.SAGA:
            raise IllegalTransition("A saga isn't worked on directly: start one of its stories or tasks.")
        self._refuse_if_archived("start")
        if self.state is not State.READY:
            raise IllegalTransition(self._why_not(State.RUNNING, "start"))
        self.run = run
        self.state = State.RUNNING
        self.started_at = self.started_at or now
        self.updated_at = now

    def end_quantum(self, now: datetime, *, then: State = State.READY, outcome: Outcome | None = None) -> Session:
        """End the running quantum, record it as a session, and move to `then`."""
        if self.state is not State.RUNNING or self.run is None:
            raise IllegalTransition(f"“{self.title}” has no running quantum to stop.")
        if then not in (State.READY, State.PARKED, State.DONE):
            raise IllegalTransition("After a quantum a thread is Ready again, Parked or Done.")
        session = self._end_run(now, outcome)
        assert session is not None
        self.state = then
        if then is State.DONE:
            self.completed_at = now
        self.updated_at = now
        return session

    def park(self, now: datetime | None = None) -> None:
        now = now or utcnow()
        self._refuse_if_archived("park")
        if self.state is State.RUNNING and self.run is not None:
            # Park ends the quantum at once, recorded as the Stop… menu's "Park it" would.
            self.end_quantum(now, then=State.PARKED, outcome=outcome_of(self.run, now, State.PARKED))
            return
        self._move(State.PARKED, "park", now)

    def _ready_again(self, came_from: State, verb: str, refusal: str, now: datetime | None) -> None:
        """Back to Ready, from `came_from` only; otherwise refused with the title and `refusal`."""
        self._refuse_if_archived(verb)
        if self.state is not came_from:
            raise IllegalTransition(f"“{self.title}” {refusal}")
        self._move(State.READY, verb, now or utcnow())

    def unpark(self, now: datetime | None = None) -> None:
        self._ready_again(State.PARKED, "unpark", "isn't parked, so there's nothing to unpark.", now)

    def block(
        self,
        now: datetime | None = None,
        *,
        blocked_by: list[str] | None = None,
        note: str = "",
        others: Mapping[str, Thread] | None = None,
    ) -> None:
        """Blocked by these threads and/or a note. `others` (the person's threads by id) lets the
        block be checked for a cycle: a thread can't wait, however indirectly, on itself."""
        now = now or utcnow()
        self._refuse_if_archived("block")
        blocked_by = list(dict.fromkeys(blocked_by or []))
        note = note.strip()
        if not blocked_by and not note:
            raise InvalidValue({"blocked_by": "Say what blocks it: choose threads, write a note, or both."})
        if self.id in blocked_by:
            raise InvalidValue({"blocked_by": "A thread can't block itself."})
        cycle = blocking_cycle(self, blocked_by, others or {})
        if cycle:
            chain = " → ".join(f"“{t.title}”" for t in cycle)
            raise InvalidValue({"blocked_by": f"That would make a circle of blocks: {chain}. Take one of them out."})
        if len(note) > 2000:
            raise InvalidValue({"blocked_note": "Keep the note to 2000 characters or fewer."})
        if self.state is State.RUNNING:
            self._end_run(now)
        self._move(State.BLOCKED, "block", now)
        self.blocked_by = blocked_by
        self.blocked_note = note

    def unblock(self, now: datetime | None = None) -> None:
        self._ready_again(State.BLOCKED, "unblock", "isn't blocked.", now)
        self.blocked_by = []
        self.blocked_note = ""

    def finish(self, now: datetime | None = None) -> None:
        now = now or utcnow()
        self._refuse_if_archived("finish")
        if self.state is State.RUNNING:
            self.end_quantum(now, outcome=Outcome.COMPLETED, then=State.DONE)
            return
        self._move(State.DONE, "finish", now)
        self.blocked_by = []
        self.blocked_note = ""
        self.completed_at = now

    def reopen(self, now: datetime | None = None) -> None:
        self._ready_again(State.DONE, "reopen", "isn't done, so there's nothing to reopen.", now)
        self.completed_at = None

    def archive(self, now: datetime | None = None) -> None:
        now = now or utcnow()
        if self.archived:
            raise IllegalTransition(f"“{self.title}” is already archived.")
        if self.state is not State.DONE:
            raise IllegalTransition(f"“{self.title}” is {self.state.label}: only Done threads can be archived.")
        self.archived = True
        self.updated_at = now

    def unarchive(self, now: datetime | None = None) -> None:
        if not self.archived:
            raise IllegalTransition(f"“{self.title}” isn't archived.")
        self.archived = False
        self.updated_at = now or utcnow()


def counting(threads: Iterable[Thread]) -> list[Thread]:
    """The quanta counting down: running and not paused. The rule is one at a time per person;
    any number of others may be paused, each keeping its time left."""
    return [t for t in threads if t.state is State.RUNNING and t.run is not None and t.run.paused_at is None]


def blocking_cycle(thread: Thread, blocked_by: list[str], others: Mapping[str, Thread]) -> list[Thread]:
    """The chain `thread` → a blocker → … → `thread` that blocking it by `blocked_by` would close,
    each blocked by the next; empty when there is none."""
    # Depth first without recursion: a person's chain of blocks may be longer than Python's stack.
    came_from: dict[str, str] = {b: thread.id for b in blocked_by}
    stack = list(reversed(blocked_by))
    while stack:
        current_id = stack.pop()
        if current_id == thread.id:
            chain = [thread.id]
            step = came_from[thread.id]
            while step != thread.id:
                chain.append(step)
                step = came_from[step]
            chain.append(thread.id)
            chain.reverse()
            by_id = {**others, thread.id: thread}
            return [by_id[i] for i in chain]
        current = others.get(current_id)
        if current is None:
            continue
        for next_id in reversed(current.blocked_by):
            if next_id not in came_from:
                came_from[next_id] = current_id
                stack.append(next_id)
    return []


# --- Energy bands ---------------------------------------------------------------------------------
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(name: str) -> str:
    return _SLUG.sub("-", name.casefold()).strip("-") or "band"


class EnergyBand(Document):
    id: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=40)
    colour: str = "#64748b"
    # At most this many focused minutes a day in this band; None: no cap.
    daily_cap: int | None = None

    @field_validator("daily_cap")
    @classmethod
    def _daily_cap(cls, value: int | None) -> int | None:
        if value is not None and not 1 <= value <= MAX_DAILY_CAP:
            raise ValueError(f"A daily cap is 1 to {MAX_DAILY_CAP} minutes, or empty for no cap.")
        return value

    @field_validator("colour")
    @classmethod
    def _colour(cls, value: str) -> str:
        if not _COLOUR.match(value):
            raise ValueError("A colour is written #rrggbb, for example #4f46e5.")
        return value.lower()


class Keep(Enum):
    """A keyword's "leave it as it is" (where None is a value of its own)."""

    KEEP = "keep"


KEEP = Keep.KEEP


DEFAULT_BANDS = (
    EnergyBand(id="deep", name="Deep", colour="#4f46e5"),
    EnergyBand(id="moderate", name="Moderate", colour="#0891b2"),
    EnergyBand(id="light", name="Light", colour="#16a34a"),
)

Capacity = Annotated[int, Field(ge=0, le=50)]


class Profile(Document):
    """A person's settings: energy bands, daily capacity in quanta per band, and the time zone
    their days are counted in. `id` is the owner."""

    id: str = Field(min_length=1)
    owner: str = Field(min_length=1)
    time_zone: str = "UTC"
    bands: list[EnergyBand] = Field(default_factory=lambda: [b.model_copy() for b in DEFAULT_BANDS])
    capacity: dict[str, Capacity] = Field(default_factory=dict)
    updated_at: Timestamp = Field(default_factory=utcnow)
    version: int = 0

    @field_validator("time_zone")
    @classmethod
    def _time_zone(cls, value: str) -> str:
        if value not in time_zone_names():
            raise ValueError(f"“{value[:60]}” isn't a time zone we know: pick one from the list, e.g. Europe/Berlin.")
        return value

    @property
    def zone(self) -> tzinfo:
        return zone_of(self.time_zone)

    def set_time_zone(self, name: str) -> None:
        validated(Profile, **(self.model_dump() | {"time_zone": name}))
        self.time_zone = name
        self.updated_at = utcnow()

    @model_validator(mode="after")
    def _bands(self) -> Profile:
        if not self.bands:
            raise ValueError("Keep at least one energy band.")
        ids = [b.id for b in self.bands]
        if len(set(ids)) != len(ids):
            raise ValueError("Two energy bands can't share a name.")
        names = [b.name.casefold() for b in self.bands]
        if len(set(names)) != len(names):
            raise ValueError("Two energy bands can't share a name.")
        return self

    @classmethod
    def default(cls, owner: str) -> Profile:
        return cls(id=owner, owner=owner)

    def band(self, band_id: str) -> EnergyBand | None:
        return next((b for b in self.bands if b.id == band_id), None)

    def band_or_first(self, band_id: str) -> EnergyBand:
        return self.band(band_id) or self.bands[0]

    def _replace(self, bands: list[EnergyBand]) -> None:
        # Check the whole profile first: a failed assignment must leave the profile as it was.
        validated(Profile, **(self.model_dump() | {"bands": [b.model_dump() for b in bands]}))
        self.bands = bands
        self.updated_at = utcnow()

    def add_band(self, name: str, colour: str = "#64748b", daily_cap: int | None = None) -> EnergyBand:
        name = name.strip()
        check_visible(name=name)
        base = slugify(name)
        band_id, n = base, 2
        while self.band(band_id):
            band_id, n = f"{base}-{n}", n + 1
        band = validated(EnergyBand, id=band_id, name=name, colour=colour, daily_cap=daily_cap)
        self._replace([*self.bands, band])
        return band

    def change_band(
        self,
        band_id: str,
        *,
        name: str | None = None,
        colour: str | None = None,
        daily_cap: int | None | Keep = KEEP,
    ) -> EnergyBand:
        """Rename, recolour and/or set the daily cap (None: no cap; KEEP, the default: as it is)."""
        band = self.band(band_id)
        if band is None:
            raise DomainError("There's no such energy band.")
        if name is not None:
            check_visible(name=name)
        changed = validated(
            EnergyBand,
            id=band.id,
            name=band.name if name is None else name,
            colour=colour or band.colour,
            daily_cap=band.daily_cap if isinstance(daily_cap, Keep) else daily_cap,
        )
        self._replace([changed if b.id == band_id else b for b in self.bands])
        return changed

    def remove_band(self, band_id: str) -> None:
        if self.band(band_id) is None:
            raise DomainError("There's no such energy band.")
        if len(self.bands) == 1:
            raise DomainError("Keep at least one energy band.")
        self._replace([b for b in self.bands if b.id != band_id])
        self.capacity = {k: v for k, v in self.capacity.items() if k != band_id}
