"""Export and import: a person's whole data (or the whole instance) as one versioned JSON document.

A person's file holds their profile (energy bands, capacity), every thread (with its sessions and
any running quantum), every sprint, and their pace (break policy, breaks taken and skipped),
exactly as stored. Version 2 added the pace; version 1 files (without it) are still read. Importing validates the whole file, plans
every write (ids that clash with documents already in the store get new ones, and every reference
to them follows), and only then writes; a failed write undoes what this import wrote.

What stays non-atomic: the store has no multi-document transaction on every backend, so while an
import writes, another request may see part of it; a process killed mid-import leaves what it had
written (no undo runs); and an undo that itself fails (store unreachable) leaves the documents it
could not delete, which the raised error lists.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final, Literal, TypedDict, TypeVar, Unpack

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pace.domain import Break, PaceSettings, Skip
from parallel_you.domain import DomainError, InvalidValue, Timestamp, new_id, utcnow
from parallel_you.events import RefreshPayload, RequestRefresh
from parallel_you.repo import FilterSpec, Repo, RepoError
from parallel_you.service_layer import Bus, StorageFailed, publish
from sprints.domain import Sprint, SprintState
from threads.domain import Kind, Profile, State, Thread, blocking_cycle, counting

if TYPE_CHECKING:
    from timers.scheduler import ExpiryScheduler

PERSON_FORMAT: Final = "parallel-you/person"
INSTANCE_FORMAT: Final = "parallel-you/instance"
VERSION: Final = 2  # 2: the pace (settings, breaks, skips) joined the person's documents
READABLE: Final = (1, 2)
MAX_PROBLEMS = 12


class _Envelope(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PersonDocuments(_Envelope):
    """One person's documents, as stored. `owner` is the id they were stored under."""

    owner: str = Field(min_length=1)
    profile: Profile | None = None
    threads: list[Thread] = Field(default_factory=list)
    sprints: list[Sprint] = Field(default_factory=list)
    pace_settings: PaceSettings | None = None
    breaks: list[Break] = Field(default_factory=list)
    skips: list[Skip] = Field(default_factory=list)


class PersonData(PersonDocuments):
    """One person in an instance file, with their username recorded for the reader's sake."""

    username: str | None = None


class _PersonHeader(_Envelope):
    format: Literal["parallel-you/person"] = PERSON_FORMAT
    version: Literal[1, 2] = VERSION
    exported_at: Timestamp


# pydantic takes the fields of the last base first: the header, then the documents.
class PersonExport(PersonDocuments, _PersonHeader):
    """A person's file: `format`, `version` and `exported_at` first, then their documents."""


class InstanceExport(_Envelope):
    format: Literal["parallel-you/instance"] = INSTANCE_FORMAT
    version: Literal[1, 2] = VERSION
    exported_at: Timestamp
    people: list[PersonData] = Field(default_factory=list)


class PaceRepos(TypedDict, total=False):
    """The pace app's stores, by the names the export and import take them under (the adapters')."""

    pace_settings: Repo[PaceSettings]
    breaks: Repo[Break]
    skips: Repo[Skip]


def pace_repos(adapters: Any) -> PaceRepos:
    """The pace stores of a process's adapters, to pass along with `adapters.stores()`."""
    return PaceRepos(pace_settings=adapters.pace_settings, breaks=adapters.breaks, skips=adapters.skips)


class ImportRefused(DomainError):
    """The file can't be imported; `problems` says what is wrong and where, one line each."""

    def __init__(self, problems: Sequence[str]) -> None:
        shown = list(problems[:MAX_PROBLEMS])
        if len(problems) > MAX_PROBLEMS:
            shown.append(f"… and {len(problems) - MAX_PROBLEMS} more.")
        super().__init__("Nothing was imported: " + " ".join(shown[:1]))
        self.problems = shown


