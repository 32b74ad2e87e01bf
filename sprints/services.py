"""Sprint use cases: create, edit, delete, plan (add, remove, reorder), capacity, start, close.

Each one: the domain decides, the sprint is written, then the threads whose `sprint_id` changes,
and only then the events are published (the sprint's first, then each thread's `<kind>.updated`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date
from typing import Any

from parallel_you.bus.base import Envelope
from parallel_you.domain import InvalidValue, NotFound
from parallel_you.repo import Conflict, Repo
from parallel_you.service_layer import (
    CONFLICT_ATTEMPTS,
    Bus,
    ChangedElsewhere,
    commit,
    deliver,
    made_before,
    publish,
    reapply_on_conflict,
    refuse_if_changed,
    remove,
    save,
)
from sprints.domain import Closing, Sprint, overlap_check
from sprints.events import (
    SprintClosed,
    SprintCreated,
    SprintDeleted,
    SprintItemAdded,
    SprintItemRemoved,
    SprintItemsReordered,
    SprintStarted,
    SprintUpdated,
)
from sprints.selectors import capacity_suggestion, members_of, sprint_active, sprint_get, sprint_list
from threads.domain import Profile, State, Thread
from threads.events import Verb, thread_event
from threads.selectors import profile_get, thread_filter, thread_get

Moved = tuple[Thread, list[Envelope]]


def _move_thread(threads: Repo[Thread], thread: Thread, sprint_id: str | None) -> Moved | None:
    """Write the thread with its new sprint (its event staged); None when it was there already.
    The sprint is written by then, so on a conflict re-read the thread and move it as it is now."""
    for _ in range(CONFLICT_ATTEMPTS):
        if thread.sprint_id == sprint_id:
            return None
        moved = thread.in_sprint(sprint_id)
        try:
            return moved, save(threads, moved, events=[thread_event(moved, Verb.UPDATED)])
        except Conflict:
            fresh = threads.get(thread.id)
            if fresh is None:
                return None
            thread = fresh
    raise ChangedElsewhere(thread)


async def _publish_threads(bus: Bus, threads: Repo[Thread], moved: Sequence[Moved | None]) -> None:
    for item in moved:
        if item is not None:
            await deliver(bus, threads, item[0].id, item[1])


@reapply_on_conflict  # a repeated request racing the first: the re-run answers with the sprint that won
async def sprint_create(
    *,
    repo: Repo[Sprint],
    bus: Bus,
    owner: str,
    name: str,
    start: date,
    end: date,
    goal: str = "",
    capacity: dict[str, int] | None = None,
    allow_overlap: bool = False,
    threads: Repo[Thread] | None = None,
    profiles: Repo[Profile] | None = None,
    sprint_id: str | None = None,
) -> Sprint:
    """A Planned sprint; without `capacity` it starts from the session history (or a first guess).

    `sprint_id` (from the create form's token) makes a repeated request answer with the sprint the
    first one made, changing nothing."""
    existing = made_before(repo, sprint_id, owner=owner, not_found="There's no such sprint.")
    if existing is not None:
        return existing
    if capacity is None and threads is not None and profiles is not None:
        capacity = capacity_suggestion(threads=threads, profiles=profiles, owner=owner)
    ids = {"id": sprint_id} if sprint_id is not None else {}
    sprint = Sprint.new(owner=owner, name=name, goal=goal, start=start, end=end, capacity=capacity or {}, **ids)
    zone = profile_get(repo=profiles, owner=owner).zone if profiles is not None else UTC
    overlap_check(sprint, sprint_list(repo=repo, owner=owner), allow_overlap=allow_overlap, zone=zone)
    await commit(repo, bus, sprint, SprintCreated.of(sprint))
    return sprint


@reapply_on_conflict
async def sprint_edit(
    *,
    repo: Repo[Sprint],
    bus: Bus,
    owner: str,
    sprint_id: str,
    allow_overlap: bool = False,
    read_version: int | None = None,
    profiles: Repo[Profile] | None = None,
    **changes: Any,
) -> Sprint:
    """Name, goal, dates; new dates are checked for overlap again (a closed sprint's freed days
    counted in the person's time zone, from `profiles`). Many writers: as thread_edit, refused if
    the sprint changed since `read_version`, else re-applied to the current sprint."""
    sprint = sprint_get(repo=repo, owner=owner, sprint_id=sprint_id)
    refuse_if_changed(sprint, read_version)
    edited = sprint.edit(**changes)
    if (edited.start, edited.end) != (sprint.start, sprint.end):
        zone = profile_get(repo=profiles, owner=owner).zone if profiles is not None else UTC
        overlap_check(edited, sprint_list(repo=repo, owner=owner), allow_overlap=allow_overlap, zone=zone)
    if edited.model_dump(exclude={"updated_at"}) == sprint.model_dump(exclude={"updated_at"}):
        return sprint
    await commit(repo, bus, edited, SprintUpdated.of(edited))
    return edited


async def sprint_capacity_set(
    *,
    repo: Repo[Sprint],
    bus: Bus,
    owner: str,
    sprint_id: str,
    capacity: dict[str, int],
    profiles: Repo[Profile],
    count_weekends: bool | None = None,
) -> Sprint:
    """Quanta a day per energy band (only the person's own bands), and whether weekends count."""
    profile = profile_get(repo=profiles, owner=owner)
    unknown = [b for b in capacity if profile.band(b) is None]
    if unknown:
        raise InvalidValue({"capacity": "Set capacity for your own energy bands only."})
    bad = [b for b, n in capacity.items() if not 0 <= n <= 50]
    if bad:
        raise InvalidValue({f"capacity_{bad[0]}": "Between 0 and 50 quanta a day."})
    sprint = sprint_get(repo=repo, owner=owner, sprint_id=sprint_id)
    changes: dict[str, Any] = {"capacity": sprint.capacity | capacity}
    if count_weekends is not None:
        changes["count_weekends"] = count_weekends
    return await sprint_edit(repo=repo, bus=bus, owner=owner, sprint_id=sprint.id, **changes)


async def sprint_delete(*, repo: Repo[Sprint], threads: Repo[Thread], bus: Bus, owner: str, sprint_id: str) -> Sprint:
    """Delete a sprint; its stories and tasks go back to the backlog (done ones just lose the sprint)."""
    sprint = sprint_get(repo=repo, owner=owner, sprint_id=sprint_id)
    held = threads.list(thread_filter(owner=owner, sprint_id=sprint.id, archived=None))
    remove(repo, sprint.id)
    moved = [_move_thread(threads, t, None) for t in held]
    await publish(bus, SprintDeleted.of(sprint))
    await _publish_threads(bus, threads, moved)
    return sprint


# The planning actions name what to do, not a state: on a conflict they re-read and re-check.
@reapply_on_conflict
async def sprint_item_add(
    *,
    repo: Repo[Sprint],
    threads: Repo[Thread],
    bus: Bus,
    owner: str,
    sprint_id: str,
    thread_id: str,
    position: int | None = None,
) -> Sprint:
    sprint = sprint_get(repo=repo, owner=owner, sprint_id=sprint_id)
    thread = thread_get(repo=threads, owner=owner, thread_id=thread_id)
    sprint.add(thread, position)
    staged = save(repo, sprint, events=[SprintItemAdded.of(sprint)])
    moved = _move_thread(threads, thread, sprint.id)
    await deliver(bus, repo, sprint.id, staged)
    await _publish_threads(bus, threads, [moved])
    return sprint


@reapply_on_conflict
async def sprint_item_remove(
    *, repo: Repo[Sprint], threads: Repo[Thread], bus: Bus, owner: str, sprint_id: str, thread_id: str
) -> Sprint:
    """Back to the backlog."""
    sprint = sprint_get(repo=repo, owner=owner, sprint_id=sprint_id)
    sprint.remove(thread_id)
    staged = save(repo, sprint, events=[SprintItemRemoved.of(sprint)])
    thread = threads.get(thread_id)
    moved = _move_thread(threads, thread, None) if thread is not None and thread.owner == owner else None
    await deliver(bus, repo, sprint.id, staged)
    await _publish_threads(bus, threads, [moved])
    return sprint


@reapply_on_conflict  # the whole order the person saw: refused by the domain if the items changed
async def sprint_items_reorder(
    *, repo: Repo[Sprint], bus: Bus, owner: str, sprint_id: str, order: Sequence[str]
) -> Sprint:
    """The whole new order (drag and drop); it must hold exactly the sprint's items."""
    sprint = sprint_get(repo=repo, owner=owner, sprint_id=sprint_id)
    if sprint.reorder(order):
        await commit(repo, bus, sprint, SprintItemsReordered.of(sprint))
    return sprint


@reapply_on_conflict
async def sprint_item_move(
    *, repo: Repo[Sprint], bus: Bus, owner: str, sprint_id: str, thread_id: str, position: int
) -> Sprint:
    """One item to a new position (the up and down buttons)."""
    sprint = sprint_get(repo=repo, owner=owner, sprint_id=sprint_id)
    if sprint.move(thread_id, position):
        await commit(repo, bus, sprint, SprintItemsReordered.of(sprint))
    return sprint


@reapply_on_conflict
async def sprint_start(*, repo: Repo[Sprint], bus: Bus, owner: str, sprint_id: str) -> Sprint:
    """Planned -> Active; refused while another sprint of the person's is active."""
    sprint = sprint_get(repo=repo, owner=owner, sprint_id=sprint_id)
    sprint.start_sprint(sprint_active(repo=repo, owner=owner))
    await commit(repo, bus, sprint, SprintStarted.of(sprint))
    return sprint


CARRY_TO_BACKLOG = "backlog"


@reapply_on_conflict
async def sprint_close(
    *,
    repo: Repo[Sprint],
    threads: Repo[Thread],
    bus: Bus,
    owner: str,
    sprint_id: str,
    carry_to: str = CARRY_TO_BACKLOG,
) -> Closing:
    """Close the active sprint; unfinished items go to the backlog or into a Planned sprint."""
    sprint = sprint_get(repo=repo, owner=owner, sprint_id=sprint_id)
    target: Sprint | None = None
    if carry_to != CARRY_TO_BACKLOG:
        try:
            target = sprint_get(repo=repo, owner=owner, sprint_id=carry_to)
        except NotFound:
            raise InvalidValue({"carry_to": "Carry unfinished work to the backlog or to a Planned sprint."}) from None
    held = members_of(threads=threads, sprint=sprint)
    closing = sprint.close(held, target)
    unfinished = [t for t in held if t.state is not State.DONE]
    if target is not None:
        target.take_carried(unfinished)
    staged = save(repo, sprint, events=[SprintClosed.of(sprint)])
    carried = (
        save(repo, target, events=[SprintItemAdded.of(target)] if unfinished else []) if target is not None else []
    )
    moved = [_move_thread(threads, t, target.id if target else None) for t in unfinished]
    await deliver(bus, repo, sprint.id, staged)
    if target is not None:
        await deliver(bus, repo, target.id, carried)
    await _publish_threads(bus, threads, moved)
    return closing
