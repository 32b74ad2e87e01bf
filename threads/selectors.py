"""Reads for the thread pages: what the board, the archive and the detail page show."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from parallel_you.domain import NotFound
from parallel_you.repo import FilterSpec, Repo
from threads.domain import BOARD_STATES, EnergyBand, Kind, Profile, State, Thread


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


def card_context(
    *, repo: Repo[Thread], owner: str, threads: list[Thread], profile: Profile, live: list[Thread] | None = None
) -> dict[str, Any]:
    """What `threads/_card.html` needs besides the thread, for any list of this person's threads.

    The sprint board calls this too: pass its threads and the person's profile, and merge the
    result into the template context.
    """
    cache: dict[str, Thread | None] = {}

    def lookup(thread_id: str) -> Thread | None:
        if thread_id not in cache:
            found = repo.get(thread_id)
            cache[thread_id] = found if found is not None and found.owner == owner else None
        return cache[thread_id]

    for thread in threads:
        cache[thread.id] = thread
    blockers = {b: found for t in threads for b in t.blocked_by if (found := lookup(b)) is not None}
    saga_titles = {
        t.parent_id: parent.title for t in threads if t.parent_id and (parent := lookup(t.parent_id)) is not None
    }
    ready_to_unblock = {
        t.id
        for t in threads
        if t.state is State.BLOCKED
        and t.blocked_by
        and all(blockers.get(b) is None or blockers[b].state is State.DONE for b in t.blocked_by)
    }
    sagas = [t for t in threads if t.kind is Kind.SAGA]
    saga_progress: dict[str, tuple[int, int]] = {}
    if sagas:
        # The live children come from `live` when the caller has the whole live set (the board
        # does); archived children are fetched by saga id through the indexes.
        saga_ids = [s.id for s in sagas]
        live_children = (
            live
            if live is not None
            else repo.list(FilterSpec(owner=owner, equals={"archived": False}, one_of={"parent_id": saga_ids}))
        )
        archived = repo.list(FilterSpec(owner=owner, equals={"archived": True}, one_of={"parent_id": saga_ids}))
        children = {t.id: t for t in (*live_children, *archived)}
        counts: dict[str, list[int]] = {saga_id: [0, 0] for saga_id in saga_ids}
        for child in children.values():
            if child.parent_id in counts:
                counts[child.parent_id][1] += 1
                counts[child.parent_id][0] += child.state is State.DONE
        saga_progress = {saga_id: (done, total) for saga_id, (done, total) in counts.items()}
    bands = {b.id: b for b in profile.bands}
    return {
        "bands": bands,
        "saga_titles": saga_titles,
        "blockers": blockers,
        "ready_to_unblock": ready_to_unblock,
        "saga_progress": saga_progress,
        "card_keys": CardKeys(
            bands, saga_titles, blockers, ready_to_unblock, saga_progress, {t.id: t for t in threads}
        ),
    }


class CardKeys:
    """`{thread id: card_key(...)}`, computed for a card only when it is rendered (a board shows the
    first cards of each column, not every thread it loaded)."""

    def __init__(
        self,
        bands: dict[str, EnergyBand],
        saga_titles: dict[str, str],
        blockers: dict[str, Thread],
        ready_to_unblock: set[str],
        saga_progress: dict[str, tuple[int, int]],
        threads: dict[str, Thread],
    ) -> None:
        self._inputs = (bands, saga_titles, blockers, ready_to_unblock, saga_progress)
        self._threads = threads
        self._keys: dict[str, str] = {}

    def get(self, thread_id: str, default: str | None = None) -> str | None:
        thread = self._threads.get(thread_id)
        if thread is None:
            return default
        if thread_id not in self._keys:
            self._keys[thread_id] = card_key(thread, *self._inputs)
        return self._keys[thread_id]

    def __getitem__(self, thread_id: str) -> str:
        key = self.get(thread_id)
        if key is None:
            raise KeyError(thread_id)
        return key

    def __bool__(self) -> bool:
        return bool(self._threads)


def card_key(
    thread: Thread,
    bands: dict[str, EnergyBand],
    saga_titles: dict[str, str],
    blockers: dict[str, Thread],
    ready_to_unblock: set[str],
    saga_progress: dict[str, tuple[int, int]],
) -> str:
    """Everything a card shows, as one string: the rendered card is cached under it. Every write
    bumps a thread's version, so a changed thread, band, saga title or blocker changes the key."""
    band = bands.get(thread.energy_band)
    parts = [
        thread.version,
        thread.updated_at.isoformat(),
        (band.name, band.colour) if band else None,
        saga_titles.get(thread.parent_id or ""),
        [(b, found.title, found.state.value, found.version) for b in thread.blocked_by if (found := blockers.get(b))],
        thread.id in ready_to_unblock,
        saga_progress.get(thread.id),
    ]
    return repr(parts)