@dataclass
class ImportPlan:
    """What an import will write for one person, ids already remapped."""

    owner: str
    profile: Profile | None
    profile_read: Profile | None
    threads: list[Thread]
    sprints: list[Sprint]
    # old id -> new id, for every id that was taken (the file's documents, and references to
    # documents the person had deleted); `clashing` counts the file's documents among them.
    remapped: dict[str, str] = field(default_factory=dict)
    clashing: int = 0
    bands_added: list[str] = field(default_factory=list)
    # The file's break policy, when the account has none of its own yet (None: the account's stays).
    pace_settings: PaceSettings | None = None
    breaks: list[Break] = field(default_factory=list)
    skips: list[Skip] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        kinds = {k.value: sum(1 for t in self.threads if t.kind is k) for k in Kind}
        return {
            **kinds,
            "threads": len(self.threads),
            "sessions": sum(len(t.sessions) for t in self.threads),
            "sprints": len(self.sprints),
            "energy_bands": len(self.bands_added),
            "pace_settings": int(self.pace_settings is not None),
            "breaks": len(self.breaks),
            "skips": len(self.skips),
        }


@dataclass
class ImportResult:
    plans: list[ImportPlan]

    @property
    def counts(self) -> dict[str, int]:
        total: dict[str, int] = {}
        for plan in self.plans:
            for key, value in plan.counts.items():
                total[key] = total.get(key, 0) + value
        return total

    @property
    def remapped(self) -> int:
        return sum(len(p.remapped) for p in self.plans)


# --- export -----------------------------------------------------------------------------------------
def _person_data(
    *,
    threads: Repo[Thread],
    sprints: Repo[Sprint],
    profiles: Repo[Profile],
    owner: str,
    pace_settings: Repo[PaceSettings] | None = None,
    breaks: Repo[Break] | None = None,
    skips: Repo[Skip] | None = None,
) -> dict[str, Any]:
    spec = FilterSpec(owner=owner, order_by=("created_at",))
    return {
        "owner": owner,
        "profile": profiles.get(owner),
        "threads": threads.list(spec),
        "sprints": sprints.list(spec),
        "pace_settings": pace_settings.get(owner) if pace_settings is not None else None,
        "breaks": breaks.list(FilterSpec(owner=owner, order_by=("started_at",))) if breaks is not None else [],
        "skips": skips.list(FilterSpec(owner=owner, order_by=("at",))) if skips is not None else [],
    }


def person_export(
    *,
    threads: Repo[Thread],
    sprints: Repo[Sprint],
    profiles: Repo[Profile],
    owner: str,
    now: datetime | None = None,
    **pace: Unpack[PaceRepos],
) -> PersonExport:
    """Everything `owner` has, as stored (their pace too, given `pace_repos(adapters)` as `**pace`).
    `.model_dump_json()` gives the file."""
    data = _person_data(threads=threads, sprints=sprints, profiles=profiles, owner=owner, **pace)
    return PersonExport(exported_at=now or utcnow(), **data)


def instance_export(
    *,
    threads: Repo[Thread],
    sprints: Repo[Sprint],
    profiles: Repo[Profile],
    usernames: Mapping[str, str] | None = None,
    now: datetime | None = None,
    **pace: Unpack[PaceRepos],
) -> InstanceExport:
    """Every person's data; `usernames` (owner -> username) is recorded for the reader's sake."""
    every = FilterSpec()
    stores: list[Any] = [threads, sprints, profiles, *pace.values()]
    owners = sorted({doc.owner for repo in stores for doc in repo.list(every)}, key=lambda o: (len(o), o))
    usernames = usernames or {}
    people = [
        PersonData(
            username=usernames.get(owner),
            **_person_data(threads=threads, sprints=sprints, profiles=profiles, owner=owner, **pace),
        )
        for owner in owners
    ]
    return InstanceExport(exported_at=now or utcnow(), people=people)


