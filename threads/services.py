"""Thread use cases: create, edit, move between states, delete.

Each one: validate (the domain does), write to the repo, and only then publish the event.
"""

from __future__ import annotations

from typing import Any, Unpack

from parallel_you.domain import DomainError, IllegalTransition, InvalidValue, utcnow
from parallel_you.repo import Repo
from parallel_you.service_layer import Bus, ChangedElsewhere, commit, made_before, publish, reapply_on_conflict, remove
from threads.domain import KEEP, Keep, Kind, Profile, State, Thread, ThreadFields
from threads.events import ProfileUpdated, Verb, thread_event
from threads.selectors import profile_get, thread_filter, thread_get


def _check_band(profiles: Repo[Profile] | None, owner: str, band: str) -> None:
    if profiles is None:
        return
    profile = profile_get(repo=profiles, owner=owner)
    if profile.band(band) is None:
        names = ", ".join(b.name for b in profile.bands)
        raise InvalidValue({"energy_band": f"Choose one of your energy bands: {names}."})


def _check_parent(repo: Repo[Thread], owner: str, parent_id: str | None) -> None:
    if parent_id is None:
        return
    parent = repo.get(parent_id)
    if parent is None or parent.owner != owner or parent.kind is not Kind.SAGA:
        raise InvalidValue({"parent_id": "Choose one of your sagas."})
    if parent.archived:
        raise InvalidValue({"parent_id": "That saga is archived: unarchive it first."})


@reapply_on_conflict  # a repeated request racing the first: the re-run answers with the thread that won
async def thread_create(
    *,
    repo: Repo[Thread],
    bus: Bus,
    owner: str,
    kind: Kind,
    title: str,
    profiles: Repo[Profile] | None = None,
    thread_id: str | None = None,
    **fields: Unpack[ThreadFields],
) -> Thread:
    """A new saga, story or task. `thread_id` (from the create form's token) makes a repeated
    request answer with the thread the first one made, changing nothing."""
    existing = made_before(repo, thread_id, owner=owner, not_found="There's no such thread.")
    if existing is not None:
        return existing
    parent_id = fields.pop("parent_id", None) or None
    ids = {"id": thread_id} if thread_id is not None else {}
    thread = Thread.new(**ids, owner=owner, kind=kind, title=title, parent_id=parent_id, **fields)
    _check_parent(repo, owner, parent_id)
    _check_band(profiles, owner, thread.energy_band)
    await commit(repo, bus, thread, thread_event(thread, Verb.CREATED))
    return thread


async def saga_create(
    *, repo: Repo[Thread], bus: Bus, owner: str, title: str, **fields: Unpack[ThreadFields]
) -> Thread:
    return await thread_create(repo=repo, bus=bus, owner=owner, kind=Kind.SAGA, title=title, **fields)


async def story_create(
    *, repo: Repo[Thread], bus: Bus, owner: str, saga_id: str, title: str, **fields: Unpack[ThreadFields]
) -> Thread:
    fields["parent_id"] = saga_id
    return await thread_create(repo=repo, bus=bus, owner=owner, kind=Kind.STORY, title=title, **fields)


async def task_create(
    *, repo: Repo[Thread], bus: Bus, owner: str, title: str, saga_id: str | None = None, **fields: Unpack[ThreadFields]
) -> Thread:
    fields["parent_id"] = saga_id
    return await thread_create(repo=repo, bus=bus, owner=owner, kind=Kind.TASK, title=title, **fields)


