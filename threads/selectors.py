"""Reads for the thread pages: what the board, the archive and the detail page show."""

from __future__ import annotations

from dataclasses import dataclass, field

from parallel_you.domain import NotFound
from parallel_you.repo import FilterSpec, Repo
from threads.domain import BOARD_STATES, Kind, Profile, State, Thread


def thread_filter(
    *,
    owner: str,
    kind: Kind | None = None,
    states: list[State] | None = None,
    parent_id: str | None = None,
    top_level: bool = False,
    sprint_id: str | None = None,
    energy_band: str | None = None,
    archived: bool | None = False,
    text: str = "",
    order_by: tuple[str, ...] = ("created_at",),
    limit: int | None = None,
) -> FilterSpec:
    """The FilterSpec for a thread query in the domain's words."""
    equals: dict[str, str | bool | None] = {}
    if kind is not None:
        equals["kind"] = kind.value
    if parent_id is not None:
        equals["parent_id"] = parent_id
    elif top_level:
        equals["parent_id"] = None
    if sprint_id is not None:
        equals["sprint_id"] = sprint_id
    if energy_band:
        equals["energy_band"] = energy_band
    if archived is not None:
        equals["archived"] = archived
    one_of = {"state": [s.value for s in states]} if states else {}
    return FilterSpec(
        owner=owner,
        equals=equals,
        one_of=one_of,
        contains=("title", text) if text.strip() else None,
        order_by=order_by,
        limit=limit,
    )


def thread_get(*, repo: Repo[Thread], owner: str, thread_id: str) -> Thread:
    """The thread, if it exists and is this person's; otherwise NotFound (a 404 for a view)."""
    thread = repo.get(thread_id)
    if thread is None or thread.owner != owner:
        raise NotFound("There's no such thread.")
    return thread


def profile_get(*, repo: Repo[Profile], owner: str) -> Profile:
    return repo.get(owner) or Profile.default(owner)


@dataclass
class Board:
    """The board: threads by state, sagas for the filter and the card labels."""

    columns: dict[State, list[Thread]]
    sagas: list[Thread]
    saga_titles: dict[str, str]
    blockers: dict[str, Thread] = field(default_factory=dict)
    total: int = 0

    @property
    def empty(self) -> bool:
        return self.total == 0


def board_get(
    *,
    repo: Repo[Thread],
    owner: str,
    saga_id: str | None = None,
    energy_band: str | None = None,
    text: str = "",
    sprint_id: str | None = None,
) -> Board:
    live = repo.list(thread_filter(owner=owner))
    by_id = {t.id: t for t in live}

    def lookup(thread_id: str) -> Thread | None:
        # Archived blockers and sagas are few: fetch them one by one rather than list the archive.
        if thread_id not in by_id:
            found = repo.get(thread_id)
            if found is not None and found.owner == owner:
                by_id[thread_id] = found
        return by_id.get(thread_id)

    sagas = [t for t in live if t.kind is Kind.SAGA]
    shown = live
    if saga_id:
        shown = [t for t in shown if t.id == saga_id or t.parent_id == saga_id]
    if energy_band:
        shown = [t for t in shown if t.energy_band == energy_band]
    if text.strip():
        needle = text.strip().casefold()
        shown = [t for t in shown if needle in t.title.casefold()]
    if sprint_id:
        shown = [t for t in shown if t.sprint_id == sprint_id]
    columns: dict[State, list[Thread]] = {state: [] for state in BOARD_STATES}
    for thread in shown:
        columns[thread.state].append(thread)
    blockers = {b: found for t in shown for b in t.blocked_by if (found := lookup(b)) is not None}
    saga_titles = {s.id: s.title for s in sagas}
    for t in shown:
        if t.parent_id and t.parent_id not in saga_titles and (parent := lookup(t.parent_id)) is not None:
            saga_titles[parent.id] = parent.title
    return Board(
        columns=columns,
        sagas=sagas,
        saga_titles=saga_titles,
        blockers=blockers,
        total=len(live),
    )