# --- reading a file ---------------------------------------------------------------------------------
def _where(loc: Sequence[int | str], raw: Any) -> str:
    """`threads[3] (“Write the report”).quantum` from pydantic's location and the raw data."""
    parts: list[str] = []
    node = raw
    for step in loc:
        if isinstance(step, int):
            parts.append(f"[{step}]")
        else:
            parts.append(f".{step}" if parts else str(step))
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            node = None
        if isinstance(step, int) and isinstance(node, dict):
            label = node.get("title") or node.get("name") or node.get("id")
            if isinstance(label, str) and label:
                parts.append(f" (“{label[:60]}”)")
    return "".join(parts) or "the file"


def _validation_problems(exc: ValidationError, raw: Any) -> list[str]:
    problems = []
    for error in exc.errors():
        message = str(error["msg"]).removeprefix("Value error, ")
        problems.append(f"{_where(error['loc'], raw)}: {message}")
    return problems


def _load(data: str | bytes | Mapping[str, Any], expected: str) -> Any:
    if isinstance(data, str | bytes):
        if not data.strip():
            raise ImportRefused(["The file is empty."])
        try:
            raw = json.loads(data)
        except UnicodeDecodeError:
            raise ImportRefused(["The file isn't text (UTF-8 JSON): is it the right file?"]) from None
        except json.JSONDecodeError as exc:
            end = exc.pos >= len(data.rstrip()) or exc.msg.startswith("Unterminated string")
            why = "it ends too early: was it cut short?" if end else f"{exc.msg}"
            raise ImportRefused(
                [f"The file isn't valid JSON at line {exc.lineno}, column {exc.colno}: {why}"]
            ) from None
    else:
        raw = data
    if not isinstance(raw, dict):
        raise ImportRefused(["The file isn't a Parallel You export: it should hold one JSON object."])
    found = raw.get("format")
    if found != expected:
        if found in (PERSON_FORMAT, INSTANCE_FORMAT):
            how = (
                "import it on the Your data page"
                if found == PERSON_FORMAT
                else "import it with manage.py import_instance"
            )
            raise ImportRefused([f"format: this is a “{found}” file, not “{expected}”: {how}."])
        raise ImportRefused([f"format: expected “{expected}”, found {json.dumps(found)}: is it a Parallel You export?"])
    version = raw.get("version")
    if version not in READABLE or isinstance(version, bool):
        readable = " and ".join(str(v) for v in READABLE)
        raise ImportRefused(
            [f"version: this server reads version {readable} files; this one says {json.dumps(version)}."]
        )
    model = PersonExport if expected == PERSON_FORMAT else InstanceExport
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise ImportRefused(_validation_problems(exc, raw)) from None


def person_file_read(data: str | bytes | Mapping[str, Any]) -> PersonExport:
    """Parse and validate a person's file; ImportRefused names every problem found."""
    result: PersonExport = _load(data, PERSON_FORMAT)
    return result


def instance_file_read(data: str | bytes | Mapping[str, Any]) -> InstanceExport:
    result: InstanceExport = _load(data, INSTANCE_FORMAT)
    return result


# --- checks across documents ------------------------------------------------------------------------
def _name(prefix: str, index: int, doc: Thread | Sprint) -> str:
    label = doc.title if isinstance(doc, Thread) else doc.name
    return f"{prefix}[{index}] (“{label[:60]}”)"