@reapply_on_conflict
async def thread_edit(
    *,
    repo: Repo[Thread],
    bus: Bus,
    owner: str,
    thread_id: str,
    profiles: Repo[Profile] | None = None,
    read_version: int | None = None,
    **changes: Any,
) -> Thread:
    """Change fields. Many writers: with `read_version` (an edit form says which version the person
    saw) a thread changed since is refused with `ChangedElsewhere`, also when the change lands
    between this read and the write (the re-run finds the new version); without it, the changes
    are applied again to the current thread."""
    thread = thread_get(repo=repo, owner=owner, thread_id=thread_id)
    if read_version is not None and thread.version != read_version:
        raise ChangedElsewhere(
            thread,
            f"This {thread.kind.value} changed elsewhere (another tab or device) while you were editing it, so "
            "your changes were not saved. It is shown below as it is now: make your change again if you still "
            "want it.",
        )
    if "parent_id" in changes:
        changes["parent_id"] = changes["parent_id"] or None
        if thread.kind is Kind.SAGA and changes["parent_id"]:
            raise InvalidValue({"parent_id": "A saga is top-level: it can't sit inside another saga."})
        _check_parent(repo, owner, changes["parent_id"])
    if "energy_band" in changes:
        _check_band(profiles, owner, changes["energy_band"])
    edited = thread.edit(**changes)
    if edited.model_dump(exclude={"updated_at"}) == thread.model_dump(exclude={"updated_at"}):
        return thread
    await commit(repo, bus, edited, thread_event(edited, Verb.UPDATED))
    return edited


_VERB_OF = {"archive": Verb.ARCHIVED, "unarchive": Verb.UNARCHIVED}
TRANSITIONS = ("park", "unpark", "block", "unblock", "done", "reopen", "archive", "unarchive")


@reapply_on_conflict  # an action: re-checked and applied to the thread as it is now
async def thread_transition(
    *,
    repo: Repo[Thread],
    bus: Bus,
    owner: str,
    thread_id: str,
    action: str,
    blocked_by: list[str] | None = None,
    note: str = "",
) -> Thread:
    """park, unpark, block, unblock, done, reopen, archive, unarchive (start and stop are timers')."""
    # Whose thread it is comes first: someone else's id is NotFound whatever else is wrong.
    thread = thread_get(repo=repo, owner=owner, thread_id=thread_id)
    if action not in TRANSITIONS:
        raise DomainError(f"“{action}” isn't something a thread can do.")
    now = utcnow()
    was_running = thread.state is State.RUNNING
    if action == "block":
        for blocker_id in blocked_by or []:
            if blocker_id == thread.id:
                raise InvalidValue({"blocked_by": "A thread can't block itself."})
            thread_get(repo=repo, owner=owner, thread_id=blocker_id)
        blocked = repo.list(thread_filter(owner=owner, archived=None, states=[State.BLOCKED]))
        thread.block(now, blocked_by=blocked_by, note=note, others={t.id: t for t in blocked})
    elif action == "done":
        thread.finish(now)
    else:
        getattr(thread, action)(now)
    stopped = [thread_event(thread, Verb.QUANTUM_STOPPED)] if was_running else []
    await commit(repo, bus, thread, *stopped, thread_event(thread, _VERB_OF.get(action, Verb.STATE_CHANGED)))
    return thread


async def thread_delete(*, repo: Repo[Thread], bus: Bus, owner: str, thread_id: str) -> list[Thread]:
    """Delete a thread; a saga takes its stories and tasks with it. Returns what was deleted."""
    thread = thread_get(repo=repo, owner=owner, thread_id=thread_id)
    if thread.state is State.RUNNING:
        raise IllegalTransition(f"“{thread.title}” is running: stop its quantum before you delete it.")
    doomed = [thread]
    if thread.kind is Kind.SAGA:
        doomed += repo.list(thread_filter(owner=owner, parent_id=thread.id, archived=None))
    doomed_ids = {t.id for t in doomed}
    for child in doomed[1:]:
        remove(repo, child.id)
        await publish(bus, thread_event(child, Verb.DELETED))
    remove(repo, thread.id)
    await publish(bus, thread_event(thread, Verb.DELETED))
    # Nothing may stay blocked by a thread that no longer exists.
    for other in repo.list(thread_filter(owner=owner, archived=None, states=[State.BLOCKED])):
        if doomed_ids & set(other.blocked_by):
            await _forget_blockers(repo=repo, bus=bus, thread_id=other.id, doomed_ids=doomed_ids)
    return doomed