@dataclass
class Board:
    """The board: threads by state, sagas for the filter, and what the cards need."""

    columns: dict[State, list[Thread]]
    sagas: list[Thread]
    cards: dict[str, Any] = field(default_factory=dict)
    total: int = 0
    shown: int = 0
    # What is running or paused, whatever the filters: the board's "Now" strip.
    now: list[Thread] = field(default_factory=list)
    # The sagas whose lanes the board shows: shown themselves or holding a shown thread.
    lane_sagas: list[Thread] = field(default_factory=list)

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
    profile: Profile | None = None,
) -> Board:
    """The person's live (unarchived) threads by state, filtered by saga, energy band and text."""
    live = repo.list(thread_filter(owner=owner))
    sagas = [t for t in live if t.kind is Kind.SAGA]
    shown = live
    if saga_id:
        shown = [t for t in shown if t.id == saga_id or t.parent_id == saga_id]
    if energy_band:
        shown = [t for t in shown if t.energy_band == energy_band]
    if text.strip():
        needle = text.strip().casefold()
        shown = [t for t in shown if needle in t.title.casefold() or needle in t.notes.casefold()]
    if sprint_id:
        shown = [t for t in shown if t.sprint_id == sprint_id]
    columns: dict[State, list[Thread]] = {state: [] for state in BOARD_STATES}
    for thread in shown:
        columns[thread.state].append(thread)
    now = [t for t in live if t.state is State.RUNNING]
    parents = {t.parent_id for t in shown}
    shown_ids = {t.id for t in shown}
    lane_sagas = [s for s in sagas if s.id in shown_ids or s.id in parents]
    extra = {t.id: t for t in (*now, *lane_sagas) if t.id not in shown_ids}
    cards = card_context(
        repo=repo, owner=owner, threads=[*shown, *extra.values()], profile=profile or Profile.default(owner), live=live
    )
    return Board(
        columns=columns,
        sagas=sagas,
        cards=cards,
        total=len(live),
        shown=len(shown),
        now=now,
        lane_sagas=lane_sagas,
    )


# The states a lane shows: Running is in the board's "Now" strip.
LANE_STATES = (State.READY, State.PARKED, State.BLOCKED, State.DONE)
NO_SAGA = "none"


@dataclass
class Lane:
    """One saga's stories by state (or, with no saga, the tasks and stories outside any)."""

    key: str
    saga: Thread | None
    columns: list[tuple[State, list[Thread], int]]
    progress: tuple[int, int] | None = None
    open: bool = True

    @property
    def total(self) -> int:
        return sum(total for _, _, total in self.columns)

    @property
    def hidden(self) -> int:
        return sum(total - len(shown) for _, shown, total in self.columns)

    @property
    def shown(self) -> int:
        return sum(len(shown) for _, shown, _ in self.columns)

    @property
    def states(self) -> list[str]:
        return [state.value for state, _, total in self.columns if total]