def _check_person(person: PersonDocuments, prefix: str = "") -> list[str]:
    """The rules that span documents (the ones parallel_you/consistency.py checks on a store)."""
    problems: list[str] = []
    add = problems.append
    owner = person.owner
    thread_by_id: dict[str, Thread] = {}
    for i, t in enumerate(person.threads):
        if t.id in thread_by_id:
            add(f"{_name(prefix + 'threads', i, t)}.id: another thread has the id {t.id} too.")
        thread_by_id[t.id] = t
    sprint_by_id: dict[str, Sprint] = {}
    for i, s in enumerate(person.sprints):
        if s.id in sprint_by_id:
            add(f"{_name(prefix + 'sprints', i, s)}.id: another sprint has the id {s.id} too.")
        sprint_by_id[s.id] = s
    if person.profile is not None and (person.profile.id != owner or person.profile.owner != owner):
        add(f"{prefix}profile.owner: the profile belongs to {person.profile.owner!r}, not to {owner!r}.")
    running = counting(person.threads)
    if len(running) > 1:
        add(f"{prefix}threads: {len(running)} quanta are counting down; a person runs one at a time.")
    active = [s for s in person.sprints if s.state is SprintState.ACTIVE]
    if len(active) > 1:
        add(f"{prefix}sprints: {len(active)} sprints are active; a person has one active sprint at a time.")
    for i, t in enumerate(person.threads):
        where = _name(prefix + "threads", i, t)
        if t.owner != owner:
            add(f"{where}.owner: {t.owner!r} isn't the file's owner {owner!r}.")
        if t.parent_id is not None:
            parent = thread_by_id.get(t.parent_id)
            if parent is None or parent.kind is not Kind.SAGA:
                add(f"{where}.parent_id: no saga with the id {t.parent_id} in this file.")
        if t.sprint_id is not None:
            sprint = sprint_by_id.get(t.sprint_id)
            if sprint is None:
                add(f"{where}.sprint_id: no sprint with the id {t.sprint_id} in this file.")
            elif sprint.state is not SprintState.CLOSED and t.id not in sprint.members:
                add(f"{where}.sprint_id: its sprint “{sprint.name}” doesn't list it.")
        if t.blocked_by and blocking_cycle(t, t.blocked_by, thread_by_id):
            add(f"{where}.blocked_by: its blockers are blocked by it in turn, in a circle.")
    for i, s in enumerate(person.sprints):
        where = _name(prefix + "sprints", i, s)
        if s.owner != owner:
            add(f"{where}.owner: {s.owner!r} isn't the file's owner {owner!r}.")
        for j, member in enumerate(s.members):
            member_thread = thread_by_id.get(member)
            if member_thread is not None and s.state is not SprintState.CLOSED and member_thread.sprint_id != s.id:
                add(f"{where}.members[{j}]: “{member_thread.title[:60]}” says it is in another sprint.")
    problems += _check_pace(person, prefix)
    return problems


def _check_pace(person: PersonDocuments, prefix: str) -> list[str]:
    """A person's pace documents: theirs, each id once, one break open at a time."""
    problems: list[str] = []
    owner = person.owner
    settings = person.pace_settings
    if settings is not None and (settings.id != owner or settings.owner != owner):
        problems.append(f"{prefix}pace_settings.owner: the settings belong to {settings.owner!r}, not to {owner!r}.")
    pace_docs: tuple[tuple[str, Sequence[Break | Skip]], ...] = (("breaks", person.breaks), ("skips", person.skips))
    for name, docs in pace_docs:
        seen: set[str] = set()
        for i, doc in enumerate(docs):
            where = f"{prefix}{name}[{i}] (“{doc.id}”)"
            if doc.id in seen:
                problems.append(f"{where}.id: another of the file's {name} has the id {doc.id} too.")
            seen.add(doc.id)
            if doc.owner != owner:
                problems.append(f"{where}.owner: {doc.owner!r} isn't the file's owner {owner!r}.")
    open_breaks = [b for b in person.breaks if b.ended_at is None]
    if len(open_breaks) > 1:
        problems.append(f"{prefix}breaks: {len(open_breaks)} breaks are still going; a person takes one at a time.")
    return problems


# --- planning ---------------------------------------------------------------------------------------
def _references(person: PersonDocuments, *, sprint_refs: bool) -> set[str]:
    """Every thread id (or sprint id) the person's documents refer to."""
    if sprint_refs:
        sprint_ids = {t.sprint_id for t in person.threads if t.sprint_id}
        return sprint_ids | {s.closing.carried_to for s in person.sprints if s.closing and s.closing.carried_to}
    ids = {b for t in person.threads for b in t.blocked_by} | {t.parent_id for t in person.threads if t.parent_id}
    ids |= {m for s in person.sprints for m in s.members}
    return ids | {i.id for s in person.sprints if s.closing for i in s.closing.items}


