"""Reads for the sprint pages: the list, the planning page, the sprint board, the burndown."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol, TypedDict

from parallel_you.domain import NotFound, day_of, today_in
from parallel_you.repo import FilterSpec, Repo
from sprints.domain import (
    BandRecord,
    Burndown,
    BurnItem,
    CapacityRow,
    Sprint,
    SprintState,
    burn_items,
    burndown,
    capacity_from_history,
    capacity_rows,
    closed_burn_items,
    estimate_record,
    starting_capacity,
    typical_quantum,
)
from threads.domain import EnergyBand, Kind, Profile, State, Thread
from threads.selectors import profile_get, thread_filter

BACKLOG_STATES = (State.READY, State.RUNNING, State.PARKED, State.BLOCKED)


class Stores(Protocol):
    threads: Repo[Thread]
    sprints: Repo[Sprint]
    profiles: Repo[Profile]


class Reads(TypedDict):
    """What the planning and burndown selectors read, by their parameter names."""

    repo: Repo[Sprint]
    threads: Repo[Thread]
    profiles: Repo[Profile]
    owner: str


def reads_of(stores: Stores, owner: str) -> Reads:
    """`planning_get(**reads_of(adapters, owner), sprint_id=...)`: the person's sprints, threads, profile."""
    return Reads(repo=stores.sprints, threads=stores.threads, profiles=stores.profiles, owner=owner)


def sprint_filter(*, owner: str, state: SprintState | None = None) -> FilterSpec:
    equals = {"state": state.value} if state is not None else {}
    return FilterSpec(owner=owner, equals=equals, order_by=("start", "created_at"))


def sprint_get(*, repo: Repo[Sprint], owner: str, sprint_id: str) -> Sprint:
    """The sprint, if it exists and is this person's; otherwise NotFound (a 404 for a view)."""
    sprint = repo.get(sprint_id)
    if sprint is None or sprint.owner != owner:
        raise NotFound("There's no such sprint.")
    return sprint


def sprint_list(*, repo: Repo[Sprint], owner: str, state: SprintState | None = None) -> list[Sprint]:
    return repo.list(sprint_filter(owner=owner, state=state))


def sprint_active(*, repo: Repo[Sprint], owner: str) -> Sprint | None:
    active = sprint_list(repo=repo, owner=owner, state=SprintState.ACTIVE)
    return active[0] if active else None


@dataclass
class SprintIndex:
    active: Sprint | None
    planned: list[Sprint]
    closed: list[Sprint]

    @property
    def empty(self) -> bool:
        return self.active is None and not self.planned and not self.closed


def sprint_index(*, repo: Repo[Sprint], owner: str) -> SprintIndex:
    sprints = sprint_list(repo=repo, owner=owner)
    return SprintIndex(
        active=next((s for s in sprints if s.state is SprintState.ACTIVE), None),
        planned=[s for s in sprints if s.state is SprintState.PLANNED],
        closed=sorted((s for s in sprints if s.state is SprintState.CLOSED), key=lambda s: s.start, reverse=True),
    )


def capacity_suggestion(
    *, threads: Repo[Thread], profiles: Repo[Profile], owner: str, now: datetime | None = None
) -> dict[str, int]:
    """Quanta a day per band for a new sprint: from the session history once there is one, its
    days counted in the person's time zone."""
    profile = profile_get(repo=profiles, owner=owner)
    sessions = [s for t in threads.list(thread_filter(owner=owner, archived=None)) for s in t.sessions]
    today = today_in(profile.zone, now)
    history = capacity_from_history(sessions, profile.bands, today=today, zone=profile.zone)
    return starting_capacity(profile.bands, profile.capacity, history)


def members_of(*, threads: Repo[Thread], sprint: Sprint) -> list[Thread]:
    """The sprint's stories and tasks in planned order (ids that vanished are skipped)."""
    found = [threads.get(m) for m in sprint.members]
    return [t for t in found if t is not None and t.owner == sprint.owner]


@dataclass
class Item:
    """A story or task as the planning page shows it, with what blocks it."""

    thread: Thread
    saga_title: str = ""
    blockers: list[Thread] = field(default_factory=list)
    outside: list[Thread] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.thread.id


@dataclass
class BacklogGroup:
    saga: Thread | None
    items: list[Item]

    @property
    def title(self) -> str:
        return self.saga.title if self.saga else "Tasks outside any saga"


@dataclass
class Planning:
    sprint: Sprint
    items: list[Item]
    backlog: list[BacklogGroup]
    backlog_total: int
    capacity: list[CapacityRow]
    bands: list[EnergyBand]
    band: str
    state: str
    planned_sprints: list[Sprint]
    # Estimates against actuals per band in the last closed sprints, and the capacity they propose.
    record: list[BandRecord] = field(default_factory=list)

    @property
    def proposed_capacity(self) -> list[tuple[str, int]]:
        """(band id, quanta a day) for every band: the record's proposal, else the sprint's own."""
        proposed = {r.band.id: r.proposed for r in self.record}
        return [(b.id, proposed.get(b.id, self.sprint.capacity.get(b.id, 0))) for b in self.bands]

    @property
    def over(self) -> list[CapacityRow]:
        return [r for r in self.capacity if r.over]

    @property
    def state_choices(self) -> list[tuple[str, str]]:
        return [(s.value, s.label) for s in BACKLOG_STATES]