def board_lanes(
    board: Board, *, closed: set[str] | frozenset[str] = frozenset(), limit: int | None = None
) -> list[Lane]:
    """The board's shown threads in lanes: one per saga in the board's order, then the threads
    outside any saga. A closed lane (its key in `closed`) renders no card; open lanes show at most
    `limit` cards of each state in all (the first lanes first), so a big board stays as cheap to
    render as one with that many cards per column."""
    by_lane: dict[str, dict[State, list[Thread]]] = {}
    saga_ids = {s.id for s in board.lane_sagas}
    for state in LANE_STATES:
        for thread in board.columns.get(state, []):
            if thread.kind is Kind.SAGA:
                continue
            key = thread.parent_id if thread.parent_id in saga_ids else NO_SAGA
            by_lane.setdefault(key or NO_SAGA, {}).setdefault(state, []).append(thread)
    progress: dict[str, tuple[int, int]] = board.cards.get("saga_progress", {})
    order: list[tuple[str, Thread | None]] = [(s.id, s) for s in board.lane_sagas]
    if NO_SAGA in by_lane:
        order.append((NO_SAGA, None))
    room = {state: limit for state in LANE_STATES}
    lanes: list[Lane] = []
    for key, saga in order:
        threads = by_lane.get(key, {})
        is_open = key not in closed
        columns: list[tuple[State, list[Thread], int]] = []
        for state in LANE_STATES:
            all_here = threads.get(state, [])
            left = room[state]
            shown = [] if not is_open else all_here if left is None else all_here[:left]
            if is_open and left is not None:
                room[state] = left - len(shown)
            columns.append((state, shown, len(all_here)))
        lanes.append(Lane(key=key, saga=saga, columns=columns, progress=progress.get(key), open=is_open))
    return lanes


def archive_get(*, repo: Repo[Thread], owner: str, text: str = "") -> list[Thread]:
    """Archived threads, most recently archived first, matching `text` in the title."""
    return repo.list(thread_filter(owner=owner, archived=True, text=text, order_by=("-updated_at",)))


@dataclass
class ThreadDetail:
    thread: Thread
    saga: Thread | None
    blockers: list[Thread]
    blocking: list[Thread]
    children: list[Thread]

    @property
    def ready_to_unblock(self) -> bool:
        return (
            self.thread.state is State.BLOCKED
            and bool(self.thread.blocked_by)
            and all(b.state is State.DONE for b in self.blockers)
        )


def thread_detail_get(*, repo: Repo[Thread], owner: str, thread_id: str) -> ThreadDetail:
    """One thread with its saga, what blocks it, what it blocks and (for a saga) its children."""
    thread = thread_get(repo=repo, owner=owner, thread_id=thread_id)
    saga = repo.get(thread.parent_id) if thread.parent_id else None
    blockers = [b for bid in thread.blocked_by if (b := repo.get(bid)) is not None and b.owner == owner]
    blocked = repo.list(thread_filter(owner=owner, archived=None, states=[State.BLOCKED]))
    blocking = [t for t in blocked if thread.id in t.blocked_by]
    children = (
        repo.list(thread_filter(owner=owner, parent_id=thread.id, archived=None)) if thread.kind is Kind.SAGA else []
    )
    return ThreadDetail(thread=thread, saga=saga, blockers=blockers, blocking=blocking, children=children)


def blocker_choices(*, repo: Repo[Thread], owner: str, thread: Thread) -> list[Thread]:
    """The person's own live threads that could block `thread` (everything but itself)."""
    return [t for t in repo.list(thread_filter(owner=owner, order_by=("kind", "title"))) if t.id != thread.id]


def saga_choices(*, repo: Repo[Thread], owner: str) -> list[Thread]:
    """The person's live sagas, for the "saga" field of a story or task."""
    return repo.list(thread_filter(owner=owner, kind=Kind.SAGA, order_by=("title",)))


def band_usage(*, repo: Repo[Thread], owner: str) -> dict[str, int]:
    """How many threads (archived ones too) use each energy band."""
    usage: dict[str, int] = {}
    for thread in repo.list(thread_filter(owner=owner, archived=None)):
        usage[thread.energy_band] = usage.get(thread.energy_band, 0) + 1
    return usage