def _fresh_id(taken: set[str]) -> str:
    while (candidate := new_id()) in taken:
        pass
    return candidate


def _merge_profile(
    current: Profile | None, imported: Profile | None, owner: str
) -> tuple[Profile | None, dict[str, str], list[str]]:
    """The profile to write (None: leave it), band id renames, and the names of bands added.

    An account without stored settings takes the file's as they are. Otherwise the file's bands
    join the account's: the same id is the same band; the same name (any case) under another id
    is the same band too, and its threads move to the account's id. A file without settings
    was made by someone who kept the default bands: those join the account's.
    """
    if imported is None:
        if current is None:
            return None, {}, []
        imported = Profile.default(owner)
    if current is None:
        return (
            imported.model_copy(update={"id": owner, "owner": owner}, deep=True),
            {},
            [b.name for b in imported.bands],
        )
    merged = current.model_copy(deep=True)
    renames: dict[str, str] = {}
    added: list[str] = []
    for band in imported.bands:
        if merged.band(band.id) is not None:
            continue
        same_name = next((b for b in merged.bands if b.name.casefold() == band.name.casefold()), None)
        if same_name is not None:
            renames[band.id] = same_name.id
            continue
        merged.bands.append(band.model_copy())
        added.append(band.name)
    for band_id, per_day in imported.capacity.items():
        merged.capacity.setdefault(renames.get(band_id, band_id), per_day)
    if not added and merged.capacity == current.capacity:
        return None, renames, []
    merged.updated_at = utcnow()
    return merged, renames, added


DocT = TypeVar("DocT", Thread, Sprint, Break, Skip)


def _revalidate(model: type[DocT], rows: list[dict[str, Any]], where: str, problems: list[str]) -> list[DocT]:
    docs = []
    for i, row in enumerate(rows):
        try:
            docs.append(model.model_validate(row))
        except ValidationError as exc:
            problems += [f"{where}[{i}].{line}" for line in _validation_problems(exc, row)]
    return docs