def planning_get(
    *,
    repo: Repo[Sprint],
    threads: Repo[Thread],
    profiles: Repo[Profile],
    owner: str,
    sprint_id: str,
    band: str = "",
    state: str = "",
) -> Planning:
    sprint = sprint_get(repo=repo, owner=owner, sprint_id=sprint_id)
    profile = profile_get(repo=profiles, owner=owner)
    live = threads.list(thread_filter(owner=owner))
    by_id = {t.id: t for t in live}

    def lookup(thread_id: str) -> Thread | None:
        if thread_id not in by_id:
            found = threads.get(thread_id)
            if found is not None and found.owner == owner:
                by_id[thread_id] = found
        return by_id.get(thread_id)

    saga_titles = {t.id: t.title for t in live if t.kind is Kind.SAGA}
    member_ids = set(sprint.members)

    def item(thread: Thread) -> Item:
        blockers = [b for b in (lookup(i) for i in thread.blocked_by) if b is not None]
        outside = [b for b in blockers if b.state is not State.DONE and b.id not in member_ids]
        return Item(
            thread=thread, saga_title=saga_titles.get(thread.parent_id or "", ""), blockers=blockers, outside=outside
        )

    members = [t for t in (lookup(m) for m in sprint.members) if t is not None]
    valid_state = state if state in {s.value for s in BACKLOG_STATES} else ""
    valid_band = band if profile.band(band) is not None else ""
    candidates = [
        t
        for t in live
        if t.kind is not Kind.SAGA
        and t.sprint_id is None
        and t.state in BACKLOG_STATES
        and (not valid_band or t.energy_band == valid_band)
        and (not valid_state or t.state.value == valid_state)
    ]
    groups: dict[str | None, list[Item]] = {}
    for t in candidates:
        groups.setdefault(t.parent_id, []).append(item(t))
    backlog = [BacklogGroup(saga=by_id.get(k) if k else None, items=v) for k, v in groups.items()]
    backlog.sort(key=lambda g: (g.saga is None, g.title.casefold()))
    planned_sprints = [s for s in sprint_list(repo=repo, owner=owner, state=SprintState.PLANNED) if s.id != sprint.id]
    return Planning(
        sprint=sprint,
        items=[item(t) for t in members],
        backlog=backlog,
        backlog_total=len(candidates),
        capacity=capacity_rows(profile.bands, sprint, members),
        bands=profile.bands,
        band=valid_band,
        state=valid_state,
        planned_sprints=planned_sprints,
        record=estimate_record(
            profile.bands,
            sprint_list(repo=repo, owner=owner, state=SprintState.CLOSED),
            quanta={b.id: typical_quantum(live, b.id) for b in profile.bands},
        ),
    )


@dataclass
class BandBurndown:
    band: EnergyBand
    chart: Burndown


@dataclass
class Burndowns:
    sprint: Sprint
    overall: Burndown
    bands: list[BandBurndown]


def burndown_get(
    *,
    repo: Repo[Sprint],
    threads: Repo[Thread],
    profiles: Repo[Profile],
    owner: str,
    sprint_id: str,
    now: datetime | None = None,
) -> Burndowns:
    """Remaining quanta per day against the ideal line, overall and for each band that holds work.
    Days (today, the day each item was done) are the person's, in their profile's time zone."""
    sprint = sprint_get(repo=repo, owner=owner, sprint_id=sprint_id)
    profile = profile_get(repo=profiles, owner=owner)
    zone = profile.zone
    day: date | None = today_in(zone, now)
    if sprint.closing is not None:
        closing = sprint.closing

        def items(band: str | None = None) -> list[BurnItem]:
            return closed_burn_items(closing, band, zone)

        used = {i.energy_band for i in closing.items}
    else:
        members = members_of(threads=threads, sprint=sprint)

        def items(band: str | None = None) -> list[BurnItem]:
            return burn_items(members, band, zone)

        used = {t.energy_band for t in members}
    if sprint.state is SprintState.PLANNED:
        day = None
    elif sprint.closed_at is not None and day is not None:
        day = min(day, day_of(sprint.closed_at, zone))
    bands = [b for b in profile.bands if b.id in used] + [
        EnergyBand(id=b, name=b) for b in sorted(used) if profile.band(b) is None
    ]
    return Burndowns(
        sprint=sprint,
        overall=burndown(items(), start=sprint.start, end=sprint.end, today=day),
        bands=[
            BandBurndown(band=b, chart=burndown(items(b.id), start=sprint.start, end=sprint.end, today=day))
            for b in bands
        ],
    )