@reapply_on_conflict  # re-read the blocked thread; what it must forget doesn't depend on its other fields
async def _forget_blockers(*, repo: Repo[Thread], bus: Bus, thread_id: str, doomed_ids: set[str]) -> None:
    other = repo.get(thread_id)
    if other is None or not doomed_ids & set(other.blocked_by):
        return
    other.blocked_by = [b for b in other.blocked_by if b not in doomed_ids]
    if not other.blocked_by and not other.blocked_note:
        other.blocked_note = "Its blocker was deleted."
    other.updated_at = utcnow()
    await commit(repo, bus, other, thread_event(other, Verb.UPDATED))


# --- Energy bands ---------------------------------------------------------------------------------
async def _profile_save(*, profiles: Repo[Profile], bus: Bus, profile: Profile) -> Profile:
    await commit(profiles, bus, profile, ProfileUpdated.of(profile))
    return profile


@reapply_on_conflict  # the profile as it is now
async def profile_time_zone_set(*, profiles: Repo[Profile], bus: Bus, owner: str, time_zone: str) -> Profile:
    """The time zone the person's times are shown in and their days counted in (an IANA name)."""
    profile = profile_get(repo=profiles, owner=owner)
    if profile.time_zone == time_zone:
        return profile
    profile.set_time_zone(time_zone)
    return await _profile_save(profiles=profiles, bus=bus, profile=profile)


@reapply_on_conflict  # energy bands: actions on the profile as it is now
async def energy_band_add(
    *, profiles: Repo[Profile], bus: Bus, owner: str, name: str, colour: str = "#64748b", daily_cap: int | None = None
) -> Profile:
    profile = profile_get(repo=profiles, owner=owner)
    profile.add_band(name, colour, daily_cap)
    return await _profile_save(profiles=profiles, bus=bus, profile=profile)


@reapply_on_conflict
async def energy_band_change(
    *,
    profiles: Repo[Profile],
    bus: Bus,
    owner: str,
    band_id: str,
    name: str | None = None,
    colour: str | None = None,
    daily_cap: int | None | Keep = KEEP,
) -> Profile:
    """Rename, recolour and/or cap a band (`daily_cap` None: no cap); its id (what threads point at) stays."""
    profile = profile_get(repo=profiles, owner=owner)
    before = profile.band(band_id)
    changed = profile.change_band(band_id, name=name, colour=colour, daily_cap=daily_cap)
    if before == changed:
        return profile
    return await _profile_save(profiles=profiles, bus=bus, profile=profile)


@reapply_on_conflict
async def energy_band_remove(
    *,
    profiles: Repo[Profile],
    threads: Repo[Thread],
    bus: Bus,
    owner: str,
    band_id: str,
    move_to: str | None = None,
) -> Profile:
    """Remove a band; the threads that use it (archived ones too) move to band `move_to` first."""
    profile = profile_get(repo=profiles, owner=owner)
    band = profile.band(band_id)
    if band is None:
        raise DomainError("There's no such energy band.")
    users = [t for t in threads.list(thread_filter(owner=owner, archived=None)) if t.energy_band == band_id]
    if users:
        if not move_to:
            count = f"{len(users)} thread{'s' if len(users) != 1 else ''}"
            raise InvalidValue({"move_to": f"{count} use “{band.name}”: choose the band they move to."})
        if move_to == band_id or profile.band(move_to) is None:
            raise InvalidValue({"move_to": "Choose one of your other energy bands."})
    # Check the removal before moving anything, so a refusal changes nothing.
    remaining = profile.model_copy(deep=True)
    remaining.remove_band(band_id)
    # Threads first: should a write fail, the band still exists and no thread points at nothing.
    for thread in users:
        assert move_to is not None  # checked above whenever there are users
        moved = thread.in_band(move_to)
        await commit(threads, bus, moved, thread_event(moved, Verb.UPDATED))
    profile.remove_band(band_id)
    return await _profile_save(profiles=profiles, bus=bus, profile=profile)