def _plan_person(
    person: PersonDocuments,
    *,
    threads: Repo[Thread],
    sprints: Repo[Sprint],
    profiles: Repo[Profile],
    owner: str,
    taken: set[str],
    prefix: str = "",
    pace: PaceRepos | None = None,
) -> ImportPlan:
    """Check one person's data against itself and the store, and work out every write. Without
    the pace stores (`pace`), the file's pace documents are left out of the plan."""
    pace = pace or PaceRepos()
    settings_repo, breaks_repo, skips_repo = pace.get("pace_settings"), pace.get("breaks"), pace.get("skips")
    file_breaks = person.breaks if breaks_repo is not None else []
    file_skips = person.skips if skips_repo is not None else []
    problems = _check_person(person, prefix)
    if problems:
        raise ImportRefused(problems)
    existing_running = counting(threads.list(FilterSpec(owner=owner, equals={"state": State.RUNNING.value})))
    if existing_running and counting(person.threads):
        problems.append(
            f"{prefix}threads: the file has a quantum counting down and so does this account "
            f"(“{existing_running[0].title}”): pause or stop yours first."
        )
    existing_active = sprints.list(FilterSpec(owner=owner, equals={"state": SprintState.ACTIVE.value}))
    if existing_active and any(s.state is SprintState.ACTIVE for s in person.sprints):
        problems.append(
            f"{prefix}sprints: the file has an active sprint and so does this account "
            f"(“{existing_active[0].name}”): close yours first."
        )
    if breaks_repo is not None and any(b.ended_at is None for b in file_breaks):
        going = breaks_repo.list(FilterSpec(owner=owner, equals={"ended_at": None}))
        if going:
            problems.append(
                f"{prefix}breaks: the file has a break still going and so does this account: end yours first."
            )
    if problems:
        raise ImportRefused(problems)

    # Ids clash with the store, or (instance files) with what an earlier person's plan claimed.
    claimed = set(taken)
    taken |= {t.id for t in person.threads} | {s.id for s in person.sprints}
    remap: dict[str, str] = {}
    clashes = [t.id for t in person.threads if t.id in claimed or threads.get(t.id) is not None]
    clashes += [s.id for s in person.sprints if s.id in claimed or sprints.get(s.id) is not None]
    pace_ids = {b.id for b in file_breaks} | {k.id for k in file_skips}
    taken |= pace_ids
    clashes += [b.id for b in file_breaks if b.id in claimed or (breaks_repo and breaks_repo.get(b.id) is not None)]
    clashes += [k.id for k in file_skips if k.id in claimed or (skips_repo and skips_repo.get(k.id) is not None)]
    # A reference to what the person deleted (a sprint member, a blocker, a closed sprint's item)
    # points at nothing, and must still point at nothing here: if its id is taken, it gets a free one.
    held = {t.id for t in person.threads} | {s.id for s in person.sprints}
    for thread_id in _references(person, sprint_refs=False) - held:
        if thread_id in claimed or threads.get(thread_id) is not None:
            clashes.append(thread_id)
    for sprint_id in _references(person, sprint_refs=True) - held:
        if sprint_id in claimed or sprints.get(sprint_id) is not None:
            clashes.append(sprint_id)
    for doc_id in clashes:
        remap[doc_id] = _fresh_id(taken)
        taken.add(remap[doc_id])
    current_profile = profiles.get(owner)
    profile, bands, added = _merge_profile(current_profile, person.profile, owner)

    def ref(doc_id: str | None) -> str | None:
        return None if doc_id is None else remap.get(doc_id, doc_id)

    def band(band_id: str) -> str:
        return bands.get(band_id, band_id)

    def banded(amounts: Mapping[str, Any]) -> dict[str, Any]:
        return {band(k): v for k, v in amounts.items()}

    def moved(doc: Thread | Sprint | Break | Skip, **changes: Any) -> dict[str, Any]:
        """`doc`'s data under its new id and `owner`, with `changes`."""
        return {**doc.model_dump(), "id": ref(doc.id), "owner": owner, **changes}

    new_threads = [
        moved(
            t,
            parent_id=ref(t.parent_id),
            sprint_id=ref(t.sprint_id),
            blocked_by=[ref(b) for b in t.blocked_by],
            energy_band=band(t.energy_band),
            sessions=[x.model_dump() | {"energy_band": band(x.energy_band)} for x in t.sessions],
        )
        for t in person.threads
    ]
    new_sprints = []
    for s in person.sprints:
        data = moved(s, members=[ref(m) for m in s.members], capacity=banded(s.capacity))
        if data["closing"] is not None:
            closing = data["closing"]
            closing["carried_to"] = ref(closing["carried_to"])
            closing["planned"] = banded(closing["planned"])
            closing["spent"] = banded(closing["spent"])
            for item in closing["items"]:
                item["id"] = ref(item["id"])
                item["energy_band"] = band(item["energy_band"])
        new_sprints.append(data)
    # The file was valid; check again what remapping made of it, so the store only gets valid documents.
    problems = []
    planned_threads = _revalidate(Thread, new_threads, f"{prefix}threads", problems)
    planned_sprints = _revalidate(Sprint, new_sprints, f"{prefix}sprints", problems)
    planned_breaks = _revalidate(Break, [moved(b) for b in file_breaks], f"{prefix}breaks", problems)
    planned_skips = _revalidate(Skip, [moved(k) for k in file_skips], f"{prefix}skips", problems)
    # The file's break policy, for an account that has none yet (an account's own policy stays).
    new_settings = None
    if settings_repo is not None and person.pace_settings is not None and settings_repo.get(owner) is None:
        new_settings = person.pace_settings.model_copy(update={"id": owner, "owner": owner})
    if profile is not None:
        try:
            profile.ensure_valid()
        except InvalidValue as exc:
            problems += [f"{prefix}profile.{k}: {v}" for k, v in exc.errors.items()]
    if problems:
        raise ImportRefused(problems)
    return ImportPlan(
        owner=owner,
        profile=profile,
        profile_read=current_profile,
        threads=planned_threads,
        sprints=planned_sprints,
        remapped=remap,
        clashing=len((held | pace_ids) & set(remap)),
        bands_added=added,
        pace_settings=new_settings,
        breaks=planned_breaks,
        skips=planned_skips,
    )


# --- writing ----------------------------------------------------------------------------------------
@dataclass
class _Undo:
    """What an import wrote so far, so a failure can take it back (newest first)."""

    created: list[tuple[Repo[Any], str]] = field(default_factory=list)
    # (repo, the profile before, its owner, the version the import wrote)
    profiles: list[tuple[Repo[Profile], Profile | None, str, int]] = field(default_factory=list)

    def run(self) -> list[str]:
        left: list[str] = []
        for repo, doc_id in reversed(self.created):
            try:
                repo.delete(doc_id)
            except RepoError:
                left.append(doc_id)
        for repo, before, owner, written in reversed(self.profiles):
            try:
                if before is None:
                    repo.delete(owner)
                else:
                    # Over exactly what the import wrote: a change made since is kept, not undone.
                    restored = before.model_copy(update={"version": written + 1})
                    repo.upsert(restored, expected_version=written)
            except RepoError:
                left.append(f"profile {owner}")
        return left


def _write(
    plans: Iterable[ImportPlan],
    *,
    threads: Repo[Thread],
    sprints: Repo[Sprint],
    profiles: Repo[Profile],
    pace: PaceRepos | None = None,
) -> None:
    pace = pace or PaceRepos()
    undo = _Undo()
    try:
        for plan in plans:
            if plan.profile is not None:
                profile = plan.profile
                if plan.profile_read is not None:
                    # Over the profile the plan read: one changed meanwhile is a Conflict, not lost.
                    profile.version = plan.profile_read.version + 1
                    profiles.upsert(profile, expected_version=plan.profile_read.version)
                else:
                    profile.version = max(profile.version, 1)
                    profiles.upsert(profile)
                undo.profiles.append((profiles, plan.profile_read, plan.owner, profile.version))
            # Documents go in as they were (their versions too, at least 1: a stored document is
            # never at version 0): nothing else has read them yet, and an id taken meanwhile is a Conflict.
            for thread in plan.threads:
                thread.version = max(thread.version, 1)
                threads.upsert(thread)
                undo.created.append((threads, thread.id))
            for sprint in plan.sprints:
                sprint.version = max(sprint.version, 1)
                sprints.upsert(sprint)
                undo.created.append((sprints, sprint.id))
            # The plan holds pace documents only when it was given their stores.
            if plan.pace_settings is not None and (settings_repo := pace.get("pace_settings")) is not None:
                plan.pace_settings.version = max(plan.pace_settings.version, 1)
                settings_repo.upsert(plan.pace_settings)
                undo.created.append((settings_repo, plan.pace_settings.id))
            _write_new(pace.get("breaks"), plan.breaks, undo)
            _write_new(pace.get("skips"), plan.skips, undo)
    except RepoError as exc:
        left = undo.run()
        tail = f" Some could not be taken back: {', '.join(left)}." if left else ""
        raise StorageFailed(f"Couldn't finish the import ({exc}), so what was written was taken back.{tail}") from exc


PaceDocT = TypeVar("PaceDocT", Break, Skip)


def _write_new(repo: Repo[PaceDocT] | None, docs: Iterable[PaceDocT], undo: _Undo) -> None:
    if repo is None:
        return
    for doc in docs:
        doc.version = max(doc.version, 1)
        repo.upsert(doc)
        undo.created.append((repo, doc.id))


# --- the use cases ----------------------------------------------------------------------------------
def person_import_plan(
    *,
    threads: Repo[Thread],
    sprints: Repo[Sprint],
    profiles: Repo[Profile],
    owner: str,
    data: str | bytes | Mapping[str, Any] | PersonExport,
    **pace: Unpack[PaceRepos],
) -> ImportPlan:
    """Read, validate and plan an import into `owner`'s account without writing anything."""
    person = data if isinstance(data, PersonExport) else person_file_read(data)
    return _plan_person(
        person, threads=threads, sprints=sprints, profiles=profiles, owner=owner, taken=set(), pace=pace
    )


async def person_import(
    *,
    threads: Repo[Thread],
    sprints: Repo[Sprint],
    profiles: Repo[Profile],
    bus: Bus,
    owner: str,
    data: str | bytes | Mapping[str, Any] | PersonExport,
    scheduler: ExpiryScheduler | None = None,
    break_timer: ExpiryScheduler | None = None,
    **pace: Unpack[PaceRepos],
) -> ImportPlan:
    """Add a person's file to `owner`'s account: everything, or (ImportRefused, StorageFailed) nothing.
    Give the pace stores (`**pace_repos(adapters)`) for its break policy, breaks and skips."""
    plan = person_import_plan(threads=threads, sprints=sprints, profiles=profiles, owner=owner, data=data, **pace)
    _write([plan], threads=threads, sprints=sprints, profiles=profiles, pace=pace)
    await _arm([plan], scheduler, break_timer)
    await publish(bus, RequestRefresh.of(RefreshPayload(owner=owner, reason="import")))
    return plan


async def instance_import(
    *,
    threads: Repo[Thread],
    sprints: Repo[Sprint],
    profiles: Repo[Profile],
    data: str | bytes | Mapping[str, Any] | InstanceExport,
    scheduler: ExpiryScheduler | None = None,
    break_timer: ExpiryScheduler | None = None,
    **pace: Unpack[PaceRepos],
) -> ImportResult:
    """Import every person of an instance file under their own owner ids; all of it or nothing.

    Meant for moving a stopped instance to another store, so it publishes nothing (pages resync
    when they reconnect); running quanta are handed to `scheduler` to expire on time.
    """
    instance = data if isinstance(data, InstanceExport) else instance_file_read(data)
    owners = [p.owner for p in instance.people]
    twice = sorted({o for o in owners if owners.count(o) > 1})
    if twice:
        raise ImportRefused([f"people: the owner {o!r} appears more than once." for o in twice])
    plans: list[ImportPlan] = []
    problems: list[str] = []
    taken: set[str] = set()
    for i, person in enumerate(instance.people):
        try:
            plans.append(
                _plan_person(
                    person,
                    threads=threads,
                    sprints=sprints,
                    profiles=profiles,
                    owner=person.owner,
                    taken=taken,
                    prefix=f"people[{i}] ({person.owner}).",
                    pace=pace,
                )
            )
        except ImportRefused as exc:
            problems.extend(exc.problems)
    if problems:
        raise ImportRefused(problems)
    _write(plans, threads=threads, sprints=sprints, profiles=profiles, pace=pace)
    await _arm(plans, scheduler, break_timer)
    return ImportResult(plans)


async def _arm(
    plans: Iterable[ImportPlan], scheduler: ExpiryScheduler | None, break_timer: ExpiryScheduler | None = None
) -> None:
    """Imported running quanta expire like any other, and a break still going ends at its deadline
    (one already due at once), keyed like pace/timing.py's: by the person."""
    for plan in plans:
        for t in plan.threads:
            if scheduler is not None and t.run is not None and t.run.paused_at is None and t.run.expired_at is None:
                await scheduler.schedule(thread_id=t.id, run_id=t.run.id, deadline=t.run.deadline)
        for b in plan.breaks:
            if break_timer is not None and b.ended_at is None:
                await break_timer.schedule(thread_id=b.owner, run_id=b.id, deadline=b.ends_at)
